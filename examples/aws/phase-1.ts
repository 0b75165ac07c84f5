/** Phase 1: harden one region. One stack, a multi-AZ Aurora cluster. */
import { App } from 'aws-cdk-lib';
import { LadderDeployment, readLadderConfig } from '../../lib/aws';
import { EXAMPLE_DEFAULTS } from './app';

export function buildPhase1(app: App): LadderDeployment {
  const config = readLadderConfig(app, EXAMPLE_DEFAULTS);
  return new LadderDeployment(app, 'Phase1', {
    phase: 1,
    account: config.account,
    primaryRegion: config.primaryRegion,
    replicaRegions: [],
  });
}
