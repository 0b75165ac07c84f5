/** Phase 1: harden one region. One stack, a multi-AZ Aurora cluster. */
import { App } from 'aws-cdk-lib';
import { LadderDeployment } from '../../lib/aws';
import { exampleConfig } from './app';

export function buildPhase1(app: App, name = 'Phase1'): LadderDeployment {
  const config = exampleConfig(app);
  return new LadderDeployment(app, name, {
    phase: 1,
    account: config.account,
    primaryRegion: config.primaryRegion,
    originRegion: config.originRegion,
    stackNaming: config.stackNaming,
    availabilityZones: config.availabilityZones,
    replicaRegions: [],
  });
}
