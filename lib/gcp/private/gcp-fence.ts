/**
 * Split brain on Google Cloud, in the runbook: the fence of the former
 * primary (activation policy NEVER, which stops the instance; not supported
 * on replicas: https://cloud.google.com/sql/docs/postgres/start-stop-restart-instance),
 * the split-brain guard the workflow arms, and the "lost region is back"
 * procedure — fence before anything else, keep what only the former primary
 * has, rebuild it as a replica of the new one, disarm the guard.
 */
import { RunbookProcedure, RunbookStep } from '../../core';
import { PrimaryRegion } from '../primary-region';
import { SPLIT_BRAIN_GUARD_LABEL } from './alerts';
import { describeRole, RunbookInstance } from './gcp-checks';

const fenceCommand = (name: string, project: string) => `gcloud sql instances patch ${name} --project=${project} --activation-policy=NEVER`;
const guardCommand = (name: string, project: string, enabled: boolean) =>
  `gcloud alpha monitoring policies list --project=${project} --filter='user_labels.${SPLIT_BRAIN_GUARD_LABEL}="${name}"' --format='value(name)' \\\n  | xargs -I{} gcloud alpha monitoring policies update {} --project=${project} --${enabled ? '' : 'no-'}enabled`;

/** The fence as the automated failover does it (first, when the former primary answers). */
export function workflowFenceStep(former: RunbookInstance, workflow: string, project: string, location: string): RunbookStep {
  return {
    kind: 'fence',
    title: `The workflow fences ${former.name} first`,
    detail: `Before promoting, the workflow stops the former primary from taking writes: activation policy NEVER (the instance stops; its connections are closed). If ${former.region} does not answer, or the fence is not confirmed within fenceTimeoutSeconds, the execution goes on and its result says fence: pending (also logged as FENCE PENDING). Either way it arms the split-brain alert of ${former.name} (fires on client connections). A pending fence is the first thing to do when ${former.region} is back ("The lost region is back").`,
    commands: [
      { command: `gcloud workflows executions list ${workflow} --project=${project} --location=${location} --limit=1 --format='value(name)' \\\n  | xargs -I{} gcloud workflows executions describe {} --format='value(result)'`, description: 'The fence state of the last execution' },
    ],
    expect: `"fence": {"instance": "${former.name}", "state": "done"} — or "pending": fence it as soon as ${former.region} answers`,
  };
}

/** The fence by hand (manual failover), before the promotion. */
export function manualFenceStep(former: RunbookInstance, project: string): RunbookStep {
  return {
    kind: 'fence',
    title: `Fence ${former.name} (if its API answers)`,
    detail: `Stop the former primary from taking writes before the replica is promoted. If ${former.region} does not answer, go on and do it first thing when it is back; arm its split-brain alert either way.`,
    commands: [
      { command: fenceCommand(former.name, project), description: 'Fence' },
      { command: guardCommand(former.name, project, true), description: 'Arm the split-brain alert' },
    ],
    expect: `activation policy NEVER on ${former.name}, or the region does not answer`,
  };
}

/**
 * The lost region is back: fence first, keep what only the former primary
 * has, rebuild it as a replica, disarm the guard.
 */
