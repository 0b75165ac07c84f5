import { createHash } from 'crypto';
import type { ClassifiableRequest, Route, RouteReason } from '../../lib/router';

/**
 * Request shapes and the route each must take: the classification table
 * (test/router/classify.test.ts) and, replayed over HTTP, the real-server
 * suite (test/router/real-servers.test.ts).
 */
export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export const Q_ME = 'query Me { me { id name } }';
export const M_ADD = 'mutation AddToCart($sku: String!) { addToCart(sku: $sku) { id } }';
export const S_PRICE = 'subscription OnPrice { priceChanged { sku price } }';
export const MULTI = `
  query Cart { cart { id } }
  mutation Checkout { checkout { orderId } }
`;
export const RELAY_DOC = 'query A { a } mutation B { b }';
/** A stored mutation that runs without variables (servers execute it as is). */
export const M_LOGOUT = 'mutation Logout { logout }';
export const UNKNOWN_HASH = sha('never registered');

export const manifest = {
  [sha(Q_ME)]: Q_ME, // Relay / graphql-codegen style: hash → document text
  [sha(M_ADD)]: 'mutation', // hash → type
  [sha(S_PRICE)]: 'subscription',
  [sha(RELAY_DOC)]: RELAY_DOC,
  [sha(M_LOGOUT)]: M_LOGOUT,
};
export const CLASSIFIER_OPTIONS = { manifest, maxBodyBytes: 256 * 1024 };

