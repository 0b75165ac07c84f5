import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

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
