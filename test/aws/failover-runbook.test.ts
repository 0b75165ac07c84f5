import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  FailoverRunbook, FailoverRunbookProps, GlobalRouter, PrimaryRegion, ReadReplicaRegion, RouterTarget,
} from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf, Topo, topo } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (d: unknown) => { isValid: boolean; errorsText: (sep?: string) => string } = require('asl-validator');

function setup(t: Topo, over: Partial<FailoverRunbookProps> = {}, id = 'Runbook'): FailoverRunbook {
  const router = (t.routing.node.tryFindChild('Router') as GlobalRouter | undefined)
    ?? new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  return new FailoverRunbook(t.routing, id, { primary: t.primary, replicas: t.replicas, router, ...over });
}

/** Every IAM action granted to roles assumed by `service` in a template. */
function actions(tpl: Template, service?: string): string[] {
  const out: string[] = [];
  const visit = (doc: { Statement: { Action: string | string[] }[] }) => doc.Statement.forEach((s) => out.push(...[s.Action].flat()));
  const roles = Object.entries(tpl.findResources('AWS::IAM::Role'))
    .filter(([, r]) => !service || JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes(service));
  const ids = new Set(roles.map(([id]) => id));
  for (const [, r] of roles) (r.Properties.Policies ?? []).forEach((p: { PolicyDocument: never }) => visit(p.PolicyDocument));
  for (const r of Object.values(tpl.findResources('AWS::IAM::Policy'))) {
    if ((r.Properties.Roles ?? []).some((x: { Ref: string }) => ids.has(x.Ref))) visit(r.Properties.PolicyDocument);
  }
  return out;
}

/**
 * Which state a JSONPath Choice state takes for an input, with the
 * semantics of the comparisons used here; a comparison on a missing path
 * throws, as Step Functions fails the execution then.
 */
function choose(state: Record<string, unknown>, input: Record<string, unknown>): string {
  type Rule = { Variable?: string; Not?: Rule; IsPresent?: boolean; IsBoolean?: boolean; BooleanEquals?: boolean; Next?: string };
  const value = (v: string) => {
    const key = v.replace(/^\$\./, '');
    if (!(key in input)) throw new Error(`States.Runtime: invalid path ${v}`);
    return input[key];
  };
  const test = (r: Rule): boolean => {
    if (r.Not) return !test(r.Not);
    if (r.IsPresent !== undefined) return (r.Variable!.replace(/^\$\./, '') in input) === r.IsPresent;
    if (r.IsBoolean !== undefined) return (typeof value(r.Variable!) === 'boolean') === r.IsBoolean;
    if (r.BooleanEquals !== undefined) return value(r.Variable!) === r.BooleanEquals;
    throw new Error(`unsupported rule ${JSON.stringify(r)}`);
  };
  for (const rule of state.Choices as Rule[]) if (test(rule)) return rule.Next!;
  return state.Default as string;
}


