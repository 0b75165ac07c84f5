import { createHmac, createPublicKey, createSecretKey, KeyObject, timingSafeEqual, verify as verifySignature, constants } from 'crypto';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import { hasAmbiguousKeys } from './private/json-keys';

/**
 * JSON Web Token verification for the partition key, with node:crypto only
 * (the Lambda@Edge bundle carries no other dependency). Only what a routing
 * decision needs: a compact JWS signed with RS256, ES256 or HS256, checked
 * against configured keys, then `exp`, `nbf`, `iss` and `aud`. A claim is
 * never read from a token whose signature has not been verified: otherwise
 * any client could choose the partition its writes land in.
 *
 * Algorithms (RFC 7518 §3.1): https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 * ES256 signatures are the 64-byte R‖S concatenation (RFC 7518 §3.4), hence
 * `dsaEncoding: 'ieee-p1363'`.
 */

/** The signature algorithms the router accepts. `none` never is. */
export type JwtAlgorithm = 'RS256' | 'ES256' | 'HS256';

/** A JSON Web Key as found in a JWKS document (public RSA/EC keys, or `oct` secrets). */
export interface JsonWebKeyInput {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly [member: string]: unknown;
}

/** Keys that verify partition tokens. At least one kind must be given. */
export interface JwtKeySet {
  /**
   * A JSON Web Key Set (`{ "keys": [...] }`), e.g. your identity provider's
   * `jwks.json` saved to a file. RSA keys verify RS256, P-256 EC keys ES256,
   * `oct` keys HS256; a key's `alg`, when present, must match.
   * @default - none
   */
  readonly jwks?: { readonly keys: readonly JsonWebKeyInput[] };
  /**
   * Public keys in PEM (`-----BEGIN PUBLIC KEY-----`); RSA keys verify
   * RS256, P-256 EC keys ES256. Private keys are refused: the router only
   * needs the public half.
   * @default - none
   */
  readonly pem?: string | readonly string[];
  /**
   * HMAC-SHA256 secrets (at least 32 characters) for HS256 tokens. Whoever
   * holds one can mint tokens for any partition: prefer asymmetric keys,
   * especially at the edge, where the secret sits in the function's code.
   * @default - none
   */
  readonly hmacSecret?: string | readonly string[];
}

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  readonly keys: JwtKeySet;
  /**
   * Accepted `iss` value(s); the token's `iss` must be one of them.
   * @default - `iss` is not checked
   */
  readonly issuer?: string | readonly string[];
  /**
   * Accepted audience(s); the token's `aud` (a string or a list) must name
   * one of them. Set it: without it a token your issuer minted for another
   * service is accepted too.
   * @default - `aud` is not checked
   */
  readonly audience?: string | readonly string[];
  /**
   * Leeway for `exp` and `nbf`, in seconds, for clocks that differ between
   * the issuer and the router.
   * @default 0
   */
  readonly clockToleranceSeconds?: number;
}

/** Outcome of verifying a token. */
export type JwtResult =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: string };

/** A configured verifier. */
export interface JwtVerifier {
  /** Verify a compact JWS and return its claims. Never throws. */
  verify(token: string, nowMs?: number): JwtResult;
}

/** Shortest accepted HMAC secret, in characters (RFC 7518 §3.2: a key as long as the hash). */
export const MIN_HMAC_SECRET_LENGTH = 32;
/** Longest token read (a routing header is no place for more). */
const MAX_TOKEN_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface VerificationKey {
  readonly alg: JwtAlgorithm;
  readonly kid?: string;
  readonly key: KeyObject;
}

const SOURCE = { construct: 'Router', path: 'partitioning.source.keys' };

/** Build a verifier; throws `MultiRegionConfigError` listing every unusable key or option. */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const problems: ConfigProblem[] = [];
  const keys = loadKeys(options.keys, problems);
  const issuers = listOption(options.issuer, 'issuer', problems);
  const audiences = listOption(options.audience, 'audience', problems);
  const tolerance = options.clockToleranceSeconds ?? 0;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 300) {
    problems.push({ property: 'clockToleranceSeconds', message: `clockToleranceSeconds ${show(tolerance)} is not between 0 and 300`, fix: 'set it to a few seconds at most, e.g. 0 (the default) or 5' });
  }
  if (problems.length > 0) throw new MultiRegionConfigError(SOURCE, problems);
  // Verified tokens by their exact text (a client sends the same token with
  // every request, and a signature check costs 20–200 µs): a different byte
  // is a different key, so only a token that verified can hit. Successes
  // only (failures would let anyone fill the cache), least recently used
  // evicted, and exp/nbf checked again on every use.
  const verified = new Map<string, Readonly<Record<string, unknown>>>();
  return {
    verify: (token, nowMs = Date.now()) => {
      const cached = verified.get(token);
      if (cached) {
        const error = timeError(cached, nowMs, tolerance);
        verified.delete(token);
        if (error) return fail(error);
        verified.set(token, cached);
        return { ok: true, claims: cached };
      }
      const result = verifyToken(token, nowMs, keys, issuers, audiences, tolerance);
      if (result.ok) {
        verified.set(token, result.claims);
        if (verified.size > VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      }
      return result;
    },
  };
}

