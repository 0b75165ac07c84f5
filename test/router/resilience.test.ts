import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';
import { createHash } from 'crypto';
import { createRouterServer, RouteLogEntry, RouterServer, RouterServerOptions } from '../../lib/router';
import { deadPort, postJson, rawRequest, startGraphqlServer, TestUpstream } from './helpers';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'k'.repeat(40);

/** Issue 19, items 6–8: upgrades time out, reads survive a dead replica, the marker means a mutation. */
describe('router resilience on loopback', () => {
  let primary: TestUpstream;
  let replica: TestUpstream;
  const routers: RouterServer[] = [];
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    primary = await startGraphqlServer('primary');
    replica = await startGraphqlServer('replica');
  });

  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close(500)));
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all([primary.close(), replica.close()]);
  });

  async function startRouter(options: Partial<RouterServerOptions> = {}) {
    const r = createRouterServer({ primary: primary.url, read: replica.url, ...options });
    routers.push(r);
    await r.listen();
    return r;
  }

  async function listen(server: net.Server): Promise<string> {
    servers.push(server);
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /**
   * An HTTP server that answers the first request of each connection with
   * keep-alive and resets the connection on the second: what a client sees
   * when the server closes an idle keep-alive connection just as it reuses it.
   */
  async function idleClosingServer(): Promise<{ url: string; received: () => number }> {
    let received = 0;
    const server = http.createServer({ keepAlive: true }, (req, res) => {
      const socket = req.socket as net.Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) {
        socket.destroy();
        return;
      }
      received++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { servedBy: 'idle-closing' } }));
      });
    });
    const url = await listen(server);
    return { url, received: () => received };
  }

  describe('read fallback (item 7)', () => {
    it('a read whose upstream is down is answered by the primary, saying so', async () => {
      const log: RouteLogEntry[] = [];
      const r = await startRouter({ read: `http://127.0.0.1:${await deadPort()}`, onRequest: (e) => log.push(e) });
      const post = await postJson(`${r.url}/graphql`, { query: '{ servedBy }' });
      expect(post.status).toBe(200);
      expect(post.json.data.servedBy).toBe('primary');
      expect(post.headers.get('x-multiregion-route')).toBe('read');
      expect(post.headers.get('x-multiregion-fallback')).toBe('primary');
      expect(post.headers.getSetCookie()).toEqual([]); // a read: no read-your-writes marker
      const get = await fetch(`${r.url}/graphql?query=${encodeURIComponent('{ servedBy }')}`);
      expect(((await get.json()) as any).data.servedBy).toBe('primary');
      expect(log.map((e) => [e.upstream, e.fallback, e.attempts, e.status])).toEqual([
        ['primary', true, 2, 200],
        ['primary', true, 2, 200],
      ]);
    });

    it('writes never fall back, and a slow replica is a 504, not a second query on the primary', async () => {
      const r = await startRouter({ read: `http://127.0.0.1:${await deadPort()}`, primary: `http://127.0.0.1:${await deadPort()}` });
      const write = await postJson(`${r.url}/graphql`, { query: 'mutation { write }' });
      expect(write.status).toBe(502);
      expect(write.headers.get('x-multiregion-fallback')).toBeNull();
      const slow = await startRouter({ upstreamTimeoutMs: 100 });
      const before = primary.seen.length;
      const res = await fetch(`${slow.url}/slow?ms=1000`);
      expect(res.status).toBe(504);
      expect(primary.seen.length).toBe(before);
    });

    it('readFallback: false answers 502', async () => {
      const r = await startRouter({ read: `http://127.0.0.1:${await deadPort()}`, readFallback: false });
      expect((await postJson(`${r.url}/graphql`, { query: '{ servedBy }' })).status).toBe(502);
    });
  });

  describe('stale keep-alive connections (item 7)', () => {
    it('a read on a connection the upstream closed while idle is sent again on a new one', async () => {
      const idle = await idleClosingServer();
      const log: RouteLogEntry[] = [];
      const r = await startRouter({ read: idle.url, readFallback: false, onRequest: (e) => log.push(e) });
      for (let i = 0; i < 4; i++) {
        const res = await postJson(`${r.url}/graphql`, { query: '{ servedBy }' });
        expect(res.status).toBe(200);
        expect(res.json.data.servedBy).toBe('idle-closing');
      }
      expect(idle.received()).toBe(4);
      // new pooled connection, reused (reset → retried), new pooled connection, reused (reset → retried)
      expect(log.map((e) => e.attempts)).toEqual([1, 2, 1, 2]);
    });

    it('a mutation is never sent twice', async () => {
      const idle = await idleClosingServer();
      const r = await startRouter({ primary: idle.url });
      expect((await postJson(`${r.url}/graphql`, { query: 'mutation { write }' })).status).toBe(200);
      expect((await postJson(`${r.url}/graphql`, { query: 'mutation { write }' })).status).toBe(502);
      expect(idle.received()).toBe(1);
    });
  });

  describe('WebSocket upgrades honour upstreamTimeoutMs (item 6)', () => {
    it('an upgrade to a primary that never answers gets 504', async () => {
      const silent = net.createServer(() => undefined); // accepts, reads nothing, says nothing
      const url = await listen(silent);
      const r = await startRouter({ primary: url, upstreamTimeoutMs: 150 });
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const { port } = r.server.address() as AddressInfo;
        const s = net.connect(port, '127.0.0.1', () =>
          s.write('GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'),
        );
        let text = '';
        s.on('data', (d) => (text += d.toString()));
        s.on('close', () => resolve(text));
        setTimeout(() => s.destroy(), 3000); // bounded: without the fix, it would hang here
      });
      expect(answer).toMatch(/^HTTP\/1.1 504 Gateway Timeout/);
      expect(Date.now() - started).toBeLessThan(2500);
    });
  });

  describe('read-your-own-writes marks only after a mutation (item 8)', () => {
    it('APQ misses, parse errors and other non-writes on the primary do not mark', async () => {
      const r = await startRouter({ readYourWrites: { windowMs: 2000, secure: false } });
      const gql = `${r.url}/graphql`;
      const apqMiss = await postJson(gql, { extensions: { persistedQuery: { version: 1, sha256Hash: sha('{ servedBy }') } } });
      expect(apqMiss.headers.get('x-multiregion-route-reason')).toBe('persisted-query-unknown');
      const getPage = await fetch(gql); // GraphiQL page load → missing-query
      expect(getPage.headers.get('x-multiregion-route')).toBe('write');
      const ambiguous = await postJson(gql, '{"query":"{ servedBy }","query":"{ servedBy }"}');
      expect(ambiguous.headers.get('x-multiregion-route-reason')).toBe('ambiguous-params');
      expect(ambiguous.status).toBe(200); // the primary ran the query
      for (const res of [apqMiss, ambiguous]) expect(res.headers.getSetCookie()).toEqual([]);
      expect(getPage.headers.getSetCookie()).toEqual([]);

      const mutation = await postJson(gql, { query: 'mutation { write }' });
      expect(mutation.headers.getSetCookie()).toHaveLength(1);
      const rest = await fetch(`${r.url}/echo`, { method: 'POST', body: 'x' }); // a non-GraphQL write
      expect(rest.headers.getSetCookie()).toHaveLength(1);
    });

    it('with a signing key, only markers the router signed count', async () => {
      const r = await startRouter({ readYourWrites: { windowMs: 2000, secure: false, signingKey: KEY } });
      const gql = `${r.url}/graphql`;
      const write = await postJson(gql, { query: 'mutation { write }' });
      const cookie = write.headers.getSetCookie()[0].split(';')[0];
      expect(cookie).toMatch(/^mr_ryw=\d+\.[A-Za-z0-9_-]{43}$/);
      const mine = await postJson(gql, { query: '{ servedBy }' }, { cookie });
      expect(mine.json.data.servedBy).toBe('primary');

      const expiry = Date.now() + 1000;
      const forged = await postJson(gql, { query: '{ servedBy }' }, { cookie: `mr_ryw=${expiry}` });
      expect(forged.json.data.servedBy).toBe('replica');
      const tampered = cookie.replace(/=(\d+)\./, (_m, e: string) => `=${Number(e) - 1}.`);
      expect((await postJson(gql, { query: '{ servedBy }' }, { cookie: tampered })).json.data.servedBy).toBe('replica');
      // A forged cookie next to a genuine one does not hide it.
      expect((await postJson(gql, { query: '{ servedBy }' }, { cookie: `mr_ryw=${expiry + 500}; ${cookie}` })).json.data.servedBy).toBe('primary');
    });
  });

  describe('router headers (item 8)', () => {
    it('a client cannot set x-multiregion-route or -fallback for the upstream', async () => {
      const r = await startRouter();
      const res = await rawRequest(`${r.url}/echo`, {
        headers: { 'x-multiregion-route': 'write', 'x-multiregion-route-reason': 'mutation', 'x-multiregion-fallback': 'primary' },
      });
      const seen = JSON.parse(res.body).headers as Record<string, string>;
      expect(seen['x-multiregion-route']).toBe('read');
      expect(seen['x-multiregion-route-reason']).toBe('safe-method');
      expect(seen['x-multiregion-fallback']).toBeUndefined();
    });
  });

  describe('bad options', () => {
    it('are rejected with the fix in the message', () => {
      expect(() => createRouterServer({ primary: primary.url, read: replica.url, upstreamTimeoutMs: 0 })).toThrow(
        "Router 'server': upstreamTimeoutMs 0 is not a whole number of milliseconds >= 1; set it to a positive integer, e.g. 30000 (the default)",
      );
      expect(() => createRouterServer({ primary: primary.url, read: replica.url, maxTokens: -5 })).toThrow(
        "Router 'classifier': maxTokens -5 is not a whole number >= 1; set it to a positive integer, e.g. 15000 (the default)",
      );
      expect(() => createRouterServer({ primary: primary.url, read: replica.url, readYourWrites: { signingKey: 'short' } })).toThrow(
        /readYourWrites.signingKey\[0\] is a 5-character string; use a random string of at least 32 characters/,
      );
    });
  });
});
