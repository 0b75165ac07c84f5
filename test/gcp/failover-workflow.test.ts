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
    ...(dr ? { edition: 'ENTERPRISE_PLUS' as const, drReplicaRegion: 'europe-west1', drReplicaDesignated: true } : {}),
  });
  const replica = new ReadReplicaRegion(new TerraformStack(app, 'R'), 'Db', { primary, region: 'europe-west1', disasterRecovery: dr });
  const router = new GlobalRouter(new TerraformStack(app, 'Router'), 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets });
  const runbook = new FailoverRunbook(new TerraformStack(app, 'Runbook'), 'Runbook', { primary, replica, router });
  return { primary, replica, definition: JSON.parse(runbook.workflowSource) };
}

function cloud(dr: boolean): FakeCloud {
  const c = new FakeCloud(PROJECT);
  const backups = { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: dr ? 14 : 7, backupRetentionSettings: { retainedBackups: dr ? 21 : 14, retentionUnit: 'COUNT' } };
  c.instances.orders = { instanceType: 'CLOUD_SQL_INSTANCE', state: 'RUNNABLE', region: 'us-central1', settings: { availabilityType: 'REGIONAL', deletionProtectionEnabled: true, backupConfiguration: backups } };
  c.instances['orders-europe-west1'] = {
    instanceType: 'READ_REPLICA_INSTANCE', state: 'RUNNABLE', region: 'europe-west1',
    settings: dr ? { availabilityType: 'REGIONAL', deletionProtectionEnabled: true, backupConfiguration: backups } : { availabilityType: 'ZONAL', deletionProtectionEnabled: true, backupConfiguration: { enabled: false } },
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

describe('promotion of a plain replica', () => {
  const { definition } = deployment(false);

  test('moves the writes, re-points DNS first, then restores backups + PITR with explicit settings, and verifies', () => {
    const c = cloud(false);
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
    const c = cloud(false);
    c.faults = [failingUntil(60, code)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(run.calls.filter((r) => r.at < 60).length).toBeGreaterThan(3);
    expect(c.moves).toHaveLength(1);
    expectHealthyEnd(c, 14, 7);
  });

  test(`retries for about ${retryWindowSeconds()} s per call, then gives up with the error`, () => {
    expect(retryWindowSeconds(IDEMPOTENT_RETRY)).toBe(2 + 4 + 8 + 16 + 32 + 60 + 60 + 60);
    const c = cloud(false);
    c.faults = [failingUntil(10_000, 503)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toMatchObject({ code: 503 });
    expect(run.clock).toBeGreaterThanOrEqual(retryWindowSeconds());
    expect(c.moves).toEqual([]);
  });

  test('a lost response to the promotion (processed, connection dropped) does not promote twice', () => {
    const c = cloud(false);
    c.faults = [failFirst(1, isMove, { fail: 'ConnectionError' }, true)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toHaveLength(1);
    expectHealthyEnd(c, 14, 7);
  });

  test('a 409 (another operation running on the replica) waits for it, then promotes once', () => {
    const c = cloud(false);
    c.startOperation('orders-europe-west1', 'BACKUP_VOLUME', 120, 0);
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toHaveLength(1);
    expect(run.calls.find(isMove)!.at).toBeGreaterThanOrEqual(120);

    const c2 = cloud(false);
    c2.faults = [failFirst(1, isMove, { code: 409 })];
    const run2 = runWorkflow(definition, FAILOVER, c2.handler);
    expect(run2.error).toBeUndefined();
    expect(c2.moves).toHaveLength(1);
  });

  test('a re-run after a failure between the promotion and DNS skips the promotion and finishes', () => {
    const c = cloud(false);
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
    const c = cloud(false);
    c.faults = [failFirst(1, isSqlPatch, { code: 200, body: { name: 'op-ignored', status: 'DONE' } })];
    c.startOperation('unrelated', 'NOTHING', 0, 0).name = 'op-ignored';
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(String(run.error)).toMatch(/^verification failed: backups or point-in-time recovery of orders-europe-west1 are not as requested \(14 backups, 7 days of logs\)/);
    expect(c.record!.routingPolicy.primaryBackup.primaryTargets.externalEndpoints).toEqual(['203.0.113.11']);
  });

  test('refuses a failover without acceptDataLoss, before any call', () => {
    const c = cloud(false);
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
    const c = cloud(true);
    c.faults = [failingUntil(60, 503)];
    const run = runWorkflow(definition, FAILOVER, c.handler);
    expect(run.error).toBeUndefined();
    expect(c.moves).toEqual(['promoteReplica orders-europe-west1 failover=true']);
    expectHealthyEnd(c, 21, 14);
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
