import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { DnsManagedZoneIamMember } from '@cdktf/provider-google/lib/dns-managed-zone-iam-member';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { WorkflowsWorkflow } from '@cdktf/provider-google/lib/workflows-workflow';
import { Construct } from 'constructs';
import {
  checkRegion, ConfigProblem, renderRunbookMarkdown, residencyAllows, RunbookModel, runbookFileName, show, throwIfProblems, validateRunbook,
  writeOutputFiles,
} from '../core';
import { GCP_PROFILE } from './private/gcp-profile';
import { deterministicName, trimName } from './private/names';
import { newPrimaryBackups } from './private/gcp-checks';
import { buildGcpRunbookModel, GcpRunbookInput } from './private/gcp-runbook';
import { buildWorkflow, escapeForTerraform } from './private/workflow-source';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { registerRunbook } from './private/phase-checks';
import { mustSurvive } from './private/state-registry';
import { useGoogleProvider } from './provider';

/** Properties of {@link FailoverRunbook}. */
export interface FailoverRunbookProps {
  /** The primary whose writes move. */
  readonly primary: PrimaryRegion;
  /**
   * The replica regions (AWS: `replicas` too). The workflow can move the
   * writes to any of them (`target` execution argument), and back.
   * @default - the deprecated `replica` (one of them is required)
   */
  readonly replicas?: readonly ReadReplicaRegion[];
  /**
   * @deprecated use {@link replicas} (`replicas: [replica]`).
   * @default - see replicas
   */
  readonly replica?: ReadReplicaRegion;
  /**
   * The region the writes move to by default (the workflow's default
   * `target`); one of the replicas' regions.
   * @default the first replica's region
   */
  readonly standbyRegion?: string;
  /**
   * The router whose write record follows the database.
   * @default - no DNS step (applications use the PSA write endpoint or are re-pointed by hand)
   */
  readonly router?: GlobalRouter;
  /**
   * Regions the workflow is deployed in. At least one must differ from the
   * primary's region, so the runbook survives the loss of that region.
   * @default [the standby region]
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
  /**
   * Longest wait for the fence of the former primary (activation policy
   * NEVER) in an unplanned failover, seconds. Past it the fence counts as
   * pending and the failover goes on: availability first.
   * @default 300
   */
  readonly fenceTimeoutSeconds?: number;
  /**
   * Write the Markdown runbook next to the stacks at synth,
   * `<cdktf.out>/runbooks/<workflow name>.md` (as the AWS construct writes it
   * into `cdk.out/runbooks/`).
   * @default true
   */
  readonly writeRunbook?: boolean;
}

