/**
 * Phase 1 on Google Cloud: harden one region. A regional (HA) Cloud SQL
 * instance in its region's stack, on the deployment's network (its own stack).
 */
import { App, TerraformStack } from 'cdktf';
import { GcpExampleConfig } from './config';
import { buildGcpDeployment } from './deployment';

export function buildGcpPhase1(app: App, config: GcpExampleConfig): TerraformStack[] {
  return buildGcpDeployment(app, config, { phase: 1, name: 'orders-p1', stackPrefix: 'gcp-phase1' }).stacks;
}
