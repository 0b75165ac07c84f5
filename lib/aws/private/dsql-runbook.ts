/**
 * The operator's page of an Aurora DSQL multi-Region cluster: what the loss
 * of each Region does (core's active-active blast radius), what to do, and
 * the conflict model the application lives with. Sources are cited where a
 * statement depends on them.
 */
import { activeActiveBlastRadius, CONFLICT_MODELS, renderConflictModelMarkdown } from '../../core';

/** What the page needs. */
export interface DsqlRunbookInput {
  readonly name: string;
  readonly regions: readonly string[];
  readonly witnessRegion: string;
  readonly stacks: Readonly<Record<string, string>>;
  /** Cluster identifiers once known (after the first deploy). */
  readonly clusterIdentifiers?: Readonly<Record<string, string>>;
  readonly peered: boolean;
}

/** Why a DSQL transaction fails at commit, and what to do (printed with the conflict model). */
export const DSQL_CONFLICT_NOTE = [
  'Aurora DSQL uses optimistic concurrency control: conflicts are evaluated at commit, and a conflicting',
  'transaction fails with a PostgreSQL serialization failure, SQLSTATE `40001`, whose message carries an OCC code',
  '(`OC000`: another transaction changed the same row; `OC001`: the schema changed under the transaction). Retry the',
  'whole transaction from `BEGIN` with backoff; never retry only the failed statement',
  '(https://docs.aws.amazon.com/aurora-dsql/latest/userguide/working-with-concurrency-control.html).',
].join(' ');

/** The Markdown runbook of one active-active database. */
export function renderDsqlRunbook(input: DsqlRunbookInput): string {
  const [a, b] = input.regions;
  const id = (r: string) => input.clusterIdentifiers?.[r] ?? `<ClusterIdentifier output of ${input.stacks[r]}>`;
  return [
    `# Runbook: Aurora DSQL multi-Region cluster ${input.name}`,
    '',
    `Peered clusters in ${a} and ${b}, each with its own endpoint, both writable; witness Region ${input.witnessRegion} (no endpoint, it stores a limited window of encrypted transaction logs and votes for quorum).`,
    `A commit is acknowledged once a quorum of these three Regions has it, so no acknowledged write is lost with one Region.`,
    '',
    '| Region | role | stack | cluster |',
    '|---|---|---|---|',
    ...input.regions.map((r) => `| ${r} | peered cluster (read-write endpoint) | ${input.stacks[r]} | ${id(r)} |`),
    `| ${input.witnessRegion} | witness | — | — |`,
    '',
    ...(input.peered ? [] : [
      '## Before first use: peer the clusters',
      '',
      'The clusters were deployed with only their witness Region and stay in `PENDING_SETUP` until each knows the other',
      '(https://docs.aws.amazon.com/aurora-dsql/latest/userguide/mr-cluster-setup.html):',
      '',
      `1. Read each stack's \`ClusterIdentifier\` output (\`aws cloudformation describe-stacks --region ${a} --stack-name ${input.stacks[a]}\`, and the same in ${b}).`,
      `2. Set \`clusterIdentifiers: { '${a}': '<id>', '${b}': '<id>' }\` (deployment-time configuration, e.g. CDK context) and deploy both stacks again.`,
      '   Both templates then list both cluster ARNs; every property of `AWS::DSQL::Cluster` updates in place, so nothing is replaced.',
      '',
    ]),
    '## If a Region is lost',
    '',
    '| Region lost | effect |',
    '|---|---|',
    ...activeActiveBlastRadius({ writeRegions: input.regions, witnessRegion: input.witnessRegion }).map((r) => `| ${r.region} | ${r.effect} |`),
    '',
    `### A peered Region (${a} or ${b}) is lost`,
    '',
    'Nothing to promote and nothing to fail over: the surviving peer keeps accepting reads and writes while the witness gives it quorum.',
    '',
    '1. Confirm the surviving cluster answers: `aws dsql get-cluster --region <surviving> --identifier <id>` shows `ACTIVE`, and a `SELECT 1` through its endpoint succeeds.',
    '2. Move the lost Region\'s clients to the surviving Region (its application endpoint, or the surviving cluster\'s endpoint): DNS health checks do it for traffic that goes through the application; anything connecting to the lost cluster\'s endpoint directly must be pointed at the surviving one.',
    '3. Expect in-flight transactions of the lost Region to have failed (their clients retry, see Conflicts); committed ones are in the surviving cluster.',
    '4. Watch the witness Region: if it is lost too, there is no quorum and writes stop until a Region returns — no operator action can restore quorum, and none should try.',
    '5. When the Region returns, its cluster catches up by itself; move its clients back once it answers.',
    '',
    `### The witness Region (${input.witnessRegion}) is lost`,
    '',
    `No client impact: ${a} and ${b} form the quorum. Losing one of them as well stops writes until a Region returns; keep both healthy until the witness is back.`,
    '',
    '## Conflicts',
    '',
    renderConflictModelMarkdown(CONFLICT_MODELS['active-active'], DSQL_CONFLICT_NOTE),
    '',
  ].join('\n');
}
