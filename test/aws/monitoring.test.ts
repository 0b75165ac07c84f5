import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeploymentMonitoring, GlobalRouter } from '../../lib/aws';
import { ACCOUNT, errorOf, topo } from './helpers';
import { alarmsOf, dashboards, flat } from './monitoring-helpers';

describe('DeploymentMonitoring: bad input, each with its message', () => {
  test('an e-mail that is not an address', () => {
    const t = topo({ phase: 2 });
    expect(errorOf(() => new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', {
      primary: t.primary, replicas: t.replicas, alarmEmails: ['oncall@example.com', 'oncall at example.com'],
    }))).toBe("DeploymentMonitoring 'Primary/Monitoring': alarmEmails[1] 'oncall at example.com' is not an e-mail address; give an address such as 'oncall@example.com'");
  });

  test('own topics without one for a region that hosts alarms (an alarm can only notify a topic of its own region)', () => {
    const t = topo({ phase: 2 });
    const topic = sns.Topic.fromTopicArn(Stack.of(t.primary), 'Mine', `arn:aws:sns:us-east-1:${ACCOUNT}:mine`);
    expect(errorOf(() => new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', {
      primary: t.primary, replicas: t.replicas, alarmTopics: { 'us-east-1': topic },
    }))).toBe("DeploymentMonitoring 'Primary/Monitoring': alarmTopics has no topic for ['eu-west-1'] (it has ['us-east-1']); an alarm can notify only a topic in its own region; give a topic for every region that hosts alarms: ['us-east-1', 'eu-west-1']");
  });

  test('e-mails together with own topics', () => {
    const t = topo({ phase: 2 });
    const mine = (region: string) => sns.Topic.fromTopicArn(Stack.of(t.primary), `Mine-${region}`, `arn:aws:sns:${region}:${ACCOUNT}:mine`);
    expect(errorOf(() => new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', {
      primary: t.primary, replicas: t.replicas, alarmTopics: { 'us-east-1': mine('us-east-1'), 'eu-west-1': mine('eu-west-1') }, alarmEmails: ['oncall@example.com'],
    }))).toBe("DeploymentMonitoring 'Primary/Monitoring': alarmEmails ['oncall@example.com'] is given with alarmTopics, whose subscriptions are yours; subscribe the addresses to your own topics, or leave alarmTopics out to let this construct create the topics");
  });

  test('the router in another stack than the dashboard', () => {
    const t = topo({ phase: 2 });
    const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
    expect(errorOf(() => new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', { primary: t.primary, replicas: t.replicas, router })))
      .toBe("DeploymentMonitoring 'Primary/Monitoring': the router is in the stack 'Routing' but this construct is in 'Primary'; create the DeploymentMonitoring in the router's stack (it deploys after every database stack, and the dashboard shows its health checks)");
  });

  test('a widget over CloudWatch\'s 500 metrics per widget', () => {
    const t = topo({ phase: 2 });
    const m = new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', { primary: t.primary, replicas: t.replicas });
    const metrics = Array.from({ length: 501 }, (_, i) => new cloudwatch.Metric({ namespace: 'App', metricName: `M${i}` }));
    expect(errorOf(() => m.addWidgets(new cloudwatch.GraphWidget({ left: metrics }))))
      .toBe("DeploymentMonitoring 'Primary/Monitoring': a widget has 501 metrics; CloudWatch allows 500 per dashboard widget (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html); split it into widgets of 500 metrics or fewer");
    // 500 is within the quota.
    m.addWidgets(new cloudwatch.GraphWidget({ left: metrics.slice(0, 500) }));
  });
});

