/**
 * Phase 2: an async replica in a second region (Aurora Global Database).
 * Primary us-east-1 and replica eu-west-1 by default; pass
 * `-c replicaRegions=eu-west-1,ap-southeast-2` for three regions.
 */
import { App } from 'aws-cdk-lib';
import { LadderDeployment } from '../../lib/aws';
import { exampleConfig } from './app';

export function buildPhase2(app: App, name = 'Phase2'): LadderDeployment {
  const config = exampleConfig(app);
  return new LadderDeployment(app, name, {
    phase: 2,
    ...config,
  });
}