/** Verified tokens kept (see createJwtVerifier). */
const VERIFIED_CACHE_SIZE = 1000;

/** The time checks, also for a cached token: `exp` required and not past, `nbf` not future. */
function timeError(claims: Readonly<Record<string, unknown>>, nowMs: number, tolerance: number): string | undefined {
  const now = nowMs / 1000;
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'the token has no numeric exp (expiry)';
  if (now >= exp + tolerance) return 'the token has expired';
  const nbf = claims.nbf;
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) return 'the token nbf is not a number';
  if (typeof nbf === 'number' && now < nbf - tolerance) return 'the token is not valid yet (nbf)';
  return undefined;
}

function verifyToken(
  token: string,
  nowMs: number,
  keys: readonly VerificationKey[],
  issuers: readonly string[] | undefined,
  audiences: readonly string[] | undefined,
  tolerance: number,
): JwtResult {
  if (token.length > MAX_TOKEN_LENGTH) return fail('the token is too long');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return fail('the token is not a compact JWS (three base64url parts)');
  const header = decodeJson(parts[0]);
  if (!header) return fail('the token header is not a JSON object');
  const alg = header.alg;
  if (alg === 'none' || typeof alg !== 'string') return fail('unsigned tokens (alg "none") are refused');
  if (alg !== 'RS256' && alg !== 'ES256' && alg !== 'HS256') return fail(`algorithm ${show(alg)} is not accepted (RS256, ES256 or HS256)`);
  // RFC 7515 §4.1.11: a recipient must reject extensions it does not understand.
  if (header.crit !== undefined) return fail('the token names critical header extensions');
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') return fail('the token header kid is not a string');
  const candidates = keys.filter((k) => k.alg === alg && (kid === undefined || k.kid === undefined || k.kid === kid));
  if (candidates.length === 0) return fail(`no configured key verifies ${alg}${kid === undefined ? '' : ` with kid ${show(kid)}`}`);
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  const signature = Buffer.from(parts[2], 'base64url');
  if (!candidates.some((k) => checkSignature(k, signingInput, signature))) return fail('the signature does not verify');

  const claims = decodeJson(parts[1]);
  if (!claims) return fail('the token payload is not a JSON object');
  const timing = timeError(claims, nowMs, tolerance);
  if (timing) return fail(timing);
  if (issuers && !(typeof claims.iss === 'string' && issuers.includes(claims.iss))) return fail('the token issuer (iss) is not accepted');
  if (audiences) {
    const aud = claims.aud;
    const given = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!given.some((a) => typeof a === 'string' && audiences.includes(a))) return fail('the token audience (aud) is not accepted');
  }
  return { ok: true, claims };
}

