/**
 * `plan`: the ladder's promises and this file's gaps, the regions, the
 * routes, the estimates (the constructs' arithmetic; a lower bound on Google
 * Cloud), residency and the blast radius of each region, for every phase.
 */
import { buildPlan } from '../../lib/config/plan';
import { renderPlanMarkdown } from '../../lib/config/plan-render';
import { aws3, configOf, Doc, gcp3, withChanges } from './helpers';

const r = (doc: Doc) => doc.regions as Doc[];

test('phase 1: no cross-region procedure; losing the region stops everything', () => {
  const plan = buildPlan(configOf(withChanges(aws3(), { phase: 1, origin: undefined, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary' }] })));
  expect(plan.procedures).toEqual([]);
  expect(plan.doesNotProtectAgainst[0]).toBe('the loss of the whole region');
  expect(plan.blastRadius).toEqual([{ region: 'us-east-1', role: 'primary', writes: 'stop until the region returns', reads: 'stop until the region returns', data: 'no copy outside the region (phase 1 protects against an instance or zone, not the region)' }]);
  expect(renderPlanMarkdown(plan)).toContain('None before phase 3');
});

test('phase 2: a manual promotion (decision + promotion), nothing routed', () => {
  const plan = buildPlan(configOf(withChanges(aws3(), { phase: 2, routing: undefined, objectives: { rpo: '30s' } })));
  expect(plan.procedures.map((p) => p.procedure)).toEqual(['failover']);
  const [failover] = plan.procedures;
  expect(failover.timeline.map((e) => `${e.phase} ${e.durationSeconds}`)).toEqual(['decision 600', 'promotion 120']);
  expect(failover.rtoSeconds).toBe(720);
  expect(plan.blastRadius![0].writes).toBe('stop until a person promotes eu-west-1 (about 12 min) and re-points the applications by hand');
  expect(plan.objectives).toEqual(['RPO 30s: failover loses about 5 s (typical replication lag (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html); not enforced, so a lagging replica loses more)']);
});

test('phase 4: read route without the headless region, the standby\'s loss, the gaps of the file', () => {
  const doc = withChanges(aws3(), { phase: 4, regions: [...r(aws3()), { name: 'ap-southeast-2', role: 'headless' }, { name: 'eu-central-1', role: 'replica', endpoint: 'app.eu-central-1.example.com' }], alerts: { email: ['oncall@example.com'] } });
  const plan = buildPlan(configOf(doc));
  expect(plan.routes.map((x) => `${x.kind} ${x.hostname} → ${x.targets.map((t) => t.region).join(',')}`)).toEqual([
    'write write.example.com → us-east-1,eu-west-1',
    'read read.example.com → us-east-1,eu-west-1,eu-central-1',
  ]);
  expect(plan.regions.map((x) => `${x.name}: ${x.serves}`)).toEqual([
    'us-east-1: writes and reads', 'eu-west-1: reads; takes the writes on failover', 'ap-southeast-2: nothing (headless: storage only, no instance)', 'eu-central-1: reads',
  ]);
  expect(plan.doesNotProtectAgainst).toEqual([
    'write latency for users far from the primary; stale reads within the replication lag',
    'a person must decide to fail over: 10 min counted (failover.decisionTime)',
    'ap-southeast-2 is headless: it serves no reads, and taking over writes there needs instances first',
  ]);
  const loss = Object.fromEntries(plan.blastRadius!.map((b) => [b.region, b]));
  expect(loss['us-east-1'].reads).toBe('continue from eu-west-1, eu-central-1 (the read route drops us-east-1)');
  // Three secondaries: rds.global_db_rpo waits only while every one lags, so losing the standby stalls nothing.
  expect(loss['eu-west-1']).toEqual({ region: 'eu-west-1', role: 'standby', writes: 'continue in the primary', reads: 'its readers leave the read route; us-east-1, eu-central-1 serve the reads', data: 'the failover target is lost: until it returns, losing the primary too needs eu-central-1 promoted by hand' });
  expect(loss['ap-southeast-2'].reads).toBe('unaffected (headless: no readers)');
  expect(plan.alerts).toBe('email oncall@example.com');
});

test('after a failover: the writer is not the origin, and the plan says the identity stays', () => {
  const doc = withChanges(aws3(), { regions: [{ ...r(aws3())[0], role: 'standby' }, { ...r(aws3())[1], role: 'primary' }] });
  const plan = buildPlan(configOf(doc));
  expect(plan.protectsAgainst).toContain('the writer is eu-west-1 today; the database keeps the identity of its origin, us-east-1, so moving the writer back and forth replaces nothing');
  expect(plan.regions.map((x) => `${x.name}${x.origin ? ' (origin)' : ''} ${x.role}`)).toEqual(['us-east-1 (origin) standby', 'eu-west-1 primary']);
});

test('Google Cloud: the RTO is a lower bound, the promotion "not published"', () => {
  const plan = buildPlan(configOf(withChanges(gcp3(), { objectives: { rto: '20m', rpo: '1m' } })));
  const failover = plan.procedures.find((p) => p.procedure === 'failover')!;
  expect(failover).toMatchObject({ rtoSeconds: 690, rtoIsLowerBound: true });
  expect(plan.objectives[0]).toBe('RTO 20m: failover estimate at least 11 min 30 s plus the promotion (measure it in a drill)');
  const md = renderPlanMarkdown(plan);
  expect(md).toContain('RTO at least 11 min 30 s + the promotion; RPO no figure');
  expect(md).toMatch(/\| 11 min \| not published \| promotion \| Cloud SQL promotes the replica and the workflow re-points the write record: Google publishes no duration/);
});

test('residency: who holds each class', () => {
  const plan = buildPlan(configOf(withChanges(aws3(), { residency: [{ class: 'orders', allowedRegions: ['us-*', 'eu-*'] }] })));
  expect(plan.residency).toEqual([{ class: 'orders', allowedRegions: ['us-*', 'eu-*'], holders: ['us-east-1', 'eu-west-1'] }]);
});

test('phase 5: the blast radius of lib/core, per partition or per write region', () => {
  const geo = configOf({
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'aws', account: '123456789012', phase: 5, mode: 'geo-partitioned', routing: { zone: 'example.com', hostedZoneId: 'Z1' },
    regions: [{ name: 'eu-west-1', role: 'primary' }, { name: 'eu-central-1', role: 'replica' }, { name: 'us-east-1', role: 'primary' }],
    residency: [{ class: 'eu_pii', allowedRegions: ['eu-*'] }],
    partitions: [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'], residency: 'eu_pii' }, { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['eu-central-1'] }],
  });
  const plan = buildPlan(geo);
  expect(plan.partitionBlastRadius).toEqual([
    { region: 'eu-west-1', mustFailOver: ['eu'], writesLost: [], readsServedElsewhere: ['eu'], readsLost: [], unaffected: ['us'] },
    { region: 'eu-central-1', mustFailOver: [], writesLost: [], readsServedElsewhere: ['eu', 'us'], readsLost: [], unaffected: [] },
    { region: 'us-east-1', mustFailOver: ['us'], writesLost: [], readsServedElsewhere: ['us'], readsLost: [], unaffected: ['eu'] },
  ]);
  expect(plan.residency).toEqual([{ class: 'eu_pii', allowedRegions: ['eu-*'], holders: ['eu-west-1', 'eu-central-1'] }]);
  expect(renderPlanMarkdown(plan)).toContain('| region lost | fail over (writes move to the standby) |');
  const aa = buildPlan(configOf({
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'gcp', project: 'my-project', phase: 5, mode: 'active-active', routing: { zone: 'example.com', managedZone: 'z' },
    regions: [{ name: 'us-central1', role: 'primary' }, { name: 'us-east1', role: 'primary' }],
  }));
  expect(aa.activeActiveBlastRadius![0]).toEqual({ region: 'us-central1', effect: 'clients in us-central1 lose their local endpoint; writes and reads continue in us-east1 with no data loss (commits were acknowledged by a quorum); nothing to fail over, move the clients' });
});

test('phase 5 active-active: no route to fail over, and no standby to lose with the writer', () => {
  const plan = buildPlan(configOf({
    apiVersion: 'multiregion/v1', name: 'ledger', cloud: 'gcp', project: 'my-project', phase: 5, mode: 'active-active',
    regions: [{ name: 'europe-west1', role: 'primary' }, { name: 'europe-west4', role: 'primary' }],
  }));
  expect(plan.doesNotProtectAgainst.filter((l) => l.includes('undefined'))).toEqual([]);
  expect(plan.doesNotProtectAgainst.filter((l) => l.startsWith('losing '))).toEqual([]);
  const markdown = renderPlanMarkdown(plan);
  expect(markdown).toContain("None: active-active writes go to the database's one endpoint from every region (the service replicates and routes them).");
  expect(markdown).not.toContain('None before phase 3');
});

test('phase 5 active-active on AWS: the blast radius lists the DSQL witness Region', () => {
  const plan = buildPlan(configOf({
    apiVersion: 'multiregion/v1', name: 'ledger', cloud: 'aws', account: '123456789012', phase: 5, mode: 'active-active',
    regions: [{ name: 'us-east-1', role: 'primary' }, { name: 'us-east-2', role: 'primary' }], witnessRegion: 'us-west-2',
  }));
  expect(plan.activeActiveBlastRadius!.map((r) => r.region)).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
  expect(plan.activeActiveBlastRadius![2].effect).toBe('no client impact while us-east-1 and us-east-2 are up; losing one of them as well leaves no quorum and writes stop');
});
