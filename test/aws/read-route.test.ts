import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverRunbook, GlobalRouter, GlobalRouterProps, PrimaryRegion, ReadReplicaRegion, RouterTarget } from '../../lib/aws';
import { Route53Model } from './route53-model';
import { ACCOUNT, completePhase, contextFile, errorOf, Topo, topo } from './helpers';

const READ = 'read.example.com.';

function router(t: Topo, over: Partial<GlobalRouterProps> = {}): GlobalRouter {
  return completePhase(t, new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, ...over }));
}

describe('the read route drops a region whose replication lags (phase 4)', () => {
  let t: Topo;
  let r: GlobalRouter;
  let routing: Template;
  let model: Route53Model;

  beforeAll(() => {
    t = topo({ phase: 4, replicas: { 'eu-west-1': 1, 'ap-southeast-2': 1 } });
    r = router(t);
    routing = Template.fromStack(t.routing);
    model = new Route53Model(routing);
  });

  test('every read record needs its endpoint AND its lag alarm — the writer\'s too, which is a secondary after a switchover or failover', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      expect(model.recordsReading(`${region}/orders-${region}-read-lag`)).toEqual([`read-${region}`]);
    }
    // The writer publishes no replication lag: its alarm stays OK (missing data is not breaching), so its reads stay in.
    Template.fromStack(Stack.of(t.primary)).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-us-east-1-read-lag',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-us-east-1' }],
      TreatMissingData: 'notBreaching',
    });
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Name: 'orders-eu-west-1-read-lag', Region: 'eu-west-1' },
        InsufficientDataHealthStatus: 'LastKnownStatus',
      },
    });
  });

  test('a lagging region leaves the read set and comes back when it catches up; an application outage still counts', () => {
    const all = ['read-us-east-1', 'read-eu-west-1', 'read-ap-southeast-2'];
    expect(model.healthyLatencyRecords(READ, { alarms: {} }).sort()).toEqual(all.sort());
    expect(model.healthyLatencyRecords(READ, { alarms: { 'eu-west-1/orders-eu-west-1-read-lag': 'ALARM' } }).sort())
      .toEqual(['read-ap-southeast-2', 'read-us-east-1']);
    expect(model.healthyLatencyRecords(READ, { alarms: { 'eu-west-1/orders-eu-west-1-read-lag': 'OK' } }).sort()).toEqual(all.sort());
    expect(model.healthyLatencyRecords(READ, { alarms: {}, downEndpoints: ['app.ap-southeast-2.example.com'] }).sort())
      .toEqual(['read-eu-west-1', 'read-us-east-1']);
  });

  test('the lag alarm lives in the secondary\'s region: 2 of 2 one-minute maxima above the threshold; no data is not breaching (a promoted secondary publishes none)', () => {
    for (const replica of t.replicas) {
      Template.fromStack(Stack.of(replica)).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `orders-${replica.region}-read-lag`,
        Namespace: 'AWS/RDS',
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: `orders-${replica.region}` }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 30000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
    }
    expect(t.routing.dependencies).toEqual(expect.arrayContaining(t.replicas.map((x) => Stack.of(x))));
  });

  test('the staleness bound: threshold + the alarm\'s 2 periods + Route 53 + TTL', () => {
    expect(r.readStalenessBoundSeconds).toBe(30 + 120 + 30 + 60);
  });
});

describe('read-lag threshold and limits', () => {
  test('defaults to each secondary\'s lag alarm threshold; readLagThreshold overrides it', () => {
    const app = new App({ context: contextFile() });
    const p = new PrimaryRegion(new Stack(app, 'P', { env: { account: ACCOUNT, region: 'us-east-1' } }), 'Db', {
      replicaRegions: ['eu-west-1'], phase: 4, globalClusterIdentifier: 'shop',
    });
    const rep = new ReadReplicaRegion(new Stack(app, 'R', { env: { account: ACCOUNT, region: 'eu-west-1' } }), 'Db', {
      primary: p, replicationLagAlarmThreshold: Duration.seconds(45),
    });
    const routing = new Stack(app, 'Routing', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const zone = route53.HostedZone.fromHostedZoneAttributes(routing, 'Zone', { hostedZoneId: 'Z9', zoneName: 'example.com' });
    const endpoints = ['us-east-1', 'eu-west-1'].map((region) => ({ region, target: RouterTarget.fromHostname(`${region}.example.com`) }));
    const r = new GlobalRouter(routing, 'Router', { zone, primary: p, replicas: [rep], endpoints });
    new FailoverRunbook(routing, 'Runbook', { primary: p, replicas: [rep], router: r, engine: 'stepfunctions', writeRunbook: false });
    Template.fromStack(Stack.of(rep)).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-eu-west-1-read-lag', Threshold: 45000 });
    expect(r.readStalenessBoundSeconds).toBe(45 + 210);

    const t = topo({ phase: 4 });
    const r2 = router(t, { readLagThreshold: Duration.seconds(10) });
    Template.fromStack(Stack.of(t.replicas[0])).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-eu-west-1-read-lag', Threshold: 10000 });
    expect(r2.readStalenessBoundSeconds).toBe(220);
  });

  test('phase 3 has no read route and no read-lag alarm', () => {
    const t = topo({ phase: 3 });
    router(t);
    Template.fromStack(Stack.of(t.replicas[0])).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('read-lag') }, 0);
  });

  test('a secondary in a region Route 53 cannot read alarms from is refused from the read route', () => {
    const t = topo({ phase: 4, replicas: { 'eu-west-1': 1, 'me-west-1': 1 } });
    expect(errorOf(() => router(t, { writeRoute: false, healthCheckAlarms: false }))).toBe(
      "GlobalRouter 'Routing/Router': readRegions (default) includes 'me-west-1': the read route checks its replication lag through a Route 53 health check on a CloudWatch alarm there, "
      + "and Route 53 does not read alarms in 'me-west-1' (https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html); list readRegions without 'me-west-1', so its stale reads are never served",
    );
  });
});
