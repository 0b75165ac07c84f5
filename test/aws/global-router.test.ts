import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { GlobalRouter, GlobalRouterProps, RouterTarget } from '../../lib/aws';
import { completePhase, errorOf, Topo, topo } from './helpers';

function router(t: Topo, over: Partial<GlobalRouterProps> = {}, id = 'Router'): GlobalRouter {
  const r = new GlobalRouter(t.routing, id, { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, ...over });
  return completePhase(t, r);
}


describe('GlobalRouter defaults (phase 3, us-east-1 → eu-west-1)', () => {
  let t: Topo;
  let r: GlobalRouter;
  let routing: Template;
  let primaryT: Template;
  let replicaT: Template;

  beforeAll(() => {
    t = topo();
    r = router(t);
    routing = Template.fromStack(t.routing);
    primaryT = Template.fromStack(Stack.of(t.primary));
    replicaT = Template.fromStack(Stack.of(t.replicas[0]));
  });

  test('HTTPS health check per region: 10 s, threshold 3, latency measured, SNI, /health, all checker regions', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      routing.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: `app.${region}.example.com`,
          Port: 443,
          ResourcePath: '/health',
          RequestInterval: 10,
          FailureThreshold: 3,
          MeasureLatency: true,
          EnableSNI: true,
          Regions: Match.absent(),
        },
      });
    }
  });

  test('write route: PRIMARY and SECONDARY failover records with region-named set identifiers and a 60 s TTL', () => {
    routing.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'write.example.com.', Type: 'CNAME', Failover: 'PRIMARY', SetIdentifier: 'write-us-east-1', TTL: '60',
      ResourceRecords: ['app.us-east-1.example.com'], HostedZoneId: 'Z123EXAMPLE',
    });
    routing.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'write.example.com.', Type: 'CNAME', Failover: 'SECONDARY', SetIdentifier: 'write-eu-west-1', TTL: '60',
    });
    expect(r.writeHostname).toBe('write.example.com');
    expect(r.standbyRegion).toBe('eu-west-1');
    expect(r.writeSetIdentifiers).toEqual({ 'us-east-1': 'write-us-east-1', 'eu-west-1': 'write-eu-west-1' });
  });

  test('the PRIMARY record needs its endpoint AND the writer there AND not in the standby (calculated check); SECONDARY needs its endpoint', () => {
    const checks = routing.findResources('AWS::Route53::HealthCheck');
    const id = (pred: (c: Record<string, unknown>) => boolean) => Object.keys(checks).find((k) => pred(checks[k].Properties.HealthCheckConfig))!;
    const endpointUs = id((c) => c.FullyQualifiedDomainName === 'app.us-east-1.example.com');
    const endpointEu = id((c) => c.FullyQualifiedDomainName === 'app.eu-west-1.example.com');
    const writerUs = id((c) => (c.AlarmIdentifier as { Region?: string } | undefined)?.Region === 'us-east-1');
    const notWriterEu = id((c) => (c.AlarmIdentifier as { Region?: string } | undefined)?.Region === 'eu-west-1' && c.Inverted === true);
    const calculated = id((c) => c.Type === 'CALCULATED');
    expect(checks[calculated].Properties.HealthCheckConfig).toEqual({
      Type: 'CALCULATED', HealthThreshold: 3, Inverted: false, ChildHealthChecks: [{ Ref: endpointUs }, { Ref: writerUs }, { Ref: notWriterEu }],
    });
    expect(checks[notWriterEu].Properties.HealthCheckConfig).toEqual({
      Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: 'orders-eu-west-1-not-writer', Region: 'eu-west-1' },
      InsufficientDataHealthStatus: 'Unhealthy', Inverted: true,
    });
    routing.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', HealthCheckId: { Ref: calculated } });
    routing.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'SECONDARY', HealthCheckId: { Ref: endpointEu } });
  });

  test('writer checks watch the writer-role alarm in each region; no data counts as unhealthy', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      routing.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: {
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Name: `orders-${region}-not-writer`, Region: region },
          InsufficientDataHealthStatus: 'Unhealthy',
        },
      });
    }
  });

  test('writer-role alarms live in the database stacks: OK only with WRITER data points', () => {
    for (const [tpl, region] of [[primaryT, 'us-east-1'], [replicaT, 'eu-west-1']] as const) {
      tpl.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `orders-${region}-not-writer`,
        Namespace: 'AWS/RDS',
        MetricName: 'CPUUtilization',
        Dimensions: Match.arrayWith([{ Name: 'DBClusterIdentifier', Value: `orders-${region}` }, { Name: 'Role', Value: 'WRITER' }]),
        Statistic: 'SampleCount',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
    expect(t.routing.dependencies).toEqual(expect.arrayContaining([Stack.of(t.primary), Stack.of(t.replicas[0])]));
  });

  test('an alarm on every endpoint health check status, in us-east-1', () => {
    routing.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus' }, 2);
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold',
    });
    expect(Object.keys(r.healthCheckAlarms)).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('phase 3 has no read route', () => {
    routing.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'read.example.com.' }, 0);
    expect(r.readHostname).toBeUndefined();
    expect(r.intervalSeconds * r.failureThreshold).toBe(30);
    expect(r.ttlSeconds).toBe(60);
  });
});

