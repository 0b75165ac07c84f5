import { createHash } from 'crypto';
import { ClassifiableRequest, createClassifier, classify, Route, RouteReason } from '../../lib/router';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const Q_ME = 'query Me { me { id name } }';
const M_ADD = 'mutation AddToCart($sku: String!) { addToCart(sku: $sku) { id } }';
const S_PRICE = 'subscription OnPrice { priceChanged { sku price } }';
const MULTI = `
  query Cart { cart { id } }
  mutation Checkout { checkout { orderId } }
`;
const RELAY_DOC = 'query A { a } mutation B { b }';
const UNKNOWN_HASH = sha('never registered');

const manifest = {
  [sha(Q_ME)]: Q_ME, // Relay / graphql-codegen style: hash → document text
  [sha(M_ADD)]: 'mutation', // hash → type
  [sha(S_PRICE)]: 'subscription',
  [sha(RELAY_DOC)]: RELAY_DOC,
};
const classifier = createClassifier({ manifest, maxBodyBytes: 4096 });

const json = (body: unknown, contentType = 'application/json'): ClassifiableRequest => ({
  method: 'POST',
  url: '/graphql',
  headers: { 'content-type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const get = (params: Record<string, string>, path = '/graphql', method = 'GET'): ClassifiableRequest => ({
  method,
  url: `${path}?${new URLSearchParams(params).toString()}`,
  headers: {},
});
const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

type Row = [name: string, request: ClassifiableRequest, route: Route, reason: RouteReason];

const rows: Row[] = [
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
  ['batch with one mutation', json([{ query: Q_ME }, { query: M_ADD }]), 'write', 'batch-with-write'],
  ['batch with a subscription', json([{ query: Q_ME }, { query: S_PRICE }]), 'write', 'batch-with-write'],
  ['batch with a garbage entry', json([{ query: Q_ME }, 42]), 'write', 'batch-with-write'],
  ['empty batch', json([]), 'write', 'batch-empty'],
  ['batch of persisted queries', json([{ extensions: apq(sha(Q_ME)) }, { query: '{ a }' }]), 'read', 'batch-of-queries'],
  ['batch with a persisted mutation', json([{ extensions: apq(sha(M_ADD)) }]), 'write', 'batch-with-write'],
  // --- persisted queries
  ['APQ hash only, manifest: query document', json({ extensions: apq(sha(Q_ME)) }), 'read', 'persisted-query'],
  ['APQ hash only, manifest: "mutation"', json({ extensions: apq(sha(M_ADD)), variables: { sku: 'a' } }), 'write', 'persisted-mutation'],
  ['APQ hash only, manifest: "subscription"', json({ extensions: apq(sha(S_PRICE)) }), 'write', 'persisted-subscription'],
  ['APQ hash only, unknown hash', json({ extensions: apq(UNKNOWN_HASH) }), 'write', 'persisted-query-unknown'],
  ['APQ hash in upper case', json({ extensions: apq(sha(Q_ME).toUpperCase()) }), 'read', 'persisted-query'],
  ['APQ hash + query: the query is parsed (mutation)', json({ query: M_ADD, extensions: apq(UNKNOWN_HASH) }), 'write', 'mutation'],
  ['APQ hash + query: the query is parsed (query)', json({ query: Q_ME, extensions: apq(UNKNOWN_HASH) }), 'read', 'query'],
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
  ['body over maxBodyBytes', json({ query: `{ me { id } } # ${'x'.repeat(5000)}` }), 'write', 'body-too-large'],
  ['Content-Length over maxBodyBytes', { method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'content-length': '999999' } }, 'write', 'body-too-large'],
  ['body truncated by the platform', { ...json({ query: Q_ME }), bodyTruncated: true }, 'write', 'body-truncated'],
  ['text/plain (CSRF-style simple request)', json({ query: Q_ME }, 'text/plain'), 'write', 'unsupported-content-type'],
  ['no content type', { method: 'POST', url: '/graphql', headers: {}, body: JSON.stringify({ query: Q_ME }) }, 'write', 'unsupported-content-type'],
  ['multipart/form-data (file upload)', json('--x\r\n', 'multipart/form-data; boundary=x'), 'write', 'unsupported-content-type'],
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
];

describe('classify: real-world request shapes', () => {
  it('has at least 40 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  const cases = rows.map(([name, request, route, reason]) => [name, route, reason, request] as const);
  it.each(cases)('%s → %s (%s)', (_name, route, reason, request) => {
    const decision = classifier.classify(request);
    expect(decision.route).toBe(route);
    expect(decision.reason).toBe(reason);
  });
});

describe('classify: options and helpers', () => {
  it('classifies with defaults (no manifest: hash-only goes to the primary)', () => {
    expect(classify(json({ query: Q_ME }))).toEqual({ route: 'read', reason: 'query' });
    expect(classify(json({ extensions: apq(sha(Q_ME)) }))).toEqual({ route: 'write', reason: 'persisted-query-unknown' });
  });

  it('honours a custom GraphQL path (and several)', () => {
    const c = createClassifier({ graphqlPath: ['/api/graphql', '/v2/graphql'] });
    expect(c.classify({ ...json({ query: Q_ME }), url: '/api/graphql' }).route).toBe('read');
    expect(c.classify({ ...json({ query: Q_ME }), url: '/v2/graphql?x=1' }).route).toBe('read');
    // /graphql is now an ordinary path: POST is a write, whatever it holds
    expect(c.classify(json({ query: Q_ME }))).toEqual({ route: 'write', reason: 'unsafe-method' });
  });

  it('reports the batch entry that made a batch a write', () => {
    expect(classifier.classify(json([{ query: Q_ME }, { query: Q_ME }, { query: M_ADD }]))).toEqual({
      route: 'write',
      reason: 'batch-with-write',
      batchIndex: 2,
    });
  });

  it('classifyHead decides without the body when it can, and asks for it otherwise', () => {
    expect(classifier.classifyHead({ method: 'GET', url: '/graphql?query={a}' })).toEqual({ route: 'read', reason: 'query' });
    expect(classifier.classifyHead({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' } })).toBeUndefined();
  });

  it('accepts an Apollo persisted-query manifest', () => {
    const c = createClassifier({
      manifest: {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [
          { id: 'aa11', name: 'Me', type: 'query', body: Q_ME },
          { id: 'bb22', name: 'AddToCart', type: 'mutation', body: M_ADD },
        ],
      },
    });
    expect(c.classify(json({ extensions: apq('aa11') })).route).toBe('read');
    expect(c.classify(json({ extensions: apq('bb22') })).route).toBe('write');
  });

  it('rejects an unreadable manifest with every bad entry named', () => {
    expect(() => createClassifier({ manifest: { abc: 'not graphql {', def: 'fragment F on T { a }' } })).toThrow(
      /2 configuration problems:[\s\S]*manifest\['abc'\] value 'not graphql \{' is neither an operation type nor a parseable GraphQL document; set it to 'query', 'mutation' or 'subscription'[\s\S]*manifest\['def'\]/,
    );
  });

  it('never throws, whatever the body', () => {
    const bodies = ['', '[', '{"query":', '\u0000', '[[[[]]]]', '{"query":"{","operationName":{}}', 'null', '1e999'];
    for (const body of bodies) {
      expect(classifier.classify(json(body)).route).toBe('write');
    }
  });
});