describe('DeploymentMonitoring: dashboards split at CloudWatch\'s quotas', () => {
  /** The widgets and metrics of the deployment's own dashboard (phase 2, two regions). */
  function own(): { widgets: number; metrics: number } {
    const t = topo({ phase: 2 });
    new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', { primary: t.primary, replicas: t.replicas });
    const widgets = dashboards(Template.fromStack(Stack.of(t.primary)))['orders-overview'];
    return { widgets: widgets.length, metrics: widgets.reduce((n, w) => n + (w.properties.metrics?.length ?? 0), 0) };
  }

  test('past 500 widgets, the next widgets go to <name>-2', () => {
    const base = own();
    expect(base.widgets).toBeGreaterThan(0);
    const t = topo({ phase: 2 });
    const stack = Stack.of(t.primary);
    const m = new DeploymentMonitoring(stack, 'Monitoring', { primary: t.primary, replicas: t.replicas });
    m.addWidgets(...Array.from({ length: 500 - base.widgets + 3 }, (_, i) => new cloudwatch.TextWidget({ markdown: `note ${i}` })));
    const all = dashboards(Template.fromStack(stack));
    expect(Object.keys(all)).toEqual(['orders-overview', 'orders-overview-2']);
    expect(all['orders-overview']).toHaveLength(500);
    expect(all['orders-overview-2']).toHaveLength(3);
    expect(m.dashboards.map((d) => d.node.id)).toEqual(['Dashboard', 'Dashboard2']);
  });

  test('past 2,500 metrics on one dashboard, a widget that would cross it goes to <name>-2', () => {
    const base = own();
    const t = topo({ phase: 2 });
    const stack = Stack.of(t.primary);
    const m = new DeploymentMonitoring(stack, 'Monitoring', { primary: t.primary, replicas: t.replicas });
    const widget = (k: number) => new cloudwatch.GraphWidget({ left: Array.from({ length: 500 }, (_, i) => new cloudwatch.Metric({ namespace: 'App', metricName: `W${k}M${i}` })) });
    m.addWidgets(widget(1), widget(2), widget(3), widget(4), widget(5));
    const all = dashboards(Template.fromStack(stack));
    const count = (name: string) => all[name].reduce((n, w) => n + (w.properties.metrics?.length ?? 0), 0);
    expect(Object.keys(all)).toEqual(['orders-overview', 'orders-overview-2']);
    expect(count('orders-overview')).toBeLessThanOrEqual(2500);
    expect(count('orders-overview') + count('orders-overview-2')).toBe(2500 + base.metrics);
    // Four widgets of 500 fit with the deployment's own metrics; the fifth would cross 2,500.
    expect(count('orders-overview-2')).toBe(500);
  });
});

describe('DeploymentMonitoring: own topics, e-mails, thresholds', () => {
  test('alarms notify the given topic of their region; no topic is created', () => {
    const t = topo({ phase: 2 });
    const mine = (region: string) => sns.Topic.fromTopicArn(Stack.of(t.primary), `Mine-${region}`, `arn:aws:sns:${region}:${ACCOUNT}:oncall-${region}`);
    new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', {
      primary: t.primary, replicas: t.replicas, alarmTopics: { 'us-east-1': mine('us-east-1'), 'eu-west-1': mine('eu-west-1') },
    });
    for (const [stack, region] of [[Stack.of(t.primary), 'us-east-1'], [Stack.of(t.replicas[0]), 'eu-west-1']] as const) {
      const tpl = Template.fromStack(stack);
      tpl.resourceCountIs('AWS::SNS::Topic', 0);
      for (const a of alarmsOf(tpl)) expect(a.actions).toEqual([`arn:aws:sns:${region}:${ACCOUNT}:oncall-${region}`]);
    }
  });

  test('e-mail subscriptions on every region\'s topic', () => {
    const t = topo({ phase: 2 });
    new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', { primary: t.primary, replicas: t.replicas, alarmEmails: ['oncall@example.com'] });
    for (const stack of [Stack.of(t.primary), Stack.of(t.replicas[0])]) {
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    }
  });

  test('lagThreshold and rpo reach the composite\'s description and the dashboard annotations', () => {
    const t = topo({ phase: 2 });
    new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', {
      primary: t.primary, replicas: t.replicas, lagThreshold: Duration.seconds(5), rpo: Duration.seconds(20),
    });
    const tpl = Template.fromStack(Stack.of(t.primary));
    const body = flat(Object.values(tpl.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('{"value":20000,"label":"declared RPO 20 s"');
    expect(alarmsOf(Template.fromStack(Stack.of(t.replicas[0]))).find((a) => a.name === 'orders-eu-west-1-degraded')!.description)
      .toMatch(/^Region eu-west-1 of orders is degraded: replication into eu-west-1 lags over 5 s/);
  });
});

