import { Duration } from 'aws-cdk-lib';
import { ConfigProblem, RecoveryInputs, RecoveryVocabulary, show, SourcedDuration } from '../../core';
import { AUTOMATIC_DECISION_SECONDS } from './decision';
import { alarmFlipSeconds, ROUTE53_ALARM_CHECK_SECONDS, WRITER_ALARM } from './writer-signal';

/**
 * AWS figures behind the recovery estimate, each with its source.
 *
 * Aurora's own words (Using switchover or failover in Amazon Aurora Global
 * Database): "For Aurora Global Database, RTO can be in the order of
 * minutes" and "For an Aurora global database, RPO is typically measured in
 * seconds"; a switchover "synchronizes secondary DB clusters with the primary
 * before making any other changes, RPO is 0".
 */
export const AURORA_DR_DOC = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html';
/** rds.global_db_rpo: Aurora PostgreSQL only, 20 to 2,147,483,647 seconds, set on the primary's cluster parameter group. */
export const GLOBAL_DB_RPO_DOC = 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery';
export const GLOBAL_DB_RPO_MIN_SECONDS = 20;
export const GLOBAL_DB_RPO_MAX_SECONDS = 2_147_483_647;
/** Route 53 health checks: interval 10 or 30 s, failure threshold 1–10, at least 3 checker regions. */
export const ROUTE53_HEALTH_CHECK_DOC = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html';
/** Route 53 health-check metrics are published in us-east-1 only. */
export const ROUTE53_METRICS_DOC = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html';

/** "In the order of minutes": planned as 2 minutes for either operation. */
export const AURORA_FAILOVER: SourcedDuration = {
  seconds: 120,
  description: 'Aurora promotes the standby (failover, "in the order of minutes": planned as 2 min)',
  source: AURORA_DR_DOC,
};
export const AURORA_SWITCHOVER: SourcedDuration = {
  seconds: 120,
  description: 'Aurora synchronises and promotes the standby (switchover, planned as 2 min)',
  source: AURORA_DR_DOC,
};
/** "Typically measured in seconds": planned as 5 s. */
export const AURORA_TYPICAL_LAG_SECONDS = 5;

/** How AWS users name the settings the estimate depends on. */
export const AWS_RECOVERY_WORDS: RecoveryVocabulary = {
  interval: 'healthCheck.interval',
  intervalValue: (s) => `Duration.seconds(${s})`,
  allowedIntervals: [10, 30],
  failureThreshold: 'healthCheck.failureThreshold',
  minFailureThreshold: 1,
  dnsTtl: 'recordTtl',
  ttlValue: (s) => `Duration.seconds(${s})`,
  minTtlSeconds: 5,
  enforceRpo: `on Aurora PostgreSQL set recoveryObjectives.rpoSeconds to ${GLOBAL_DB_RPO_MIN_SECONDS} or more so rds.global_db_rpo enforces it`,
  decisionFix: (s) => `lower decisionTime to Duration.seconds(${s}) if your on-call reliably decides that fast, or set decision: 'automatic' with automaticFailoverAllowsDataLoss: true (the alarm decides in ${AUTOMATIC_DECISION_SECONDS} s)`,
  minDecisionSeconds: AUTOMATIC_DECISION_SECONDS,
};

/** Health-check settings the router uses. */
export interface HealthCheckSettings {
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly regions?: readonly string[];
  readonly path: string;
}

/** Route 53 checker regions (the values the HealthCheck Regions property accepts). */
export const ROUTE53_CHECKER_REGIONS = [
  'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1',
];

/**
 * Regions a CLOUDWATCH_METRIC health check can read an alarm from
 * (AlarmIdentifier.Region valid values,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html).
 */
export const ROUTE53_ALARM_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-central-1', 'eu-central-2', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'ap-east-1', 'me-south-1', 'me-central-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'eu-north-1', 'sa-east-1',
  'cn-northwest-1', 'cn-north-1', 'af-south-1', 'eu-south-1', 'eu-south-2', 'us-gov-west-1', 'us-gov-east-1',
  'us-iso-east-1', 'us-iso-west-1', 'us-isob-east-1', 'ap-southeast-4', 'il-central-1', 'ca-west-1', 'ap-southeast-5',
  'mx-central-1', 'us-isof-south-1', 'us-isof-east-1', 'ap-southeast-7', 'ap-east-2', 'eu-isoe-west-1', 'ap-southeast-6',
  'us-isob-west-1', 'eusc-de-east-1',
];
export const ROUTE53_ALARM_DOC = 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html';

