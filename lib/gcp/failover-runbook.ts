import { Annotations, TerraformOutput } from 'cdktf';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Construct } from 'constructs';
import {
  checkRegion, ConfigProblem, renderRunbookMarkdown, RunbookModel, RunbookProcedure, show, throwIfProblems, validateRunbook,
} from '../core';
import { CLOUD_SQL_LIMITS, GCP_PROFILE } from './private/gcp-profile';
import { deterministicName, trimName } from './private/names';
import { buildWorkflow, escapeForTerraform } from './private/workflow-source';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { useGoogleProvider } from './provider';

/** Properties of {@link FailoverRunbook}. */
export interface FailoverRunbookProps {
  /** The primary whose writes move. */
  readonly primary: PrimaryRegion;
  /** The replica that takes over (the standby). */
  readonly replica: ReadReplicaRegion;
  /**
   * The router whose write record follows the database.
   * @default - no DNS step (applications use the PSA write endpoint or are re-pointed by hand)
   */
  readonly router?: GlobalRouter;
  /**
   * Regions the workflow is deployed in. At least one must differ from the
   * primary's region, so the runbook survives the loss of that region.
   * @default [the replica's region]
   */
  readonly regions?: readonly string[];
  /**
   * Name of the workflow (the same in every region).
   * @default derived from the construct path
   */
  readonly workflowName?: string;
  /**
   * Seconds between two polls of a Cloud SQL operation.
   * @default 15
   */
  readonly pollSeconds?: number;
  /**
   * Longest wait for one Cloud SQL operation, seconds.
   * @default 3600
   */
  readonly operationTimeoutSeconds?: number;
}

/**
 * Failover automation on Cloud Workflows, deployed outside the primary's
 * region: a planned switchover (Enterprise Plus DR replica, no data loss) or
 * an unplanned promotion of the replica, which it refuses unless the
 * execution argument accepts the data loss; then it re-points the write
 * record through the Cloud DNS API and verifies. Runs as a service account
 * with only the roles it needs. {@link markdown} is the human runbook with
 * the `gcloud` commands of the manual path.
 */
export class FailoverRunbook extends Construct {
  /** One workflow per region. */
  public readonly workflows: readonly WorkflowsWorkflow[];
  /** Regions the workflow runs in. */
  public readonly regions: readonly string[];
  /** Workflow name. */
  public readonly workflowName: string;
  /** The service account the workflow runs as. */
  public readonly serviceAccount: ServiceAccount;
  /** Its email (a plain string). */
  public readonly serviceAccountEmail: string;
  /** The workflow definition (Workflows JSON, unescaped). */
  public readonly workflowSource: string;
  /** The runbook model (shared with the other clouds). */
  public readonly model: RunbookModel;
  /** The human runbook, Markdown. */
  public readonly markdown: string;

