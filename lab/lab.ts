/**
 * The lab: two or three "regions" on loopback, each a PostgreSQL server plus
 * its GraphQL app; the first is the primary, the others stream from it
 * through a relay the drills can slow down or cut. In front: a write route
 * and a read route (switches the drills move) and two routers (the
 * project's CLI), one with read-your-own-writes on, one with it off. A
 * health-check loop polls every region.
 *
 *   clients ─► router (ryw on|off) ─► write route ─► app r1 ─► postgres r1 (primary)
 *                                  └► read route  ─► app r2 ─► postgres r2 ◄─ relay ◄─ r1
 *                                                    app r3 ─► postgres r3 ◄─ relay ◄─ r1
 *
 * Everything lives in one temp folder and process groups that `close()`
 * (and, failing that, the exit hook) removes.
 */
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { spawnSync } from 'child_process';
import * as net from 'net';
import { rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { performance } from 'perf_hooks';
import { SCHEMA_SQL, RegionApp } from './app';
import { baseBackup, chownTree } from './backup';
import { registerFolder, unregisterFolder } from './cleanup';
import { labError, LabRunError } from './errors';
import { HealthChecker, HealthEvent } from './health';
import { findPostgres, PostgresInstall } from './install';
import { PgServer, sleep } from './postgres';
import { Relay } from './relay';
import { compileRouterCli, RouterProcess } from './router-process';
import { RouteSwitch } from './route-switch';
import { resolveSettings, LabSettings, ResolvedSettings } from './settings';

/** The file that marks a folder as the lab's. */
export const MARKER = '.multiregion-lab';

export interface Region {
  readonly name: string;
  readonly db: PgServer;
  readonly app: RegionApp;
  /** The standby's replication link to its primary (every region gets one; a primary's is idle). */
  readonly relay: Relay;
  /**
   * `stray`: a former primary back after a failover, still writable and
   * outside the topology (split brain); `fenced`: back, but in recovery
   * following nobody, refusing every write.
   */
  role: 'primary' | 'standby' | 'down' | 'stray' | 'fenced';
}

/** A moment on the drill's timeline. */
export interface LabEvent {
  /** Lab time, ms. */
  readonly at: number;
  readonly kind: 'failure' | 'fence' | 'cut' | 'heal' | 'detection' | 'promotion' | 'route-move' | 'return' | 'step' | 'note';
  readonly label: string;
}

export class Lab {
  readonly regions: Region[] = [];
  readonly events: LabEvent[] = [];
  readonly settings: ResolvedSettings;
  install?: PostgresInstall;
  writeRoute?: RouteSwitch;
  readRoute?: RouteSwitch;
  routers: RouterProcess[] = [];
  health?: HealthChecker;
  /** Regions whose fence a failover could not make (they did not answer): fence them first when they are back. */
  readonly pendingFences = new Set<string>();
  root = '';
  private readonly t0 = performance.now();
  private createdRoot = false;
  private closed?: Promise<void>;
  private healthListener: (e: HealthEvent) => void = () => undefined;

  private constructor(settings: ResolvedSettings) {
    this.settings = settings;
  }

  /** Starts a lab. On any error everything started so far is stopped, and the error is rethrown. */
  static async start(settings: LabSettings = {}): Promise<Lab> {
    const lab = new Lab(resolveSettings(settings));
    try {
      await lab.setUp();
      return lab;
    } catch (err) {
      await lab.close();
      throw err;
    }
  }

  /** ms since the lab started. */
  readonly clock = (): number => performance.now() - this.t0;

  mark(kind: LabEvent['kind'], label: string, at = this.clock()): void {
    this.events.push({ at, kind, label });
    this.settings.log(`[${(at / 1000).toFixed(3)} s] ${kind}: ${label}`);
  }

  region(name: string): Region {
    const r = this.regions.find((x) => x.name === name);
    if (!r) throw new LabRunError(`no region ${name}`);
    return r;
  }

  get primary(): Region {
    const p = this.regions.find((r) => r.role === 'primary');
    if (!p) throw new LabRunError('no primary region');
    return p;
  }

  get standbys(): Region[] {
    return this.regions.filter((r) => r.role === 'standby');
  }

  /** Router base URLs. */
  get routerUrls(): { 'ryw-on': string; 'ryw-off': string } {
    return { 'ryw-on': this.routers[0].url, 'ryw-off': this.routers[1].url };
  }

  /** Called on every health change (the failover drill listens). */
  onHealthChange(listener: (e: HealthEvent) => void): void {
    this.healthListener = listener;
  }

  /** Stops everything and removes the lab's folder. Safe to call more than once. */
  close(): Promise<void> {
    this.closed ??= this.tearDown();
    return this.closed;
  }

  private async setUp(): Promise<void> {
    const s = this.settings;
    // Bad input first, before anything starts: ports, the data folder, the binaries.
    const ports = await this.choosePorts();
    this.checkDataDir();
    this.install = findPostgres({ binDir: s.postgresBin, runAs: s.runAs });
    this.makeRoot();
    this.stageBinaries();
    const n = s.regions;
    for (let i = 0; i < n; i++) {
      const name = `r${i + 1}`;
      const db = new PgServer({ install: this.install, name, dataDir: join(this.root, name), port: ports.pg[i], logFile: join(this.root, `${name}.log`) });
      const app = new RegionApp(name, db, s.health.timeoutMs);
      await app.listen(ports.app[i]);
      const relay = new Relay(`${name}-link`, ports.pg[0]);
      await relay.listen(ports.relay[i]);
      this.regions.push({ name, db, app, relay, role: i === 0 ? 'primary' : 'standby' });
    }
    const target = (r: Region) => ({ name: r.name, port: r.app.port });
    this.writeRoute = new RouteSwitch('write', target(this.regions[0]), this.clock);
    this.readRoute = new RouteSwitch('read', target(this.regions[1]), this.clock);
    await this.writeRoute.listen(ports.switches[0]);
    await this.readRoute.listen(ports.switches[1]);
    const cliJs = compileRouterCli(join(this.root, 'router-cli'));
    this.routers = [
      new RouterProcess({ name: 'ryw-on', port: ports.routers[0], primary: this.writeRoute.url, read: this.readRoute.url, rywWindowMs: s.rywWindowMs, cliJs }),
      new RouterProcess({ name: 'ryw-off', port: ports.routers[1], primary: this.writeRoute.url, read: this.readRoute.url, rywWindowMs: 0, cliJs }),
    ];
    // The routers start (a Node process each) while the databases are built.
    await Promise.all([Promise.all(this.routers.map((r) => r.start())).then(() => s.log('routers listening')), this.buildDatabases()]);
    this.health = new HealthChecker(this.regions.map((r) => ({ name: r.name, url: r.app.url })), s.health, this.clock, (e) => {
      this.mark(e.healthy ? 'note' : 'detection', `${e.region} ${e.healthy ? 'healthy again' : `unhealthy after ${s.health.failureThreshold} failed checks`}`, e.at);
      this.healthListener(e);
    });
    this.health.start();
    const lag = s.lag;
    if (lag.ms > 0 && lag.kind === 'network') this.regions[1].relay.delay(lag.ms);
  }

  private async buildDatabases(): Promise<void> {
    const s = this.settings;
    const [primary, ...standbys] = this.regions;
    await primary.db.initdb();
    primary.db.configure({ fsync: s.fsync });
    await primary.db.start();
    await primary.db.query(SCHEMA_SQL);
    s.log(`${primary.name}: primary up (PostgreSQL ${this.install!.version})`);
    // Base backups side by side (non-exclusive backups may overlap), then each standby starts.
    await Promise.all(standbys.map(async (r) => {
      await baseBackup(primary.db, r.db.dataDir, `lab-${r.name}`);
      if (this.install!.runAs) await chownTree(r.db.dataDir, this.install!.runAs.uid, this.install!.runAs.gid);
      this.configureStandby(r, r === this.regions[1] && s.lag.kind === 'apply' ? s.lag.ms : 0);
      r.db.setStandby(true);
      s.log(`${r.name}: base backup copied`);
      await r.db.start();
    }));
    await this.waitFor(async () => {
      const [row] = await primary.db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'");
      return Number(row.n) === standbys.length;
    }, 30_000, 'every standby streaming from the primary');
    s.log('standbys streaming');
  }

  /** Standby settings: stream from the primary through the region's relay. */
  configureStandby(r: Region, applyDelayMs = 0): void {
    r.db.configure({
      fsync: this.settings.fsync,
      primary_conninfo: `host=127.0.0.1 port=${r.relay.port} user=postgres application_name=${r.name} connect_timeout=2`,
      recovery_min_apply_delay: applyDelayMs > 0 ? `${applyDelayMs}ms` : undefined,
    });
  }

  /** Polls `check` every 25 ms until it is true; errors count as false. */
  async waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new LabRunError(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(25);
    }
  }

  /**
   * Ports: `basePort` and the 33 above it, checked free first. Without a
   * base port, a random free block below the kernel's ephemeral range
   * (32768 and up on Linux), so no `listen(0)` anywhere can take one of
   * them between the check and the use.
   */
  private async choosePorts(): Promise<{ pg: number[]; relay: number[]; app: number[]; switches: number[]; routers: number[] }> {
    const n = this.settings.regions;
    const layout = (base: number) => {
      const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => base + from + i);
      return { pg: range(0, n), relay: range(10, n), app: range(20, n), switches: range(30, 2), routers: range(32, 2) };
    };
    const all = (p: ReturnType<typeof layout>) => [...p.pg, ...p.relay, ...p.app, ...p.switches, ...p.routers];
    const base = this.settings.basePort;
    if (base !== undefined) {
      const ports = layout(base);
      for (const p of all(ports)) {
        if (!(await portFree(p))) {
          throw labError('basePort', `port ${p} on 127.0.0.1 is in use`, `choose another --base-port (the lab uses ${base}..${base + 33}) or stop what listens there`);
        }
      }
      return ports;
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const ports = layout(15_000 + 40 * Math.floor(Math.random() * 400));
      let free = true;
      for (const p of all(ports)) if (!(free = await portFree(p))) break;
      if (free) return ports;
    }
    throw new LabRunError('found no block of 34 free ports between 15000 and 31000; pass --base-port');
  }

  /** A given data folder must be new, empty, or the lab's (it has the marker file). */
  private checkDataDir(): void {
    const wanted = this.settings.dataDir;
    if (wanted === undefined || !existsSync(resolve(wanted))) return;
    const entries = readdirSync(resolve(wanted));
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw labError('dataDir', `${resolve(wanted)} exists and is not the lab's (no ${MARKER} file, ${entries.length} entries)`, 'pass an empty or new folder to --data-dir');
    }
  }

  /** Copies the PostgreSQL installation into the lab's folder when its own place is closed to the server's user. */
  private stageBinaries(): void {
    const from = this.install?.stageFrom;
    if (!this.install || !from) return;
    const to = join(this.root, 'postgresql');
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    this.install = { ...this.install, binDir: join(to, 'bin'), stageFrom: undefined };
  }

  private makeRoot(): void {
    const wanted = this.settings.dataDir;
    if (wanted === undefined) {
      this.root = mkdtempSync(join(tmpdir(), 'multiregion-lab-'));
      this.createdRoot = true;
    } else {
      this.root = resolve(wanted);
      if (existsSync(this.root)) {
        // checkDataDir: empty, or a folder a previous lab run left behind.
        for (const e of readdirSync(this.root)) rmSync(join(this.root, e), { recursive: true, force: true });
      } else {
        mkdirSync(this.root, { recursive: true });
        this.createdRoot = true;
      }
    }
    if (this.createdRoot) registerFolder(this.root);
    writeFileSync(join(this.root, MARKER), `multiregion failover lab, pid ${process.pid}\n`);
    const runAs = this.install?.runAs;
    if (runAs) {
      chownSync(this.root, runAs.uid, runAs.gid);
      // Every folder above must let that user through, or initdb fails with a riddle.
      const probe = spawnSync('/bin/sh', ['-c', 'test -w "$1" && test -x "$1"', 'sh', this.root], { uid: runAs.uid, gid: runAs.gid });
      if (probe.status !== 0) {
        throw labError('dataDir', `${this.root} cannot be reached by user '${runAs.name}', who runs PostgreSQL (a folder above it is closed to that user)`, `choose a folder that user '${runAs.name}' can reach, or open the folders above it (chmod o+x)`);
      }
    }
  }

  private async tearDown(): Promise<void> {
    const quiet = async (what: Promise<unknown> | undefined) => {
      try {
        await what;
      } catch {
        // teardown goes on
      }
    };
    await quiet(this.health?.stop());
    await Promise.all(this.routers.map((r) => quiet(r.stop())));
    await quiet(this.writeRoute?.close());
    await quiet(this.readRoute?.close());
    await Promise.all(this.regions.map((r) => quiet(r.app.close())));
    await Promise.all(this.regions.map((r) => quiet(r.relay.close())));
    await Promise.all(this.regions.map((r) => quiet(r.db.stop('immediate'))));
    if (this.root) {
      if (this.createdRoot) {
        await rm(this.root, { recursive: true, force: true });
      } else {
        for (const e of readdirSync(this.root)) await rm(join(this.root, e), { recursive: true, force: true });
      }
      unregisterFolder(this.root);
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const s = net.createServer();
    s.once('error', () => resolveFree(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolveFree(true)));
  });
}
