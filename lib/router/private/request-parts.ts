/**
 * Reading the parts of an HTTP request the way the servers behind the router
 * may read them. Every function here answers "could a reasonable server read
 * this differently from the router?" — when the answer is yes, the request is
 * ambiguous and the classifier sends it to the primary.
 */

/** Request headers as Node (lower-case names) or a flattened CloudFront event present them. */
export interface RequestHead {
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** A parsed `Content-Type`. */
export interface ContentType {
  /** `type/subtype`, lower case, or '' when absent. */
  readonly type: string;
  /**
   * `charset` parameter, lower case, unquoted; `undefined` when absent;
   * `null` when it is present more than once (ambiguous).
   */
  readonly charset: string | undefined | null;
}

const NO_CONTENT_TYPE: ContentType = { type: '', charset: undefined };
/** Clients send the same few Content-Type values over and over. */
const parsedTypes = new Map<string, ContentType>();

/** `application/json; charset="UTF-8"` → `{ type: 'application/json', charset: 'utf-8' }`. */
export function parseContentType(value: string | undefined): ContentType {
  if (value === undefined) return NO_CONTENT_TYPE;
  let parsed = parsedTypes.get(value);
  if (parsed === undefined) {
    parsed = parseContentTypeUncached(value);
    if (parsedTypes.size >= 64) parsedTypes.clear();
    parsedTypes.set(value, parsed);
  }
  return parsed;
}

function parseContentTypeUncached(value: string): ContentType {
  const parts = value.split(';');
  const type = parts[0].trim().toLowerCase();
  let charset: string | undefined | null;
  for (let i = 1; i < parts.length; i++) {
    const eq = parts[i].indexOf('=');
    if (eq === -1) continue;
    if (parts[i].slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let v = parts[i].slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    charset = charset === undefined ? v.toLowerCase() : null;
  }
  return { type, charset };
}

/**
 * The charsets every server reads exactly as the router does. body-parser
 * (`express.json()`) and express-graphql decode any `utf-*` charset their
 * iconv-lite knows — including UTF-7, which is ASCII-compatible, so the same
 * bytes are a different JSON document to them — hence only UTF-8 is trusted.
 */
export function isUtf8Charset(charset: string | undefined | null): boolean {
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** GraphQL request parameters by their canonical names (GraphQL over HTTP, persisted documents, Relay). */
export const GRAPHQL_PARAMS = ['query', 'operationName', 'variables', 'extensions', 'documentId'] as const;
/** Names under which servers look up a stored (persisted) document. */
export const PERSISTED_ID_PARAMS = ['documentId', 'doc_id', 'id', 'queryId'] as const;
/** Query parameter that method-override middleware honours. */
const METHOD_OVERRIDE_PARAM = '_method';

const CANONICAL: ReadonlyMap<string, string> = new Map(
  [...GRAPHQL_PARAMS, ...PERSISTED_ID_PARAMS, METHOD_OVERRIDE_PARAM].map((name) => [name.toLowerCase(), name]),
);
const DETECT: ReadonlySet<string> = new Set(GRAPHQL_PARAMS.map((n) => n.toLowerCase()));

/** The GraphQL-relevant parameters of a query string. */
export interface UrlParams {
  /** Canonical name → value, for the names in {@link GRAPHQL_PARAMS} and {@link PERSISTED_ID_PARAMS}. */
  readonly values: ReadonlyMap<string, string>;
  /** Some parameter of {@link GRAPHQL_PARAMS} is present (in any letter case). */
  readonly graphql: boolean;
  /**
   * A server could read these parameters differently: a name given twice
   * (first wins in URLSearchParams, last in PHP or ASP.NET, both in qs), in a
   * different letter case (ASP.NET binds case-insensitively), with brackets
   * (`query[0]=`, an array or object to qs), or a raw `;` (a separator for
   * some parsers).
   */
  readonly ambiguous: boolean;
  /** `_method=` is present (method-override middleware). */
  readonly methodOverride: boolean;
}

const NO_PARAMS: UrlParams = { values: new Map(), graphql: false, ambiguous: false, methodOverride: false };

/** Read the query string (without `?`). */
export function readUrlParams(search: string): UrlParams {
  if (search === '') return NO_PARAMS;
  const values = new Map<string, string>();
  let graphql = false;
  let ambiguous = false;
  let methodOverride = false;
  for (const [name, value] of new URLSearchParams(search)) {
    const lower = name.toLowerCase();
    const bracket = lower.indexOf('[');
    if (bracket > 0 && CANONICAL.has(lower.slice(0, bracket))) {
      // `query[0]=…`, `extensions[persistedQuery][sha256Hash]=…`: Express's qs
      // parser makes these the parameter itself (an array or object).
      if (DETECT.has(lower.slice(0, bracket))) graphql = true;
      ambiguous = true;
      continue;
    }
    const canonical = CANONICAL.get(lower);
    if (canonical === undefined) continue;
    if (canonical === METHOD_OVERRIDE_PARAM) {
      methodOverride = true;
      continue;
    }
    if (DETECT.has(lower)) graphql = true;
    if (name !== canonical || values.has(canonical)) ambiguous = true;
    values.set(canonical, value);
  }
  if ((values.size > 0 || ambiguous) && search.includes(';')) ambiguous = true;
  return values.size === 0 && !methodOverride && !ambiguous ? NO_PARAMS : { values, graphql, ambiguous, methodOverride };
}

/**
 * A path as common servers match it: `;params` dropped per segment (Tomcat,
 * Spring), percent-decoded, backslashes as slashes, runs of slashes collapsed,
 * `.`/`..` resolved, lower case (Express and ASP.NET match case-insensitively),
 * no trailing slash. `/%67raphql`, `//GraphQL/`, `/a/../graphql;x` → `/graphql`.
 */
export function normalizePath(path: string): string {
  let p = path.replace(/;[^/]*/g, '');
  try {
    p = decodeURIComponent(p);
  } catch {
    // invalid escapes: decode what can be decoded
    p = p.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  const out: string[] = [];
  for (const segment of p.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`.toLowerCase();
}

/** The configured GraphQL path as the router has always matched it: exact, a trailing slash tolerated. */
export function exactPath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Request headers that make a server treat the request as another method. */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/**
 * The single-connection mode of GraphQL over Server-Sent Events (graphql-sse)
 * reserves a stream with PUT, then opens it with a GET carrying this header:
 * that stream belongs to the server that took the reservation.
 */
export const EVENT_STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';

/** The first value of a request header (lower-case `name`). */
export function header(request: RequestHead, name: string): string | undefined {
  const value = request.headers?.[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** The headers announce a body (`Transfer-Encoding`, or a `Content-Length` other than 0). */
export function hasBody(request: RequestHead): boolean {
  if (header(request, 'transfer-encoding') !== undefined) return true;
  const length = header(request, 'content-length');
  return length !== undefined && length.trim() !== '0';
}

/** Body length in bytes (UTF-16 code units for a string, as the platform handed it over). */
export function bodySize(body: string | Uint8Array): number {
  return typeof body === 'string' ? body.length : body.byteLength;
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return parseContentType(contentType).type;
}

/** Split a request target into path and query string (without `?`). */
export function splitUrl(url: string): [string, string] {
  let target = url;
  if (!target.startsWith('/')) {
    // absolute-form (`GET http://host/graphql`), as sent to a forward proxy
    try {
      const parsed = new URL(target);
      target = parsed.pathname + parsed.search;
    } catch {
      return [target, ''];
    }
  }
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  const q = target.indexOf('?');
  return q === -1 ? [target, ''] : [target.slice(0, q), target.slice(q + 1)];
}

