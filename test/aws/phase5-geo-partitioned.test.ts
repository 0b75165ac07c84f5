/**
 * Phase 5 on AWS, geo-partitioned writes (issue 8, mode 1): each partition is
 * an Aurora global database with its primary in its home region and
 * secondaries only where its residency allows, its own write/read records
 * and failover runbook; stacks by partition and region; every bad input is a
 * synth-time error naming construct, property, value and fix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GeoPartitionedDatabase, GeoPartitionedDatabaseProps, GeoPartitionSpec, PrimaryRegion, RouterTarget } from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf } from './helpers';

const EU = { name: 'EU personal data', allowedRegions: ['eu-central-1', 'eu-west-1', 'eu-west-3'] };
const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-1', 'eu-west-2'];
const endpoints = REGIONS.map((region) => ({ region, target: RouterTarget.fromHostname(`app.${region}.example.com`) }));
const us: GeoPartitionSpec = { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'] };
const eu: GeoPartitionSpec = { name: 'eu', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'], residency: EU };

function build(partitions: readonly GeoPartitionSpec[], extra: Partial<GeoPartitionedDatabaseProps> = {}) {
  const app = new App({ context: contextFile() });
  const db = new GeoPartitionedDatabase(app, 'Orders', {
    account: ACCOUNT, zone: { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' }, endpoints, partitions, writeFiles: false, ...extra,
  });
  return { app, db };
}

const regionsIn = (t: Template, type: string, prop: string): string[] => Object.values(t.findResources(type)).map((r) => r.Properties[prop]);

describe('each partition: an Aurora global database in its home region, replicas, records and a runbook of its own', () => {
  const { app, db } = build([us, eu]);
  const templates = Object.fromEntries(db.stacks.map((s) => [s.stackName, Template.fromStack(s)]));

  test('stacks are named by partition and region (never by role), plus a routing stack per partition', () => {
    expect(db.stacks.map((s) => `${s.stackName} (${s.region})`)).toEqual([
      'Orders-us-us-east-1 (us-east-1)', 'Orders-us-us-west-2 (us-west-2)', 'Orders-us-Routing (us-east-1)',
      'Orders-eu-eu-central-1 (eu-central-1)', 'Orders-eu-eu-west-1 (eu-west-1)', 'Orders-eu-Routing (us-east-1)',
    ]);
    expect(app.node.children.filter((c) => c instanceof Stack).map((c) => (c as Stack).stackName).filter((n) => /Primary|Replica/.test(n))).toEqual([]);
  });

  test('the home region holds a phase-5 geo-partitioned PrimaryRegion with its own global cluster; replicas join it', () => {
    const p = db.partitions[1];
    expect(p.primary.topology).toMatchObject({ phase: 5, primaryRegion: 'eu-central-1', replicaRegions: ['eu-west-1'], residency: EU });
    expect(p.primary.writeMode).toBe('geo-partitioned');
    expect(p.primary.globalClusterIdentifier).toBe('orders-eu-global');
    templates['Orders-eu-eu-central-1'].hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'orders-eu-global', DeletionProtection: true });
    templates['Orders-eu-eu-central-1'].hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'orders-eu-global-eu-central-1', StorageEncrypted: true, DeletionProtection: true });
    templates['Orders-eu-eu-west-1'].hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'orders-eu-global-eu-west-1', GlobalClusterIdentifier: 'orders-eu-global' });
    expect(db.partitions[0].primary.globalClusterIdentifier).toBe('orders-us-global');
  });

  test('residency: no cluster, secret replica, DNS record target or runbook target of the EU partition is outside its allowed regions', () => {
    const eu = db.partitions[1];
    const stacks = eu.stacks.filter((s) => s !== eu.routingStack);
    expect(stacks.map((s) => s.region).every((r) => EU.allowedRegions.includes(r))).toBe(true);
    const secretReplicas = Object.values(templates['Orders-eu-eu-central-1'].findResources('AWS::SecretsManager::Secret'))
      .flatMap((r) => (r.Properties.ReplicaRegions ?? []).map((x: { Region: string }) => x.Region));
    expect(secretReplicas).toEqual(['eu-west-1']);
    const routing = templates['Orders-eu-Routing'];
    const records = Object.values(routing.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties);
    expect(records.map((r) => r.ResourceRecords[0]).sort()).toEqual([
      'app.eu-central-1.example.com', 'app.eu-central-1.example.com', 'app.eu-west-1.example.com', 'app.eu-west-1.example.com',
    ]);
    expect(records.filter((r) => r.Region).map((r) => r.Region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
    expect(regionsIn(routing, 'AWS::Route53::HealthCheck', 'HealthCheckConfig').map((c: any) => c.FullyQualifiedDomainName).filter(Boolean).sort())
      .toEqual(['app.eu-central-1.example.com', 'app.eu-west-1.example.com']);
    routing.hasResourceProperties('AWS::ARCRegionSwitch::Plan', { Regions: ['eu-central-1', 'eu-west-1'] });
    expect([eu.router.primaryRegion, eu.router.standbyRegion, ...eu.router.readRegions].every((r) => EU.allowedRegions.includes(r!))).toBe(true);
    expect(eu.runbook.model.regions.every((r) => EU.allowedRegions.includes(r))).toBe(true);
  });

  test('per-partition write hostnames (failover records: home, then the standby) and read routes over the partition\'s regions only', () => {
    const routing = templates['Orders-us-Routing'];
    routing.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'write.us.example.com.', Failover: 'PRIMARY', ResourceRecords: ['app.us-east-1.example.com'] });
    routing.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'write.us.example.com.', Failover: 'SECONDARY', ResourceRecords: ['app.us-west-2.example.com'] });
    routing.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'read.us.example.com.' }, 2);
    routing.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'write.eu.example.com.' }, 0);
    expect(db.partitionRouterConfig()).toEqual({
      us: { write: 'https://write.us.example.com', read: ['https://read.us.example.com'] },
      eu: { write: 'https://write.eu.example.com', read: ['https://read.eu.example.com'] },
    });
  });

  test('the overview has a section per partition, the blast-radius table and the conflict model', () => {
    const md = db.overviewMarkdown;
    expect(md).toContain('## Partition us');
    expect(md).toContain('## Partition eu');
    expect(md).toContain('it moves writes only between eu-central-1 and eu-west-1, inside the partition\'s residency (EU personal data (eu-central-1, eu-west-1, eu-west-3))');
    expect(md).toContain('| eu-central-1 | eu | — | eu | — | us |');
    expect(md).toContain('| us-west-2 | — | — | us | — | eu |');
    expect(md).toContain('**Writers:** exactly one region: the partition\'s home.');
    expect(db.blastRadius().find((r) => r.region === 'us-east-1')).toEqual({
      region: 'us-east-1', mustFailOver: ['us'], writesLost: [], readsServedElsewhere: ['us'], readsLost: [], unaffected: ['eu'],
    });
  });

  test('each partition\'s runbook is its own (named by its global cluster), targets only its standby', () => {
    expect(db.partitions.map((p) => p.runbook.runbookFileName)).toEqual(['orders-us-global.md', 'orders-eu-global.md']);
    expect(db.partitions[1].runbook.markdown).toContain('eu-west-1');
    expect(db.partitions[1].runbook.markdown).not.toMatch(/us-west-2|us-east-2/);
  });
});

describe('one GraphQL entry point at the edge for every partition (graphql)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-p5-edge-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ context: contextFile(), outdir });
  const db = new GeoPartitionedDatabase(app, 'Orders', {
    account: ACCOUNT, zone: { hostedZoneId: 'Z123EXAMPLE', zoneName: 'example.com' }, endpoints, partitions: [us, eu], writeFiles: false,
    graphql: { source: { type: 'variable', name: 'partition' } },
  });
  const assembly = app.synth();
  const routing = assembly.getStackByName('Orders-us-Routing');
  const fn = Object.values(routing.template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::Lambda::Function' && /routes GraphQL queries/i.test(r.Properties.Description));
  const bundle = path.join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const edge = require(path.join(bundle, 'router', 'edge-handler.js'));
  const request = (body: object) => ({
    Records: [{ cf: {
      config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'origin-request', requestId: 'r' },
      request: {
        clientIp: '127.0.0.1', method: 'POST', uri: '/graphql', querystring: '',
        headers: { host: [{ key: 'Host', value: 'api.example.com' }], 'content-type': [{ key: 'Content-Type', value: 'application/json' }] },
        body: { action: 'read-only', data: Buffer.from(JSON.stringify(body)).toString('base64'), encoding: 'base64', inputTruncated: false },
        origin: { custom: { domainName: 'write.us.example.com', port: 443, protocol: 'https', path: '', sslProtocols: ['TLSv1.2'], readTimeout: 30, keepaliveTimeout: 5, customHeaders: {} } },
      },
    } }],
  });

  test('in the first partition\'s routing stack, under its router (the path of a phase-4 graphql entry point)', () => {
    expect(db.graphql?.node.path).toBe('Orders-us-Routing/Router/Graphql');
    expect(db.graphql?.domainName).toBe('api.example.com');
    expect(JSON.parse(fs.readFileSync(path.join(bundle, 'router', 'router-config.json'), 'utf8')).partitioning).toEqual({
      partitions: {
        us: { writeHost: 'write.us.example.com', readHost: 'read.us.example.com' },
        eu: { writeHost: 'write.eu.example.com', readHost: 'read.eu.example.com' },
      },
      source: { type: 'variable', name: 'partition' },
    });
  });

  test('the deployed handler: an eu mutation goes to write.eu, an eu query to read.eu, an unknown partition is refused with 400 at the edge', async () => {
    const m = await edge.handler(request({ query: 'mutation($partition: String) { add(p: $partition) }', variables: { partition: 'eu' } }));
    expect(m.origin.custom.domainName).toBe('write.eu.example.com');
    const q = await edge.handler(request({ query: 'query($partition: String) { orders(p: $partition) { id } }', variables: { partition: 'eu' } }));
    expect(q.origin.custom.domainName).toBe('read.eu.example.com');
    const refused = await edge.handler(request({ query: 'query($partition: String) { orders(p: $partition) { id } }', variables: { partition: 'apac' } }));
    expect([refused.status, JSON.parse(refused.body).errors[0].extensions.code]).toEqual(['400', 'PARTITION_UNKNOWN']);
  });

  test('the routing stacks need us-east-1 (Route 53 health-check metrics; Lambda@Edge, the CloudFront certificate and web ACL)', () => {
    expect(errorOf(() => build([us, eu], { routingRegion: 'eu-west-1', graphql: { source: { type: 'variable', name: 'partition' } } }))).toMatch(
      /^GlobalRouter 'Orders-us-Routing\/Router': healthCheckAlarms is on but the stack 'Orders-us-Routing' is in eu-west-1; Route 53 publishes health-check metrics only in us-east-1/,
    );
  });
});

describe('day two inside a partition: a role swap is configuration, not new resources', () => {
  test('an unpinned origin is warned about, per partition (after a failover it must not follow homeRegion)', () => {
    const { db } = build([us, { ...eu, originRegion: 'eu-central-1' }]);
    const warnings = (i: number) => db.partitions[i].database.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings(0).join('\n')).toMatch(/originRegion is not set, so the origin is primaryRegion \(us-east-1\)/);
    expect(warnings(1)).toEqual([]);
  });

  test('after a failover to eu-west-1 (homeRegion eu-west-1, originRegion eu-central-1) the stacks and identifiers stay', () => {
    const before = build([eu]).db.partitions[0];
    const after = build([{ ...eu, homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'], originRegion: 'eu-central-1' }]).db.partitions[0];
    expect(after.stacks.map((s) => s.stackName)).toEqual(before.stacks.map((s) => s.stackName));
    expect(after.primary.region).toBe('eu-central-1');
    expect(after.primary.writerRegion).toBe('eu-west-1');
    expect(after.primary.clusterIdentifier).toBe(before.primary.clusterIdentifier);
    expect([after.router.primaryRegion, after.router.standbyRegion]).toEqual(['eu-central-1', 'eu-west-1']);
  });
});

describe('bad input is a synth-time error naming construct, property, value and fix', () => {
  const msg = (partitions: readonly GeoPartitionSpec[], extra: Partial<GeoPartitionedDatabaseProps> = {}) => errorOf(() => build(partitions, extra));

  test('a partition with two home regions', () => {
    expect(msg([{ ...eu, homeRegion: ['eu-central-1', 'eu-west-1'] as unknown as string }])).toBe(
      "GeoPartitionedDatabase 'Orders': partitions[0].homeRegion ['eu-central-1', 'eu-west-1'] names 2 regions, but a partition has exactly one home region (two writers for one row would need conflict resolution); set homeRegion to one region and list the others in replicaRegions, or split the data into one partition per home region",
    );
  });

  test('two partitions with the same name', () => {
    expect(msg([us, { ...eu, name: 'us' }])).toBe(
      "GeoPartitionedDatabase 'Orders': partitions[1].name 'us' is also the name of partitions[0]; give each partition its own name; a partition has exactly one home region, so two homes for one set of data are two partitions",
    );
  });

  test('a home region outside the residency', () => {
    expect(msg([{ ...eu, homeRegion: 'eu-west-2', replicaRegions: ['eu-west-1'] }])).toBe(
      "GeoPartitionedDatabase 'Orders': partitions[0].homeRegion 'eu-west-2' is outside the regions partition 'eu' may use under the residency rule 'EU personal data' (allowed: eu-central-1, eu-west-1, eu-west-3); choose a home region the residency rule allows",
    );
  });

  test('a replica outside the residency (and so no standby inside it)', () => {
    expect(msg([{ ...eu, replicaRegions: ['us-east-1'] }])).toBe([
      "2 configuration problems:",
      "- GeoPartitionedDatabase 'Orders': partitions[0].replicaRegions[0] 'us-east-1' may not hold a copy of partition 'eu' under the residency rule 'EU personal data' (allowed: eu-central-1, eu-west-1, eu-west-3); remove the region or choose one the residency rule allows",
      "- GeoPartitionedDatabase 'Orders': partition 'eu' has no standby region inside its residency rule 'EU personal data', but phase 5 fails writes over to a standby; add a replica region the rule allows (eu-central-1, eu-west-1, eu-west-3) other than 'eu-central-1'",
    ].join('\n'));
  });

  test('a partition with no standby region (phase 5 needs failover)', () => {
    expect(msg([{ ...us, replicaRegions: [] }])).toBe(
      "GeoPartitionedDatabase 'Orders': partition 'us' has no standby region, but phase 5 fails writes over to a standby; add a replica region other than 'us-east-1'",
    );
  });

  test('an unknown region name', () => {
    expect(msg([{ ...us, replicaRegions: ['us-middle-1'] }])).toMatch(
      /^GeoPartitionedDatabase 'Orders': partitions\[0\]\.replicaRegions\[0\] 'us-middle-1' is not an AWS region this release knows; check the spelling \(known regions: .*us-east-1.*\)/,
    );
  });

  test('a region of a partition without an application endpoint', () => {
    expect(msg([{ ...eu, replicaRegions: ['eu-west-3'] }])).toBe(
      "GeoPartitionedDatabase 'Orders': endpoints has no endpoint in eu-west-3, a region of partition 'eu', so its records could not send traffic there; add { region: 'eu-west-3', target: RouterTarget.fromHostname('app.eu-west-3.example.com') } to endpoints",
    );
  });

  test('two partitions given one stack prefix, and an origin outside the partition', () => {
    expect(msg([{ ...us, stackPrefix: 'Shop' }, { ...eu, stackPrefix: 'Shop', originRegion: 'us-east-1' }])).toBe([
      "2 configuration problems:",
      "- GeoPartitionedDatabase 'Orders': partitions[1].originRegion 'us-east-1' is not a region of partition 'eu' (eu-central-1, eu-west-1); set originRegion to the region the partition's global database was created in, and keep that region in homeRegion or replicaRegions (a deployed region stays after a failover)",
      "- GeoPartitionedDatabase 'Orders': partitions[1].stackPrefix 'Shop' gives the stack name 'Shop-Routing' to two stacks (us/Routing and eu/Routing); give every partition its own stackPrefix",
      "- GeoPartitionedDatabase 'Orders': partitions[1].globalClusterIdentifier 'shop-global' is also the global cluster of partition 'us'; give every partition its own global cluster (each partition is its own Aurora global database)",
    ].join('\n').replace('2 configuration', '3 configuration'));
  });

  test('no partitions', () => {
    expect(msg([])).toBe(
      "GeoPartitionedDatabase 'Orders': partitions is empty, but a geo-partitioned deployment writes each partition in its own home region; list at least one partition, e.g. [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }]",
    );
  });
});

describe('phase 5 on a bare PrimaryRegion (issue 8: it used to deploy a single-writer database without a word)', () => {
  const primary = (props: Record<string, unknown>) => errorOf(() => {
    const app = new App({ context: contextFile() });
    new PrimaryRegion(new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'Db', { replicaRegions: ['eu-west-1'], ...props });
  });

  test('phase 5 without a write mode', () => {
    expect(primary({ phase: 5 })).toBe(
      "PrimaryRegion 'S/Db': writeMode is not set, and phase 5 has no default: the two ways to write in several regions differ in cost, engine and what the application must do; set writeMode to 'geo-partitioned' (one home region per partition on Aurora Global Database, GeoPartitionedDatabase) or 'active-active' (Aurora DSQL, ActiveActiveDatabase, strongly consistent writes in several regions)",
    );
  });

  test('last-write-wins requested', () => {
    expect(primary({ phase: 5, writeMode: 'last-write-wins' })).toBe(
      "PrimaryRegion 'S/Db': writeMode 'last-write-wins' asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on AWS offers (and which silently discards one of two concurrent writes); set writeMode to 'geo-partitioned' (one home region per partition on Aurora Global Database, GeoPartitionedDatabase) or 'active-active' (Aurora DSQL, ActiveActiveDatabase, strongly consistent writes in several regions)",
    );
  });

  test('active-active on an Aurora global database', () => {
    expect(primary({ phase: 5, writeMode: 'active-active' })).toMatch(
      /^PrimaryRegion 'S\/Db': writeMode 'active-active' needs a writer in several regions, but an Aurora global database has one writer \(its secondaries are read-only\); use ActiveActiveDatabase \(Aurora DSQL/,
    );
  });

  test('a write mode before phase 5', () => {
    expect(primary({ phase: 4, writeMode: 'geo-partitioned' })).toBe(
      "PrimaryRegion 'S/Db': writeMode 'geo-partitioned' is set, but phase 4 writes in one region; remove writeMode, or set phase: 5",
    );
  });
});