  constructor(scope: Construct, id: string, props: FailoverRunbookProps) {
    super(scope, id);
    const source = { construct: 'FailoverRunbook', path: this.node.path };
    const { primary, replica, router } = props;
    // Switchover and replica failover need the DR replica designated on the primary.
    const dr = replica.disasterRecovery && primary.drReplicaDesignated;
    const regions = [...(props.regions ?? [replica.region])];
    const poll = props.pollSeconds ?? 15;
    const timeout = props.operationTimeoutSeconds ?? 3600;
    const name = props.workflowName ?? deterministicName(this, 'mrc-failover', 60);

    const problems: ConfigProblem[] = [];
    if (regions.length === 0) {
      problems.push({ property: 'regions', message: 'regions is empty', fix: `deploy the workflow in at least one region other than '${primary.region}'` });
    }
    regions.forEach((r, i) => problems.push(...checkRegion(GCP_PROFILE, `regions[${i}]`, r)));
    if (regions.length > 0 && regions.every((r) => r === primary.region)) {
      problems.push({
        property: 'regions',
        message: `regions ${show(regions)} only has the primary's region, so the runbook would be lost with it`,
        fix: `add a region other than '${primary.region}', e.g. '${replica.region}'`,
      });
    }
    if (replica.primary !== primary) {
      problems.push({
        property: 'replica',
        message: `replica '${replica.node.path}' replicates '${replica.primary.node.path}', not this primary`,
        fix: 'pass the replica of this primary',
      });
    }
    if (replica.disasterRecovery && !primary.drReplicaDesignated) {
      // Not an error: the first deployment of a DR pair cannot designate the
      // replica yet (see PrimaryRegionProps.drReplicaDesignated). The workflow
      // promotes the replica until the primary designates it.
      Annotations.of(this).addWarning(`the DR replica '${replica.instanceName}' is not designated on the primary yet (drReplicaDesignated): the workflow promotes it instead of switching over`);
    }
    if (router && !router.targets.some((t) => t.region === replica.region)) {
      problems.push({
        property: 'router',
        message: `router has no target in the replica's region ${show(replica.region)}, so writes cannot follow the database there`,
        fix: `add a router target with region '${replica.region}'`,
      });
    }
    if (!(poll >= 1) || !(timeout >= poll)) {
      problems.push({ property: 'pollSeconds', message: `pollSeconds ${show(poll)} / operationTimeoutSeconds ${show(timeout)} are not a positive poll within the timeout`, fix: 'keep the defaults (15 and 3600)' });
    }
    throwIfProblems(source, problems);

    this.regions = regions;
    this.workflowName = name;
    const project = primary.project;
    useGoogleProvider(this, { project, region: regions[0] });

    const definition = buildWorkflow({
      project,
      primaryInstance: primary.instanceName,
      replicaInstance: replica.instanceName,
      drReplica: dr,
      engine: primary.topology.engine,
      // The primary's retention, within what the promoted replica's edition allows.
      transactionLogRetentionDays: Math.min(primary.transactionLogRetentionDays, CLOUD_SQL_LIMITS.maxLogRetentionDays[replica.edition]),
      dns: router ? {
        managedZone: router.managedZone,
        name: router.writeHostname,
        type: router.recordType,
        policy: router.writePolicyFor(replica.region),
        expectedPrimary: router.targetAddress(replica.region),
      } : undefined,
      pollSeconds: poll,
      maxPolls: Math.ceil(timeout / poll),
    });
    this.workflowSource = JSON.stringify(definition, null, 2);

    const accountId = trimName(deterministicName(this, 'mrc-fo', 30), 30);
    this.serviceAccountEmail = `${accountId}@${project}.iam.gserviceaccount.com`;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project,
      accountId,
      displayName: `Failover runbook of ${primary.instanceName}`,
      description: 'Promotes the Cloud SQL replica and re-points the write record; nothing else.',
    });
    const member = `serviceAccount:${this.serviceAccount.email}`;
    // Promote, switch over, patch (backups) and read operations of Cloud SQL
    // instances: roles/cloudsql.admin is the narrowest predefined role with
    // cloudsql.instances.promoteReplica and switchover.
    new ProjectIamMember(this, 'CloudSqlAdmin', { project, role: 'roles/cloudsql.admin', member });
    new ProjectIamMember(this, 'LogWriter', { project, role: 'roles/logging.logWriter', member });
    if (router) {
      // Record-set changes on the router's zone only, not the project: the
      // managed zone is the lowest level roles/dns.admin can be granted at
      // (https://cloud.google.com/iam/docs/roles-permissions/dns).
      // google_dns_managed_zone_iam_member exists in provider 6.50.0.
      new DnsManagedZoneIamMember(this, 'DnsZoneAdmin', { project, managedZone: router.managedZone, role: 'roles/dns.admin', member });
    }

    this.workflows = regions.map((region) => new WorkflowsWorkflow(this, `Workflow-${region}`, {
      project,
      region,
      name,
      description: `Switchover / failover of ${primary.instanceName} to ${replica.instanceName}`,
      serviceAccount: this.serviceAccount.id,
      callLogLevel: 'LOG_ALL_CALLS',
      deletionProtection: true,
      sourceContents: escapeForTerraform(this.workflowSource),
    }));
    dependOnServices(this, requireServices(this, project, [
      GCP_SERVICES.iam, GCP_SERVICES.workflows, GCP_SERVICES.logging,
      // What the workflow calls at run time.
      GCP_SERVICES.sqlAdmin, ...(router ? [GCP_SERVICES.dns] : []),
    ]));
    new TerraformOutput(this, 'WorkflowName', { value: name, description: `Failover workflow, deployed in ${regions.join(', ')}` });

    this.model = buildModel(this, props, regions, name);
    throwIfProblems(source, validateRunbook(this.model));
    this.markdown = renderRunbookMarkdown(this.model);
  }
}

