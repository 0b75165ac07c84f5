import { DocumentCache, DocumentSummary, OperationType, selectOperation } from './document';
import { normalizeManifest, PersistedQueryManifest, PersistedQueryManifestInput } from './manifest';

/** Where a request goes: `read` → the nearest replica, `write` → the primary. */
export type Route = 'read' | 'write';

/**
 * Why the router chose a route. A fixed vocabulary, so it can label metrics
 * and logs (the Node server returns it in `x-multiregion-route-reason`).
 */
export type RouteReason =
  // → read
  | 'query' // a GraphQL query, parsed
  | 'persisted-query' // a hash the manifest knows as a query
  | 'batch-of-queries' // a JSON array whose every entry is a query
  | 'safe-method' // not the GraphQL path; GET, HEAD or OPTIONS
  | 'cors-preflight' // OPTIONS on the GraphQL path
  // → write
  | 'mutation'
  | 'mutation-over-get' // the primary will reject it with 405; never sent to a replica
  | 'subscription'
  | 'persisted-mutation'
  | 'persisted-subscription'
  | 'persisted-query-unknown' // hash only, and the manifest does not know it
  | 'batch-with-write' // a JSON array with a mutation (or anything not provably a query)
  | 'batch-empty'
  | 'missing-query' // neither `query` nor a persisted-query hash
  | 'invalid-params' // `query`/`operationName`/`extensions` of the wrong type
  | 'invalid-json'
  | 'parse-error' // `query` is not a valid GraphQL document
  | 'no-operation' // a document with fragments only
  | 'operation-ambiguous' // several operations and no operationName
  | 'operation-not-found' // operationName names no operation in the document
  | 'body-too-large' // over maxBodyBytes: not buffered, streamed to the primary
  | 'body-truncated' // the platform cut the body (CloudFront `inputTruncated`)
  | 'missing-body'
  | 'unsupported-content-type'
  | 'unsafe-method' // not the GraphQL path, or PUT/DELETE/... on it
  | 'read-your-writes'; // a read from a client that wrote within the window

/** The router's decision for one request. */
export interface RouteDecision {
  readonly route: Route;
  readonly reason: RouteReason;
  /** For batches: the index of the entry that made it a write. */
  readonly batchIndex?: number;
}

/** The parts of an HTTP request the classifier looks at. */
export interface ClassifiableRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** Request target as on the request line: path plus optional `?query`. */
  readonly url: string;
  /** Request headers with lower-case names (Node's `IncomingHttpHeaders` fits). */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The request body, complete. Not needed for GET/HEAD/OPTIONS. */
  readonly body?: string | Uint8Array;
  /** True when the platform delivered only part of the body. */
  readonly bodyTruncated?: boolean;
}

/** Options of {@link createClassifier}. */
export interface ClassifierOptions {
  /**
   * Path(s) that serve GraphQL. Exact match on the path (query string
   * ignored); a trailing slash is tolerated.
   * @default '/graphql'
   */
  readonly graphqlPath?: string | readonly string[];
  /**
   * Largest GraphQL POST body the router reads to classify. Larger bodies
   * go to the primary unread (streamed, never buffered whole).
   * @default 1048576 (1 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Persisted-query manifest: hash → operation type or document. Hashes not
   * in it go to the primary.
   * @default - no manifest: every hash-only request goes to the primary
   */
  readonly manifest?: PersistedQueryManifestInput | PersistedQueryManifest;
  /**
   * Parsed documents kept (least recently used evicted). 0 disables the cache.
   * @default 1000
   */
  readonly documentCacheSize?: number;
}

export const DEFAULT_GRAPHQL_PATH = '/graphql';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A configured classifier. Build it once; `classify` is cheap and never throws. */
export interface Classifier {
  /** Paths that serve GraphQL, normalized. */
  readonly graphqlPaths: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  /**
   * Decide from the method, URL and headers alone. Returns `undefined` when
   * the decision needs the body (a GraphQL POST with an acceptable content
   * type and no oversized Content-Length): read it, up to `maxBodyBytes`,
   * and call `classify`.
   */
  classifyHead(request: ClassifiableRequest): RouteDecision | undefined;
  /** Decide from the whole request. */
  classify(request: ClassifiableRequest): RouteDecision;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ = (reason: RouteReason): RouteDecision => ({ route: 'read', reason });
const WRITE = (reason: RouteReason): RouteDecision => ({ route: 'write', reason });

/** Build a classifier. Throws on an unreadable manifest (a deployment bug). */
export function createClassifier(options: ClassifierOptions = {}): Classifier {
  const paths = options.graphqlPath ?? DEFAULT_GRAPHQL_PATH;
  const graphqlPaths = new Set((typeof paths === 'string' ? [paths] : paths).map(normalizePath));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const manifest = options.manifest ? normalizeManifest(options.manifest) : new Map<string, DocumentSummary>();
  const cache = new DocumentCache(options.documentCacheSize ?? 1000);

  const fromDocument = (query: string, operationName: unknown, persisted: boolean): RouteDecision => {
    const summary = cache.summarize(query);
    if (!summary) return WRITE('parse-error');
    return fromSummary(summary, operationName, persisted);
  };

  const fromParams = (params: unknown): RouteDecision => {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return WRITE('invalid-params');
    const { query, operationName, extensions } = params as Record<string, unknown>;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return WRITE('invalid-params');
    }
    if (typeof query === 'string' && query !== '') {
      // Automatic persisted queries send the hash and the query together on
      // a retry: the query is the truth, parse it.
      return fromDocument(query, operationName, false);
    }
    if (query !== undefined && query !== null && typeof query !== 'string') return WRITE('invalid-params');
    const hash = persistedHash(extensions);
    if (hash === undefined) return WRITE('missing-query');
    const summary = manifest.get(hash.toLowerCase());
    if (!summary) return WRITE('persisted-query-unknown');
    return fromSummary(summary, operationName, true);
  };

