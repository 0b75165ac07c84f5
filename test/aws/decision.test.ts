import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FailoverRunbook, FailoverRunbookProps, GlobalRouter } from '../../lib/aws';
import { ACCOUNT, errorOf, Topo, topo } from './helpers';

function setup(t: Topo, over: Partial<FailoverRunbookProps> = {}): FailoverRunbook {
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  return new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, ...over });
}

type Definition = { States: Record<string, Record<string, unknown>> };
const ALARM_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:${ACCOUNT}:alarm:orders-us-east-1-endpoint-down`]] };

describe('manual decision (the default): a person decides, and the clock counts it', () => {
  test('10 minutes by default, in the estimate, the synth-time objective check and the runbook', () => {
    const rb = setup(topo());
    expect(rb.decision).toBe('manual');
    expect(rb.estimates.failover.timeline.find((e) => e.phase === 'decision')).toMatchObject({
      durationSeconds: 600, label: 'a person decides to fail over (assumed 10 min, decisionTime)',
    });
    expect(rb.estimates.failover.rtoSeconds).toBe(900);
    expect(rb.markdown).toContain('| Failover decision | `manual — a person decides (assumed 10 min)` |');
    expect(rb.markdown).toContain('| 30 s | 10 min | decision | a person decides to fail over (assumed 10 min, decisionTime) |');
    expect(rb.markdown).toContain('Decision: manual. A person decides to fail over after the detection');
    // The objective that the 0 s decision let through is refused now.
    expect(errorOf(() => setup(topo({ recoveryObjectives: { rtoSeconds: 600 } })))).toContain(
      'recoveryObjectives.rtoSeconds 600 is below the estimated failover RTO of 900 s (detection 30 s + decision 600 s + promotion 120 s + traffic-shift 90 s + dns 60 s)',
    );
  });

  test('decisionTime sets it; 0 is refused (nobody decides instantly)', () => {
    expect(setup(topo(), { decisionTime: Duration.minutes(5) }).estimates.failover.rtoSeconds).toBe(600);
    expect(errorOf(() => setup(topo(), { decisionTime: Duration.seconds(0) }))).toBe(
      "FailoverRunbook 'Routing/Runbook': decisionTime 0 s assumes a person decides instantly; give the time your on-call needs to notice, judge and start the procedure (10 min by default), or set decision: 'automatic'",
    );
    expect(errorOf(() => setup(topo(), { automaticFailoverAllowsDataLoss: true }))).toContain(
      "automaticFailoverAllowsDataLoss is set but decision is 'manual'",
    );
  });
});

describe('automatic decision with the Step Functions engine', () => {
  test('without the data-loss opt-in the detection alarm starts the standby\'s switchover; a failover stays a person\'s decision', () => {
    const t = topo();
    const rb = setup(t, { engine: 'stepfunctions', decision: 'automatic' });
    const routing = Template.fromStack(t.routing);
    const endpointCheck = Object.keys(routing.findResources('AWS::Route53::HealthCheck', {
      Properties: { HealthCheckConfig: { FullyQualifiedDomainName: 'app.us-east-1.example.com' } },
    }))[0];
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-us-east-1-endpoint-down',
      Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: endpointCheck } }],
      Statistic: 'Minimum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    const pattern = {
      'source': ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], 'resources': [ALARM_ARN], 'detail': { state: { value: ['ALARM'] } },
    };
    // us-east-1 forwards the alarm's event to eu-west-1, where the rule starts the state machine.
    routing.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: pattern,
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${ACCOUNT}:event-bus/default`]] } })],
    });
    const standby = Template.fromStack(Stack.of(t.replicas[0]));
    const switchover = Object.keys(standby.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'orders-switchover' } }))[0];
    standby.hasResourceProperties('AWS::Events::Rule', {
      Name: 'orders-automatic-failover',
      EventPattern: pattern,
      Targets: [Match.objectLike({ Arn: { Ref: switchover }, Input: '{}' })],
    });
    expect(JSON.stringify(rb.definitions['eu-west-1/Switchover'])).not.toContain('failoverGlobalCluster');
    // The failover still waits for a person: the estimate says so.
    expect(rb.estimates.failover.timeline.find((e) => e.phase === 'decision')!.durationSeconds).toBe(600);
    expect(rb.markdown).toContain('Decision: automatic switchover. When `orders-us-east-1-endpoint-down` (us-east-1, the us-east-1 endpoint\'s health check) goes to ALARM, the switchover state machine in eu-west-1 starts (no data loss)');
    expect(rb.markdown).toContain('aws events disable-rule --region eu-west-1 --name orders-automatic-failover');
  });

  test('with automaticFailoverAllowsDataLoss the rule starts the failover with {"allowDataLoss": true}, which its guard accepts; the decision is the alarm\'s 60 s', () => {
    const t = topo();
    const rb = setup(t, { engine: 'stepfunctions', decision: 'automatic', automaticFailoverAllowsDataLoss: true });
    const standby = Template.fromStack(Stack.of(t.replicas[0]));
    const failover = Object.keys(standby.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'orders-failover' } }))[0];
    const rule = Object.values(standby.findResources('AWS::Events::Rule', { Properties: { Name: 'orders-automatic-failover' } }))[0];
    expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: failover });
    const input = JSON.parse(rule.Properties.Targets[0].Input);
    expect(input).toEqual({ allowDataLoss: true });
    // The failover definition's guard, evaluated on that input, lets it through (and nothing else does).
    const guard = (rb.definitions['eu-west-1/Failover'] as Definition).States.DataLossAccepted.Choices as { Variable: string; BooleanEquals?: boolean; Next: string }[];
    expect(guard.find((c) => c.BooleanEquals === true)).toEqual({ Variable: '$.allowDataLoss', BooleanEquals: true, Next: 'ReadWriter' });
    expect(input.allowDataLoss).toBe(true);
    expect(rb.estimates.failover.timeline.find((e) => e.phase === 'decision')).toMatchObject({
      durationSeconds: 60, label: 'the detection alarm starts the failover (one 60 s period on the primary endpoint\'s health check)',
    });
    expect(rb.estimates.failover.rtoSeconds).toBe(360);
  });

  test('when the standby is in the runbook\'s own region, its rule sees the alarm directly: no forwarding (it would loop)', () => {
    const t = topo({ primaryRegion: 'eu-west-1', replicas: { 'us-east-1': 1 } });
    setup(t, { engine: 'stepfunctions', decision: 'automatic' });
    const routing = Template.fromStack(t.routing);
    routing.resourceCountIs('AWS::Events::Rule', 0);
    Template.fromStack(Stack.of(t.replicas[0])).resourcePropertiesCountIs('AWS::Events::Rule', { Name: 'orders-automatic-failover' }, 1);
  });
});

