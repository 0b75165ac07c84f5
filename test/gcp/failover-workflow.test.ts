/**
 * The generated failover workflow, executed (workflows-interpreter.ts) against
 * a fake Cloud SQL + Cloud DNS API (fake-cloud.ts): a bad minute of 429/503,
 * lost responses, operations already running, a re-run after a partial
 * failure, and the order "DNS first, then backups + PITR, verified".
 */
import { App, TerraformStack } from 'cdktf';
import { FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { IDEMPOTENT_RETRY, retryWindowSeconds } from '../../lib/gcp/private/workflow-source';
import { failFirst, FakeCloud, failingUntil } from './fake-cloud';
import { PROJECT } from './helpers';
import { HttpRequest, runWorkflow } from './workflows-interpreter';

const targets = [{ region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }];
const FAILOVER = { mode: 'failover', acceptDataLoss: true };

function deployment(dr: boolean) {
  const app = new App();
  const primary = new PrimaryRegion(new TerraformStack(app, 'P'), 'Db', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders',
    ...(dr ? { edition: 'ENTERPRISE_PLUS' as const, drReplicaRegion: 'europe-west1' } : {}),
  });
  const replica = new ReadReplicaRegion(new TerraformStack(app, 'R'), 'Db', { primary, region: 'europe-west1', disasterRecovery: dr });
  const router = new GlobalRouter(new TerraformStack(app, 'Router'), 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets });
  const runbook = new FailoverRunbook(new TerraformStack(app, 'Runbook'), 'Runbook', { primary, replicas: [replica], router });
  return { primary, replica, definition: JSON.parse(runbook.workflowSource) };
}

/** The deployment in the cloud: `designated` is the DR designation the primary's second apply makes. */
function cloud(dr: boolean, designated = dr): FakeCloud {
  const c = new FakeCloud(PROJECT);
  const backups = { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: dr ? 14 : 7, backupRetentionSettings: { retainedBackups: dr ? 21 : 14, retentionUnit: 'COUNT' } };
  c.instances.orders = {
    instanceType: 'CLOUD_SQL_INSTANCE', state: 'RUNNABLE', region: 'us-central1',
    settings: { activationPolicy: 'ALWAYS', availabilityType: 'REGIONAL', deletionProtectionEnabled: true, backupConfiguration: backups },
    replicationCluster: designated ? { failoverDrReplicaName: `${PROJECT}:orders-europe-west1` } : {},
  };
  c.instances['orders-europe-west1'] = {
    instanceType: 'READ_REPLICA_INSTANCE', state: 'RUNNABLE', region: 'europe-west1', masterInstanceName: `${PROJECT}:orders`,
    settings: dr ? { activationPolicy: 'ALWAYS', availabilityType: 'REGIONAL', deletionProtectionEnabled: true, backupConfiguration: backups } : { activationPolicy: 'ALWAYS', availabilityType: 'ZONAL', deletionProtectionEnabled: true, backupConfiguration: { enabled: false } },
    replicationCluster: designated ? { drReplica: true } : {},
  };
  c.record = {
    name: 'write.example.com.', type: 'A', ttl: 30,
    routingPolicy: {
      healthCheck: `projects/${PROJECT}/global/healthChecks/hc`,
      primaryBackup: { primaryTargets: { externalEndpoints: ['203.0.113.10'] }, backupGeoTargets: { items: [{ location: 'europe-west1', healthCheckedTargets: { externalEndpoints: ['203.0.113.11'] } }] }, trickleTraffic: 0 },
    },
  };
  return c;
}

const isMove = (r: HttpRequest) => r.method === 'POST' && /\/(promoteReplica|switchover)$/.test(r.url);
const isDnsPatch = (r: HttpRequest) => r.method === 'PATCH' && r.url.includes('dns.googleapis.com');
const isSqlPatch = (r: HttpRequest) => r.method === 'PATCH' && r.url.includes('sqladmin.googleapis.com');

