/**
 * `diff`: the changes users think in, and which replace a database. The
 * rule of the lead's design: a region's databases are identified by the
 * region and the origin, never by the role.
 */
import { diffConfigs, renderDiff, replacesSomething } from '../../lib/config/diff';
import { aws3, configOf, Doc, gcp3, withChanges } from './helpers';

const r = (doc: Doc) => doc.regions as Doc[];
const lines = (a: Doc, b: Doc) => diffConfigs(configOf(a), configOf(b)).map((c) => `${c.kind} ${c.what}`);
const swapped = (doc: Doc) => withChanges(doc, { regions: [{ ...r(doc)[0], role: 'standby' }, { ...r(doc)[1], role: 'primary' }] });

test('no change', () => {
  expect(lines(aws3(), aws3())).toEqual([]);
  expect(renderDiff('a.yaml', 'b.yaml', [])).toBe('a.yaml → b.yaml: no change\n');
});

test('a role swap with origin pinned replaces nothing', () => {
  const changes = diffConfigs(configOf(aws3()), configOf(swapped(aws3())));
  expect(changes.map((c) => `${c.kind} ${c.what}`)).toEqual([
    "change role swap: the writer moves from us-east-1 to eu-west-1 (origin stays us-east-1: no database is replaced); switch over first (the runbook's switchover), then apply, so routes and alarms follow the database",
  ]);
  expect(replacesSomething(changes)).toBe(false);
});

test('a role swap in files that omit origin moves the origin: it replaces the databases, and says how to avoid it', () => {
  const before = withChanges(aws3(), { origin: undefined });
  const changes = diffConfigs(configOf(before), configOf(swapped(before)));
  expect(changes[0]).toEqual({ kind: 'replaces', key: 'origin', what: 'origin us-east-1 → eu-west-1 REPLACES THE DATABASES: the origin holds the cluster the database was created from (origin is not set, so it follows the primary: pin origin: us-east-1 to swap roles without replacing anything)' });
  expect(replacesSomething(changes)).toBe(true);
});

test('what replaces the databases: identifier, engine, stack prefix, account, project, cloud', () => {
  expect(lines(aws3(), withChanges(aws3(), { database: { id: 'orders2' } }))).toEqual(['replaces database.id orders → orders2 REPLACES THE DATABASES: the identifier is set when a database is created']);
  expect(lines(aws3(), withChanges(aws3(), { database: { engine: 'mysql' } }))).toEqual(['replaces database.engine postgresql → mysql REPLACES THE DATABASES (another engine is another database)']);
  expect(lines(aws3(), withChanges(aws3(), { stackPrefix: 'Orders' }))).toEqual(['replaces stackPrefix orders → Orders: every stack gets a new name, so new stacks with new databases replace the old ones']);
  expect(lines(aws3(), withChanges(aws3(), { account: '210987654321' }))).toEqual(['replaces account 123456789012 → 210987654321: every stack goes to another account, with new databases']);
  expect(lines(gcp3(), withChanges(gcp3(), { project: 'other-project' }))).toEqual(['replaces project my-project → other-project: every stack goes to another project, with new databases']);
  expect(lines(aws3(), gcp3())).toEqual(['replaces cloud aws → gcp: a deployment on another cloud; nothing carries over (the aws deployment stays until you destroy it)']);
  // The name alone, with the prefix and the identifier pinned, changes nothing stateful.
  const pinned = withChanges(aws3(), { stackPrefix: 'orders', database: { id: 'orders' } });
  expect(lines(pinned, withChanges(pinned, { name: 'orders-v2' }))).toEqual(['change name orders → orders-v2 (stack prefix and database id unchanged)']);
});

test('regions added, removed, headless, the failover target moved', () => {
  const three = withChanges(aws3(), { regions: [...r(aws3()), { name: 'ap-southeast-2', role: 'replica' }] });
  expect(lines(aws3(), three)).toEqual(['change adds ap-southeast-2 (replica): a new replica in ap-southeast-2; nothing existing is replaced']);
  expect(lines(three, aws3())).toEqual(['replaces removes ap-southeast-2 (was replica): its replica database is deleted (deletion protection must be lifted first; the other regions keep the data)']);
  const headless = withChanges(three, { regions: [r(three)[0], r(three)[1], { name: 'ap-southeast-2', role: 'headless' }] });
  expect(lines(three, headless)).toEqual(['change ap-southeast-2: replica → headless: its instances are removed (the database and its data stay)']);
  expect(lines(headless, three)).toEqual(['change ap-southeast-2: headless → replica: instances are added']);
  const moved = withChanges(three, { regions: [r(three)[0], { ...r(three)[1], role: 'replica' }, { name: 'ap-southeast-2', role: 'standby', endpoint: 'app.ap-southeast-2.example.com' }] });
  expect(lines(three, moved)).toEqual([
    'change eu-west-1: standby → replica: the failover target moves from eu-west-1 to ap-southeast-2',
    'change ap-southeast-2: replica → standby: the failover target moves from eu-west-1 to ap-southeast-2',
    'change ap-southeast-2: endpoint none → app.ap-southeast-2.example.com (routes only)',
  ]);
});

