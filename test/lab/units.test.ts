/**
 * The lab's parts that need no PostgreSQL: the replication relay, the route
 * switch, the health-check semantics, settings, the runbook model and the
 * report renderers, and the layering rule (lib/ never imports lab/).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { MultiRegionConfigError } from '../../lib/core/errors';
import { validateRunbook } from '../../lib/core/runbook';
import { findLeftovers, groupAlive, groupOf, killEverything, registerFolder, registerGroup } from '../../lab/cleanup';
import { parseLabArgs } from '../../lab/cli';
import { drillName } from '../../lab/drills';
import { runProcedure } from '../../lab/engine';
import { HealthChecker, HealthEvent } from '../../lab/health';
import type { Lab } from '../../lab/lab';
import { lsnToBigInt } from '../../lab/postgres';
import { Relay } from '../../lab/relay';
import type { DrillReport } from '../../lab/report';
import { renderReportMarkdown } from '../../lab/report-markdown';
import { RouteSwitch } from '../../lab/route-switch';
import { labRecoveryInputs, labRunbook } from '../../lab/runbook';
import { resolveSettings } from '../../lab/settings';
import { renderTimelineSvg } from '../../lab/timeline-svg';
import { errorOf } from '../error-of';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

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

function processesInGroup(pgid: number): number {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e) && groupOf(Number(e)) === pgid).length;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
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

describe('settings, drill names and arguments', () => {
  test('bad settings name the setting, the value and the fix', () => {
    expect(errorOf(() => resolveSettings({ regions: 1 }))).toBe("Lab 'regions': regions 1 is not a whole number from 2 to 5; use 2 to 5 regions");
    expect(errorOf(() => resolveSettings({ health: { intervalMs: 100, timeoutMs: 150 } }))).toBe(
      "Lab 'health.timeoutMs': health.timeoutMs 150 is not a whole number from 1 to 100; use a timeout up to the interval (100 ms)",
    );
    expect(errorOf(() => resolveSettings({ lag: { ms: 10, kind: 'disk' as 'apply' } }))).toBe("Lab 'lag.kind': lag kind 'disk' is not known; use 'network' or 'apply'");
    expect(resolveSettings({}).health).toEqual({ intervalMs: 250, failureThreshold: 3, timeoutMs: 200 });
  });

  test('an unknown drill is a one-line error listing the drills', () => {
    expect(errorOf(() => drillName('chaos'))).toBe("Lab 'drill': drill 'chaos' does not exist; use one of switchover, failover, partition");
    expect(drillName('partition')).toBe('partition');
  });

  test('command-line arguments', () => {
    const c = parseLabArgs(['--drill', 'failover,partition', '--lag-ms', '300', '--health-threshold', '2']);
    expect(c).toMatchObject({ drills: ['failover', 'partition'], options: { lag: { ms: 300 }, health: { failureThreshold: 2 } } });
    expect(errorOf(() => parseLabArgs(['--drill', 'failover', '--lag-ms', 'soon']))).toBe("Lab 'lag-ms': --lag-ms 'soon' is not a whole number; pass a whole number to --lag-ms");
    expect(errorOf(() => parseLabArgs([]))).toBe("Lab 'drill': --drill is missing; pass --drill switchover|failover|partition");
    expect(errorOf(() => parseLabArgs(['--drill', 'failover', '--bogus']))).toMatch(/^Lab 'arguments': Unknown option '--bogus'/);
  });
});

describe('runbook model and engine', () => {
  const settings = resolveSettings({});
  const topology = {
    primary: 'r1',
    standby: 'r2',
    regions: [1, 2, 3].map((i) => ({ name: `r${i}`, port: 5430 + i, dataDir: `/tmp/lab/r${i}` })),
    settings,
  };

  test('the lab runbook is a valid core model whose engine steps all carry an action', () => {
    const model = labRunbook(topology);
    expect(model.cloud).toBe('local');
    expect(validateRunbook(model)).toEqual([]);
    for (const id of ['switchover', 'failover', 'failback'] as const) {
      const steps = model.procedures.find((p) => p.id === id)!.steps;
      expect(steps.every((s) => typeof s.action === 'string')).toBe(true);
    }
    expect(model.procedures.find((p) => p.id === 'failover')!.steps.map((s) => s.kind)).toEqual([
      'precondition', 'precondition', 'database-failover', 'traffic-shift', 'verification', 'database-failover', 'notification',
    ]);
    // The manual fallback is for a person: commands, no actions.
    expect(model.procedures.find((p) => p.id === 'manual-failover')!.steps.some((s) => s.action !== undefined)).toBe(false);
  });

  test('the engine refuses a step it cannot run rather than skip it', async () => {
    const fake = { clock: () => 0, mark: () => undefined } as unknown as Lab;
    const procedure = labRunbook(topology).procedures.find((p) => p.id === 'manual-failover')!;
    await expect(runProcedure(fake, procedure, { from: {} as never, steps: [] })).rejects.toThrow(
      "step 'Confirm r1 is down' of 'manual-failover' has no action the local engine knows (undefined)",
    );
  });

  test('recovery inputs are the lab settings: detection = interval × threshold, promotion bounded by pg_promote', () => {
    const inputs = labRecoveryInputs(settings);
    expect(inputs.detection).toEqual({ intervalSeconds: 0.25, failureThreshold: 3 });
    expect(inputs.failover.seconds).toBe(5);
    expect(inputs.dnsTtlSeconds).toBe(0);
  });

  test('LSNs compare as numbers', () => {
    expect(lsnToBigInt('1/0') > lsnToBigInt('0/FFFFFFFF')).toBe(true);
    expect(lsnToBigInt('0/3000148')).toBe(0x3000148n);
    expect(lsnToBigInt(null)).toBe(-1n);
  });
});

describe('report renderers', () => {
  const report: DrillReport = {
    drill: 'failover',
    date: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 2, load1: 1, node: 'v20' },
    postgres: '18.4',
    regions: ['r1', 'r2', 'r3'],
    settings: { health: { intervalMs: 250, failureThreshold: 3, timeoutMs: 200 }, lag: { ms: 200, kind: 'network' }, rywWindowMs: 5000, promoteWaitSeconds: 5, workload: { writersPerRouter: 2, readers: 1, pauseMs: 20, retryMs: 25, requestTimeoutMs: 2000 } },
    durationMs: 400,
    outages: [],
    writes: { attempted: 10, acknowledged: 8, failed: 2 },
    reads: { ok: 8, failed: 0 },
    rpo: { lostWrites: 1, lostIds: ['on1-4'], firstLostAckAt: 90, lastLostAckAt: 90, spanMs: 0 },
    staleOwnReads: { 'ryw-on': { ownReads: 4, stale: 0 }, 'ryw-off': { ownReads: 4, stale: 3 } },
    ownReadsOfLostWrites: 1,
    mutationsOnReplica: 0,
    finalPrimary: 'r2',
    events: [
      { at: 100, kind: 'failure', label: 'r1 killed' },
      { at: 200, kind: 'detection', label: 'r1 unhealthy' },
      { at: 250, kind: 'promotion', label: 'r2 promoted' },
      { at: 260, kind: 'route-move', label: 'write route → r2' },
      { at: 270, kind: 'step', label: 'not drawn' },
    ],
    buckets: [
      { t: 0, writesOk: 4, writesFailed: 0, readsOk: 4, readsFailed: 0 },
      { t: 100, writesOk: 0, writesFailed: 2, readsOk: 2, readsFailed: 0 },
      { t: 200, writesOk: 0, writesFailed: 0, readsOk: 0, readsFailed: 0 },
      { t: 300, writesOk: 4, writesFailed: 0, readsOk: 2, readsFailed: 0 },
    ],
  };

  test('the SVG draws ok bars up, failed bars down, and marks failure, detection, promotion and the route move', () => {
    const svg = renderTimelineSvg(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/fill="#2e7d32"\/>/g)).toHaveLength(5); // 2 write buckets + 3 read buckets with successes
    expect(svg.match(/fill="#c62828"\/>/g)).toHaveLength(1); // one write bucket with failures
    for (const label of ['failure', 'detected', 'promoted', 'route moved']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('not drawn');
    expect(renderTimelineSvg(report)).toBe(svg);
  });

  test('the Markdown report shows data loss, stale reads per router and mutations on replicas', () => {
    const md = renderReportMarkdown(report, 'failover.svg');
    expect(md).toContain('id by id: **1**, acknowledged between 0.090 s and 0.090 s');
    expect(md).toContain('| read-your-own-writes on | 4 | **0** |');
    expect(md).toContain('| read-your-own-writes off | 4 | **3** |');
    expect(md).toContain('## Mutations that reached a replica\n\n**0**');
    expect(md).toContain('![failover timeline](failover.svg)');
  });
});

describe('cleanup registry', () => {
  test('the exit hook kills every registered process group and removes every registered folder', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-hook-'));
    // A group leader with a child, like a postmaster with its backends.
    const leader = spawn('/bin/sh', ['-c', 'sleep 60 & sleep 60; wait'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => leader.once('spawn', r));
    registerGroup(leader.pid!);
    registerFolder(folder);
    await until(() => processesInGroup(leader.pid!) >= 2);
    killEverything();
    await until(() => !groupAlive(leader.pid!));
    expect(fs.existsSync(folder)).toBe(false);
    expect(findLeftovers().filter((l) => l.includes(String(leader.pid)) || l.includes(folder))).toEqual([]);
  });
});

describe('layering', () => {
  const LIB = path.join(__dirname, '..', '..', 'lib');
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

  test('nothing in lib/ imports the lab, and the package does not ship it', () => {
    const offenders = files(LIB).filter((f) => /from\s+['"](\.\.\/)+lab\/|require\(['"](\.\.\/)+lab\//.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(LIB, '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).not.toContain('lab');
  });

  test('lab errors are the one configuration error type', () => {
    let caught: unknown;
    try {
      drillName('x');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MultiRegionConfigError);
  });
});
