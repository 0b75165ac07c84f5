import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { drillDefinition, failoverDefinition, StateMachineFacts, switchoverDefinition } from './runbook-state-machines';
import { WriteRouteSignal } from './writer-signal';

export interface RegionalEngineOptions {
  readonly globalClusterIdentifier: string;
  readonly clusterIdentifier: string;
  /** Every cluster identifier of the topology (a switchover changes them all). */
  readonly allClusterArns: readonly string[];
  /** Every region's cluster, by region (the fence looks for the old writer among them). */
  readonly clusters: readonly { readonly region: string; readonly clusterIdentifier: string; readonly clusterArn: string }[];
  readonly maxLagMillis: number;
  /**
   * What tells that the write route answers in this region (primary or
   * standby of the GlobalRouter); undefined in a region without a write record.
   */
  readonly writeSignal?: WriteRouteSignal;
  readonly drill?: { readonly schedule: events.Schedule; readonly holdSeconds: number; readonly homeClusterArn: string; readonly homeRegion: string };
}

export interface RegionalEngine {
  readonly topic: sns.Topic;
  readonly switchover: sfn.StateMachine;
  readonly failover: sfn.StateMachine;
  readonly switchoverName: string;
  readonly failoverName: string;
  readonly definitions: Readonly<Record<string, object>>;
  readonly drill?: sfn.StateMachine;
  readonly drillName?: string;
  readonly drillAlarm?: cloudwatch.Alarm;
}

/** Names are deterministic so the runbook can print real ARNs. */
export function stateMachineName(globalId: string, kind: 'switchover' | 'failover' | 'drill'): string {
  return `${globalId}-${kind}`.slice(0, 80);
}

/**
 * The Step Functions engine in one region: an encrypted SNS topic, a
 * replication-lag alarm for the switchover precheck, and the switchover and
 * failover state machines (plus the drill, when asked), each with its own
 * least-privilege role.
 */