describe('FailoverRunbook with ARC Region switch (default)', () => {
  let t: Topo;
  let rb: FailoverRunbook;
  let routing: Template;

  beforeAll(() => {
    t = topo({ recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 } });
    rb = setup(t, { acceptRpoGuardWriteStalls: true });
    routing = Template.fromStack(t.routing);
    t.app.synth({ force: true });
  });

  test('an active/passive plan with one activate workflow per region: Aurora first, then Route 53', () => {
    const cluster = (r: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${r}:${ACCOUNT}:cluster:orders-${r}`]] });
    const steps = (target: string) => [
      Match.objectLike({
        Name: 'aurora-global-database',
        Description: Match.stringLikeRegexp(`to ${target}: switchover when graceful, failover \\(data loss\\) only when ungraceful`),
        ExecutionBlockType: 'AuroraGlobalDatabase',
        ExecutionBlockConfiguration: {
          GlobalAuroraConfig: {
            Behavior: 'switchoverOnly',
            Ungraceful: { Ungraceful: 'failover' },
            GlobalClusterIdentifier: 'orders',
            DatabaseClusterArns: [cluster('us-east-1'), cluster('eu-west-1')],
            TimeoutMinutes: 60,
          },
        },
      }),
      Match.objectLike({
        Name: 'route53-write-route',
        ExecutionBlockType: 'Route53HealthCheck',
        ExecutionBlockConfiguration: {
          Route53HealthCheckConfig: {
            HostedZoneId: 'Z123EXAMPLE',
            RecordName: 'write.example.com',
            RecordSets: [{ RecordSetIdentifier: 'write-us-east-1', Region: 'us-east-1' }, { RecordSetIdentifier: 'write-eu-west-1', Region: 'eu-west-1' }],
          },
        },
      }),
    ];
    routing.hasResourceProperties('AWS::ARCRegionSwitch::Plan', {
      Name: 'orders',
      RecoveryApproach: 'activePassive',
      PrimaryRegion: 'us-east-1',
      Regions: ['us-east-1', 'eu-west-1'],
      RecoveryTimeObjectiveMinutes: 15,
      Workflows: [
        { WorkflowTargetAction: 'activate', WorkflowTargetRegion: 'us-east-1', WorkflowDescription: Match.anyValue(), Steps: steps('us-east-1') },
        { WorkflowTargetAction: 'activate', WorkflowTargetRegion: 'eu-west-1', WorkflowDescription: Match.anyValue(), Steps: steps('eu-west-1') },
      ],
    });
    routing.hasOutput('*', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('RunbookPlan'), 'Arn'] } });
  });

  test('the plan role has exactly the sample-policy actions and resources, scoped where the sample names resources', () => {
    routing.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'arc-region-switch.amazonaws.com' } }] },
    });
    expect(actions(routing).sort()).toEqual([
      'arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions', 'iam:SimulatePrincipalPolicy',
      'rds:DescribeDBClusters', 'rds:DescribeGlobalClusters', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'route53:ListResourceRecordSets',
    ]);
    const role = Object.values(routing.findResources('AWS::IAM::Role'))[0];
    const join = (...parts: string[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_aurora.html
    expect(role.Properties.Policies).toEqual([{
      PolicyName: 'AuroraGlobalDatabaseBlock',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'], Effect: 'Allow', Resource: '*' },
          {
            Action: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
            Effect: 'Allow',
            Resource: [
              join(':rds::111111111111:global-cluster:orders'),
              join(':rds:us-east-1:111111111111:cluster:orders-us-east-1'),
              join(':rds:eu-west-1:111111111111:cluster:orders-eu-west-1'),
            ],
          },
        ],
      },
    }, {
      PolicyName: 'Route53HealthCheckBlock',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'route53:ListResourceRecordSets', Effect: 'Allow', Resource: join(':route53:::hostedzone/Z123EXAMPLE') }],
      },
    }]);
  });

  test('the plan role has the base permissions of every plan execution role: simulate its own policies, read this plan and its executions', () => {
    // https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_complete_policy.html
    const roleId = Object.keys(routing.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'arc-region-switch.amazonaws.com' } })] } },
    }))[0];
    const plan = (sep: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:arc-region-switch:*:${ACCOUNT}:plan/orders${sep}*`]] });
    routing.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'iam:SimulatePrincipalPolicy', Effect: 'Allow', Resource: { 'Fn::GetAtt': [roleId, 'Arn'] } },
          {
            Action: ['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'],
            Effect: 'Allow',
            Resource: [plan(':'), plan('/')],
          },
        ],
      },
    });
  });

  test('one deploy: the plan is created after its role can be evaluated, and the PRIMARY write record takes the plan\'s health check of us-east-1 from its PlanHealthChecks attribute', () => {
    const [planId, plan] = Object.entries(routing.findResources('AWS::ARCRegionSwitch::Plan'))[0];
    const policies = Object.keys(routing.findResources('AWS::IAM::Policy'));
    expect(plan.DependsOn).toEqual(expect.arrayContaining(policies));
    const primary = Object.values(routing.findResources('AWS::Route53::RecordSet', { Properties: { Name: 'write.example.com.', Failover: 'PRIMARY' } }))[0];
    const calculated = routing.findResources('AWS::Route53::HealthCheck')[primary.Properties.HealthCheckId.Ref].Properties.HealthCheckConfig;
    expect(calculated.HealthThreshold).toBe(4);
    // The entry of us-east-1, found by its region field, not by its position in the list.
    expect(calculated.ChildHealthChecks[3]).toEqual({
      'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Select': [1, { 'Fn::Split': [':us-east-1:', { 'Fn::Join': [',', { 'Fn::GetAtt': [planId, 'PlanHealthChecks'] }] }] }] }] }],
    });
    expect((t.routing.node.findChild('Router') as GlobalRouter).regionSwitchChecksAttached).toBe(true);
  });

  test('the PlanHealthChecks expression picks the entry of its region whatever the order of the list', () => {
    // <hostedZoneId>:<recordName>:<region>:<healthCheckId>, as the plan returns them.
    const entries = ['Z123EXAMPLE:write.example.com:us-east-1:11111111-aaaa', 'Z123EXAMPLE:write.example.com:eu-west-1:22222222-bbbb'];
    const evaluate = (list: string[], region: string) => list.join(',').split(`:${region}:`)[1].split(',')[0];
    for (const list of [entries, [...entries].reverse()]) {
      expect(evaluate(list, 'us-east-1')).toBe('11111111-aaaa');
      expect(evaluate(list, 'eu-west-1')).toBe('22222222-bbbb');
    }
  });

  test('the plan RTO stays within the 1–10080 minutes CreatePlan accepts', () => {
    const t2 = topo({ recoveryObjectives: { rtoSeconds: 30 * 24 * 3600 } });
    setup(t2);
    Template.fromStack(t2.routing).hasResourceProperties('AWS::ARCRegionSwitch::Plan', { RecoveryTimeObjectiveMinutes: 10080 });
  });

  test('a declared RPO of 30 s on Aurora PostgreSQL sets rds.global_db_rpo on the primary', () => {
    expect(rb.enforcedRpoSeconds).toBe(30);
    Template.fromStack(Stack.of(t.primary)).hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ 'rds.global_db_rpo': '30' }),
    });
    expect(rb.estimates.failover.rpoSeconds).toBe(30);
  });

  test('the estimate: 30 s detection + 10 min human decision + 2 min promotion + 90 s traffic shift + 60 s TTL', () => {
    expect(rb.estimates.failover.timeline.map((e) => [e.phase, e.durationSeconds])).toEqual([
      ['detection', 30], ['decision', 600], ['promotion', 120], ['traffic-shift', 90], ['dns', 60],
    ]);
    expect(rb.estimates.failover.rtoSeconds).toBe(900);
    expect(rb.estimates.switchover.rpoSeconds).toBe(0);
  });

  test('the Markdown runbook names the real resources and the exact commands', () => {
    const md = rb.markdown;
    expect(md).toContain('# Failover runbook: orders');
    expect(md).toContain('| Cluster in eu-west-1 | `arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu-west-1` |');
    expect(md).toContain('| Write hostname | `write.example.com` |');
    expect(md).toContain('--target-region eu-west-1 --action activate --mode graceful');
    expect(md).toContain('--target-region eu-west-1 --action activate --mode ungraceful');
    expect(md).toContain('aws rds switchover-global-cluster --region eu-west-1 \\\n     --global-cluster-identifier orders \\\n     --target-db-cluster-identifier arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu-west-1');
    expect(md).toContain('--target-db-cluster-identifier arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu-west-1 --allow-data-loss');
    expect(md).toContain('aws cloudwatch describe-alarms --region eu-west-1 --alarm-names orders-eu-west-1-not-writer');
    expect(md).toContain('## Failback to us-east-1');
    expect(md).toContain('rds.global_db_rpo is 30 s');
    expect(md).toContain('aws arc-region-switch list-route53-health-checks --region us-east-1 --arn "$PLAN_ARN"');
    // The recovery path uses Region switch data-plane operations only (ListPlans is control plane).
    expect(md).toContain(`PLAN_ARN=$(aws arc-region-switch list-plans-in-region --region eu-west-1 --query "plans[?name=='orders'].arn" --output text)`);
    expect(md).not.toMatch(/arc-region-switch list-plans /);
  });

  test('the runbook says where each stack\'s state is and what can be changed while each region is lost', () => {
    const state = rb.model.deploymentState!;
    expect(state.locations.map((l) => l.label)).toEqual([
      'CloudFormation stack Primary (database of us-east-1 (origin): cluster, key, master secret, global cluster)',
      'CloudFormation stack Replica-eu-west-1 (database of eu-west-1 (secondary at creation))',
      'CloudFormation stack Routing (write and read routes; Region switch plan)',
    ]);
    expect(state.locations[1].value).toBe('eu-west-1: CloudFormation in eu-west-1; templates and assets in the CDK bootstrap bucket of aws://111111111111/eu-west-1');
    // One outage per region the deployment uses (us-east-1 holds the primary, the routing and the global control planes).
    expect(state.outages.map((o) => o.region)).toEqual(['us-east-1', 'eu-west-1']);
    const east = state.outages[0];
    expect(east.doesNotWork.map((i) => i.what)).toEqual([
      'Deploying, updating or deleting Primary, Routing (and `cdk deploy --all`)',
      'A switchover, or deploying the database stacks to "match" the new writer',
      'Editing Route 53 records or health checks, the CloudFront distribution, its WAF web ACL or Lambda@Edge code; creating IAM roles or policies',
    ]);
    expect(east.works.map((i) => i.commands?.map((c) => c.command))).toContainEqual([
      'aws rds failover-global-cluster --region eu-west-1 \\\n  --global-cluster-identifier orders \\\n  --target-db-cluster-identifier arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu-west-1 --allow-data-loss',
    ]);
    expect(east.works[0].commands).toEqual([{ command: 'npx cdk deploy --exclusively Replica-eu-west-1' }]);
    const west = state.outages[1];
    expect(west.doesNotWork.map((i) => i.what)).toContain('A switchover or failover to eu-west-1');
    expect(west.works[0].commands).toEqual([{ command: 'npx cdk deploy --exclusively Primary' }, { command: 'npx cdk deploy --exclusively Routing' }]);
    expect(rb.markdown).toContain('## Deployment state and what works during an outage');
    expect(rb.markdown).toContain('### While us-east-1 is lost');
  });

  test('the runbook is written into the cloud assembly at synth', () => {
    const file = path.join(t.app.outdir, 'runbooks', 'orders.md');
    expect(fs.readFileSync(file, 'utf8')).toBe(rb.markdown);
    expect(rb.runbookFileName).toBe('orders.md');
  });
});