function expectHealthyEnd(c: FakeCloud, retained: number, logDays: number) {
  const promoted = c.instances['orders-europe-west1'];
  expect(promoted.instanceType).toBe('CLOUD_SQL_INSTANCE');
  expect(promoted.settings).toMatchObject({
    availabilityType: 'REGIONAL',
    deletionProtectionEnabled: true,
    backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: logDays, backupRetentionSettings: { retainedBackups: retained, retentionUnit: 'COUNT' } },
  });
  expect(c.record!.routingPolicy.primaryBackup.primaryTargets.externalEndpoints).toEqual(['203.0.113.11']);
  // The record keeps its health check: the policy was merged, not replaced.
  expect(c.record!.routingPolicy.healthCheck).toBe(`projects/${PROJECT}/global/healthChecks/hc`);
}

/** An unplanned failover: the primary's region is lost (every call about the instance fails to connect). */
function regionLost(c: FakeCloud): FakeCloud {
  c.unreachable.add('orders');
  return c;
}

describe('promotion of a plain replica', () => {
  const { definition } = deployment(false);

  test('moves the writes, re-points DNS first, then restores backups + PITR with explicit settings, and verifies', () => {
    const c = regionLost(cloud(false));
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ promoted: 'orders-europe-west1', alreadyPrimary: false, writeRecord: 'write.example.com.' });
    expect(c.moves).toEqual(['promoteReplica orders-europe-west1 failover=false']);
    const order = run.calls.filter((r) => isMove(r) || isDnsPatch(r) || isSqlPatch(r)).map((r) => (isMove(r) ? 'move' : isDnsPatch(r) ? 'dns' : 'backups'));
    expect(order).toEqual(['move', 'dns', 'backups']);
    expect(c.patches[0].body.settings.backupConfiguration).toEqual({
      enabled: true, startTime: '03:00', pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7,
      backupRetentionSettings: { retainedBackups: 14, retentionUnit: 'COUNT' },
    });
    expectHealthyEnd(c, 14, 7);
  });

  test.each([503, 429, 502])('survives a bad minute: every call answers %i for the first 60 s', (code) => {
    const c = regionLost(cloud(false));
    c.faults = [failingUntil(60, code)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.calls.filter((r) => r.at < 60).length).toBeGreaterThan(3);
    expect(c.moves).toHaveLength(1);
    expectHealthyEnd(c, 14, 7);
  });

  test(`retries for about ${retryWindowSeconds()} s per call, then gives up with the error`, () => {
    expect(retryWindowSeconds(IDEMPOTENT_RETRY)).toBe(2 + 4 + 8 + 16 + 32 + 60 + 60 + 60);
    const c = regionLost(cloud(false));
    c.faults = [failingUntil(10_000, 503)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toMatchObject({ code: 503 });
    expect(run.clock).toBeGreaterThanOrEqual(retryWindowSeconds());
    expect(c.moves).toEqual([]);
  });

  test('a lost response to the promotion (processed, connection dropped) does not promote twice', () => {
    const c = regionLost(cloud(false));
    c.faults = [failFirst(1, isMove, { fail: 'ConnectionError' }, true)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toHaveLength(1);
    expectHealthyEnd(c, 14, 7);
  });

  test('a 409 (another operation running on the replica) waits for it, then promotes once', () => {
    const c = regionLost(cloud(false));
    c.startOperation('orders-europe-west1', 'BACKUP_VOLUME', 120, 0);
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toHaveLength(1);
    expect(run.calls.find(isMove)!.at).toBeGreaterThanOrEqual(120);

    const c2 = regionLost(cloud(false));
    c2.faults = [failFirst(1, isMove, { code: 409 })];
    const run2 = runWorkflow(definition, FAILOVER, c2.handler);
    expect(run2.error).toBeUndefined();
    expect(c2.moves).toHaveLength(1);
  });

  test('a re-run after a failure between the promotion and DNS skips the promotion and finishes', () => {
    const c = regionLost(cloud(false));
    c.faults = [(req) => (isDnsPatch(req) ? { outcome: { code: 500 } } : undefined)];
    const first = runWorkflow(definition, FAILOVER, c.handler);
    expect(first.error).toMatchObject({ code: 500 });
    expect(c.moves).toHaveLength(1);
    expect(c.patches).toHaveLength(0);

    c.faults = [];
    const second = runWorkflow(definition, FAILOVER, c.handler);
    expect(second.error).toBeUndefined();
    expect(second.result).toMatchObject({ alreadyPrimary: true });
    expect(c.moves).toHaveLength(1);
    expectHealthyEnd(c, 14, 7);

    // A third run changes nothing: the backups are in place, the record already points there.
    const third = runWorkflow(definition, FAILOVER, c.handler);
    expect(third.error).toBeUndefined();
    expect(c.moves).toHaveLength(1);
    expect(c.patches).toHaveLength(1);
  });

  test('backups that do not take effect fail the verification (traffic already moved)', () => {
    const c = regionLost(cloud(false));
    c.faults = [failFirst(1, isSqlPatch, { code: 200, body: { name: 'op-ignored', status: 'DONE' } })];
    c.startOperation('unrelated', 'NOTHING', 0, 0).name = 'op-ignored';
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(String(run.error)).toMatch(/^verification failed: backups or point-in-time recovery of orders-europe-west1 are not as requested \(14 backups, 7 days of logs\)/);
    expect(c.record!.routingPolicy.primaryBackup.primaryTargets.externalEndpoints).toEqual(['203.0.113.11']);
  });

  test('refuses a failover without acceptDataLoss, before any call', () => {
    const c = regionLost(cloud(false));
    const run = runWorkflow(definition, { mode: 'failover' }, c.handler);
    expect(String(run.error)).toMatch(/^refusing an unplanned failover/);
    expect(run.calls).toEqual([]);
  });
});

