import { createRouterServer, RouterServer } from '../../lib/router';
import { rawRequest } from './helpers';
import { sha } from './request-shapes';
import { RealServer, SERVER_KINDS, ServerKind, startRealServer } from './real-servers';

/**
 * The variable source against real servers: every request goes through a
 * router with partitions eu and us (each a primary and a replica of the same
 * kind). Whatever the server does with it, a routed request may execute
 * `write(value: $tenant)` only on its partition's primary and only with that
 * partition's name; a refused request executes nothing anywhere.
 */
const W = 'mutation W($tenant: String) { write(value: $tenant) }';
const W_DEFAULT = 'mutation W($tenant: String = "us") { write(value: $tenant) }';
const MULTI = 'query Q($tenant: String) { servedBy } mutation M($tenant: String) { write(value: $tenant) }';
const STORED = 'mutation Stored($tenant: String) { write(value: $tenant) }';
const body = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const enc = encodeURIComponent;

/** `payload` null: no body. Every row has five entries (a shorter one makes jest pass `done` as the payload). */
type Shape = [name: string, method: string, url: string, contentType: string, payload: unknown];
const shapes: Shape[] = [
  ['variables object', 'POST', '/graphql', 'application/json', { query: W, variables: { tenant: 'eu' } }],
  ['variables as a JSON string', 'POST', '/graphql', 'application/json', { query: W, variables: JSON.stringify({ tenant: 'us' }) }],
  ['the declared default', 'POST', '/graphql', 'application/json', { query: W_DEFAULT }],
  ['explicit null over the default', 'POST', '/graphql', 'application/json', { query: W_DEFAULT, variables: { tenant: null } }],
  ['URL variables on a POST, another partition', 'POST', `/graphql?variables=${enc('{"tenant":"us"}')}`, 'application/json', { query: W, variables: { tenant: 'eu' } }],
  ['URL variables on a POST, the same partition', 'POST', `/graphql?variables=${enc('{"tenant":"eu"}')}`, 'application/json', { query: W, variables: { tenant: 'eu' } }],
  ['URL variables only', 'POST', `/graphql?variables=${enc('{"tenant":"us"}')}`, 'application/json', { query: W }],
  ['operationName selects the mutation', 'POST', '/graphql', 'application/json', { query: MULTI, operationName: 'M', variables: { tenant: 'us' } }],
  ['URL operationName overrides', 'POST', '/graphql?operationName=M', 'application/json', { query: MULTI, operationName: 'Q', variables: { tenant: 'us' } }],
  ['a spelling in another letter case', 'POST', '/graphql', 'application/json', { query: W, variables: { Tenant: 'us', tenant: 'eu' } }],
  ['duplicate key in variables', 'POST', '/graphql', 'application/json', `{"query":${JSON.stringify(W)},"variables":{"tenant":"eu","tenant":"us"}}`],
  ['__proto__ in variables', 'POST', '/graphql', 'application/json', `{"query":${JSON.stringify(W)},"variables":{"__proto__":{"tenant":"us"},"tenant":"eu"}}`],
  ['a literal tenant, $tenant undeclared', 'POST', '/graphql', 'application/json', { query: 'mutation { write(value: "us") }', variables: { tenant: 'eu' } }],
  ['a number', 'POST', '/graphql', 'application/json', { query: W, variables: { tenant: 5 } }],
  ['batch in one partition', 'POST', '/graphql', 'application/json', [{ query: W, variables: { tenant: 'eu' } }, { query: W, variables: { tenant: 'eu' } }]],
  ['batch across partitions', 'POST', '/graphql', 'application/json', [{ query: W, variables: { tenant: 'eu' } }, { query: W, variables: { tenant: 'us' } }]],
  ['GET mutation (405 from the primary)', 'GET', `/graphql?query=${enc(W)}&variables=${enc('{"tenant":"eu"}')}`, '', null],
  ['application/graphql with a default', 'POST', '/graphql', 'application/graphql', W_DEFAULT],
  ['charset=utf-7', 'POST', '/graphql', 'application/json; charset=utf-7', { query: W, variables: { tenant: 'eu' } }],
  ['stored document by hash', 'POST', '/graphql', 'application/json', { extensions: { persistedQuery: { version: 1, sha256Hash: sha(STORED) } }, variables: { tenant: 'us' } }],
  ['stored document by hash, no tenant', 'POST', '/graphql', 'application/json', { extensions: { persistedQuery: { version: 1, sha256Hash: sha(STORED) } } }],
];

describe.each(SERVER_KINDS.map((k) => [k] as [ServerKind]))('variable source behind %s', (kind) => {
  const servers: Record<string, RealServer> = {};
  let router: RouterServer;

  beforeAll(async () => {
    for (const name of ['eu-primary', 'eu-replica', 'us-primary', 'us-replica']) servers[name] = await startRealServer(kind, name, [STORED]);
    router = createRouterServer({
      partitioning: {
        partitions: { eu: { write: servers['eu-primary'].url, read: servers['eu-replica'].url }, us: { write: servers['us-primary'].url, read: servers['us-replica'].url } },
        source: { type: 'variable', name: 'tenant' },
      },
      manifest: { [sha(STORED)]: STORED },
      readYourWrites: false,
    });
    await router.listen();
  });
  afterAll(async () => {
    await router.close(1000);
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it.each(shapes)('%s', async (_name, method, url, contentType, payload) => {
    const before = Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, s.written.length]));
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const chunks = payload === null ? [] : [body(payload)];
    if (chunks.length) headers['content-length'] = String(Buffer.byteLength(chunks[0]));
    const res = await rawRequest(`${router.url}${url}`, { method, headers }, chunks);
    const executed = Object.entries(servers).flatMap(([n, s]) => s.written.slice(before[n]).map((v) => [n, v] as const));
    if (res.headers['x-multiregion-route'] === 'refused') {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(executed).toEqual([]);
    } else {
      const partition = res.headers['x-multiregion-partition'];
      for (const [server, value] of executed) expect([server, value]).toEqual([`${partition}-primary`, partition]);
    }
  });

  it('the table made real servers execute writes (the check above is not vacuous)', () => {
    expect(Object.values(servers).reduce((n, s) => n + s.written.length, 0)).toBeGreaterThanOrEqual(3);
  });
});