function checkSignature(key: VerificationKey, input: Buffer, signature: Buffer): boolean {
  try {
    switch (key.alg) {
      case 'HS256': {
        const expected = createHmac('sha256', key.key).update(input).digest();
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      }
      case 'RS256':
        return verifySignature('sha256', input, { key: key.key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'ES256':
        return signature.length === 64 && verifySignature('sha256', input, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    }
  } catch {
    return false;
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const text = Buffer.from(part, 'base64url').toString('utf8');
    const value: unknown = JSON.parse(text);
    // Duplicate member names: RFC 7515 §4 lets parsers reject them; JSON.parse
    // would keep the last, another verifier the first.
    if (typeof value !== 'object' || value === null || Array.isArray(value) || hasAmbiguousKeys(text)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const fail = (error: string): JwtResult => ({ ok: false, error });

function listOption(value: string | readonly string[] | undefined, property: string, problems: ConfigProblem[]): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    problems.push({ property, message: `${property} ${show(value)} is not a non-empty string or list of strings`, fix: `set ${property} to the value(s) your identity provider puts in the token` });
    return undefined;
  }
  return list;
}

function loadKeys(set: JwtKeySet | undefined, problems: ConfigProblem[]): VerificationKey[] {
  const keys: VerificationKey[] = [];
  if (typeof set !== 'object' || set === null) {
    problems.push({ property: 'keys', message: `keys ${show(set)} is not an object`, fix: 'give keys: { jwks } (a JSON Web Key Set), { pem } (public keys) or { hmacSecret }' });
    return keys;
  }
  if (set.jwks !== undefined) {
    const list = (set.jwks as { keys?: unknown })?.keys;
    if (!Array.isArray(list)) {
      problems.push({ property: 'keys.jwks', message: 'keys.jwks has no "keys" list', fix: 'give a JSON Web Key Set: { "keys": [ { "kty": "RSA", ... } ] }' });
    } else {
      list.forEach((jwk: unknown, i) => {
        const key = fromJwk(jwk, `keys.jwks.keys[${i}]`, problems);
        if (key) keys.push(key);
      });
    }
  }
  for (const [i, pem] of asList(set.pem).entries()) {
    const property = `keys.pem[${i}]`;
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) {
      problems.push({ property, message: `${property} is not a PEM text`, fix: 'give the public key as PEM (-----BEGIN PUBLIC KEY-----)' });
      continue;
    }
    if (/PRIVATE KEY-----/.test(pem)) {
      problems.push({ property, message: `${property} is a private key`, fix: 'give only the public key (openssl pkey -in key.pem -pubout); the router verifies, it never signs' });
      continue;
    }
    try {
      const key = asymmetric(createPublicKey(pem), property, undefined, problems);
      if (key) keys.push(key);
    } catch (err) {
      problems.push({ property, message: `${property} cannot be read (${(err as Error).message})`, fix: 'give an RSA (2048 bits or more) or P-256 EC public key in PEM' });
    }
  }
  for (const [i, secret] of asList(set.hmacSecret).entries()) {
    const property = `keys.hmacSecret[${i}]`;
    if (typeof secret !== 'string' || secret.length < MIN_HMAC_SECRET_LENGTH) {
      problems.push({ property, message: `${property} is ${typeof secret === 'string' ? `a ${secret.length}-character string` : show(secret)}`, fix: `use a random secret of at least ${MIN_HMAC_SECRET_LENGTH} characters, kept in a secrets manager` });
      continue;
    }
    keys.push({ alg: 'HS256', key: createSecretKey(Buffer.from(secret, 'utf8')) });
  }
  if (keys.length === 0 && problems.length === 0) {
    problems.push({ property: 'keys', message: 'keys holds no key', fix: 'give at least one key: a JWKS, a PEM public key or an HMAC secret' });
  }
  return keys;
}

function fromJwk(jwk: unknown, property: string, problems: ConfigProblem[]): VerificationKey | undefined {
  if (typeof jwk !== 'object' || jwk === null) {
    problems.push({ property, message: `${property} is not a JSON Web Key`, fix: 'remove it or give an object with kty' });
    return undefined;
  }
  const k = jwk as JsonWebKeyInput;
  if (k.use !== undefined && k.use !== 'sig') {
    problems.push({ property, message: `${property} has use ${show(k.use)}`, fix: "keep only signature keys (use 'sig') in the set" });
    return undefined;
  }
  if (k.kid !== undefined && typeof k.kid !== 'string') {
    problems.push({ property, message: `${property}.kid ${show(k.kid)} is not a string`, fix: 'use a string kid' });
    return undefined;
  }
  if (k.kty === 'oct') {
    if (k.alg !== undefined && k.alg !== 'HS256') {
      problems.push({ property, message: `${property} is an oct key for ${show(k.alg)}`, fix: 'the router verifies HS256 with oct keys' });
      return undefined;
    }
    const secret = typeof k.k === 'string' ? Buffer.from(k.k, 'base64url') : Buffer.alloc(0);
    if (secret.length < MIN_HMAC_SECRET_LENGTH) {
      problems.push({ property, message: `${property} is an oct key of ${secret.length} bytes`, fix: `use at least ${MIN_HMAC_SECRET_LENGTH} random bytes` });
      return undefined;
    }
    return { alg: 'HS256', kid: k.kid, key: createSecretKey(secret) };
  }
  if (k.d !== undefined) {
    problems.push({ property, message: `${property} holds a private key (member d)`, fix: 'publish only the public members (the identity provider\'s jwks.json has no d)' });
    return undefined;
  }
  try {
    return asymmetric(createPublicKey({ key: k as import('crypto').JsonWebKey, format: 'jwk' }), property, k.alg, problems, k.kid);
  } catch (err) {
    problems.push({ property, message: `${property} cannot be read (${(err as Error).message})`, fix: 'give an RSA or P-256 EC public key, or an oct key' });
    return undefined;
  }
}

function asymmetric(key: KeyObject, property: string, declaredAlg: string | undefined, problems: ConfigProblem[], kid?: string): VerificationKey | undefined {
  let alg: JwtAlgorithm | undefined;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) {
      problems.push({ property, message: `${property} is a ${bits}-bit RSA key`, fix: 'use RSA keys of 2048 bits or more (RFC 7518 §3.3)' });
      return undefined;
    }
    alg = 'RS256';
  } else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    alg = 'ES256';
  }
  if (!alg) {
    problems.push({ property, message: `${property} is a ${key.asymmetricKeyType ?? 'unknown'} key${key.asymmetricKeyDetails?.namedCurve ? ` on ${key.asymmetricKeyDetails.namedCurve}` : ''}`, fix: 'use an RSA key (RS256) or a P-256 EC key (ES256)' });
    return undefined;
  }
  if (declaredAlg !== undefined && declaredAlg !== alg) {
    problems.push({ property, message: `${property} declares alg ${show(declaredAlg)} but is a key for ${alg}`, fix: `set alg to ${alg} or remove the key` });
    return undefined;
  }
  return { alg, key, kid };
}

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
