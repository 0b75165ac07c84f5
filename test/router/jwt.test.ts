import { createHmac, generateKeyPairSync, KeyObject } from 'crypto';
import * as jwt from 'jsonwebtoken';
import { createJwtVerifier, JwtKeySet } from '../../lib/router';

/**
 * Tokens are signed by jsonwebtoken (an independent implementation), so a
 * misunderstanding shared by signer and verifier (ES256's R‖S encoding, the
 * signing input) cannot hide.
 */
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const secret = 's'.repeat(48);
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
const now = Math.floor(Date.now() / 1000);
const claims = { tenant: 'eu', iss: 'https://id.example.com', aud: 'orders-api', exp: now + 600 };

const sign = (payload: object, key: KeyObject | string, algorithm: jwt.Algorithm, extra: jwt.SignOptions = {}) =>
  jwt.sign(payload, typeof key === 'string' ? key : key.export({ type: 'pkcs8', format: 'pem' }), { algorithm, ...extra });

const jwks: JwtKeySet['jwks'] = {
  keys: [
    { ...(rsa.publicKey.export({ format: 'jwk' }) as object), kty: 'RSA', kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(rsa2.publicKey.export({ format: 'jwk' }) as object), kty: 'RSA', kid: 'rsa-2' },
    { ...(ec.publicKey.export({ format: 'jwk' }) as object), kty: 'EC', kid: 'ec-1' },
  ],
};
const verifier = createJwtVerifier({ keys: { jwks, hmacSecret: secret }, issuer: 'https://id.example.com', audience: ['orders-api', 'other'] });

