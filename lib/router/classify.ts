import { isUtf8 } from 'buffer';
import type { ClassifiableRequest, RouteDecision, RouteReason, VariableReading } from './decision';
import { DEFAULT_DOCUMENT_BUDGET, DocumentBudget, DocumentCache, DocumentSummary, OperationType, selectOperation, sha256Hex } from './document';
import { normalizeManifest, PersistedQueryManifest, PersistedQueryManifestInput } from './manifest';
import { validateClassifierOptions } from './private/classifier-options';
import { hasAmbiguousKeys } from './private/json-keys';
import { combineReadings, Declarations, NO_DECLARATIONS, readVariable } from './private/variables';
import { EXTENSION_NAMES, hasCaseVariant, PARAM_NAMES, Params, persistedHash, persistedId, SELECTING_FIELDS } from './private/params';
import {
  bodySize,
  EVENT_STREAM_TOKEN_HEADER,
  exactPath,
  hasBody,
  header,
  isUtf8Charset,
  METHOD_OVERRIDE_HEADERS,
  normalizePath,
  parseContentType,
  readUrlParams,
  splitUrl,
  UrlParams,
} from './private/request-parts';

export { mediaType, splitUrl } from './private/request-parts';

export type { ClassifiableRequest, Route, RouteDecision, RouteReason, VariableReading } from './decision';

/**
 * Reasons after which the client may have changed data, so read-your-own-
 * writes marks it: identified mutations (plain, persisted, in a batch), file
 * uploads and non-GraphQL writes (POST/PUT/PATCH/DELETE…). Requests that go
 * to the primary only because the router cannot prove them read-only — an
 * unknown persisted-query hash (an APQ miss), a parse error, an ambiguous
 * request — do not mark: otherwise APQ clients without a manifest would be
 * pinned to the primary for good.
 */
const MAY_WRITE: ReadonlySet<string> = new Set<RouteReason>([
  'mutation',
  'persisted-mutation',
  'batch-with-mutation',
  'multipart-upload',
  'unsafe-method',
]);

/** Does a request routed for `reason` mark the client for read-your-own-writes (when it succeeds)? */
export function marksReadYourWrites(reason: string): boolean {
  return MAY_WRITE.has(reason);
}

/** Options of {@link createClassifier}. */
export interface ClassifierOptions extends DocumentBudget {
  /**
   * Path(s) that serve GraphQL. A POST is classified only on exactly this
   * path (query string ignored, a trailing slash tolerated); GETs are
   * classified on any spelling servers treat as the same path (letter case,
   * `//`, percent-encoding, dot segments) — and on any path at all when they
   * carry GraphQL parameters.
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
   * Persisted-query manifest: hash (or document id) → operation type or
   * document. Hashes not in it go to the primary.
   * @default - no manifest: every hash-only request goes to the primary
   */
  readonly manifest?: PersistedQueryManifestInput | PersistedQueryManifest;
  /**
   * Parsed documents kept (least recently used evicted); documents over
   * 16 KiB are keyed by their SHA-256. 0 disables the cache.
   * @default 1000
   */
  readonly documentCacheSize?: number;
  /**
   * Name of a GraphQL variable (without `$`) to read from every request, as
   * a server would: the partition key of a partitioned router. The result is
   * the decision's `variable`.
   * @default - no variable is read
   */
  readonly partitionVariable?: string;
}

