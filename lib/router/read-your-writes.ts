import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';

/**
 * Read-your-own-writes: after a write, the router marks the client and sends
 * that client's reads to the primary for `windowMs`, so it never reads a
 * replica that has not yet replayed its own write.
 *
 * The marker carries its expiry time (milliseconds since the epoch) and no
 * secret. It is deliberately unsigned: its only effect is to send reads to
 * the primary, which answers them correctly anyway, so a forged or replayed
 * marker costs the forger some latency and nothing else. Markers whose
 * expiry lies further in the future than one window (plus clock skew between
 * router instances) are ignored, so even a forged marker lasts one window.
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
}

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
    if (problems.length > 0) throw new MultiRegionConfigError({ construct: 'Router', path: 'readYourWrites' }, problems);
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  /** Does this request carry a live marker? */
  isMarked(headers: HeaderBag, now = Date.now()): boolean {
    if (!this.enabled) return false;
    const raw = this.mode === 'cookie' ? readCookie(headers.cookie, this.name) : first(headers[this.name]);
    if (raw === undefined) return false;
    const expiry = Number(raw);
    return Number.isSafeInteger(expiry) && expiry > now && expiry <= now + this.windowMs + CLOCK_SKEW_MS;
  }

  /** The marker to return after a write, as one response header. */
  marker(now = Date.now()): { readonly name: string; readonly value: string } {
    const expiry = String(now + this.windowMs);
    if (this.mode === 'header') return { name: this.name, value: expiry };
    const maxAge = Math.max(1, Math.ceil(this.windowMs / 1000));
    const attrs = [`${this.name}=${expiry}`, `Max-Age=${maxAge}`, `Path=${this.path}`, 'HttpOnly', 'SameSite=Lax'];
    if (this.secure) attrs.push('Secure');
    return { name: 'set-cookie', value: attrs.join('; ') };
  }
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/** Value of cookie `name` in one or more `Cookie` header values. */
export function readCookie(cookie: string | readonly string[] | undefined, name: string): string | undefined {
  if (cookie === undefined) return undefined;
  const values = typeof cookie === 'string' ? [cookie] : cookie;
  let found: string | undefined;
  for (const value of values) {
    for (const part of value.split(';')) {
      const eq = part.indexOf('=');
      if (eq === -1) continue;
      if (part.slice(0, eq).trim() === name) {
        const v = part.slice(eq + 1).trim();
        // Several cookies of the same name (different paths): the most
        // recent expiry wins.
        if (found === undefined || Number(v) > Number(found)) found = v;
      }
    }
  }
  return found;
}
