import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { GlobalRouter } from '../global-router';
import type { MonitoredRegion } from './dashboard-widgets';

/** How long the writer-role signal may be absent in the configured writer region before "writer missing". */
export const WRITER_MISSING_MINUTES = 3;

export interface RegionDegradedInput {
  readonly monitoringStack: Stack;
  readonly deployment: string;
  readonly regions: readonly MonitoredRegion[];
  readonly router?: GlobalRouter;
}

/** The composite alarm's deterministic name. */
export function regionDegradedName(deployment: string, region: string): string {
  return `${deployment}-${region}-degraded`;
}

/**
 * "Region R degraded" for every region: ALARM when R's endpoint fails its
 * health check, OR replication into R lags over the threshold, OR R's cluster
 * neither holds the writer role nor replicates (writer missing). Nothing in
 * it depends on which region writes, so a switchover changes no alarm.
 *
 * A composite alarm can only watch alarms of its own account and Region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html),
 * and Route 53 publishes health-check metrics only in us-east-1: so the
 * composite of a region lives in that region — in the monitoring stack for
 * the monitoring stack's region (where the router's health-check alarms are),
 * in the region's database stack elsewhere — and the endpoint's health check
 * joins the composite only in the router's region. Elsewhere the health-check
 * alarm notifies on its own, from us-east-1.
 */
export function createRegionDegradedAlarms(i: RegionDegradedInput): Record<string, cloudwatch.CompositeAlarm> {
  const out: Record<string, cloudwatch.CompositeAlarm> = {};
  const routerHere = i.router && Stack.of(i.router) === i.monitoringStack;
  for (const r of i.regions) {
    const dbStack = Stack.of(r.db);
    const home = r.region === i.monitoringStack.region ? i.monitoringStack : dbStack;
    const scope = new Construct(home, `RegionHealth-${r.region}`);
    const rules: cloudwatch.IAlarmRule[] = [];
    const parts: string[] = [];

    const health = routerHere && home === i.monitoringStack ? i.router!.healthCheckAlarms[r.region] : undefined;
    if (health) {
      rules.push(health);
      parts.push(`the endpoint's Route 53 health check fails (${i.router!.endpointHostnames[r.region]})`);
    }
    const ownLag = home === dbStack ? r.db.replicationLagAlarm : undefined;
    const lagMetric = r.lagMetric;
    if (ownLag) {
      rules.push(ownLag);
    } else if (lagMetric) {
      rules.push(lagMetric.createAlarm(scope, 'LagAlarm', {
        alarmDescription: `Replication lag into ${r.db.clusterIdentifier} is over ${r.lagThreshold.toSeconds()} s (part of "${regionDegradedName(i.deployment, r.region)}")`,
        threshold: r.lagThreshold.toMilliseconds(),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      }));
    }
    if (ownLag || lagMetric) parts.push(`replication into ${r.region} lags over ${r.lagThreshold.toSeconds()} s`);
    // Role-free (the same alarm whichever region writes): a cluster either
    // holds the writer role (writer-role data points) or replicates
    // (AuroraGlobalDBReplicationLag data points); neither for a few minutes
    // means no writer here and no replication either.
    const role = new cloudwatch.MathExpression({
      expression: lagMetric ? 'FILL(w, 0) + FILL(l, 0)' : 'FILL(w, 0)',
      usingMetrics: {
        w: r.db.metricWriterRole({ period: Duration.minutes(1) }),
        ...(lagMetric ? { l: lagMetric.with({ statistic: cloudwatch.Stats.SAMPLE_COUNT, period: Duration.minutes(1) }) } : {}),
      },
      period: Duration.minutes(1),
      label: `writer-role or replication data points in ${r.region}`,
    });
    rules.push(role.createAlarm(scope, 'WriterMissingAlarm', {
      alarmName: `${r.db.clusterIdentifier}-no-writer-no-replication`,
      alarmDescription: `${r.db.clusterIdentifier} has for ${WRITER_MISSING_MINUTES} minutes neither held the writer role nor reported replication lag: if ${r.region} should write, writes fail (no writer); if it is a secondary, replication into it stopped`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: WRITER_MISSING_MINUTES,
      datapointsToAlarm: WRITER_MISSING_MINUTES,
      // The signal is the presence of data points: none means neither role.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }));
    parts.push(`the cluster in ${r.region} neither writes nor replicates (writer missing)`);
    if (rules.length === 0) continue;
    out[r.region] = new cloudwatch.CompositeAlarm(scope, 'RegionDegraded', {
      compositeAlarmName: regionDegradedName(i.deployment, r.region),
      alarmDescription: `Region ${r.region} of ${i.deployment} is degraded: ${parts.join(', or ')}.`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...rules),
    });
  }
  return out;
}
