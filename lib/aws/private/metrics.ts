import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** Options for the global-database lag metrics. */
export interface GlobalLagMetricOptions {
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
  /** @default 'Maximum' */
  readonly statistic?: string;
}

/**
 * Aurora global database lag metrics have no CDK helper. Both are published
 * in AWS/RDS per secondary cluster (dimension DBClusterIdentifier), in the
 * secondary's region, in milliseconds.
 */
export function globalLagMetric(
  metricName: 'AuroraGlobalDBReplicationLag' | 'AuroraGlobalDBRPOLag',
  clusterIdentifier: string,
  region: string | undefined,
  options: GlobalLagMetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/RDS',
    metricName,
    dimensionsMap: { DBClusterIdentifier: clusterIdentifier },
    statistic: options.statistic ?? 'Maximum',
    period: options.period ?? Duration.minutes(1),
    unit: cloudwatch.Unit.MILLISECONDS,
    region,
  });
}

/**
 * The replication-lag alarm every region that can be a secondary has:
 * `AuroraGlobalDBReplicationLag` above `threshold` for 3 of 5 minutes,
 * missing data left as it is (the region that writes publishes none).
 */
export function createReplicationLagAlarm(scope: Construct, metric: cloudwatch.Metric, threshold: Duration, description: string): cloudwatch.Alarm {
  return metric.createAlarm(scope, 'ReplicationLagAlarm', {
    alarmDescription: description,
    threshold: threshold.toMilliseconds(),
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
  });
}