export function recoverRegionProcedure(o: {
  primary: PrimaryRegion;
  former: RunbookInstance;
  writer: RunbookInstance;
  /** The stack of the former primary's region. */
  formerStack?: string;
}): RunbookProcedure {
  const { primary, former, writer } = o;
  const p = primary.project;
  const clone = `${former.name}-split`.slice(0, 80);
  const dump = primary.topology.engine === 'mysql' ? 'mysqldump' : 'pg_dump';
  const steps: RunbookStep[] = [
    {
      kind: 'fence',
      title: `Fence ${former.name} before anything else`,
      detail: `After an unplanned failover the former primary may come back writable; any application in ${former.region} that connects by private IP or a cached name would write to it, and those writes would be on neither side. If it is a CLOUD_SQL_INSTANCE whose activation policy is not NEVER, fence it now. If Cloud SQL already made it a READ_REPLICA_INSTANCE of ${writer.name} (a replica failover whose former primary came back), it takes no writes: skip to the last two steps.`,
      commands: [
        { command: `${describeRole(former.name, p)}\ngcloud sql instances describe ${former.name} --project=${p} --format='value(settings.activationPolicy)'`, description: 'What it is now' },
        { command: fenceCommand(former.name, p), description: 'Fence it (a primary only; NEVER is refused on a replica)' },
      ],
      expect: `activation policy NEVER (or READ_REPLICA_INSTANCE ${p}:${writer.name})`,
    },
    {
      kind: 'precondition',
      title: `Keep the writes only ${former.name} has — never silently`,
      detail: `It may hold writes that had not reached ${writer.name} when it was promoted (at most the replication lag at the failure, plus anything written to it afterwards). Clone it — the clone gets new IPs no application knows — and export from the clone what is newer than the promotion (the time is in the workflow execution's result / the promotion operation's start time); reconcile those rows into ${writer.name} by hand, or record that they are discarded. Not verified offline: whether Cloud SQL clones a stopped instance; if it refuses, start ${former.name} (--activation-policy=ALWAYS) only after removing the applications' database access to it, clone, and fence it again.`,
      commands: [
        { command: `gcloud sql instances clone ${former.name} ${clone} --project=${p}`, description: 'A copy no application knows' },
        { command: `gcloud sql operations list --instance=${writer.name} --project=${p} --filter="operationType=PROMOTE_REPLICA OR operationType=SWITCHOVER" --limit=1 --format='value(startTime)'`, description: 'When the writes moved' },
        { command: `cloud-sql-proxy --private-ip ${p}:${former.region}:${clone} &\n${dump} ...   # the rows changed after that time, per table; keep the file with the incident`, description: 'Export what is newer' },
      ],
      expect: 'a file of the writes only the former primary had (possibly empty), kept with the incident, and a decision recorded',
    },
    {
      kind: 'configuration',
      title: `Rebuild ${former.region} as a replica of ${writer.name}`,
      detail: `A promoted-away primary cannot become a replica again, and Terraform never deletes a database on its own (deletion protection): forget the fenced instance in Terraform, delete it by hand once its export is kept, and let Terraform create the new replica under a new name (Cloud SQL does not reuse a deleted name for a week) — change ${former.region}'s entry in instanceNames (e.g. ${former.name}-2) and make the configuration say that ${writer.region} writes.`,
      commands: [
        { command: `terraform -chdir=cdktf.out/stacks/${o.formerStack ?? `<stack of ${former.region}>`} state list | grep google_sql_database_instance
terraform -chdir=cdktf.out/stacks/${o.formerStack ?? `<stack of ${former.region}>`} state rm <that address>`, description: 'Forget it in Terraform' },
        { command: `gcloud sql instances patch ${former.name} --project=${p} --no-deletion-protection
gcloud sql instances delete ${former.name} --project=${p}`, description: 'Delete it (after the export)' },
        { command: `terraform -chdir=cdktf.out/stacks/${o.formerStack ?? `<stack of ${former.region}>`} plan`, description: 'With the new name and the swapped roles: one instance to create, nothing to destroy' },
      ],
      expect: `the new replica: READ_REPLICA_INSTANCE of ${p}:${writer.name}, RUNNABLE; then the failback is possible`,
    },
    {
      kind: 'verification',
      title: 'Disarm the split-brain alert and delete the clone',
      commands: [
        { command: guardCommand(former.name, p, false), description: 'Disarm' },
        { command: `gcloud sql instances delete ${clone} --project=${p}`, description: 'Once its export is kept' },
      ],
      expect: 'no enabled split-brain alert for an instance that no longer writes',
    },
  ];
  return {
    id: 'recover-region',
    title: 'The lost region is back',
    whenToUse: `${former.region} answers again after an unplanned failover to ${writer.region}; before any failback and before applying ${o.formerStack ?? 'its stack'}.`,
    dataLoss: `None beyond the failover's, if the writes only ${former.name} has are exported first; they are what this procedure exists to keep.`,
    steps,
  };
}
