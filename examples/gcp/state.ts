/**
 * The bootstrap stack: the bucket every other stack keeps its Terraform state
 * in. Its own state cannot start in a bucket that does not exist yet, so it
 * is local on the first apply (a relative path next to the stack's
 * cdk.tf.json, never an absolute one) and is then migrated into the bucket:
 *
 *   terraform -chdir=cdktf.out/stacks/gcp-state init && terraform -chdir=cdktf.out/stacks/gcp-state apply
 *   GCP_STATE_SELF_HOSTED=true npx ts-node --transpile-only examples/gcp/main.ts
 *   terraform -chdir=cdktf.out/stacks/gcp-state init -migrate-state
 *
 * (docs/gcp/README.md, "Terraform state").
 */
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { StateBucket, useGcsStateBackend } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders } from './config';

export function buildGcpStateBucket(app: App, config: GcpExampleConfig): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-state');
  new StateBucket(stack, 'StateBucket', { project: config.project, ...config.stateBucket });
  if (config.stateSelfHosted) {
    useGcsStateBackend(stack, { bucket: config.stateBucket });
  } else {
    new LocalBackend(stack, { path: 'terraform.tfstate' });
  }
  guardPlaceholders(stack, config);
  return stack;
}
