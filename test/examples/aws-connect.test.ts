// Example stacks are what users deploy: keep aws-cdk-lib's template validation on here.
process.env.CDK_VALIDATION = 'true';

/**
 * The application in each region (issue 22): snapshots of the stacks the
 * example adds, cdk-nag clean, and the example in `npm run synth` (every
 * example without -c phase).
 */
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExamples } from '../../examples/aws/app';
import { buildAppInEachRegion } from '../../examples/aws/app-in-each-region';
import { exampleContext } from '../aws/helpers';

describe('examples/aws/app-in-each-region.ts', () => {
  const app = new App({ context: exampleContext() });
  const built = buildAppInEachRegion(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const names = ['ConnectApp-us-east-1', 'ConnectApp-eu-west-1', 'ConnectGrants-us-east-1', 'ConnectGrants-eu-west-1'];

  test('synthesizes cdk-nag clean, every stack in its region', () => {
    expect(assembly.stacks.map((s) => `${s.stackName} ${s.environment.region}`).sort()).toEqual([
      'Connect-eu-west-1 eu-west-1', 'Connect-us-east-1 us-east-1',
      'ConnectApp-eu-west-1 eu-west-1', 'ConnectApp-us-east-1 us-east-1',
      'ConnectGrants-eu-west-1 eu-west-1', 'ConnectGrants-us-east-1 us-east-1',
    ]);
  });

  test.each(names)('snapshot of %s', (name) => {
    expect(assembly.getStackByName(name).template).toMatchSnapshot();
  });

  test('each database stack holds its record and the deploy-time lookups, nothing else new', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const t = Template.fromStack(built.deployment.stacksByRegion[region]);
      t.resourceCountIs('AWS::SSM::Parameter', 1);
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: `/multiregion/connect-example/${region}/database`, Type: 'String', Tier: 'Standard' });
      t.resourceCountIs('Custom::AWS', region === 'us-east-1' ? 1 : 2);
    }
  });

  test('npm run synth builds it with the phases, not with -c phase=N', () => {
    const all = new App({ context: exampleContext() });
    buildExamples(all);
    expect(all.node.tryFindChild('ConnectApp-eu-west-1')).toBeDefined();
    const one = new App({ context: exampleContext({ phase: '2' }) });
    buildExamples(one);
    expect(one.node.tryFindChild('ConnectApp-eu-west-1')).toBeUndefined();
  });
});
