import * as http from 'http';
import type { AddressInfo } from 'net';
import { createHash } from 'crypto';
import { createRouterServer, RouteLogEntry, RouterServer } from '../../lib/router';
import { deadPort, postJson, rawRequest, sleep, startGraphqlServer, TestUpstream } from './helpers';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const PERSISTED_QUERY = 'query Who { servedBy }';
const PERSISTED_MUTATION = 'mutation W { write(value: "p") }';

describe('Node router end to end on loopback', () => {
  let primary: TestUpstream;
  let replica: TestUpstream;
  let router: RouterServer;
  let gql: string;
  const log: RouteLogEntry[] = [];
  const extraRouters: RouterServer[] = [];
  const extraServers: http.Server[] = [];

  beforeAll(async () => {
    primary = await startGraphqlServer('primary');
    replica = await startGraphqlServer('replica');
    router = createRouterServer({
      primary: primary.url,
      read: replica.url,
      maxBodyBytes: 64 * 1024,
      manifest: { [sha(PERSISTED_QUERY)]: 'query', [sha(PERSISTED_MUTATION)]: 'mutation' },
      readYourWrites: { windowMs: 1500 },
      onRequest: (entry) => log.push(entry),
    });
    await router.listen(0, '127.0.0.1');
    gql = `${router.url}/graphql`;
  });

  afterAll(async () => {
    await Promise.all([router.close(1000), ...extraRouters.map((r) => r.close(1000))]);
    await Promise.all(extraServers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all([primary.close(), replica.close()]);
  });

  async function startRouter(options: Partial<Parameters<typeof createRouterServer>[0]> = {}) {
    const r = createRouterServer({ primary: primary.url, read: replica.url, ...options });
    extraRouters.push(r);
    await r.listen();
    return r;
  }

  describe('routing', () => {
    const mutations: [string, unknown][] = [
      ['anonymous mutation', { query: 'mutation { write(value: "a") }' }],
      ['named mutation', { query: 'mutation Save($v: String) { write(value: $v) }', variables: { v: 'x' } }],
      ['mutation selected among queries', { query: 'query Q { servedBy } mutation M { write }', operationName: 'M' }],
      ['mutation with a comment saying query', { query: '# query\nmutation { write }' }],
      ['mutation with a fragment-free alias', { query: 'mutation { w1: write(value: "1") w2: write(value: "2") }' }],
      ['persisted mutation by hash', { extensions: { persistedQuery: { version: 1, sha256Hash: sha(PERSISTED_MUTATION) } } }],
    ];

    it.each(mutations)('%s reaches the primary', async (_name, body) => {
      const res = await postJson(gql, body);
      expect(res.headers.get('x-multiregion-route')).toBe('write');
      if (res.status === 200) {
        for (const value of Object.values(res.json.data)) expect(value).toBe('primary');
      } else {
        // The persisted mutation: graphql-http has no APQ store, so the
        // primary answers 400 — but it is the primary that answers.
        expect(primary.seen.at(-1)?.headers['x-forwarded-for']).toBeDefined();
      }
    });

    it('every one of 30 mixed mutations reaches the primary, none the replica', async () => {
      const replicaBefore = replica.seen.length;
      const primaryBefore = primary.seen.length;
      for (let i = 0; i < 30; i++) {
        const res = await postJson(gql, { query: `mutation M${i} { write(value: "${i}") }` });
        expect(res.json.data.write).toBe('primary');
      }
      expect(primary.seen.length - primaryBefore).toBe(30);
      expect(replica.seen.length).toBe(replicaBefore);
    });

    it('queries reach the replica (POST JSON, application/graphql, GET, persisted)', async () => {
      const a = await postJson(gql, { query: '{ servedBy }' });
      expect(a.json.data.servedBy).toBe('replica');
      expect(a.headers.get('x-multiregion-route')).toBe('read');
      expect(a.headers.get('x-multiregion-route-reason')).toBe('query');

      const b = await fetch(gql, { method: 'POST', headers: { 'content-type': 'application/graphql' }, body: '{ servedBy }' });
      // graphql-http does not accept application/graphql (415) — but the replica answered.
      expect(b.headers.get('x-multiregion-route')).toBe('read');
      expect(replica.seen.at(-1)?.headers['content-type']).toBe('application/graphql');

      const c = await fetch(`${gql}?query=${encodeURIComponent('query Q { servedBy }')}`);
      expect(((await c.json()) as any).data.servedBy).toBe('replica');

      const d = await fetch(`${gql}?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(PERSISTED_QUERY) } }))}`);
      expect(d.headers.get('x-multiregion-route')).toBe('read');
      expect(d.headers.get('x-multiregion-route-reason')).toBe('persisted-query');
    });

    it('a mutation over GET goes to the primary, which rejects it', async () => {
      const res = await fetch(`${gql}?query=${encodeURIComponent('mutation { write }')}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('x-multiregion-route')).toBe('write');
      expect(res.headers.get('x-multiregion-route-reason')).toBe('mutation-over-get');
      expect(primary.seen.at(-1)?.method).toBe('GET');
    });

    it('non-GraphQL paths: safe methods read, others write (body streamed)', async () => {
      const g = await fetch(`${router.url}/echo`);
      expect(((await g.json()) as any).servedBy).toBe('replica');
      const body = 'x'.repeat(200_000);
      const p = await fetch(`${router.url}/echo`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      const echoed = (await p.json()) as any;
      expect(echoed.servedBy).toBe('primary');
      expect(echoed.bytes).toBe(200_000);
    });

    it('answers /healthz itself', async () => {
      const res = await fetch(`${router.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('logs one entry per proxied request', () => {
      expect(log.length).toBeGreaterThan(30);
      const entry = log.find((e) => e.reason === 'mutation-over-get');
      expect(entry).toMatchObject({ method: 'GET', route: 'write', upstream: 'primary', status: 405 });
    });
  });

  describe('read-your-own-writes', () => {
    it('sends reads to the primary after a write, for the window only, for that client only', async () => {
      const r = await startRouter({ readYourWrites: { windowMs: 400, secure: false } });
      const url = `${r.url}/graphql`;
      const write = await postJson(url, { query: 'mutation { write(value: "cart") }' });
      expect(write.json.data.write).toBe('primary');
      const setCookie = write.headers.getSetCookie();
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(/^mr_ryw=\d+; Max-Age=1; Path=\/; HttpOnly; SameSite=Lax$/);
      const cookie = setCookie[0].split(';')[0];

      const mine = await postJson(url, { query: '{ servedBy }' }, { cookie });
      expect(mine.json.data.servedBy).toBe('primary');
      expect(mine.headers.get('x-multiregion-route-reason')).toBe('read-your-writes');
      expect(mine.headers.getSetCookie()).toHaveLength(0); // reads do not extend the window

      const someoneElse = await postJson(url, { query: '{ servedBy }' });
      expect(someoneElse.json.data.servedBy).toBe('replica');

      await sleep(600); // past the window
      const later = await postJson(url, { query: '{ servedBy }' }, { cookie });
      expect(later.json.data.servedBy).toBe('replica');
    });

    it('sets Secure by default and marks only successful writes', async () => {
      const ok = await postJson(gql, { query: 'mutation { write }' });
      expect(ok.headers.getSetCookie()[0]).toMatch(/; Secure$/);
      const failed = await postJson(gql, { query: 'mutation { nope }' }); // 400 from the primary
      expect(failed.status).toBe(400);
      expect(failed.headers.getSetCookie()).toHaveLength(0);
    });

    it('header mode: the marker comes back in a header the client echoes', async () => {
      const r = await startRouter({ readYourWrites: { mode: 'header', windowMs: 5000 } });
      const url = `${r.url}/graphql`;
      const write = await postJson(url, { query: 'mutation { write }' });
      const marker = write.headers.get('x-multiregion-ryw');
      expect(marker).toMatch(/^\d+$/);
      const mine = await postJson(url, { query: '{ servedBy }' }, { 'x-multiregion-ryw': marker! });
      expect(mine.json.data.servedBy).toBe('primary');
    });

    it('a forged marker only costs latency: far-future or garbage markers are ignored', async () => {
      const farFuture = await postJson(gql, { query: '{ servedBy }' }, { cookie: `mr_ryw=${Date.now() + 86_400_000}` });
      expect(farFuture.json.data.servedBy).toBe('replica');
      const garbage = await postJson(gql, { query: '{ servedBy }' }, { cookie: 'mr_ryw=<script>; other=1' });
      expect(garbage.json.data.servedBy).toBe('replica');
      const forgedInWindow = await postJson(gql, { query: '{ servedBy }' }, { cookie: `mr_ryw=${Date.now() + 1000}` });
      expect(forgedInWindow.json.data.servedBy).toBe('primary'); // correct data, one trip further
    });
  });

  describe('forwarding', () => {
    it('rewrites Host to the upstream, adds X-Forwarded-*, strips hop-by-hop headers', async () => {
      const res = await rawRequest(`${router.url}/echo`, {
        headers: {
          host: 'shop.example.com',
          connection: 'keep-alive, x-hop',
          'keep-alive': 'timeout=5',
          'x-hop': 'secret',
          'proxy-authorization': 'Basic Zm9vOmJhcg==',
          'x-forwarded-for': '203.0.113.7',
          'x-end-to-end': 'kept',
        },
      });
      const seen = JSON.parse(res.body).headers as Record<string, string>;
      expect(seen.host).toBe(new URL(replica.url).host);
      expect(seen['x-forwarded-host']).toBe('shop.example.com');
      expect(seen['x-forwarded-proto']).toBe('http');
      expect(seen['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
      expect(seen['x-end-to-end']).toBe('kept');
      expect(seen['x-hop']).toBeUndefined();
      expect(seen['proxy-authorization']).toBeUndefined();
      expect(seen['keep-alive']).toBeUndefined();
    });

    it('preserves Host when asked to', async () => {
      const r = await startRouter({ hostHeader: 'preserve' });
      const res = await rawRequest(`${r.url}/echo`, { headers: { host: 'shop.example.com' } });
      expect(JSON.parse(res.body).headers.host).toBe('shop.example.com');
    });

    it('keeps connections to the upstream alive', async () => {
      const before = replica.connections;
      for (let i = 0; i < 20; i++) await postJson(gql, { query: '{ servedBy }' });
      expect(replica.connections - before).toBeLessThan(5);
    });

    it('proxies WebSocket upgrades to the primary', async () => {
      const ws = http.createServer((_req, res) => res.writeHead(404).end());
      ws.on('upgrade', (req, socket) => {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nx-host: ${req.headers.host}\r\n\r\n`);
        socket.on('data', (d) => socket.write(d)); // echo
        socket.on('end', () => socket.end()); // http servers allow half-open sockets
      });
      extraServers.push(ws);
      await new Promise<void>((resolve) => ws.listen(0, '127.0.0.1', resolve));
      const r = await startRouter({ primary: `http://127.0.0.1:${(ws.address() as AddressInfo).port}` });
      const echoed = await new Promise<string>((resolve, reject) => {
        const req = http.request(`${r.url}/graphql`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
        req.on('upgrade', (res, socket) => {
          expect(res.headers['x-multiregion-route']).toBe('write');
          socket.once('data', (d) => {
            resolve(d.toString());
            socket.destroy();
          });
          socket.write('ping');
        });
        req.on('error', reject);
        req.end();
      });
      expect(echoed).toBe('ping');
    });
  });

  describe('bad requests never crash the router', () => {
    it('garbage JSON goes to the primary, which answers 400', async () => {
      const res = await postJson(gql, '{"query": {{{');
      expect(res.status).toBe(400);
      expect(res.headers.get('x-multiregion-route-reason')).toBe('invalid-json');
    });

    it('a body over the limit is streamed to the primary whole (Content-Length)', async () => {
      const padding = 'p'.repeat(200 * 1024);
      const res = await postJson(gql, { query: '{ servedBy }', extensions: { padding } });
      expect(res.headers.get('x-multiregion-route-reason')).toBe('body-too-large');
      expect(res.json.data.servedBy).toBe('primary'); // the primary parsed the complete body
    });

    it('a chunked body over the limit is streamed to the primary whole', async () => {
      const body = JSON.stringify({ query: '{ servedBy }', extensions: { padding: 'q'.repeat(300 * 1024) } });
      const chunks: string[] = [];
      for (let i = 0; i < body.length; i += 16 * 1024) chunks.push(body.slice(i, i + 16 * 1024));
      const res = await rawRequest(gql, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, chunks);
      expect(res.headers['x-multiregion-route-reason']).toBe('body-too-large');
      expect(JSON.parse(res.body).data.servedBy).toBe('primary');
    });

    it('wrong content types go to the primary', async () => {
      for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
        const res = await fetch(gql, { method: 'POST', headers: { 'content-type': type }, body: '{"query":"{ servedBy }"}' });
        expect(res.headers.get('x-multiregion-route')).toBe('write');
        expect(res.headers.get('x-multiregion-route-reason')).toBe(type.startsWith('multipart/') ? 'multipart-upload' : 'unsupported-content-type');
        expect(res.status).toBeGreaterThanOrEqual(400);
      }
    });

    it('an unreachable upstream gives 502 with a JSON error, and the router keeps serving', async () => {
      const r = await startRouter({ read: `http://127.0.0.1:${await deadPort()}`, readFallback: false });
      const res = await postJson(`${r.url}/graphql`, { query: '{ servedBy }' });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.json.errors[0].extensions).toEqual({ code: 'BAD_GATEWAY', route: 'read', upstream: 'read' });
      const write = await postJson(`${r.url}/graphql`, { query: 'mutation { write }' });
      expect(write.json.data.write).toBe('primary');
    });

    it('an upstream that does not answer in time gives 504', async () => {
      const r = await startRouter({ upstreamTimeoutMs: 100 });
      const res = await fetch(`${r.url}/slow?ms=1000`);
      expect(res.status).toBe(504);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('GATEWAY_TIMEOUT');
    });

    it('a client that disconnects mid-body does not hurt the router', async () => {
      await new Promise<void>((resolve) => {
        const req = http.request(gql, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': '1000' } });
        req.on('error', () => resolve());
        req.write('{"query": "{ serv');
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      const res = await postJson(gql, { query: '{ servedBy }' });
      expect(res.json.data.servedBy).toBe('replica');
    });

    it('a malformed request line gets 400 from the router', async () => {
      const { port } = router.server.address() as AddressInfo;
      const net = await import('net');
      const answer = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GARBAGE / HTTP/9.9\r\n\r\n'));
        let text = '';
        s.on('data', (d) => (text += d.toString()));
        s.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1.1 400/);
      expect((await fetch(`${router.url}/healthz`)).status).toBe(200);
    });
  });

  describe('graceful shutdown', () => {
    it('drains in-flight requests, then stops accepting', async () => {
      const r = createRouterServer({ primary: primary.url, read: replica.url });
      await r.listen();
      const url = r.url;
      const inFlight = fetch(`${url}/slow?ms=300`);
      await sleep(50);
      expect(r.inFlight).toBe(1);
      const closed = r.close(5000);
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).servedBy).toBe('replica');
      await closed;
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    });

    it('cuts requests that outlive the shutdown timeout', async () => {
      const r = createRouterServer({ primary: primary.url, read: replica.url });
      await r.listen();
      const inFlight = fetch(`${r.url}/slow?ms=3000`).then(
        () => 'completed',
        () => 'cut',
      );
      await sleep(50);
      await r.close(100);
      expect(await inFlight).toBe('cut');
    });
  });
});
