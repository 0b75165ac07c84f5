/**
 * One deployment of the ladder on Google Cloud, phases 1–4, with stacks
 * named by REGION, never by role (docs/day-two.md):
 *
 *   <prefix>-network          the VPC network + private service access (global: no region's role owns it)
 *   <prefix>-<region>         one per region: its Cloud SQL instance, primary or replica
 *   <prefix>-router           phases 3–4: the DNS records (write failover policy, phase-4 read geo policy)
 *   <prefix>-runbook          phases 3–4: the failover workflow, outside the primary's region
 *
 * Swapping `primaryRegion` and `replicaRegions` after a switchover or
 * failover keeps every instance in its region's stack, under the same
 * address, with the same name: instance names come from `originRegion`
 * (the region first created as primary keeps the bare name), and only
 * role-bound arguments change, in place. `LadderDeployment.fromFile` builds
 * it (or phase 5) from a configuration file (ladder-file.ts).
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigProblem, DataResidency, EngineFamily, RecoveryObjectives, show, throwIfProblems } from '../core';
import { DeploymentNetwork } from './deployment-network';
import { DeploymentMonitoring } from './monitoring';
import { FailoverRunbook } from './failover-runbook';
import { GlobalRouter, ManagedZoneRef, RouterHealthCheckOptions, RouterTarget } from './global-router';
import { PrimaryRegion } from './primary-region';
import type { Edition } from './private/sql-rules';
import type { GcpLadderFileOptions, GcpLadderFromFile } from './ladder-file';
import { ReadReplicaRegion } from './read-replica-region';
import { StateBucketSpec, useGcsStateBackend } from './state-backend';

/** What a stack of a {@link LadderDeployment} holds (given to `stackHook`). */
export type LadderStackKind = 'network' | 'region' | 'router' | 'runbook';

/** Properties of {@link LadderDeployment}. */
export interface LadderDeploymentProps {
  /** The project of every resource. */
  readonly project: string;
  /** Phase of the ladder, 1–4 (phase 5: GeoPartitionedDatabase, ActiveActiveDatabase). */
  readonly phase: 1 | 2 | 3 | 4;
  /**
   * Base of the instance names, e.g. `orders`: the origin region's instance
   * is named so, every other region's `<name>-<region>`; the network
   * `<name>-vpc`, the workflow `<name>-failover`. Create-only.
   */
  readonly name: string;
  /** Prefix of the stack names. @default the construct id */
  readonly stackPrefix?: string;
  /** The region that takes the writes today: a ROLE. */
  readonly primaryRegion: string;
  /** Every other region, in a stable order. Ignored in phase 1. @default [] */
  readonly replicaRegions?: readonly string[];
  /**
   * The region the deployment was created with as primary: its instance
   * keeps the bare name, and the network's provider is in it. Never changes.
   * @default primaryRegion
   */
  readonly originRegion?: string;
  /**
   * Phases 3–4: the replica a failover moves the writes to (the Enterprise Plus DR replica).
   * @default the first of replicaRegions
   */
  readonly standbyRegion?: string;
  /** Engine family. @default 'postgresql' */
  readonly engine?: EngineFamily;
  /** Cloud SQL edition. @default 'ENTERPRISE' in phases 1–2, 'ENTERPRISE_PLUS' from phase 3 (the DR replica) */
  readonly edition?: Edition;
  /** Phases 3–4: whether the primary designates its DR replica. @default - automatically, once the replica exists */
  readonly drReplicaDesignated?: boolean;
  /** Automated backups kept, days. @default - PrimaryRegion's default */
  readonly backupRetentionDays?: number;
  /** Replication lag that alarms, seconds. @default 30 */
  readonly replicationLagAlarmThresholdSeconds?: number;
  /** Where the data may be held: every region must be allowed. @default - no restriction */
  readonly residency?: DataResidency;
  /** Declared objectives, checked against the estimate. @default - none declared */
  readonly recoveryObjectives?: RecoveryObjectives;
  /** Cloud Monitoring notification channels of every alert policy. @default [] */
  readonly notificationChannels?: readonly string[];
  /** Phases 3–4: the Cloud DNS managed zone of the routes. @default - required from phase 3 */
  readonly zone?: ManagedZoneRef;
  /** Phases 3–4: the public IPv4 address of the application in each region. @default - required from phase 3 */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** Write record name under the zone. @default 'write' */
  readonly writeRecordName?: string;
  /** Read record name under the zone (phase 4). @default 'read' */
  readonly readRecordName?: string;
  /** TTL of the records, seconds. @default 30 */
  readonly recordTtlSeconds?: number;
  /** Health check of the endpoints. @default see GlobalRouter */
  readonly healthCheck?: RouterHealthCheckOptions;
  /** The bucket every stack keeps its Terraform state in (each under its stack name). @default - cdktf's default local state */
  readonly stateBucket?: StateBucketSpec;
  /** Version constraint of the Google provider. @default the constructs' default */
  readonly providerVersionConstraint?: string;
  /**
   * Called with every stack once its constructs are built, before its state
   * backend is set: data stacks (network, regions) first, then the router
   * and the runbook (for example to add a PlaceholderGuard).
   * @default - nothing
   */
  readonly stackHook?: (stack: TerraformStack, kind: LadderStackKind) => void;
}