/**
 * The route53 HealthCheck L2 validates none of these, and CloudFormation
 * fails late (at deploy) or not at all; check them at synth.
 */
export function checkHealthCheck(s: HealthCheckSettings, prefix = 'healthCheck'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (s.intervalSeconds !== 10 && s.intervalSeconds !== 30) {
    problems.push({
      property: `${prefix}.interval`,
      message: `${prefix}.interval ${show(s.intervalSeconds)} s is not an interval Route 53 supports (${ROUTE53_HEALTH_CHECK_DOC})`,
      fix: `set ${prefix}.interval to Duration.seconds(10) or Duration.seconds(30)`,
    });
  }
  if (!Number.isInteger(s.failureThreshold) || s.failureThreshold < 1 || s.failureThreshold > 10) {
    problems.push({
      property: `${prefix}.failureThreshold`,
      message: `${prefix}.failureThreshold ${show(s.failureThreshold)} is outside the 1–10 Route 53 allows`,
      fix: `set ${prefix}.failureThreshold to a whole number from 1 to 10 (3 is the default)`,
    });
  }
  if (s.regions !== undefined) {
    if (s.regions.length < 3) {
      problems.push({
        property: `${prefix}.regions`,
        message: `${prefix}.regions lists ${s.regions.length} checker regions; Route 53 needs at least 3`,
        fix: `list 3 or more of ${ROUTE53_CHECKER_REGIONS.join(', ')}, or leave ${prefix}.regions unset to use all of them`,
      });
    }
    const unknown = s.regions.filter((r) => !ROUTE53_CHECKER_REGIONS.includes(r));
    if (unknown.length > 0) {
      problems.push({
        property: `${prefix}.regions`,
        message: `${prefix}.regions ${show(unknown)} ${unknown.length === 1 ? 'is not a' : 'are not'} Route 53 health-checker region${unknown.length === 1 ? '' : 's'}`,
        fix: `choose from ${ROUTE53_CHECKER_REGIONS.join(', ')}`,
      });
    }
  }
  if (!s.path.startsWith('/') || s.path.length > 255) {
    problems.push({
      property: `${prefix}.path`,
      message: `${prefix}.path ${show(s.path)} is not a request path`,
      fix: `use a path starting with '/', at most 255 characters, e.g. '/health'`,
    });
  }
  return problems;
}

/** Recovery inputs from the router's settings and Aurora's figures. */
export function awsRecoveryInputs(opts: {
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly ttlSeconds: number;
  readonly trafficShiftSeconds: number;
  readonly decisionSeconds?: number;
  readonly decisionLabel?: string;
  readonly enforcedRpoSeconds?: number;
  readonly postgres: boolean;
}): RecoveryInputs {
  return {
    detection: { intervalSeconds: opts.intervalSeconds, failureThreshold: opts.failureThreshold },
    decisionSeconds: opts.decisionSeconds ?? 0,
    decisionLabel: opts.decisionLabel,
    switchover: AURORA_SWITCHOVER,
    failover: AURORA_FAILOVER,
    trafficShift: {
      seconds: opts.trafficShiftSeconds,
      description: `the write route follows the new writer: the writer-role alarms flip in ${alarmFlipSeconds(WRITER_ALARM)} s `
        + `(period ${WRITER_ALARM.periodSeconds} s, ${WRITER_ALARM.datapointsToAlarm} of ${WRITER_ALARM.evaluationPeriods} evaluation period, missing data breaching), `
        + `then Route 53 acts on the alarm health checks (${ROUTE53_ALARM_CHECK_SECONDS} s, an assumption: AWS publishes no figure)`,
      source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation',
    },
    dnsTtlSeconds: opts.ttlSeconds,
    replication: {
      typicalLagSeconds: AURORA_TYPICAL_LAG_SECONDS,
      source: AURORA_DR_DOC,
      enforcedBoundSeconds: opts.enforcedRpoSeconds,
      minimumEnforceableSeconds: opts.postgres ? GLOBAL_DB_RPO_MIN_SECONDS : undefined,
    },
  };
}

/** Whole seconds of a Duration. */
export function wholeSeconds(d: Duration): number {
  return d.toSeconds();
}
