/**
 * Phase 4: reads from every region, writes to one primary. Phase 3 plus a
 * read route (latency records to every region with readers). The failover
 * engine is Step Functions here (context failoverEngine=region-switch for
 * the ARC plan), to show the option for accounts without Region switch.
 */
import { App, Stack } from 'aws-cdk-lib';
import { DeploymentMonitoring, FailoverEngine, FailoverRunbook, GlobalRouter, LadderDeployment } from '../../lib/aws';
import { exampleAlarmEmails, exampleConfig } from './app';
import { appEndpoints, exampleZone, RoutedExample } from './phase-3';

export function buildPhase4(app: App, name = 'Phase4'): RoutedExample {
  const config = exampleConfig(app);
  const ladder = new LadderDeployment(app, name, {
    phase: 4,
    ...config,
    // As phase 3: RTO 15 min with 10 min for a person to decide (decision: 'manual').
    primary: { recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 } },
  });
  const routingStack = new Stack(app, `${name}-Routing`, {
    env: { account: config.account, region: 'us-east-1' },
    description: 'multiregion-constructs phase 4: read and write routes',
  });
  const zone = exampleZone(routingStack, { id: 'Z0PHASE4EXAMPLE00000', name: 'phase4.example.com' });
  const regions = [ladder.primary.region, ...ladder.replicas.map((r) => r.region)];
  const router = new GlobalRouter(routingStack, 'Router', {
    zone,
    primary: ladder.primary,
    replicas: ladder.replicas,
    endpoints: appEndpoints(app, regions, zone.zoneName),
    // readRoute defaults to true in phase 4: latency records to every region with readers.
    // One GraphQL entry point (api.<zone>): queries to the read route, mutations to the write route.
    graphql: {},
  });
  const engine: FailoverEngine = app.node.tryGetContext('failoverEngine') ?? 'stepfunctions';
  const runbook = new FailoverRunbook(routingStack, 'Runbook', {
    primary: ladder.primary,
    replicas: ladder.replicas,
    router,
    // The declared RPO of 30 s sets rds.global_db_rpo: with the one secondary,
    // an impaired eu-west-1 stops writes in us-east-1. Accepted explicitly
    // (an alarm warns at 80% of the bound; the runbook says how to reset it).
    acceptRpoGuardWriteStalls: true,
    engine,
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