test('phases climbed and descended, one line per rung', () => {
  const p1 = withChanges(aws3(), { phase: 1, origin: undefined, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary', endpoint: 'app.us-east-1.example.com' }] });
  expect(lines(p1, withChanges(aws3(), { phase: 4 }))).toEqual([
    'change origin pinned to us-east-1 (it was already the origin: nothing changes)',
    'change phase 1 → 2: adds async replica in a second region (the global database is created from the existing cluster: nothing is replaced)',
    'change phase 2 → 3: adds active-passive with a tested failover: the write route and the failover automation',
    'change phase 3 → 4: adds reads from several regions, writes to one primary: the read route to every region with readers',
    'change adds eu-west-1 (standby): a new replica in eu-west-1; nothing existing is replaced',
    'change objectives rto none → 15m, rpo none → 30s (on Aurora PostgreSQL an rpo of 20s or more sets rds.global_db_rpo on the primary: a parameter change, no replacement)',
  ]);
  expect(lines(withChanges(aws3(), { phase: 4 }), aws3())).toEqual(['change phase 4 → 3: removes reads from several regions, writes to one primary: the read route is removed']);
});

test('what to review before applying: zones, edition, state bucket', () => {
  const zones = withChanges(aws3(), { regions: [{ ...r(aws3())[0], availabilityZones: ['us-east-1a', 'us-east-1b'] }, r(aws3())[1]] });
  expect(lines(aws3(), zones)).toEqual(["review us-east-1: availability zones (looked up) → us-east-1a, us-east-1b: the VPC's subnets change under the database; read cdk diff before deploying"]);
  expect(lines(gcp3(), withChanges(gcp3(), { database: { edition: 'ENTERPRISE' } }))).toEqual(['review database.edition ENTERPRISE_PLUS → ENTERPRISE: read terraform plan of the database stacks before applying']);
  expect(lines(gcp3(), withChanges(gcp3(), { stateBucket: { name: 'acme-tfstate', location: 'US' } }))).toEqual(['review stateBucket: the Terraform state moves; migrate it (terraform init -migrate-state) before applying anything else']);
});

test('routes, failover, objectives, lag alarm: changes without a stateful one', () => {
  expect(lines(aws3(), withChanges(aws3(), { routing: { zone: 'example.org', hostedZoneId: 'Z2' }, failover: { decision: 'automatic', engine: 'stepfunctions' }, replication: { lagAlarm: '20s' } }))).toEqual([
    'change replication.lagAlarm 30s → 20s (alarm thresholds only)',
    'change routes move from example.com to example.org: new records; clients must use the new hostnames',
    'change failover manual (10m), region-switch → automatic switchover only, stepfunctions',
  ]);
});

test('phase 5 partitions: home moved, origin changed, partition removed', () => {
  const geo = (partitions: Doc[]): Doc => ({
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'aws', account: '123456789012', phase: 5, mode: 'geo-partitioned', routing: { zone: 'example.com', hostedZoneId: 'Z1' },
    regions: [{ name: 'eu-west-1', role: 'primary' }, { name: 'eu-central-1', role: 'primary' }, { name: 'us-east-1', role: 'primary' }, { name: 'us-west-2', role: 'replica' }],
    partitions,
  });
  const before = geo([{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }, { name: 'eu2', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'] }, { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'] }]);
  const after = withChanges(geo([{ name: 'eu', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'], origin: 'eu-west-1' }, { name: 'eu2', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'], origin: 'eu-west-1' }, { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'] }]), {
    regions: [{ name: 'eu-west-1', role: 'replica' }, { name: 'eu-central-1', role: 'primary' }, { name: 'us-east-1', role: 'primary' }, { name: 'us-west-2', role: 'replica' }],
  });
  expect(lines(before, after)).toEqual([
    'replaces partition eu2: origin eu-central-1 → eu-west-1 REPLACES ITS DATABASE',
    'change eu-west-1: primary → replica (phase 5: a writer is the home of a partition)',
    'change partition eu: writes move from eu-west-1 to eu-central-1 (origin stays eu-west-1)',
    'change partition eu: read copies eu-central-1 → eu-west-1',
  ]);
  const removed = geo([{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }, { name: 'eu2', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'] }, { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'] }]);
  const fewer = withChanges(removed, { partitions: (removed.partitions as Doc[]).slice(0, 2), regions: (removed.regions as Doc[]).slice(0, 2) });
  expect(lines(removed, fewer)).toEqual([
    'replaces removes us-east-1 (was primary): its replica database is deleted (deletion protection must be lifted first; the other regions keep the data)',
    'replaces removes us-west-2 (was replica): its replica database is deleted (deletion protection must be lifted first; the other regions keep the data)',
    'replaces removes partition us: its databases are deleted',
  ]);
});
