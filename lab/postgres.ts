/**
 * One PostgreSQL server of the lab: initdb, start, stop (clean or kill -9),
 * queries, LSNs, promotion. Each server runs in its own process group with
 * its data directory under the lab's temp folder.
 */
import { ChildProcess, spawn } from 'child_process';
import { chownSync, closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { groupAlive, registerGroup, unregisterGroup } from './cleanup';
import { LabRunError } from './errors';
import { PostgresInstall } from './install';

/** A setting value for postgresql.auto.conf. */
export type Setting = string | number | boolean;

/**
 * Settings every lab server gets. Physical streaming replication needs
 * wal_level replica and WAL senders; the rest keeps six servers cheap on a
 * shared 2-core machine.
 *
 * `fsync = off`: a committed transaction's WAL is still written to the
 * kernel before the commit is acknowledged, so it survives the lab's
 * failures (kill -9 of the server, a cut link); only a crash of the whole
 * machine would lose it, which the lab does not simulate.
 */
export const BASE_SETTINGS: Readonly<Record<string, Setting>> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  wal_level: 'replica',
  max_wal_senders: 10,
  wal_keep_size: '128MB',
  min_wal_size: '4MB',
  max_wal_size: '64MB',
  hot_standby: true,
  fsync: false,
  synchronous_commit: 'on',
  shared_buffers: '16MB',
  max_connections: 60,
  // DSM segments in the data directory, not /dev/shm: a kill -9 leaves nothing behind outside it.
  dynamic_shared_memory_type: 'mmap',
  autovacuum: false,
  // A standby retries its primary every 100 ms (default 5 s), so a healed or re-pointed link is used at once.
  wal_retrieve_retry_interval: '100ms',
  logging_collector: false,
  log_line_prefix: '%m [%p] ',
};

export interface PgServerOptions {
  readonly install: PostgresInstall;
  /** Region name, e.g. `r1`. */
  readonly name: string;
  readonly dataDir: string;
  readonly port: number;
  /** Server log (stderr). */
  readonly logFile: string;
}