export const DEFAULT_GRAPHQL_PATH = '/graphql';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A configured classifier. Build it once; `classify` is cheap and never throws. */
export interface Classifier {
  /** Paths that serve GraphQL, as configured (trailing slash removed). */
  readonly graphqlPaths: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  /** The document cache (its `misses` count parses). */
  readonly documents: DocumentCache;
  /**
   * Decide from the method, URL and headers alone. Returns `undefined` when
   * the decision needs the body (a GraphQL POST with an acceptable content
   * type and no oversized Content-Length): read it, up to `maxBodyBytes`,
   * and call `classify`.
   */
  classifyHead(request: ClassifiableRequest): RouteDecision | undefined;
  /** Decide from the whole request. */
  classify(request: ClassifiableRequest): RouteDecision;
  /**
   * Decide a request whose head `classifyHead` already passed (returned
   * `undefined` for), from its complete body, without checking the head again.
   */
  classifyBody(request: ClassifiableRequest & { readonly body: string | Uint8Array }): RouteDecision;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ = (reason: RouteReason): RouteDecision => ({ route: 'read', reason });
const WRITE = (reason: RouteReason): RouteDecision => ({ route: 'write', reason });

/** Build a classifier. Throws `MultiRegionConfigError` on bad options or an unreadable manifest. */
export function createClassifier(options: ClassifierOptions = {}): Classifier {
  validateClassifierOptions(options);
  const paths = options.graphqlPath ?? DEFAULT_GRAPHQL_PATH;
  const pathList = typeof paths === 'string' ? [paths] : paths;
  const graphqlPaths = new Set(pathList.map(exactPath));
  const normalizedPaths = new Set(pathList.map(normalizePath));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const manifest = options.manifest ? normalizeManifest(options.manifest) : new Map<string, DocumentSummary>();
  const budget: DocumentBudget = {
    maxTokens: options.maxTokens ?? DEFAULT_DOCUMENT_BUDGET.maxTokens,
    maxDepth: options.maxDepth ?? DEFAULT_DOCUMENT_BUDGET.maxDepth,
    maxAliases: options.maxAliases ?? DEFAULT_DOCUMENT_BUDGET.maxAliases,
  };
  const documents = new DocumentCache(options.documentCacheSize ?? 1000, 16 * 1024, budget);
  const variableName = options.partitionVariable;

  const fromDocument = (query: string, operationName: unknown, persisted: boolean, selected?: Selected): RouteDecision => {
    const analysis = documents.analyze(query);
    if (!analysis.ok) return WRITE(analysis.reason);
    return fromSummary(analysis.summary, operationName, persisted, selected);
  };

  /** The decision, with the partition variable read when one is configured. */
  const fromParams = (params: unknown): RouteDecision => {
    if (variableName === undefined) return decideParams(params);
    const selected: Selected = {};
    const decision = decideParams(params, selected);
    return { ...decision, variable: readVariable(params, variableName, selected.declared) };
  };

  const decideParams = (params: unknown, selected?: Selected): RouteDecision => {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return WRITE('invalid-params');
    if (hasCaseVariant(params, PARAM_NAMES)) return WRITE('ambiguous-params');
    const { query, operationName, extensions } = params as Params;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return WRITE('invalid-params');
    }
    if (query !== undefined && query !== null && typeof query !== 'string') return WRITE('invalid-params');
    if (extensions !== undefined && extensions !== null && (typeof extensions !== 'object' || Array.isArray(extensions))) {
      return WRITE('invalid-params');
    }
    if (extensions && hasCaseVariant(extensions, EXTENSION_NAMES)) return WRITE('ambiguous-params');
    const persistedQuery = (extensions as { persistedQuery?: unknown } | null | undefined)?.persistedQuery;
    if (persistedQuery !== undefined && persistedQuery !== null && (typeof persistedQuery !== 'object' || Array.isArray(persistedQuery))) {
      return WRITE('invalid-params');
    }
    const hash = persistedHash(persistedQuery);
    const documentId = persistedId(params as Params);
    if (documentId === null) return WRITE('invalid-params');
    if (typeof query === 'string' && query !== '') {
      // A query plus a stored-document reference: servers that prefer the
      // stored document run something else unless both name the same
      // document. Only the APQ hash can be checked (SHA-256 of the text).
      if (documentId !== undefined) return WRITE('persisted-query-mismatch');
      if (persistedQuery !== undefined && persistedQuery !== null) {
        if (hash === undefined || hash.toLowerCase() !== sha256Hex(query)) return WRITE('persisted-query-mismatch');
      }
      return fromDocument(query, operationName, false, selected);
    }
    if (hash !== undefined && documentId !== undefined && hash.toLowerCase() !== documentId) {
      return WRITE('persisted-query-mismatch');
    }
    const key = hash?.toLowerCase() ?? documentId;
    if (key === undefined) return WRITE('missing-query');
    const summary = manifest.get(key);
    if (!summary) return WRITE('persisted-query-unknown');
    return fromSummary(summary, operationName, true, selected);
  };