describe('GlobalRouter read route (phase 4)', () => {
  let t: Topo;
  let r: GlobalRouter;
  let routing: Template;

  beforeAll(() => {
    t = topo({ phase: 4, replicas: { 'eu-west-1': 1, 'ap-southeast-2': 0 } });
    r = router(t, { healthCheck: { interval: Duration.seconds(30), failureThreshold: 5, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], path: '/ready' } });
    routing = Template.fromStack(t.routing);
  });

  test('latency records to every region with readers; the headless secondary gets none', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      routing.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'read.example.com.', Type: 'CNAME', Region: region, SetIdentifier: `read-${region}`, TTL: '60', HealthCheckId: Match.anyValue(),
      });
    }
    routing.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'read.example.com.' }, 2);
    expect(r.readRegions).toEqual(['us-east-1', 'eu-west-1']);
    expect(r.readHostname).toBe('read.example.com');
  });

  test('30 s interval, custom threshold, checker regions and path', () => {
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { RequestInterval: 30, FailureThreshold: 5, Regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], ResourcePath: '/ready' },
    });
  });

  test('asking for read records in a headless region fails at synth', () => {
    expect(errorOf(() => router(t, { readRegions: ['us-east-1', 'ap-southeast-2'] }, 'Bad'))).toBe(
      "GlobalRouter 'Routing/Bad': readRegions[1] 'ap-southeast-2' is a headless secondary with no reader capacity; read records there would send users to a region that cannot answer; give the ReadReplicaRegion in ap-southeast-2 instances: 1 or more, or remove 'ap-southeast-2' from readRegions",
    );
  });
});