describe('FailoverRunbook with Step Functions', () => {
  let t: Topo;
  let rb: FailoverRunbook;
  let primaryT: Template;
  let replicaT: Template;

  beforeAll(() => {
    t = topo({ replicas: { 'eu-west-1': 1, 'ap-southeast-2': 0 } });
    rb = setup(t, { engine: 'stepfunctions', drill: { schedule: events.Schedule.cron({ weekDay: 'TUE', hour: '10', minute: '0' }) } });
    primaryT = Template.fromStack(Stack.of(t.primary));
    replicaT = Template.fromStack(Stack.of(t.replicas[0]));
  });

  test('a switchover and a failover state machine in every region of the topology, logged and traced', () => {
    for (const s of [Stack.of(t.primary), ...t.replicas.map((r) => Stack.of(r))]) {
      const tpl = Template.fromStack(s);
      for (const kind of ['switchover', 'failover']) {
        tpl.hasResourceProperties('AWS::StepFunctions::StateMachine', {
          StateMachineName: `orders-${kind}`,
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
        });
      }
    }
    expect(Object.keys(rb.regional).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    Template.fromStack(t.routing).resourceCountIs('AWS::ARCRegionSwitch::Plan', 0);
  });

  test('every definition is valid Amazon States Language', () => {
    const defs = Object.entries(rb.definitions);
    expect(defs.map(([k]) => k).sort()).toEqual([
      'ap-southeast-2/Failover', 'ap-southeast-2/Switchover', 'eu-west-1/Drill', 'eu-west-1/Failover', 'eu-west-1/Switchover', 'us-east-1/Failover', 'us-east-1/Switchover',
    ]);
    for (const [name, def] of defs) {
      const result = aslValidator(def);
      if (!result.isValid) throw new Error(`${name}: ${result.errorsText('\n')}`);
    }
  });

  test('every Task has a timeout, retries (or a deliberate none) and a catch that records the stage', () => {
    for (const def of Object.values(rb.definitions) as { States: Record<string, Record<string, unknown>> }[]) {
      for (const [name, state] of Object.entries(def.States)) {
        if (state.Type !== 'Task') continue;
        expect([name, typeof state.TimeoutSeconds]).toEqual([name, 'number']);
        expect([name, Array.isArray(state.Retry)]).toEqual([name, true]);
        expect([name, Array.isArray(state.Catch)]).toEqual([name, true]);
      }
    }
  });

  test('failover demands {"allowDataLoss": true} and passes AllowDataLoss explicitly', () => {
    const def = rb.definitions['eu-west-1/Failover'] as { StartAt: string; States: Record<string, Record<string, unknown>> };
    expect(def.StartAt).toBe('DataLossAccepted');
    // Presence and type are their own rules, tested before the value: a
    // comparison on a missing path is a runtime error, not a non-match.
    // (toMatchObject: the ASL validator in another test adds QueryLanguage to the object.)
    expect(def.States.DataLossAccepted).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.allowDataLoss', IsPresent: true }, Next: 'DataLossNotAccepted' },
        { Not: { Variable: '$.allowDataLoss', IsBoolean: true }, Next: 'DataLossNotAccepted' },
        { Variable: '$.allowDataLoss', BooleanEquals: true, Next: 'ReadWriter' },
      ],
      Default: 'DataLossNotAccepted',
    });
    expect(choose(def.States.DataLossAccepted, {})).toBe('DataLossNotAccepted');
    expect(choose(def.States.DataLossAccepted, { allowDataLoss: 'true' })).toBe('DataLossNotAccepted');
    expect(choose(def.States.DataLossAccepted, { allowDataLoss: false })).toBe('DataLossNotAccepted');
    expect(choose(def.States.DataLossAccepted, { allowDataLoss: true })).toBe('ReadWriter');
    expect(def.States.DataLossNotAccepted).toMatchObject({ Type: 'Fail', Error: 'DataLossNotAccepted' });
    expect(def.States.Failover).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:rds:failoverGlobalCluster',
      Parameters: { GlobalClusterIdentifier: 'orders', AllowDataLoss: true },
    });
  });

  test('retries name the errors the SDK integration really raises: RDS throttling arrives as Rds.RdsException; the calls that move the writer retry only that', () => {
    // RDS answers throttling with the unmodeled error code Throttling, which the AWS SDK for
    // Java (behind Step Functions) raises as RdsException: Step Functions names it Rds.RdsException.
    const throttled = [{ ErrorEquals: ['Rds.RdsException'], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 30, JitterStrategy: 'FULL' }];
    const states = (k: string) => (rb.definitions[k] as { States: Record<string, Record<string, unknown>> }).States;
    expect(states('eu-west-1/Switchover').Switchover.Retry).toEqual(throttled);
    expect(states('eu-west-1/Failover').Failover.Retry).toEqual(throttled);
    expect(states('eu-west-1/Drill').SwitchBack.Retry).toEqual(throttled);
    expect((states('eu-west-1/Switchover').ReadWriter.Retry as { ErrorEquals: string[] }[])[0].ErrorEquals).toEqual([
      'Rds.RdsException', 'Rds.SdkClientException', 'CloudWatch.CloudWatchException', 'CloudWatch.SdkClientException', 'States.Timeout',
    ]);
    // No retrier anywhere names an error Step Functions never raises.
    expect(JSON.stringify(rb.definitions)).not.toMatch(/ThrottlingException/);
  });

  test('a region outside the write route does not wait for a writer alarm it does not have', () => {
    const inRoute = rb.definitions['eu-west-1/Switchover'] as { States: Record<string, Record<string, unknown>> };
    expect(inRoute.States.Promoted.Choices).toEqual(expect.arrayContaining([expect.objectContaining({ Next: 'InitTrafficPoll' })]));
    expect(inRoute.States.ReadWriterAlarm.Parameters).toEqual({ AlarmNames: ['orders-eu-west-1-not-writer'] });
    const outside = rb.definitions['ap-southeast-2/Switchover'] as { States: Record<string, Record<string, unknown>> };
    expect(outside.States.Promoted.Choices).toEqual(expect.arrayContaining([expect.objectContaining({ Next: 'Verify' })]));
    expect(Object.keys(outside.States)).not.toContain('ReadWriterAlarm');
    expect(JSON.stringify(outside)).not.toContain('not-writer');
    const outsideRole = JSON.stringify(Template.fromStack(Stack.of(t.replicas[1])).findResources('AWS::IAM::Role'));
    expect(outsideRole).not.toContain('not-writer');
    expect(outsideRole).toContain(':alarm:orders-ap-southeast-2-switchover-lag');
  });

  test('switchover checks writer (idempotent), target health and lag before acting', () => {
    const def = rb.definitions['eu-west-1/Switchover'] as { StartAt: string; States: Record<string, Record<string, unknown>> };
    expect(def.StartAt).toBe('ReadWriter');
    expect(Object.keys(def.States)).toEqual(expect.arrayContaining(['AlreadyWriter', 'NotifyNothingToDo', 'TargetHealthy', 'ReadLag', 'LagLowEnough', 'Switchover', 'WaitForPromotion', 'ReadWriterAlarm', 'Verify', 'NotifySuccess', 'NotifyFailure']));
    expect(def.States.Switchover.Resource).toBe('arn:aws:states:::aws-sdk:rds:switchoverGlobalCluster');
    expect(JSON.stringify(def)).not.toContain('failoverGlobalCluster');
  });

  test('least privilege: no wildcard actions; RDS, CloudWatch, SNS and KMS scoped to this deployment', () => {
    const all = actions(replicaT, 'states.amazonaws.com');
    expect(all.filter((a) => a.includes('*'))).toEqual([]);
    expect(new Set(all)).toEqual(new Set([
      'rds:DescribeGlobalClusters', 'rds:DescribeDBClusters', 'cloudwatch:DescribeAlarms', 'sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt',
      'rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster', 'states:StartExecution', 'states:DescribeExecution', 'states:StopExecution',
      'events:PutTargets', 'events:PutRule', 'events:DescribeRule',
      // Added by CDK for logging and tracing (resource "*" only, acknowledged).
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
      'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
    ]));
    replicaT.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'rds:FailoverGlobalCluster' })]) } }],
    });
  });

  test('the drill runs in the standby region on a schedule, with an alarm when it fails; none elsewhere', () => {
    replicaT.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 10 ? * TUE *)' });
    replicaT.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'orders-drill' });
    replicaT.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 1 });
    primaryT.resourceCountIs('AWS::Events::Rule', 0);
    expect(rb.drillStateMachine).toBeDefined();
  });

  test('the switchover lag alarm and the encrypted topic exist in each region', () => {
    primaryT.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-us-east-1-switchover-lag', MetricName: 'AuroraGlobalDBReplicationLag', Threshold: 10000 });
    primaryT.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('the runbook prints state machine ARNs and the allowDataLoss input', () => {
    expect(rb.markdown).toContain('arn:aws:states:eu-west-1:111111111111:stateMachine:orders-switchover');
    expect(rb.markdown).toContain(`--input '{"allowDataLoss": true}'`);
    expect(rb.markdown).toContain('## Drill');
  });
});

