/**
 * Issue 18 item 3 (AWS): a claimed phase is checked across the app at synth.
 * Phase 3 needs a GlobalRouter and a FailoverRunbook for the database,
 * phase 4 also a replica region that serves reads through the read route.
 * The check is a validation on the App (or Stage), so synth reports it with
 * every other problem, once every construct exists.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverRunbook, GlobalRouter, LadderDeployment, RouterTarget } from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf, topo } from './helpers';

const ZONES = { 'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'], 'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], 'ap-southeast-2': ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'] };

/** The lines of a ValidationFailedWithErrors, without the construct-path prefix synth adds. */
function validationErrors(f: () => unknown): string[] {
  return errorOf(f).split('\n').filter((l) => l.trim().startsWith('[')).map((l) => l.trim().replace(/^\[[^\]]*\] /, ''));
}

function ladder(app: App | Stage, phase: 3 | 4, replica: { instances?: number } = {}) {
  return new LadderDeployment(app, 'Orders', {
    phase, account: ACCOUNT, primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], originRegion: 'us-east-1', availabilityZones: ZONES, replica,
  });
}

test('phase 3 with neither a GlobalRouter nor a FailoverRunbook: both named, with the fix', () => {
  const app = new App({ context: contextFile() });
  ladder(app, 3);
  expect(validationErrors(() => app.synth())).toEqual([
    "PrimaryRegion 'Orders-us-east-1/Database': phase 3 (active-passive with a tested failover) moves writes through a write route, but the app has no GlobalRouter for this database; add one, e.g. new GlobalRouter(routingStack, 'Router', { zone, primary, replicas, endpoints }) in a us-east-1 stack, or claim phase 2 until it exists",
    "PrimaryRegion 'Orders-us-east-1/Database': phase 3 (active-passive with a tested failover) needs failover automation, but the app has no FailoverRunbook for this database; add one, e.g. new FailoverRunbook(routingStack, 'Runbook', { primary, replicas, router }), or claim phase 2 until it exists",
  ]);
});

test('phase 3 with a GlobalRouter but no FailoverRunbook', () => {
  const t = topo({ phase: 3 });
  new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  expect(validationErrors(() => t.app.synth())).toEqual([
    expect.stringMatching(/^PrimaryRegion 'Primary\/Database': phase 3 \(active-passive with a tested failover\) needs failover automation, but the app has no FailoverRunbook for this database; /),
  ]);
});

test('phase 3 complete: router and runbook, no complaint', () => {
  const t = topo({ phase: 3 });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, writeRunbook: false });
  expect(() => t.app.synth()).not.toThrow();
});

test('phase 4 whose replicas are all headless: no region but the writer can serve reads', () => {
  const app = new App({ context: contextFile() });
  ladder(app, 4, { instances: 0 });
  expect(validationErrors(() => app.synth())).toContain(
    "PrimaryRegion 'Orders-us-east-1/Database': phase 4 (reads from several regions, writes to one primary) serves reads from replica regions, but every replica region is headless (instances: 0): ['eu-west-1'], so no region but us-east-1 can serve reads; give at least one ReadReplicaRegion instances: 1 or more (and its region an endpoint in the GlobalRouter), or claim phase 3",
  );
});

test('phase 4 with the read route turned off', () => {
  const t = topo({ phase: 4 });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, readRoute: false });
  new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, writeRunbook: false });
  expect(validationErrors(() => t.app.synth())).toEqual([
    "PrimaryRegion 'Primary/Database': phase 4 (reads from several regions, writes to one primary) serves reads from replica regions, but no GlobalRouter of this database has a read route to one ([]); turn the read route on (readRoute: true, the phase-4 default) with a replica region that has instances and an endpoint, or claim phase 3",
  ]);
});

test('the check sees a Stage, not only the App, and constructs in other stacks of it', () => {
  const app = new App({ context: contextFile() });
  const prod = new Stage(app, 'Prod', { env: { account: ACCOUNT } });
  ladder(prod, 3);
  expect(validationErrors(() => app.synth())).toEqual([
    expect.stringMatching(/^PrimaryRegion 'Prod\/Orders-us-east-1\/Database': phase 3 .* but the stage 'Prod' has no GlobalRouter for this database; /),
    expect.stringMatching(/^PrimaryRegion 'Prod\/Orders-us-east-1\/Database': phase 3 .* but the stage 'Prod' has no FailoverRunbook for this database; /),
  ]);
  // The same deployment with its router and runbook in a routing stack of the stage passes.
  const app2 = new App({ context: contextFile() });
  const prod2 = new Stage(app2, 'Prod', { env: { account: ACCOUNT } });
  const l2 = ladder(prod2, 3);
  const routing = new Stack(prod2, 'Routing', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const router = new GlobalRouter(routing, 'Router', {
    zone: route53.HostedZone.fromHostedZoneAttributes(routing, 'Zone', { zoneName: 'example.com', hostedZoneId: 'Z1' }),
    primary: l2.primary,
    replicas: l2.replicas,
    endpoints: ['us-east-1', 'eu-west-1'].map((region) => ({ region, target: RouterTarget.fromHostname(`app.${region}.example.com`) })),
  });
  new FailoverRunbook(routing, 'Runbook', { primary: l2.primary, replicas: l2.replicas, router, writeRunbook: false });
  expect(() => app2.synth()).not.toThrow();
});
