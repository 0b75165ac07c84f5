/**
 * The cloud figures the configuration is checked and planned with, for the
 * configuration only: lib/config loads neither aws-cdk-lib nor cdktf, and
 * the constructs' own copies live next to them (lib/aws/private/aws-profile.ts,
 * aws-recovery.ts, decision.ts, writer-signal.ts, rpo-guard.ts;
 * lib/gcp/private/gcp-profile.ts, lib/gcp/global-router.ts). Every value
 * here carries the same source as there, and test/config/figures.test.ts
 * checks each one against the construct modules, so the two cannot drift.
 */
import { CloudProfile, SourcedDuration } from '../core';

/** The clouds a configuration file can describe. */
export type Cloud = 'aws' | 'gcp';

/** The clouds, in the order messages list them. */
export const CLOUDS: readonly Cloud[] = ['aws', 'gcp'];

/** How messages name each cloud. */
export const CLOUD_NAMES: Readonly<Record<Cloud, string>> = { aws: 'AWS', gcp: 'Google Cloud' };

// ---------------------------------------------------------------- AWS

/**
 * AWS Regions known to this release: aws-cdk-lib's `RegionInfo.regions`
 * (aws-cdk-lib 2.276.0), which lib/aws/private/aws-profile.ts uses.
 */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1', 'eu-central-1',
  'eu-central-2', 'eu-isoe-west-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eusc-de-east-1', 'il-central-1', 'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1',
  'us-isob-west-1', 'us-isof-east-1', 'us-isof-south-1', 'us-west-1', 'us-west-2',
];

/**
 * AWS region naming and Aurora limits (as lib/aws/private/aws-profile.ts):
 * - up to 10 secondary regions per Aurora global database:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 * - automated backup retention 1–35 days:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.html
 */
export const AWS_CONFIG_PROFILE: CloudProfile = {
  cloud: 'aws',
  regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  regionExample: 'us-east-1',
  knownRegions: AWS_REGIONS,
  maxReplicaRegions: 10,
  maxReplicaRegionsSource:
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html',
  maxBackupRetentionDays: 35,
};

/** Aurora's own words on recovery (lib/aws/private/aws-recovery.ts). */
export const AURORA_DR_DOC = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html';
/** `rds.global_db_rpo`: Aurora PostgreSQL only, 20 s at least. */
export const GLOBAL_DB_RPO_DOC = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery';
/** Route 53 health checks: interval 10 or 30 s, failure threshold 1–10. */
export const ROUTE53_HEALTH_CHECK_DOC = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html';

/** The AWS figures of the estimate and the checks, each as lib/aws uses it. */
export const AWS_FIGURES = {
  /** "In the order of minutes": planned as 2 minutes (AURORA_FAILOVER). */
  failover: {
    seconds: 120,
    description: 'Aurora promotes the standby (failover, "in the order of minutes": planned as 2 min)',
    source: AURORA_DR_DOC,
  } as SourcedDuration,
  /** AURORA_SWITCHOVER. */
  switchover: {
    seconds: 120,
    description: 'Aurora synchronises and promotes the standby (switchover, planned as 2 min)',
    source: AURORA_DR_DOC,
  } as SourcedDuration,
  /** "Typically measured in seconds": planned as 5 s (AURORA_TYPICAL_LAG_SECONDS). */
  typicalLagSeconds: 5,
  /** GLOBAL_DB_RPO_MIN_SECONDS / _MAX_SECONDS. */
  globalDbRpoMinSeconds: 20,
  globalDbRpoMaxSeconds: 2_147_483_647,
  /**
   * The write route follows the new writer (WRITER_SIGNAL_SHIFT_SECONDS): the
   * writer-role alarms flip in 60 s (period 60 s, 1 of 1, missing data
   * breaching), then Route 53 acts on the alarm health checks (30 s, an assumption).
   */
  trafficShift: {
    seconds: 90,
    description: 'the write route follows the new writer: the writer-role alarms flip in 60 s '
      + '(period 60 s, 1 of 1 evaluation period, missing data breaching), '
      + 'then Route 53 acts on the alarm health checks (30 s, an assumption: AWS publishes no figure)',
    source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation',
  } as SourcedDuration,
  /** AUTOMATIC_DECISION_SECONDS: the detection alarm's one 60 s period. */
  automaticDecisionSeconds: 60,
  /** DEFAULT_HUMAN_DECISION: 10 minutes for a person to notice, judge and start. */
  humanDecisionSeconds: 600,
  /** GlobalRouter defaults. */
  healthCheckIntervals: [10, 30] as readonly number[],
  healthCheckIntervalSeconds: 10,
  failureThreshold: 3,
  healthCheckPath: '/health',
  ttlSeconds: 60,
  minTtlSeconds: 5,
  /** ReadReplicaRegion's replicationLagAlarmThreshold default. */
  lagAlarmSeconds: 30,
  /** RPO_LAG_ALARM_SHARE: the RPO lag alarm fires at 80% of the enforced bound. */
  rpoLagAlarmShare: 0.8,
} as const;