/**
 * Failover automation on Cloud Workflows, deployed outside the primary's
 * region: a planned switchover (Enterprise Plus DR replica, no data loss) or
 * an unplanned promotion of a replica, which it refuses unless the
 * execution argument accepts the data loss; then it re-points the write
 * record through the Cloud DNS API and verifies. Role-free: it moves the
 * writes to any region of the deployment (`target`), which is also how it
 * fails back, and it refuses to make an instance the writer while another
 * one is a writable primary. Runs as a service account with only the roles
 * it needs. {@link markdown} is the human runbook with the `gcloud`
 * commands of the manual path, a drill and the day-two steps.
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
  /** The primary whose writes move. */
  public readonly primary: PrimaryRegion;
  /** The replicas the writes can move to. */
  public readonly replicas: readonly ReadReplicaRegion[];
  /** The default target region. */
  public readonly standbyRegion: string;
  /** File name of the Markdown runbook (`<workflow name>.md`), under `<outdir>/runbooks/`. */
  public readonly runbookFileName: string;
  private readonly modelInput: GcpRunbookInput;
  private readonly source: { construct: string; path: string };

  constructor(scope: Construct, id: string, props: FailoverRunbookProps) {
    super(scope, id);
    const source = { construct: 'FailoverRunbook', path: this.node.path };
    const { primary, router } = props;
    const problems: ConfigProblem[] = [];
    const replicas = replicasOf(this, props, problems);
    const standbyRegion = props.standbyRegion ?? replicas[0]?.region ?? '';
    const standby = replicas.find((r) => r.region === standbyRegion);
    const regions = [...(props.regions ?? [standbyRegion])];
    const poll = props.pollSeconds ?? 15;
    const timeout = props.operationTimeoutSeconds ?? 3600;
    const fenceTimeout = props.fenceTimeoutSeconds ?? 300;
    const name = props.workflowName ?? deterministicName(this, 'mrc-failover', 60);

    if (replicas.length > 0 && !standby) {
      problems.push({
        property: 'standbyRegion',
        message: `standbyRegion ${show(standbyRegion)} is not the region of one of the replicas (${replicas.map((r) => r.region).join(', ')}): the writes can only move to a replica of the deployment`,
        fix: `set standbyRegion to one of ${replicas.map((r) => `'${r.region}'`).join(', ')}, or add a ReadReplicaRegion in '${standbyRegion}' first`,
      });
    }
    if (regions.length === 0) {
      problems.push({ property: 'regions', message: 'regions is empty', fix: `deploy the workflow in at least one region other than '${primary.region}'` });
    }
    if (standbyRegion !== '' || props.regions) regions.forEach((r, i) => problems.push(...checkRegion(GCP_PROFILE, `regions[${i}]`, r)));
    const residency = primary.topology.residency;
    if (residency && (standbyRegion !== '' || props.regions)) {
      regions.forEach((r, i) => {
        if (!residencyAllows(residency, r)) {
          problems.push({
            property: `regions[${i}]`,
            message: `regions[${i}] ${show(r)} is outside the residency rule '${residency.name}' of the data (allowed: ${residency.allowedRegions.join(', ')}): the workflow's definition names its instances and its executions log their state, in ${show(r)}`,
            fix: `deploy the workflow in regions the rule allows, e.g. the standby '${standbyRegion}'`,
          });
        }
      });
    }
    if (regions.length > 0 && regions.every((r) => r === primary.region)) {
      problems.push({
        property: 'regions',
        message: `regions ${show(regions)} only has the primary's region, so the runbook would be lost with it`,
        fix: `add a region other than '${primary.region}', e.g. '${standbyRegion}'`,
      });
    }
    replicas.forEach((replica, i) => {
      if (replica.primary !== primary) {
        problems.push({
          property: props.replicas ? `replicas[${i}]` : 'replica',
          message: `replica '${replica.node.path}' replicates '${replica.primary.node.path}', not this primary`,
          fix: 'pass the replicas of this primary',
        });
      }
    });
    if (standby?.disasterRecovery && primary.drReplicaDesignation === 'never') {
      Annotations.of(this).addWarning(`the DR replica '${standby.instanceName}' is never designated on the primary (drReplicaDesignated: false): the workflow promotes it instead of switching over`);
    }
    if (router && standby && !router.targets.some((t) => t.region === standby.region)) {
      problems.push({
        property: 'router',
        message: `router has no target in the standby region ${show(standby.region)}, so writes cannot follow the database there`,
        fix: `add a router target with region '${standby.region}'`,
      });
    }
    if (!(fenceTimeout >= poll) || !(fenceTimeout <= timeout)) {
      problems.push({ property: 'fenceTimeoutSeconds', message: `fenceTimeoutSeconds ${show(fenceTimeout)} is not between pollSeconds (${poll}) and operationTimeoutSeconds (${timeout})`, fix: 'keep the default (300)' });
    }
    if (!(poll >= 1) || !(timeout >= poll)) {
      problems.push({ property: 'pollSeconds', message: `pollSeconds ${show(poll)} / operationTimeoutSeconds ${show(timeout)} are not a positive poll within the timeout`, fix: 'keep the defaults (15 and 3600)' });
    }
    throwIfProblems(source, problems);

    this.primary = primary;
    this.replicas = replicas;
    this.standbyRegion = standbyRegion;
    this.regions = regions;
    this.workflowName = name;
    const project = primary.project;
    useGoogleProvider(this, { project, region: regions[0] });

    const members = deploymentInstances(primary, replicas);
    const definition = buildWorkflow({
      project,
      engine: primary.topology.engine,
      primaryRegion: primary.region,
      standbyRegion,
      instances: Object.fromEntries(members.map((m) => [m.region, {
        name: m.name,
        drCapable: m.disasterRecovery && primary.drReplicaDesignated,
        ...newPrimaryBackups(primary, m.edition),
      }])),
      dns: router ? {
        managedZone: router.managedZone,
        name: router.writeHostname,
        type: router.recordType,
        kind: router.targets.some((t) => t.internalLoadBalancer) ? 'internal' : 'external',
        policies: Object.fromEntries(router.targets.map((t) => [t.region, router.writePolicyFor(t.region)])),
        addresses: Object.fromEntries(router.targets.map((t) => [t.region, router.targetAddress(t.region).address])),
      } : undefined,
      pollSeconds: poll,
      maxPolls: Math.ceil(timeout / poll),
      fenceMaxPolls: Math.max(1, Math.ceil(fenceTimeout / poll)),
    });
    this.workflowSource = JSON.stringify(definition, null, 2);

    const accountId = trimName(deterministicName(this, 'mrc-fo', 30), 30);
    this.serviceAccountEmail = `${accountId}@${project}.iam.gserviceaccount.com`;
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      project,
      accountId,
      displayName: `Failover runbook ${name}`,
      description: 'Moves the writes between the Cloud SQL instances of one deployment and re-points the write record; nothing else.',
    });
    const member = `serviceAccount:${this.serviceAccount.email}`;
    // Cloud SQL: read-only project-wide (instances.get/list, operations.get/list:
    // https://cloud.google.com/sql/docs/postgres/iam-permissions), and the
    // admin role only on the instances of this deployment, through an IAM
    // condition on the instance resource names (Cloud SQL supports conditions
    // on instances: https://cloud.google.com/sql/docs/postgres/iam-conditions;
    // the sample https://github.com/terraform-google-modules/terraform-docs-samples/blob/main/cloud_sql/instance_iam_condition/main.tf).
    // A custom role would be narrower, but the permission behind
    // instances.switchover is not documented; a predefined role cannot miss it.
    // The condition lists the instances sorted, and its title and description
    // name the workflow, not a role: a role swap does not replace the binding
    // (a condition is ForceNew).
    new ProjectIamMember(this, 'CloudSqlViewer', { project, role: 'roles/cloudsql.viewer', member });
    const names = members.map((m) => m.name).sort();
    new ProjectIamMember(this, 'CloudSqlAdmin', {
      project,
      role: 'roles/cloudsql.admin',
      member,
      condition: {
        title: trimName(`failover-${name}`, 100),
        description: trimName(`Cloud SQL admin on the instances of ${name} only: ${names.join(', ')} (switchover, promotion, backups after promotion)`, 256),
        expression: instancesCondition(project, names),
      },
    });
    new ProjectIamMember(this, 'LogWriter', { project, role: 'roles/logging.logWriter', member });
    // Arming the split-brain guard: list alert policies (by label) and update
    // their `enabled` field, nothing else — a custom role, as no predefined one
    // is narrower than roles/monitoring.alertPolicyEditor (which can also
    // create and delete): https://cloud.google.com/monitoring/access-control
    const guardRole = new ProjectIamCustomRole(this, 'GuardRole', {
      project,
      roleId: guardRoleId(name),
      title: trimName(`Split-brain guard of ${name}`, 100),
      description: 'Lets the failover workflow enable the split-brain alert of a former primary.',
      permissions: ['monitoring.alertPolicies.get', 'monitoring.alertPolicies.list', 'monitoring.alertPolicies.update'],
    });
    new ProjectIamMember(this, 'GuardArmer', { project, role: guardRole.name, member });
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
      description: `Switchover / failover between ${names.join(', ')} (default target ${standbyRegion})`,
      serviceAccount: this.serviceAccount.id,
      callLogLevel: 'LOG_ALL_CALLS',
      deletionProtection: true,
      sourceContents: escapeForTerraform(this.workflowSource),
    }));
    dependOnServices(this, requireServices(this, project, [
      GCP_SERVICES.iam, GCP_SERVICES.workflows, GCP_SERVICES.logging,
      // What the workflow calls at run time.
      GCP_SERVICES.sqlAdmin, GCP_SERVICES.monitoring, ...(router ? [GCP_SERVICES.dns] : []),
    ]));
    mustSurvive(this, primary.region, 'required', `the runbook '${this.node.path}' is what runs when ${primary.region} is lost`);
    registerRunbook(this);
    new TerraformOutput(this, 'WorkflowName', { value: name, description: `Failover workflow, deployed in ${regions.join(', ')}` });

    this.modelInput = { primary, replicas, standby: standby!, router, regions, workflowName: name, serviceAccountEmail: this.serviceAccountEmail, runbookStack: TerraformStack.of(this) };
    this.source = source;
    throwIfProblems(source, validateRunbook(this.model));
    this.runbookFileName = runbookFileName(name);
    if (props.writeRunbook ?? true) {
      // Written at synth into the output directory, next to the stacks; the
      // Markdown is rendered then, so it includes state backends added later.
      // addCustomSynthesis is cdktf's hook for files a construct adds to the
      // output (as aws-cdk-lib's attachCustomSynthesis on AWS).
      const file = this.runbookFileName;
      addCustomSynthesis(this, {
        onSynthesize: (session) => {
          writeOutputFiles(session.outdir, [{ dir: 'runbooks', file, text: this.markdown }]);
        },
      });
    }
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

