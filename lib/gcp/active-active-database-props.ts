/** The properties of {@link ActiveActiveDatabase} (active-active-database.ts). */
import type { DataResidency } from '../core';
import type { SpannerInstanceConfigDescription } from './private/spanner-configs';

export type { SpannerInstanceConfigDescription } from './private/spanner-configs';

/** Managed autoscaling of a Spanner instance (instead of a fixed `processingUnits`). */
export interface SpannerAutoscaling {
  /** Fewest processing units (multiples of 100 below 1000, of 1000 from 1000 on). */
  readonly minProcessingUnits: number;
  /** Most processing units (same rule), at least `minProcessingUnits`. */
  readonly maxProcessingUnits: number;
  /**
   * High-priority CPU the autoscaler aims at, percent.
   * @default 45 (Google's recommended maximum per region of a multi-region instance)
   */
  readonly highPriorityCpuUtilizationPercent?: number;
  /**
   * Storage utilization the autoscaler aims at, percent.
   * @default 90
   */
  readonly storageUtilizationPercent?: number;
}

/** Properties of {@link ActiveActiveDatabase}. */
export interface ActiveActiveDatabaseProps {
  /** Project of the instance. */
  readonly project: string;
  /**
   * The regions whose clients write, the one with most writes first: the
   * configuration is chosen to serve them (inside `residency`), and the
   * first becomes the default leader unless `defaultLeader` says otherwise.
   * @default [] (then `instanceConfig` is required)
   */
  readonly regions?: readonly string[];
  /**
   * A base multi-region configuration by name (`eur3`, `nam6`, …), instead of
   * choosing one from `regions`. It is still checked against `residency`,
   * `regions` and `defaultLeader`. Create-only: another configuration is a
   * new instance.
   * @default - chosen from `regions` and `residency`
   */
  readonly instanceConfig?: string;
  /**
   * A configuration this release does not list (a newer base configuration, a
   * dual-region one, or a custom one with read-only replicas), described by
   * its regions as `gcloud spanner instance-configs describe` shows them.
   * @default - one of the base configurations this release knows
   */
  readonly customInstanceConfig?: SpannerInstanceConfigDescription;
  /**
   * Which regions may hold a copy of the data. Every region of the
   * configuration (read-write, read-only and witness) must be allowed.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
  /**
   * The database's default leader region, where writes are processed first:
   * the region of most writes. One of the configuration's read-write regions.
   * @default `regions[0]`, else the configuration's default leader
   */
  readonly defaultLeader?: string;
  /**
   * Day two: the default leaders this database had before, oldest first.
   * The leader is set by DDL, and the provider runs only appended DDL in
   * place (any other change of `ddl` recreates the database), so moving the
   * leader appends a statement: put the former leader here and the new one
   * in `defaultLeader`.
   * @default []
   */
  readonly formerDefaultLeaders?: readonly string[];
  /**
   * Instance id, 6–30 lowercase letters, digits and hyphens. Create-only.
   * @default derived from the construct path
   */
  readonly instanceName?: string;
  /**
   * Database id. Create-only.
   * @default 'main'
   */
  readonly databaseName?: string;
  /**
   * SQL dialect of the database. Create-only.
   * @default 'GOOGLE_STANDARD_SQL'
   */
  readonly dialect?: 'GOOGLE_STANDARD_SQL' | 'POSTGRESQL';
  /**
   * Spanner edition. Dual-region and multi-region configurations are Enterprise Plus only
   * (https://cloud.google.com/spanner/docs/editions-overview).
   * @default 'ENTERPRISE_PLUS'
   */
  readonly edition?: 'STANDARD' | 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  /**
   * Fixed compute capacity, processing units (1000 = 1 node). Not with `autoscaling`.
   * @default 1000, unless `autoscaling` is set
   */
  readonly processingUnits?: number;
  /**
   * Managed autoscaling instead of a fixed capacity.
   * @default - a fixed `processingUnits`
   */
  readonly autoscaling?: SpannerAutoscaling;
  /**
   * How far back point-in-time recovery reaches (`version_retention_period`),
   * `1h` to `7d` (e.g. `3d`, `72h`).
   * @default '7d'
   */
  readonly versionRetentionPeriod?: string;
  /**
   * Days each scheduled full backup is kept, 7 (phase 1's minimum) to 366.
   * @default 14
   */
  readonly backupRetentionDays?: number;
  /**
   * When the full backup runs, a cron expression in UTC (Spanner allows every
   * 12 hours, daily, weekly or monthly).
   * @default '0 3 * * *' (daily at 03:00 UTC)
   */
  readonly backupCron?: string;
  /**
   * Customer-managed keys, one per region of the configuration (every
   * read-write, read-only and witness region: "the keys … must fully cover
   * all regions of the database instance configuration"), each in its
   * region. Create-only.
   * @default Google-managed encryption
   */
  readonly encryptionKeyNames?: Readonly<Record<string, string>>;
  /**
   * Deletion protection: the database's drop protection (every interface,
   * and it blocks deleting the instance), Terraform's `deletion_protection`,
   * and `prevent_destroy` on the instance. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Explicitly accept that deleting the database or the instance loses the data.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * Alert when the leader region's high-priority CPU stays above this percentage for 10 minutes.
   * @default 45 (Google's recommended maximum per region of a multi-region instance)
   */
  readonly cpuAlarmThresholdPercent?: number;
  /**
   * Alert when the 99th percentile of commit latency stays above this many
   * milliseconds for 10 minutes. Set it from your measured baseline: a commit
   * waits for a quorum across regions.
   * @default 100
   */
  readonly commitLatencyThresholdMs?: number;
  /**
   * Notification channels (ids) of the alerts.
   * @default [] (incidents only appear in the console)
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Labels on the instance.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Google provider version constraint of this stack.
   * @default '6.50.0'
   */
  readonly providerVersionConstraint?: string;
}