describe('GlobalRouter options', () => {
  test('alias targets make A alias records without TTL; the primary region\'s Region switch check joins the PRIMARY check, the standby\'s gates nothing', () => {
    const t = topo();
    const vpc = t.primary.vpc;
    const alb = new elbv2.ApplicationLoadBalancer(Stack.of(t.primary), 'Alb', { vpc, internetFacing: true });
    const r = router(t, {
      endpoints: [
        { region: 'us-east-1', target: RouterTarget.fromAlias(new targets.LoadBalancerTarget(alb), 'app.us-east-1.example.com') },
        t.endpoints[1],
      ],
      regionSwitchHealthCheckIds: { 'us-east-1': 'arc-hc-1', 'eu-west-1': 'arc-hc-2' },
    });
    const routing = Template.fromStack(t.routing);
    routing.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', Type: 'A', AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }), TTL: Match.absent() });
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 4, ChildHealthChecks: Match.arrayWith(['arc-hc-1']) },
    });
    routing.resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'CALCULATED' } }, 1);
    expect(JSON.stringify(routing.toJSON())).not.toContain('arc-hc-2');
    expect(r.ttlSeconds).toBe(60);
  });

  test('a new hosted zone works too, and alarms can be turned off outside us-east-1', () => {
    const t = topo({ routingRegion: 'eu-west-2' });
    const zone = new route53.PublicHostedZone(t.routing, 'NewZone', { zoneName: 'new.example.com' });
    const r = router(t, { zone, healthCheckAlarms: false, writeRecordName: 'w' });
    expect(r.writeHostname).toBe('w.new.example.com');
    Template.fromStack(t.routing).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('GlobalRouter rejects bad input with the fix', () => {
  let t: Topo;
  beforeAll(() => {
    t = topo({ replicas: { 'eu-west-1': 1, 'ap-southeast-2': 0 } });
  });
  let n = 0;
  const bad = (over: Partial<GlobalRouterProps>) => errorOf(() => router(t, over, `Bad${n++}`));

  test('health check interval, threshold, checker regions and path (Route 53 limits the L2 does not check)', () => {
    const msg = bad({ healthCheck: { interval: Duration.seconds(15), failureThreshold: 11, regions: ['us-east-1', 'mars-1'], path: 'health' } });
    expect(msg).toMatch(/^5 configuration problems:/);
    expect(msg).toContain("healthCheck.interval 15 s is not an interval Route 53 supports (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html); set healthCheck.interval to Duration.seconds(10) or Duration.seconds(30)");
    expect(msg).toContain('healthCheck.failureThreshold 11 is outside the 1–10 Route 53 allows; set healthCheck.failureThreshold to a whole number from 1 to 10 (3 is the default)');
    expect(msg).toContain('healthCheck.regions lists 2 checker regions; Route 53 needs at least 3');
    expect(msg).toContain("healthCheck.regions ['mars-1'] is not a Route 53 health-checker region");
    expect(msg).toContain("healthCheck.path 'health' is not a request path; use a path starting with '/'");
  });

  test('TTL above 60 s', () => {
    expect(bad({ recordTtl: Duration.minutes(30) })).toMatch(/recordTtl 1800 s is longer than the 60 s AWS recommends for records with health checks.*; set recordTtl to Duration.seconds\(60\) or less$/);
  });

  test('a headless standby', () => {
    expect(bad({ standbyRegion: 'ap-southeast-2' })).toContain("standbyRegion 'ap-southeast-2' is a headless secondary; Aurora cannot switch over or fail over to a cluster without instances; give the ReadReplicaRegion in ap-southeast-2 instances: 1 or more, or choose another standbyRegion");
  });

  test('an unknown standby and missing endpoints', () => {
    expect(bad({ standbyRegion: 'eu-central-1' })).toContain("standbyRegion 'eu-central-1' is not one of the replicas");
    expect(bad({ endpoints: [t.endpoints[0]] })).toContain("endpoints has no entry for 'eu-west-1', which the write route needs; add { region: 'eu-west-1', target: RouterTarget.fromHostname(...) } to endpoints");
    expect(bad({ endpoints: [...t.endpoints, { region: 'sa-east-1', target: RouterTarget.fromHostname('x.example.com') }] })).toContain("endpoints[3].region 'sa-east-1' is not a region of the topology");
  });

  test('a CNAME route at the zone apex is refused (alias targets may be there)', () => {
    expect(bad({ writeRecordName: '' })).toBe(
      "GlobalRouter 'Routing/Bad" + (n - 1) + "': writeRecordName '' is the zone apex, where Route 53 cannot create the CNAME records of RouterTarget.fromHostname "
      + '(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html); '
      + "give writeRecordName a subdomain such as 'write', or use RouterTarget.fromAlias for every endpoint",
    );
    expect(bad({ writeRecordName: 'example.com.' })).toContain("writeRecordName 'example.com.' is the zone apex");
    const t2 = topo({ phase: 4 });
    expect(errorOf(() => router(t2, { readRecordName: '@' }))).toContain("readRecordName '@' is the zone apex");
  });

  test('the writer alarm must be in a region Route 53 reads alarms from', () => {
    const t2 = topo({ primaryRegion: 'us-east-1', replicas: { 'me-west-1': 1 } });
    expect(errorOf(() => router(t2))).toContain(
      "the write route needs a Route 53 health check on a CloudWatch alarm in 'me-west-1', which is not a region Route 53 reads alarms from "
      + '(https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html); put the primary and the standby in regions Route 53 alarm health checks support, or set writeRoute: false',
    );
  });

  test('alarms outside us-east-1 are refused: Route 53 metrics live in us-east-1', () => {
    const t2 = topo({ routingRegion: 'eu-west-2' });
    expect(errorOf(() => router(t2))).toContain("healthCheckAlarms is on but the stack 'Routing' is in eu-west-2; Route 53 publishes health-check metrics only in us-east-1");
  });

  test('a router in the primary stack would deadlock deployment with the replica', () => {
    const t2 = topo();
    expect(errorOf(() => new GlobalRouter(Stack.of(t2.primary), 'R', {
      zone: route53.HostedZone.fromHostedZoneAttributes(Stack.of(t2.primary), 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
      primary: t2.primary, replicas: t2.replicas, endpoints: t2.endpoints,
    }))).toContain("the router's stack 'Primary' must deploy after the database stack 'Replica-eu-west-1'");
  });
});

/** The router-config.json deployed with the edge function, read from the synthesized asset. */
function edgeConfig(t: Topo, template: Template): Record<string, unknown> {
  const key = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Code.S3Key as string;
  const dir = path.join(t.app.synth().directory, `asset.${key.replace(/\.zip$/, '')}`);
  return JSON.parse(fs.readFileSync(path.join(dir, 'router', 'router-config.json'), 'utf8'));
}

describe('GlobalRouter graphql option', () => {
  test('puts one GraphQL entry point in front of both routes, with the read-your-writes window from the topology', () => {
    const t = topo({ phase: 4, recoveryObjectives: { rpoSeconds: 30 } });
    const r = router(t, { graphql: {} });
    expect(r.graphql?.domainName).toBe('api.example.com');
    const template = Template.fromStack(t.routing);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['api.example.com'] }),
    });
    // The edge function's configuration names the router's own hostnames.
    const cfg = edgeConfig(t, template);
    expect(cfg).toMatchObject({ writeHost: 'write.example.com', readHost: 'read.example.com', readYourWrites: { windowMs: 30000 } });
  });

  test('without a declared RPO the window is Aurora\'s typical lag, 5 s', () => {
    const t = topo({ phase: 4 });
    router(t, { graphql: { domainName: 'graphql.example.com' } });
    const template = Template.fromStack(t.routing);
    const cfg = edgeConfig(t, template);
    expect(cfg.readYourWrites).toEqual({ windowMs: 5000 });
  });

  test('needs a read route', () => {
    const t = topo({ phase: 3 });
    expect(errorOf(() => router(t, { graphql: {} }))).toBe(
      "GlobalRouter 'Routing/Router': graphql needs both a write route and a read route, but there is no read route (readRoute off, or no region serves reads); enable both routes (phase 4: readRoute defaults to true) or remove graphql",
    );
  });
});

