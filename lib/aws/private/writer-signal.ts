import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** How an alarm evaluates, in the terms its flip time depends on. */
export interface AlarmEvaluation {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** The writer-role alarm's evaluation; the estimate's traffic-shift stretch derives from it. */
export const WRITER_ALARM: AlarmEvaluation = {
  periodSeconds: 60,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: cloudwatch.TreatMissingData.BREACHING,
};

/**
 * Time for Route 53 to act on an alarm's new state once CloudWatch has set
 * it. Route 53 reads the alarm's data stream and publishes no figure for
 * this; planned as 30 s (an assumption, to measure in the first drill).
 */
export const ROUTE53_ALARM_CHECK_SECONDS = 30;

/**
 * Worst-case seconds for an "M of N" alarm to flip both ways once its metric
 * changes: into ALARM takes M breaching periods, back to OK takes
 * N − M + 1 periods that do not breach
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation).
 * A writer signal flips into ALARM only through missing data (the region
 * stops publishing WRITER data points), so missing data must count as
 * breaching; with any other treatment the alarm keeps its state and the
 * route never follows: `undefined`.
 */
export function alarmFlipSeconds(a: AlarmEvaluation): number | undefined {
  if (a.treatMissingData !== cloudwatch.TreatMissingData.BREACHING) return undefined;
  return Math.max(a.datapointsToAlarm, a.evaluationPeriods - a.datapointsToAlarm + 1) * a.periodSeconds;
}

/**
 * Time for the write route to follow a new writer: the writer-role alarms
 * flip (their real evaluation, above), then Route 53 acts on the alarm
 * health check (assumption, above). The DNS TTL is its own stretch.
 */
export const WRITER_SIGNAL_SHIFT_SECONDS = alarmFlipSeconds(WRITER_ALARM)! + ROUTE53_ALARM_CHECK_SECONDS;

/** Deterministic name, so a health check in another region can refer to it without a cross-region reference. */
export function writerAlarmName(clusterIdentifier: string): string {
  return `${clusterIdentifier}-not-writer`;
}

/**
 * What a failover state machine in one region can check to know that the
 * write route answers with that region (see {@link GlobalRouter}: the
 * PRIMARY record needs the primary's writer alarm OK and the standby's
 * ALARM; the SECONDARY answers when the PRIMARY is unhealthy).
 */
export interface WriteRouteSignal {
  /** This region's writer alarm, which must be OK. */
  readonly localAlarm: string;
  /**
   * An alarm in another region that must also be in ALARM for the route to
   * answer here. A state machine calls only its own region, so it cannot
   * read it: it waits `withinSeconds` (the alarm's flip time plus Route 53),
   * and the runbook checks it.
   */
  readonly remote?: { readonly alarm: string; readonly region: string; readonly withinSeconds: number };
}

/**
 * The signal for `region`, or undefined when the region has no write record
 * (writes then reach it through the standby's application and the global
 * writer endpoint).
 *
 * - standby: its own writer alarm OK makes the PRIMARY record unhealthy (the
 *   PRIMARY carries the standby's writer check, inverted), so the route
 *   answers the standby: checkable in the standby region.
 * - primary: its own writer alarm OK, and the standby's writer alarm in
 *   ALARM (the writer left it): the second part is in the standby's region.
 */
export function writeRouteSignal(
  region: string, primaryRegion: string, standbyRegion: string, clusterIdentifierIn: (r: string) => string,
): WriteRouteSignal | undefined {
  if (region === standbyRegion) return { localAlarm: writerAlarmName(clusterIdentifierIn(region)) };
  if (region === primaryRegion) {
    return {
      localAlarm: writerAlarmName(clusterIdentifierIn(region)),
      remote: { alarm: writerAlarmName(clusterIdentifierIn(standbyRegion)), region: standbyRegion, withinSeconds: WRITER_SIGNAL_SHIFT_SECONDS },
    };
  }
  return undefined;
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
    period: Duration.seconds(WRITER_ALARM.periodSeconds),
    region: Stack.of(scope).region,
  });
  return new cloudwatch.Alarm(scope, id, {
    alarmName: writerAlarmName(clusterIdentifier),
    alarmDescription: `OK while ${clusterIdentifier} holds the Aurora global writer; the Route 53 write route follows it`,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: WRITER_ALARM.evaluationPeriods,
    datapointsToAlarm: WRITER_ALARM.datapointsToAlarm,
    treatMissingData: WRITER_ALARM.treatMissingData,
  });
}
