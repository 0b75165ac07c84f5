/**
 * Issue 20 (AWS): no split brain after a failover with data loss. Walks the
 * synthesized Step Functions definitions (test/aws/asl-walk.ts) with the
 * answers Aurora gives before and after the old primary rejoins:
 * - the failover records that the fence of the old writer is pending until
 *   Aurora has re-added it as a connected secondary, and says what to do;
 * - a switchover — the failback — to a cluster that is not a connected
 *   secondary is refused, with the steps to take.
 */
import { FailoverRunbook, GlobalRouter } from '../../lib/aws';
import { inPartitionAws, walk, WalkResult } from './asl-walk';
import { topo } from './helpers';

const arn = (r: string) => `arn:aws:rds:${r}:111111111111:cluster:orders-${r}`;
const US = arn('us-east-1');
const EU = arn('eu-west-1');

function definitions() {
  const t = topo({ replicas: { 'eu-west-1': 1 } });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  const rb = new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, engine: 'stepfunctions', writeRunbook: false });
  return Object.fromEntries(Object.entries(rb.definitions).map(([k, d]) => [k, inPartitionAws(d)]));
}
const defs = definitions();

type Member = { DBClusterArn: string; IsWriter: boolean; SynchronizationStatus?: string };
const global = (members: Member[]) => ({ GlobalClusters: [{ Status: 'available', GlobalClusterMembers: members }] });

/** The AWS answers of a run; `members(state)` gives the global cluster each describeGlobalClusters sees. */
function answers(members: (state: string) => Member[]) {
  return (state: string, resource: string): unknown => {
    if (resource.endsWith(':describeGlobalClusters')) return global(members(state));
    if (resource.endsWith(':describeDBClusters')) return { DBClusters: [{ Status: 'available', DBClusterMembers: [{ DBInstanceIdentifier: 'x' }] }] };
    if (resource.endsWith(':describeAlarms')) return { MetricAlarms: [{ StateValue: 'OK' }] };
    return {}; // failoverGlobalCluster, switchoverGlobalCluster, sns:publish
  };
}

describe('the failover records the fence of the old writer', () => {
  const before: Member[] = [{ DBClusterArn: US, IsWriter: true, SynchronizationStatus: 'connected' }, { DBClusterArn: EU, IsWriter: false, SynchronizationStatus: 'connected' }];
  const run = (after: Member[]): WalkResult => walk(defs['eu-west-1/Failover'], { allowDataLoss: true }, answers((s) => (s === 'ReadWriter' ? before : after)));

  test('us-east-1 unreachable, not (yet) back in the global cluster: the failover succeeds, the fence is pending, and the message says what to do', () => {
    const r = run([{ DBClusterArn: EU, IsWriter: true }]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path).toEqual(expect.arrayContaining(['RememberOldWriter', 'Failover', 'ReadFence', 'FenceState', 'Fenced', 'FencePending0', 'RecordFencePending0']));
    expect(r.path).not.toContain('NotifySuccess');
    expect((r.output as { fenceResult: unknown }).fenceResult).toEqual({ fence: 'pending', oldPrimary: 'orders-us-east-1', region: 'us-east-1' });
    const sns = r.calls.FencePending0 as { Subject: string; Message: string };
    expect(sns.Subject).toBe('Failover to eu-west-1 complete: fence of us-east-1 pending');
    expect(sns.Message).toContain('The old primary orders-us-east-1 (us-east-1) is not yet a connected secondary, so it may still accept writes (split brain)');
    expect(sns.Message).toContain('aws rds describe-events --region eu-west-1 --source-type db-cluster --source-identifier orders-eu-west-1 --duration 1440');
    expect(sns.Message).toContain('rds:unplanned-global-failover-orders-us-east-1-<timestamp>');
  });

  test('the old primary rebuilding (pending-resync) is not fenced yet either', () => {
    const r = run([{ DBClusterArn: EU, IsWriter: true }, { DBClusterArn: US, IsWriter: false, SynchronizationStatus: 'pending-resync' }]);
    expect(r.path).toContain('FencePending0');
  });

  test('once Aurora has re-added it as a connected secondary, the fence is done: the ordinary success', () => {
    const r = run([{ DBClusterArn: EU, IsWriter: true }, { DBClusterArn: US, IsWriter: false, SynchronizationStatus: 'connected' }]);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.path.slice(-4)).toEqual(['FenceState', 'Fenced', 'NotifySuccess', 'Done']);
  });
});

