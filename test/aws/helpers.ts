export { errorOf } from '../error-of';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion, RegionEndpoint, RouterTarget } from '../../lib/aws';
import { Phase, RecoveryObjectives } from '../../lib/core';

export const ACCOUNT = '111111111111';

/** A fresh app with one stack per region (AZs come from cdk.context.json). */
export function stacks(...regions: string[]): { app: App; stacks: Stack[] } {
  const app = new App({ context: contextFile() });
  return { app, stacks: regions.map((region) => new Stack(app, `S-${region}`, { env: { account: ACCOUNT, region } })) };
}

/** The committed cdk.context.json, so tests see the same AZs as `cdk synth`. */
export function contextFile(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../cdk.context.json');
}


/** A primary, replicas (instances per region) and a us-east-1 routing stack. */
export interface Topo {
  readonly app: App;
  readonly primary: PrimaryRegion;
  readonly replicas: ReadReplicaRegion[];
  readonly routing: Stack;
  readonly zone: route53.IHostedZone;
  readonly endpoints: RegionEndpoint[];
}

export function topo(opts: {
  phase?: Phase;
  primaryRegion?: string;
  replicas?: Record<string, number>;
  routingRegion?: string;
  recoveryObjectives?: RecoveryObjectives;
  engineVersion?: 'mysql';
  /** The region that holds the writer (a role), default the primary's. */
  writerRegion?: string;
} = {}): Topo {
  const app = new App({ context: contextFile() });
  const primaryRegion = opts.primaryRegion ?? 'us-east-1';
  const replicaSpec = opts.replicas ?? { 'eu-west-1': 1 };
  const pStack = new Stack(app, 'Primary', { env: { account: ACCOUNT, region: primaryRegion } });
  const primary = new PrimaryRegion(pStack, 'Database', {
    replicaRegions: Object.keys(replicaSpec),
    phase: opts.phase ?? 3,
    globalClusterIdentifier: 'orders',
    recoveryObjectives: opts.recoveryObjectives,
    writerRegion: opts.writerRegion,
  });
  const replicas = Object.entries(replicaSpec).map(([region, instances]) =>
    new ReadReplicaRegion(new Stack(app, `Replica-${region}`, { env: { account: ACCOUNT, region } }), 'Database', { primary, instances }));
  const routing = new Stack(app, 'Routing', { env: { account: ACCOUNT, region: opts.routingRegion ?? 'us-east-1' } });
  const zone = route53.HostedZone.fromHostedZoneAttributes(routing, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' });
  const endpoints = [primaryRegion, ...Object.keys(replicaSpec)].map((region) => ({ region, target: RouterTarget.fromHostname(`app.${region}.example.com`) }));
  return { app, primary, replicas, routing, zone, endpoints };
}

/** cdk.json's context (originRegion and the CLI settings), as `cdk synth` sees it, plus cdk.context.json. */
export function exampleContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };
  return { ...cdkJson.context, ...contextFile(), ...extra };
}

/**
 * Phases 3 and 4 need failover automation in the app (checked at synth):
 * a router test that claims them gets a Step Functions FailoverRunbook
 * (its resources are in the database stacks, not the router's), without a
 * Markdown file.
 */
export function completePhase(t: Topo, router: GlobalRouter): GlobalRouter {
  if (t.primary.topology.phase >= 3 && router.standbyRegion) {
    new FailoverRunbook(t.routing, `${router.node.id}Runbook`, {
      primary: t.primary, replicas: t.replicas, router, engine: 'stepfunctions', acceptRpoGuardWriteStalls: true, writeRunbook: false,
    });
  }
  return router;
}
