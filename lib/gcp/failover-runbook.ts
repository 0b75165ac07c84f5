import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Construct } from 'constructs';
import {
  checkRegion, ConfigProblem, renderRunbookMarkdown, RunbookModel, show, throwIfProblems, validateRunbook,
} from '../core';
import { GCP_PROFILE } from './private/gcp-profile';
import { deterministicName, trimName } from './private/names';
import { buildGcpRunbookModel, GcpRunbookInput, newPrimaryBackups } from './private/gcp-runbook';
import { buildWorkflow, escapeForTerraform } from './private/workflow-source';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { mustSurvive } from './private/state-registry';
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
  private readonly modelInput: GcpRunbookInput;
  private readonly source: { construct: string; path: string };


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
      ...newPrimaryBackups(primary, replica),
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
    // Cloud SQL: read-only project-wide (instances.get/list, operations.get/list:
    // https://cloud.google.com/sql/docs/postgres/iam-permissions), and the
    // admin role only on the two instances of this runbook, through an IAM
    // condition on the instance resource names (Cloud SQL supports conditions
    // on instances: https://cloud.google.com/sql/docs/postgres/iam-conditions;
    // the sample https://github.com/terraform-google-modules/terraform-docs-samples/blob/main/cloud_sql/instance_iam_condition/main.tf).
    // A custom role would be narrower, but the permission behind
    // instances.switchover is not documented; a predefined role cannot miss it.
    new ProjectIamMember(this, 'CloudSqlViewer', { project, role: 'roles/cloudsql.viewer', member });
    new ProjectIamMember(this, 'CloudSqlAdmin', {
      project,
      role: 'roles/cloudsql.admin',
      member,
      condition: {
        title: trimName(`failover-${primary.instanceName}`, 100),
        description: `Cloud SQL admin on ${primary.instanceName} and ${replica.instanceName} only (switchover, promotion, backups after promotion)`,
        expression: instancesCondition(project, [primary.instanceName, replica.instanceName]),
      },
    });
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
    mustSurvive(this, primary.region, 'required', `the runbook '${this.node.path}' is what runs when ${primary.region} is lost`);
    new TerraformOutput(this, 'WorkflowName', { value: name, description: `Failover workflow, deployed in ${regions.join(', ')}` });

    this.modelInput = { ...props, regions, workflowName: name, serviceAccountEmail: this.serviceAccountEmail, runbookStack: TerraformStack.of(this) };
    this.source = source;
    throwIfProblems(source, validateRunbook(this.model));
  }

  /**
   * The runbook model (shared with the other clouds). Built when read, so it
   * reflects state backends added to the stacks after this construct.
   */
  public get model(): RunbookModel {
    const model = buildGcpRunbookModel(this.modelInput);
    throwIfProblems(this.source, validateRunbook(model));
    return model;
  }

  /** The human runbook, Markdown. */
  public get markdown(): string {
    return renderRunbookMarkdown(this.model);
  }
}

/** An IAM condition that matches only the given Cloud SQL instances. */
export function instancesCondition(project: string, instances: readonly string[]): string {
  const names = [...new Set(instances)].map((i) => `resource.name == 'projects/${project}/instances/${i}'`);
  return `resource.type == 'sqladmin.googleapis.com/Instance' && (${names.join(' || ')})`;
}
