/** The properties of {@link PrimaryRegion} (primary-region.ts). */
import type { DataResidency, EngineFamily, Phase, RecoveryObjectives, WriteMode } from '../core';
import type { AuthorizedNetwork, Edition } from './private/sql-rules';

/** A weekly maintenance window, UTC. */
export interface MaintenanceWindow {
  /** Day of the week, 1 (Monday) to 7 (Sunday). */
  readonly day: number;
  /** Hour of the day, 0–23, UTC. */
  readonly hour: number;
}

/** Properties of {@link PrimaryRegion}. */
export interface PrimaryRegionProps {
  /** Project that holds every resource. */
  readonly project: string;
  /** The read-write region, e.g. `us-central1`. */
  readonly region: string;
  /**
   * Regions that hold a read replica. Deployment-time configuration.
   * @default [] (phase 1, a single region)
   */
  readonly replicaRegions?: readonly string[];
  /**
   * Phase of the evolution ladder this deployment claims.
   * @default 1 without replica regions, 2 with them
   */
  readonly phase?: Phase;
  /**
   * How writes are spread over regions: required at phase 5 (which has no
   * default), refused before. Cloud SQL has one writable instance, so a
   * PrimaryRegion is the home of one partition: `'geo-partitioned'` (what
   * {@link GeoPartitionedDatabase} builds). Strongly consistent writes in
   * several regions (`'active-active'`) are Cloud Spanner:
   * {@link ActiveActiveDatabase}. Last-write-wins is refused.
   * @default - none
   */
  readonly writeMode?: WriteMode;
  /**
   * Engine family.
   * @default 'postgresql'
   */
  readonly engine?: EngineFamily;
  /**
   * Cloud SQL database version; must match the engine.
   * @default 'POSTGRES_16' for PostgreSQL, 'MYSQL_8_0' for MySQL
   */
  readonly databaseVersion?: string;
  /**
   * Cloud SQL edition. Enterprise Plus adds the cross-region DR replica
   * (switchover without data loss), the write endpoint and up to 35 days of
   * point-in-time recovery.
   * @default 'ENTERPRISE'
   */
  readonly edition?: Edition;
  /**
   * Machine tier.
   * @default 'db-custom-2-7680' (Enterprise) or 'db-perf-optimized-N-2' (Enterprise Plus)
   */
  readonly tier?: string;
  /**
   * `REGIONAL` keeps a standby in another zone (HA); `ZONAL` needs `allowSingleZone`.
   * @default 'REGIONAL'
   */
  readonly availabilityType?: 'REGIONAL' | 'ZONAL';
  /**
   * Accept a single-zone instance (an outage when the zone fails).
   * @default false
   */
  readonly allowSingleZone?: boolean;
  /**
   * Automated backups. false is rejected in every phase.
   * @default true
   */
  readonly backups?: boolean;
  /**
   * Automated daily backups retained (1–365; 7 at least for the ladder). Must
   * exceed `transactionLogRetentionDays`: Cloud SQL rejects fewer backups
   * than days of logs.
   * @default transactionLogRetentionDays + 7, at least 14 (14 on Enterprise, 21 on Enterprise Plus)
   */
  readonly backupRetentionDays?: number;
  /**
   * Start of the daily backup window, `HH:MM` UTC.
   * @default '03:00'
   */
  readonly backupStartTime?: string;
  /**
   * Point-in-time recovery (write-ahead log / binary log retention). false is rejected.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Days of transaction logs kept for point-in-time recovery: at least 7, at
   * most 7 on Enterprise and 35 on Enterprise Plus.
   * @default 7 (Enterprise) or 14 (Enterprise Plus)
   */
  readonly transactionLogRetentionDays?: number;
  /**
   * Deletion protection: both Terraform's `deletion_protection` and the
   * API-level `deletion_protection_enabled`. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Keep automated backups after the instance is deleted. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly retainBackupsOnDelete?: boolean;
  /**
   * Explicitly accept that deleting the instance can lose the data: required
   * to turn deletion protection off or to drop backups on delete.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * VPC network (`projects/<p>/global/networks/<name>`) with private service
   * access already configured, e.g. {@link DeploymentNetwork.network} from a
   * stack of its own. Replicas in other regions use it too. A network is
   * global and belongs to no region's role: with replicas, give it a stack
   * of its own (a warning says so otherwise).
   * @default a new network with a /16 range reserved for private service access, in this construct
   */
  readonly network?: string;
  /**
   * Name of the reserved range (global address) Cloud SQL takes its IP from.
   * @default the range this construct reserves, or any range of the network's connection
   */
  readonly allocatedIpRange?: string;
  /**
   * Networks allowed through a public IP. Setting any needs `allowPublicIp`.
   * @default [] (private IP only)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /**
   * Explicitly accept a public IP on the instance.
   * @default false
   */
  readonly allowPublicIp?: boolean;
  /**
   * Weekly maintenance window, UTC.
   * @default { day: 7, hour: 5 } (Sunday 05:00 UTC)
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Extra database flags, merged over the logging flags set by default.
   * @default {}
   */
  readonly databaseFlags?: Readonly<Record<string, string>>;
  /**
   * Query insights.
   * @default true
   */
  readonly queryInsights?: boolean;
  /**
   * Region of an Enterprise Plus DR replica (must be one of `replicaRegions`,
   * deployed with `ReadReplicaRegion` `disasterRecovery: true`). With
   * `drReplicaDesignated` it sets `replication_cluster.failover_dr_replica_name`
   * so a switchover is possible.
   * @default - no DR replica
   */
  readonly drReplicaRegion?: string;
  /**
   * How the DR replica of `drReplicaRegion` is designated on the primary
   * (`replication_cluster.failover_dr_replica_name`). Cloud SQL only accepts
   * an existing replica, which is created after the primary, so the
   * designation is always a second apply of the primary's stack.
   *
   * - unset (automatic): the plan reads the instances of the DR region and
   *   designates the DR replica as soon as it exists and replicates this
   *   primary — the same configuration every time; the output
   *   `DrReplicaDesignation` says whether it is done or which apply is next.
   * - `true`: always designate (the apply fails while the replica is missing).
   * - `false`: never designate (failovers are plain promotions).
   *
   * Until the designation, the failover workflow promotes the replica (it
   * checks `replicationCluster.drReplica` at run time).
   * https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
   * @default - automatic
   */
  readonly drReplicaDesignated?: boolean;
  /**
   * Instance name. Replicas, the router and the runbook find the instance by
   * it, so it must not change after deployment.
   * @default `instanceNames[region]`, else derived from the construct path, e.g. `mrc-phase2-primary-database-1a2b3c`
   */
  readonly instanceName?: string;
  /**
   * The instance name of every region of the deployment, primary and
   * replicas — role-free: the same map before and after a role swap, so each
   * region's instance keeps its name (a name is create-only, and Cloud SQL
   * does not reuse a deleted name for a week). `region` and every replica
   * region must be keys; a region that is not is refused, because making it
   * the primary would create a new, empty primary.
   * @default - `instanceName` for the primary, `<instanceName>-<region>` for replicas
   */
  readonly instanceNames?: Readonly<Record<string, string>>;
  /**
   * Customer-managed encryption key (`projects/.../cryptoKeys/...`).
   * @default Google-managed encryption
   */
  readonly encryptionKeyName?: string;
  /**
   * Customer-managed encryption key of every region's instance (a key must be
   * in its instance's region), role-free like {@link instanceNames}: replicas
   * use their region's key, and a role swap keeps every instance's key
   * (`encryption_key_name` is create-only).
   * @default - `encryptionKeyName` for the primary; replicas Google-managed
   */
  readonly encryptionKeyNames?: Readonly<Record<string, string>>;
  /**
   * Notification channels (ids) of the alert policies.
   * @default [] (incidents only appear in the console)
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Google users and service accounts (bare emails) to create as database
   * users with IAM database authentication, in the primary's stack. With
   * replicas, prefer {@link DatabaseUsers} in a stack of its own: a role swap
   * would move these (a warning says so). They log in with an IAM token,
   * so no password exists anywhere, Terraform state included. They also need
   * `roles/cloudsql.instanceUser` (and `roles/cloudsql.client` to connect
   * through the Cloud SQL Auth Proxy) in IAM, and database privileges granted
   * in SQL; docs/gcp/README.md, "Logging in", shows the first one.
   * @default [] (IAM database authentication is on; no user is created)
   */
  readonly iamDatabaseUsers?: readonly string[];
  /**
   * Labels on the instance.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Which regions may hold a copy of the data.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
  /**
   * Declared recovery objectives.
   * @default - none
   */
  readonly recoveryObjectives?: RecoveryObjectives;
  /**
   * Google provider version constraint of this stack (see `useGoogleProvider`).
   * @default '6.50.0', the version the prebuilt bindings pin
   */
  readonly providerVersionConstraint?: string;
}
