/**
 * The lab's moving parts that need no PostgreSQL: the replication relay
 * (lag, cut, heal, retarget, reset), the route switch, and the health-check
 * semantics (interval × threshold).
 */
import * as http from 'http';
import * as net from 'net';
import { HealthChecker, HealthEvent } from '../../lab/health';
import { Relay } from '../../lab/relay';
import { RouteSwitch } from '../../lab/route-switch';
import { close, listen, sleep, until } from './net-helpers';

/** A TCP server that answers every chunk with `prefix + chunk`. */
function echoServer(prefix: string): net.Server {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => s.write(`${prefix}${d.toString()}`));
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const orig = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return orig(cb);
  }) as typeof server.close;
  return server;
}

/** Connects to `port`; collects what arrives. */
async function client(port: number): Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  let data = '';
  let isClosed = false;
  socket.on('data', (d) => (data += d.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (isClosed = true));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => data, closed: () => isClosed };
}

describe('replication relay', () => {
  const a = echoServer('A:');
  const b = echoServer('B:');
  let aPort = 0;
  let bPort = 0;
  beforeAll(async () => {
    aPort = await listen(a);
    bPort = await listen(b);
  });
  afterAll(async () => {
    await close(a);
    await close(b);
  });

  test('forwards both ways, counts bytes', async () => {
    const relay = new Relay('t', aPort);
    try {
      const c = await client(await relay.listen());
      c.socket.write('ping');
      await until(() => c.received() === 'A:ping');
      expect(relay.stats).toEqual({ up: 4, down: 6, connections: 1 });
      c.socket.destroy();
    } finally {
      await relay.close();
    }
  });

  test('delay: every chunk is forwarded that much later, both ways', async () => {
    const relay = new Relay('t', aPort);
    try {
      relay.delay(150);
      const c = await client(await relay.listen());
      const t0 = Date.now();
      c.socket.write('x');
      await until(() => c.received() === 'A:x');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      c.socket.destroy();
    } finally {
      await relay.close();
    }
  });

  test('cut holds everything (nothing lost, nothing delivered) until heal', async () => {
    const relay = new Relay('t', aPort);
    try {
      const c = await client(await relay.listen());
      c.socket.write('1');
      await until(() => c.received() === 'A:1');
      relay.cut();
      c.socket.write('2');
      await sleep(200);
      expect(c.received()).toBe('A:1');
      // A connection opened during the cut waits too.
      const late = await client(relay.port);
      late.socket.write('3');
      await sleep(100);
      expect(late.received()).toBe('');
      relay.heal();
      await until(() => c.received() === 'A:1A:2' && late.received() === 'A:3');
      c.socket.destroy();
      late.socket.destroy();
    } finally {
      await relay.close();
    }
  });

  test('retarget closes open connections; new ones reach the new server', async () => {
    const relay = new Relay('t', aPort);
    try {
      const c = await client(await relay.listen());
      relay.retarget(bPort);
      await until(() => c.closed());
      const d = await client(relay.port);
      d.socket.write('y');
      await until(() => d.received() === 'B:y');
      d.socket.destroy();
    } finally {
      await relay.close();
    }
  });

  test('reset drops what the link still held (a dead peer delivers nothing more)', async () => {
    const relay = new Relay('t', aPort);
    try {
      relay.delay(300);
      const c = await client(await relay.listen());
      c.socket.write('lost');
      await sleep(50);
      relay.reset();
      await sleep(400);
      expect(c.received()).toBe('');
      expect(c.closed()).toBe(true);
    } finally {
      await relay.close();
    }
  });
});

describe('route switch', () => {
  const named = (name: string) => http.createServer((_req, res) => res.end(name));
  const a = named('a');
  const b = named('b');
  let aPort = 0;
  let bPort = 0;
  beforeAll(async () => {
    aPort = await listen(a);
    bPort = await listen(b);
  });
  afterAll(async () => {
    a.closeAllConnections();
    b.closeAllConnections();
    await close(a);
    await close(b);
  });

  test('each request goes where the route points now; moves are recorded', async () => {
    let now = 0;
    const route = new RouteSwitch('write', { name: 'r1', port: aPort }, () => now);
    try {
      await route.listen();
      expect(await (await fetch(route.url)).text()).toBe('a');
      now = 1234;
      route.move({ name: 'r2', port: bPort });
      expect(await (await fetch(route.url)).text()).toBe('b');
      expect(route.moves).toEqual([{ at: 1234, from: 'r1', to: 'r2' }]);
      expect(Object.fromEntries(route.counts)).toEqual({ r1: 1, r2: 1 });
    } finally {
      await route.close();
    }
  });

  test('an unreachable region answers 502 UNREACHABLE', async () => {
    const holder = net.createServer();
    const dead = await listen(holder);
    await close(holder); // nothing listens there any more: connections are refused
    const route = new RouteSwitch('write', { name: 'r9', port: dead }, () => 0);
    try {
      await route.listen();
      const res = await fetch(route.url);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('UNREACHABLE');
    } finally {
      await route.close();
    }
  });
});

describe('health checks: interval × threshold', () => {
  test('unhealthy at exactly the threshold-th consecutive failed check; healthy again after as many passes', async () => {
    let healthy = true;
    const hits: { at: number; ok: boolean }[] = [];
    const t0 = Date.now();
    const server = http.createServer((_req, res) => {
      hits.push({ at: Date.now() - t0, ok: healthy });
      res.writeHead(healthy ? 200 : 503).end(JSON.stringify({ role: 'primary' }));
    });
    const port = await listen(server);
    const events: HealthEvent[] = [];
    const checker = new HealthChecker([{ name: 'r1', url: `http://127.0.0.1:${port}` }], { intervalMs: 60, failureThreshold: 3, timeoutMs: 50 }, () => Date.now() - t0, (e) => events.push(e));
    try {
      checker.start();
      await until(() => hits.length >= 3);
      expect(checker.status('r1')).toMatchObject({ healthy: true, role: 'primary' });
      healthy = false;
      const failedFrom = hits.length;
      await until(() => events.length === 1);
      // The third failed check made it unhealthy: not the second, not the fourth.
      expect(hits.slice(failedFrom).filter((h) => !h.ok).length).toBe(3);
      expect(events[0]).toMatchObject({ region: 'r1', healthy: false });
      // At most one check per interval (a fixed grid, no bursts).
      expect(hits.length).toBeLessThanOrEqual(Math.floor((Date.now() - t0) / 60) + 1);
      healthy = true;
      const passedFrom = hits.length;
      await until(() => events.length === 2);
      expect(hits.slice(passedFrom).filter((h) => h.ok).length).toBe(3);
      expect(events[1]).toMatchObject({ region: 'r1', healthy: true });
    } finally {
      await checker.stop();
      server.closeAllConnections();
      await close(server);
    }
  });

  test('a check slower than the timeout fails', async () => {
    const server = http.createServer((_req, res) => setTimeout(() => res.end('{"role":"primary"}'), 200));
    const port = await listen(server);
    const events: HealthEvent[] = [];
    const checker = new HealthChecker([{ name: 'slow', url: `http://127.0.0.1:${port}` }], { intervalMs: 40, failureThreshold: 2, timeoutMs: 30 }, () => Date.now(), (e) => events.push(e));
    try {
      checker.start();
      await until(() => events.length === 1);
      expect(events[0].healthy).toBe(false);
    } finally {
      await checker.stop();
      server.closeAllConnections();
      await close(server);
    }
  });
});
