/**
 * Phase 2 on Google Cloud: an async cross-region read replica. One stack
 * (one Terraform state) per region; the replica finds the primary by name.
 */
import { App, TerraformStack } from 'cdktf';
import { PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders, useStateBucket } from './config';

export function buildGcpPhase2(app: App, config: GcpExampleConfig): TerraformStack[] {
  const primaryStack = new TerraformStack(app, 'gcp-phase2-primary');
  const primary = new PrimaryRegion(primaryStack, 'Database', {
    project: config.project,
    region: config.primaryRegion,
    replicaRegions: config.replicaRegions,
    phase: 2,
    instanceName: 'orders-p2',
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
  });
  const replicaStacks = config.replicaRegions.map((region) => {
    const stack = new TerraformStack(app, `gcp-phase2-replica-${region}`);
    stack.addDependency(primaryStack);
    new ReadReplicaRegion(stack, 'Database', { primary, region, providerVersionConstraint: config.providerVersion });
    return stack;
  });
  for (const s of [primaryStack, ...replicaStacks]) { guardPlaceholders(s, config); useStateBucket(s, config); }
  return [primaryStack, ...replicaStacks];
}