describe('FailoverRunbook objectives and bad input', () => {
  test('an RTO the configuration cannot meet fails synth and names the setting', () => {
    const t = topo({ recoveryObjectives: { rtoSeconds: 120 } });
    expect(errorOf(() => setup(t))).toBe(
      "FailoverRunbook 'Routing/Runbook': recoveryObjectives.rtoSeconds 120 is below the estimated failover RTO of 900 s (detection 30 s + decision 600 s + promotion 120 s + traffic-shift 90 s + dns 60 s); "
      + 'no setting brings the estimate under 120 s (the fastest configuration gives about 285 s); raise recoveryObjectives.rtoSeconds to 285 or more',
    );
  });

  test('an RTO met by faster detection suggests it', () => {
    const t = topo({ recoveryObjectives: { rtoSeconds: 400 } });
    new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, healthCheck: { interval: Duration.seconds(30) } });
    expect(errorOf(() => setup(t))).toContain(
      'set healthCheck.interval to Duration.seconds(10), and lower healthCheck.failureThreshold to 1, and lower decisionTime to Duration.seconds(120) if your on-call reliably decides that fast, '
      + "or set decision: 'automatic' with automaticFailoverAllowsDataLoss: true (the alarm decides in 60 s), or raise recoveryObjectives.rtoSeconds to 960",
    );
  });

  test('an RPO below the replication lag fails; between 5 and 20 s it is noted, not enforced', () => {
    expect(errorOf(() => setup(topo({ recoveryObjectives: { rpoSeconds: 1 } })))).toContain(
      'recoveryObjectives.rpoSeconds 1 is below the typical replication lag of 5 s (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html)',
    );
    const rb = setup(topo({ recoveryObjectives: { rpoSeconds: 10 } }));
    expect(rb.enforcedRpoSeconds).toBeUndefined();
    expect(rb.markdown).toContain('The declared RPO of 10 s is met only while replication lag stays below it');
  });

  test('an enforced RPO with a single secondary is refused unless its write stalls are accepted, and explains why', () => {
    expect(errorOf(() => setup(topo({ recoveryObjectives: { rpoSeconds: 30 } })))).toBe(
      "FailoverRunbook 'Routing/Runbook': recoveryObjectives.rpoSeconds 30 sets rds.global_db_rpo on the primary, so commits in us-east-1 wait whenever the only secondary (eu-west-1) lags more than 30 s: "
      + 'any impairment of eu-west-1 stops writes in us-east-1, and major version upgrades are refused while it is set; '
      + 'set acceptRpoGuardWriteStalls: true to accept that (an alarm warns at 80% of the bound), add a second replica region (Aurora then waits only while every secondary lags), '
      + 'or declare rpoSeconds below 20 so it is a target the runbook reports, not a bound Aurora enforces',
    );
    // Two secondaries: Aurora lets commits through while either is within the bound.
    const two = setup(topo({ recoveryObjectives: { rpoSeconds: 30 }, replicas: { 'eu-west-1': 1, 'ap-southeast-2': 1 } }));
    expect(two.enforcedRpoSeconds).toBe(30);
  });

  test('an alarm in each secondary region warns when AuroraGlobalDBRPOLag reaches 80% of the bound; the runbook states the trade-off', () => {
    const t = topo({ recoveryObjectives: { rpoSeconds: 30 } });
    const rb = setup(t, { acceptRpoGuardWriteStalls: true });
    Template.fromStack(Stack.of(t.replicas[0])).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-eu-west-1-rpo-lag',
      Namespace: 'AWS/RDS',
      MetricName: 'AuroraGlobalDBRPOLag',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-eu-west-1' }],
      Statistic: 'Maximum',
      Threshold: 24000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    // Every region can be a secondary: the origin too, after a switchover or failover.
    expect(Object.keys(rb.rpoLagAlarms)).toEqual(['us-east-1', 'eu-west-1']);
    expect(rb.markdown).toContain('Trade-off of rds.global_db_rpo: with one secondary, any impairment of eu-west-1 stops writes in us-east-1, and a major version upgrade of the global database is refused while it is set');
    expect(rb.markdown).toContain('`orders-eu-west-1-rpo-lag` (eu-west-1)');
    expect(rb.markdown).toContain('ParameterName=rds.global_db_rpo,ParameterValue=30,ApplyMethod=immediate');
    // Not enforced (below 20 s): no alarm.
    const t2 = topo({ recoveryObjectives: { rpoSeconds: 10 } });
    expect(setup(t2).rpoLagAlarms).toEqual({});
    Template.fromStack(Stack.of(t2.replicas[0])).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'AuroraGlobalDBRPOLag' }, 0);
  });

  test('Aurora MySQL has no rds.global_db_rpo', () => {
    const app = new App({ context: contextFile() });
    const p = new PrimaryRegion(new Stack(app, 'P', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'Db', {
      replicaRegions: ['eu-west-1'], phase: 3, globalClusterIdentifier: 'shop',
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 }),
      recoveryObjectives: { rpoSeconds: 30 },
    });
    const r = new ReadReplicaRegion(new Stack(app, 'R', { env: { account: ACCOUNT, region: 'eu-west-1' } }), 'Db', { primary: p });
    const routing = new Stack(app, 'Routing', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const router = new GlobalRouter(routing, 'Router', {
      zone: route53.HostedZone.fromHostedZoneAttributes(routing, 'Zone', { hostedZoneId: 'Z9', zoneName: 'example.com' }), primary: p, replicas: [r],
      endpoints: ['us-east-1', 'eu-west-1'].map((region) => ({ region, target: RouterTarget.fromHostname(`${region}.example.com`) })),
    });
    const rb = new FailoverRunbook(routing, 'Runbook', { primary: p, replicas: [r], router });
    expect(rb.enforcedRpoSeconds).toBeUndefined();
  });

  test('engine, plan name, missing replicas and drill hold', () => {
    const t = topo();
    expect(errorOf(() => setup(t, { engine: 'lambda' as never }, 'A'))).toContain("engine 'lambda' is not an engine; set engine to 'region-switch' or 'stepfunctions'");
    expect(errorOf(() => setup(t, { planName: 'bad_name!' }, 'B'))).toContain("planName 'bad_name!' is not a valid Region switch plan name");
    expect(errorOf(() => setup(t, { replicas: [] }, 'C'))).toContain("replicas has no ReadReplicaRegion for ['eu-west-1']; pass every ReadReplicaRegion of the primary");
    expect(errorOf(() => setup(t, { drill: { schedule: events.Schedule.rate(Duration.days(7)), hold: Duration.seconds(5) } }, 'D'))).toContain('drill.hold 5 s is outside 1–60 minutes');
  });
});

