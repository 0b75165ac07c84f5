import { TerraformOutput, TerraformStack } from 'cdktf';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { SpannerBackupSchedule } from '@cdktf/provider-google/lib/spanner-backup-schedule';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { SpannerInstance } from '@cdktf/provider-google/lib/spanner-instance';
import { Construct } from 'constructs';
import {
  activeActiveBlastRadius, CONFLICT_MODELS, ConflictModel, renderConflictModelMarkdown, throwIfMissing, throwIfProblems,
} from '../core';
import type { ActiveActiveDatabaseProps } from './active-active-database-props';
import { deterministicName } from './private/names';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { commitLatencyAlert, leaderCpuAlert, SPANNER_MULTI_REGION_MAX_HIGH_PRIORITY_CPU_PERCENT } from './private/spanner-alerts';
import { configRegions, SpannerInstanceConfigDescription } from './private/spanner-configs';
import { spannerProblems } from './private/spanner-rules';
import { useGoogleProvider } from './provider';

export type { ActiveActiveDatabaseProps, SpannerAutoscaling, SpannerInstanceConfigDescription } from './active-active-database-props';
export { SPANNER_MULTI_REGION_CONFIGS } from './private/spanner-configs';

/**
 * What Spanner's conflict model means for the application, beside core's
 * active-active model (printed by docs/gcp/phase-5.md and {@link ActiveActiveDatabase.conflictModelMarkdown}).
 * https://cloud.google.com/spanner/docs/true-time-external-consistency and
 * https://cloud.google.com/spanner/docs/transactions#rw_transaction_semantics
 */
export const SPANNER_CONFLICT_NOTE = 'On Spanner, read-write transactions are externally consistent (serializable, in commit-timestamp order, as if one after the other in real time): of two transactions that touch the same rows, one waits for the other\'s locks or is aborted (gRPC ABORTED), and the client libraries retry an aborted transaction from its beginning by themselves (runTransaction / run_in_transaction). Code outside those helpers (a raw session, the PostgreSQL interface through PGAdapter) retries on ABORTED / SQLSTATE 40001 itself.';

/**
 * Phase 5, active-active with strong consistency on Google Cloud: a Cloud
 * Spanner instance in a multi-region configuration (chosen from the regions
 * you write from and the data's residency, or named), Enterprise Plus, with
 * a database whose default leader is the region of most writes, point-in-time
 * recovery (version retention, 7 days by default), a daily full backup
 * schedule, drop protection and `prevent_destroy`, optional customer-managed
 * keys in every region, and alerts on the leader region's high-priority CPU
 * and on commit latency. Every region writes; there is nothing to fail over.
 */
export class ActiveActiveDatabase extends Construct {
  /** The Spanner instance (also `node.defaultChild`). */
  public readonly instance: SpannerInstance;
  /** The database. */
  public readonly database: SpannerDatabase;
  /** The daily full backup schedule. */
  public readonly backupSchedule: SpannerBackupSchedule;
  /** The chosen instance configuration and its regions. */
  public readonly instanceConfig: SpannerInstanceConfigDescription;
  /** The database's default leader region. */
  public readonly defaultLeader: string;
  /** Instance id (a plain string). */
  public readonly instanceName: string;
  /** Database id (a plain string). */
  public readonly databaseName: string;
  /** Project. */
  public readonly project: string;
  /** Every region that holds a copy (read-write, read-only and witness). */
  public readonly regions: readonly string[];
  /** The DDL statements of the database: the default leader, oldest first. */
  public readonly ddl: readonly string[];
  /** Alert on the leader region's high-priority CPU. */
  public readonly cpuAlert: MonitoringAlertPolicy;
  /** Alert on the 99th percentile of commit latency. */
  public readonly commitLatencyAlert: MonitoringAlertPolicy;
  /** Notification channels of the alerts. */
  public readonly notificationChannels: readonly string[];