export function createRegionalEngine(scope: Construct, o: RegionalEngineOptions): RegionalEngine {
  const stack = Stack.of(scope);
  const region = stack.region;
  const account = stack.account;
  const globalArn = `arn:${Aws.PARTITION}:rds::${account}:global-cluster:${o.globalClusterIdentifier}`;
  const clusterArn = `arn:${Aws.PARTITION}:rds:${region}:${account}:cluster:${o.clusterIdentifier}`;
  const key = new kms.Key(scope, 'TopicKey', {
    description: `Encrypts failover notifications for ${o.globalClusterIdentifier} in ${region}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const topic = new sns.Topic(scope, 'Notifications', {
    displayName: `Failover of ${o.globalClusterIdentifier} (${region})`,
    masterKey: key,
    enforceSSL: true,
  });
  const lagAlarmName = `${o.clusterIdentifier}-switchover-lag`;
  new cloudwatch.Alarm(scope, 'SwitchoverLagAlarm', {
    alarmName: lagAlarmName,
    alarmDescription: `Replication lag into ${o.clusterIdentifier} is above what a switchover accepts (${o.maxLagMillis} ms)`,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensionsMap: { DBClusterIdentifier: o.clusterIdentifier },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    }),
    threshold: o.maxLagMillis,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.MISSING,
  });
  const alarmArn = (name: string) => `arn:${Aws.PARTITION}:cloudwatch:${region}:${account}:alarm:${name}`;
  const facts: StateMachineFacts = {
    globalClusterIdentifier: o.globalClusterIdentifier,
    region,
    clusterIdentifier: o.clusterIdentifier,
    clusterArn,
    writerAlarmName: o.writeSignal?.localAlarm,
    remoteWriterAlarm: o.writeSignal?.remote,
    topicArn: topic.topicArn,
    maxLagMillis: o.maxLagMillis,
    lagAlarmName,
    pollSeconds: 30,
    maxPolls: 40,
    otherClusters: o.clusters.filter((c) => c.region !== region),
  };
  const common = (extra: iam.PolicyStatement[]) => [
    new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters'], resources: [globalArn] }),
    new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters'], resources: [clusterArn] }),
    // Scoped to the two alarms it reads (alarm resource type in the current
    // Service Authorization Reference for CloudWatch; older copies listed "*" only).
    new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [...(facts.writerAlarmName ? [alarmArn(facts.writerAlarmName)] : []), alarmArn(lagAlarmName)],
    }),
    new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    ...extra,
  ];
  const definitions: Record<string, object> = {};
  const machine = (id: string, name: string, definition: object, statements: iam.PolicyStatement[]): sfn.StateMachine => {
    definitions[id] = definition;
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: `Runs ${name}`,
      inlinePolicies: { Runbook: new iam.PolicyDocument({ statements }) },
    });
    const sm = new sfn.StateMachine(scope, id, {
      stateMachineName: name,
      // Tokens (topic ARN) are substituted by DefinitionBody.fromString at synth.
      definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)),
      role,
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
      timeout: Duration.hours(3),
    });
    // Step Functions logging and X-Ray tracing APIs have no resource-level
    // permissions; CDK adds them to the role's default policy.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'CloudWatch Logs delivery (logs:CreateLogDelivery and related) and X-Ray (xray:PutTraceSegments and related) support only "*" resources; see https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy',
    });
    return sm;
  };
  const switchoverName = stateMachineName(o.globalClusterIdentifier, 'switchover');
  const failoverName = stateMachineName(o.globalClusterIdentifier, 'failover');
  const switchover = machine('Switchover', switchoverName, switchoverDefinition(facts), common([
    new iam.PolicyStatement({ actions: ['rds:SwitchoverGlobalCluster'], resources: [globalArn, ...o.allClusterArns] }),
  ]));
  const failover = machine('Failover', failoverName, failoverDefinition(facts), common([
    new iam.PolicyStatement({ actions: ['rds:FailoverGlobalCluster'], resources: [globalArn, ...o.allClusterArns] }),
  ]));

  let drill: sfn.StateMachine | undefined;
  let drillName: string | undefined;
  let drillAlarm: cloudwatch.Alarm | undefined;
  if (o.drill) {
    drillName = stateMachineName(o.globalClusterIdentifier, 'drill');
    const executions = `arn:${Aws.PARTITION}:states:${region}:${account}:execution:${switchoverName}:*`;
    drill = machine('Drill', drillName, drillDefinition({
      ...facts,
      switchoverStateMachineArn: switchover.stateMachineArn,
      homeClusterArn: o.drill.homeClusterArn,
      homeRegion: o.drill.homeRegion,
      holdSeconds: o.drill.holdSeconds,
    }), common([
      new iam.PolicyStatement({ actions: ['rds:SwitchoverGlobalCluster'], resources: [globalArn, ...o.allClusterArns] }),
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [switchover.stateMachineArn] }),
      new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }),
      // .sync integration: Step Functions manages this rule (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html).
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [`arn:${Aws.PARTITION}:events:${region}:${account}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`],
      }),
    ]));
    Validations.of(drill.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${Token.isUnresolved(account) ? '<AWS::AccountId>' : account}:execution:${switchoverName}:*]`,
      reason: 'Execution names are generated per run; the permission is limited to executions of this deployment\'s switchover state machine.',
    });
    new events.Rule(scope, 'DrillSchedule', {
      description: `Scheduled failover drill of ${o.globalClusterIdentifier}`,
      schedule: o.drill.schedule,
      targets: [new targets.SfnStateMachine(drill)],
    });
    drillAlarm = drill.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(scope, 'DrillFailedAlarm', {
      alarmDescription: `The failover drill of ${o.globalClusterIdentifier} failed: the switchover to ${region} or the way back did not complete`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    drillAlarm.addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
    topic.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: { ArnLike: { 'aws:SourceArn': drillAlarm.alarmArn } },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: ['*'],
    }));
  }
  return { topic, switchover, failover, switchoverName, failoverName, definitions, drill, drillName, drillAlarm };
}
