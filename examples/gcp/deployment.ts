/**
 * One deployment of the ladder on Google Cloud, at any phase, with stacks
 * named by REGION, never by role (docs/day-two.md):
 *
 *   <prefix>-network          the VPC network + private service access (global: no region's role owns it)
 *   <prefix>-<region>         one per region: its Cloud SQL instance, primary or replica
 *   <prefix>-router           phases 3–4: the DNS records (write failover policy, phase-4 read geo policy)
 *   <prefix>-runbook          phases 3–4: the failover workflow, outside the primary's region
 *
 * Swapping GCP_PRIMARY_REGION and GCP_REPLICA_REGIONS after a switchover or
 * failover keeps every instance in its region's stack, under the same
 * address, with the same name: only role-bound arguments change, in place
 * (test/gcp/day-two-examples.test.ts checks it for every phase).
 */
import { App, TerraformStack } from 'cdktf';
import { DeploymentMonitoring, DeploymentNetwork, FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion, RouterTarget } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders, instanceNamesOf, useStateBucket } from './config';

export interface GcpDeploymentSpec {
  readonly phase: 1 | 2 | 3 | 4;
  /** Base of the instance names, e.g. `orders-p3`. */
  readonly name: string;
  /** Prefix of the stack names, e.g. `gcp-phase3`. */
  readonly stackPrefix: string;
  /**
   * Label of the record names: `write.<label>.<zone>`, `read.<label>.<zone>`.
   * @default `p<phase>` (each example phase its own names, so all can be applied in one zone)
   */
  readonly dnsLabel?: string;
}

export interface GcpDeployment {
  readonly stacks: TerraformStack[];
  readonly network: DeploymentNetwork;
  readonly primary: PrimaryRegion;
  readonly replicas: ReadReplicaRegion[];
  readonly router?: GlobalRouter;
  readonly runbook?: FailoverRunbook;
  /** Phases 2+: the dashboard and the routed alert policies (in the network stack, which no role owns). */
  readonly monitoring?: DeploymentMonitoring;
}

function monitor(networkStack: TerraformStack, config: GcpExampleConfig, parts: { primary: PrimaryRegion; replicas: ReadReplicaRegion[]; router?: GlobalRouter; runbook?: FailoverRunbook }): DeploymentMonitoring {
  return new DeploymentMonitoring(networkStack, 'Monitoring', {
    ...parts,
    // GCP_NOTIFICATION_CHANNEL; none by default (alerts in the console only, a
    // warning says so; GCP_FOR_REAL=true refuses that, examples/gcp/config.ts).
    notificationChannels: config.notificationChannels,
    providerRegion: config.firstPrimaryRegion,
  });
}

export function buildGcpDeployment(app: App, config: GcpExampleConfig, spec: GcpDeploymentSpec): GcpDeployment {
  const { phase, name, stackPrefix: prefix } = spec;
  const replicaRegions = phase === 1 ? [] : config.replicaRegions;
  const regions = phase === 1 ? [config.primaryRegion] : undefined;
  const instanceNames = instanceNamesOf(config, name, regions);
  const activePassive = phase >= 3;
  const [drRegion] = replicaRegions;

  const networkStack = new TerraformStack(app, `${prefix}-network`);
  // The names PrimaryRegion gave its own network before networks had a stack of their own.
  const network = new DeploymentNetwork(networkStack, 'Network', {
    project: config.project,
    networkName: `${name}-vpc`,
    rangeName: `${name}-psa`,
    // A network is global; a region that does not change with the roles.
    providerRegion: config.firstPrimaryRegion,
    providerVersionConstraint: config.providerVersion,
  });

  const primaryStack = new TerraformStack(app, `${prefix}-${config.primaryRegion}`);
  primaryStack.addDependency(networkStack);
  const primary = new PrimaryRegion(primaryStack, 'Database', {
    project: config.project,
    region: config.primaryRegion,
    replicaRegions,
    phase,
    instanceNames,
    network: network.network,
    allocatedIpRange: network.allocatedIpRange,
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
    ...(activePassive ? {
      // Enterprise Plus: a DR replica (switchover without data loss, PSA write endpoint),
      // designated automatically once it exists (output DrReplicaDesignation).
      edition: 'ENTERPRISE_PLUS' as const,
      drReplicaRegion: drRegion,
      drReplicaDesignated: config.drReplicaDesignated,
    } : {}),
  });
  const replicaStacks: TerraformStack[] = [];
  const replicas = replicaRegions.map((region) => {
    const stack = new TerraformStack(app, `${prefix}-${region}`);
    stack.addDependency(networkStack);
    stack.addDependency(primaryStack);
    replicaStacks.push(stack);
    return new ReadReplicaRegion(stack, 'Database', {
      primary,
      region,
      disasterRecovery: activePassive && region === drRegion,
      providerVersionConstraint: config.providerVersion,
    });
  });
  const dataStacks = [networkStack, primaryStack, ...replicaStacks];
  for (const s of dataStacks) guardPlaceholders(s, config);
  if (!activePassive) {
    for (const s of dataStacks) useStateBucket(s, config);
    const monitoring = phase >= 2 ? monitor(networkStack, config, { primary, replicas }) : undefined;
    return { stacks: dataStacks, network, primary, replicas, monitoring };
  }

  const routerStack = new TerraformStack(app, `${prefix}-router`);
  const router = new GlobalRouter(routerStack, 'Router', {
    primary,
    zone: { name: config.dnsZone, dnsName: config.dnsName },
    // Each phase its own names: phases 3 and 4 can be applied in one project and zone.
    writeRecordName: `write.${spec.dnsLabel ?? `p${phase}`}`,
    readRecordName: `read.${spec.dnsLabel ?? `p${phase}`}`,
    endpoints: [config.primaryRegion, ...replicaRegions].map((region) => ({ region, target: RouterTarget.fromIpAddress(config.endpoints[region]) })),
  });
  const runbookStack = new TerraformStack(app, `${prefix}-runbook`);
  runbookStack.addDependency(routerStack);
  const runbook = new FailoverRunbook(runbookStack, 'Runbook', {
    primary,
    replicas,
    router,
    workflowName: `${name}-failover`,
  });
  guardPlaceholders(runbookStack, config);
  guardPlaceholders(routerStack, config, true);
  const stacks = [...dataStacks, routerStack, runbookStack];
  for (const s of stacks) useStateBucket(s, config);
  const monitoring = monitor(networkStack, config, { primary, replicas, router, runbook });
  return { stacks, network, primary, replicas, router, runbook, monitoring };
}
