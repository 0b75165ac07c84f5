/** The router's decision vocabulary: routes, reasons, and the request parts the classifier reads (classify.ts decides). */

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
  | 'safe-method' // GET, HEAD or OPTIONS without GraphQL parameters, not on the GraphQL path
  | 'cors-preflight' // OPTIONS on the GraphQL path
  // → write
  | 'mutation'
  | 'mutation-over-get' // the primary will reject it with 405; never sent to a replica
  | 'subscription'
  | 'persisted-mutation'
  | 'persisted-subscription'
  | 'persisted-query-unknown' // hash only, and the manifest does not know it
  | 'persisted-query-mismatch' // query text plus a hash or document id naming something else
  | 'batch-with-mutation' // a JSON array with a mutation entry
  | 'batch-with-write' // a JSON array with another entry not provably a query
  | 'batch-empty'
  | 'missing-query' // neither `query` nor a persisted-query hash
  | 'invalid-params' // `query`/`operationName`/`extensions` of the wrong type
  | 'invalid-json'
  | 'ambiguous-params' // duplicate JSON keys or URL parameters, `__proto__`, odd letter case, `;` or `#` in the URL
  | 'url-params-on-post' // GraphQL parameters in the URL of a POST, and some reading is not a query
  | 'parse-error' // `query` is not a valid GraphQL document
  | 'document-over-budget' // more tokens, nesting or aliases than the parse budget allows
  | 'no-operation' // a document with fragments only
  | 'operation-ambiguous' // several operations and no operationName
  | 'operation-not-found' // operationName names no operation in the document
  | 'body-too-large' // over maxBodyBytes: not buffered, streamed to the primary
  | 'body-truncated' // the platform cut the body (CloudFront `inputTruncated`)
  | 'missing-body'
  | 'get-with-body' // GET/HEAD/OPTIONS with a body: which one does the server read?
  | 'method-override' // X-HTTP-Method-Override & co., or `_method=`
  | 'event-stream' // a GraphQL-over-SSE stream reserved on the primary
  | 'unsupported-content-type'
  | 'unsupported-charset' // a charset other than UTF-8, or bytes that are not UTF-8
  | 'unsupported-content-encoding' // a compressed body
  | 'multipart-upload' // multipart/form-data on the GraphQL path (file-upload mutations)
  | 'unsafe-method' // not the GraphQL path, or PUT/DELETE/... on it
  | 'malformed-request' // the platform handed over a request without the parts the router needs
  | 'read-your-writes'; // a read from a client that wrote within the window

/**
 * What a request's GraphQL variables say about one variable (the partition
 * key, `partitionVariable`): its value, or why there is none.
 */
export type VariableReading =
  | { readonly found: true; readonly value: string }
  | {
      readonly found: false;
      /** `missing`: no value; `ambiguous`: servers could read different values; `invalid`: not a string. */
      readonly problem: 'missing' | 'ambiguous' | 'invalid';
      readonly detail: string;
    };

/** The router's decision for one request. */
export interface RouteDecision {
  readonly route: Route;
  readonly reason: RouteReason;
  /** For batches: the index of the entry that made it a write. */
  readonly batchIndex?: number;
  /**
   * With `partitionVariable`: the variable as a server would read it;
   * absent when the request carries no GraphQL parameters the router could
   * read (another path, an unreadable body).
   */
  readonly variable?: VariableReading;
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