describe('switchover to a designated Enterprise Plus DR replica', () => {
  const { definition } = deployment(true);

  test('switches over, re-points DNS, then turns point-in-time recovery back on and verifies it', () => {
    const c = cloud(true);
    const run = runWorkflow(definition, {}, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toEqual(['switchover orders-europe-west1']);
    expect(c.instances.orders.instanceType).toBe('READ_REPLICA_INSTANCE');
    const order = run.calls.filter((r) => isMove(r) || isDnsPatch(r) || isSqlPatch(r)).map((r) => (isMove(r) ? 'move' : isDnsPatch(r) ? 'dns' : 'backups'));
    expect(order).toEqual(['move', 'dns', 'backups']);
    expectHealthyEnd(c, 21, 14);
  });

  test('a replica failover (region lost) survives a bad minute too', () => {
    const c = regionLost(cloud(true));
    c.faults = [failingUntil(60, 503)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toEqual(['promoteReplica orders-europe-west1 failover=true']);
    expectHealthyEnd(c, 21, 14);
  });
});

describe('role-free: any region of the deployment is a target, which is also the failback', () => {
  const { definition } = deployment(true);

  test('a drill: switch over to europe-west1, then back to us-central1 (target), each verified', () => {
    const c = cloud(true);
    const there = runWorkflow(definition, { mode: 'switchover', target: 'europe-west1' }, c.handler);
    expect(there.error).toBeUndefined();
    expect(there.result).toMatchObject({ target: 'europe-west1', promoted: 'orders-europe-west1', formerPrimary: `${PROJECT}:orders` });
    expect(c.instances.orders).toMatchObject({ instanceType: 'READ_REPLICA_INSTANCE', masterInstanceName: `${PROJECT}:orders-europe-west1` });
    const back = runWorkflow(definition, { mode: 'switchover', target: 'us-central1' }, c.handler);
    expect(back.error).toBeUndefined();
    expect(back.result).toMatchObject({ target: 'us-central1', promoted: 'orders', alreadyPrimary: false });
    expect(c.moves).toEqual(['switchover orders-europe-west1', 'switchover orders']);
    expect(c.instances['orders-europe-west1']).toMatchObject({ instanceType: 'READ_REPLICA_INSTANCE', masterInstanceName: `${PROJECT}:orders` });
    expect(c.record!.routingPolicy.primaryBackup.primaryTargets.externalEndpoints).toEqual(['203.0.113.10']);
    // The way back restores backups + PITR with the us-central1 instance's own settings.
    expect(c.instances.orders.settings.backupConfiguration).toMatchObject({ pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 14, backupRetentionSettings: { retainedBackups: 21 } });
  });

  test('a target that is not a region of the deployment is refused before any call', () => {
    const c = cloud(true);
    const run = runWorkflow(definition, { mode: 'switchover', target: 'asia-southeast1' }, c.handler);
    expect(run.error).toBe('target asia-southeast1 is not a region of this deployment (us-central1, europe-west1): the writes can only move to one of its instances');
    expect(run.calls).toEqual([]);
  });

  test('a switchover while the DR replica is not designated yet (first apply) is refused with the next step', () => {
    const c = cloud(true, false);
    const run = runWorkflow(definition, {}, c.handler);
    expect(run.error).toBe('switchover needs the designated DR replica, but orders-europe-west1 is not designated on its primary yet: apply the primary stack once more (its output DrReplicaDesignation says which apply is next), or stop writes, wait for replica lag 0 and run with mode failover and acceptDataLoss true');
    expect(c.moves).toEqual([]);
    // An unplanned failover still works: a plain promotion (failover=false), decided at run time.
    const failover = runWorkflow(definition, FAILOVER, regionLost(c).handler);
    expect(failover.error).toBeUndefined();
    expect(c.moves).toEqual(['promoteReplica orders-europe-west1 failover=false']);
  });
});

describe('bad input: a failback while the former primary has not rejoined', () => {
  const { definition } = deployment(false);

  function afterUnplannedFailover(): FakeCloud {
    const c = regionLost(cloud(false));
    expect(runWorkflow(definition, FAILOVER, c.handler).error).toBeUndefined();
    // The region is back: orders is a standalone primary, writable (activation policy ALWAYS).
    c.unreachable.clear();
    return c;
  }

  test('moving the writes back to us-central1 is refused with what to do; nothing is moved, DNS stays', () => {
    const c = afterUnplannedFailover();
    const moves = c.moves.length;
    const run = runWorkflow(definition, { mode: 'failover', acceptDataLoss: true, target: 'us-central1' }, c.handler);
    expect(run.error).toBe(
      'refusing to make orders the writer: orders-europe-west1 is a writable primary too (RUNNABLE, activation policy not NEVER). '
      + 'If the writes moved to orders (an earlier failover), fence orders-europe-west1 first: gcloud sql instances patch orders-europe-west1 --activation-policy=NEVER, then run this again. '
      + 'If orders-europe-west1 is the writer, orders is a former primary that has not rejoined: fence it, export the writes only it has, rebuild it as a replica of orders-europe-west1 (runbook: The lost region is back), then fail back',
    );
    expect(c.moves).toHaveLength(moves);
    expect(c.record!.routingPolicy.primaryBackup.primaryTargets.externalEndpoints).toEqual(['203.0.113.11']);
  });

  test('a re-run of the failover while the former primary is back and writable is refused too (two writers)', () => {
    const c = afterUnplannedFailover();
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(String(run.error)).toMatch(/^refusing to make orders-europe-west1 the writer: orders is a writable primary too/);
  });

  test('once the former primary is fenced (activation policy NEVER), the re-run completes', () => {
    const c = afterUnplannedFailover();
    c.instances.orders.settings.activationPolicy = 'NEVER';
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ alreadyPrimary: true, promoted: 'orders-europe-west1' });
  });
});

