/**
 * The human runbook of the Google Cloud failover: the shared runbook model
 * (core/runbook.ts) filled with the names of the deployed resources and the
 * exact `gcloud` commands of each step.
 */
import { TerraformStack } from 'cdktf';
import { RunbookModel, RunbookProcedure } from '../../core';
import { GlobalRouter } from '../global-router';
import { PrimaryRegion } from '../primary-region';
import { ReadReplicaRegion } from '../read-replica-region';
import { CLOUD_SQL_LIMITS } from './gcp-profile';
import { writeRecordCommand } from './dns-commands';
import { deploymentState } from './gcp-outage';
import { IDEMPOTENT_RETRY, retryWindowSeconds } from './workflow-source';

/**
 * Backups of the promoted replica: the primary's, with the days of logs
 * capped at what the replica's edition allows. The primary's retained backups
 * exceed its days of logs (checked at synth), so they exceed the cap too.
 */
export function newPrimaryBackups(primary: PrimaryRegion, replica: ReadReplicaRegion) {
  return {
    transactionLogRetentionDays: Math.min(primary.transactionLogRetentionDays, CLOUD_SQL_LIMITS.maxLogRetentionDays[replica.edition]),
    retainedBackups: primary.retainedBackups,
    backupStartTime: primary.backupStartTime,
  };
}

/** What the runbook model is built from. */
export interface GcpRunbookInput {
  readonly primary: PrimaryRegion;
  readonly replica: ReadReplicaRegion;
  readonly router?: GlobalRouter;
  readonly regions: readonly string[];
  readonly workflowName: string;
  readonly serviceAccountEmail: string;
  /** The stack of the runbook (where its state is). */
  readonly runbookStack: TerraformStack;
}

