/**
 * The human runbook of the Google Cloud failover: the shared runbook model
 * (core/runbook.ts) filled with the names of the deployed resources and the
 * exact `gcloud` commands of each step — the automated and manual paths, a
 * drill (switch over and back, with the checks and expected values), the
 * failback and the day-two configuration step.
 */
import { TerraformStack } from 'cdktf';
import { RunbookModel, RunbookProcedure, RunbookStep } from '../../core';
import { GlobalRouter } from '../global-router';
import { PrimaryRegion } from '../primary-region';
import { ReadReplicaRegion } from '../read-replica-region';
import { writeRecordCommand } from './dns-commands';
import { checksAfterMove, describeRole, newPrimaryBackups, runbookInstances, swapConfigurationStep } from './gcp-checks';
import { manualFenceStep, recoverRegionProcedure, workflowFenceStep } from './gcp-fence';
import { deploymentState } from './gcp-outage';
import { IDEMPOTENT_RETRY, retryWindowSeconds } from './workflow-source';

export { newPrimaryBackups } from './gcp-checks';

/** What the runbook model is built from. */
export interface GcpRunbookInput {
  readonly primary: PrimaryRegion;
  readonly replicas: readonly ReadReplicaRegion[];
  /** The default target. */
  readonly standby: ReadReplicaRegion;
  readonly router?: GlobalRouter;
  readonly regions: readonly string[];
  readonly workflowName: string;
  readonly serviceAccountEmail: string;
  /** The stack of the runbook (where its state is). */
  readonly runbookStack: TerraformStack;
}

