/**
 * The AWS examples built from their configuration files
 * (examples/config/aws/phase-N.yaml, LadderDeployment.fromFile) are the
 * code-built examples (examples/aws/phase-N.ts), template for template; and
 * fromFile's overrides and refusals.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stringify } from 'yaml';
import { LadderDeployment } from '../../lib/aws';
import { buildExamples, buildFromFile } from '../../examples/aws/app';
import { buildPhase1 } from '../../examples/aws/phase-1';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { buildPhase5 } from '../../examples/aws/phase-5';
import { contextFile } from '../aws/helpers';
import { aws3, Doc, withChanges } from '../config/helpers';
import { errorOf } from '../error-of';

const ROOT = path.join(__dirname, '..', '..');
/** What `cdk synth` gives the app: cdk.json's context and cdk.context.json. */
function cdkApp(extra: Record<string, unknown> = {}): App {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdkJson = require('../../cdk.json') as { context: Record<string, unknown> };
  return new App({ context: { ...cdkJson.context, ...contextFile(), ...extra } });
}

function stacksOf(app: App): Stack[] {
  return app.node.children.filter((c): c is Stack => c instanceof Stack);
}

const CODE_BUILT: Record<number, (app: App) => unknown> = { 1: buildPhase1, 2: buildPhase2, 3: buildPhase3, 4: buildPhase4 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-aws-file-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fileOf(doc: Doc, name = 'multiregion.yaml'): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

describe.each([1, 2, 3, 4])('phase %i: examples/config/aws/phase-N.yaml builds the code-built example', (phase) => {
  test('the same stacks, each with the same template', () => {
    const code = cdkApp();
    CODE_BUILT[phase](code);
    const file = cdkApp();
    buildFromFile(file, path.join(ROOT, 'examples', 'config', 'aws', `phase-${phase}.yaml`));
    const names = stacksOf(code).map((s) => s.stackName);
    expect(stacksOf(file).map((s) => s.stackName)).toEqual(names);
    expect(names).toEqual(phase >= 3
      ? [`Phase${phase}-us-east-1`, `Phase${phase}-eu-west-1`, `Phase${phase}-Routing`]
      : [`Phase${phase}-us-east-1`, ...(phase === 2 ? ['Phase2-eu-west-1'] : [])]);
    for (const [a, b] of stacksOf(code).map((s, i) => [s, stacksOf(file)[i]])) {
      expect({ stack: b.stackName, region: b.region, template: Template.fromStack(b).toJSON() })
        .toEqual({ stack: a.stackName, region: a.region, template: Template.fromStack(a).toJSON() });
    }
  });
});

test('-c config=path builds that file alone; -c phase must agree with it', () => {
  const app = cdkApp({ config: path.join(ROOT, 'examples', 'config', 'aws', 'phase-3.yaml') });
  buildExamples(app);
  expect(stacksOf(app).map((s) => s.stackName)).toEqual(['Phase3-us-east-1', 'Phase3-eu-west-1', 'Phase3-Routing']);
  const mismatch = cdkApp({ config: path.join(ROOT, 'examples', 'config', 'aws', 'phase-3.yaml'), phase: '2' });
  expect(errorOf(() => buildExamples(mismatch))).toMatch(/^Examples 'App': context phase '2' is not the phase of .*phase-3\.yaml \(3\); leave -c phase out with -c config/);
});

test('MULTIREGION_CONFIG=path works like -c config; -c config wins over it', () => {
  const before = process.env.MULTIREGION_CONFIG;
  process.env.MULTIREGION_CONFIG = path.join(ROOT, 'examples', 'config', 'aws', 'phase-1.yaml');
  try {
    const fromEnv = cdkApp();
    buildExamples(fromEnv);
    expect(stacksOf(fromEnv).map((s) => s.stackName)).toEqual(['Phase1-us-east-1']);
    const both = cdkApp({ config: path.join(ROOT, 'examples', 'config', 'aws', 'phase-2.yaml') });
    buildExamples(both);
    expect(stacksOf(both).map((s) => s.stackName)).toEqual(['Phase2-us-east-1', 'Phase2-eu-west-1']);
  } finally {
    if (before === undefined) delete process.env.MULTIREGION_CONFIG;
    else process.env.MULTIREGION_CONFIG = before;
  }
});

test('context keys override the file: a role swap keeps the origin and every stack name', () => {
  const app = cdkApp({ primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1', failoverEngine: 'stepfunctions' });
  const built = LadderDeployment.fromFile(app, fileOf(aws3()));
  expect([built.ladder!.originRegion, built.ladder!.writerRegion]).toEqual(['us-east-1', 'eu-west-1']);
  expect(built.stacks.map((s) => s.stackName)).toEqual(['orders-us-east-1', 'orders-eu-west-1', 'orders-Routing']);
  expect(built.runbook!.engine).toBe('stepfunctions');
  expect(built.ladder!.primary.writerRegion).toBe('eu-west-1');
});

test('the file maps to the constructs: stack prefix, cluster id, headless region, health check, TTL, lag alarm', () => {
  const app = cdkApp();
  const built = LadderDeployment.fromFile(app, fileOf(withChanges(aws3(), {
    stackPrefix: 'Orders',
    phase: 4,
    database: { id: 'orders-db', backupRetention: '21d' },
    replication: { lagAlarm: '10s' },
    regions: [
      { name: 'us-east-1', role: 'primary', endpoint: 'app.us-east-1.example.com', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      { name: 'eu-west-1', role: 'replica', endpoint: 'app.eu-west-1.example.com' },
      { name: 'us-west-2', role: 'headless' },
      { name: 'eu-central-1', role: 'standby', endpoint: 'app.eu-central-1.example.com' },
    ],
    routing: { zone: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', writeName: 'w', readName: 'r', ttl: '30s', healthCheck: { interval: '30s', failureThreshold: 2, path: '/ready' } },
    failover: { engine: 'stepfunctions' },
  })));
  expect(built.stacks.map((s) => s.stackName)).toEqual(['Orders-us-east-1', 'Orders-eu-west-1', 'Orders-us-west-2', 'Orders-eu-central-1', 'Orders-Routing']);
  // The file's standby, not the first replica region.
  expect(built.router!.standbyRegion).toBe('eu-central-1');
  expect(built.ladder!.primary.globalClusterIdentifier).toBe('orders-db');
  expect(built.ladder!.replicas.map((r) => [r.region, r.servesReads])).toEqual([['eu-west-1', true], ['us-west-2', false], ['eu-central-1', true]]);
  expect(built.ladder!.primary.replicationLagThreshold.toSeconds()).toBe(10);
  expect([built.router!.intervalSeconds, built.router!.failureThreshold, built.router!.ttlSeconds]).toEqual([30, 2, 30]);
  expect(built.router!.writeHostname).toBe('w.example.com');
  expect(built.router!.readHostname).toBe('r.example.com');
  const primary = Template.fromStack(built.ladder!.primaryStack);
  primary.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 21 });
  primary.resourceCountIs('AWS::EC2::Subnet', 6); // two zones (from the file) × public, private, isolated
  Template.fromStack(built.routingStack!).hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { ResourcePath: '/ready', RequestInterval: 30, FailureThreshold: 2 } });
});

describe('phase 5: examples/config/aws/phase-5.yaml and phase-5-active-active.yaml build the code-built example', () => {
  test('the same stacks, each with the same template: the partitions (with their monitoring and the GraphQL entry point) and the DSQL ledger', () => {
    const code = cdkApp();
    buildPhase5(code);
    const file = cdkApp();
    const geo = buildFromFile(file, path.join(ROOT, 'examples', 'config', 'aws', 'phase-5.yaml'));
    const ledger = buildFromFile(file, path.join(ROOT, 'examples', 'config', 'aws', 'phase-5-active-active.yaml'));
    const names = stacksOf(code).map((s) => s.stackName);
    expect(names).toEqual([
      'Phase5-us-east-1', 'Phase5-eu-west-1', 'Phase5-Routing', 'Phase5-eu-eu-central-1', 'Phase5-eu-eu-west-1', 'Phase5-eu-Routing',
      'Phase5-Ledger-us-east-1', 'Phase5-Ledger-us-east-2',
    ]);
    expect(stacksOf(file).map((s) => s.stackName)).toEqual(names);
    expect([...geo.stacks, ...ledger.stacks].map((s) => s.stackName)).toEqual(names);
    for (const [a, b] of stacksOf(code).map((s, i) => [s, stacksOf(file)[i]])) {
      expect({ stack: b.stackName, region: b.region, template: Template.fromStack(b).toJSON() })
        .toEqual({ stack: a.stackName, region: a.region, template: Template.fromStack(a).toJSON() });
    }
    // What the file names: the partitions' global clusters, one dashboard per partition, the edge entry point, the witness.
    expect(geo.partitioned!.partitions.map((p) => [p.name, p.primary.globalClusterIdentifier, p.partition.residency?.name])).toEqual([
      ['us', 'phase5-global', undefined], ['eu', 'phase5-eu-global', 'eu_personal_data'],
    ]);
    expect(geo.partitionMonitoring!.map((m) => Stack.of(m).stackName)).toEqual(['Phase5-Routing', 'Phase5-eu-Routing']);
    expect(geo.partitioned!.graphql).toBeDefined();
    expect([ledger.activeActive!.regions, ledger.activeActive!.witnessRegion]).toEqual([['us-east-1', 'us-east-2'], 'us-west-2']);
    expect([geo.ladder, ledger.ladder]).toEqual([undefined, undefined]);
  });
});

describe('phase 5 from a file: what the file says, and its refusals', () => {
  const P5 = path.join(ROOT, 'examples', 'config', 'aws', 'phase-5.yaml');
  const AA = path.join(ROOT, 'examples', 'config', 'aws', 'phase-5-active-active.yaml');
  const edited = (from: string, name: string, edit: (text: string) => string): string => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, edit(fs.readFileSync(from, 'utf8')));
    return file;
  };

  test('the DSQL rules of ActiveActiveDatabase, named after the file\'s keys: a witness that is a peer, a witness of another Region set, three peers, MySQL', () => {
    const peer = edited(AA, 'aa-peer.yaml', (t) => t.replace('witnessRegion: us-west-2', 'witnessRegion: us-east-2'));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), peer))).toBe(
      `LadderDeployment '${peer}': witnessRegion 'us-east-2' is also a peered cluster's Region; the witness must be a third Region, or losing that Region would take a cluster and the quorum vote with it; choose a witness Region other than us-east-1 and us-east-2 in the same Region set (us-west-2)`,
    );
    const far = edited(AA, 'aa-far.yaml', (t) => t.replace('witnessRegion: us-west-2', 'witnessRegion: eu-west-1'));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), far))).toBe(
      `LadderDeployment '${far}': witnessRegion 'eu-west-1' is not in the peers' Region set (US: us-east-1, us-east-2, us-west-2); choose the witness from us-west-2`,
    );
    const three = edited(AA, 'aa-three.yaml', (t) => t.replace('  - name: us-east-2\n    role: primary\n', '  - name: us-east-2\n    role: primary\n  - name: us-west-1\n    role: primary\n'));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), three))).toMatch(/^LadderDeployment '.*aa-three\.yaml': regions \['us-east-1', 'us-east-2', 'us-west-1'\] lists 3 peered clusters, more than the 2 an Aurora DSQL multi-Region cluster has/);
    const mysql = edited(AA, 'aa-mysql.yaml', (t) => `${t}database:\n  engine: mysql\n`);
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), mysql))).toBe(
      `LadderDeployment '${mysql}': database.engine 'mysql': Aurora DSQL is PostgreSQL-compatible only; set database.engine: postgresql (or remove it), or keep MySQL data geo-partitioned (mode: geo-partitioned)`,
    );
  });

  test('a missing witnessRegion or partitionKey is reported at its line and column', () => {
    const noWitness = edited(AA, 'aa-nowitness.yaml', (t) => t.replace(/^witnessRegion:.*\n/m, ''));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), noWitness))).toMatch(
      /^DeploymentConfig '.*aa-nowitness\.yaml': mode is active-active, but witnessRegion is missing: an Aurora DSQL multi-Region cluster needs a witness Region for quorum \(.*aa-nowitness\.yaml:14:7\); set witnessRegion to a third Region/,
    );
    const noKey = edited(P5, 'p5-nokey.yaml', (t) => t.replace(/^  partitionKey:.*\n.*\n.*\n/m, ''));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), noKey))).toMatch(
      /^DeploymentConfig '.*p5-nokey\.yaml': routing\.graphql is true, but routing\.partitionKey is missing: the edge entry point must know where a request names its partition \(.*p5-nokey\.yaml:46:12\); add routing\.partitionKey/,
    );
  });

  test('a region of a partition without an endpoint, in the file\'s words', () => {
    const file = edited(P5, 'p5-noendpoint.yaml', (t) => t.replace('    endpoint: app.eu-west-1.phase5.example.com\n', ''));
    expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), file))).toBe(
      `LadderDeployment '${file}': eu-west-1 has no endpoint, but every region of a partition is in its routes; give eu-west-1 an endpoint (the hostname of the application there, e.g. app.eu-west-1.phase5.example.com), or pass -c appEndpoints`,
    );
  });

  test('the file maps to the constructs: record label, MySQL, backups, lag alarm, decision, e-mail on every partition\'s topics; context overrides', () => {
    const file = edited(P5, 'p5-map.yaml', (t) => t
      .replace('  graphql: true', '  writeName: write.p5\n  readName: read.p5\n  graphql: true')
      .replace('  id: phase5-global', '  id: phase5-global\n  engine: mysql\n  backupRetention: 21d')
      .replace('  rpo: 30s ', '  rpo: 1m ')
      .replace('failover:\n  decision: manual', 'alerts:\n  email: [oncall@example.com]\nreplication:\n  lagAlarm: 10s\nfailover:\n  decision: manual\n  decisionTime: 5m'));
    const built = LadderDeployment.fromFile(cdkApp({ failoverEngine: 'region-switch', hostedZoneId: 'ZCONTEXT' }), file);
    const [us, eu] = built.partitioned!.partitions;
    expect([us.router.writeHostname, eu.router.readHostname]).toEqual(['write.us.p5.phase5.example.com', 'read.eu.p5.phase5.example.com']);
    expect([us.runbook.engine, us.runbook.estimates.failover.rtoSeconds <= 15 * 60]).toEqual(['region-switch', true]);
    expect(us.primary.replicationLagThreshold.toSeconds()).toBe(10);
    const primary = Template.fromStack(eu.database.primaryStack);
    primary.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-mysql', BackupRetentionPeriod: 21 });
    // Each partition's DeploymentMonitoring subscribes the address to an alarm topic in each of its regions.
    for (const [i, p] of built.partitioned!.partitions.entries()) {
      const subscribed = p.stacks.filter((st) => Object.values(Template.fromStack(st).findResources('AWS::SNS::Subscription'))
        .some((sub) => sub.Properties.Protocol === 'email' && sub.Properties.Endpoint === 'oncall@example.com')).map((st) => st.region).sort();
      expect(subscribed).toEqual(Object.keys(built.partitionMonitoring![i].alarmTopics).sort());
      expect(subscribed.length).toBeGreaterThanOrEqual(2);
    }
    Template.fromStack(us.routingStack).hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: 'ZCONTEXT' });
  });
});