  const classifyHead = (request: ClassifiableRequest): RouteDecision | undefined => {
    const method = request.method.toUpperCase();
    const [path, search] = splitUrl(request.url);
    if (!graphqlPaths.has(normalizePath(path))) {
      return SAFE_METHODS.has(method) ? READ('safe-method') : WRITE('unsafe-method');
    }
    if (method === 'OPTIONS') return READ('cors-preflight');
    if (method === 'GET' || method === 'HEAD') return classifyGet(search);
    if (method !== 'POST') return WRITE('unsafe-method');
    if (request.bodyTruncated) return WRITE('body-truncated');
    const type = mediaType(header(request, 'content-type'));
    if (type !== 'application/json' && type !== 'application/graphql') return WRITE('unsupported-content-type');
    const length = Number(header(request, 'content-length'));
    if (Number.isFinite(length) && length > maxBodyBytes) return WRITE('body-too-large');
    return undefined;
  };

  const classifyGet = (search: string): RouteDecision => {
    const params = new URLSearchParams(search);
    let extensions: unknown;
    const rawExtensions = params.get('extensions');
    if (rawExtensions !== null && rawExtensions !== '') {
      try {
        extensions = JSON.parse(rawExtensions);
      } catch {
        return WRITE('invalid-params');
      }
    }
    const decision = fromParams({
      query: params.get('query') ?? undefined,
      operationName: params.get('operationName') ?? undefined,
      extensions,
    });
    return decision.reason === 'mutation' ? WRITE('mutation-over-get') : decision;
  };

  const classify = (request: ClassifiableRequest): RouteDecision => {
    try {
      const head = classifyHead(request);
      if (head) return head;
      const body = request.body;
      if (body === undefined) return WRITE('missing-body');
      const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (size > maxBodyBytes) return WRITE('body-too-large');
      const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      if (mediaType(header(request, 'content-type')) === 'application/graphql') {
        return fromDocument(text, undefined, false);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return WRITE('invalid-json');
      }
      if (!Array.isArray(json)) return fromParams(json);
      if (json.length === 0) return WRITE('batch-empty');
      for (let i = 0; i < json.length; i++) {
        const entry = fromParams(json[i]);
        if (entry.route === 'write') return { route: 'write', reason: 'batch-with-write', batchIndex: i };
      }
      return READ('batch-of-queries');
    } catch {
      // Defence in depth: nothing above should throw, but a classifier bug
      // must cost a trip to the primary, never a crashed request.
      return WRITE('invalid-params');
    }
  };

  return { graphqlPaths, maxBodyBytes, classifyHead, classify };
}

function fromSummary(summary: DocumentSummary, operationName: unknown, persisted: boolean): RouteDecision {
  const selected = selectOperation(summary, operationName);
  if (!selected.ok) return WRITE(selected.reason);
  return WRITE_OR_READ[persisted ? 'persisted' : 'plain'][selected.type];
}

const WRITE_OR_READ: Record<'plain' | 'persisted', Record<OperationType, RouteDecision>> = {
  plain: { query: READ('query'), mutation: WRITE('mutation'), subscription: WRITE('subscription') },
  persisted: {
    query: READ('persisted-query'),
    mutation: WRITE('persisted-mutation'),
    subscription: WRITE('persisted-subscription'),
  },
};

let defaultClassifier: Classifier | undefined;

/**
 * Classify one request with the default options (`/graphql`, 1 MiB, no
 * manifest), or with `options` (build a {@link createClassifier} once
 * instead when classifying many requests with the same options).
 */
export function classify(request: ClassifiableRequest, options?: ClassifierOptions): RouteDecision {
  if (options) return createClassifier(options).classify(request);
  defaultClassifier ??= createClassifier();
  return defaultClassifier.classify(request);
}

function persistedHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof pq !== 'object' || pq === null) return undefined;
  const hash = (pq as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' && hash !== '' ? hash : undefined;
}

function header(request: ClassifiableRequest, name: string): string | undefined {
  const value = request.headers?.[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
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

function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