  /** Every way a server could combine URL and body parameters; read only if all are queries. */
  const fromReadings = (body: Params, url: UrlParams): RouteDecision => {
    let readings: Params[] = [{}];
    for (const field of variableName === undefined ? SELECTING_FIELDS : WITH_VARIABLES) {
      const choices: unknown[] = [body[field]];
      const raw = url.values.get(field);
      if (raw !== undefined) {
        let value: unknown = raw;
        if (field === 'extensions') {
          try {
            value = JSON.parse(raw);
          } catch {
            return WRITE('invalid-params');
          }
        }
        choices.push(value);
      }
      readings = readings.flatMap((r) => choices.map((c) => (c === undefined ? r : { ...r, [field]: c })));
    }
    if (variableName === undefined) {
      for (const reading of readings) {
        if (fromParams(reading).route === 'write') return WRITE('url-params-on-post');
      }
      return fromParams(body);
    }
    const decisions = readings.map(fromParams);
    const variable = combineReadings(decisions.map((d) => d.variable!), 'readings of the URL and body parameters');
    const decision = decisions.some((d) => d.route === 'write') ? WRITE('url-params-on-post') : fromParams(body);
    return { ...decision, variable };
  };

  const classifyGet = (url: UrlParams): RouteDecision => {
    if (url.ambiguous) return WRITE('ambiguous-params');
    const params: Record<string, unknown> = Object.fromEntries(url.values);
    const rawExtensions = url.values.get('extensions');
    if (rawExtensions !== undefined && rawExtensions !== '') {
      try {
        params.extensions = JSON.parse(rawExtensions);
      } catch {
        return WRITE('invalid-params');
      }
      if (hasAmbiguousKeys(rawExtensions)) return WRITE('ambiguous-params');
    } else {
      delete params.extensions;
    }
    const decision = fromParams(params);
    return decision.reason === 'mutation' ? { ...decision, reason: 'mutation-over-get' } : decision;
  };

  const classifyHead = (request: ClassifiableRequest): RouteDecision | undefined => {
    const method = request.method.toUpperCase();
    const url = request.url;
    for (const name of METHOD_OVERRIDE_HEADERS) if (header(request, name) !== undefined) return WRITE('method-override');
    if (header(request, EVENT_STREAM_TOKEN_HEADER) !== undefined) return WRITE('event-stream');
    const [path, search] = splitUrl(url);
    const params = readUrlParams(search);
    if (params.methodOverride) return WRITE('method-override');
    // A fragment never leaves a browser; some servers split on `#`, some do not.
    if (url.includes('#')) return WRITE('ambiguous-params');
    if (SAFE_METHODS.has(method)) {
      if (hasBody(request)) return WRITE('get-with-body');
      const onGraphqlPath = normalizedPaths.has(normalizePath(path));
      if (method === 'OPTIONS') return READ(onGraphqlPath ? 'cors-preflight' : 'safe-method');
      // GET/HEAD: classified on the GraphQL path in any spelling, and wherever
      // it carries GraphQL parameters (another mount, an SSE endpoint …).
      if (!onGraphqlPath && !params.graphql) return READ('safe-method');
      return classifyGet(params);
    }
    if (!graphqlPaths.has(exactPath(path)) || method !== 'POST') return WRITE('unsafe-method');
    if (request.bodyTruncated) return WRITE('body-truncated');
    const contentType = parseContentType(header(request, 'content-type'));
    if (contentType.type === 'multipart/form-data') return WRITE('multipart-upload');
    if (contentType.type !== 'application/json' && contentType.type !== 'application/graphql') return WRITE('unsupported-content-type');
    if (!isUtf8Charset(contentType.charset)) return WRITE('unsupported-charset');
    const encoding = header(request, 'content-encoding');
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return WRITE('unsupported-content-encoding');
    const length = Number(header(request, 'content-length'));
    if (Number.isFinite(length) && length > maxBodyBytes) return WRITE('body-too-large');
    if (params.ambiguous) return WRITE('ambiguous-params');
    return undefined;
  };

