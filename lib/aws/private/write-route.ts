import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ProblemSource, throwIfProblems } from '../../core';
import { createWriterAlarm, writerAlarmName } from './writer-signal';

export interface WriteRouteChecksInput {
  /** The router (health checks are its children). */
  readonly router: Construct;
  readonly source: ProblemSource;
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  /** The database construct of each region (its writer alarm goes there). */
  readonly dbScopes: ReadonlyMap<string, Construct>;
  readonly clusterIdentifierIn: (region: string) => string;
  /** The endpoint health check of each region. */
  readonly endpointChecks: Readonly<Record<string, route53.IHealthCheck>>;
  /** Health check of the plan's Route 53 block, per region (only the primary's is used). */
  readonly regionSwitchHealthCheckIds?: Readonly<Record<string, string>>;
}

export interface WriteRouteChecks {
  /** The (non-inverted) writer-role check of the primary and the standby. */
  readonly writerChecks: Record<string, route53.IHealthCheck>;
  /** The health check each write record carries. */
  readonly recordChecks: Record<string, route53.IHealthCheck>;
  /** The children of the PRIMARY record's calculated check (the record is healthy while every one is). */
  readonly primaryChildren: route53.IHealthCheck[];
  /** The PRIMARY record's calculated check. */
  readonly primaryCheck: route53.HealthCheck;
}

/**
 * The health checks of the write route.
 *
 * - PRIMARY record: a CALCULATED check needing every child healthy: the
 *   primary's endpoint, the primary's writer check, the standby's writer
 *   check INVERTED, and (region-switch engine) the primary's Region switch
 *   check. So the PRIMARY answers only while the primary region's application
 *   is up, the writer is there and not in the standby, and the plan has not
 *   deactivated the primary.
 * - SECONDARY record: the standby's endpoint check only. An application
 *   outage in the primary region, a writer in the standby, or an executed
 *   plan makes the PRIMARY unhealthy and writes go to the standby's
 *   application (which reaches the writer through the global writer
 *   endpoint). When both records are unhealthy Route 53 answers the PRIMARY,
 *   so nothing that is unhealthy in steady state may gate the SECONDARY: the
 *   Region switch check of the standby region is unhealthy whenever the plan
 *   has the primary active, and is therefore not attached.
 *
 * The standby's inverted writer check is what makes the route decision
 * visible from the standby region: once its own writer alarm is OK the
 * PRIMARY is unhealthy whatever the primary region's alarm still says, so a
 * state machine there can check the route with a call in its own region.
 */
export function createWriteRouteChecks(i: WriteRouteChecksInput): WriteRouteChecks {
  const stack = Stack.of(i.router);
  const writerChecks: Record<string, route53.IHealthCheck> = {};
  for (const region of [i.primaryRegion, i.standbyRegion]) {
    // The writer-role alarm lives in the database's own region (its metric is regional).
    const dbScope = i.dbScopes.get(region)!;
    createWriterAlarm(dbScope, 'WriterAlarm', i.clusterIdentifierIn(region));
    const dbStack = Stack.of(dbScope);
    if (dbStack !== stack) {
      if (dbStack.dependencies.includes(stack)) {
        throwIfProblems(i.source, [{
          property: 'scope',
          message: `the router's stack '${stack.stackName}' must deploy after the database stack '${dbStack.stackName}' (its writer alarm), but that stack already depends on it`,
          fix: "put the GlobalRouter in a stack of its own, e.g. new Stack(app, 'Routing', { env: { region: 'us-east-1' } })",
        }]);
      }
      stack.addStackDependency(dbStack, `the writer alarm of ${region} must exist before its Route 53 health check`);
    }
    writerChecks[region] = new route53.HealthCheck(i.router, `WriterHealthCheck-${region}`, {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { region, name: writerAlarmName(i.clusterIdentifierIn(region)) },
      // Region unreachable = no data = not the writer.
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
    });
  }
  // Healthy while the standby does NOT hold the writer. Inverted applies to
  // the status the check would otherwise have, including the insufficient-data
  // status: a standby region Route 53 cannot read counts as "not the writer",
  // so an outage of the standby never takes writes away from the primary.
  const standbyNotWriter = new route53.HealthCheck(i.router, `StandbyNotWriterHealthCheck-${i.standbyRegion}`, {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { region: i.standbyRegion, name: writerAlarmName(i.clusterIdentifierIn(i.standbyRegion)) },
    insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.UNHEALTHY,
    inverted: true,
  });
  const children: route53.IHealthCheck[] = [i.endpointChecks[i.primaryRegion], writerChecks[i.primaryRegion], standbyNotWriter];
  const arcId = i.regionSwitchHealthCheckIds?.[i.primaryRegion];
  if (arcId) children.push(route53.HealthCheck.fromHealthCheckId(i.router, `RegionSwitchHealthCheck-${i.primaryRegion}`, arcId));
  const primaryCheck = new route53.HealthCheck(i.router, `WriteHealthCheck-${i.primaryRegion}`, {
    type: route53.HealthCheckType.CALCULATED,
    childHealthChecks: children,
    healthThreshold: children.length,
  });
  return {
    writerChecks,
    recordChecks: { [i.primaryRegion]: primaryCheck, [i.standbyRegion]: i.endpointChecks[i.standbyRegion] },
    primaryChildren: children,
    primaryCheck,
  };
}
