import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { WRITER_ALARM } from './writer-signal';

/** Options of the region metric helpers (`metricCpu()`, `metricConnections()`…). */
export interface RegionMetricOptions {
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
  /** @default the metric's usual statistic (Average, Sum or Maximum) */
  readonly statistic?: string;
  /** @default the metric name and region */
  readonly label?: string;
}

/**
 * Cluster-level Aurora metrics, published in AWS/RDS by `DBClusterIdentifier`
 * in the cluster's own region
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html).
 * The global-database metrics (`AuroraGlobalDB*`) exist only for a cluster
 * while it is a secondary; the region that writes publishes none.
 */
export type AuroraClusterMetricName =
  | 'CPUUtilization'
  | 'DatabaseConnections'
  | 'CommitLatency'
  | 'AuroraGlobalDBReplicatedWriteIO'
  | 'AuroraGlobalDBDataTransferBytes';

const DEFAULTS: Readonly<Record<AuroraClusterMetricName, { statistic: string; unit?: cloudwatch.Unit }>> = {
  CPUUtilization: { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.PERCENT },
  DatabaseConnections: { statistic: cloudwatch.Stats.SUM, unit: cloudwatch.Unit.COUNT },
  CommitLatency: { statistic: cloudwatch.Stats.AVERAGE, unit: cloudwatch.Unit.MILLISECONDS },
  AuroraGlobalDBReplicatedWriteIO: { statistic: cloudwatch.Stats.SUM, unit: cloudwatch.Unit.COUNT },
  AuroraGlobalDBDataTransferBytes: { statistic: cloudwatch.Stats.SUM, unit: cloudwatch.Unit.BYTES },
};

/** One cluster metric in `region` (explicit, so a dashboard in another region shows it). */
export function auroraClusterMetric(
  metricName: AuroraClusterMetricName, clusterIdentifier: string, region: string, options: RegionMetricOptions = {},
): cloudwatch.Metric {
  const d = DEFAULTS[metricName];
  return new cloudwatch.Metric({
    namespace: 'AWS/RDS',
    metricName,
    dimensionsMap: { DBClusterIdentifier: clusterIdentifier },
    statistic: options.statistic ?? d.statistic,
    period: options.period ?? Duration.minutes(1),
    unit: d.unit,
    region,
    label: options.label ?? `${metricName} ${region}`,
  });
}

/**
 * The writer-role signal: data points of `CPUUtilization` with `Role=WRITER`
 * (sample count). 1 or more in a minute where the region holds the global
 * writer, no data elsewhere — the same signal the write route's alarms use
 * (see writer-signal.ts).
 */
export function writerRoleMetric(clusterIdentifier: string, region: string, options: RegionMetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/RDS',
    metricName: 'CPUUtilization',
    dimensionsMap: { DBClusterIdentifier: clusterIdentifier, Role: 'WRITER' },
    statistic: options.statistic ?? cloudwatch.Stats.SAMPLE_COUNT,
    period: options.period ?? Duration.seconds(WRITER_ALARM.periodSeconds),
    region,
    label: options.label ?? `writer in ${region}`,
  });
}

/** Options of the region alarm helpers (`alarmCpu()`, `alarmCommitLatency()`). */
export interface RegionAlarmOptions {
  /** Alarm when the metric is above this (percent for CPU, milliseconds for commit latency). */
  readonly threshold: number;
  /** @default 5 */
  readonly evaluationPeriods?: number;
  /** @default 3 */
  readonly datapointsToAlarm?: number;
  /** @default a description naming the cluster, the metric and the threshold */
  readonly alarmDescription?: string;
  /** @default the helper's metric options */
  readonly metric?: RegionMetricOptions;
}

/** An "above threshold for M of N minutes" alarm on a region metric, with a description. */
export function createRegionAlarm(
  scope: import('constructs').Construct, id: string, metric: cloudwatch.Metric, what: string, options: RegionAlarmOptions,
): cloudwatch.Alarm {
  return metric.createAlarm(scope, id, {
    alarmDescription: options.alarmDescription ?? `${what} is above ${options.threshold}`,
    threshold: options.threshold,
    evaluationPeriods: options.evaluationPeriods ?? 5,
    datapointsToAlarm: options.datapointsToAlarm ?? 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
  });
}
