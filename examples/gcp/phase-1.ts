/** Phase 1 on Google Cloud: harden one region. One stack: a regional (HA) Cloud SQL instance. */
import { App, TerraformStack } from 'cdktf';
import { PrimaryRegion } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders, useStateBucket } from './config';

export function buildGcpPhase1(app: App, config: GcpExampleConfig): TerraformStack[] {
  const stack = new TerraformStack(app, 'gcp-phase1-primary');
  new PrimaryRegion(stack, 'Database', {
    project: config.project,
    region: config.primaryRegion,
    phase: 1,
    instanceName: 'orders-p1',
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
  });
  guardPlaceholders(stack, config);
  useStateBucket(stack, config);
  return [stack];
}
