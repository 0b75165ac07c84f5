import { createHmac, timingSafeEqual } from 'crypto';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';

/**
 * Read-your-own-writes: after a mutation, the router marks the client and
 * sends that client's reads to the primary for `windowMs`, so it never reads
 * a replica that has not yet replayed its own write.
 *
 * The marker carries its expiry time (milliseconds since the epoch), and with
 * a `signingKey` an HMAC-SHA256 of it: `<expiry>.<base64url mac>`. Its only
 * effect is to send reads to the primary, which answers them correctly
 * anyway, so a forged marker can never cause a wrong answer; signing stops a
 * client from pinning itself (or a script from pinning its traffic) to the
 * primary without writing. Markers whose expiry lies further in the future
 * than one window (plus 1 s of clock skew between router instances) are
 * ignored either way, so router instances need synchronized clocks.
 */
export interface ReadYourWritesOptions {
  /**
   * How long after a write the client's reads go to the primary. Set it to
   * the replication-lag bound of the topology (Aurora Global Database
   * typically lags < 1 s; Cloud SQL cross-region replicas a few seconds).
   * 0 disables read-your-own-writes.
   * @default 5000
   */
  readonly windowMs?: number;
  /**
   * `cookie`: the router sets a short-lived cookie (browsers send it back
   * by themselves). `header`: the router returns the marker in a response
   * header; the client must echo it on later requests (API clients, mobile).
   * @default 'cookie'
   */
  readonly mode?: 'cookie' | 'header';
  /**
   * Cookie or header name.
   * @default 'mr_ryw' for a cookie, 'x-multiregion-ryw' for a header
   */
  readonly name?: string;
  /**
   * Add `Secure` to the cookie. Turn off only for plain-HTTP development:
   * browsers drop Secure cookies set over http:// (except on localhost).
   * @default true
   */
  readonly secure?: boolean;
  /**
   * Cookie `Path`.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Key(s) for HMAC-SHA256 signatures on the marker, at least 32 characters
   * each. The first signs; all verify (rotation: prepend the new key, drop
   * the old one after one window). Every router instance needs the same keys.
   * @default - unsigned markers (a client can mint one and pin itself to the primary)
   */
  readonly signingKey?: string | readonly string[];
}

/** Shortest accepted signing key, in characters. */
export const MIN_SIGNING_KEY_LENGTH = 32;

export const DEFAULT_RYW_WINDOW_MS = 5000;
export const DEFAULT_RYW_COOKIE = 'mr_ryw';
export const DEFAULT_RYW_HEADER = 'x-multiregion-ryw';
/** Tolerated clock difference between router instances (edge locations). */
const CLOCK_SKEW_MS = 1000;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers as Node or CloudFront (flattened) present them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A configured read-your-own-writes policy. */
export class ReadYourWrites {
  readonly windowMs: number;
  readonly mode: 'cookie' | 'header';
  /** Cookie name, or lower-case header name. */
  readonly name: string;
  readonly secure: boolean;
  readonly path: string;
  private readonly keys: readonly Buffer[];

  constructor(options: ReadYourWritesOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_RYW_WINDOW_MS;
    this.mode = options.mode ?? 'cookie';
    const name = options.name ?? (this.mode === 'cookie' ? DEFAULT_RYW_COOKIE : DEFAULT_RYW_HEADER);
    this.name = this.mode === 'header' ? name.toLowerCase() : name;
    this.secure = options.secure ?? true;
    this.path = options.path ?? '/';
    const problems: ConfigProblem[] = [];
    if (!Number.isSafeInteger(this.windowMs) || this.windowMs < 0) {
      problems.push({ property: 'readYourWrites.windowMs', message: `readYourWrites.windowMs ${show(options.windowMs)} is not a whole number of milliseconds >= 0`, fix: 'set it to the replication-lag bound in ms, e.g. 5000' });
    }
    if (this.mode !== 'cookie' && this.mode !== 'header') {
      problems.push({ property: 'readYourWrites.mode', message: `readYourWrites.mode ${show(this.mode)} is not supported`, fix: "use 'cookie' or 'header'" });
    }
    if (!TOKEN.test(this.name)) {
      problems.push({ property: 'readYourWrites.name', message: `readYourWrites.name ${show(this.name)} is not a valid cookie/header name`, fix: 'use letters, digits, - and _ only' });
    }
    if (this.path.includes(';') || !this.path.startsWith('/')) {
      problems.push({ property: 'readYourWrites.path', message: `readYourWrites.path ${show(this.path)} is not a cookie path`, fix: "use an absolute path such as '/'" });
    }
    const keys = options.signingKey === undefined ? [] : typeof options.signingKey === 'string' ? [options.signingKey] : [...options.signingKey];
    if (options.signingKey !== undefined && keys.length === 0) {
      problems.push({ property: 'readYourWrites.signingKey', message: 'readYourWrites.signingKey is an empty list', fix: 'give at least one key, or leave signingKey unset for unsigned markers' });
    }
    keys.forEach((key, i) => {
      if (typeof key !== 'string' || key.length < MIN_SIGNING_KEY_LENGTH) {
        const shown = typeof key === 'string' ? `a ${key.length}-character string` : show(key);
        problems.push({ property: `readYourWrites.signingKey[${i}]`, message: `readYourWrites.signingKey[${i}] is ${shown}`, fix: `use a random string of at least ${MIN_SIGNING_KEY_LENGTH} characters, e.g. from \`openssl rand -base64 48\`, kept in a secrets manager` });
      }
    });
    if (problems.length > 0) throw new MultiRegionConfigError({ construct: 'Router', path: 'readYourWrites' }, problems);
    this.keys = keys.map((k) => Buffer.from(k, 'utf8'));
  }

