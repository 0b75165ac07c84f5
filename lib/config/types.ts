/**
 * The validated deployment configuration, every default resolved: what the
 * clouds' `fromFile` and the `multiregion` command read. Plain data (no
 * construct, no cloud library), durations in seconds.
 */
import type { EngineFamily, Phase, WriteMode } from '../core';
import type { Role } from './fields';
import type { Cloud } from './figures';

/** One region and its role. */
export interface RegionConfig {
  /** The region. Its stateful resources are named after it, never after its role. */
  readonly name: string;
  readonly role: Role;
  /** Application endpoint: a hostname (AWS) or an IPv4 address (Google Cloud). @default - no route to the region */
  readonly endpoint?: string;
  /** Zones of the region's VPC (AWS). @default - looked up by the CDK CLI */
  readonly availabilityZones?: readonly string[];
  /** The region has database instances (every role but `headless`): it can serve reads and take over writes. */
  readonly hasInstances: boolean;
}

/** The database. */
export interface DatabaseConfig {
  /** AWS: the global cluster identifier; Google Cloud: the primary instance name. Create-only. */
  readonly id: string;
  readonly engine: EngineFamily;
  /** Cloud SQL edition (Google Cloud only). */
  readonly edition?: 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  /** Backup retention in whole days. @default - the construct's default */
  readonly backupRetentionDays?: number;
}

/** Declared objectives, seconds. */
export interface ObjectivesConfig {
  readonly rtoSeconds?: number;
  readonly rpoSeconds?: number;
  /** AWS: accept write stalls of an enforced RPO with one replica region. */
  readonly acceptRpoGuardWriteStalls: boolean;
}

/** The health check of every endpoint. */
export interface HealthCheckConfig {
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly path: string;
}

/** DNS routes. */
export interface RoutingConfig {
  /** The zone's DNS name, without the trailing dot. */
  readonly zone: string;
  /** Route 53 hosted zone id (AWS). */
  readonly hostedZoneId?: string;
  /** Cloud DNS managed zone name (Google Cloud). */
  readonly managedZone?: string;
  readonly strategy: 'latency' | 'geolocation';
  /** Write hostname under the zone (`write`). */
  readonly writeName: string;
  /** Read hostname under the zone (`read`). */
  readonly readName: string;
  readonly ttlSeconds: number;
  readonly healthCheck: HealthCheckConfig;
  /** AWS: the GraphQL edge entry point `api.<zone>`. */
  readonly graphql: boolean;
  /** AWS phase 5 geo-partitioned with graphql: where the edge reads a request's partition. @default - none */
  readonly partitionKey?: { readonly from: 'variable' | 'header' | 'cookie'; readonly name: string };
}

/** A class of data and the regions that may hold it. */
export interface ResidencyClass {
  readonly class: string;
  readonly allowedRegions: readonly string[];
}

/** Where alarms go. */
export interface AlertsConfig {
  readonly email: readonly string[];
  readonly snsTopicArn?: string;
  readonly notificationChannels: readonly string[];
}

/** Who decides to fail over. */
export interface FailoverConfig {
  readonly decision: 'manual' | 'automatic';
  readonly decisionTimeSeconds: number;
  readonly allowDataLoss: boolean;
  /** AWS orchestrator. */
  readonly engine?: 'region-switch' | 'stepfunctions';
}

/** A phase-5 partition with its regions resolved. */
export interface PartitionConfig {
  readonly name: string;
  readonly homeRegion: string;
  readonly replicaRegions: readonly string[];
  /** The standby: the first replica region. */
  readonly standbyRegion?: string;
  /** Where the partition's database was first created (the home region unless stated). */
  readonly origin: string;
  /** The residency class and its regions, when the partition has one. */
  readonly residency?: { readonly name: string; readonly allowedRegions: readonly string[] };
  /** AWS: the prefix of the partition's stacks, when the file gives one. @default - `<stackPrefix>-<name>` */
  readonly stackPrefix?: string;
}

/** A validated configuration file. */
export interface DeploymentConfig {
  readonly apiVersion: 'multiregion/v1';
  /** The file it came from. */
  readonly file: string;
  readonly name: string;
  readonly stackPrefix: string;
  readonly cloud: Cloud;
  /** AWS account (AWS only). */
  readonly account?: string;
  /** Google Cloud project (Google Cloud only). */
  readonly project?: string;
  readonly phase: Phase;
  readonly database: DatabaseConfig;
  /** Every region, in the file's order. */
  readonly regions: readonly RegionConfig[];
  /** The region with role `primary`: the writer today (phase 5: the first writer). */
  readonly primaryRegion: string;
  /**
   * Where the database was first created; it holds the database's original
   * identity and never follows the writer. Undefined in phase 5 (each
   * partition has its own).
   */
  readonly origin?: string;
  /** Whether the file states `origin` (otherwise it is the primary's region). */
  readonly originExplicit: boolean;
  /** Every region but the primary, in the file's order. */
  readonly replicaRegions: readonly string[];
  /** The region a failover moves the writes to (the `standby`, else the first `replica`), phases 2–4. */
  readonly standbyRegion?: string;
  /** Regions whose instances serve reads in the read route (phase 4), primary first. */
  readonly readRegions: readonly string[];
  readonly objectives: ObjectivesConfig;
  readonly replication: { readonly lagAlarmSeconds: number };
  /** DNS routes (required from phase 3). */
  readonly routing?: RoutingConfig;
  readonly residency: readonly ResidencyClass[];
  readonly alerts: AlertsConfig;
  readonly failover: FailoverConfig;
  /** Phase 5 write mode. */
  readonly mode?: WriteMode;
  /** Phase 5 active-active on AWS: the Aurora DSQL witness Region. */
  readonly witnessRegion?: string;
  /** Phase 5 partitions (geo-partitioned). */
  readonly partitions?: readonly PartitionConfig[];
  /** Google Cloud: the Terraform state bucket. */
  readonly stateBucket?: { readonly name: string; readonly location: string };
}