describe('fencing the former primary (no split brain)', () => {
  const plain = deployment(false).definition;
  const dr = deployment(true).definition;
  const isFence = (r: HttpRequest) => r.method === 'PATCH' && r.url.endsWith('/instances/orders') && (r.body as any)?.settings?.activationPolicy === 'NEVER';

  /** The split-brain guards Terraform created, disabled, one per instance. */
  function withGuards(c: FakeCloud): FakeCloud {
    for (const [i, name] of ['orders', 'orders-europe-west1'].entries()) {
      c.alertPolicies.push({ name: `projects/${PROJECT}/alertPolicies/${100 + i}`, userLabels: { mrc_split_brain_guard: name }, enabled: false });
    }
    return c;
  }

  test('the former primary answers: it is fenced (activation policy NEVER) before the promotion, then its guard is armed', () => {
    const c = withGuards(cloud(false));
    const run = runWorkflow(plain, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ fence: { instance: 'orders', state: 'done' }, splitBrainGuard: 'armed: orders' });
    expect(c.instances.orders.settings.activationPolicy).toBe('NEVER');
    const fenceAt = run.calls.findIndex(isFence);
    const moveAt = run.calls.findIndex(isMove);
    expect(fenceAt).toBeGreaterThanOrEqual(0);
    expect(fenceAt).toBeLessThan(moveAt);
    // The fence operation finished before the move was posted.
    expect(run.calls[moveAt].at).toBeGreaterThanOrEqual(c.opSeconds.patch);
    expect(c.alertPolicies.map((p) => p.enabled)).toEqual([true, false]);
    expect(run.logs).toEqual([]);
    expectHealthyEnd(c, 14, 7);
  });

  test('the former primary\'s region is lost: the fence is pending (result, log), the guard armed, and the failover goes on', () => {
    const c = withGuards(regionLost(cloud(false)));
    const run = runWorkflow(plain, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ fence: { instance: 'orders', state: 'pending' }, splitBrainGuard: 'armed: orders' });
    expect(run.logs).toEqual([{
      severity: 'WARNING',
      at: expect.any(Number),
      text: 'FENCE PENDING: the former primary orders did not answer (or did not confirm activation policy NEVER) before orders-europe-west1 was promoted. When its region is back, fence it before anything else: gcloud sql instances patch orders --activation-policy=NEVER (runbook: The lost region is back). Its split-brain alert is armed.',
    }]);
    // The probe gave up quickly (2 short retries): the region outage does not hold the failover back.
    expect(run.calls.find(isMove)!.at).toBeLessThan(15);
    expect(c.alertPolicies[0].enabled).toBe(true);
    expectHealthyEnd(c, 14, 7);
    // When the region comes back the instance is writable: the failback is refused (see below) until it is fenced.
    c.unreachable.clear();
    expect(String(runWorkflow(plain, { mode: 'failover', acceptDataLoss: true, target: 'us-central1' }, c.handler).error)).toMatch(/^refusing to make orders the writer/);
  });

  test('a fence that is not confirmed in time counts as pending; the promotion is not held back', () => {
    const c = withGuards(cloud(false));
    // The fence operation never finishes in time; later patches (backups) are normal.
    c.opSeconds.patch = 10_000;
    c.faults = [(req) => { if (isMove(req)) c.opSeconds.patch = 90; return undefined; }];
    const run = runWorkflow(plain, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ fence: { state: 'pending' } });
    expect(run.calls.find(isMove)!.at).toBeLessThan(400);
  });

  test('an already fenced former primary is not patched again', () => {
    const c = withGuards(cloud(false));
    c.instances.orders.settings.activationPolicy = 'NEVER';
    const run = runWorkflow(plain, FAILOVER, c.handler);
    expect(run.result).toMatchObject({ fence: { instance: 'orders', state: 'done' } });
    expect(run.calls.filter(isFence)).toEqual([]);
  });

  test('DR replica failover while the primary answers: fenced first, then promoteReplica failover=true; it stays stopped (no rejoin)', () => {
    const c = withGuards(cloud(true));
    const run = runWorkflow(dr, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toEqual(['promoteReplica orders-europe-west1 failover=true']);
    expect(c.instances.orders).toMatchObject({ instanceType: 'CLOUD_SQL_INSTANCE', settings: expect.objectContaining({ activationPolicy: 'NEVER' }) });
    expect(run.result).toMatchObject({ fence: { state: 'done' } });
  });

  test('a switchover never fences (the former primary becomes a replica)', () => {
    const c = withGuards(cloud(true));
    const run = runWorkflow(dr, { mode: 'switchover' }, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.calls.filter(isFence)).toEqual([]);
    expect(run.result).toMatchObject({ fence: { state: 'not-needed' }, splitBrainGuard: 'none' });
    expect(c.alertPolicies.every((p) => !p.enabled)).toBe(true);
  });

  test('the guard cannot be armed (Monitoring down): reported in the result, the failover still completes', () => {
    const c = withGuards(cloud(false));
    c.faults = [(req) => (req.url.startsWith('https://monitoring.googleapis.com/') ? { outcome: { code: 403 } } : undefined)];
    const run = runWorkflow(plain, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ splitBrainGuard: 'not armed: enable the alert policy labelled mrc_split_brain_guard=orders by hand' });
    expectHealthyEnd(c, 14, 7);
  });

  test('a failback while the former primary is fenced but not rejoined is refused too (it is not a replica)', () => {
    const c = withGuards(cloud(false));
    expect(runWorkflow(plain, FAILOVER, c.handler).error).toBeUndefined();
    const run = runWorkflow(plain, { mode: 'failover', acceptDataLoss: true, target: 'us-central1' }, c.handler);
    // orders is fenced (NEVER): it does not count as a writer, so "already primary" would be wrong — the
    // target is a stopped former primary. It is refused: the move needs a replica.
    expect(String(run.error)).toMatch(/^refusing to fail back to orders: it is a fenced former primary \(activation policy NEVER\), not a replica of the writer/);
  });
});

