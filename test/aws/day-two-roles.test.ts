/**
 * Issue 10: what follows the writer (writerRegion, a role) and what does not.
 * The deployed stacks never depend on which region writes; the runbook's
 * direction, rds.global_db_rpo and the automatic decision do.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { FailoverRunbook, FailoverRunbookProps, GlobalRouter } from '../../lib/aws';
import { inPartitionAws, walk } from './asl-walk';
import { topo } from './helpers';

function setup(writerRegion: string | undefined, over: Partial<FailoverRunbookProps> = {}) {
  const t = topo({ writerRegion, recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 } });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
  const runbook = new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, acceptRpoGuardWriteStalls: true, ...over });
  return { t, router, runbook, us: Template.fromStack(Stack.of(t.primary)), eu: Template.fromStack(Stack.of(t.replicas[0])), routing: Template.fromStack(t.routing) };
}

const rpoIn = (tpl: Template) => Object.values(tpl.findResources('AWS::RDS::DBClusterParameterGroup'))
  .map((r) => (r.Properties.Parameters as Record<string, string>)['rds.global_db_rpo']);

describe('the runbook follows the writer', () => {
  test('writer in the origin: switch over and fail over to eu-west-1, fail back to us-east-1', () => {
    const { runbook } = setup(undefined);
    expect([runbook.model.primaryRegion, runbook.model.standbyRegion]).toEqual(['us-east-1', 'eu-west-1']);
    expect(runbook.model.procedures.map((p) => p.title)).toEqual(expect.arrayContaining(['Switchover to eu-west-1', 'Failover to eu-west-1', 'Failback to us-east-1', 'Drill']));
  });

  test('writer in eu-west-1 after a failover: the runbook goes back to us-east-1 and fails back to eu-west-1', () => {
    const { runbook } = setup('eu-west-1');
    expect([runbook.model.primaryRegion, runbook.model.standbyRegion]).toEqual(['eu-west-1', 'us-east-1']);
    expect(runbook.model.procedures.map((p) => p.title)).toEqual(expect.arrayContaining(['Switchover to us-east-1', 'Failover to us-east-1', 'Failback to eu-west-1']));
    expect(runbook.markdown).toContain('aws rds failover-global-cluster --region us-east-1');
  });
});

describe('rds.global_db_rpo is in force where the writer is, and only there', () => {
  test('writer us-east-1: the origin\'s group; writer eu-west-1: the secondary\'s group', () => {
    const a = setup(undefined);
    expect([rpoIn(a.us), rpoIn(a.eu)]).toEqual([['30'], [undefined]]);
    const b = setup('eu-west-1');
    expect([rpoIn(b.us), rpoIn(b.eu)]).toEqual([[undefined], ['30']]);
  });

  test('the switchover procedure moves it with the writer (set on the new writer, reset on the old one)', () => {
    const { runbook } = setup(undefined);
    const switchover = runbook.model.procedures.find((p) => p.id === 'switchover')!;
    const move = switchover.steps.find((s) => s.title === 'Move rds.global_db_rpo to eu-west-1\'s parameter group')!;
    expect(move.commands!.map((c) => c.command.split(' \\')[0])).toEqual([
      'aws rds modify-db-cluster-parameter-group --region eu-west-1 --db-cluster-parameter-group-name "$(aws rds describe-db-clusters --region eu-west-1 --db-cluster-identifier orders-eu-west-1 --query \'DBClusters[0].DBClusterParameterGroup\' --output text)"',
      'aws rds reset-db-cluster-parameter-group --region us-east-1 --db-cluster-parameter-group-name "$(aws rds describe-db-clusters --region us-east-1 --db-cluster-identifier orders-us-east-1 --query \'DBClusters[0].DBClusterParameterGroup\' --output text)"',
      'aws rds describe-db-cluster-parameters --region eu-west-1 --db-cluster-parameter-group-name "$(aws rds describe-db-clusters --region eu-west-1 --db-cluster-identifier orders-eu-west-1 --query \'DBClusters[0].DBClusterParameterGroup\' --output text)"',
    ]);
    // After a failover it waits for the old primary to rejoin (AWS: a bound with no secondary in sync pauses transactions).
    const failover = runbook.model.procedures.find((p) => p.id === 'failover')!;
    expect(failover.steps.find((s) => s.title.startsWith('Move rds.global_db_rpo'))!.detail).toMatch(/^Only once us-east-1 has rejoined as a connected secondary/);
  });
});

describe('alarms every region needs as a secondary, the origin included', () => {
  test('replication lag and RPO lag alarms in us-east-1 on the origin cluster', () => {
    const { us, runbook } = setup(undefined);
    us.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-us-east-1' }], Threshold: 30000,
    });
    us.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-us-east-1-rpo-lag', MetricName: 'AuroraGlobalDBRPOLag', Threshold: 24000 });
    expect(Object.keys(runbook.rpoLagAlarms)).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('the automatic decision follows the writer; no two stacks ever hold a rule of the same name', () => {
  const automatic: Partial<FailoverRunbookProps> = { engine: 'stepfunctions', decision: 'automatic', automaticFailoverAllowsDataLoss: true };

  test('writer us-east-1: the us-east-1 endpoint\'s check is watched, the rule starts eu-west-1\'s failover (the name of earlier versions)', () => {
    const { routing, eu, us } = setup(undefined, automatic);
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-us-east-1-endpoint-down' });
    eu.hasResourceProperties('AWS::Events::Rule', { Name: 'orders-automatic-failover' });
    expect(Object.keys(us.findResources('AWS::Events::Rule', { Properties: { Name: Match.stringLikeRegexp('automatic') } }))).toEqual([]);
  });

  test('writer eu-west-1: the eu-west-1 endpoint is watched, the rule in us-east-1 has another name', () => {
    const { routing, eu, us } = setup('eu-west-1', automatic);
    routing.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'orders-eu-west-1-endpoint-down',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: Match.stringLikeRegexp('^RouterHealthCheckeuwest1') } }],
    });
    us.hasResourceProperties('AWS::Events::Rule', { Name: 'orders-automatic-failover-to-us-east-1' });
    expect(Object.keys(eu.findResources('AWS::Events::Rule', { Properties: { Name: Match.stringLikeRegexp('automatic') } }))).toEqual([]);
  });

  test('Region switch: the plan keeps its create-only PrimaryRegion and Regions; the trigger activates the failover target', () => {
    const plan = (writer?: string) => Object.values(setup(writer, { decision: 'automatic', automaticFailoverAllowsDataLoss: true }).routing
      .findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;
    const a = plan(undefined);
    const b = plan('eu-west-1');
    expect([a.PrimaryRegion, a.Regions, a.Name]).toEqual([b.PrimaryRegion, b.Regions, b.Name]);
    expect([a.Triggers[0].TargetRegion, b.Triggers[0].TargetRegion]).toEqual(['eu-west-1', 'us-east-1']);
  });
});

describe('the drill starts only from the steady state', () => {
  const drill = () => inPartitionAws(setup(undefined, { engine: 'stepfunctions', drill: { schedule: events.Schedule.rate(Duration.days(7)) } })
    .runbook.definitions['eu-west-1/Drill']);
  const member = (region: string, writer: boolean) => ({ DBClusterArn: `arn:aws:rds:${region}:111111111111:cluster:orders-${region}`, IsWriter: writer });

  test('the writer in us-east-1: it switches over to eu-west-1', () => {
    const r = walk(drill(), {}, (state) => {
      if (state === 'ReadHome') return { GlobalClusters: [{ Status: 'available', GlobalClusterMembers: [member('us-east-1', true), member('eu-west-1', false)] }] };
      throw new Error('stop');
    });
    expect(r.path.slice(0, 4)).toEqual(['ReadHome', 'HomeCheck', 'SteadyState', 'SwitchoverHere']);
  });

  test('the writer already in eu-west-1 (after a failover): refused, the failback comes first', () => {
    const r = walk(drill(), {}, (state) => {
      if (state === 'ReadHome') return { GlobalClusters: [{ Status: 'available', GlobalClusterMembers: [member('us-east-1', false), member('eu-west-1', true)] }] };
      return {};
    });
    expect(r.status).toBe('FAILED');
    expect(r.path).not.toContain('SwitchoverHere');
    expect(r.cause).toBe("the writer of orders is not in us-east-1, so the drill would end with a failback; run the runbook's failback procedure first (its preconditions check that the old primary has rejoined), then the drill");
  });
});

describe('one deploy for the Region switch checks, or one line saying which deploy comes next', () => {
  test('a plan in another region than the router cannot hand its ids over: a warning on the router and the runbook\'s note name the next deploy', () => {
    const t = topo();
    const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints });
    const elsewhere = new Stack(t.app, 'Plans', { env: { account: '111111111111', region: 'eu-west-1' } });
    const rb = new FailoverRunbook(elsewhere, 'Runbook', { primary: t.primary, replicas: t.replicas, router, writeRunbook: false });
    expect(router.regionSwitchChecksAttached).toBe(false);
    expect(router.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data))).toEqual([
      "The Region switch plan is in eu-west-1, this router in us-east-1: its health check ids cannot reach this stack in the same deploy. Next deploy: pass them as regionSwitchHealthCheckIds (aws arc-region-switch list-route53-health-checks), or put the FailoverRunbook in the router's stack. [ack: multiregion-constructs:region-switch-checks-cross-region]",
    ]);
    expect(rb.model.notes).toContainEqual(expect.stringMatching(/^Next deploy: the router is in another region than the plan, so pass the plan's health check ids as regionSwitchHealthCheckIds/));
  });

  test('given ids take precedence: a deployment that passed them keeps its template', () => {
    const t = topo();
    const router = new GlobalRouter(t.routing, 'Router', {
      zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, regionSwitchHealthCheckIds: { 'us-east-1': 'arc-hc-us' },
    });
    new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, writeRunbook: false });
    const routing = Template.fromStack(t.routing);
    const primary = Object.values(routing.findResources('AWS::Route53::RecordSet', { Properties: { Failover: 'PRIMARY' } }))[0];
    const calc = routing.findResources('AWS::Route53::HealthCheck')[primary.Properties.HealthCheckId.Ref].Properties.HealthCheckConfig;
    expect(calc.ChildHealthChecks).toContain('arc-hc-us');
    expect(JSON.stringify(calc)).not.toContain('PlanHealthChecks');
  });
});
