/**
 * The AWS example apps: every phase of the ladder built so far, each a set of
 * stacks. `npm run synth` (cdk synth --all) writes them all to cdk.out/.
 *
 * Regions and the account are deployment-time configuration:
 *   npx cdk synth -c primaryRegion=us-east-1 -c replicaRegions=eu-west-1,ap-southeast-2 -c account=123456789012
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPhase1 } from './phase-1';
import { buildPhase2 } from './phase-2';
import { buildPhase3 } from './phase-3';
import { buildPhase4 } from './phase-4';

export const EXAMPLE_DEFAULTS = {
  /** A placeholder account so synth needs no credentials; AZs for it are in cdk.context.json. */
  account: '111111111111',
  primaryRegion: 'us-east-1',
  replicaRegions: ['eu-west-1'],
};

/** Builds every example into `app` (used by cdk.json and by the tests). */
export function buildExamples(app: App): void {
  buildPhase1(app);
  buildPhase2(app);
  buildPhase3(app);
  buildPhase4(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

if (require.main === module) {
  const app = new App();
  buildExamples(app);
  app.synth();
}
