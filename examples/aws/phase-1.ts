/** Phase 1: harden one region. One stack, a multi-AZ Aurora cluster. */
import { App } from 'aws-cdk-lib';
import { LadderDeployment } from '../../lib/aws';
import { exampleConfig } from './app';

export function buildPhase1(app: App): LadderDeployment {
  const config = exampleConfig(app);
  return new LadderDeployment(app, 'Phase1', {
    phase: 1,
    account: config.account,
    primaryRegion: config.primaryRegion,
    availabilityZones: config.availabilityZones,
    replicaRegions: [],
  });
}