/** An LSN such as `0/3000148` as a number of bytes. */
export function lsnToBigInt(lsn: string | null | undefined): bigint {
  if (!lsn) return -1n;
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

export class PgServer {
  readonly name: string;
  readonly dataDir: string;
  readonly port: number;
  readonly logFile: string;
  private readonly install: PostgresInstall;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private settings: Record<string, Setting> = {};

  constructor(options: PgServerOptions) {
    this.install = options.install;
    this.name = options.name;
    this.dataDir = options.dataDir;
    this.port = options.port;
    this.logFile = options.logFile;
  }

  /** Postmaster pid (also its process group), while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Connection settings for node-postgres. */
  get connection(): { host: string; port: number; user: string; database: string } {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', database: 'postgres' };
  }

  /** Runs initdb (as the run-as user when root). */
  async initdb(): Promise<void> {
    // 1 MB WAL segments (default 16 MB): small data directories, quick copies and removals.
    const args = ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions', '--wal-segsize=1'];
    const child = spawn(join(this.install.binDir, 'initdb'), args, {
      uid: this.install.runAs?.uid,
      gid: this.install.runAs?.gid,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new LabRunError(`initdb for ${this.name} failed (exit ${code}): ${lastLines(out, 3)}`);
  }

  /** Replaces the lab's settings (postgresql.auto.conf); applied at the next start. */
  configure(settings: Record<string, Setting | undefined>): void {
    const merged: Record<string, Setting> = { ...BASE_SETTINGS, port: this.port };
    for (const [k, v] of Object.entries(settings)) if (v !== undefined) merged[k] = v;
    this.settings = merged;
    const lines = Object.entries(merged).map(([k, v]) => `${k} = ${quote(v)}`);
    writeFileSync(join(this.dataDir, 'postgresql.auto.conf'), `# written by the multiregion failover lab\n${lines.join('\n')}\n`);
    this.chown(join(this.dataDir, 'postgresql.auto.conf'));
  }

  /** The settings written by the last {@link configure}. */
  get currentSettings(): Readonly<Record<string, Setting>> {
    return this.settings;
  }

  /** Makes the next start a standby (standby.signal), or not. */
  setStandby(standby: boolean): void {
    const signal = join(this.dataDir, 'standby.signal');
    if (standby) {
      writeFileSync(signal, '');
      this.chown(signal);
    } else {
      rmSync(signal, { force: true });
    }
  }

  /** Starts the server and waits until it accepts connections. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new LabRunError(`${this.name} is already running`);
    const postgres = join(this.install.binDir, 'postgres');
    const args = ['-D', this.dataDir];
    const [cmd, argv] = this.install.setpriv ? [this.install.setpriv, ['--pdeathsig', 'KILL', '--', postgres, ...args]] : [postgres, args];
    const log = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(cmd, argv, {
        detached: true,
        uid: this.install.runAs?.uid,
        gid: this.install.runAs?.gid,
        env: serverEnv(),
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned || child.pid === undefined) throw new LabRunError(`${this.name}: could not start ${postgres}`);
    registerGroup(child.pid);
    this.child = child;
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        unregisterGroup(child.pid);
        throw new LabRunError(`${this.name} (port ${this.port}) stopped while starting: ${lastLines(this.log(), 2)}`);
      }
      if (await this.ping()) return;
      if (Date.now() > deadline) {
        await this.kill9();
        throw new LabRunError(`${this.name} did not accept connections within ${timeoutMs} ms: ${lastLines(this.log(), 2)}`);
      }
      await sleep(50);
    }
  }

  /**
   * `fast` (SIGINT): a clean shutdown; WAL senders first send everything,
   * the shutdown checkpoint included, to the connected standbys.
   * `immediate` (SIGQUIT): stop at once (the lab's teardown).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast', timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    if (this.running) child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    if (!(await within(this.exited!, timeoutMs))) process.kill(-child.pid, 'SIGKILL');
    await this.waitGroupGone(child.pid);
  }

  /** kill -9 of the whole server: postmaster and every backend at once, like losing the machine. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
    await this.waitGroupGone(child.pid);
  }

  private async waitGroupGone(pgid: number): Promise<void> {
    for (let i = 0; i < 400 && groupAlive(pgid); i++) {
      if (i === 100) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await sleep(25);
    }
    unregisterGroup(pgid);
  }

  /** Runs one statement on a fresh connection. */
  async query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = [], timeoutMs = 10_000): Promise<T[]> {
    const client = new Client({ ...this.connection, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const res = await client.query(sql, params);
      return res.rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Opens a client the caller ends. */
  async connect(): Promise<Client> {
    const client = new Client({ ...this.connection, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async ping(): Promise<boolean> {
    try {
      await this.query('SELECT 1', [], 2000);
      return true;
    } catch {
      return false;
    }
  }

  async inRecovery(): Promise<boolean> {
    const [row] = await this.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    return row.r;
  }

  /** Primary: current WAL write position. */
  async currentLsn(): Promise<bigint> {
    const [row] = await this.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l');
    return lsnToBigInt(row.l);
  }

  /** Standby: WAL received and replayed. */
  async standbyLsns(): Promise<{ receive: bigint; replay: bigint }> {
    const [row] = await this.query<{ rc: string | null; rp: string | null }>(
      'SELECT pg_last_wal_receive_lsn()::text AS rc, pg_last_wal_replay_lsn()::text AS rp',
    );
    return { receive: lsnToBigInt(row.rc), replay: lsnToBigInt(row.rp) };
  }

  /** `pg_promote(wait => true, wait_seconds => n)`; throws when it did not finish in time. */
  async promote(waitSeconds: number): Promise<void> {
    const [row] = await this.query<{ ok: boolean }>('SELECT pg_promote(true, $1) AS ok', [waitSeconds], (waitSeconds + 5) * 1000);
    if (!row.ok) throw new LabRunError(`${this.name}: pg_promote did not finish within ${waitSeconds} s`);
  }

  /** The server log so far. */
  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Gives a file the lab wrote to the run-as user (when root). */
  chown(path: string): void {
    const r = this.install.runAs;
    if (r) chownSync(path, r.uid, r.gid);
  }
}

function quote(v: Setting): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return `'${v.replace(/'/g, "''")}'`;
}

function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', TZ: 'UTC' };
}

function lastLines(text: string, n: number): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-n).join(' | ') || '(no output)';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when `promise` settles within `ms`, false otherwise; leaves no timer behind. */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true, () => true), timeout]).finally(() => clearTimeout(timer));
}