  constructor(scope: Construct, id: string, props: ActiveActiveDatabaseProps) {
    super(scope, id);
    const source = { construct: 'ActiveActiveDatabase', path: this.node.path };
    throwIfMissing(source, props, { project: "the project id, e.g. 'my-project'" });
    const { resolved, problems } = spannerProblems(props, { instanceName: deterministicName(this, 'mrc', 30) });
    throwIfProblems(source, problems);
    const config = resolved.config!;
    const leader = resolved.defaultLeader!;

    this.project = props.project;
    this.instanceConfig = config;
    this.defaultLeader = leader;
    this.instanceName = resolved.instanceName;
    this.databaseName = resolved.databaseName;
    this.regions = configRegions(config).map((r) => r.region);
    this.notificationChannels = [...(props.notificationChannels ?? [])];
    const dialect = props.dialect ?? 'GOOGLE_STANDARD_SQL';
    const protect = resolved.deletionProtection;
    // The provider's default region: the configuration's first read-write
    // region, which no leader move changes (resources here set their own location).
    useGoogleProvider(this, { project: props.project, region: config.readWriteRegions[0], versionConstraint: props.providerVersionConstraint });

    const a = props.autoscaling;
    this.instance = new SpannerInstance(this, 'Instance', {
      project: props.project,
      name: resolved.instanceName,
      displayName: resolved.instanceName,
      config: config.name,
      edition: resolved.edition,
      ...(a ? {
        autoscalingConfig: {
          autoscalingLimits: { minProcessingUnits: a.minProcessingUnits, maxProcessingUnits: a.maxProcessingUnits },
          autoscalingTargets: {
            highPriorityCpuUtilizationPercent: a.highPriorityCpuUtilizationPercent ?? SPANNER_MULTI_REGION_MAX_HIGH_PRIORITY_CPU_PERCENT,
            storageUtilizationPercent: a.storageUtilizationPercent ?? 90,
          },
        },
      } : { processingUnits: props.processingUnits ?? 1000 }),
      // The backup schedule below is explicit; no second, implicit one.
      defaultBackupScheduleType: 'NONE',
      // Deleting the instance never deletes its backups with it.
      forceDestroy: false,
      labels: { ...props.labels },
      // A plan that would destroy the instance (a new configuration or name) fails instead.
      lifecycle: protect ? { preventDestroy: true } : undefined,
    });
    this.node.defaultChild = this.instance;

    // The default leader is database DDL; the provider runs appended DDL in
    // place and recreates the database for any other change, so a leader
    // move appends (formerDefaultLeaders keeps the statements already run).
    const leaders = [...(props.formerDefaultLeaders ?? []), leader];
    this.ddl = leaders.map((l) => leaderDdl(resolved.databaseName, l, dialect));
    const keys = props.encryptionKeyNames ? this.regions.map((r) => props.encryptionKeyNames![r]) : undefined;
    this.database = new SpannerDatabase(this, 'Database', {
      project: props.project,
      instance: this.instance.name,
      name: resolved.databaseName,
      databaseDialect: dialect,
      ddl: [...this.ddl],
      versionRetentionPeriod: resolved.versionRetentionPeriod,
      // Drop protection holds in every interface and also blocks deleting the instance.
      enableDropProtection: protect,
      deletionProtection: protect,
      encryptionConfig: keys ? { kmsKeyNames: keys } : undefined,
    });

    this.backupSchedule = new SpannerBackupSchedule(this, 'BackupSchedule', {
      project: props.project,
      instance: this.instance.name,
      database: this.database.name,
      name: `${resolved.databaseName}-full-daily`.replace(/_/g, '-').slice(0, 60),
      retentionDuration: `${resolved.backupRetentionDays * 86400}s`,
      spec: { cronSpec: { text: resolved.backupCron } },
      fullBackupSpec: {},
      encryptionConfig: { encryptionType: 'USE_DATABASE_ENCRYPTION' },
    });

    this.cpuAlert = leaderCpuAlert(this, 'LeaderCpuAlert', {
      project: props.project,
      instanceName: resolved.instanceName,
      leaderRegion: leader,
      thresholdPercent: props.cpuAlarmThresholdPercent ?? SPANNER_MULTI_REGION_MAX_HIGH_PRIORITY_CPU_PERCENT,
      notificationChannels: this.notificationChannels,
    });
    this.commitLatencyAlert = commitLatencyAlert(this, 'CommitLatencyAlert', {
      project: props.project,
      instanceName: resolved.instanceName,
      databaseName: resolved.databaseName,
      leaderRegion: leader,
      thresholdMs: props.commitLatencyThresholdMs ?? 100,
      notificationChannels: this.notificationChannels,
    });

    dependOnServices(this, requireServices(this, props.project, [GCP_SERVICES.spanner, GCP_SERVICES.monitoring]));
    new TerraformOutput(this, 'InstanceConfig', { value: config.name, description: `Spanner configuration: ${this.regions.join(', ')}` });
    new TerraformOutput(this, 'DatabasePath', {
      value: `projects/${props.project}/instances/${resolved.instanceName}/databases/${resolved.databaseName}`,
      description: `Spanner database, default leader ${leader}`,
    });
  }

  /** The conflict model of this mode (core's active-active model). */
  public get conflictModel(): ConflictModel {
    return CONFLICT_MODELS['active-active'];
  }

  /** The conflict model as Markdown, with what it means on Spanner. */
  public get conflictModelMarkdown(): string {
    return renderConflictModelMarkdown(this.conflictModel, SPANNER_CONFLICT_NOTE);
  }

  /** What the loss of each region of the configuration does (core's active-active blast radius). */
  public blastRadius(): { region: string; effect: string }[] {
    return activeActiveBlastRadius({ writeRegions: this.instanceConfig.readWriteRegions, witnessRegion: this.instanceConfig.witnessRegions?.[0] });
  }

  /** The stack that holds the instance. */
  public get stack(): TerraformStack {
    return TerraformStack.of(this);
  }
}

/**
 * The DDL that sets the default leader. GoogleSQL:
 * `ALTER DATABASE \`db\` SET OPTIONS (default_leader = 'region')`
 * (https://cloud.google.com/spanner/docs/modifying-leader-region);
 * PostgreSQL: `ALTER DATABASE db SET spanner.default_leader = 'region'`
 * (https://cloud.google.com/spanner/docs/reference/postgresql/data-definition-language#alter-database).
 */
export function leaderDdl(database: string, region: string, dialect: 'GOOGLE_STANDARD_SQL' | 'POSTGRESQL'): string {
  return dialect === 'POSTGRESQL'
    ? `ALTER DATABASE "${database}" SET spanner.default_leader = '${region}'`
    : `ALTER DATABASE \`${database}\` SET OPTIONS (default_leader = '${region}')`;
}