export const json = (body: unknown, contentType = 'application/json'): ClassifiableRequest => ({
  method: 'POST',
  url: '/graphql',
  headers: { 'content-type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
export const get = (params: Record<string, string>, path = '/graphql', method = 'GET'): ClassifiableRequest => ({
  method,
  url: `${path}?${new URLSearchParams(params).toString()}`,
  headers: {},
});
export const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const post = (body: unknown, url: string, contentType = 'application/json'): ClassifiableRequest => ({
  ...json(body, contentType),
  url,
});
const raw = (body: Buffer, contentType: string): ClassifiableRequest => ({ method: 'POST', url: '/graphql', headers: { 'content-type': contentType }, body });
const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: me`).join(' ');
/**
 * As UTF-8: `{"query":"{ me { id } }","x":"<junk>"}`. As UTF-7 (each `+ACI-`
 * is a `"`): `{"query":"{ me { id } }","x":"","query":"mutation { logout }","y":""}`.
 */
export const UTF7_SMUGGLE = Buffer.from('{"query":"{ me { id } }","x":"+ACI-,+ACI-query+ACI-:+ACI-mutation { logout }+ACI-,+ACI-y+ACI-:+ACI-"}');

export type Row = [name: string, request: ClassifiableRequest, route: Route, reason: RouteReason];

export const rows: Row[] = [
  // --- POST application/json, single operation
  ['POST anonymous query', json({ query: '{ me { id } }' }), 'read', 'query'],
  ['POST named query + operationName', json({ query: Q_ME, operationName: 'Me' }), 'read', 'query'],
  ['POST query with variables and extensions', json({ query: 'query P($id: ID!) { product(id: $id) { name } }', variables: { id: '1' }, extensions: { tracing: true } }), 'read', 'query'],
  ['POST query, content-type with charset', json({ query: Q_ME }, 'application/json; charset=utf-8'), 'read', 'query'],
  ['POST query, content-type in upper case', json({ query: Q_ME }, 'Application/JSON'), 'read', 'query'],
  ['POST mutation', json({ query: M_ADD, variables: { sku: 'A' } }), 'write', 'mutation'],
  ['POST mutation + operationName', json({ query: M_ADD, operationName: 'AddToCart' }), 'write', 'mutation'],
  ['POST subscription', json({ query: S_PRICE }), 'write', 'subscription'],
  ['POST shorthand { __typename }', json({ query: '{ __typename }' }), 'read', 'query'],
  ['POST operationName null, single op', json({ query: Q_ME, operationName: null }), 'read', 'query'],
  ['POST operationName "" , single op', json({ query: Q_ME, operationName: '' }), 'read', 'query'],
  ['POST unicode in query', json({ query: '{ search(text: "café ☕ 日本") { id } }' }), 'read', 'query'],
  // --- application/graphql
  ['POST application/graphql query', json('{ me { id } }', 'application/graphql'), 'read', 'query'],
  ['POST application/graphql mutation', json('mutation { logout }', 'application/graphql'), 'write', 'mutation'],
  ['POST application/graphql two ops (no operationName possible)', json(MULTI, 'application/graphql'), 'write', 'operation-ambiguous'],
  // --- GET
  ['GET query', get({ query: '{ me { id } }' }), 'read', 'query'],
  ['GET query with variables', get({ query: 'query P($id: ID!) { product(id: $id) { name } }', variables: '{"id":"1"}' }), 'read', 'query'],
  ['GET mutation (primary rejects; never a replica)', get({ query: 'mutation { logout }' }), 'write', 'mutation-over-get'],
  ['GET multi-op doc selecting the query', get({ query: MULTI, operationName: 'Cart' }), 'read', 'query'],
  ['GET multi-op doc selecting the mutation', get({ query: MULTI, operationName: 'Checkout' }), 'write', 'mutation-over-get'],
  ['GET without query (GraphiQL page load)', get({}), 'write', 'missing-query'],
  ['HEAD query', get({ query: '{ __typename }' }, '/graphql', 'HEAD'), 'read', 'query'],
  ['GET with trailing slash path', get({ query: '{ me { id } }' }, '/graphql/'), 'read', 'query'],
  ['GET with malformed extensions JSON', get({ query: '{ a }', extensions: '{nope' }), 'write', 'invalid-params'],
  ['GET absolute-form URL', { method: 'GET', url: 'http://api.example.com/graphql?query=%7B%20a%20%7D', headers: {} }, 'read', 'query'],
  // --- several operations
  ['multi-op, operationName selects query (mutation unselected)', json({ query: MULTI, operationName: 'Cart' }), 'read', 'query'],
  ['multi-op, operationName selects mutation', json({ query: MULTI, operationName: 'Checkout' }), 'write', 'mutation'],
  ['multi-op, no operationName', json({ query: MULTI }), 'write', 'operation-ambiguous'],
  ['multi-op, unknown operationName', json({ query: MULTI, operationName: 'Nope' }), 'write', 'operation-not-found'],
  ['single op, operationName names another op', json({ query: Q_ME, operationName: 'Other' }), 'write', 'operation-not-found'],
  ['operationName of the wrong type', json({ query: Q_ME, operationName: 7 }), 'write', 'invalid-params'],
  // --- fragments and comments
  ['query with fragments', json({ query: 'query Q { me { ...U } } fragment U on User { id name }' }), 'read', 'query'],
  ['mutation with fragments', json({ query: 'fragment C on Cart { id } mutation M { addToCart(sku: "a") { ...C } }' }), 'write', 'mutation'],
  ['fragments only, no operation', json({ query: 'fragment U on User { id }' }), 'write', 'no-operation'],
  ['comment mentioning mutation before a query', json({ query: '# mutation { deleteAll }\n{ me { id } }' }), 'read', 'query'],
  ['comment before a mutation', json({ query: '# harmless query\nmutation { deleteAll }' }), 'write', 'mutation'],
  ['"mutation" inside a string argument', json({ query: '{ search(text: "mutation { deleteAll }") { id } }' }), 'read', 'query'],
  ['field called "mutation"', json({ query: '{ mutation subscription }' }), 'read', 'query'],
  ['block string with "mutation"', json({ query: 'query { note(text: """\nmutation\n""") }' }), 'read', 'query'],
  // --- batches
  ['batch of queries', json([{ query: Q_ME }, { query: '{ cart { id } }' }]), 'read', 'batch-of-queries'],
  ['batch with one mutation', json([{ query: Q_ME }, { query: M_ADD }]), 'write', 'batch-with-mutation'],
  ['batch with a subscription', json([{ query: Q_ME }, { query: S_PRICE }]), 'write', 'batch-with-write'],
  ['batch with a garbage entry', json([{ query: Q_ME }, 42]), 'write', 'batch-with-write'],
  ['empty batch', json([]), 'write', 'batch-empty'],
  ['batch of persisted queries', json([{ extensions: apq(sha(Q_ME)) }, { query: '{ a }' }]), 'read', 'batch-of-queries'],
  ['batch with a persisted mutation', json([{ extensions: apq(sha(M_ADD)) }]), 'write', 'batch-with-mutation'],
  // --- persisted queries
  ['APQ hash only, manifest: query document', json({ extensions: apq(sha(Q_ME)) }), 'read', 'persisted-query'],
  ['APQ hash only, manifest: "mutation"', json({ extensions: apq(sha(M_ADD)), variables: { sku: 'a' } }), 'write', 'persisted-mutation'],
  ['APQ hash only, manifest: "subscription"', json({ extensions: apq(sha(S_PRICE)) }), 'write', 'persisted-subscription'],
  ['APQ hash only, unknown hash', json({ extensions: apq(UNKNOWN_HASH) }), 'write', 'persisted-query-unknown'],
  ['APQ hash in upper case', json({ extensions: apq(sha(Q_ME).toUpperCase()) }), 'read', 'persisted-query'],
  ['APQ retry, hash of the query: the query is parsed (mutation)', json({ query: M_ADD, extensions: apq(sha(M_ADD)) }), 'write', 'mutation'],
  ['APQ retry, hash of the query: the query is parsed (query)', json({ query: Q_ME, extensions: apq(sha(Q_ME)) }), 'read', 'query'],
  ['APQ retry, hash in upper case', json({ query: Q_ME, extensions: apq(sha(Q_ME).toUpperCase()) }), 'read', 'query'],
  ['APQ query null + known hash', json({ query: null, extensions: apq(sha(Q_ME)) }), 'read', 'persisted-query'],
  ['persisted multi-op document, operationName → query', json({ operationName: 'A', extensions: apq(sha(RELAY_DOC)) }), 'read', 'persisted-query'],
  ['persisted multi-op document, operationName → mutation', json({ operationName: 'B', extensions: apq(sha(RELAY_DOC)) }), 'write', 'persisted-mutation'],
  ['GET APQ, known query hash', get({ operationName: 'Me', extensions: JSON.stringify(apq(sha(Q_ME))) }), 'read', 'persisted-query'],
  ['GET APQ, unknown hash', get({ extensions: JSON.stringify(apq(UNKNOWN_HASH)) }), 'write', 'persisted-query-unknown'],
  ['GET APQ, known mutation hash', get({ extensions: JSON.stringify(apq(sha(M_ADD))) }), 'write', 'persisted-mutation'],
  ['persistedQuery without sha256Hash', json({ extensions: { persistedQuery: { version: 1 } } }), 'write', 'missing-query'],
  // --- bad bodies and content types
  ['invalid JSON', json('{"query": "{ me { id } }"'), 'write', 'invalid-json'],
  ['empty body', json(''), 'write', 'invalid-json'],
  ['JSON null', json('null'), 'write', 'invalid-params'],
  ['JSON string', json('"{ me { id } }"'), 'write', 'invalid-params'],
  ['query is a number', json({ query: 42 }), 'write', 'invalid-params'],
  ['no query, no hash', json({ variables: {} }), 'write', 'missing-query'],
  ['GraphQL syntax error', json({ query: '{ me { id }' }), 'write', 'parse-error'],
  ['query with an unknown keyword', json({ query: 'delete { everything }' }), 'write', 'parse-error'],
  ['body over maxBodyBytes', json({ query: `{ me { id } } # ${'x'.repeat(300 * 1024)}` }), 'write', 'body-too-large'],
  ['Content-Length over maxBodyBytes', { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'content-length': '999999' } }, 'write', 'body-too-large'],
  ['body truncated by the platform', { ...json({ query: Q_ME }), bodyTruncated: true }, 'write', 'body-truncated'],
  ['text/plain (CSRF-style simple request)', json({ query: Q_ME }, 'text/plain'), 'write', 'unsupported-content-type'],
  ['no content type', { method: 'POST', url: '/graphql', headers: {}, body: JSON.stringify({ query: Q_ME }) }, 'write', 'unsupported-content-type'],
  ['multipart/form-data (file upload)', json('--x\r\n', 'multipart/form-data; boundary=x'), 'write', 'multipart-upload'],
  ['application/x-www-form-urlencoded', json('query=%7Bme%7D', 'application/x-www-form-urlencoded'), 'write', 'unsupported-content-type'],
  ['POST without a body', { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' } }, 'write', 'missing-body'],
  ['body as bytes', { ...json({}), body: new TextEncoder().encode(JSON.stringify({ query: Q_ME })) }, 'read', 'query'],
  ['lower-case method', { ...json({ query: Q_ME }), method: 'post' }, 'read', 'query'],
  // --- methods on the GraphQL path and elsewhere
  ['PUT /graphql', { ...json({ query: Q_ME }), method: 'PUT' }, 'write', 'unsafe-method'],
  ['OPTIONS /graphql (CORS preflight)', { method: 'OPTIONS', url: '/graphql', headers: {} }, 'read', 'cors-preflight'],
  ['GET /products/42 (not GraphQL)', { method: 'GET', url: '/products/42', headers: {} }, 'read', 'safe-method'],
  ['HEAD /assets/app.js', { method: 'HEAD', url: '/assets/app.js', headers: {} }, 'read', 'safe-method'],
  ['OPTIONS /api/orders', { method: 'OPTIONS', url: '/api/orders', headers: {} }, 'read', 'safe-method'],
  ['POST /api/orders (REST write)', { method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/json' }, body: '{}' }, 'write', 'unsafe-method'],
  ['POST /graphqlx is not /graphql', { ...json({ query: Q_ME }), url: '/graphqlx' }, 'write', 'unsafe-method'],
  ['DELETE /api/orders/1', { method: 'DELETE', url: '/api/orders/1', headers: {} }, 'write', 'unsafe-method'],
  ['PATCH /api/me', { method: 'PATCH', url: '/api/me', headers: {} }, 'write', 'unsafe-method'],
  ['GET /graphql without parameters, another spelling (GraphiQL page)', { method: 'GET', url: '/GraphQL/', headers: {} }, 'write', 'missing-query'],
  ['POST //graphql is not the GraphQL path for a POST', { ...json({ query: Q_ME }), url: '//graphql' }, 'write', 'unsafe-method'],
  ['GET documentId only, manifest knows a query', get({ documentId: `sha256:${sha(Q_ME)}` }), 'read', 'persisted-query'],
  ['POST documentId only, manifest knows a mutation', json({ documentId: sha(M_ADD) }), 'write', 'persisted-mutation'],
  ['POST query, charset="UTF-8" quoted', json({ query: Q_ME }, 'application/json; charset="UTF-8"'), 'read', 'query'],
  ['POST with operationName in the URL too, the same one', post({ query: MULTI, operationName: 'Cart' }, '/graphql?operationName=Cart'), 'read', 'query'],
  ['POST with a cache-buster in the URL', post({ query: Q_ME }, '/graphql?_=123&x=1'), 'read', 'query'],
  ['POST with Content-Encoding: identity', { ...json({ query: Q_ME }), headers: { 'content-type': 'application/json', 'content-encoding': 'identity' } }, 'read', 'query'],
  ['GET with Content-Length: 0', { ...get({ query: Q_ME }), headers: { 'content-length': '0' } }, 'read', 'query'],
  ['GET query on an SSE path (classified wherever it points)', get({ query: Q_ME }, '/graphql/stream'), 'read', 'query'],
  ['document within the budget', json({ query: `{ ${aliases(900)} }` }), 'read', 'query'],
];

/**
 * Issue 19, items 1–5: requests the router read differently from real
 * servers (or that cost it too much to read). Each row was routed `read`
 * (or `safe-method`) before the fix; `test/router/real-servers.test.ts`
 * replays them against real GraphQL servers.
 */
export const LEAKS: Row[] = [
  // 1. charset: express.json() and express-graphql decode any utf-* charset
  ['charset=utf-7 body with a second "query" (UTF-7 view: a mutation)', raw(UTF7_SMUGGLE, 'application/json; charset=utf-7'), 'write', 'unsupported-charset'],
  ['charset=utf-16le', json({ query: Q_ME }, 'application/json; charset=utf-16le'), 'write', 'unsupported-charset'],
  ['charset=iso-8859-1', json({ query: Q_ME }, 'application/json; charset=iso-8859-1'), 'write', 'unsupported-charset'],
  ['charset given twice', json({ query: Q_ME }, 'application/json; charset=utf-8; charset=utf-7'), 'write', 'unsupported-charset'],
  ['application/graphql; charset=utf-7', json('{ me { id } }', 'application/graphql; charset=utf-7'), 'write', 'unsupported-charset'],
  ['no charset, bytes that are not UTF-8', raw(Buffer.concat([Buffer.from('{"query":"{ me { id } }","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), 'application/json'), 'write', 'unsupported-charset'],
  ['Content-Encoding: gzip on a plain body', { ...json({ query: Q_ME }), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }, 'write', 'unsupported-content-encoding'],
  // 2. GraphQL parameters in the URL of a POST (express-graphql reads the URL first)
  ['POST ?query=mutation with a query body', post({ query: '{ me { id } }' }, `/graphql?query=${encodeURIComponent('mutation { logout }')}`), 'write', 'url-params-on-post'],
  ['POST ?operationName= selecting the mutation of the body document', post({ query: MULTI, operationName: 'Cart' }, '/graphql?operationName=Checkout'), 'write', 'url-params-on-post'],
  ['POST ?operationName= with no operationName in the body', post({ query: MULTI }, '/graphql?operationName=Cart'), 'write', 'url-params-on-post'],
  ['POST application/graphql ?operationName= selecting a mutation', post(MULTI, '/graphql?operationName=Checkout', 'application/graphql'), 'write', 'url-params-on-post'],
  ['POST batch with ?query= in the URL', post([{ query: Q_ME }], `/graphql?query=${encodeURIComponent('mutation { logout }')}`), 'write', 'url-params-on-post'],
  ['POST ?documentId= with a query body', post({ query: Q_ME }, `/graphql?documentId=${sha(M_ADD)}`), 'write', 'url-params-on-post'],
  // 3. paths: Express matches case-insensitively; classify GETs with GraphQL parameters wherever they point
  ['GET /GraphQL?query=mutation', get({ query: 'mutation { logout }' }, '/GraphQL'), 'write', 'mutation-over-get'],
  ['GET //graphql?query=mutation', get({ query: 'mutation { logout }' }, '//graphql'), 'write', 'mutation-over-get'],
  ['GET /%67raphql?query=mutation', get({ query: 'mutation { logout }' }, '/%67raphql'), 'write', 'mutation-over-get'],
  ['GET /api/../graphql;v=1?query=mutation', get({ query: 'mutation { logout }' }, '/api/../graphql;v=1'), 'write', 'mutation-over-get'],
  ['GET subscription over SSE on another path', get({ query: S_PRICE }, '/graphql/stream'), 'write', 'subscription'],
  ['GET /anything?query= that is not GraphQL (REST search: to the primary)', get({ query: 'red shoes' }, '/search'), 'write', 'parse-error'],
  ['HEAD /v1/graphql?extensions= unknown hash', get({ extensions: JSON.stringify(apq(UNKNOWN_HASH)) }, '/v1/graphql', 'HEAD'), 'write', 'persisted-query-unknown'],
  ['GET SSE stream reserved on the primary (token header)', { method: 'GET', url: '/graphql/stream', headers: { 'x-graphql-event-stream-token': 'abc' } }, 'write', 'event-stream'],
  // 4. ambiguity
  ['duplicate JSON key "query" (JSON.parse keeps the last, others the first)', json('{"query":"mutation { logout }","query":"{ me { id } }"}'), 'write', 'ambiguous-params'],
  ['duplicate JSON key spelled with an escape', json('{"query":"mutation { logout }","\\u0071uery":"{ me { id } }"}'), 'write', 'ambiguous-params'],
  ['duplicate "operationName"', json(`{"query":${JSON.stringify(MULTI)},"operationName":"Checkout","operationName":"Cart"}`), 'write', 'ambiguous-params'],
  ['duplicate key inside extensions.persistedQuery', json(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${sha(M_ADD)}","sha256Hash":"${sha(Q_ME)}"}}}`), 'write', 'ambiguous-params'],
  ['JSON key in another letter case ("QUERY": case-insensitive binders read it)', json('{"query":"{ me { id } }","QUERY":"mutation { logout }"}'), 'write', 'ambiguous-params'],
  ['extensions key in another letter case ("PersistedQuery")', json({ query: Q_ME, extensions: { PersistedQuery: { version: 1, sha256Hash: sha(M_LOGOUT) } } }), 'write', 'ambiguous-params'],
  ['duplicate key in a batch entry', json('[{"query":"mutation { logout }","query":"{ me { id } }"}]'), 'write', 'ambiguous-params'],
  ['"__proto__" key (Object.assign makes it a prototype)', json('{"__proto__":{"query":"mutation { logout }"},"operationName":null,"query":"{ me { id } }"}'), 'write', 'ambiguous-params'],
  ['duplicate URL parameter query', { method: 'GET', url: `/graphql?query=${encodeURIComponent('{ me { id } }')}&query=${encodeURIComponent('mutation { logout }')}`, headers: {} }, 'write', 'ambiguous-params'],
  ['URL parameter in another letter case', { method: 'GET', url: `/graphql?query=${encodeURIComponent('{ me { id } }')}&Query=${encodeURIComponent('mutation { logout }')}`, headers: {} }, 'write', 'ambiguous-params'],
  ['qs bracket syntax ?query[0]= on another path (an array to Express)', { method: 'GET', url: `/api/graphql?query[0]=${encodeURIComponent('mutation { logout }')}`, headers: {} }, 'write', 'ambiguous-params'],
  ['qs bracket syntax for extensions on POST', post({ query: Q_ME }, `/graphql?extensions[persistedQuery][sha256Hash]=${sha(M_LOGOUT)}`), 'write', 'ambiguous-params'],
  ['duplicate operationName in the URL', { method: 'GET', url: `/graphql?query=${encodeURIComponent(MULTI)}&operationName=Cart&operationName=Checkout`, headers: {} }, 'write', 'ambiguous-params'],
  ['raw ";" in the query string (a separator for some parsers)', { method: 'GET', url: `/graphql?query=${encodeURIComponent(MULTI)}&x=1;operationName=Checkout&operationName=Cart`, headers: {} }, 'write', 'ambiguous-params'],
  ['"#" in the request target', { method: 'GET', url: `/graphql?query=${encodeURIComponent('{ me { id } }')}#&query=x`, headers: {} }, 'write', 'ambiguous-params'],
  ['GET with a JSON body (Content-Length)', { ...get({ query: Q_ME }), headers: { 'content-type': 'application/json', 'content-length': '30' }, body: JSON.stringify({ query: 'mutation { logout }' }) }, 'write', 'get-with-body'],
  ['GET with a chunked body', { ...get({ query: Q_ME }), headers: { 'transfer-encoding': 'chunked' } }, 'write', 'get-with-body'],
  ['GET with a body the headers did not announce (edge event)', { ...get({ query: Q_ME }), body: '{"query":"mutation { logout }"}' }, 'write', 'get-with-body'],
  ['GET with X-HTTP-Method-Override: POST', { ...get({ query: Q_ME }), headers: { 'x-http-method-override': 'POST' } }, 'write', 'method-override'],
  ['POST query with X-HTTP-Method-Override: GET', { ...json({ query: Q_ME }), headers: { 'content-type': 'application/json', 'x-http-method-override': 'GET' } }, 'write', 'method-override'],
  ['GET /api/orders/1 with X-HTTP-Method: DELETE', { method: 'GET', url: '/api/orders/1', headers: { 'x-http-method': 'DELETE' } }, 'write', 'method-override'],
  ['GET ?_method=POST', get({ query: Q_ME, _method: 'POST' }), 'write', 'method-override'],
  ['query text + APQ hash of another document (a stored mutation)', json({ query: Q_ME, extensions: apq(sha(M_LOGOUT)) }), 'write', 'persisted-query-mismatch'],
  ['query text + persistedQuery without a hash', json({ query: Q_ME, extensions: { persistedQuery: { version: 1 } } }), 'write', 'persisted-query-mismatch'],
  ['query text + documentId', json({ query: Q_ME, documentId: `sha256:${sha(M_ADD)}` }), 'write', 'persisted-query-mismatch'],
  ['query text + Relay doc_id', json({ query: Q_ME, doc_id: 'a1b2' }), 'write', 'persisted-query-mismatch'],
  ['GET query + extensions hash of another document', get({ query: Q_ME, extensions: JSON.stringify(apq(sha(M_LOGOUT))) }), 'write', 'persisted-query-mismatch'],
  ['query text + APQ hash of a stored mutation, operationName of the stored one', json({ query: Q_ME, operationName: 'Logout', extensions: apq(sha(M_LOGOUT)) }), 'write', 'persisted-query-mismatch'],
  ['documentId and APQ hash naming different documents', json({ documentId: sha(Q_ME), extensions: apq(sha(M_ADD)) }), 'write', 'persisted-query-mismatch'],
  ['extensions as a JSON string (some servers parse it)', json({ query: Q_ME, extensions: JSON.stringify(apq(sha(M_ADD))) }), 'write', 'invalid-params'],
  // 5. parse budget
  ['more tokens than the budget', json({ query: `{ ${'f '.repeat(16_000)}}` }, 'application/json'), 'write', 'document-over-budget'],
  ['nesting deeper than the budget', json({ query: `{${'a{'.repeat(65)}b${'}'.repeat(65)}}` }), 'write', 'document-over-budget'],
  ['nesting that overflows the parser stack', json({ query: `{${'a{'.repeat(5000)}b${'}'.repeat(5000)}}` }), 'write', 'document-over-budget'],
  ['more aliases than the budget', json({ query: `{ ${aliases(1001)} }` }), 'write', 'document-over-budget'],
];
rows.push(...LEAKS);