test('a Google Cloud file is refused, naming the Google Cloud LadderDeployment', () => {
  const file = path.join(ROOT, 'examples', 'config', 'gcp', 'phase-2.yaml');
  expect(errorOf(() => LadderDeployment.fromFile(cdkApp(), file))).toMatch(/^LadderDeployment '.*phase-2\.yaml': cloud 'gcp' is not built by the AWS LadderDeployment; build it with LadderDeployment\.fromFile of 'multiregion-constructs\/gcp'/);
});

test('an invalid file throws every error at once, each at its line and column', () => {
  const file = fileOf(withChanges(aws3(), { account: '12', routing: undefined }), 'bad.yaml');
  const message = errorOf(() => LadderDeployment.fromFile(cdkApp(), file));
  expect(message).toMatch(/^2 configuration problems:\n- DeploymentConfig '.*bad\.yaml': /);
  expect(message).toMatch(/account '12' .*\(.*bad\.yaml:4:10\)/);
  expect(message).toMatch(/routing.*\(.*bad\.yaml:\d+:\d+\)/);
});

test('alerts.email subscribes every Region\'s alarm topic; a single alerts.snsTopicArn is a synth warning, not silence', () => {
  const app = cdkApp();
  const built = LadderDeployment.fromFile(app, fileOf(withChanges(aws3(), { alerts: { email: ['oncall@example.com'], snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:oncall' } })));
  expect(built.monitoring).toBeDefined();
  const regions = Object.keys(built.monitoring!.alarmTopics).sort();
  expect(regions.length).toBeGreaterThanOrEqual(2);
  for (const stack of built.stacks) {
    const subs = Template.fromStack(stack).findResources('AWS::SNS::Subscription');
    for (const sub of Object.values(subs)) expect(sub.Properties).toMatchObject({ Protocol: 'email', Endpoint: 'oncall@example.com' });
  }
  const subscribed = built.stacks.filter((s) => Object.keys(Template.fromStack(s).findResources('AWS::SNS::Subscription')).length > 0).map((s) => s.region).sort();
  expect(subscribed).toEqual(regions);
  const warnings = built.ladder!.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
  expect(warnings).toEqual([expect.stringMatching(/^alerts\.snsTopicArn in .* is not used on AWS: an alarm can notify only a topic in its own Region/)]);
});
