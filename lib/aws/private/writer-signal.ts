import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** Period of the writer-role alarm; the estimate's traffic-shift time derives from it. */
export const WRITER_ALARM_PERIOD_SECONDS = 60;
/**
 * Time for the write route to follow a new writer: one alarm period for the
 * metric to appear (or stop), plus up to 30 s for Route 53 to read the
 * alarm's data stream (an assumption; Route 53 does not publish a figure).
 */
export const WRITER_SIGNAL_SHIFT_SECONDS = WRITER_ALARM_PERIOD_SECONDS + 30;

/** Deterministic name, so a health check in another region can refer to it without a cross-region reference. */
export function writerAlarmName(clusterIdentifier: string): string {
  return `${clusterIdentifier}-not-writer`;
}

/**
 * An alarm, in the cluster's own region, that is OK while that region's
 * Aurora cluster holds the global writer and ALARM otherwise.
 *
 * Aurora publishes instance metrics aggregated by `DBClusterIdentifier` and
 * `Role` (WRITER/READER) and recommends alarming on the role metrics because
 * "Aurora DB instance roles can change roles over time"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html).
 * A global secondary has no WRITER instance, so `CPUUtilization` with
 * Role=WRITER has data points only in the region that holds the writer;
 * missing data is breaching. A Route 53 CLOUDWATCH_METRIC health check on this
 * alarm therefore turns healthy in the new region and unhealthy in the old one
 * when Aurora moves the writer — by the runbook, by the CLI, by anyone — with
 * no DNS record edit and no Route 53 control-plane call.
 */
export function createWriterAlarm(scope: Construct, id: string, clusterIdentifier: string): cloudwatch.Alarm {
  const metric = new cloudwatch.Metric({
    namespace: 'AWS/RDS',
    metricName: 'CPUUtilization',
    dimensionsMap: { DBClusterIdentifier: clusterIdentifier, Role: 'WRITER' },
    statistic: cloudwatch.Stats.SAMPLE_COUNT,
    period: Duration.seconds(WRITER_ALARM_PERIOD_SECONDS),
    region: Stack.of(scope).region,
  });
  return new cloudwatch.Alarm(scope, id, {
    alarmName: writerAlarmName(clusterIdentifier),
    alarmDescription: `OK while ${clusterIdentifier} holds the Aurora global writer; the Route 53 write route follows it`,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}