function buildModel(runbook: FailoverRunbook, props: FailoverRunbookProps, regions: readonly string[], name: string): RunbookModel {
  const { primary, replica, router } = props;
  const p = primary.project;
  const region = regions.find((r) => r !== primary.region) ?? regions[0];
  const run = (data: string) => `gcloud workflows run ${name} --project=${p} --location=${region} \\\n  --data='${data}'`;
  const describe = (instance: string) => `gcloud sql instances describe ${instance} --project=${p} --format='value(instanceType,state,region)'`;
  const dr = replica.disasterRecovery && primary.drReplicaDesignated;
  const pendingDr = replica.disasterRecovery && !primary.drReplicaDesignated;
  // gcloud sql instances patch: --enable-bin-log (MySQL) / --enable-point-in-time-recovery (PostgreSQL).
  const logFlag = primary.topology.engine === 'mysql' ? '--enable-bin-log' : '--enable-point-in-time-recovery';
  const logDays = Math.min(primary.transactionLogRetentionDays, CLOUD_SQL_LIMITS.maxLogRetentionDays[replica.edition]);
  const dnsUpdate = router ? dnsCommand(router, replica.region) : undefined;
  const dnsSteps = router && dnsUpdate ? [{
    kind: 'traffic-shift' as const,
    title: 'Point the write record at the new primary region',
    detail: `Make ${replica.region} the primary of the failover policy of ${router.writeHostname}.`,
    commands: [{ command: dnsUpdate }],
    expect: `the record's primary target is in ${replica.region}`,
  }] : [];
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

  const procedures: RunbookProcedure[] = [
    {
      id: 'switchover',
      title: 'Planned switchover (automated)',
      whenToUse: 'Both regions are healthy: a drill, a maintenance, moving the write region.',
      dataLoss: dr ? 'None: Cloud SQL waits for the DR replica to catch up before it switches roles.' : `None if writes are stopped and replica lag is 0 first; this replica is not ${pendingDr ? 'designated as the DR replica on the primary yet' : 'a DR replica'}, so the workflow promotes it (mode failover).`,
      steps: [
        lagCheck,
        dr
          ? { kind: 'database-switchover', title: 'Run the workflow in switchover mode', commands: [{ command: run('{"mode": "switchover"}') }], timeoutSeconds: 3600, expect: 'the execution succeeds and returns the promoted instance' }
          : { kind: 'database-switchover', title: 'Stop writes, wait for lag 0, then promote', detail: 'Without an Enterprise Plus DR replica there is no switchover API: stop the writers, wait until replica_lag is 0, then run the workflow accepting data loss (there is none to lose once lag is 0).', commands: [{ command: run('{"mode": "failover", "acceptDataLoss": true}') }], timeoutSeconds: 3600 },
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
        { kind: 'database-failover', title: 'Run the workflow accepting data loss', detail: 'The workflow refuses a failover unless acceptDataLoss is true.', commands: [{ command: run('{"mode": "failover", "acceptDataLoss": true}') }], timeoutSeconds: 3600 },
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
        ...(dr ? [] : [{
          kind: 'precondition' as const,
          title: 'Turn on backups and point-in-time recovery on the new primary',
          commands: [{ command: `gcloud sql instances patch ${replica.instanceName} --project=${p} \\\n  --backup-start-time=03:00 ${logFlag} --retained-transaction-log-days=${logDays} --availability-type=REGIONAL --deletion-protection` }],
        }]),
        ...dnsSteps,
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
      { label: 'Workflow service account', value: runbook.serviceAccountEmail },
      ...(router ? [{ label: 'Write hostname', value: router.writeHostname }, { label: 'DNS zone', value: router.managedZone }] : []),
      { label: 'Database write endpoint', value: primary.writeEndpointFollowsFailover ? 'PSA write endpoint (follows switchover and failover)' : 'private IP of the current primary' },
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
    notes: [
      ...(pendingDr ? [`The primary does not designate ${replica.instanceName} as its DR replica yet, so there is no switchover: once the replica exists, set drReplicaDesignated: true on the primary and apply it again (Cloud SQL rejects the designation of a replica that does not exist).`] : []),
      'Terraform still describes the old roles after a promotion: update the configuration before the next apply, or the apply will try to restore them.',
      dr ? 'Switchover and replica failover keep the Enterprise Plus write endpoint pointing at the primary.' : 'Applications that connect to the private IP of the primary must be re-pointed after a promotion.',
    ],
    references: [
      { label: 'Promote replicas for regional migration or disaster recovery', value: 'https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas' },
      { label: 'Disaster recovery with Enterprise Plus (switchover, replica failover)', value: 'https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery' },
      { label: 'Cloud DNS routing policies and health checks', value: 'https://cloud.google.com/dns/docs/routing-policies-overview' },
    ],
  };
}

function dnsCommand(router: GlobalRouter, region: string): string {
  const target = router.targets.find((t) => t.region === region)!;
  const backups = router.targets.filter((t) => t !== target);
  const data = (t: typeof target) => t.ipAddress ?? t.internalLoadBalancer!.ipAddress;
  return [
    `gcloud dns record-sets update ${router.writeHostname} --type=A --ttl=${router.ttl} \\`,
    `  --zone=${router.managedZone} --project=${router.project} \\`,
    '  --routing-policy-type=FAILOVER --enable-health-checking \\',
    `  --routing-policy-primary-data=${data(target)} \\`,
    '  --routing-policy-backup-data-type=GEO \\',
    `  --routing-policy-backup-data='${backups.map((t) => `${t.region}=${data(t)}`).join(';')}'`,
  ].join('\n');
}