/**
 * All stacks of one ladder phase (1–4) on Google Cloud. Put it directly in
 * an `App`: the stacks are the App's children, the construct holds none.
 */
export class LadderDeployment extends Construct {
  /** Builds the deployment a configuration file describes (docs/config.md); see {@link gcpLadderFromFile}. */
  public static fromFile(scope: App, file: string, options?: GcpLadderFileOptions): GcpLadderFromFile {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { gcpLadderFromFile } = require('./ladder-file') as typeof import('./ladder-file');
    return gcpLadderFromFile(scope, file, options);
  }

  /** Every stack: network, primary, replicas, then router and runbook. */
  public readonly stacks: readonly TerraformStack[];
  /** The VPC network and private service access (`<prefix>-network`). */
  public readonly network: DeploymentNetwork;
  /** The writer's instance today (in `<prefix>-<primaryRegion>`). */
  public readonly primary: PrimaryRegion;
  /** The other regions' instances, in `replicaRegions` order. */
  public readonly replicas: readonly ReadReplicaRegion[];
  /** The routes (phases 3–4; undefined before). */
  public readonly router?: GlobalRouter;
  /** The failover workflow and its Markdown runbook (phases 3–4; undefined before). */
  public readonly runbook?: FailoverRunbook;
  /**
   * Phases 2+: the dashboard and the alert policies routed to `notificationChannels`,
   * in the network stack (which no region's role owns, so a switchover changes none of it).
   */
  public readonly monitoring?: DeploymentMonitoring;