describe('a failback to an old primary that has not rejoined is refused by the switchover state machine', () => {
  // The writer is in eu-west-1 after the failover; the switchover state machine in us-east-1 is the failback.
  const run = (us: Member | undefined): WalkResult => walk(defs['us-east-1/Switchover'], {}, answers(() => [
    { DBClusterArn: EU, IsWriter: true, SynchronizationStatus: 'connected' }, ...(us ? [us] : []),
  ]));

  test('not a member of the global cluster: refused, with what to do', () => {
    const r = run(undefined);
    expect(r.status).toBe('FAILED');
    expect(r.path).not.toContain('Switchover');
    expect(r.cause).toBe('orders-us-east-1 is not a member of orders, so it may still accept writes of its own (split brain). After a failover with data loss Aurora re-adds the old primary as a secondary only once us-east-1 is healthy, after snapshotting its old storage volume as rds:unplanned-global-failover-orders-us-east-1-<timestamp>. Keep the applications of us-east-1 from writing, copy that snapshot (aws rds copy-db-cluster-snapshot --region us-east-1), wait until aws rds describe-global-clusters lists orders-us-east-1 with SynchronizationStatus connected, then start the failback again');
  });

  test('a member still being rebuilt (pending-resync): refused', () => {
    const r = run({ DBClusterArn: US, IsWriter: false, SynchronizationStatus: 'pending-resync' });
    expect(r.status).toBe('FAILED');
    expect(r.path).not.toContain('Switchover');
    expect(r.cause).toMatch(/^orders-us-east-1 is a member of orders but not connected \(pending-resync/);
  });

  test('a connected secondary: the switchover goes ahead', () => {
    const r = run({ DBClusterArn: US, IsWriter: false, SynchronizationStatus: 'connected' });
    expect(r.path).toEqual(expect.arrayContaining(['ReadMembership', 'MembershipState', 'ConnectedSecondary', 'GlobalAvailable', 'Switchover']));
    expect(r.calls.Switchover).toEqual({ GlobalClusterIdentifier: 'orders', TargetDbClusterIdentifier: US });
  });
});

describe('the runbook: the fence after a failover, before a failback', () => {
  const t = topo({ replicas: { 'eu-west-1': 1 } });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  const rb = new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, writeRunbook: false });
  const steps = (id: string) => rb.model.procedures.find((p) => p.id === id)!.steps;

  test('the failover fences the old writer: Aurora\'s write-fencing event, its applications, then — when it is back — the snapshot and the rejoin', () => {
    const fence = steps('failover').filter((s) => s.kind === 'fence');
    expect(fence.map((s) => s.title)).toEqual([
      'Check that Aurora fenced writes on us-east-1',
      'Keep us-east-1\'s applications from writing until its cluster has rejoined',
      'When us-east-1 is back: keep the snapshot of its old storage volume',
      'Confirm us-east-1 has rejoined as a read-only secondary',
    ]);
    expect(fence[0].commands!.map((c) => c.command)).toEqual([
      "aws rds describe-events --region eu-west-1 --source-type db-cluster --source-identifier orders-eu-west-1 --duration 1440 --query 'Events[].[Date, Message]'",
      "aws rds describe-events --region us-east-1 --source-type db-cluster --source-identifier orders-us-east-1 --duration 1440 --query 'Events[].[Date, Message]'",
    ]);
    expect(fence[2].commands![0].command).toContain("starts_with(DBClusterSnapshotIdentifier, 'rds:unplanned-global-failover-')");
    expect(fence[2].commands![1].command).toContain('aws rds copy-db-cluster-snapshot --region us-east-1 --source-db-cluster-snapshot-identifier "$SNAP"');
    // The manual fallback fences the same way.
    expect(steps('manual-failover').filter((s) => s.kind === 'fence').map((s) => s.title)).toEqual(fence.map((s) => s.title));
  });

  test('the failback starts with the rejoin (a precondition) and the kept snapshot, before any switchover', () => {
    const failback = steps('failback');
    expect(failback.slice(0, 2).map((s) => [s.kind, s.title])).toEqual([
      ['precondition', 'Check that us-east-1 has rejoined as a connected secondary'],
      ['fence', 'When us-east-1 is back: keep the snapshot of its old storage volume'],
    ]);
    expect(failback[0].expect).toMatch(/^`\[\[false, "connected"\]\]`/);
    const firstMove = failback.findIndex((s) => s.kind === 'database-switchover');
    expect(firstMove).toBeGreaterThan(1);
  });

  test('the Markdown renders the fence kind', () => {
    expect(rb.markdown).toContain('**Check that Aurora fenced writes on us-east-1** _(fence)_');
  });
});