// ---------------------------------------------------------------- Google Cloud

/**
 * Google Cloud regions where Cloud SQL runs, as lib/gcp/private/gcp-profile.ts
 * lists them. Source: https://cloud.google.com/sql/docs/postgres/locations
 */
export const GCP_REGIONS: readonly string[] = [
  'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1',
  'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6',
  'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1',
  'us-west1', 'us-west2', 'us-west3', 'us-west4',
];

/**
 * Google Cloud region naming and Cloud SQL limits (as GCP_PROFILE):
 * - 10 read replicas per primary: https://cloud.google.com/sql/docs/postgres/replication
 * - 1 to 365 retained automated backups: https://cloud.google.com/sql/docs/postgres/backup-recovery/backups
 */
export const GCP_CONFIG_PROFILE: CloudProfile = {
  cloud: 'gcp',
  regionPattern: /^[a-z]+-[a-z]+\d{1,2}$/,
  regionExample: 'us-central1',
  knownRegions: GCP_REGIONS,
  maxReplicaRegions: 10,
  maxReplicaRegionsSource: 'https://cloud.google.com/sql/docs/postgres/replication',
  maxBackupRetentionDays: 365,
};

/**
 * Cloud SQL disaster recovery: Google states that a cross-region replica
 * brings RTO and RPO to "minutes rather than hours" and publishes no figure
 * for a promotion or for the replication lag, so the estimate of a Google
 * Cloud deployment is a lower bound (detection, decision, DNS TTL) plus a
 * promotion to measure in a drill.
 */
export const CLOUD_SQL_DR_DOC = 'https://cloud.google.com/sql/docs/postgres/intro-to-cloud-sql-disaster-recovery';

/** Cloud DNS health checks (lib/gcp/global-router.ts). */
export const GCP_HEALTH_CHECK_DOC = 'https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks';

/** The Google Cloud figures, each as lib/gcp uses it. */
export const GCP_FIGURES = {
  /** GlobalRouter: at least 30 s between checks with source regions; 30 s by default. */
  minHealthCheckIntervalSeconds: 30,
  healthCheckIntervalSeconds: 30,
  /** GlobalRouter: unhealthyThreshold default. */
  failureThreshold: 2,
  healthCheckPath: '/healthz',
  /** GlobalRouter: TTL of both records. */
  ttlSeconds: 30,
  /** ReadReplicaRegion: replicaLagThresholdSeconds default. */
  lagAlarmSeconds: 30,
  /** Cloud SQL instance names this library accepts (lib/gcp/private/names.ts). */
  maxInstanceName: 60,
} as const;

/** The profile of a cloud. */
export function profileOf(cloud: Cloud): CloudProfile {
  return cloud === 'aws' ? AWS_CONFIG_PROFILE : GCP_CONFIG_PROFILE;
}