describe('automatic decision with the Region switch engine', () => {
  test('is refused without the data-loss opt-in: a trigger cannot choose graceful execution', () => {
    expect(errorOf(() => setup(topo(), { decision: 'automatic' }))).toBe(
      "FailoverRunbook 'Routing/Runbook': decision 'automatic' with the Region switch engine starts the plan from a trigger, and ARC lets no trigger choose the execution mode: "
      + "an ungraceful execution runs the Aurora block's failover, which loses the writes not yet replicated; "
      + "set automaticFailoverAllowsDataLoss: true to accept that, or use engine: 'stepfunctions' (an automatic switchover, no data loss), or decision: 'manual'",
    );
  });

  test('with it, the detection alarm is the plan\'s trigger alarm, and the role may read it and start this plan', () => {
    const t = topo();
    setup(t, { decision: 'automatic', automaticFailoverAllowsDataLoss: true });
    const routing = Template.fromStack(t.routing);
    const alarm = Object.keys(routing.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'orders-us-east-1-endpoint-down' } }))[0];
    routing.hasResourceProperties('AWS::ARCRegionSwitch::Plan', {
      AssociatedAlarms: { 'primary-endpoint-down': { AlarmType: 'trigger', ResourceIdentifier: { 'Fn::GetAtt': [alarm, 'Arn'] } } },
      Triggers: [{
        Action: 'activate', TargetRegion: 'eu-west-1', MinDelayMinutesBetweenExecutions: 60,
        Conditions: [{ AssociatedAlarmName: 'primary-endpoint-down', Condition: 'red' }],
        Description: 'orders-us-east-1-endpoint-down in ALARM: activate eu-west-1',
      }],
    });
    routing.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [alarm, 'Arn'] } },
          Match.objectLike({ Action: 'arc-region-switch:StartPlanExecution' }),
        ]),
      },
    });
  });

  test('needs a us-east-1 stack (Route 53 health-check metrics live there)', () => {
    const t = topo({ routingRegion: 'eu-west-2' });
    const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, healthCheckAlarms: false });
    expect(errorOf(() => new FailoverRunbook(t.routing, 'Runbook', {
      primary: t.primary, replicas: t.replicas, router, engine: 'stepfunctions', decision: 'automatic',
    }))).toContain("decision 'automatic' alarms on the primary endpoint's Route 53 health check, whose metric exists only in us-east-1, but this stack is in 'eu-west-2'");
  });
});

describe('the automatic wiring passes cdk-nag AwsSolutions', () => {
  test.each([['stepfunctions', false], ['stepfunctions', true], ['region-switch', true]] as const)('engine %s, data loss accepted: %s', (engine, allow) => {
    const t = topo();
    setup(t, { engine, decision: 'automatic', automaticFailoverAllowsDataLoss: allow });
    const report = new AwsSolutionsChecks(t.app).validateScope(t.app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
