/**
 * Phase 2: an async replica in a second region (Aurora Global Database).
 * Primary us-east-1 and replica eu-west-1 by default; pass
 * `-c replicaRegions=eu-west-1,ap-southeast-2` for three regions.
 */
import { App } from 'aws-cdk-lib';
import { DeploymentMonitoring, LadderDeployment } from '../../lib/aws';
import { exampleAlarmEmails, exampleConfig } from './app';

export function buildPhase2(app: App, name = 'Phase2'): LadderDeployment {
  const config = exampleConfig(app);
  const ladder = new LadderDeployment(app, name, {
    phase: 2,
    ...config,
  });
  // Dashboard, alarm topics and "region R degraded" alarms, in the origin
  // region's stack (no router here, so nothing deploys after it).
  new DeploymentMonitoring(ladder.primaryStack, 'Monitoring', {
    primary: ladder.primary,
    replicas: ladder.replicas,
    alarmEmails: exampleAlarmEmails(app),
  });
  return ladder;
}
