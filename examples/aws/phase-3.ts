/**
 * Phase 3: active-passive with a tested failover. The phase-2 topology plus
 * a Route 53 write route (failover records that follow the Aurora writer)
 * and an ARC Region switch plan, with the Markdown runbook written to
 * cdk.out/runbooks/ and docs/aws/runbooks/.
 *
 * Context (all optional): primaryRegion, replicaRegions, account,
 * hostedZoneId + domainName (an existing public zone, no lookup),
 * appEndpoints (JSON map region → application hostname).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DeploymentMonitoring, FailoverRunbook, GlobalRouter, LadderDeployment, RouterTarget } from '../../lib/aws';
import { exampleAlarmEmails, exampleConfig } from './app';

/** What a phase-3/4 example is made of. */
export interface RoutedExample {
  readonly ladder: LadderDeployment;
  readonly routingStack: Stack;
  readonly router: GlobalRouter;
  readonly runbook: FailoverRunbook;
  /** Dashboard and routed alarms of the deployment. */
  readonly monitoring: DeploymentMonitoring;
}

/** Application endpoints from context, or `app.<region>.<domain>` placeholders. */
export function appEndpoints(app: App, regions: readonly string[], domain: string): { region: string; target: RouterTarget }[] {
  const raw = app.node.tryGetContext('appEndpoints');
  const given: Record<string, string> = typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {});
  return regions.map((region) => ({ region, target: RouterTarget.fromHostname(given[region] ?? `app.${region}.${domain}`) }));
}

/** The hosted zone from context, by id and name (no lookup). */
export function exampleZone(stack: Stack, defaults: { id: string; name: string }): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: stack.node.tryGetContext('hostedZoneId') ?? defaults.id,
    zoneName: stack.node.tryGetContext('domainName') ?? defaults.name,
  });
}

export function buildPhase3(app: App, name = 'Phase3'): RoutedExample {
  const config = exampleConfig(app);
  const ladder = new LadderDeployment(app, name, {
    phase: 3,
    ...config,
    // RTO 15 min, RPO 30 s: checked at synth against the estimate, which
    // counts 10 min for a person to decide (the FailoverRunbook's default
    // decision: 'manual'); on Aurora PostgreSQL the RPO also sets
    // rds.global_db_rpo on the primary.
    primary: { recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 } },
  });
  // Route 53 is global and its health-check metrics live in us-east-1:
  // the routing stack stays there whatever the database regions are.
  const routingStack = new Stack(app, `${name}-Routing`, {
    env: { account: config.account, region: 'us-east-1' },
    description: 'multiregion-constructs phase 3: write route and Region switch plan',
  });
  const zone = exampleZone(routingStack, { id: 'Z0PHASE3EXAMPLE00000', name: 'phase3.example.com' });
  const regions = [ladder.primary.region, ...ladder.replicas.map((r) => r.region)];
  const router = new GlobalRouter(routingStack, 'Router', {
    zone,
    primary: ladder.primary,
    replicas: ladder.replicas,
    endpoints: appEndpoints(app, regions, zone.zoneName),
  });
  const runbook = new FailoverRunbook(routingStack, 'Runbook', {
    primary: ladder.primary,
    replicas: ladder.replicas,
    router,
    // The declared RPO of 30 s sets rds.global_db_rpo: with the one secondary,
    // an impaired eu-west-1 stops writes in us-east-1. Accepted explicitly
    // (an alarm warns at 80% of the bound; the runbook says how to reset it).
    acceptRpoGuardWriteStalls: true,
  });
  // In the routing stack: it deploys after every database stack and holds
  // the health checks and the runbook the dashboard shows.
  const monitoring = new DeploymentMonitoring(routingStack, 'Monitoring', {
    primary: ladder.primary,
    replicas: ladder.replicas,
    router,
    runbook,
    alarmEmails: exampleAlarmEmails(app),
  });
  return { ladder, routingStack, router, runbook, monitoring };
}
