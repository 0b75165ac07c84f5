import { Aws, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';

/** Where an alarm's description sends the on-call engineer. */
export interface AlarmGuide {
  /** Heading of the generated runbook's section. */
  readonly runbookSection: string;
  /** Anchor of docs/monitoring.md that explains the alarm. */
  readonly docAnchor: string;
}

/**
 * Alarm kinds by the construct id the library gives them, with the runbook
 * section to open (headings of the runbook FailoverRunbook renders) and the
 * docs/monitoring.md section that explains the alarm.
 */
const GUIDES: readonly { readonly id: RegExp; readonly guide: AlarmGuide }[] = [
  { id: /^RegionDegraded$/, guide: { runbookSection: 'Which procedure', docAnchor: 'region-degraded' } },
  { id: /^WriterMissingAlarm$/, guide: { runbookSection: 'Verify the current write region', docAnchor: 'writer-missing' } },
  { id: /^WriterAlarm$/, guide: { runbookSection: 'Verify the current write region', docAnchor: 'writer-role-signal' } },
  { id: /^(ReplicationLagAlarm|ReadLagAlarm|SwitchoverLagAlarm|LagAlarm)$/, guide: { runbookSection: 'Recovery objectives', docAnchor: 'replication-lag' } },
  { id: /^RpoLagAlarm$/, guide: { runbookSection: 'Recovery objectives', docAnchor: 'rpo-lag' } },
  { id: /^HealthCheckAlarm-/, guide: { runbookSection: 'Which procedure', docAnchor: 'endpoint-health-check' } },
  { id: /^DetectionAlarm$/, guide: { runbookSection: 'Which procedure', docAnchor: 'failover-detection' } },
  { id: /^DrillFailedAlarm$/, guide: { runbookSection: 'Drill', docAnchor: 'drill-failed' } },
];
const OTHER: AlarmGuide = { runbookSection: 'Which procedure', docAnchor: 'other-alarms' };

/** The guide of an alarm construct id. */
export function guideFor(id: string): AlarmGuide {
  return GUIDES.find((g) => g.id.test(id))?.guide ?? OTHER;
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/** CloudWatch accepts up to 1024 characters of alarm description (PutMetricAlarm AlarmDescription). */
const MAX_DESCRIPTION = 1024;

/** The description with where to go appended (the original is shortened if both would not fit). */
export function describeWithGuide(original: string | undefined, guide: AlarmGuide, runbook: string | undefined, docsUrl: string): string {
  const where = runbook
    ? ` Runbook: ${runbook}#${headingAnchor(guide.runbookSection)} (section "${guide.runbookSection}"); alarm explained: ${docsUrl}#${guide.docAnchor}`
    : ` Runbook: ${docsUrl}#${guide.docAnchor}`;
  const head = (original ?? 'Alarm of the multi-region deployment.').trim();
  const room = MAX_DESCRIPTION - where.length;
  return (head.length > room ? `${head.slice(0, Math.max(0, room - 1))}…` : head) + where;
}

/** SNS topic names: 1–256 of A–Z a–z 0–9 - _ (CreateTopic). */
export function alarmTopicName(deployment: string): string {
  return `${deployment}-alarms`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 256);
}

/**
 * The alarm topic of one region, owned by one stack of that region: a
 * customer-managed key (rotation on) that CloudWatch may use, an
 * SSL-only topic CloudWatch alarms of this account may publish to, and
 * the e-mail subscriptions. CloudWatch alarms can publish to an encrypted
 * topic only when the key policy lets cloudwatch.amazonaws.com use the key
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function createAlarmTopic(scope: Construct, deployment: string, emails: readonly string[]): sns.Topic {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, 'Key', {
    description: `Encrypts the alarm notifications of ${deployment} in ${stack.region}`,
    enableKeyRotation: true,
    // Notifications are delivered and gone: the key guards no data at rest.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  const topic = new sns.Topic(scope, 'Topic', {
    topicName: alarmTopicName(deployment),
    displayName: `Alarms of ${deployment} (${stack.region})`,
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    actions: ['sns:Publish'],
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${Aws.ACCOUNT_ID}:alarm:*` },
    },
  }));
  for (const email of emails) topic.addSubscription(new subs.EmailSubscription(email));
  return topic;
}

/** The ARN of the alarm topic of `region` (deterministic, so another stack of the region needs no export). */
export function alarmTopicArn(region: string, deployment: string): string {
  return `arn:${Aws.PARTITION}:sns:${region}:${Aws.ACCOUNT_ID}:${alarmTopicName(deployment)}`;
}

/**
 * Gives every CloudWatch alarm (metric or composite) of a stack an action to
 * its region's topic and a description that names the runbook section. An
 * aspect, so alarms created after the monitoring construct — by the
 * runbook, by the user — are routed too.
 */
export class RouteAlarms implements IAspect {
  private readonly done = new WeakSet<IConstruct>();

  constructor(
    private readonly topicOf: (stack: Stack) => sns.ITopic | undefined,
    private readonly runbook: string | undefined,
    private readonly docsUrl: string,
  ) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm || node instanceof cloudwatch.CompositeAlarm) || this.done.has(node)) return;
    this.done.add(node);
    const topic = this.topicOf(Stack.of(node));
    if (!topic) return;
    node.addAlarmAction(new actions.SnsAction(topic));
    const cfn = node.node.defaultChild as cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm;
    const original = typeof cfn.alarmDescription === 'string' ? cfn.alarmDescription : undefined;
    cfn.alarmDescription = describeWithGuide(original, guideFor(node.node.id), this.runbook, this.docsUrl);
  }
}
