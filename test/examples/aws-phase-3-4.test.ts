// Example stacks are what users deploy: keep aws-cdk-lib's template validation on here.
process.env.CDK_VALIDATION = 'true';

import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { RoutedExample } from '../../examples/aws/phase-3';
import { contextFile } from '../aws/helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (d: unknown) => { isValid: boolean; errorsText: (sep?: string) => string } = require('asl-validator');

const RUNBOOK_DOCS = path.join(__dirname, '..', '..', 'docs', 'aws', 'runbooks');

function stacksOf(e: RoutedExample): Stack[] {
  return [e.ladder.primaryStack, ...e.ladder.replicaStacks, e.routingStack];
}

describe('AWS examples, phases 3 and 4 (default regions)', () => {
  let app: App;
  let phase3: RoutedExample;
  let phase4: RoutedExample;
  let templates: Record<string, Template>;

  beforeAll(() => {
    app = new App({ context: contextFile() });
    phase3 = buildPhase3(app);
    phase4 = buildPhase4(app);
    templates = Object.fromEntries([...stacksOf(phase3), ...stacksOf(phase4)].map((s) => [s.stackName, Template.fromStack(s)]));
  });

  test('stacks: database stacks per region plus a us-east-1 routing stack per phase', () => {
    expect(Object.keys(templates)).toEqual([
      'Phase3-us-east-1', 'Phase3-eu-west-1', 'Phase3-Routing',
      'Phase4-us-east-1', 'Phase4-eu-west-1', 'Phase4-Routing',
    ]);
    expect(phase3.routingStack.region).toBe('us-east-1');
    expect(phase3.routingStack.dependencies.map((s) => s.stackName).sort()).toEqual(['Phase3-eu-west-1', 'Phase3-us-east-1']);
  });

  test.each([
    'Phase3-us-east-1', 'Phase3-eu-west-1', 'Phase3-Routing', 'Phase4-us-east-1', 'Phase4-eu-west-1', 'Phase4-Routing',
  ])('snapshot of %s', (name) => {
    expect(templates[name].toJSON()).toMatchSnapshot();
  });

  test('phase 3: write route only, ARC Region switch plan, rds.global_db_rpo from the declared RPO', () => {
    const t = templates['Phase3-Routing'];
    t.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'write.phase3.example.com.' }, 2);
    t.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'read.phase3.example.com.' }, 0);
    t.hasResourceProperties('AWS::ARCRegionSwitch::Plan', { Name: 'phase3-global', RecoveryTimeObjectiveMinutes: 15, Regions: ['us-east-1', 'eu-west-1'] });
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    templates['Phase3-us-east-1'].hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ 'rds.global_db_rpo': '30' }),
    });
    templates['Phase3-eu-west-1'].hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'phase3-global-eu-west-1-not-writer' });
  });

  test('phase 4: latency read records in both regions and Step Functions in both', () => {
    const t = templates['Phase4-Routing'];
    for (const region of ['us-east-1', 'eu-west-1']) {
      t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'read.phase4.example.com.', Region: region, SetIdentifier: `read-${region}` });
    }
    t.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'write.phase4.example.com.' }, 2);
    t.resourceCountIs('AWS::ARCRegionSwitch::Plan', 0);
    for (const name of ['Phase4-us-east-1', 'Phase4-eu-west-1']) {
      templates[name].resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    }
  });

  test('phase 4: one GraphQL entry point at the edge in front of both routes', () => {
    const routing = templates['Phase4-Routing'];
    routing.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['api.phase4.example.com'],
        DefaultCacheBehavior: Match.objectLike({
          LambdaFunctionAssociations: Match.arrayWith([Match.objectLike({ EventType: 'origin-request', IncludeBody: true })]),
        }),
      }),
    });
    expect(phase4.router.graphql?.domainName).toBe('api.phase4.example.com');
    templates['Phase3-Routing'].resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  test('every state machine definition is valid Amazon States Language', () => {
    const defs = Object.entries(phase4.runbook.definitions);
    expect(defs.length).toBe(4);
    for (const [name, def] of defs) {
      const r = aslValidator(def);
      if (!r.isValid) throw new Error(`${name}: ${r.errorsText('\n')}`);
    }
  });

  test('the generated runbooks under docs/aws/runbooks are up to date', () => {
    for (const e of [phase3, phase4]) {
      const file = path.join(RUNBOOK_DOCS, e.runbook.runbookFileName);
      if (process.env.UPDATE_RUNBOOKS) fs.writeFileSync(file, e.runbook.markdown);
      expect(fs.readFileSync(file, 'utf8')).toBe(e.runbook.markdown);
    }
  });

  test('cdk-nag AwsSolutions: zero unacknowledged findings on every phase 3/4 stack', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('phase 3/4 examples from deployment-time configuration', () => {
  test('the ARC engine in phase 4, an existing zone and real endpoints from context', () => {
    const app = new App({
      context: {
        ...contextFile(),
        failoverEngine: 'region-switch',
        hostedZoneId: 'ZREALZONE123',
        domainName: 'shop.example.org',
        appEndpoints: JSON.stringify({ 'us-east-1': 'api-use1.shop.example.org', 'eu-west-1': 'api-euw1.shop.example.org' }),
      },
    });
    const e = buildPhase4(app);
    const t = Template.fromStack(e.routingStack);
    t.hasResourceProperties('AWS::ARCRegionSwitch::Plan', { Name: 'phase4-global' });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'write.shop.example.org.', HostedZoneId: 'ZREALZONE123', ResourceRecords: ['api-use1.shop.example.org'], Failover: 'PRIMARY' });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
  });
});
