import { Aspects, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../core';
import { FailoverRunbook } from './failover-runbook';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { alarmTopicArn, createAlarmTopic, RouteAlarms } from './private/alarm-routing';
import { DASHBOARD_LIMITS, DashboardPage, placeWidget, widgetMetricCount } from './private/dashboard-limits';
import { deploymentWidgets, MonitoredRegion } from './private/dashboard-widgets';
import { createRegionDegradedAlarms } from './private/region-degraded';

export type { RegionAlarmOptions, RegionMetricOptions } from './private/aurora-metrics';

/** Properties of {@link DeploymentMonitoring}. */
export interface DeploymentMonitoringProps {
  /** The origin region's database. */
  readonly primary: PrimaryRegion;
  /**
   * The secondaries.
   * @default [] (a single region)
   */
  readonly replicas?: readonly ReadReplicaRegion[];
  /**
   * The Route 53 router: health-check status per endpoint on the dashboard,
   * its health-check alarms in "region R degraded". The monitoring construct
   * must then be in the router's stack (the router's stack deploys after the
   * database stacks; the dashboard shows its health-check ids).
   * @default - no routing widgets
   */
  readonly router?: GlobalRouter;
  /**
   * The failover runbook: its Step Functions executions (or its Region switch
   * plan) on the dashboard, and the runbook file every alarm description
   * points into.
   * @default - no runbook widgets; alarm descriptions point to docs/monitoring.md
   */
  readonly runbook?: FailoverRunbook;
  /**
   * Where the on-call engineer opens the generated runbook (a URL or a path
   * in your repository); alarm descriptions append `#<section>`.
   * @default `runbooks/<runbook file>` (as written to cdk.out)
   */
  readonly runbookUrl?: string;
  /**
   * Where docs/monitoring.md of this library is read.
   * @default 'https://github.com/multiregion-constructs/multiregion-constructs/blob/main/docs/monitoring.md'
   */
  readonly docsUrl?: string;
  /**
   * Name of the dashboard (dashboards are global in an account: unique per
   * account); a split dashboard adds `-2`, `-3`…
   * @default `<global cluster identifier>-overview`
   */
  readonly dashboardName?: string;
  /**
   * Your own SNS topics, one per region that hosts alarms (each database
   * region, and the region of this construct's stack): an alarm's action must
   * be a topic in the alarm's own region. Mutually exclusive with `alarmEmails`.
   * @default one encrypted topic per region, named `<global cluster identifier>-alarms`
   */
  readonly alarmTopics?: Readonly<Record<string, sns.ITopic>>;
  /**
   * E-mail addresses subscribed to every region's alarm topic (each address
   * confirms each subscription once).
   * @default [] (no subscription)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Replication lag over this makes "region R degraded".
   * @default each region's replicationLagThreshold (30 s)
   */
  readonly lagThreshold?: Duration;
  /**
   * The declared RPO, drawn as a horizontal line on the RPO-lag graph.
   * @default the primary's recoveryObjectives.rpoSeconds, if declared
   */
  readonly rpo?: Duration;
}

const DEFAULT_DOCS = 'https://github.com/multiregion-constructs/multiregion-constructs/blob/main/docs/monitoring.md';
/** A plain e-mail address (local@domain.tld), as SNS's email protocol needs. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * One screen and somewhere for alarms to go, for a whole multi-region
 * deployment: a CloudWatch dashboard (writer region now, replication and RPO
 * lag per secondary against the declared RPO, replicated write I/O and
 * transfer, CPU / connections / commit latency per region, Route 53
 * health-check status per endpoint, runbook executions, the edge router),
 * an alarm topic per region (encrypted, deterministic name), a composite
 * "region R degraded" alarm per region, and an action plus a runbook pointer
 * on every alarm of the deployment's stacks.
 *
 * Works with any deployment built from {@link PrimaryRegion} and
 * {@link ReadReplicaRegion}; add your own widgets with {@link addWidgets}.
 */
export class DeploymentMonitoring extends Construct {
  /** The dashboards (one, or more when the widgets exceed one dashboard's quotas). */
  public readonly dashboards: cloudwatch.Dashboard[] = [];
  /** The alarm topic of each region that hosts alarms. */
  public readonly alarmTopics: Readonly<Record<string, sns.ITopic>>;
  /** "Region R degraded", by region. */
  public readonly regionDegradedAlarms: Readonly<Record<string, cloudwatch.CompositeAlarm>>;
  /** Name of the first dashboard. */
  public readonly dashboardName: string;
  private readonly pages: DashboardPage[] = [];

  constructor(scope: Construct, id: string, props: DeploymentMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = { construct: 'DeploymentMonitoring', path: this.node.path };
    const primary = props.primary;
    const replicas = props.replicas ?? [];
    const deployment = primary.globalClusterIdentifier ?? primary.clusterIdentifier;
    const emails = props.alarmEmails ?? [];
    const problems: ConfigProblem[] = [];
    emails.forEach((email, i) => {
      if (typeof email !== 'string' || !EMAIL.test(email)) {
        problems.push({ property: `alarmEmails[${i}]`, message: `alarmEmails[${i}] ${show(email)} is not an e-mail address`, fix: "give an address such as 'oncall@example.com'" });
      }
    });
    if (props.alarmTopics && emails.length > 0) {
      problems.push({ property: 'alarmEmails', message: `alarmEmails ${show(emails)} is given with alarmTopics, whose subscriptions are yours`, fix: 'subscribe the addresses to your own topics, or leave alarmTopics out to let this construct create the topics' });
    }
    for (const other of [props.router, props.runbook]) {
      if (other && Stack.of(other) !== stack) {
        problems.push({
          property: other === props.router ? 'router' : 'runbook',
          message: `the ${other === props.router ? 'router' : 'runbook'} is in the stack '${Stack.of(other).stackName}' but this construct is in '${stack.stackName}'`,
          fix: "create the DeploymentMonitoring in the router's stack (it deploys after every database stack, and the dashboard shows its health checks)",
        });
      }
    }
    if (Token.isUnresolved(stack.region)) {
      problems.push({ property: 'env.region', message: `env.region is not set on the stack '${stack.stackName}'`, fix: "create the stack with env: { region: 'us-east-1' }" });
    }
    const dbStacks = [Stack.of(primary), ...replicas.map((r) => Stack.of(r))];
    const hostRegions = [...new Set([...dbStacks.map((s) => s.region), stack.region])];
    const missing = props.alarmTopics ? hostRegions.filter((r) => !props.alarmTopics![r]) : [];
    if (missing.length > 0) {
      problems.push({
        property: 'alarmTopics',
        message: `alarmTopics has no topic for ${show(missing)} (it has ${show(Object.keys(props.alarmTopics!))}); an alarm can notify only a topic in its own region`,
        fix: `give a topic for every region that hosts alarms: ${show(hostRegions)}`,
      });
    }
    throwIfProblems(source, problems);

    // One topic per region, owned by the first stack of the deployment in
    // that region (the database stack where there is one); any other stack of
    // the region refers to it by its deterministic ARN and deploys after it.
    const owners = new Map<string, Stack>();
    for (const s of [...dbStacks, stack]) if (!owners.has(s.region)) owners.set(s.region, s);
    const topics: Record<string, sns.ITopic> = {};
    const topicByStack = new Map<Stack, sns.ITopic>();
    for (const s of [...new Set([...dbStacks, stack])]) {
      const region = s.region;
      let topic = props.alarmTopics?.[region];
      if (!topic) {
        const owner = owners.get(region)!;
        if (owner === s) {
          topic = createAlarmTopic(new Construct(s, `AlarmTopic-${region}`), deployment, emails);
          topics[region] = topic;
        } else {
          topic = sns.Topic.fromTopicArn(s, `AlarmTopicRef-${region}`, alarmTopicArn(region, deployment));
          s.addStackDependency(owner, `the alarm topic of ${region} is created by ${owner.stackName}`);
        }
      } else {
        topics[region] = topic;
      }
      topicByStack.set(s, topic);
    }
    this.alarmTopics = topics;

    const regions: MonitoredRegion[] = [
      {
        region: primary.region, db: primary, lagThreshold: props.lagThreshold ?? primary.replicationLagThreshold,
        lagMetric: primary.globalClusterIdentifier ? primary.metricReplicationLag(primary.region) : undefined,
      },
      ...replicas.map((r) => ({ region: r.region, db: r, lagThreshold: props.lagThreshold ?? r.replicationLagThreshold, lagMetric: r.metricReplicationLag() })),
    ];
    this.regionDegradedAlarms = createRegionDegradedAlarms({
      monitoringStack: stack, deployment, regions, router: props.router,
    });

    const runbookUrl = props.runbook ? (props.runbookUrl ?? `runbooks/${props.runbook.runbookFileName}`) : undefined;
    const docsUrl = props.docsUrl ?? DEFAULT_DOCS;
    const route = new RouteAlarms((s) => topicByStack.get(s), runbookUrl, docsUrl);
    for (const s of topicByStack.keys()) Aspects.of(s).add(route);

    this.dashboardName = props.dashboardName ?? `${deployment}-overview`;
    const rpoSeconds = props.rpo?.toSeconds() ?? primary.topology.recoveryObjectives?.rpoSeconds;
    for (const widget of deploymentWidgets({
      deployment, regions, router: props.router, runbook: props.runbook,
      runbookUrl, docsUrl, rpoSeconds, dashboardRegion: stack.region,
    })) this.addWidgets(widget);
  }

  /**
   * Adds widgets (one row each) to the dashboard. A widget with more metrics
   * than CloudWatch allows in one widget is refused; when the dashboard would
   * exceed its widget or metric quota, the widget starts a new dashboard
   * (`<name>-2`…).
   */
  public addWidgets(...widgets: cloudwatch.IWidget[]): void {
    for (const widget of widgets) {
      const metrics = widgetMetricCount(widget);
      if (metrics > DASHBOARD_LIMITS.metricsPerWidget) {
        throwIfProblems({ construct: 'DeploymentMonitoring', path: this.node.path }, [{
          property: 'addWidgets',
          message: `a widget has ${metrics} metrics; CloudWatch allows ${DASHBOARD_LIMITS.metricsPerWidget} per dashboard widget (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)`,
          fix: `split it into widgets of ${DASHBOARD_LIMITS.metricsPerWidget} metrics or fewer`,
        }]);
      }
      const page = placeWidget(this.pages, widget, metrics);
      if (page === this.dashboards.length) {
        this.dashboards.push(new cloudwatch.Dashboard(this, page === 0 ? 'Dashboard' : `Dashboard${page + 1}`, {
          dashboardName: page === 0 ? this.dashboardName : `${this.dashboardName}-${page + 1}`,
          defaultInterval: Duration.hours(3),
        }));
      }
      this.dashboards[page].addWidgets(widget);
    }
  }
}
