/**
 * Issue 22, AWS: the application in each region (examples/aws/app-in-each-region.ts)
 * is unchanged when the writer moves. Synthesized with writer us-east-1 and
 * with writer eu-west-1 (origin pinned): the same stacks, every discovery
 * record and every IAM policy byte-identical — in fact every template — and
 * core's findReplacements finds no stateful resource replaced. The services'
 * policies are least privilege: exact resources, no wildcard action.
 */
import { App } from 'aws-cdk-lib';
import { buildAppInEachRegion } from '../../examples/aws/app-in-each-region';
import { exampleContext } from '../aws/helpers';
import { compareStateful, loadReplacementSpec, synthesize, SynthesizedStack } from './aws-compare';

function synth(context: Record<string, unknown>): Record<string, SynthesizedStack> {
  const app = new App({ context: exampleContext(context) });
  buildAppInEachRegion(app);
  return synthesize(app);
}

const of = (stacks: Record<string, SynthesizedStack>, type: string) => Object.fromEntries(Object.values(stacks).flatMap((s) =>
  Object.entries(s.resources).filter(([, r]) => r.Type === type).map(([id, r]) => [`${s.name}/${id}`, JSON.stringify(r)])));

describe('the application in each region, writer us-east-1 → eu-west-1', () => {
  let before: Record<string, SynthesizedStack>;
  let after: Record<string, SynthesizedStack>;
  beforeAll(() => {
    before = synth({ primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
    after = synth({ primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' });
  });

  test('the same stacks in the same regions', () => {
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(before).sort()).toEqual([
      'Connect-eu-west-1', 'Connect-us-east-1', 'ConnectApp-eu-west-1', 'ConnectApp-us-east-1', 'ConnectGrants-eu-west-1', 'ConnectGrants-us-east-1',
    ]);
  });

  test('every discovery record and every grant byte-identical', () => {
    const records = of(before, 'AWS::SSM::Parameter');
    expect(Object.keys(records).filter((k) => /Discovery/.test(k)).sort()).toEqual([
      expect.stringMatching(/^Connect-eu-west-1\/DatabaseDiscoveryRecord/),
      expect.stringMatching(/^Connect-us-east-1\/DatabaseDiscoveryRecord/),
    ]);
    expect(of(after, 'AWS::SSM::Parameter')).toEqual(records);
    const policies = of(before, 'AWS::IAM::Policy');
    expect(Object.keys(policies).filter((k) => k.startsWith('ConnectGrants-')).length).toBe(4);
    expect(of(after, 'AWS::IAM::Policy')).toEqual(policies);
    expect(of(after, 'Custom::AWS')).toEqual(of(before, 'Custom::AWS'));
  });

  test('every template byte-identical, and no stateful resource replaced (findReplacements)', async () => {
    for (const name of Object.keys(before)) expect([name, JSON.stringify(after[name].resources)]).toEqual([name, JSON.stringify(before[name].resources)]);
    expect(compareStateful(before, after, await loadReplacementSpec())).toEqual([]);
  });

  test('the comparison can fail: a record naming the writer would be reported', () => {
    const changed = JSON.parse(JSON.stringify(after)) as typeof after;
    const stack = changed['Connect-eu-west-1'];
    const [id] = Object.entries(stack.resources).find(([key, r]) => r.Type === 'AWS::SSM::Parameter' && key.startsWith('DatabaseDiscovery'))!;
    (stack.resources[id].Properties as Record<string, unknown>).Value = 'writer: eu-west-1';
    expect(of(changed, 'AWS::SSM::Parameter')).not.toEqual(of(before, 'AWS::SSM::Parameter'));
  });
});

describe('least privilege in the application stacks', () => {
  const stacks = synth({ primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
  const statements = Object.values(stacks).filter((s) => /^Connect(App|Grants)-/.test(s.name)).flatMap((s) =>
    Object.values(s.resources).filter((r) => r.Type === 'AWS::IAM::Policy').flatMap((r) =>
      ((r.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement).map((st) => ({ stack: s.name, ...st }))));

  test('no wildcard action, no wildcard resource', () => {
    expect(statements.length).toBeGreaterThanOrEqual(6);
    for (const st of statements) {
      for (const action of [st.Action].flat()) expect(action).not.toMatch(/\*/);
      expect(JSON.stringify(st.Resource)).not.toMatch(/\*/);
    }
  });

  test('the service role has only the AWS managed policy a function in a VPC needs', () => {
    const roles = Object.values(stacks['ConnectApp-us-east-1'].resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles.map((r) => r.Properties!.ManagedPolicyArns)).toEqual([[
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']] },
    ]]);
  });

  test('a service reads its own region\'s record; each region\'s cluster grants every service role rds-db:connect as app_user', () => {
    const app = statements.filter((s) => s.stack === 'ConnectApp-eu-west-1');
    expect(app.map((s) => [s.Action, s.Resource])).toEqual([
      ['ssm:GetParameter', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111111111111:parameter/multiregion/connect-example/eu-west-1/database']] }],
    ]);
    const grants = Object.values(stacks['ConnectGrants-eu-west-1'].resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(grants.map((g) => g.Properties!.Roles).sort()).toEqual([['connect-service-eu-west-1'], ['connect-service-us-east-1']]);
    for (const g of grants) {
      const [st] = (g.Properties!.PolicyDocument as { Statement: { Action: string; Resource: { 'Fn::Join': [string, unknown[]] } }[] }).Statement;
      expect(st.Action).toBe('rds-db:connect');
      const parts = st.Resource['Fn::Join'][1];
      expect(parts[2]).toBe(':rds-db:eu-west-1:111111111111:dbuser:');
      expect(parts[parts.length - 1]).toBe('/app_user');
    }
  });
});
