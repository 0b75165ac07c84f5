import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { DeploymentMonitoring, LadderDeployment } from '../../lib/aws';
import { exampleContext } from './helpers';
import { alarmsOf, dashboards, metricsOf } from './monitoring-helpers';

/**
 * Every example phase 2+ has its dashboard and routed alarms: the widgets'
 * metrics, the alarms' actions (a topic in the alarm's own region) and
 * descriptions (a runbook section), the composite "region R degraded" rules.
 */
describe('AWS examples phases 2-4: dashboard and routed alarms', () => {
  let app: App;
  const stacks: Record<number, Stack[]> = {};
  const monitoring: Record<number, DeploymentMonitoring> = {};
  const templates: Record<string, Template> = {};

  beforeAll(() => {
    app = new App({ context: exampleContext() });
    const p2: LadderDeployment = buildPhase2(app);
    const p3 = buildPhase3(app);
    const p4 = buildPhase4(app);
    stacks[2] = [p2.primaryStack, ...p2.replicaStacks];
    stacks[3] = [p3.ladder.primaryStack, ...p3.ladder.replicaStacks, p3.routingStack];
    stacks[4] = [p4.ladder.primaryStack, ...p4.ladder.replicaStacks, p4.routingStack];
    monitoring[2] = p2.primaryStack.node.findChild('Monitoring') as DeploymentMonitoring;
    monitoring[3] = p3.monitoring;
    monitoring[4] = p4.monitoring;
    for (const s of Object.values(stacks).flat()) templates[s.stackName] = Template.fromStack(s);
  });

  test.each([
    [2, 'Phase2-us-east-1'], [3, 'Phase3-Routing'], [4, 'Phase4-Routing'],
  ])('phase %d: one dashboard, in %s (us-east-1, the origin region)', (phase, stackName) => {
    const all = Object.values(stacks[phase]).flatMap((s) => Object.keys(dashboards(templates[s.stackName])));
    expect(all).toEqual([`phase${phase}-global-overview`]);
    expect(Object.keys(dashboards(templates[stackName]))).toEqual([`phase${phase}-global-overview`]);
    expect(monitoring[phase].dashboards.map((d) => Stack.of(d).stackName)).toEqual([stackName]);
  });

  test.each([2, 3, 4])('phase %d: writer signal, replication and RPO lag, write I/O, CPU/connections/commit latency per region', (phase) => {
    const stackName = phase === 2 ? 'Phase2-us-east-1' : `Phase${phase}-Routing`;
    const widgets = dashboards(templates[stackName])[`phase${phase}-global-overview`];
    const byTitle = (start: string) => {
      const w = widgets.find((x) => x.properties.title?.startsWith(start));
      if (!w) throw new Error(`no widget titled ${start}…: ${widgets.map((x) => x.properties.title).join(' | ')}`);
      return w;
    };
    const cluster = (r: string) => `phase${phase}-global-${r}`;
    const both = (ns: string, m: string, extra = '') => ['us-east-1', 'eu-west-1'].map((r) => `${ns} ${m} DBClusterIdentifier=${cluster(r)}${extra} @${r}`);
    expect(metricsOf(byTitle('Writer now'))).toEqual(both('AWS/RDS', 'CPUUtilization', ' Role=WRITER'));
    expect(metricsOf(byTitle('AuroraGlobalDBReplicationLag'))).toEqual(both('AWS/RDS', 'AuroraGlobalDBReplicationLag'));
    expect(metricsOf(byTitle('AuroraGlobalDBRPOLag'))).toEqual(both('AWS/RDS', 'AuroraGlobalDBRPOLag'));
    expect(metricsOf(byTitle('Replicated write I/O'))).toEqual([
      ...both('AWS/RDS', 'AuroraGlobalDBReplicatedWriteIO'), ...both('AWS/RDS', 'AuroraGlobalDBDataTransferBytes')]);
    expect(metricsOf(byTitle('CPU per region'))).toEqual(both('AWS/RDS', 'CPUUtilization'));
    expect(metricsOf(byTitle('Database connections'))).toEqual(both('AWS/RDS', 'DatabaseConnections'));
    expect(metricsOf(byTitle('Commit latency'))).toEqual(both('AWS/RDS', 'CommitLatency'));
    // The declared RPO (30 s in phases 3 and 4; none in phase 2) as a horizontal line.
    expect(byTitle('AuroraGlobalDBRPOLag').properties.annotations?.horizontal ?? []).toEqual(phase === 2 ? [] : [
      expect.objectContaining({ value: 30_000, label: 'declared RPO 30 s' }),
    ]);
    expect(byTitle('AuroraGlobalDBReplicationLag').properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 30_000 })]);
    // Route 53, runbook and edge widgets only where the phase has them.
    const titles = widgets.map((w) => w.properties.title ?? '');
    expect(titles.some((t) => t.startsWith('Route 53 health check'))).toBe(phase >= 3);
    expect(titles.some((t) => t.startsWith('Runbook executions'))).toBe(phase === 4);
    expect(titles.some((t) => t.startsWith('Edge router'))).toBe(phase === 4);
  });

  test('phase 3: Route 53 HealthCheckStatus per endpoint in us-east-1; the text links the runbook and names the Region switch plan', () => {
    const widgets = dashboards(templates['Phase3-Routing'])['phase3-global-overview'];
    const hc = widgets.find((w) => w.properties.title?.startsWith('Route 53 health check'))!;
    expect(metricsOf(hc)).toEqual([
      expect.stringMatching(/^AWS\/Route53 HealthCheckStatus HealthCheckId=<Ref RouterHealthCheckuseast1\w+> @us-east-1$/),
      expect.stringMatching(/^AWS\/Route53 HealthCheckStatus HealthCheckId=<Ref RouterHealthCheckeuwest1\w+> @us-east-1$/),
    ]);
    const text = widgets.find((w) => w.type === 'text')!.properties.markdown!;
    expect(text).toContain('[Failover runbook](runbooks/phase3-global.md)');
    expect(text).toContain('Region switch plan: `phase3-global`');
  });

  test('phase 4: Step Functions executions of both regions, CloudFront 4xx/5xx/latency of the edge router', () => {
    const widgets = dashboards(templates['Phase4-Routing'])['phase4-global-overview'];
    const sfn = widgets.filter((w) => w.properties.title?.startsWith('Runbook executions')).flatMap(metricsOf);
    for (const region of ['us-east-1', 'eu-west-1']) {
      for (const m of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']) {
        for (const kind of ['switchover', 'failover']) {
          expect(sfn).toContain(`AWS/States ${m} StateMachineArn=arn:<Ref AWS::Partition>:states:${region}:<Ref AWS::AccountId>:stateMachine:phase4-global-${kind} @${region}`);
        }
      }
    }
    const edge = widgets.filter((w) => w.properties.title?.startsWith('Edge router')).flatMap(metricsOf);
    expect(edge.map((m) => m.replace(/<Ref \w+>/, '<dist>'))).toEqual([
      'AWS/CloudFront Requests DistributionId=<dist> Region=Global @us-east-1',
      'AWS/CloudFront 4xxErrorRate DistributionId=<dist> Region=Global @us-east-1',
      'AWS/CloudFront 5xxErrorRate DistributionId=<dist> Region=Global @us-east-1',
      'AWS/CloudFront OriginLatency DistributionId=<dist> Region=Global @us-east-1',
    ]);
  });

  test.each([2, 3, 4])('phase %d: every alarm notifies the alarm topic of its own region and names where to look', (phase) => {
    let count = 0;
    for (const s of stacks[phase]) {
      const t = templates[s.stackName];
      const topics = Object.keys(t.findResources('AWS::SNS::Topic', { Properties: { TopicName: `phase${phase}-global-alarms` } }));
      for (const a of alarmsOf(t)) {
        count++;
        const expected = topics.length === 1
          ? `<Ref ${topics[0]}>`
          // A stack without the region's topic (the routing stack) uses its deterministic ARN.
          : `arn:<Ref AWS::Partition>:sns:${s.region}:<Ref AWS::AccountId>:phase${phase}-global-alarms`;
        expect({ id: a.id, actions: a.actions }).toEqual({ id: a.id, actions: expect.arrayContaining([expected]) });
        expect(a.description).toMatch(phase === 2
          ? /Runbook: https:\/\/\S+\/docs\/monitoring\.md#[a-z-]+$/
          : new RegExp(`Runbook: runbooks/phase${phase}-global\\.md#[a-z-]+ \\(section "[A-Za-z ]+"\\); alarm explained: https://\\S+/docs/monitoring\\.md#[a-z-]+$`));
      }
    }
    expect(count).toBeGreaterThanOrEqual(phase === 2 ? 6 : 12);
  });

  test.each([2, 3, 4])('phase %d: an encrypted, SSL-only alarm topic per database region, deterministic name, region-keyed logical id', (phase) => {
    for (const [stackName, id] of [[`Phase${phase}-us-east-1`, 'AlarmTopicuseast1Topic'], [`Phase${phase}-eu-west-1`, 'AlarmTopiceuwest1Topic']]) {
      const t = templates[stackName];
      const topics = t.findResources('AWS::SNS::Topic', { Properties: { TopicName: `phase${phase}-global-alarms` } });
      expect(Object.keys(topics)).toEqual([expect.stringMatching(new RegExp(`^${id}[0-9A-F]{8}$`))]);
      expect(Object.values(topics)[0]).toEqual(expect.objectContaining({ Properties: expect.objectContaining({ KmsMasterKeyId: expect.anything() }) }));
      t.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] })]) },
      });
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]) },
      });
    }
    if (phase >= 3) expect(Object.keys(templates[`Phase${phase}-Routing`].findResources('AWS::SNS::Topic'))).toEqual([]);
  });

  test.each([2, 3, 4])('phase %d: "region R degraded" in every region, from alarms of that region only', (phase) => {
    const composite = (stackName: string, region: string) => {
      const found = alarmsOf(templates[stackName]).filter((a) => a.name === `phase${phase}-global-${region}-degraded`);
      expect(found).toHaveLength(1);
      return found[0];
    };
    // us-east-1: in the monitoring stack; with a router, its us-east-1 endpoint's health check joins.
    const east = composite(phase === 2 ? 'Phase2-us-east-1' : `Phase${phase}-Routing`, 'us-east-1');
    expect(east.rule).toMatch(phase === 2
      ? /^\(ALARM\("<GetAtt DatabaseReplicationLagAlarm\w+\.Arn>"\) OR ALARM\("<GetAtt RegionHealthuseast1WriterMissingAlarm\w+\.Arn>"\)\)$/
      : /^\(ALARM\("<GetAtt RouterHealthCheckAlarmuseast1\w+\.Arn>"\) OR ALARM\("<GetAtt RegionHealthuseast1LagAlarm\w+\.Arn>"\) OR ALARM\("<GetAtt RegionHealthuseast1WriterMissingAlarm\w+\.Arn>"\)\)$/);
    // eu-west-1: in its database stack (a composite alarm watches only alarms of its own Region).
    const west = composite(`Phase${phase}-eu-west-1`, 'eu-west-1');
    expect(west.rule).toMatch(/^\(ALARM\("<GetAtt DatabaseReplicationLagAlarm\w+\.Arn>"\) OR ALARM\("<GetAtt RegionHealtheuwest1WriterMissingAlarm\w+\.Arn>"\)\)$/);
    expect(west.description).toMatch(/^Region eu-west-1 of phase\d-global is degraded: replication into eu-west-1 lags over 30 s, or the cluster in eu-west-1 neither writes nor replicates \(writer missing\)\. Runbook: /);
  });

  test('the writer-missing alarm is role-free: writer-role OR replication data points, missing data breaching', () => {
    const t = templates['Phase3-eu-west-1'];
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'phase3-global-eu-west-1-no-writer-no-replication',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(w, 0) + FILL(l, 0)' }),
        Match.objectLike({ Id: 'w', MetricStat: Match.objectLike({ Stat: 'SampleCount', Metric: Match.objectLike({ MetricName: 'CPUUtilization', Dimensions: Match.arrayWith([{ Name: 'Role', Value: 'WRITER' }]) }) }) }),
        Match.objectLike({ Id: 'l', MetricStat: Match.objectLike({ Stat: 'SampleCount', Metric: Match.objectLike({ MetricName: 'AuroraGlobalDBReplicationLag' }) }) }),
      ]),
    });
  });
});