  const decideBody = (request: ClassifiableRequest, body: string | Uint8Array): RouteDecision => {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (size > maxBodyBytes) return WRITE('body-too-large');
    let text: string;
    if (typeof body === 'string') {
      text = body;
    } else {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      if (!isUtf8(bytes)) return WRITE('unsupported-charset');
      text = bytes.toString('utf8');
    }
    // Any GraphQL parameter or document id in the URL of a POST: some servers
    // (express-graphql) read the URL first, others only the body.
    const url = readUrlParams(splitUrl(request.url)[1]);
    const inUrl = url.values.size > 0;
    if (parseContentType(header(request, 'content-type')).type === 'application/graphql') {
      if (inUrl) return fromReadings({ query: text }, url);
      if (variableName === undefined) return fromDocument(text, undefined, false);
      const selected: Selected = {};
      return { ...fromDocument(text, undefined, false, selected), variable: readVariable({}, variableName, selected.declared) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return WRITE('invalid-json');
    }
    if (hasAmbiguousKeys(text)) return WRITE('ambiguous-params');
    if (!Array.isArray(json)) {
      if (!inUrl) return fromParams(json);
      if (typeof json !== 'object' || json === null) return WRITE('invalid-params');
      return fromReadings(json as Params, url);
    }
    if (inUrl) return WRITE('url-params-on-post');
    if (json.length === 0) return WRITE('batch-empty');
    let firstWrite: RouteDecision | undefined;
    let mutation: RouteDecision | undefined;
    const variables: VariableReading[] = [];
    for (let i = 0; i < json.length; i++) {
      const entry = fromParams(json[i]);
      if (entry.variable) variables.push(entry.variable);
      if (!mutation && (entry.reason === 'mutation' || entry.reason === 'persisted-mutation')) {
        mutation = { route: 'write', reason: 'batch-with-mutation', batchIndex: i };
        if (variableName === undefined) return mutation;
      }
      if (entry.route === 'write') firstWrite ??= { route: 'write', reason: 'batch-with-write', batchIndex: i };
    }
    const decision = mutation ?? firstWrite ?? READ('batch-of-queries');
    return variableName === undefined ? decision : { ...decision, variable: combineReadings(variables, 'batch entries') };
  };

  const classify = (request: ClassifiableRequest): RouteDecision => {
    try {
      const head = classifyHead(request);
      if (head) {
        // A platform may hand over a body the headers did not announce.
        if (head.route === 'read' && request.body !== undefined && bodySize(request.body) > 0) return WRITE('get-with-body');
        return head;
      }
      if (request.body === undefined) return WRITE('missing-body');
      return decideBody(request, request.body);
    } catch {
      // Defence in depth: nothing above should throw, but a classifier bug
      // must cost a trip to the primary, never a crashed request.
      return WRITE('invalid-params');
    }
  };

  const classifyBody = (request: ClassifiableRequest & { readonly body: string | Uint8Array }): RouteDecision => {
    try {
      return decideBody(request, request.body);
    } catch {
      return WRITE('invalid-params');
    }
  };

  return { graphqlPaths, maxBodyBytes, documents, classifyHead, classify, classifyBody };
}

/** Filled by {@link fromSummary}: the variables the selected operation declares. */
interface Selected {
  declared?: Declarations;
}

const WITH_VARIABLES = [...SELECTING_FIELDS, 'variables'] as const;

function fromSummary(summary: DocumentSummary, operationName: unknown, persisted: boolean, out?: Selected): RouteDecision {
  const selected = selectOperation(summary, operationName);
  if (!selected.ok) return WRITE(selected.reason);
  if (out && summary.variables && selected.key !== undefined) out.declared = summary.variables.get(selected.key) ?? NO_DECLARATIONS;
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
