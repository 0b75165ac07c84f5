/**
 * The rules of the configuration file, in process: each rule with its full
 * message (property, bad value, fix), and that what is valid resolves to the
 * right configuration.
 */
import { stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { aws3, configOf, Doc, errorsOf, gcp3, problemsOf, withChanges } from './helpers';

const regions = (doc: Doc) => doc.regions as Doc[];

describe('regions and roles', () => {
  test('an unknown region of the cloud: the core rule, with a did-you-mean', () => {
    const doc = withChanges(aws3(), { regions: [regions(aws3())[0], { name: 'eu-west-9', role: 'standby', endpoint: 'b.example.com' }] });
    const [error] = errorsOf(doc);
    expect(error).toMatch(/^error regions\[1\]\.name: regions\[1\]\.name 'eu-west-9' is not an AWS region this release knows; did you mean 'eu-west-1'\? check the spelling \(known regions: af-south-1, /);
  });

  test('a region of the other cloud says so', () => {
    const doc = withChanges(aws3(), { regions: [regions(aws3())[0], { name: 'europe-west1', role: 'standby', endpoint: 'b.example.com' }] });
    expect(errorsOf(doc)).toEqual(["error regions[1].name: regions[1].name 'europe-west1' is a Google Cloud region, but cloud is aws; use an AWS region such as 'us-east-1'"]);
  });

  test('at most one standby; headless has no Cloud SQL equivalent; a failover target needs instances', () => {
    expect(errorsOf(withChanges(aws3(), { regions: [...regions(aws3()), { name: 'ap-southeast-2', role: 'standby' }] }))).toEqual([
      "error regions[2].role: regions[2].role 'standby': eu-west-1 (regions[1]) is already the standby; mark one standby (the region a failover moves the writes to); make this one role: replica",
    ]);
    expect(errorsOf(withChanges(gcp3(), { regions: [...regions(gcp3()), { name: 'asia-east1', role: 'headless' }] }))).toEqual([
      "error regions[2].role: regions[2].role 'headless' has no Cloud SQL equivalent: a cross-region replica is always a running instance; set role: replica (or standby)",
    ]);
    expect(errorsOf(withChanges(aws3(), { regions: [regions(aws3())[0], { name: 'eu-west-1', role: 'headless' }] }))).toEqual([
      'error regions: phase 3 (active-passive with a tested failover) fails the writes over to a standby with readers, but every region besides the primary is headless; set role: standby on one of them (it gets readers)',
    ]);
  });

  test('a missing role points at the docs of the key', () => {
    expect(errorsOf(withChanges(aws3(), { regions: [regions(aws3())[0], { name: 'eu-west-1', endpoint: 'b.example.com' }] }))).toEqual([
      'error regions[1].role: regions[1].role is missing; add role: replica (docs/config.md#regions-role)',
    ]);
  });

  test('the ladder\'s region counts (lib/core validateTopology) in the file\'s words', () => {
    expect(errorsOf(withChanges(aws3(), { phase: 1, routing: undefined, objectives: undefined }))).toEqual([
      "error phase: phase 1 (harden one region) is single-region, but regions lists, besides the primary, ['eu-west-1']; set phase to 2 or higher, or remove the regions besides the primary",
    ]);
    expect(errorsOf(withChanges(aws3(), { phase: 2, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary' }] }))).toEqual([
      'error regions: phase 2 (async replica in a second region) needs at least 1 replica region, but regions lists only the primary; add a region with role: replica, or set phase to 1',
    ]);
    const eleven = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
    expect(errorsOf(withChanges(aws3(), { phase: 2, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary' }, ...eleven.map((name) => ({ name, role: 'replica' }))] }))).toEqual([
      'error regions: regions lists 11 regions besides the primary, more than the 10 secondary regions AWS allows (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html); keep at most 10 replica regions',
    ]);
  });

  test('no message names a construct property instead of the file\'s key', () => {
    const docs = [
      withChanges(aws3(), { phase: 1, routing: undefined, objectives: undefined }),
      withChanges(aws3(), { phase: 2, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary' }] }),
      withChanges(aws3(), { objectives: { rpo: '0s' } }),
      withChanges(aws3(), { objectives: { rto: '5m', rpo: '2s', acceptRpoGuardWriteStalls: true } }),
      withChanges(aws3(), { objectives: { rto: '15m', rpo: '30s' } }),
      withChanges(aws3(), { failover: { decision: 'automatic' } }),
      withChanges(aws3(), { database: { backupRetention: '3d' } }),
    ];
    const all = docs.flatMap(errorsOf);
    expect(all.length).toBeGreaterThanOrEqual(docs.length);
    expect(all.filter((m) => /replicaRegions|recoveryObjectives|rtoSeconds|rpoSeconds|primaryRegion|Duration\.|decisionTime to Duration|automaticFailoverAllowsDataLoss/.test(m))).toEqual([]);
  });
});

describe('origin', () => {
  test('defaults to the primary, with a warning in a multi-region file', () => {
    const doc = withChanges(aws3(), { origin: undefined });
    expect(problemsOf(doc)).toEqual([
      "warning origin: origin is not set, so it is the primary's region us-east-1; after a failover another region is primary, and a file that still omits origin would move it and replace the databases; pin origin: us-east-1 now, so a later role swap replaces nothing",
    ]);
    expect(configOf(doc)).toMatchObject({ origin: 'us-east-1', originExplicit: false, primaryRegion: 'us-east-1' });
    expect(problemsOf(withChanges(aws3(), { phase: 1, origin: undefined, routing: undefined, objectives: undefined, regions: [{ name: 'us-east-1', role: 'primary' }] }))).toEqual([]);
  });

  test('after a failover: the writer moves, the origin stays', () => {
    const doc = withChanges(aws3(), { regions: [{ ...regions(aws3())[0], role: 'standby' }, { ...regions(aws3())[1], role: 'primary' }] });
    const config = configOf(doc);
    expect(config).toMatchObject({ origin: 'us-east-1', primaryRegion: 'eu-west-1', standbyRegion: 'us-east-1', replicaRegions: ['us-east-1'] });
  });

  test('must be a region of the file', () => {
    expect(errorsOf(withChanges(aws3(), { origin: 'eu-west-2' }))).toEqual([
      "error origin: origin 'eu-west-2' is not a region of the file (us-east-1, eu-west-1); did you mean 'eu-west-1'? set origin to the region where the database was first created, and keep that region in regions",
    ]);
  });
});

describe('keys, types and clouds', () => {
  test('a key of the other cloud, a missing key of this cloud', () => {
    expect(errorsOf(withChanges(aws3(), { project: 'my-project' }))).toEqual(['error project: project is a Google Cloud key, but cloud is aws; remove it (on AWS use account)']);
    expect(errorsOf(withChanges(aws3(), { account: undefined }))).toEqual(["error account: account is missing; add account: '123456789012' (docs/config.md#account)"]);
    expect(errorsOf(withChanges(gcp3(), { routing: { zone: 'example.com', hostedZoneId: 'Z1' } }))).toEqual([
      // In file order: the missing key points at its mapping (the line of zone), before hostedZoneId.
      'error routing.managedZone: routing.managedZone is missing; add managedZone: prod-zone (docs/config.md#routing-managedzone)',
      'error routing.hostedZoneId: routing.hostedZoneId is an AWS key, but cloud is gcp; remove it (on Google Cloud use routing.managedZone)',
    ]);
  });

  test('the cloud\'s own values: strategy, health-check interval, endpoint form', () => {
    expect(errorsOf(withChanges(gcp3(), { routing: { zone: 'example.com', managedZone: 'z', strategy: 'latency' } }))).toEqual([
      "error routing.strategy: routing.strategy 'latency' is not 'geolocation' (on Google Cloud); set strategy to 'geolocation'",
    ]);
    expect(errorsOf(withChanges(aws3(), { routing: { zone: 'example.com', hostedZoneId: 'Z1', healthCheck: { interval: '15s' } } }))).toEqual([
      'error routing.healthCheck.interval: routing.healthCheck.interval 15s is not 10s or 30s (on AWS); set interval to 10s or 30s',
    ]);
    expect(errorsOf(withChanges(gcp3(), { routing: { zone: 'example.com', managedZone: 'z', healthCheck: { interval: '10s' } } }))).toEqual([
      'error routing.healthCheck.interval: routing.healthCheck.interval 10s is below the 30s minimum of Cloud DNS health checks with source regions; set routing.healthCheck.interval to 30s or more',
    ]);
    expect(errorsOf(withChanges(gcp3(), { regions: [{ ...regions(gcp3())[0], endpoint: 'app.example.com' }, regions(gcp3())[1]] }))).toEqual([
      "error regions[0].endpoint: regions[0].endpoint 'app.example.com' is not an IPv4 address such as 198.51.100.7; write an IPv4 address such as 198.51.100.7",
    ]);
  });

  test('types: quoted numbers, numbers for text, yes for true, text for a list', () => {
    expect(errorsOf(withChanges(aws3(), { phase: '3', routing: { zone: 'example.com', hostedZoneId: 'Z1', graphql: 'yes' }, regions: 'us-east-1' }))).toEqual([
      "error phase: phase '3' is text, not a number; remove the quotes: phase: 3",
      "error regions: regions is text, not a list; write a list under regions, one '- ' item per line",
      "error routing.graphql: routing.graphql 'yes' is not true or false; write graphql: true or graphql: false",
    ]);
    expect(errorsOf(stringify(withChanges(aws3(), { account: undefined })) + 'account: 012345678901\n')).toEqual([
      "error account: account 12345678901 is a number, not text; quote it: account: '12345678901' (a YAML number loses leading zeros)",
    ]);
  });

  test('the seed documents\' names get the key to write instead', () => {
    expect(errorsOf(withChanges(aws3(), { replication: { lag_threshold: '5s', conflict_resolution: 'last_write_wins' } }))).toEqual([
      'error replication.lag_threshold: replication.lag_threshold is not a key of replication; write lagAlarm instead',
      'error replication.conflict_resolution: replication.conflict_resolution is not a key of replication; one region writes each row (phases 1–4, and phase 5 geo-partitioned), so there is nothing to resolve; remove conflict resolution (last-write-wins is refused: it silently loses writes)',
    ]);
    expect(errorsOf({ multi_region: { regions: [] } })[0]).toBe('error multi_region: multi_region is not a top-level key; write apiVersion: multiregion/v1 (the file is the configuration itself, no multi_region: wrapper) instead');
    expect(errorsOf(withChanges(aws3(), { regions: [{ ...regions(aws3())[0], primary: true }, regions(aws3())[1]] }))).toEqual([
      'error regions[0].primary: regions[0].primary is not a key of regions[0]; write role: primary instead',
    ]);
  });
});

describe('routes and failover', () => {
  test('phase 3 needs an endpoint on the primary and the standby; phase 4 warns about a replica without one', () => {
    expect(errorsOf(withChanges(aws3(), { regions: [{ name: 'us-east-1', role: 'primary' }, regions(aws3())[1]] }))).toEqual([
      'error regions[0]: regions[0] (us-east-1) has no endpoint, but it is the primary: the write route answers with it; add endpoint: app.us-east-1.example.com',
    ]);
    expect(problemsOf(withChanges(aws3(), { phase: 4, regions: [...regions(aws3()), { name: 'ap-southeast-2', role: 'replica' }] }))).toEqual([
      'warning regions[2]: regions[2] (ap-southeast-2) has no endpoint, so the read route leaves it out; add endpoint: app.ap-southeast-2.example.com to serve reads from it',
    ]);
  });

  test('routing before phase 3 is a warning; graphql before phase 4 an error', () => {
    expect(problemsOf(withChanges(aws3(), { phase: 2 }))).toEqual(['warning routing: routing is set, but phase 2 publishes no route: it takes effect from phase 3; keep it to prepare the climb, or remove it']);
    expect(errorsOf(withChanges(aws3(), { routing: { zone: 'example.com', hostedZoneId: 'Z1', graphql: true } }))).toEqual([
      'error routing.graphql: routing.graphql needs the read route, which phase 3 does not have (phase 4 adds it); set phase: 4, or remove routing.graphql',
    ]);
  });

  test('the failover decision, as the AWS FailoverRunbook checks it', () => {
    expect(errorsOf(withChanges(aws3(), { failover: { decision: 'automatic' } }))).toEqual([
      "error failover.decision: failover.decision automatic with the Region switch engine starts the plan from a trigger, and ARC lets no trigger choose the execution mode: an ungraceful execution runs the Aurora block's failover, which loses the writes not yet replicated; set failover.allowDataLoss: true to accept that, or failover.engine: stepfunctions (an automatic switchover, no data loss), or failover.decision: manual",
    ]);
    expect(errorsOf(withChanges(aws3(), { failover: { decision: 'automatic', engine: 'stepfunctions' } }))).toEqual([]);
    expect(errorsOf(withChanges(aws3(), { failover: { allowDataLoss: true } }))).toEqual([
      'error failover.allowDataLoss: failover.allowDataLoss is true but failover.decision is manual; set failover.decision: automatic, or remove failover.allowDataLoss (a person accepts data loss when starting the failover)',
    ]);
    expect(errorsOf(withChanges(aws3(), { failover: { decisionTime: '0s' } }))[0]).toBe(
      'error failover.decisionTime: failover.decisionTime 0s assumes a person decides instantly; give the time your on-call needs to notice, judge and start the procedure (10m by default), or set failover.decision: automatic',
    );
    expect(errorsOf(withChanges(gcp3(), { failover: { decision: 'automatic' } }))).toEqual([
      'error failover.decision: failover.decision automatic is not available on Google Cloud: the failover workflow runs when a person starts it (gcloud workflows run); set failover.decision: manual (the default) and count the decision in failover.decisionTime',
    ]);
  });
});

describe('objectives (lib/core checkObjectives with the AWS figures; a lower bound on Google Cloud)', () => {
  test('an RTO below the AWS estimate names each setting that would meet it', () => {
    expect(errorsOf(withChanges(aws3(), { objectives: { rto: '5m', rpo: '30s', acceptRpoGuardWriteStalls: true } }))).toEqual([
      'error objectives.rto: objectives.rto 5m is below the estimated failover RTO of 900 s (detection 30 s + decision 600 s + promotion 120 s + traffic-shift 90 s + dns 60 s); lower routing.healthCheck.failureThreshold to 1, and lower failover.decisionTime to 1m if your on-call reliably decides that fast, or set failover.decision: automatic with failover.allowDataLoss: true (the alarm decides in 60 s), and lower routing.ttl to 20s, or raise objectives.rto to 15m',
    ]);
    // The same file meets it with an alarm deciding and a data-losing failover allowed.
    expect(errorsOf(withChanges(aws3(), { objectives: { rto: '6m', rpo: '30s', acceptRpoGuardWriteStalls: true }, failover: { decision: 'automatic', allowDataLoss: true } }))).toEqual([]);
  });

  test('RPO 0 across regions (the topology rule), and the RPO guard of a single secondary', () => {
    expect(errorsOf(withChanges(aws3(), { objectives: { rpo: '0s' } }))).toEqual([
      'error objectives.rpo: objectives.rpo 0s cannot be met across regions: replication to the other regions is asynchronous, so losing the primary region loses the writes not yet replicated (only a planned switchover loses nothing); declare the data loss you accept, e.g. rpo: 30s',
    ]);
    expect(errorsOf(withChanges(aws3(), { objectives: { rto: '15m', rpo: '30s' } }))).toEqual([
      'error objectives.rpo: objectives.rpo 30s sets rds.global_db_rpo on the primary, so commits in us-east-1 wait whenever the only other region (eu-west-1) lags more than 30 s: any impairment of eu-west-1 stops writes in us-east-1, and major version upgrades are refused while it is set; set objectives.acceptRpoGuardWriteStalls: true to accept that (an alarm warns at 80% of the bound), add a third region (Aurora then waits only while every secondary lags), or declare an rpo below 20s so it is a target the runbook reports, not a bound Aurora enforces',
    ]);
    // MySQL has no rds.global_db_rpo: nothing to accept.
    expect(errorsOf(withChanges(aws3(), { objectives: { rto: '15m', rpo: '30s' }, database: { engine: 'mysql' } }))).toEqual([]);
  });

  test('Google Cloud: an RTO below what happens before the promotion', () => {
    expect(errorsOf(withChanges(gcp3(), { objectives: { rto: '5m' } }))).toEqual([
      'error objectives.rto: objectives.rto 5m is below what a failover takes before Cloud SQL even promotes the replica: 11 min 30 s (detection 60 s + decision 600 s + dns 30 s; Google publishes no promotion time); lower failover.decisionTime, routing.healthCheck.failureThreshold or routing.ttl, or raise objectives.rto to 690s plus the promotion time you measure in a drill',
    ]);
    expect(errorsOf(withChanges(gcp3(), { objectives: { rto: '15m' } }))).toEqual([]);
  });

  test('a lag alarm above the RPO is a warning', () => {
    expect(problemsOf(withChanges(aws3(), { replication: { lagAlarm: '1m' } }))).toEqual([
      'warning replication.lagAlarm: replication.lagAlarm 1m is above objectives.rpo 30s: the lag alarm fires only after the objective is already missed; set replication.lagAlarm to 30s or less',
    ]);
  });

  test('backup retention (lib/core validateHardening): the phase minimum, the cloud maximum, whole days', () => {
    expect(errorsOf(withChanges(aws3(), { database: { backupRetention: '3d' } }))).toEqual(['error database.backupRetention: database.backupRetention 3d is below the phase-3 minimum of 7; set database.backupRetention to 7d or more']);
    expect(errorsOf(withChanges(aws3(), { database: { backupRetention: '40d' } }))).toEqual(['error database.backupRetention: database.backupRetention 40d is above the 35-day maximum the service allows; set database.backupRetention to 35d or less, and keep longer-lived copies with snapshots or a backup vault']);
    expect(errorsOf(withChanges(gcp3(), { database: { backupRetention: '40d' } }))).toEqual([]);
    expect(errorsOf(withChanges(aws3(), { database: { backupRetention: '36h' } }))).toEqual(['error database.backupRetention: database.backupRetention 36h is not a whole number of days; set database.backupRetention to a whole number of days, e.g. 7d']);
  });
});

describe('residency', () => {
  test('in phases 1–4 every region holds a full copy: a class must allow each one', () => {
    expect(errorsOf(withChanges(aws3(), { residency: [{ class: 'pii', allowedRegions: ['us-*'] }] }))).toEqual([
      "error residency[0].allowedRegions: residency[0] 'pii' excludes eu-west-1, which holds a full copy of the database (phase 3 replicates everything to every region); allow eu-west-1 in residency[0].allowedRegions, or keep this class's data out of this deployment (phase 5 with mode: geo-partitioned gives it partitions whose regions the class allows)",
    ]);
    expect(errorsOf(withChanges(aws3(), { residency: [{ class: 'pii', allowedRegions: ['us-*', 'eu-west-1'] }] }))).toEqual([]);
  });

  test('entries are regions or prefixes of the cloud; a class once', () => {
    expect(errorsOf(withChanges(aws3(), { residency: [{ class: 'pii', allowedRegions: ['europe-*', 'us-east-1', 'eu-west-1'] }] }))).toEqual([
      "error residency[0].allowedRegions[0]: residency[0].allowedRegions[0] 'europe-*' matches no AWS region; write a prefix of AWS region names, e.g. 'us-*'",
    ]);
    expect(errorsOf(withChanges(aws3(), { residency: [{ class: 'pii', allowedRegions: ['us-east-1', 'eu-west-1'] }, { class: 'pii', allowedRegions: ['us-east-1', 'eu-west-1'] }] }))).toEqual([
      "error residency[1].class: residency[1].class 'pii' is also residency[0]; give each class one entry (list all its regions in allowedRegions)",
    ]);
  });
});

describe('phase 5 (lib/core checkWriteMode and validatePartitions)', () => {
  const routing = { zone: 'example.com', hostedZoneId: 'Z1' };
  const geo = (): Doc => ({
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'aws', account: '123456789012', phase: 5, mode: 'geo-partitioned', routing,
    regions: [{ name: 'eu-west-1', role: 'primary' }, { name: 'eu-central-1', role: 'replica' }, { name: 'us-east-1', role: 'primary' }, { name: 'us-west-2', role: 'replica' }],
    residency: [{ class: 'eu_pii', allowedRegions: ['eu-*'] }],
    partitions: [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'], residency: 'eu_pii' }, { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'] }],
  });
  test('a valid geo-partitioned file: partitions with their origin and residency', () => {
    // No warning that AWS does not build phase 5 from a file: it does (lib/aws/ladder-file-phase5.ts).
    expect(problemsOf(geo())).toEqual([]);
    expect(configOf(geo()).partitions).toEqual([
      { name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'], standbyRegion: 'eu-central-1', origin: 'eu-west-1', residency: { name: 'eu_pii', allowedRegions: ['eu-*'] } },
      { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'], standbyRegion: 'us-west-2', origin: 'us-east-1' },
    ]);
  });

  test('last-write-wins is refused with the reason, not as an unknown value', () => {
    expect(errorsOf(withChanges(geo(), { mode: 'last-write-wins', partitions: undefined }))).toEqual([
      "error mode: mode 'last-write-wins' asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on aws offers (and which silently discards one of two concurrent writes); set mode to 'geo-partitioned' (one home region per partition on Aurora Global Database) or 'active-active' (Aurora DSQL, strongly consistent writes in several regions)",
    ]);
    expect(errorsOf(withChanges(geo(), { mode: undefined, partitions: undefined }))[0]).toMatch(/^error mode: mode is not set, and phase 5 has no default/);
  });

  test('partitions: residency of every copy, class names, origin, homes among the regions, roles', () => {
    const doc = geo();
    (doc.partitions as Doc[])[0].replicaRegions = ['eu-central-1', 'us-east-1'];
    (doc.partitions as Doc[])[1] = { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2'], residency: 'eu_pi', origin: 'eu-west-1' };
    (doc.partitions as Doc[]).push({ name: 'ap', homeRegion: 'ap-southeast-2', replicaRegions: ['ap-southeast-1'] });
    (doc.regions as Doc[])[3].role = 'primary';
    expect(errorsOf(doc)).toEqual([
      "error regions[3].role: regions[3].role 'primary': us-west-2 is the home of no partition, so it takes no writes; set role: replica, or make it the homeRegion of a partition",
      "error partitions[0].replicaRegions[1]: partitions[0].replicaRegions[1] 'us-east-1' may not hold a copy of partition 'eu' under the residency rule 'eu_pii' (allowed: eu-*); remove the region or choose one the residency rule allows",
      "error partitions[1].residency: partitions[1].residency 'eu_pi' is not a class of residency; did you mean 'eu_pii'? use one of eu_pii",
      "error partitions[1].origin: partitions[1].origin 'eu-west-1' holds no copy of partition 'us' (us-east-1, us-west-2); set origin to the region where the partition's database was first created (its home or one of its replica regions)",
      "error partitions[2].homeRegion: partitions[2].homeRegion 'ap-southeast-2' is not in regions; add ap-southeast-2 to regions (role primary for a home region, replica otherwise)",
      "error partitions[2].replicaRegions[0]: partitions[2].replicaRegions[0] 'ap-southeast-1' is not in regions; add ap-southeast-1 to regions (role primary for a home region, replica otherwise)",
    ]);
  });

  test('active-active: every region writes; no partitions; no top-level origin', () => {
    const aa = withChanges(geo(), { mode: 'active-active', partitions: undefined, residency: undefined, origin: 'eu-west-1', witnessRegion: 'us-east-2' });
    expect(errorsOf(aa)).toEqual([
      "error regions[1].role: regions[1].role 'replica': in active-active mode every region writes; set role: primary",
      "error regions[3].role: regions[3].role 'replica': in active-active mode every region writes; set role: primary",
      'error origin: origin is set, but in phase 5 each partition has its own database (mode: geo-partitioned) or none is the origin (active-active); move it to the partition that holds the database first created there (partitions[].origin), or remove it',
    ]);
    expect(errorsOf(withChanges(aws3(), { mode: 'geo-partitioned' }))).toEqual(['error mode: mode is set, but writes go to one region until phase 5; remove mode, or set phase: 5']);
  });

  test('AWS active-active needs witnessRegion; witnessRegion only there', () => {
    const aa = withChanges(geo(), { mode: 'active-active', partitions: undefined, residency: undefined, regions: [{ name: 'us-east-1', role: 'primary' }, { name: 'us-east-2', role: 'primary' }] });
    expect(errorsOf(aa)).toEqual([
      "error mode: mode is active-active, but witnessRegion is missing: an Aurora DSQL multi-Region cluster needs a witness Region for quorum; set witnessRegion to a third Region of the peers' Region set, e.g. witnessRegion: us-west-2 for us-east-1 and us-east-2",
    ]);
    expect(errorsOf(withChanges(aa, { witnessRegion: 'us-west-2' }))).toEqual([]);
    expect(configOf(withChanges(aa, { witnessRegion: 'us-west-2' })).witnessRegion).toBe('us-west-2');
    expect(errorsOf(withChanges(geo(), { witnessRegion: 'us-west-2' }))).toEqual([
      'error witnessRegion: witnessRegion is set, but in mode geo-partitioned each partition is an Aurora global database, which has no witness; remove witnessRegion, or set mode: active-active',
    ]);
    expect(errorsOf(withChanges(aws3(), { witnessRegion: 'us-west-2' }))).toEqual([
      'error witnessRegion: witnessRegion is set, but only phase 5 active-active (Aurora DSQL) has a witness Region; remove witnessRegion, or set phase: 5 with mode: active-active',
    ]);
    expect(errorsOf(withChanges(gcp3(), { witnessRegion: 'us-east1' }))).toEqual([
      'error witnessRegion: witnessRegion is an AWS key, but cloud is gcp; remove it',
    ]);
  });

  test('AWS geo-partitioned GraphQL: routing.graphql needs routing.partitionKey, which needs graphql and phase 5', () => {
    const withRouting = (extra: Doc) => withChanges(geo(), { routing: { ...routing, ...extra } });
    expect(errorsOf(withRouting({ graphql: true }))).toEqual([
      'error routing.graphql: routing.graphql is true, but routing.partitionKey is missing: the edge entry point must know where a request names its partition; add routing.partitionKey: { from: variable, name: partition } (or from: header / cookie set by a trusted layer in front); a verified JWT claim is built in code (GeoPartitionedDatabase graphql.source)',
    ]);
    expect(errorsOf(withRouting({ graphql: true, partitionKey: { from: 'variable', name: 'partition' } }))).toEqual([]);
    expect(configOf(withRouting({ graphql: true, partitionKey: { from: 'header', name: 'x-tenant' } })).routing!.partitionKey).toEqual({ from: 'header', name: 'x-tenant' });
    expect(errorsOf(withRouting({ partitionKey: { from: 'variable', name: 'partition' } }))).toEqual([
      'error routing.partitionKey: routing.partitionKey is set, but routing.graphql is not true, and only the GraphQL edge entry point reads it; set routing.graphql: true, or remove routing.partitionKey',
    ]);
    expect(errorsOf(withRouting({ graphql: true, partitionKey: { from: 'jwt', name: 'tenant' } }))[0]).toMatch(/^error routing\.partitionKey\.from: routing\.partitionKey\.from 'jwt' is not/);
    expect(errorsOf(withChanges(aws3(), { phase: 4, routing: { ...routing, graphql: true, partitionKey: { from: 'variable', name: 'partition' } } }))).toEqual([
      'error routing.partitionKey: routing.partitionKey is set, but the data is partitioned only in phase 5; remove routing.partitionKey, or set phase: 5 with mode: geo-partitioned',
    ]);
  });

  test('partitions[].stackPrefix (AWS) resolves onto the partition', () => {
    const doc = geo();
    (doc.partitions as Doc[])[1].stackPrefix = 'Orders';
    expect(configOf(doc).partitions![1]).toMatchObject({ name: 'us', stackPrefix: 'Orders' });
    expect(configOf(geo()).partitions![1].stackPrefix).toBeUndefined();
  });
});

describe('the resolved configuration', () => {
  test('defaults per cloud', () => {
    const aws = configOf(withChanges(aws3(), { phase: 4 }));
    expect(aws).toMatchObject({
      stackPrefix: 'orders', database: { id: 'orders', engine: 'postgresql' }, standbyRegion: 'eu-west-1', readRegions: ['us-east-1', 'eu-west-1'],
      replication: { lagAlarmSeconds: 30 },
      routing: { zone: 'example.com', strategy: 'latency', writeName: 'write', readName: 'read', ttlSeconds: 60, healthCheck: { intervalSeconds: 10, failureThreshold: 3, path: '/health' }, graphql: false },
      failover: { decision: 'manual', decisionTimeSeconds: 600, allowDataLoss: false, engine: 'region-switch' },
    });
    const gcp = configOf(withChanges(gcp3(), { routing: { zone: 'example.com.', managedZone: 'prod-zone' } }));
    expect(gcp).toMatchObject({
      project: 'my-project', database: { id: 'orders', engine: 'postgresql', edition: 'ENTERPRISE_PLUS' },
      routing: { zone: 'example.com', managedZone: 'prod-zone', strategy: 'geolocation', ttlSeconds: 30, healthCheck: { intervalSeconds: 30, failureThreshold: 2, path: '/healthz' } },
    });
    expect(gcp.failover.engine).toBeUndefined();
    expect(configOf(withChanges(gcp3(), { phase: 2, routing: undefined })).database.edition).toBe('ENTERPRISE');
  });

  test('problems are in file order, with line and column', () => {
    const text = stringify(withChanges(aws3(), { phase: 7, origin: 'us-east-2' }));
    const problems = parseConfig(text, 'm.yaml').problems;
    expect(problems.map((p) => `${p.line}:${p.column} ${p.property}`)).toEqual(['5:8 phase', '6:9 origin']);
  });
});
