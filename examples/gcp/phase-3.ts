/**
 * Phase 3 on Google Cloud: active-passive with a tested failover. The
 * primary runs Enterprise Plus with a cross-region DR replica (switchover
 * without data loss, PSA write endpoint), the write hostname uses a Cloud DNS
 * failover policy, and the failover workflow runs in the replica's region.
 */
import { App, TerraformStack } from 'cdktf';
import { FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders, useStateBucket } from './config';

export interface GcpActivePassive {
  readonly stacks: TerraformStack[];
  readonly runbook: FailoverRunbook;
}

export function buildActivePassive(app: App, config: GcpExampleConfig, phase: 3 | 4): GcpActivePassive {
  const prefix = `gcp-phase${phase}`;
  const [drRegion] = config.replicaRegions;
  const primaryStack = new TerraformStack(app, `${prefix}-primary`);
  const primary = new PrimaryRegion(primaryStack, 'Database', {
    project: config.project,
    region: config.primaryRegion,
    replicaRegions: config.replicaRegions,
    phase,
    edition: 'ENTERPRISE_PLUS',
    drReplicaRegion: drRegion,
    // First apply: false (the replica does not exist yet). After the replica
    // stack is applied, GCP_DR_REPLICA_DESIGNATED=true and apply the primary again.
    drReplicaDesignated: config.drReplicaDesignated,
    instanceName: `orders-p${phase}`,
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
  });
  const replicaStacks: TerraformStack[] = [];
  const replicas = config.replicaRegions.map((region) => {
    const stack = new TerraformStack(app, `${prefix}-replica-${region}`);
    stack.addDependency(primaryStack);
    replicaStacks.push(stack);
    return new ReadReplicaRegion(stack, 'Database', {
      primary,
      region,
      disasterRecovery: region === drRegion,
      providerVersionConstraint: config.providerVersion,
    });
  });
  const routerStack = new TerraformStack(app, `${prefix}-router`);
  const router = new GlobalRouter(routerStack, 'Router', {
    primary,
    managedZone: config.dnsZone,
    zoneDnsName: config.dnsName,
    // Each phase its own names: phases 3 and 4 can be applied in one project and zone.
    writeHostname: `write.p${phase}.${config.dnsName}`,
    readHostname: `read.p${phase}.${config.dnsName}`,
    targets: [config.primaryRegion, ...config.replicaRegions].map((region) => ({ region, ipAddress: config.endpoints[region] })),
  });
  const runbookStack = new TerraformStack(app, `${prefix}-runbook`);
  runbookStack.addDependency(routerStack);
  const runbook = new FailoverRunbook(runbookStack, 'Runbook', {
    primary,
    replica: replicas[0],
    router,
    workflowName: `orders-p${phase}-failover`,
  });
  for (const s of [primaryStack, ...replicaStacks, runbookStack]) guardPlaceholders(s, config);
  guardPlaceholders(routerStack, config, true);
  for (const s of [primaryStack, ...replicaStacks, routerStack, runbookStack]) useStateBucket(s, config);
  return { stacks: [primaryStack, ...replicaStacks, routerStack, runbookStack], runbook };
}

export function buildGcpPhase3(app: App, config: GcpExampleConfig): GcpActivePassive {
  return buildActivePassive(app, config, 3);
}
