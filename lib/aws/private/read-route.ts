import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ProblemSource, throwIfProblems } from '../../core';
import type { RegionDatabase } from './region-databases';
import { ROUTE53_ALARM_CHECK_SECONDS } from './writer-signal';

/** How the read-lag alarm evaluates: 2 of 2 one-minute maxima above the threshold. */
export const READ_LAG_ALARM = { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 2 } as const;

/** Deterministic name, so the routing stack's health check can refer to it without a cross-region reference. */
export function readLagAlarmName(clusterIdentifier: string): string {
  return `${clusterIdentifier}-read-lag`;
}

/**
 * The worst staleness a read through the read route can see while the
 * secondaries publish their lag: a region whose lag passes the threshold is
 * still answered until its alarm fires (2 periods, the lag growing meanwhile),
 * Route 53 acts on the alarm check, and clients drop the cached answer (TTL).
 */
export function readStalenessBoundSeconds(thresholdSeconds: number, ttlSeconds: number): number {
  return thresholdSeconds + READ_LAG_ALARM.datapointsToAlarm * READ_LAG_ALARM.periodSeconds + ROUTE53_ALARM_CHECK_SECONDS + ttlSeconds;
}

export interface ReadRouteChecksInput {
  readonly router: Construct;
  readonly source: ProblemSource;
  /** Every region in the read route, whatever its role today. */
  readonly regions: readonly RegionDatabase[];
  /** Threshold per region. */
  readonly thresholds: Readonly<Record<string, Duration>>;
  readonly endpointChecks: Readonly<Record<string, route53.IHealthCheck>>;
}

/**
 * The health check each region's read record carries: a CALCULATED check
 * that needs the region's endpoint check AND a CLOUDWATCH_METRIC check on the
 * region's read-lag alarm (`AuroraGlobalDBReplicationLag`, in the region's
 * own CloudWatch, where a secondary's metric is published). A secondary whose
 * replication falls behind drops out of the read set and comes back when it
 * catches up.
 *
 * Every region gets it, the one that writes today too: roles move with a
 * switchover or a failover, and the read route must bound the staleness of
 * whichever regions are secondaries then, without a deploy. The region that
 * writes publishes no replication lag, and missing data is NOT breaching,
 * deliberately, so its alarm stays OK and its reads (fresh) stay in the
 * route. The price: a secondary whose metric stops (rather than grows) stays
 * in. Insufficient data at the health check keeps the last known status
 * (healthy for a new check), so a gap in CloudWatch neither adds nor removes
 * a region.
 */
export function createReadRouteChecks(i: ReadRouteChecksInput): Record<string, route53.IHealthCheck> {
  const stack = Stack.of(i.router);
  const checks: Record<string, route53.IHealthCheck> = {};
  for (const db of i.regions) {
    const region = db.region;
    const name = readLagAlarmName(db.clusterIdentifier);
    const threshold = i.thresholds[region];
    db.metricReplicationLag({ period: Duration.seconds(READ_LAG_ALARM.periodSeconds) }).createAlarm(db.scope, 'ReadLagAlarm', {
      alarmName: name,
      alarmDescription: `Replication lag into ${db.clusterIdentifier} is above ${threshold.toSeconds()} s: the read route stops answering with ${region} until it catches up`,
      threshold: threshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: READ_LAG_ALARM.evaluationPeriods,
      datapointsToAlarm: READ_LAG_ALARM.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const replicaStack = Stack.of(db.scope);
    if (replicaStack !== stack && replicaStack.dependencies.includes(stack)) {
      throwIfProblems(i.source, [{
        property: 'scope',
        message: `the router's stack '${stack.stackName}' must deploy after the database stack '${replicaStack.stackName}' (its read-lag alarm), but that stack already depends on it`,
        fix: "put the GlobalRouter in a stack of its own, e.g. new Stack(app, 'Routing', { env: { region: 'us-east-1' } })",
      }]);
    }
    if (replicaStack !== stack && !stack.dependencies.includes(replicaStack)) {
      stack.addStackDependency(replicaStack, `the read-lag alarm of ${region} must exist before its Route 53 health check`);
    }
    const lag = new route53.HealthCheck(i.router, `ReadLagHealthCheck-${region}`, {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { region, name },
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
    });
    checks[region] = new route53.HealthCheck(i.router, `ReadHealthCheck-${region}`, {
      type: route53.HealthCheckType.CALCULATED,
      childHealthChecks: [i.endpointChecks[region], lag],
      healthThreshold: 2,
    });
  }
  return checks;
}
