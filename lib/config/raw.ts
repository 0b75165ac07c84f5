/**
 * The file after the structural walk: every key optional (absent or
 * invalid), durations in seconds. The rules read this; `invalid` says which
 * paths failed the walk, so a rule skips a value already reported.
 */
import type { Role } from './fields';
import type { Cloud } from './figures';
import { PathProblem, PathSegment } from './problems';

export interface RawRegion {
  readonly name?: string;
  readonly role?: Role;
  readonly endpoint?: string;
  readonly availabilityZones?: readonly string[];
}

export interface RawPartition {
  readonly name?: string;
  readonly homeRegion?: string;
  readonly replicaRegions?: readonly string[];
  readonly residency?: string;
  readonly origin?: string;
  readonly stackPrefix?: string;
}

export interface RawFile {
  readonly apiVersion?: string;
  readonly name?: string;
  readonly stackPrefix?: string;
  readonly cloud?: Cloud;
  readonly account?: string;
  readonly project?: string;
  readonly phase?: number;
  readonly origin?: string;
  readonly regions?: readonly (RawRegion | undefined)[];
  readonly database?: { readonly id?: string; readonly engine?: 'postgresql' | 'mysql'; readonly edition?: 'ENTERPRISE' | 'ENTERPRISE_PLUS'; readonly backupRetention?: number };
  readonly objectives?: { readonly rto?: number; readonly rpo?: number; readonly acceptRpoGuardWriteStalls?: boolean };
  readonly replication?: { readonly lagAlarm?: number };
  readonly routing?: {
    readonly zone?: string; readonly hostedZoneId?: string; readonly managedZone?: string;
    readonly strategy?: 'latency' | 'geolocation'; readonly writeName?: string; readonly readName?: string; readonly ttl?: number;
    readonly healthCheck?: { readonly interval?: number; readonly failureThreshold?: number; readonly path?: string };
    readonly graphql?: boolean;
    readonly partitionKey?: { readonly from?: 'variable' | 'header' | 'cookie'; readonly name?: string };
  };
  readonly residency?: readonly ({ readonly class?: string; readonly allowedRegions?: readonly (string | undefined)[] } | undefined)[];
  readonly alerts?: { readonly email?: readonly string[]; readonly snsTopicArn?: string; readonly notificationChannels?: readonly string[] };
  readonly failover?: { readonly decision?: 'manual' | 'automatic'; readonly decisionTime?: number; readonly allowDataLoss?: boolean; readonly engine?: 'region-switch' | 'stepfunctions' };
  readonly mode?: string;
  readonly witnessRegion?: string;
  readonly partitions?: readonly (RawPartition | undefined)[];
  readonly stateBucket?: { readonly name?: string; readonly location?: string };
}

/** What every rule gets: the file, what failed the walk, and where to report. */
export class RuleContext {
  public readonly problems: PathProblem[] = [];

  constructor(public readonly raw: RawFile, private readonly invalid: ReadonlySet<string>, public readonly cloud: Cloud | undefined) {}

  /** True when the value at `path` (or anything under it) failed the walk. */
  public failed(path: string): boolean {
    if (this.invalid.has(path)) return true;
    for (const p of this.invalid) if (p.startsWith(`${path}.`) || p.startsWith(`${path}[`)) return true;
    return false;
  }

  public error(path: readonly PathSegment[], message: string, fix: string, value?: unknown, at?: 'key'): void {
    this.problems.push({ severity: 'error', path, message, fix, ...(value !== undefined ? { value } : {}), ...(at ? { at } : {}) });
  }

  public warning(path: readonly PathSegment[], message: string, fix: string, value?: unknown, at?: 'key'): void {
    this.problems.push({ severity: 'warning', path, message, fix, ...(value !== undefined ? { value } : {}), ...(at ? { at } : {}) });
  }

  public get errorCount(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }
}
