// Example stacks are what users deploy: keep aws-cdk-lib's template validation on here.
process.env.CDK_VALIDATION = 'true';

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LadderDeployment } from '../../lib/aws';
import { buildPhase1 } from '../../examples/aws/phase-1';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { contextFile, errorOf, exampleContext } from '../aws/helpers';

function exampleApp(extra: Record<string, unknown> = {}): App {
  return new App({ context: { ...contextFile(), ...extra } });
}

describe('AWS examples, phases 1 and 2 (default regions)', () => {
  let app: App;
  let phase1: LadderDeployment;
  let phase2: LadderDeployment;
  let templates: Record<string, Template>;

  beforeAll(() => {
    app = exampleApp();
    phase1 = buildPhase1(app);
    phase2 = buildPhase2(app);
    const all = [phase1.primaryStack, phase2.primaryStack, ...phase2.replicaStacks];
    templates = Object.fromEntries(all.map((s) => [s.stackName, Template.fromStack(s)]));
  });

  test('stacks, regions and account come from the documented defaults', () => {
    expect(Object.keys(templates)).toEqual(['Phase1-us-east-1', 'Phase2-us-east-1', 'Phase2-eu-west-1']);
    expect(phase2.primaryStack.region).toBe('us-east-1');
    expect(phase2.replicaStacks[0].region).toBe('eu-west-1');
    expect(phase2.primaryStack.account).toBe('111111111111');
  });

  test.each(['Phase1-us-east-1', 'Phase2-us-east-1', 'Phase2-eu-west-1'])('snapshot of %s', (name) => {
    expect(templates[name].toJSON()).toMatchSnapshot();
  });

  test('phase 1 is one hardened region with no global cluster', () => {
    const t = templates['Phase1-us-east-1'];
    t.resourceCountIs('AWS::RDS::GlobalCluster', 0);
    t.resourceCountIs('AWS::RDS::DBInstance', 2);
    t.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 14, DeletionProtection: true, StorageEncrypted: true });
  });

  test('phase 2 joins the eu-west-1 secondary to the us-east-1 global cluster by name', () => {
    templates['Phase2-us-east-1'].hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'phase2-global' });
    templates['Phase2-us-east-1'].hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: [{ Region: 'eu-west-1' }] });
    templates['Phase2-eu-west-1'].hasResourceProperties('AWS::RDS::DBCluster', {
      GlobalClusterIdentifier: 'phase2-global',
      DBClusterIdentifier: 'phase2-global-eu-west-1',
    });
    expect(phase2.replicaStacks[0].dependencies).toEqual([phase2.primaryStack]);
  });

  test('cdk-nag AwsSolutions: zero unacknowledged errors or warnings on every example stack', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('the cdk-nag check can fail: a bucket without access logs or enforced SSL is reported', () => {
    const probeApp = new App();
    new s3.Bucket(new Stack(probeApp, 'Probe'), 'Bad', { enforceSSL: false }); // no access logs, SSL not enforced
    const report = new AwsSolutionsChecks(probeApp).validateScope(probeApp);
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});

describe('AWS examples from deployment-time configuration', () => {
  test('three regions through context, no code change', () => {
    const app = exampleApp({ primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1,ap-southeast-2', account: '222222222222', originRegion: 'eu-west-1' });
    const phase2 = buildPhase2(app);
    expect(phase2.replicaStacks.map((s) => s.stackName)).toEqual(['Phase2-us-east-1', 'Phase2-ap-southeast-2']);
    expect(phase2.primaryStack.stackName).toBe('Phase2-eu-west-1');
    expect(phase2.primaryStack.region).toBe('eu-west-1');
    expect(phase2.primaryStack.account).toBe('222222222222');
    Template.fromStack(phase2.primaryStack).hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-east-1' }, { Region: 'ap-southeast-2' }],
    });
  });

  test('cdk.json pins the origin: after a failover to eu-west-1 the database stays in its region\'s stack', () => {
    const app = new App({ context: exampleContext({ primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' }) });
    const phase2 = buildPhase2(app);
    expect([phase2.primaryStack.stackName, phase2.primaryStack.region, phase2.writerRegion]).toEqual(['Phase2-us-east-1', 'us-east-1', 'eu-west-1']);
    expect(phase2.replicaStacks.map((s) => s.stackName)).toEqual(['Phase2-eu-west-1']);
  });

  test('bad context values get a clear error', () => {
    expect(errorOf(() => buildPhase2(exampleApp({ account: 'prod' })))).toBe(
      "LadderConfig 'App': context account 'prod' is not a 12-digit AWS account id; pass -c account=123456789012",
    );
    expect(errorOf(() => buildPhase2(exampleApp({ replicaRegions: '["eu-west-1"' })))).toBe(
      "LadderConfig 'App': context replicaRegions '[\"eu-west-1\"' is not a list of regions; pass -c replicaRegions=eu-west-1,ap-southeast-2 or a JSON array",
    );
    expect(errorOf(() => buildPhase2(exampleApp({ replicaRegions: 'us-east-1' })))).toContain(
      "PrimaryRegion 'Phase2-us-east-1/Database': replicaRegions[0] 'us-east-1' is the primary region",
    );
  });
});