/** The runbook model of a {@link FailoverRunbook} (rendered by core/runbook.ts). */
export function buildGcpRunbookModel(input: GcpRunbookInput): RunbookModel {
  const { primary, standby, router, regions, workflowName: name } = input;
  const p = primary.project;
  const instances = runbookInstances(primary, input.replicas);
  const writerNow = instances[0];
  const standbyInstance = instances.find((i) => i.region === standby.region)!;
  const region = regions.find((r) => r !== primary.region) ?? regions[0];
  const run = (data: string) => `gcloud workflows run ${name} --project=${p} --location=${region} \\\n  --data='${data}'`;
  const drPair = standby.disasterRecovery && primary.drReplicaDesignated;
  const drNever = standby.disasterRecovery && primary.drReplicaDesignation === 'never';
  // gcloud sql instances patch: --enable-bin-log (MySQL) / --enable-point-in-time-recovery (PostgreSQL).
  const logFlag = primary.topology.engine === 'mysql' ? '--enable-bin-log' : '--enable-point-in-time-recovery';
  const backups = newPrimaryBackups(primary, standby.edition);
  const backupSteps: RunbookStep[] = [{
    kind: 'verification',
    title: 'Restore backups and point-in-time recovery on the new primary (after traffic moved)',
    detail: 'A promoted replica has no automated backups, and after a switchover or replica failover point-in-time recovery must be turned on again. '
      + `The settings are explicit and valid: ${backups.retainedBackups} retained backups, more than the ${backups.transactionLogRetentionDays} days of logs (Cloud SQL rejects fewer). `
      + 'This step comes after the write record moved: availability first; a failure here does not block traffic.',
    commands: [
      { command: `gcloud sql instances patch ${standby.instanceName} --project=${p} \\\n  --backup-start-time=${backups.backupStartTime} --retained-backups-count=${backups.retainedBackups} \\\n  ${logFlag} --retained-transaction-log-days=${backups.transactionLogRetentionDays} \\\n  --availability-type=REGIONAL --deletion-protection`, description: 'Turn them on' },
      { command: `gcloud sql instances describe ${standby.instanceName} --project=${p} \\\n  --format='yaml(settings.backupConfiguration,settings.availabilityType,settings.deletionProtectionEnabled)'`, description: 'Verify' },
    ],
    expect: `enabled: true, ${primary.topology.engine === 'mysql' ? 'binaryLogEnabled' : 'pointInTimeRecoveryEnabled'}: true, transactionLogRetentionDays: ${backups.transactionLogRetentionDays}, retainedBackups: ${backups.retainedBackups}`,
  }];
  const dnsSteps: RunbookStep[] = router ? [{
    kind: 'traffic-shift',
    title: 'Point the write record at the new primary region',
    detail: `Make ${standby.region} the primary of the failover policy of ${router.writeHostname}.`,
    commands: [{ command: writeRecordCommand(router, standby.region) }],
    expect: `the record's primary target is in ${standby.region}`,
  }] : [];
  const repointApps: RunbookStep[] = primary.writeEndpointFollowsFailover ? [] : [{
    kind: 'traffic-shift',
    title: 'Point applications at the new primary',
    detail: 'The write endpoint does not follow this failover (no designated Enterprise Plus DR replica): applications that write to the database must use the private IP of the promoted instance.',
    commands: [{ command: `gcloud sql instances describe ${standby.instanceName} --project=${p} --format='value(ipAddresses[0].ipAddress)'`, description: 'The private IP to use' }],
    expect: 'a private IP in the replica region\'s range; update the applications\' connection settings to it',
  }];
  const afterSwitchover = checksAfterMove({ primary, router, writer: standbyInstance, former: writerNow, formerIsReplica: true });
  const afterFailover = checksAfterMove({ primary, router, writer: standbyInstance, former: writerNow, formerIsReplica: false });
  const afterFailback = checksAfterMove({ primary, router, writer: writerNow, former: standbyInstance, formerIsReplica: true });
  const configToStandby = swapConfigurationStep({ primary, writer: standbyInstance, instances, router, runbookStack: input.runbookStack });
  const configBack = swapConfigurationStep({ primary, writer: writerNow, instances, router, runbookStack: input.runbookStack });
  const lagCheck: RunbookStep = {
    kind: 'precondition',
    title: 'Check replication lag',
    detail: `Open the alert policy "Cloud SQL replica ${standby.instanceName} lag" or Metrics Explorer (cloudsql.googleapis.com/database/replication/replica_lag); the lag is what an unplanned failover loses.`,
    commands: [{ command: describeRole(standby.instanceName, p), description: 'The replica must be a READ_REPLICA_INSTANCE in RUNNABLE state' }],
  };
  const designationCheck: RunbookStep[] = drPair ? [{
    kind: 'precondition',
    title: `The DR replica ${standby.instanceName} is designated`,
    detail: 'The primary\'s stack designates it once it exists (output DrReplicaDesignation); until then a switchover is refused and the workflow can only promote.',
    commands: [{ command: `gcloud sql instances describe ${standby.instanceName} --project=${p} --format='value(replicationCluster.drReplica)'` }],
    expect: 'True',
  }] : [];

  const workflowOrder = `It moves the writes, re-points ${router ? router.writeHostname : 'nothing (no router)'} and verifies it, then restores backups and point-in-time recovery on the new primary (${backups.retainedBackups} backups, ${backups.transactionLogRetentionDays} days of logs) and verifies them. `
    + `Each API call is retried for about ${retryWindowSeconds(IDEMPOTENT_RETRY)} s on 429, 5xx and connection errors; if the execution still fails, run the same command again: it waits for operations already running, does not promote twice, and repeats only what is missing.`;
  const to = (target: string, data: string) => `{${data}, "target": "${target}"}`;

  const procedures: RunbookProcedure[] = [
    {
      id: 'switchover',
      title: 'Planned switchover (automated)',
      whenToUse: 'Both regions are healthy: a drill, a maintenance, moving the write region.',
      dataLoss: drPair ? 'None: Cloud SQL waits for the DR replica to catch up before it switches roles.' : `None if writes are stopped and replica lag is 0 first; this replica is not ${drNever ? 'designated (drReplicaDesignated: false)' : 'a DR replica'}, so the workflow promotes it (mode failover).`,
      steps: [
        lagCheck,
        ...designationCheck,
        drPair
          ? { kind: 'database-switchover', title: 'Run the workflow in switchover mode', detail: workflowOrder, commands: [{ command: run(to(standby.region, '"mode": "switchover"')) }], timeoutSeconds: 3600, expect: 'the execution succeeds and returns the promoted instance' }
          : { kind: 'database-switchover', title: 'Stop writes, wait for lag 0, then promote', detail: 'Without a designated Enterprise Plus DR replica there is no switchover API: stop the writers, wait until replica_lag is 0, then run the workflow accepting data loss (there is none to lose once lag is 0).', commands: [{ command: run(to(standby.region, '"mode": "failover", "acceptDataLoss": true')) }], timeoutSeconds: 3600 },
        ...repointApps,
        ...(drPair ? afterSwitchover : afterFailover),
        configToStandby,
      ],
    },
    {
      id: 'failover',
      title: 'Unplanned failover (automated)',
      whenToUse: `The primary region ${primary.region} is lost or the primary cannot take writes.`,
      dataLoss: 'The writes the replica had not received (the replication lag at the time of the failure).',
      steps: [
        lagCheck,
        workflowFenceStep(writerNow, name, p, region),
        { kind: 'database-failover', title: 'Run the workflow accepting data loss', detail: `The workflow refuses a failover unless acceptDataLoss is true${drPair ? '; with the DR replica designated it is a replica failover (the write endpoint follows)' : ''}. ${workflowOrder}`, commands: [{ command: run(to(standby.region, '"mode": "failover", "acceptDataLoss": true')) }], timeoutSeconds: 3600 },
        ...repointApps,
        ...afterFailover,
        configToStandby,
      ],
    },
    {
      id: 'manual-failover',
      title: 'Manual failover (gcloud)',
      whenToUse: 'Cloud Workflows is unavailable, or the workflow failed midway.',
      dataLoss: 'The writes the replica had not received.',
      steps: [
        manualFenceStep(writerNow, p),
        {
          kind: 'database-failover',
          title: 'Promote the replica',
          commands: [{ command: `gcloud sql instances promote-replica ${standby.instanceName} --project=${p}${drPair ? ' --failover' : ''}` }],
          timeoutSeconds: 3600,
        },
        ...dnsSteps,
        ...repointApps,
        ...backupSteps,
        ...afterFailover,
      ],
    },
    ...(drPair ? [{
      id: 'manual-switchover' as const,
      title: 'Manual switchover (gcloud)',
      whenToUse: 'A planned switchover when Cloud Workflows is unavailable.',
      dataLoss: 'None.',
      steps: [
        { kind: 'database-switchover' as const, title: 'Switch over to the DR replica', commands: [{ command: `gcloud sql instances switchover ${standby.instanceName} --project=${p}` }], timeoutSeconds: 3600 },
        ...dnsSteps,
        ...backupSteps,
        ...afterSwitchover,
      ],
    }] : []),
    { id: 'verify', title: 'Verify', whenToUse: 'After any procedure, and during drills.', dataLoss: 'None.', steps: afterSwitchover },
    {
      id: 'failback',
      title: 'Fail back',
      whenToUse: `${primary.region} is healthy again and writes should return there.`,
      dataLoss: drPair ? 'None with a switchover.' : 'None if writes are stopped while the new replica catches up.',
      steps: [
        {
          kind: 'precondition',
          title: `${writerNow.name} has rejoined as a replica of ${standbyInstance.name}`,
          detail: `After a switchover it is a replica already. After an unplanned failover it is a fenced (or still writable) standalone former primary until it is rebuilt: then do "The lost region is back" first (fence, export what only it has, rebuild it as a replica). The workflow refuses to fail back to a fenced or writable standalone instance, so this cannot be skipped by accident.`,
          commands: [{ command: describeRole(writerNow.name, p) }],
          expect: `READ_REPLICA_INSTANCE RUNNABLE ${primary.region} ${p}:${standbyInstance.name}`,
        },
        {
          kind: 'precondition',
          title: `Replication lag of ${writerNow.name}`,
          commands: [{ command: describeRole(writerNow.name, p) }],
          expect: 'RUNNABLE, and the replica_lag metric below its alert threshold',
        },
        drPair
          ? { kind: 'database-switchover', title: `Switch back to ${primary.region}`, detail: 'The same workflow, with the former primary\'s region as target.', commands: [{ command: run(to(primary.region, '"mode": "switchover"')) }], timeoutSeconds: 3600 }
          : { kind: 'database-switchover', title: `Stop writes, wait for lag 0, then move the writes back to ${primary.region}`, commands: [{ command: run(to(primary.region, '"mode": "failover", "acceptDataLoss": true')) }], timeoutSeconds: 3600 },
        ...afterFailback,
        { ...configBack, title: `Restore the configuration: ${primary.region} writes, then apply` },
      ],
    },
    recoverRegionProcedure({ primary, former: writerNow, writer: standbyInstance, formerStack: writerNow.stack?.node.id }),
    {
      id: 'drill',
      title: 'Drill: switch over to the standby and back',
      whenToUse: 'Regularly (e.g. each quarter), in a quiet hour: proves the automation, the permissions and the checks.',
      dataLoss: drPair ? 'None: both moves are switchovers.' : 'None if writes are stopped during each move; without a DR replica the way back is a rebuild (see Fail back), so prefer drilling an Enterprise Plus pair.',
      steps: [
        lagCheck,
        ...designationCheck,
        {
          kind: 'precondition',
          title: 'Do not apply Terraform during the drill',
          detail: `The configuration keeps saying that ${primary.region} writes while the drill runs; a plan of ${primary.stack.node.id} in between fails its postcondition (the instance is a replica then), which is the guard, not a fault.`,
        },
        drPair
          ? { kind: 'database-switchover', title: `Switch over to ${standby.region}`, commands: [{ command: run(to(standby.region, '"mode": "switchover"')) }], timeoutSeconds: 3600 }
          : { kind: 'database-switchover', title: `Stop writes, wait for lag 0, promote ${standby.instanceName}`, commands: [{ command: run(to(standby.region, '"mode": "failover", "acceptDataLoss": true')) }], timeoutSeconds: 3600 },
        ...(drPair ? afterSwitchover : afterFailover),
        drPair
          ? { kind: 'database-switchover', title: `Switch back to ${primary.region}`, commands: [{ command: run(to(primary.region, '"mode": "switchover"')) }], timeoutSeconds: 3600 }
          : { kind: 'database-switchover', title: `Back to ${primary.region}: the Fail back procedure`, detail: `${writerNow.name} is standalone after a promotion: rebuild it as a replica ("The lost region is back"), then fail back.` },
        ...afterFailback,
        { kind: 'notification', title: 'Record the drill', detail: 'The duration of each move (the workflow executions\' start and end times) and any check that failed, next to the recovery objectives.' },
      ],
    },
  ];

  return {
    title: `Failover runbook: ${primary.instanceName}`,
    cloud: 'gcp',
    summary: `Cloud SQL ${primary.databaseVersion} (${primary.edition}) in ${primary.region}, with ${drPair ? 'an Enterprise Plus DR replica' : 'a cross-region read replica'} in ${standby.region}${instances.length > 2 ? ` and replicas in ${instances.slice(1).filter((i) => i.region !== standby.region).map((i) => i.region).join(', ')}` : ''}. The workflow \`${name}\` (in ${regions.join(', ')}) moves writes to any of them (default ${standby.region})${router ? ` and re-points ${router.writeHostname}` : ''}.`,
    primaryRegion: primary.region,
    standbyRegion: standby.region,
    regions: instances.map((i) => i.region),
    facts: [
      { label: 'Project', value: p },
      { label: 'Primary instance', value: primary.connectionName },
      { label: 'Standby instance', value: standby.connectionName },
      ...instances.filter((i) => i.region !== primary.region && i.region !== standby.region).map((i) => ({ label: `Replica in ${i.region}`, value: `${p}:${i.region}:${i.name}` })),
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
      { situation: `${primary.region} answers again after an unplanned failover`, use: 'recover-region', because: 'fence first: the former primary may be writable' },
      { situation: `${primary.region} recovered and ${primary.instanceName} is a replica again`, use: 'failback' },
      { situation: 'Every quarter', use: 'drill', because: 'an untested failover is a hope' },
    ],
    procedures,
    objectives: primary.topology.recoveryObjectives,
    deploymentState: deploymentState({ primary, replica: standby, router, runbookStack: input.runbookStack, regions, workflowName: name }),
    notes: [
      ...(standby.disasterRecovery && primary.drReplicaDesignation === 'automatic' ? [`The DR replica designation needs a second apply of the primary's stack (${primary.stack.node.id}), because Cloud SQL accepts only an existing replica and the replica is created after the primary: apply ${primary.stack.node.id}, then ${TerraformStack.of(standby).node.id}, then ${primary.stack.node.id} again. The output DrReplicaDesignation says which apply is next; the same configuration is applied every time.`] : []),
      'Terraform keeps describing the old roles after a promotion until the configuration is swapped (the configuration step of each procedure): stacks and instance names are per region, so the swap replaces nothing.',
      `Database write endpoint: ${primary.writeEndpointDescription}`,
    ],
    references: [
      { label: 'Promote replicas for regional migration or disaster recovery', value: 'https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas' },
      { label: 'Disaster recovery with Enterprise Plus (switchover, replica failover)', value: 'https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery' },
      { label: 'Terraform: performing a SQL instance switchover', value: 'https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/guides/sql_instance_switchover' },
      { label: 'Cloud DNS routing policies and health checks', value: 'https://cloud.google.com/dns/docs/routing-policies-overview' },
    ],
  };
}