/** The runbook model of a {@link FailoverRunbook} (rendered by core/runbook.ts). */
export function buildGcpRunbookModel(input: GcpRunbookInput): RunbookModel {
  const { primary, replica, router, regions, workflowName: name } = input;
  const p = primary.project;
  const region = regions.find((r) => r !== primary.region) ?? regions[0];
  const run = (data: string) => `gcloud workflows run ${name} --project=${p} --location=${region} \\\n  --data='${data}'`;
  const describe = (instance: string) => `gcloud sql instances describe ${instance} --project=${p} --format='value(instanceType,state,region)'`;
  const dr = replica.disasterRecovery && primary.drReplicaDesignated;
  const pendingDr = replica.disasterRecovery && !primary.drReplicaDesignated;
  // gcloud sql instances patch: --enable-bin-log (MySQL) / --enable-point-in-time-recovery (PostgreSQL).
  const logFlag = primary.topology.engine === 'mysql' ? '--enable-bin-log' : '--enable-point-in-time-recovery';
  const backups = newPrimaryBackups(primary, replica);
  const backupSteps = [{
    kind: 'verification' as const,
    title: 'Restore backups and point-in-time recovery on the new primary (after traffic moved)',
    detail: 'A promoted replica has no automated backups, and after a switchover or replica failover point-in-time recovery must be turned on again. '
      + `The settings are explicit and valid: ${backups.retainedBackups} retained backups, more than the ${backups.transactionLogRetentionDays} days of logs (Cloud SQL rejects fewer). `
      + 'This step comes after the write record moved: availability first; a failure here does not block traffic.',
    commands: [
      { command: `gcloud sql instances patch ${replica.instanceName} --project=${p} \\\n  --backup-start-time=${backups.backupStartTime} --retained-backups-count=${backups.retainedBackups} \\\n  ${logFlag} --retained-transaction-log-days=${backups.transactionLogRetentionDays} \\\n  --availability-type=REGIONAL --deletion-protection`, description: 'Turn them on' },
      { command: `gcloud sql instances describe ${replica.instanceName} --project=${p} \\\n  --format='yaml(settings.backupConfiguration,settings.availabilityType,settings.deletionProtectionEnabled)'`, description: 'Verify' },
    ],
    expect: `enabled: true, ${primary.topology.engine === 'mysql' ? 'binaryLogEnabled' : 'pointInTimeRecoveryEnabled'}: true, transactionLogRetentionDays: ${backups.transactionLogRetentionDays}, retainedBackups: ${backups.retainedBackups}`,
  }];
  const dnsUpdate = router ? writeRecordCommand(router, replica.region) : undefined;
  const dnsSteps = router && dnsUpdate ? [{
    kind: 'traffic-shift' as const,
    title: 'Point the write record at the new primary region',
    detail: `Make ${replica.region} the primary of the failover policy of ${router.writeHostname}.`,
    commands: [{ command: dnsUpdate }],
    expect: `the record's primary target is in ${replica.region}`,
  }] : [];
  const repointApps = primary.writeEndpointFollowsFailover ? [] : [{
    kind: 'traffic-shift' as const,
    title: 'Point applications at the new primary',
    detail: 'The write endpoint does not follow this failover (no designated Enterprise Plus DR replica): applications that write to the database must use the private IP of the promoted instance.',
    commands: [{ command: `gcloud sql instances describe ${replica.instanceName} --project=${p} --format='value(ipAddresses[0].ipAddress)'`, description: 'The private IP to use' }],
    expect: 'a private IP in the replica region\'s range; update the applications\' connection settings to it',
  }];
  const verifySteps = [{
    kind: 'verification' as const,
    title: 'Check the new primary',
    commands: [
      { command: describe(replica.instanceName), description: 'The promoted instance' },
      ...(router ? [{ command: `gcloud dns record-sets describe ${router.writeHostname} --type=A --zone=${router.managedZone} --project=${p}`, description: 'The write record' }] : []),
    ],
    expect: 'CLOUD_SQL_INSTANCE RUNNABLE; the write record points at the new region',
  }];
  const lagCheck = {
    kind: 'precondition' as const,
    title: 'Check replication lag',
    detail: `Open the alert policy "Cloud SQL replica ${replica.instanceName} lag" or Metrics Explorer (${'cloudsql.googleapis.com/database/replication/replica_lag'}); the lag is what an unplanned failover loses.`,
    commands: [{ command: describe(replica.instanceName), description: 'The replica must be a READ_REPLICA_INSTANCE in RUNNABLE state' }],
  };

  const workflowOrder = `It moves the writes, re-points ${router ? router.writeHostname : 'nothing (no router)'} and verifies it, then restores backups and point-in-time recovery on the new primary (${backups.retainedBackups} backups, ${backups.transactionLogRetentionDays} days of logs) and verifies them. `
    + `Each API call is retried for about ${retryWindowSeconds(IDEMPOTENT_RETRY)} s on 429, 5xx and connection errors; if the execution still fails, run the same command again: it waits for operations already running, does not promote twice, and repeats only what is missing.`;

  const procedures: RunbookProcedure[] = [
    {
      id: 'switchover',
      title: 'Planned switchover (automated)',
      whenToUse: 'Both regions are healthy: a drill, a maintenance, moving the write region.',
      dataLoss: dr ? 'None: Cloud SQL waits for the DR replica to catch up before it switches roles.' : `None if writes are stopped and replica lag is 0 first; this replica is not ${pendingDr ? 'designated as the DR replica on the primary yet' : 'a DR replica'}, so the workflow promotes it (mode failover).`,
      steps: [
        lagCheck,
        dr
          ? { kind: 'database-switchover', title: 'Run the workflow in switchover mode', detail: workflowOrder, commands: [{ command: run('{"mode": "switchover"}') }], timeoutSeconds: 3600, expect: 'the execution succeeds and returns the promoted instance' }
          : { kind: 'database-switchover', title: 'Stop writes, wait for lag 0, then promote', detail: 'Without an Enterprise Plus DR replica there is no switchover API: stop the writers, wait until replica_lag is 0, then run the workflow accepting data loss (there is none to lose once lag is 0).', commands: [{ command: run('{"mode": "failover", "acceptDataLoss": true}') }], timeoutSeconds: 3600 },
        ...repointApps,
        ...verifySteps,
      ],
    },
    {
      id: 'failover',
      title: 'Unplanned failover (automated)',
      whenToUse: `The primary region ${primary.region} is lost or the primary cannot take writes.`,
      dataLoss: 'The writes the replica had not received (the replication lag at the time of the failure).',
      steps: [
        lagCheck,
        { kind: 'database-failover', title: 'Run the workflow accepting data loss', detail: `The workflow refuses a failover unless acceptDataLoss is true. ${workflowOrder}`, commands: [{ command: run('{"mode": "failover", "acceptDataLoss": true}') }], timeoutSeconds: 3600 },
        ...repointApps,
        ...verifySteps,
      ],
    },
    {
      id: 'manual-failover',
      title: 'Manual failover (gcloud)',
      whenToUse: 'Cloud Workflows is unavailable, or the workflow failed midway.',
      dataLoss: 'The writes the replica had not received.',
      steps: [
        {
          kind: 'database-failover',
          title: 'Promote the replica',
          commands: [{ command: `gcloud sql instances promote-replica ${replica.instanceName} --project=${p}${dr ? ' --failover' : ''}` }],
          timeoutSeconds: 3600,
        },
        ...dnsSteps,
        ...repointApps,
        ...backupSteps,
        ...verifySteps,
      ],
    },
    ...(dr ? [{
      id: 'manual-switchover' as const,
      title: 'Manual switchover (gcloud)',
      whenToUse: 'A planned switchover when Cloud Workflows is unavailable.',
      dataLoss: 'None.',
      steps: [
        { kind: 'database-switchover' as const, title: 'Switch over to the DR replica', commands: [{ command: `gcloud sql instances switchover ${replica.instanceName} --project=${p}` }], timeoutSeconds: 3600 },
        ...dnsSteps,
        ...backupSteps,
        ...verifySteps,
      ],
    }] : []),
    { id: 'verify', title: 'Verify', whenToUse: 'After any procedure, and during drills.', dataLoss: 'None.', steps: verifySteps },
    {
      id: 'failback',
      title: 'Fail back',
      whenToUse: `${primary.region} is healthy again and writes should return there.`,
      dataLoss: dr ? 'None with a switchover.' : 'None if writes are stopped while the new replica catches up.',
      steps: [
        {
          kind: 'precondition',
          title: 'Update the deployment configuration',
          detail: `Swap the regions in the configuration (primary ${replica.region}, replica ${primary.region}) so Terraform matches the new roles, then apply.`,
        },
        dr
          ? { kind: 'database-switchover', title: 'Switch back', commands: [{ command: `gcloud sql instances switchover ${primary.instanceName} --project=${p}` }] }
          : { kind: 'database-switchover', title: `Create a replica in ${primary.region} and switch over once lag is 0`, detail: 'The former primary is not a replica after a promotion: it must be rebuilt as a replica of the new primary (Terraform does this from the swapped configuration).' },
        ...verifySteps,
      ],
    },
  ];

  return {
    title: `Failover runbook: ${primary.instanceName}`,
    cloud: 'gcp',
    summary: `Cloud SQL ${primary.databaseVersion} (${primary.edition}) in ${primary.region}, with ${dr ? 'an Enterprise Plus DR replica' : pendingDr ? 'an Enterprise Plus DR replica not designated on the primary yet' : 'a cross-region read replica'} in ${replica.region}. The workflow \`${name}\` (in ${regions.join(', ')}) moves writes to the replica${router ? ` and re-points ${router.writeHostname}` : ''}.`,
    primaryRegion: primary.region,
    standbyRegion: replica.region,
    regions: [primary.region, ...primary.topology.replicaRegions],
    facts: [
      { label: 'Project', value: p },
      { label: 'Primary instance', value: primary.connectionName },
      { label: 'Standby instance', value: replica.connectionName },
      { label: 'Workflow', value: `${name} (${regions.join(', ')})` },
      { label: 'Workflow service account', value: input.serviceAccountEmail },
      ...(router ? [{ label: 'Write hostname', value: router.writeHostname }, { label: 'DNS zone', value: router.managedZone }] : []),
      { label: 'Database write endpoint (Terraform output WriteEndpoint of the primary stack)', value: primary.writeEndpointFollowsFailover ? 'PSA write endpoint, follows switchover and replica failover' : 'does not follow a failover: re-point applications' },
    ],
    decisions: [
      { situation: 'Both regions healthy (drill, maintenance)', use: 'switchover', because: 'no data loss' },
      { situation: `${primary.region} down or the primary cannot write`, use: 'failover', because: 'writes must resume; the lag is lost' },
      { situation: 'Workflows unavailable or failed', use: 'manual-failover' },
      { situation: 'After any procedure', use: 'verify' },
      { situation: `${primary.region} recovered`, use: 'failback' },
    ],
    procedures,
    objectives: primary.topology.recoveryObjectives,
    deploymentState: deploymentState({ primary, replica, router, runbookStack: input.runbookStack, regions, workflowName: name }),
    notes: [
      ...(pendingDr ? [`The primary does not designate ${replica.instanceName} as its DR replica yet, so there is no switchover: once the replica exists, set drReplicaDesignated: true on the primary and apply it again (Cloud SQL rejects the designation of a replica that does not exist).`] : []),
      'Terraform still describes the old roles after a promotion: update the configuration before the next apply, or the apply will try to restore them.',
      `Database write endpoint: ${primary.writeEndpointDescription}`,
    ],
    references: [
      { label: 'Promote replicas for regional migration or disaster recovery', value: 'https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas' },
      { label: 'Disaster recovery with Enterprise Plus (switchover, replica failover)', value: 'https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery' },
      { label: 'Cloud DNS routing policies and health checks', value: 'https://cloud.google.com/dns/docs/routing-policies-overview' },
    ],
  };
}