  /** Markers carry an HMAC signature. */
  get signed(): boolean {
    return this.keys.length > 0;
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /**
   * Does this request carry a live marker — for `partition`, when given
   * (a write in one partition pins only that partition's reads)?
   */
  isMarked(headers: HeaderBag, now = Date.now(), partition?: string): boolean {
    if (!this.enabled) return false;
    const values = this.values(headers);
    if (partition === undefined) return values.some((value) => this.isLive(value, now));
    const prefix = `${partition}:`;
    return values.some((value) => value.split(ENTRY_SEPARATOR).some((e) => e.startsWith(prefix) && this.isLive(e.slice(prefix.length), now, partition)));
  }

  private values(headers: HeaderBag): readonly string[] {
    return this.mode === 'cookie' ? cookieValues(headers.cookie, this.name) : listOf(headers[this.name]).flatMap((v) => v.split(',').map((part) => part.trim()));
  }

  private isLive(value: string, now: number, partition?: string): boolean {
    const dot = value.indexOf('.');
    const expiryText = dot === -1 ? value : value.slice(0, dot);
    if (!/^\d{1,16}$/.test(expiryText)) return false;
    const expiry = Number(expiryText);
    if (!(expiry > now && expiry <= now + this.windowMs + CLOCK_SKEW_MS)) return false;
    if (this.keys.length === 0) return dot === -1;
    if (dot === -1) return false;
    const given = Buffer.from(value.slice(dot + 1), 'utf8');
    return this.keys.some((key) => {
      const expected = Buffer.from(mac(key, expiryText, partition), 'utf8');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  /**
   * The marker to return after a write, as one response header. With a
   * `partition`, the marker is a list of `<partition>:<expiry>[.<mac>]`
   * entries: the new one plus the live entries of other partitions the
   * request carried (`requestHeaders`), so one client can be pinned in
   * several partitions at once.
   */
  marker(now = Date.now(), partition?: string, requestHeaders?: HeaderBag): { readonly name: string; readonly value: string } {
    const expiryText = String(now + this.windowMs);
    const signed = (p?: string) => (this.keys.length > 0 ? `${expiryText}.${mac(this.keys[0], expiryText, p)}` : expiryText);
    let expiry = signed(partition);
    if (partition !== undefined) {
      const entries = [`${partition}:${expiry}`];
      const seen = new Set([partition]);
      for (const value of requestHeaders ? this.values(requestHeaders) : []) {
        for (const entry of value.split(ENTRY_SEPARATOR)) {
          const colon = entry.indexOf(':');
          const other = entry.slice(0, colon);
          if (colon <= 0 || seen.has(other) || !PARTITION.test(other) || entries.length >= MAX_ENTRIES) continue;
          if (this.isLive(entry.slice(colon + 1), now, other)) {
            seen.add(other);
            entries.push(entry);
          }
        }
      }
      expiry = entries.join(ENTRY_SEPARATOR);
    }
    if (this.mode === 'header') return { name: this.name, value: expiry };
    const maxAge = Math.max(1, Math.ceil(this.windowMs / 1000));
    const attrs = [`${this.name}=${expiry}`, `Max-Age=${maxAge}`, `Path=${this.path}`, 'HttpOnly', 'SameSite=Lax'];
    if (this.secure) attrs.push('Secure');
    return { name: 'set-cookie', value: attrs.join('; ') };
  }
}

/** Separates per-partition entries (a cookie-octet, RFC 6265 §4.1.1, that base64url never contains). */
const ENTRY_SEPARATOR = '~';
const PARTITION = /^[a-z][a-z0-9-]{0,19}$/;
/** Most partitions one marker remembers (bounds the cookie's size). */
const MAX_ENTRIES = 16;

function mac(key: Buffer, expiry: string, partition?: string): string {
  // The partition is signed too: an `eu` marker cannot be relabelled `us`.
  return createHmac('sha256', key).update(partition === undefined ? `mr_ryw:${expiry}` : `mr_ryw:${partition}:${expiry}`).digest('base64url');
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

/** Every value of cookie `name` in one or more `Cookie` header values. */
function cookieValues(cookie: string | readonly string[] | undefined, name: string): string[] {
  const found: string[] = [];
  for (const value of listOf(cookie)) {
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq !== -1 && part.slice(0, eq).trim() === name) found.push(part.slice(eq + 1).trim());
    }
  }
  return found;
}

/**
 * Value of cookie `name` in one or more `Cookie` header values. Several
 * cookies of the same name (different paths): the most recent expiry wins.
 */
export function readCookie(cookie: string | readonly string[] | undefined, name: string): string | undefined {
  let found: string | undefined;
  for (const v of cookieValues(cookie, name)) {
    if (found === undefined || parseInt(v, 10) > parseInt(found, 10)) found = v;
  }
  return found;
}
