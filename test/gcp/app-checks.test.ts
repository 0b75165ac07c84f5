/**
 * Issue 18 on Google Cloud:
 * - 18.3: the phase a PrimaryRegion claims is checked across the app at
 *   synth (a validation on the app's root, run by cdktf's App.synth);
 * - 18.6: the props share the AWS construct's names; each former Google
 *   Cloud name still works, with a deprecation warning, and gives the same
 *   Terraform; the FailoverRunbook writes its Markdown runbook at synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import {
  FailoverRunbook, GlobalRouter, GlobalRouterProps, PrimaryRegion, ReadReplicaRegion, RouterTarget,
} from '../../lib/gcp';
import { errorOf, PROJECT, warningsOf } from './helpers';

const endpoints = [
  { region: 'us-central1', target: RouterTarget.fromIpAddress('203.0.113.10') },
  { region: 'europe-west1', target: RouterTarget.fromIpAddress('203.0.113.11') },
];

function deployment(phase: 3 | 4, parts: { router?: Partial<GlobalRouterProps> | false; runbook?: boolean; replica?: boolean } = {}) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-app-checks-')), stackTraces: false });
  const stack = (id: string) => new TerraformStack(app, id);
  const primary = new PrimaryRegion(stack('orders-us-central1'), 'Database', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase, instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n`,
  });
  const replicas = parts.replica === false ? [] : [new ReadReplicaRegion(stack('orders-europe-west1'), 'Database', { primary, region: 'europe-west1' })];
  const router = parts.router === false ? undefined
    : new GlobalRouter(stack('orders-router'), 'Router', { primary, zone: { name: 'zone', dnsName: 'example.com.' }, endpoints, ...parts.router });
  const runbook = parts.runbook === false || replicas.length === 0 ? undefined : new FailoverRunbook(stack('orders-runbook'), 'Runbook', { primary, replicas, router });
  return { app, primary, router, runbook };
}

/** Runs cdktf's App.synth (into a temporary directory) and returns its error, if any. */
function synthError(app: App): string | undefined {
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

describe('18.3: the claimed phase is checked across the app, at synth', () => {
  test('a complete phase 3 and phase 4 deployment synthesizes', () => {
    expect(synthError(deployment(3).app)).toBeUndefined();
    expect(synthError(deployment(4).app)).toBeUndefined();
  });

  test('phase 3 without a FailoverRunbook and without a GlobalRouter: both named, with the fix, in one synth', () => {
    const { app } = deployment(3, { runbook: false, router: false });
    const error = synthError(app);
    expect(error).toContain("PrimaryRegion 'orders-us-central1/Database': phase 3 (active-passive with a tested failover) needs failover automation, but the app has no FailoverRunbook for this primary; add new FailoverRunbook(stack, 'Runbook', { primary, replicas, router }) in a stack outside us-central1, or claim phase: 2");
    expect(error).toContain("PrimaryRegion 'orders-us-central1/Database': phase 3 (active-passive with a tested failover) moves the write route with the database, but the app has no GlobalRouter for this primary; add new GlobalRouter(stack, 'Router', { primary, zone, endpoints }), or claim phase: 2");
  });

  test('phase 4 whose replicas cannot serve reads: no ReadReplicaRegion, or no read route', () => {
    expect(deployment(4, { replica: false, runbook: false }).app.node.validate()).toContain(
      "PrimaryRegion 'orders-us-central1/Database': phase 4 (reads from several regions, writes to one primary) serves reads from replicas, but the app has no ReadReplicaRegion of this primary (replica regions europe-west1); add new ReadReplicaRegion(stack, 'Database', { primary, region }) for europe-west1, or claim phase: 3");
    expect(deployment(4, { router: { readRoute: false } }).app.node.validate()).toEqual([
      "PrimaryRegion 'orders-us-central1/Database': phase 4 (reads from several regions, writes to one primary) serves reads from replicas, but no GlobalRouter of this primary publishes a read record (readRoute: false); remove readRoute: false from the GlobalRouter, or claim phase: 3",
    ]);
  });

  test('phases 1 and 2 need neither', () => {
    const app = new App();
    new PrimaryRegion(new TerraformStack(app, 'S'), 'Database', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
    expect(app.node.validate()).toEqual([]);
  });
});

describe('18.6: the same words as the AWS construct; the former names still work, with a warning', () => {
  function routerJson(props: Partial<GlobalRouterProps>) {
    const stack = new TerraformStack(Testing.app(), 'S');
    const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
    const router = new GlobalRouter(stack, 'Router', { primary, ...props } as GlobalRouterProps);
    return { router, json: Testing.synth(stack) };
  }
  const current: Partial<GlobalRouterProps> = {
    zone: { name: 'zone', dnsName: 'example.com.' }, endpoints, writeRecordName: 'write.p3', readRecordName: 'read.p3', readRoute: true, recordTtlSeconds: 60,
  };
  const reference = routerJson(current);

  test('the new names give no warning', () => {
    expect(warningsOf(reference.router)).toEqual([]);
    expect([reference.router.writeHostname, reference.router.readHostname, reference.router.ttl]).toEqual(['write.p3.example.com.', 'read.p3.example.com.', 60]);
  });

  test.each([
    ['managedZone + zoneDnsName', { zone: undefined, managedZone: 'zone', zoneDnsName: 'example.com.' }, ['managedZone is deprecated; use zone: { name, dnsName }', 'zoneDnsName is deprecated; use zone: { name, dnsName }']],
    ['targets', { endpoints: undefined, targets: [{ region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }] }, ["targets is deprecated; use endpoints: [{ region, target: RouterTarget.fromIpAddress(ip) | RouterTarget.fromInternalLoadBalancer({...}) }]"]],
    ['writeHostname', { writeRecordName: undefined, writeHostname: 'write.p3.example.com.' }, ['writeHostname is deprecated; use writeRecordName (same meaning)']],
    ['readHostname', { readRecordName: undefined, readHostname: 'read.p3.example.com.' }, ['readHostname is deprecated; use readRecordName (same meaning)']],
    ['routeReads', { readRoute: undefined, routeReads: true }, ['routeReads is deprecated; use readRoute (same meaning)']],
    ['ttl', { recordTtlSeconds: undefined, ttl: 60 }, ['ttl is deprecated; use recordTtlSeconds (same meaning)']],
  ])('GlobalRouter %s: the same Terraform, and a deprecation warning', (_name, change, warnings) => {
    const { router, json } = routerJson({ ...current, ...change } as Partial<GlobalRouterProps>);
    expect(json).toBe(reference.json);
    expect(warningsOf(router).map((w) => w.replace(/^GlobalRouter 'S\/Router': /, '').replace(/\. \S+ will be removed in a future major version\.$/, ''))).toEqual(warnings);
  });

  test('an old and a new name with different values is an error naming both', () => {
    expect(errorOf(() => routerJson({ ...current, ttl: 30 }))).toBe(
      "GlobalRouter 'S/Router': ttl 30 and recordTtlSeconds 60 are both set; keep only recordTtlSeconds (ttl is its deprecated name)");
    expect(errorOf(() => routerJson({ ...current, targets: [] }))).toBe("GlobalRouter 'S/Router': targets and endpoints are both set; keep only endpoints (targets is its deprecated name)");
  });

  test('the new names\' own bad input: no zone, no endpoints, an endpoint without an address, a record name outside the zone', () => {
    expect(errorOf(() => routerJson({ endpoints }))).toBe(
      "GlobalRouter 'S/Router': zone is missing; set zone: { name: '<managed zone name>', dnsName: 'example.com.' } (an existing Cloud DNS zone)");
    expect(errorOf(() => routerJson({ zone: current.zone }))).toBe(
      "GlobalRouter 'S/Router': endpoints is missing; give one application endpoint per region: endpoints: [{ region: 'us-central1', target: RouterTarget.fromIpAddress('203.0.113.10') }, ...]");
    expect(errorOf(() => routerJson({ ...current, endpoints: [endpoints[0], { region: 'europe-west1', target: new RouterTarget({}) }] }))).toBe(
      "GlobalRouter 'S/Router': endpoints[1].target has no address; use RouterTarget.fromIpAddress(ip) for a public endpoint or RouterTarget.fromInternalLoadBalancer({...}) for a private one");
    expect(errorOf(() => routerJson({ ...current, writeRecordName: 'write.other.org.' }))).toBe(
      "GlobalRouter 'S/Router': writeRecordName 'write.other.org.' is not inside the zone 'example.com.'; use a name relative to the zone (e.g. 'write'), or one that ends with '.example.com.'");
  });

  test('RouterTarget.fromInternalLoadBalancer', () => {
    const lb = { ipAddress: '10.0.0.5', port: '443', networkUrl: `projects/${PROJECT}/global/networks/n` };
    expect(RouterTarget.fromInternalLoadBalancer(lb)).toMatchObject({ internalLoadBalancer: lb, ipAddress: undefined });
  });

  test('ReadReplicaRegion replicaLagThresholdSeconds → replicationLagAlarmThresholdSeconds', () => {
    const make = (threshold: object) => {
      const stack = new TerraformStack(Testing.app(), 'S');
      const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
      const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1', ...threshold });
      return { replica, json: Testing.synth(stack) };
    };
    const now = make({ replicationLagAlarmThresholdSeconds: 45 });
    const old = make({ replicaLagThresholdSeconds: 45 });
    expect(old.json).toBe(now.json);
    expect(now.replica.replicationLagAlarmThresholdSeconds).toBe(45);
    expect(warningsOf(now.replica)).toEqual([]);
    expect(warningsOf(old.replica)).toEqual(["ReadReplicaRegion 'S/Replica': replicaLagThresholdSeconds is deprecated; use replicationLagAlarmThresholdSeconds (same meaning). replicaLagThresholdSeconds will be removed in a future major version."]);
  });

  test('FailoverRunbook replica → replicas (and standbyRegion)', () => {
    const build = (props: object) => {
      const app = new App();
      const primary = new PrimaryRegion(new TerraformStack(app, 'P'), 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
      const replica = new ReadReplicaRegion(new TerraformStack(app, 'R'), 'Db', { primary, region: 'europe-west1' });
      const stack = new TerraformStack(app, 'Runbook');
      const runbook = new FailoverRunbook(stack, 'Runbook', { primary, workflowName: 'orders-failover', ...(props as object), ...('replica' in props ? { replica } : { replicas: [replica] }) });
      return { runbook, json: Testing.synth(stack) };
    };
    const now = build({});
    const old = build({ replica: true });
    expect(old.json).toBe(now.json);
    expect(old.runbook.markdown).toBe(now.runbook.markdown);
    expect(warningsOf(now.runbook)).toEqual([]);
    expect(warningsOf(old.runbook)).toEqual(["FailoverRunbook 'Runbook/Runbook': replica is deprecated; use replicas: [replica] (and standbyRegion to choose the default target). replica will be removed in a future major version."]);
  });
});

describe('18.6: the FailoverRunbook writes its own runbook, as the AWS construct does', () => {
  test('at synth, <outdir>/runbooks/<workflow name>.md, rendered then; writeRunbook: false writes nothing', () => {
    for (const writeRunbook of [true, false]) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-runbook-'));
      try {
        const app = new App({ outdir, stackTraces: false });
        const primary = new PrimaryRegion(new TerraformStack(app, 'P'), 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
        const replica = new ReadReplicaRegion(new TerraformStack(app, 'R'), 'Db', { primary, region: 'europe-west1' });
        const router = new GlobalRouter(new TerraformStack(app, 'Router'), 'Router', { primary, zone: { name: 'zone', dnsName: 'example.com.' }, endpoints });
        const runbook = new FailoverRunbook(new TerraformStack(app, 'Runbook'), 'Runbook', { primary, replicas: [replica], router, workflowName: 'orders-failover', writeRunbook });
        app.synth();
        const file = path.join(outdir, 'runbooks', 'orders-failover.md');
        expect([writeRunbook, fs.existsSync(file)]).toEqual([writeRunbook, writeRunbook]);
        if (writeRunbook) expect(fs.readFileSync(file, 'utf8')).toBe(runbook.markdown);
        expect(runbook.runbookFileName).toBe('orders-failover.md');
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
  });
});