  constructor(scope: App, id: string, props: LadderDeploymentProps) {
    super(scope, id);
    const { phase, name } = props;
    const prefix = props.stackPrefix ?? id;
    const replicaRegions = phase === 1 ? [] : [...(props.replicaRegions ?? [])];
    const origin = props.originRegion ?? props.primaryRegion;
    const regions = [props.primaryRegion, ...replicaRegions];
    const activePassive = phase >= 3;
    const drRegion = props.standbyRegion ?? replicaRegions[0];
    const problems: ConfigProblem[] = [];
    if (phase > 1 && !regions.includes(origin)) {
      problems.push({ property: 'originRegion', message: `originRegion ${show(origin)} is not a region of the deployment (${show(regions)})`, fix: 'set originRegion to the region first created as primary (its instance has the bare name), and list it in primaryRegion or replicaRegions' });
    }
    if (props.standbyRegion !== undefined && !replicaRegions.includes(props.standbyRegion)) {
      problems.push({ property: 'standbyRegion', message: `standbyRegion ${show(props.standbyRegion)} is not one of replicaRegions (${show(replicaRegions)})`, fix: 'choose the standby among the replica regions' });
    }
    if (activePassive && (!props.zone || !props.endpoints)) {
      problems.push({ property: props.zone ? 'endpoints' : 'zone', message: `phase ${phase} routes the writes through Cloud DNS, but ${props.zone ? 'endpoints is' : 'zone is'} not set`, fix: "give zone: { name: 'prod-zone', dnsName: 'example.com.' } and endpoints: { '<region>': '<ip>' } for the primary and the standby" });
    }
    throwIfProblems({ construct: 'LadderDeployment', path: this.node.path }, problems);
    // Role-free: the same map before and after a swap.
    const instanceNames = Object.fromEntries((phase === 1 ? [props.primaryRegion] : regions).map((r) => [r, r === origin ? name : `${name}-${r}`]));
    const hook = props.stackHook ?? (() => undefined);

    const networkStack = new TerraformStack(scope, `${prefix}-network`);
    // The names PrimaryRegion gave its own network before networks had a stack of their own.
    this.network = new DeploymentNetwork(networkStack, 'Network', {
      project: props.project,
      networkName: `${name}-vpc`,
      rangeName: `${name}-psa`,
      // A network is global; a region that does not change with the roles.
      providerRegion: origin,
      providerVersionConstraint: props.providerVersionConstraint,
    });
    const primaryStack = new TerraformStack(scope, `${prefix}-${props.primaryRegion}`);
    primaryStack.addDependency(networkStack);
    this.primary = new PrimaryRegion(primaryStack, 'Database', {
      project: props.project,
      region: props.primaryRegion,
      replicaRegions,
      phase,
      instanceNames,
      network: this.network.network,
      allocatedIpRange: this.network.allocatedIpRange,
      notificationChannels: props.notificationChannels ?? [],
      providerVersionConstraint: props.providerVersionConstraint,
      ...(props.engine ? { engine: props.engine } : {}),
      ...(props.backupRetentionDays !== undefined ? { backupRetentionDays: props.backupRetentionDays } : {}),
      ...(props.residency ? { residency: props.residency } : {}),
      ...(props.recoveryObjectives ? { recoveryObjectives: props.recoveryObjectives } : {}),
      ...(props.edition && !activePassive ? { edition: props.edition } : {}),
      ...(activePassive ? {
        // Enterprise Plus: a DR replica (switchover without data loss, PSA write endpoint),
        // designated automatically once it exists (output DrReplicaDesignation).
        edition: props.edition ?? 'ENTERPRISE_PLUS',
        drReplicaRegion: drRegion,
        drReplicaDesignated: props.drReplicaDesignated,
      } : {}),
    });
    const replicaStacks: TerraformStack[] = [];
    this.replicas = replicaRegions.map((region) => {
      const stack = new TerraformStack(scope, `${prefix}-${region}`);
      stack.addDependency(networkStack);
      stack.addDependency(primaryStack);
      replicaStacks.push(stack);
      return new ReadReplicaRegion(stack, 'Database', {
        primary: this.primary,
        region,
        disasterRecovery: activePassive && region === drRegion,
        providerVersionConstraint: props.providerVersionConstraint,
        ...(props.replicationLagAlarmThresholdSeconds !== undefined ? { replicationLagAlarmThresholdSeconds: props.replicationLagAlarmThresholdSeconds } : {}),
      });
    });
    const dataStacks = [networkStack, primaryStack, ...replicaStacks];
    hook(networkStack, 'network');
    for (const s of [primaryStack, ...replicaStacks]) hook(s, 'region');
    let stacks = dataStacks;
    if (activePassive) {
      const routerStack = new TerraformStack(scope, `${prefix}-router`);
      this.router = new GlobalRouter(routerStack, 'Router', {
        primary: this.primary,
        zone: props.zone!,
        writeRecordName: props.writeRecordName,
        readRecordName: props.readRecordName,
        ...(props.recordTtlSeconds !== undefined ? { recordTtlSeconds: props.recordTtlSeconds } : {}),
        ...(props.healthCheck ? { healthCheck: props.healthCheck } : {}),
        endpoints: regions.filter((r) => props.endpoints![r] !== undefined).map((region) => ({ region, target: RouterTarget.fromIpAddress(props.endpoints![region]) })),
      });
      const runbookStack = new TerraformStack(scope, `${prefix}-runbook`);
      runbookStack.addDependency(routerStack);
      this.runbook = new FailoverRunbook(runbookStack, 'Runbook', {
        primary: this.primary,
        replicas: this.replicas,
        router: this.router,
        ...(props.standbyRegion ? { standbyRegion: props.standbyRegion } : {}),
        workflowName: `${name}-failover`,
      });
      hook(routerStack, 'router');
      hook(runbookStack, 'runbook');
      stacks = [...dataStacks, routerStack, runbookStack];
    }
    if (phase >= 2) {
      this.monitoring = new DeploymentMonitoring(networkStack, 'Monitoring', {
        primary: this.primary,
        replicas: this.replicas,
        router: this.router,
        runbook: this.runbook,
        notificationChannels: props.notificationChannels,
        providerRegion: origin,
      });
    }
    if (props.stateBucket) for (const s of stacks) useGcsStateBackend(s, { bucket: props.stateBucket });
    this.stacks = stacks;
  }
}