describe('JWT verification (node:crypto)', () => {
  it.each([
    ['RS256 (JWKS, kid)', sign(claims, rsa.privateKey, 'RS256', { keyid: 'rsa-1' })],
    ['RS256 (second key, kid)', sign(claims, rsa2.privateKey, 'RS256', { keyid: 'rsa-2' })],
    ['RS256 without kid (every RSA key tried)', sign(claims, rsa2.privateKey, 'RS256')],
    ['ES256 (JWKS)', sign(claims, ec.privateKey, 'ES256', { keyid: 'ec-1' })],
    ['HS256 (secret)', sign(claims, secret, 'HS256')],
    ['aud as a list naming an accepted audience', sign({ ...claims, aud: ['x', 'other'] }, rsa.privateKey, 'RS256')],
  ])('accepts %s', (_name, token) => {
    const result = verifier.verify(token);
    expect(result).toEqual({ ok: true, claims: expect.objectContaining({ tenant: 'eu' }) });
  });

  const tamper = (token: string) => {
    const [h, , s] = token.split('.');
    return `${h}.${Buffer.from(JSON.stringify({ ...claims, tenant: 'us' })).toString('base64url')}.${s}`;
  };
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  // The classic confusion: an HS256 token whose "secret" is the RSA public key's PEM.
  const confused = (() => {
    const head = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${createHmac('sha256', pem(rsa.publicKey)).update(`${head}.${body}`).digest('base64url')}`;
  })();
  const duplicateClaim = (() => {
    const head = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const body = Buffer.from(`{"tenant":"us","exp":${now + 600},"iss":"https://id.example.com","aud":"orders-api","tenant":"eu"}`).toString('base64url');
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  })();

  it.each([
    ['an expired token', sign({ ...claims, exp: now - 10 }, rsa.privateKey, 'RS256'), 'the token has expired'],
    ['a token not valid yet', sign({ ...claims, nbf: now + 300 }, rsa.privateKey, 'RS256'), 'the token is not valid yet (nbf)'],
    ['a token without exp', sign({ tenant: 'eu', iss: claims.iss, aud: claims.aud }, rsa.privateKey, 'RS256'), 'the token has no numeric exp (expiry)'],
    ['a bad signature (payload changed)', tamper(sign(claims, rsa.privateKey, 'RS256')), 'the signature does not verify'],
    ['a bad ES256 signature', tamper(sign(claims, ec.privateKey, 'ES256')), 'the signature does not verify'],
    ['a token signed by an unknown key', sign(claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RS256'), 'the signature does not verify'],
    ['a kid no key has', sign(claims, rsa.privateKey, 'RS256', { keyid: 'gone' }), "no configured key verifies RS256 with kid 'gone'"],
    ['a kid of another key', sign(claims, rsa.privateKey, 'RS256', { keyid: 'rsa-2' }), 'the signature does not verify'],
    ['the wrong audience', sign({ ...claims, aud: 'billing' }, rsa.privateKey, 'RS256'), 'the token audience (aud) is not accepted'],
    ['no audience', sign({ tenant: 'eu', iss: claims.iss, exp: claims.exp }, rsa.privateKey, 'RS256'), 'the token audience (aud) is not accepted'],
    ['the wrong issuer', sign({ ...claims, iss: 'https://evil.example.com' }, rsa.privateKey, 'RS256'), 'the token issuer (iss) is not accepted'],
    ['alg none', none, 'unsigned tokens (alg "none") are refused'],
    ['alg none from jsonwebtoken', jwt.sign(claims, '', { algorithm: 'none' }), 'unsigned tokens (alg "none") are refused'],
    ['HS256 with the RSA public key as secret (algorithm confusion)', confused, 'the signature does not verify'],
    ['RS512', sign(claims, rsa.privateKey, 'RS512'), 'algorithm \'RS512\' is not accepted (RS256, ES256 or HS256)'],
    ['a duplicate claim (JSON.parse keeps the last)', duplicateClaim, 'the token payload is not a JSON object'],
    ['garbage', 'not-a-token', 'the token is not a compact JWS (three base64url parts)'],
  ])('refuses %s', (_name, token, error) => {
    expect(verifier.verify(token)).toEqual({ ok: false, error });
  });

  it('caches a verified token by its exact text, and checks exp and nbf again on every use', () => {
    const v = createJwtVerifier({ keys: { hmacSecret: secret } });
    const token = sign({ tenant: 'eu', exp: now + 10, nbf: now - 1 }, secret, 'HS256');
    expect(v.verify(token, now * 1000).ok).toBe(true);
    expect(v.verify(token, now * 1000 + 5000).ok).toBe(true);
    expect(v.verify(token, (now + 11) * 1000)).toEqual({ ok: false, error: 'the token has expired' });
    const early = sign({ tenant: 'eu', exp: now + 100, nbf: now + 50 }, secret, 'HS256');
    expect(v.verify(early, (now + 60) * 1000).ok).toBe(true);
    expect(v.verify(early, now * 1000)).toEqual({ ok: false, error: 'the token is not valid yet (nbf)' });
    // One changed signature byte is another cache key: verified, and refused.
    const good = sign({ tenant: 'eu', exp: now + 100 }, secret, 'HS256');
    expect(v.verify(good).ok).toBe(true);
    const last = good.at(-2) === 'A' ? 'B' : 'A';
    expect(v.verify(`${good.slice(0, -2)}${last}${good.at(-1)}`)).toEqual({ ok: false, error: 'the signature does not verify' });
  });

  it('applies the clock tolerance to exp and nbf', () => {
    const lenient = createJwtVerifier({ keys: { hmacSecret: secret }, clockToleranceSeconds: 30 });
    expect(lenient.verify(sign({ exp: now - 10 }, secret, 'HS256')).ok).toBe(true);
    expect(lenient.verify(sign({ exp: now - 40 }, secret, 'HS256')).ok).toBe(false);
    expect(lenient.verify(sign({ exp: now + 60, nbf: now + 20 }, secret, 'HS256')).ok).toBe(true);
  });

  it('verifies against PEM public keys', () => {
    const v = createJwtVerifier({ keys: { pem: [pem(rsa.publicKey), pem(ec.publicKey)] } });
    expect(v.verify(sign(claims, ec.privateKey, 'ES256')).ok).toBe(true);
    expect(v.verify(sign(claims, rsa.privateKey, 'RS256')).ok).toBe(true);
    expect(v.verify(sign(claims, secret, 'HS256'))).toEqual({ ok: false, error: 'no configured key verifies HS256' });
  });

  it('refuses unusable keys at start-up, each named with the fix', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const privateJwk = { ...(rsa.privateKey.export({ format: 'jwk' }) as object), kty: 'RSA' };
    expect(() => createJwtVerifier({ keys: { pem: [pem(weak.publicKey), pem(p384.publicKey), privatePem], jwks: { keys: [privateJwk, { kty: 'RSA', use: 'enc' }] } }, audience: [] })).toThrow(
      [
        "6 configuration problems:",
        "- Router 'partitioning.source.keys': keys.jwks.keys[0] holds a private key (member d); publish only the public members (the identity provider's jwks.json has no d)",
        "- Router 'partitioning.source.keys': keys.jwks.keys[1] has use 'enc'; keep only signature keys (use 'sig') in the set",
        "- Router 'partitioning.source.keys': keys.pem[0] is a 1024-bit RSA key; use RSA keys of 2048 bits or more (RFC 7518 §3.3)",
        "- Router 'partitioning.source.keys': keys.pem[1] is a ec key on secp384r1; use an RSA key (RS256) or a P-256 EC key (ES256)",
        "- Router 'partitioning.source.keys': keys.pem[2] is a private key; give only the public key (openssl pkey -in key.pem -pubout); the router verifies, it never signs",
        "- Router 'partitioning.source.keys': audience [] is not a non-empty string or list of strings; set audience to the value(s) your identity provider puts in the token",
      ].join('\n'),
    );
    expect(() => createJwtVerifier({ keys: {} })).toThrow("Router 'partitioning.source.keys': keys holds no key; give at least one key: a JWKS, a PEM public key or an HMAC secret");
  });
});