/** `replicas`, or the deprecated `replica` (with a warning). */
function replicasOf(scope: Construct, props: FailoverRunbookProps, problems: ConfigProblem[]): readonly ReadReplicaRegion[] {
  if (props.replica && props.replicas && !props.replicas.includes(props.replica)) {
    problems.push({ property: 'replica', message: `replica '${props.replica.node.path}' is not one of replicas`, fix: 'keep only replicas (replica is its deprecated name)' });
  }
  if (props.replica && !props.replicas) {
    Annotations.of(scope).addWarning(`FailoverRunbook '${scope.node.path}': replica is deprecated; use replicas: [replica] (and standbyRegion to choose the default target). replica will be removed in a future major version.`);
    return [props.replica];
  }
  const replicas = props.replicas ?? [];
  if (replicas.length === 0) {
    problems.push({ property: 'replicas', message: 'replicas is empty: there is no replica to move the writes to', fix: 'pass the ReadReplicaRegion(s) of the primary: replicas: [replica]' });
  }
  return replicas;
}

/**
 * Every instance of the deployment (the primary, and every replica region of
 * its topology), by region. A replica region without a ReadReplicaRegion in
 * `replicas` is still known by its name (PrimaryRegion.instanceNameOf), so
 * the workflow sees every possible writer.
 */
function deploymentInstances(primary: PrimaryRegion, replicas: readonly ReadReplicaRegion[]) {
  return [primary.region, ...primary.topology.replicaRegions].map((region) => {
    const replica = replicas.find((r) => r.region === region);
    return {
      region,
      name: region === primary.region ? primary.instanceName : replica?.instanceName ?? primary.instanceNameOf(region),
      edition: region === primary.region ? primary.edition : replica?.edition ?? primary.edition,
      disasterRecovery: region === primary.region ? primary.drReplicaName !== undefined : replica?.disasterRecovery ?? false,
    };
  });
}

/** A custom role id (3–64 letters, digits, `_` and `.`) derived from the workflow name. */
export function guardRoleId(workflowName: string): string {
  return `mrcGuard_${workflowName.replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 64);
}

/** An IAM condition that matches only the given Cloud SQL instances. */
export function instancesCondition(project: string, instances: readonly string[]): string {
  const names = [...new Set(instances)].map((i) => `resource.name == 'projects/${project}/instances/${i}'`);
  return `resource.type == 'sqladmin.googleapis.com/Instance' && (${names.join(' || ')})`;
}
