import { generateKeyPairSync } from 'crypto';
import * as jwt from 'jsonwebtoken';
import { createRouterServer, NodePartitionRouting, PartitionSource, RouteLogEntry, RouterServer } from '../../lib/router';
import { deadPort, postJson, rawRequest, startGraphqlServer, TestUpstream } from './helpers';
import { partitionManifest, partitionRows } from './partition-shapes';

/**
 * Partition routing through the Node router on loopback: two partitions, each
 * with its own write and read graphql-http server that records every request
 * it receives. A refused request must reach none of them.
 */
describe('partition-aware Node router end to end', () => {
  const servers: Record<string, TestUpstream> = {};
  const routers: RouterServer[] = [];
  const log: RouteLogEntry[] = [];
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    for (const name of ['eu-write', 'eu-read', 'us-write', 'us-read']) servers[name] = await startGraphqlServer(name);
  });
  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close(1000)));
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  const partitions = () => ({
    eu: { write: servers['eu-write'].url, read: servers['eu-read'].url },
    us: { write: servers['us-write'].url, read: servers['us-read'].url },
  });
  async function start(source: PartitionSource, extra: Partial<NodePartitionRouting> = {}, options: object = {}) {
    const router = createRouterServer({
      partitioning: { partitions: partitions(), source, ...extra },
      manifest: partitionManifest,
      maxBodyBytes: 256 * 1024,
      readYourWrites: { windowMs: 2000, secure: false },
      onRequest: (e) => log.push(e),
      ...options,
    });
    routers.push(router);
    await router.listen();
    return router;
  }
  const hits = () => Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, s.seen.length]));
  const diff = (before: Record<string, number>) => Object.fromEntries(Object.entries(hits()).filter(([n, v]) => v !== before[n]).map(([n, v]) => [n, v - before[n]]));

  describe('header source', () => {
    let gql: string;
    beforeAll(async () => {
      gql = `${(await start({ type: 'header', name: 'x-tenant' })).url}/graphql`;
    });

    it('queries go to the partition\'s read upstream, mutations to its write upstream', async () => {
      const before = hits();
      const q = await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'eu' });
      expect(q.json.data.servedBy).toBe('eu-read');
      expect(q.headers.get('x-multiregion-partition')).toBe('eu');
      const m = await postJson(gql, { query: 'mutation { write(value: "x") }' }, { 'x-tenant': 'us' });
      expect(m.json.data.write).toBe('us-write');
      expect(diff(before)).toEqual({ 'eu-read': 1, 'us-write': 1 });
      // The upstream learns the partition from the router, never from the client.
      expect(servers['us-write'].seen.at(-1)?.headers['x-multiregion-partition']).toBe('us');
    });

    it.each([
      ['no header', {}, 'PARTITION_MISSING'],
      ['an unknown partition', { 'x-tenant': 'apac' }, 'PARTITION_UNKNOWN'],
    ])('%s → 400 GraphQL error, no upstream hit', async (_name, headers, code) => {
      const before = hits();
      const res = await postJson(gql, { query: 'mutation { write(value: "x") }' }, headers);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
      expect(res.json.errors[0].extensions.code).toBe(code);
      expect(res.json.errors[0].message).toMatch(/^multiregion-router: /);
      expect(res.headers.get('x-multiregion-route')).toBe('refused');
      expect(diff(before)).toEqual({});
      expect(log.at(-1)).toEqual(expect.objectContaining({ route: 'refused', upstream: 'none', status: 400, attempts: 0 }));
    });

    it('answers application/json to a client that does not accept graphql-response+json', async () => {
      const res = await rawRequest(gql, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-tenant': 'nope' } }, [JSON.stringify({ query: '{ servedBy }' })]);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.body).errors[0].extensions.code).toBe('PARTITION_UNKNOWN');
    });

    it('read-your-own-writes: a write in eu pins eu reads, not us reads', async () => {
      const m = await postJson(gql, { query: 'mutation { write(value: "x") }' }, { 'x-tenant': 'eu' });
      const cookie = m.headers.get('set-cookie')!.split(';')[0];
      expect(cookie).toMatch(/^mr_ryw=eu:\d+$/);
      const eu = await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'eu', cookie });
      expect([eu.json.data.servedBy, eu.headers.get('x-multiregion-route-reason')]).toEqual(['eu-write', 'read-your-writes']);
      const us = await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'us', cookie });
      expect(us.json.data.servedBy).toBe('us-read');
      // A later write in us keeps the eu pin.
      const m2 = await postJson(gql, { query: 'mutation { write(value: "y") }' }, { 'x-tenant': 'us', cookie });
      const both = m2.headers.get('set-cookie')!.split(';')[0];
      expect(both).toMatch(/^mr_ryw=us:\d+~eu:\d+$/);
      for (const [tenant, expected] of [['eu', 'eu-write'], ['us', 'us-write']]) {
        const r = await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': tenant, cookie: both });
        expect(r.json.data.servedBy).toBe(expected);
      }
    });

    it('a WebSocket upgrade without a partition is refused before any upstream', async () => {
      const before = hits();
      const res = await rawRequest(gql, { method: 'GET', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).catch((e: Error) => ({ status: -1, body: e.message, headers: {} }));
      expect(res.status).toBe(400);
      expect(diff(before)).toEqual({});
    });
  });

  describe('header source with trusted peers', () => {
    it('ignores the header from a peer that is not the trusted layer', async () => {
      const router = await start({ type: 'header', name: 'x-tenant', trustedPeers: ['10.0.0.0/8'] });
      const before = hits();
      const res = await postJson(`${router.url}/graphql`, { query: '{ servedBy }' }, { 'x-tenant': 'eu' });
      expect([res.status, res.json.errors[0].extensions.code]).toEqual([400, 'PARTITION_MISSING']);
      expect(res.json.errors[0].message).toContain('honoured only from the trusted layer');
      expect(diff(before)).toEqual({});
      const trusted = await start({ type: 'header', name: 'x-tenant', trustedPeers: ['127.0.0.0/8'] });
      expect((await postJson(`${trusted.url}/graphql`, { query: '{ servedBy }' }, { 'x-tenant': 'eu' })).json.data.servedBy).toBe('eu-read');
    });
  });

  describe('variable source', () => {
    let gql: string;
    beforeAll(async () => {
      gql = `${(await start({ type: 'variable', name: 'tenant' })).url}/graphql`;
    });

    it('routes by $tenant as the server reads it', async () => {
      const before = hits();
      const q = await postJson(gql, { query: 'query Q($tenant: String!) { servedBy echo(text: $tenant) }', variables: { tenant: 'us' } });
      expect(q.json.data).toEqual({ servedBy: 'us-read', echo: 'us' });
      const m = await postJson(gql, { query: 'mutation M($tenant: String) { write(value: $tenant) }', variables: { tenant: 'eu' } });
      expect(m.json.data.write).toBe('eu-write');
      const d = await postJson(gql, { query: 'query D($tenant: String = "eu") { servedBy echo(text: $tenant) }' });
      expect(d.json.data).toEqual({ servedBy: 'eu-read', echo: 'eu' });
      expect(diff(before)).toEqual({ 'us-read': 1, 'eu-write': 1, 'eu-read': 1 });
    });

    it('refuses a $tenant the operation does not declare, a batch spanning partitions and an unreadable body — no upstream hit', async () => {
      const before = hits();
      const undeclared = await postJson(gql, { query: 'mutation { write(value: "x") }', variables: { tenant: 'eu' } });
      expect([undeclared.status, undeclared.json.errors[0].extensions.code]).toEqual([400, 'PARTITION_MISSING']);
      const batch = await postJson(gql, [
        { query: 'query A($tenant: String) { servedBy }', variables: { tenant: 'eu' } },
        { query: 'mutation B($tenant: String) { write }', variables: { tenant: 'us' } },
      ]);
      expect([batch.status, batch.json.errors[0].extensions.code]).toEqual([400, 'PARTITION_AMBIGUOUS']);
      const big = await postJson(gql, { query: `query Q($tenant: String) { servedBy } # ${'x'.repeat(300 * 1024)}`, variables: { tenant: 'eu' } });
      expect([big.status, big.json.errors[0].extensions.code]).toEqual([413, 'PARTITION_UNREADABLE']);
      expect(diff(before)).toEqual({});
    });
  });

  describe('JWT source', () => {
    let gql: string;
    const sign = (claims: object, options: jwt.SignOptions = {}) =>
      jwt.sign(claims, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { algorithm: 'RS256', ...options });
    const good = () => ({ partition: 'us', iss: 'https://id.example.com', aud: 'orders', exp: now() + 300 });

    beforeAll(async () => {
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      gql = `${(await start({ type: 'jwt', claim: 'partition', keys: { pem }, issuer: 'https://id.example.com', audience: 'orders' })).url}/graphql`;
    });

    it('routes a verified token by its claim', async () => {
      const before = hits();
      const res = await postJson(gql, { query: 'mutation { write }' }, { authorization: `Bearer ${sign(good())}` });
      expect(res.json.data.write).toBe('us-write');
      expect(diff(before)).toEqual({ 'us-write': 1 });
    });

    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    it.each([
      ['expired', () => sign({ ...good(), exp: now() - 5 }), 401, 'PARTITION_TOKEN_INVALID', /expired/],
      ['bad signature', () => jwt.sign(good(), otherKey, { algorithm: 'RS256' }), 401, 'PARTITION_TOKEN_INVALID', /signature does not verify/],
      ['wrong audience', () => sign({ ...good(), aud: 'billing' }), 401, 'PARTITION_TOKEN_INVALID', /audience/],
      ['alg none', () => jwt.sign(good(), '', { algorithm: 'none' }), 401, 'PARTITION_TOKEN_INVALID', /alg "none"/],
      ['unknown partition in a valid token', () => sign({ ...good(), partition: 'apac' }), 403, 'PARTITION_UNKNOWN', /names no partition/],
      ['no partition claim', () => sign({ ...good(), partition: undefined }), 403, 'PARTITION_MISSING', /no 'partition' claim/],
    ])('%s → %d, no upstream hit', async (_name, token, status, code, message) => {
      const before = hits();
      const res = await postJson(gql, { query: 'mutation { write }' }, { authorization: `Bearer ${token()}` });
      expect([res.status, res.json.errors[0].extensions.code]).toEqual([status, code]);
      expect(res.json.errors[0].message).toMatch(message);
      if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="multiregion-router", error="invalid_token"$/);
      expect(diff(before)).toEqual({});
    });

    it('no token → 401 with a Bearer challenge', async () => {
      const res = await postJson(gql, { query: '{ servedBy }' });
      expect([res.status, res.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="multiregion-router"']);
    });
  });

  describe('read upstreams in order, then the partition\'s write upstream', () => {
    it('skips an unreachable read upstream for the next, then for the write upstream', async () => {
      const dead = `http://127.0.0.1:${await deadPort()}`;
      const router = createRouterServer({
        partitioning: { partitions: { eu: { write: servers['eu-write'].url, read: [dead, servers['eu-read'].url] }, us: { write: servers['us-write'].url, read: dead } }, source: { type: 'header', name: 'x-tenant' } },
      });
      routers.push(router);
      await router.listen();
      const eu = await postJson(`${router.url}/graphql`, { query: '{ servedBy }' }, { 'x-tenant': 'eu' });
      expect([eu.json.data.servedBy, eu.headers.get('x-multiregion-fallback')]).toEqual(['eu-read', 'read']);
      const us = await postJson(`${router.url}/graphql`, { query: '{ servedBy }' }, { 'x-tenant': 'us' });
      expect([us.json.data.servedBy, us.headers.get('x-multiregion-fallback')]).toEqual(['us-write', 'primary']);
    });
  });

  describe('every header, cookie and variable row of the partition table, over HTTP', () => {
    const routersBySource = new Map<string, RouterServer>();
    beforeAll(async () => {
      for (const source of [{ type: 'header', name: 'x-tenant' }, { type: 'cookie', name: 'tenant' }, { type: 'variable', name: 'tenant' }] as PartitionSource[]) {
        routersBySource.set(source.type, await start(source, {}, { readYourWrites: false }));
      }
    });
    const rows = partitionRows.filter(([, , request]) => !request.url.startsWith('http'));
    it.each(rows.map(([name, source, request, lines, expected]) => [name, source, request, lines, expected] as const))('%s', async (_name, source, request, lines, expected) => {
      const router = routersBySource.get(source.type)!;
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(request.headers ?? {})) if (v !== undefined) headers[k] = v as string | string[];
      if (lines.length > 0) headers[source.type === 'header' ? 'x-tenant' : 'cookie'] = lines.length === 1 ? lines[0] : [...lines];
      const body = request.body === undefined ? [] : [typeof request.body === 'string' ? request.body : Buffer.from(request.body)];
      if (body.length > 0 && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(Buffer.byteLength(body[0]));
      const before = hits();
      const res = await rawRequest(`${router.url}${request.url}`, { method: request.method, headers }, body);
      const changed = diff(before);
      if ('refused' in expected) {
        expect([res.status, JSON.parse(res.body).errors[0].extensions.code]).toEqual([expected.status, expected.refused.toUpperCase().replace(/-/g, '_')]);
        expect(changed).toEqual({});
      } else {
        expect(res.headers['x-multiregion-route']).toBe(expected.route);
        expect(res.headers['x-multiregion-route-reason']).toBe(expected.reason);
        expect(changed).toEqual({ [`${expected.partition}-${expected.route}`]: 1 });
      }
    });
  });
});
