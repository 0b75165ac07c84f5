/**
 * No split brain: the states that keep an old writer from coming back as a
 * writer, in the Step Functions engine.
 *
 * What Aurora does after FailoverGlobalCluster with AllowDataLoss
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html,
 * "Performing managed failovers"): it "attempts to halt write traffic
 * through the highly-available Aurora storage layer" ("write fencing"),
 * best effort — "it's possible that writes might be momentarily accepted in
 * the old primary Region" — and reports the outcome as an RDS event; when the
 * old primary's Region "is healthy and available again, Aurora automatically
 * adds it back to the global cluster as a secondary Region", with a new
 * storage volume, after trying to snapshot the old one as
 * `rds:unplanned-global-failover-<old primary cluster>-<timestamp>` (a system
 * snapshot, deleted with the old cluster's backup retention unless copied).
 *
 * So the old primary is fenced for good once it is back in the global
 * cluster as a connected secondary. Until then it is treated as possibly
 * writable:
 * - the failover records that the fence is pending (its SNS message and its
 *   output say which cluster, and what to do);
 * - a switchover to a cluster that is not a connected secondary — a failback
 *   to an old primary that has not rejoined — is refused with what to do.
 */
import { Definition, sdk, StateMachineFacts } from './asl-definition';

const SNAPSHOT_PREFIX = 'rds:unplanned-global-failover-';

/** Before the failover call: who writes now (`$.global.writers`) is kept at `$.before`. */
export function rememberOldWriters(d: Definition, next: string): string {
  d.add('RememberOldWriter', { Type: 'Pass', Parameters: { 'writers.$': '$.global.writers' }, ResultPath: '$.before', Next: next });
  return 'RememberOldWriter';
}

/**
 * After the promotion: is the cluster that wrote before a connected
 * secondary of the global database yet? If not, the fence is pending: the
 * execution still succeeds (the writer is here), its output and its SNS
 * message say so, and the failback (a switchover back) will refuse to start
 * until it is.
 */
export function addFenceCheck(d: Definition, f: StateMachineFacts, next: string): string {
  const others = f.otherClusters;
  d.add('ReadFence', {
    Type: 'Task',
    Resource: sdk('rds', 'describeGlobalClusters'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier },
    ResultSelector: Object.fromEntries(others.map((o, i) => [
      `sync${i}.$`, `$.GlobalClusters[0].GlobalClusterMembers[?(@.DBClusterArn == '${o.clusterArn}')].SynchronizationStatus`,
    ])),
    ResultPath: '$.fenceRead',
    Next: 'FenceState',
  });
  d.add('FenceState', {
    Type: 'Pass',
    Parameters: Object.fromEntries(others.flatMap((o, i) => [
      [`old${i}.$`, `States.ArrayContains($.before.writers, '${o.clusterArn}')`],
      [`fenced${i}.$`, `States.ArrayContains($.fenceRead.sync${i}, 'connected')`],
    ])),
    ResultPath: '$.fence',
    Next: 'Fenced',
  });
  d.add('Fenced', {
    Type: 'Choice',
    Choices: others.map((_o, i) => ({
      And: [{ Variable: `$.fence.old${i}`, BooleanEquals: true }, { Variable: `$.fence.fenced${i}`, BooleanEquals: false }],
      Next: `FencePending${i}`,
    })),
    Default: next,
  });
  others.forEach((o, i) => {
    d.notify(`FencePending${i}`, `Failover to ${f.region} complete: fence of ${o.region} pending`, [
      `${f.clusterIdentifier} is the writer of ${f.globalClusterIdentifier}.`,
      `The old primary ${o.clusterIdentifier} (${o.region}) is not yet a connected secondary, so it may still accept writes (split brain):`,
      `Aurora fences writes at the storage layer on a best-effort basis and re-adds the old primary as a secondary, with a new storage volume, once ${o.region} is healthy.`,
      `Until then keep the applications of ${o.region} from writing (they should connect through the global writer endpoint), and check Aurora's write-fencing event: aws rds describe-events --region ${f.region} --source-type db-cluster --source-identifier ${f.clusterIdentifier} --duration 1440.`,
      `When ${o.region} is back, copy the snapshot of the old storage volume before its retention deletes it (aws rds describe-db-cluster-snapshots --region ${o.region} --db-cluster-identifier ${o.clusterIdentifier}, identifier ${SNAPSHOT_PREFIX}${o.clusterIdentifier}-<timestamp>); it holds the writes that were not replicated.`,
      `A failback to ${o.region} is refused until ${o.clusterIdentifier} is a connected secondary (the runbook's failback procedure).`,
    ].join(' '), `RecordFencePending${i}`);
    d.add(`RecordFencePending${i}`, {
      Type: 'Pass',
      Result: { fence: 'pending', oldPrimary: o.clusterIdentifier, region: o.region },
      ResultPath: '$.fenceResult',
      Next: 'Done',
    });
  });
  return 'ReadFence';
}

/**
 * Before a switchover here: this region's cluster must be a connected
 * secondary of the global database. After a failover with data loss, the
 * old primary is not one until Aurora has re-added it; a switchover to it
 * then is a failback to a cluster that may hold writes no one else has.
 */
export function addMemberCheck(d: Definition, f: StateMachineFacts, next: string): string {
  d.add('ReadMembership', {
    Type: 'Task',
    Resource: sdk('rds', 'describeGlobalClusters'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier },
    ResultSelector: { 'sync.$': `$.GlobalClusters[0].GlobalClusterMembers[?(@.DBClusterArn == '${f.clusterArn}')].SynchronizationStatus` },
    ResultPath: '$.membership',
    Next: 'MembershipState',
  });
  d.add('MembershipState', {
    Type: 'Pass',
    Parameters: {
      'member.$': 'States.ArrayLength($.membership.sync)',
      'connected.$': "States.ArrayContains($.membership.sync, 'connected')",
    },
    ResultPath: '$.membership',
    Next: 'ConnectedSecondary',
  });
  d.add('ConnectedSecondary', {
    Type: 'Choice',
    Choices: [
      {
        Variable: '$.membership.member', NumericEquals: 0,
        Next: d.failWith('NotRejoined', `${f.clusterIdentifier} is not a member of ${f.globalClusterIdentifier}, so it may still accept writes of its own (split brain). After a failover with data loss Aurora re-adds the old primary as a secondary only once ${f.region} is healthy, after snapshotting its old storage volume as ${SNAPSHOT_PREFIX}${f.clusterIdentifier}-<timestamp>. Keep the applications of ${f.region} from writing, copy that snapshot (aws rds copy-db-cluster-snapshot --region ${f.region}), wait until aws rds describe-global-clusters lists ${f.clusterIdentifier} with SynchronizationStatus connected, then start the failback again`),
      },
      {
        Variable: '$.membership.connected', BooleanEquals: false,
        Next: d.failWith('NotConnected', `${f.clusterIdentifier} is a member of ${f.globalClusterIdentifier} but not connected (pending-resync: Aurora is rebuilding it, after a failover or an outage); wait until aws rds describe-global-clusters shows SynchronizationStatus connected, then start again`),
      },
    ],
    Default: next,
  });
  return 'ReadMembership';
}
