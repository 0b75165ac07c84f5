/**
 * The runbook's fence steps: what happens to the old writer after a failover
 * with data loss, and what the operator checks and keeps.
 *
 * From Aurora's documentation ("Performing managed failovers",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html):
 * Aurora "attempts to halt write traffic through the highly-available Aurora
 * storage layer" — write fencing, best effort, reported by an RDS event that
 * is recorded on the old primary when it is reachable, otherwise on the new
 * primary; when the old primary's Region "is healthy and available again,
 * Aurora automatically adds it back to the global cluster as a secondary
 * Region", with a new storage volume, after trying to snapshot the old one as
 * `rds:unplanned-global-failover-<old primary cluster>-<timestamp>`, "a system
 * snapshot that's subject to the backup retention period configured on the
 * old primary cluster" — copy it to keep it. AWS recommends taking the
 * applications offline, connecting through the global writer endpoint and a
 * short DNS cache, to minimise split brain.
 */
import { RunbookStep } from '../../core';
import { AwsRunbookFacts, memberStep } from './aws-runbook-steps';

const SNAPSHOT_PREFIX = 'rds:unplanned-global-failover-';

/** Right after the failover from `old` to `writer`: the fence. */
export function fenceNow(f: AwsRunbookFacts, old: string, writer: string): RunbookStep[] {
  return [{
    kind: 'fence',
    title: `Check that Aurora fenced writes on ${old}`,
    detail: `Aurora tries to stop writes to the old primary at the storage layer ("write fencing"), best effort, and reports the outcome as an RDS event: on ${f.clusterIdentifiers[old]} when it is reachable, otherwise on ${f.clusterIdentifiers[writer]}.`,
    commands: [
      { command: `aws rds describe-events --region ${writer} --source-type db-cluster --source-identifier ${f.clusterIdentifiers[writer]} --duration 1440 --query 'Events[].[Date, Message]'` },
      { description: `If ${old} answers`, command: `aws rds describe-events --region ${old} --source-type db-cluster --source-identifier ${f.clusterIdentifiers[old]} --duration 1440 --query 'Events[].[Date, Message]'` },
    ],
    expect: `an event saying writes were stopped. If it says the attempt timed out — or there is none — treat ${f.clusterIdentifiers[old]} as writable until it has rejoined (below).`,
  }, {
    kind: 'fence',
    title: `Keep ${old}'s applications from writing until its cluster has rejoined`,
    detail: `The write route already answers with ${writer}${f.writeHostname ? ` (${f.writeHostname})` : ''}, and applications that connect through the global writer endpoint follow the writer. Anything in ${old} that still holds a connection to ${f.clusterIdentifiers[old]}'s own endpoint — or a cached address — could write there; stop or drain those writers (AWS recommends taking applications offline during a failover).`,
    commands: f.writeHostname ? [{ command: `dig +short ${f.writeHostname}` }] : [],
    expect: f.writeHostname ? `the ${writer} endpoint.` : undefined,
  }];
}

/** Once `old`'s Region is back: keep its unreplicated writes, confirm it is a read-only secondary. */
export function fenceWhenBack(f: AwsRunbookFacts, old: string, writer: string): { snapshot: RunbookStep; rejoined: RunbookStep } {
  const kind = 'fence';
  const cluster = f.clusterIdentifiers[old];
  const snapshot = `SNAP=$(aws rds describe-db-cluster-snapshots --region ${old} --db-cluster-identifier ${cluster} \\\n  --query "DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '${SNAPSHOT_PREFIX}')].DBClusterSnapshotIdentifier | [-1]" --output text)`;
  const snapshotStep: RunbookStep = {
    kind,
    title: `When ${old} is back: keep the snapshot of its old storage volume`,
    detail: `Before re-adding ${cluster} as a secondary with a new storage volume, Aurora snapshots the old volume as ${SNAPSHOT_PREFIX}${cluster}-<timestamp>: the only copy of the writes that were not replicated to ${writer}. It is a system snapshot, deleted with ${cluster}'s backup retention: copy it. To look at those writes, restore the copy to a new cluster in ${old} (never into the global database) and compare it with ${writer}.`,
    commands: [
      { command: snapshot },
      { command: `aws rds copy-db-cluster-snapshot --region ${old} --source-db-cluster-snapshot-identifier "$SNAP" \\\n  --target-db-cluster-snapshot-identifier ${cluster}-unreplicated-$(date -u +%Y%m%d%H%M) --copy-tags` },
      { description: 'Check the copy (a manual snapshot, kept until you delete it)', command: `aws rds describe-db-cluster-snapshots --region ${old} --db-cluster-identifier ${cluster} --snapshot-type manual \\\n  --query "DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '${cluster}-unreplicated-')].[DBClusterSnapshotIdentifier, Status]"` },
    ],
    expect: `\`$SNAP\` names ${SNAPSHOT_PREFIX}${cluster}-…; the copy is \`available\`. No snapshot: Aurora could not take one (its attempt is best effort) — then the unreplicated writes are lost.`,
  };
  return { snapshot: snapshotStep, rejoined: memberStep(f, old, writer, {
    kind,
    title: `Confirm ${old} has rejoined as a read-only secondary`,
    detail: `Only then is ${cluster} fenced for good: a secondary accepts no writes. The failback (a switchover back) is refused before that, by the switchover state machine and by this runbook.`,
    expect: '`[[false, "connected"]]`. `[]`: not back yet; `"pending-resync"`: being rebuilt — wait.',
  }) };
}