describe('metric and alarm helpers on the regions', () => {
  test('metricCpu / metricConnections / metricCommitLatency / metricWriterRole: the cluster\'s metrics in its own region', () => {
    const t = topo({ phase: 2 });
    const r = t.replicas[0];
    const json = (m: cloudwatch.IMetric) => m.toMetricConfig().metricStat!;
    expect(json(t.primary.metricCpu())).toMatchObject({ namespace: 'AWS/RDS', metricName: 'CPUUtilization', statistic: 'Average', region: 'us-east-1', dimensions: [{ name: 'DBClusterIdentifier', value: 'orders-us-east-1' }] });
    expect(json(r.metricConnections())).toMatchObject({ metricName: 'DatabaseConnections', statistic: 'Sum', region: 'eu-west-1', dimensions: [{ name: 'DBClusterIdentifier', value: 'orders-eu-west-1' }] });
    expect(json(r.metricCommitLatency({ period: Duration.minutes(5) }))).toMatchObject({ metricName: 'CommitLatency', period: Duration.minutes(5) });
    expect(json(t.primary.metricWriterRole())).toMatchObject({ metricName: 'CPUUtilization', statistic: 'SampleCount', dimensions: [{ name: 'DBClusterIdentifier', value: 'orders-us-east-1' }, { name: 'Role', value: 'WRITER' }] });
    expect(json(t.primary.metricReplicatedWriteIo('eu-west-1'))).toMatchObject({ metricName: 'AuroraGlobalDBReplicatedWriteIO', region: 'eu-west-1', dimensions: [{ name: 'DBClusterIdentifier', value: 'orders-eu-west-1' }] });
    expect(json(r.metricDataTransfer())).toMatchObject({ metricName: 'AuroraGlobalDBDataTransferBytes', region: 'eu-west-1' });
  });

  test('alarmCpu / alarmCommitLatency: an alarm in the region\'s stack, with a description', () => {
    const t = topo({ phase: 2 });
    t.replicas[0].alarmCpu('HighCpu', { threshold: 80 });
    t.primary.alarmCommitLatency('SlowCommits', { threshold: 50, evaluationPeriods: 3, datapointsToAlarm: 2 });
    const stat = (name: string) => Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: name }) }) })]);
    Template.fromStack(Stack.of(t.replicas[0])).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: stat('CPUUtilization'), Threshold: 80, EvaluationPeriods: 5, DatapointsToAlarm: 3, AlarmDescription: 'CPU of orders-eu-west-1 (percent) is above 80',
    });
    Template.fromStack(Stack.of(t.primary)).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: stat('CommitLatency'), Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 2,
    });
  });

  test('alarms added after the monitoring construct are routed too (an aspect)', () => {
    const t = topo({ phase: 2 });
    new DeploymentMonitoring(Stack.of(t.primary), 'Monitoring', { primary: t.primary, replicas: t.replicas });
    t.replicas[0].alarmCpu('HighCpu', { threshold: 80 });
    const tpl = Template.fromStack(Stack.of(t.replicas[0]));
    const cpu = alarmsOf(tpl).find((a) => a.id.startsWith('DatabaseHighCpu'))!;
    expect(cpu.actions).toEqual([expect.stringMatching(/^<Ref AlarmTopiceuwest1Topic\w+>$/)]);
    expect(cpu.description).toMatch(/^CPU of orders-eu-west-1 \(percent\) is above 80 Runbook: https:\/\/\S+#other-alarms$/);
  });
});