describe('the interpreter itself (so the tests above can fail)', () => {
  test('an HTTP error without try/retry fails the run', () => {
    const def = { main: { params: ['args'], steps: [{ get: { call: 'http.get', args: { url: 'https://x' }, result: 'r' } }, { done: { return: '${r.body}' } }] } };
    expect(runWorkflow(def, {}, () => ({ code: 503 })).error).toMatchObject({ code: 503, tags: ['HttpError'] });
    expect(runWorkflow(def, {}, () => ({ code: 200, body: 'ok' })).result).toBe('ok');
  });

  test('a missing key raises KeyError; map.get and default do not', () => {
    const def = (expr: string) => ({ main: { params: ['args'], steps: [{ done: { return: expr } }] } });
    expect(runWorkflow(def('${args.missing}'), {}, () => ({ code: 200 })).error).toMatchObject({ tags: ['KeyError'] });
    expect(runWorkflow(def('${default(map.get(args, ["a", "b"]), 7)}'), { a: {} }, () => ({ code: 200 })).result).toBe(7);
    expect(runWorkflow(def('${"x" in ["y", "x"] and not (1 >= 2)}'), {}, () => ({ code: 200 })).result).toBe(true);
  });

  test('the non-idempotent predicate does not retry a 502', () => {
    const def = { main: { params: ['args'], steps: [{ post: { try: { call: 'http.post', args: { url: 'https://x' }, result: 'r' }, retry: { predicate: '${http.default_retry_predicate_non_idempotent}', max_retries: 5, backoff: { initial_delay: 1, max_delay: 10, multiplier: 2 } } } }] } };
    let n = 0;
    expect(runWorkflow(def, {}, () => { n++; return { code: 502 }; }).error).toMatchObject({ code: 502 });
    expect(n).toBe(1);
  });
});
