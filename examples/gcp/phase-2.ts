/**
 * Phase 2 on Google Cloud: an async cross-region read replica. One stack
 * (one Terraform state) per region, named by the region; the replica finds
 * the primary by name.
 */
import { App, TerraformStack } from 'cdktf';
import { GcpExampleConfig } from './config';
import { buildGcpDeployment } from './deployment';

export function buildGcpPhase2(app: App, config: GcpExampleConfig): TerraformStack[] {
  return buildGcpDeployment(app, config, { phase: 2, name: 'orders-p2', stackPrefix: 'gcp-phase2' }).stacks;
}