describe('what each regional endpoint must serve (TLS certificate and Host)', () => {
  test('write.<zone> in the primary and the standby, read.<zone> in every read region', () => {
    const t = topo({ phase: 4, replicas: { 'eu-west-1': 1, 'ap-southeast-2': 1 } });
    const r = router(t);
    expect(r.hostnamesServedBy('us-east-1')).toEqual(['write.example.com', 'read.example.com']);
    expect(r.hostnamesServedBy('eu-west-1')).toEqual(['write.example.com', 'read.example.com']);
    expect(r.hostnamesServedBy('ap-southeast-2')).toEqual(['read.example.com']);
    const t3 = topo({ phase: 3 });
    expect(router(t3).hostnamesServedBy('eu-west-1')).toEqual(['write.example.com']);
  });

  test('the docs say it, and say that Lambda@Edge replicas hold up the edge router\'s deletion for hours', () => {
    const read = (f: string) => fs.readFileSync(path.join(__dirname, '..', '..', f), 'utf8');
    expect(read('docs/aws/phase-3.md')).toMatch(/Regional custom domain name[\s\S]*without it API Gateway answers\s+403/);
    const phase4 = read('docs/aws/phase-4.md');
    expect(phase4).toContain('lambda-edge-delete-replicas.html');
    expect(phase4).toMatch(/typically within a\s+few hours/);
    expect(read('lib/aws/graphql-edge-router.ts')).toMatch(/Delete the stack again a few\s+\* hours later/);
  });
});
