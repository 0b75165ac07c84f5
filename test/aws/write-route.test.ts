import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FailoverRunbook, GlobalRouter, GlobalRouterProps } from '../../lib/aws';
import { alarmFlipSeconds } from '../../lib/aws/private/writer-signal';
import { allStates, AlarmState, Route53Model, World } from './route53-model';
import { topo } from './helpers';

type Definition = { States: Record<string, Record<string, unknown>> };

function setup(over: Partial<GlobalRouterProps> = {}, engine: 'stepfunctions' | 'region-switch' = 'stepfunctions') {
  const t = topo({ replicas: { 'eu-west-1': 1, 'ap-southeast-2': 1 } });
  const router = new GlobalRouter(t.routing, 'Router', { zone: t.zone, primary: t.primary, replicas: t.replicas, endpoints: t.endpoints, ...over });
  const runbook = new FailoverRunbook(t.routing, 'Runbook', { primary: t.primary, replicas: t.replicas, router, engine });
  return { t, router, runbook, model: new Route53Model(Template.fromStack(t.routing)) };
}

const US = 'us-east-1/orders-us-east-1-not-writer';
const EU = 'eu-west-1/orders-eu-west-1-not-writer';
const WRITE = 'write.example.com.';

describe('the write route: which alarm feeds which health check feeds which record', () => {
  let s: ReturnType<typeof setup>;
  beforeAll(() => {
    s = setup();
  });

  test('the primary record reads both writer alarms; the secondary reads none (its endpoint only)', () => {
    expect(s.model.alarms().sort()).toEqual([EU, US]);
    expect(s.model.recordsReading(US)).toEqual(['write-us-east-1']);
    expect(s.model.recordsReading(EU)).toEqual(['write-us-east-1']);
  });

  test('each state machine\'s traffic check implies that DNS answers its region, whatever the alarms it cannot see say', () => {
    // What the state machine in `region` has established when it reports success.
    for (const region of ['us-east-1', 'eu-west-1']) {
      const def = s.runbook.definitions[`${region}/Switchover`] as Definition;
      const established: Record<string, AlarmState> = {};
      const read = def.States.ReadWriterAlarm.Parameters as { AlarmNames: string[] };
      // TrafficShifted leaves the poll loop only on OK.
      expect((def.States.TrafficShifted.Choices as { StringEquals?: string }[])[0].StringEquals).toBe('OK');
      established[`${region}/${read.AlarmNames[0]}`] = 'OK';
      const wait = def.States.WaitForStandbySignal;
      if (wait) {
        // A bounded wait for an alarm in another region (it cannot be read from here): its real flip time.
        const [, alarm, other] = /^(\S+) in (\S+) must leave OK/.exec(wait.Comment as string)!;
        const remote = Object.values(Template.fromStack(Stack.of(s.t.replicas[0])).findResources('AWS::CloudWatch::Alarm'))
          .map((r) => r.Properties).find((p) => p.AlarmName === alarm)!;
        expect(other).toBe('eu-west-1');
        expect(wait.Seconds).toBe(Math.max(remote.DatapointsToAlarm, remote.EvaluationPeriods - remote.DatapointsToAlarm + 1) * remote.Period + 30);
        expect(remote.TreatMissingData).toBe('breaching');
        established[`${other}/${alarm}`] = 'ALARM';
      }
      const unseen = s.model.alarms().filter((a) => !(a in established));
      for (const states of allStates(unseen)) {
        const world: World = { alarms: { ...states, ...established } };
        expect([region, states, s.model.failoverAnswer(WRITE, world)]).toEqual([region, states, `write-${region}`]);
      }
    }
  });

  test('the runbook step "Confirm the write route followed" checks the same alarms, each in its own region', () => {
    const steps = (id: string) => s.runbook.model.procedures.find((p) => p.id === id)!.steps.find((st) => st.kind === 'traffic-shift')!;
    const switchover = steps('switchover');
    expect(switchover.commands!.map((c) => c.command)).toEqual([
      "aws cloudwatch describe-alarms --region eu-west-1 --alarm-names orders-eu-west-1-not-writer --query 'MetricAlarms[0].StateValue'",
      'dig +short write.example.com',
    ]);
    expect(switchover.expect).toContain('`"OK"`');
    const failback = steps('failback');
    expect(failback.commands!.map((c) => c.command).slice(0, 2)).toEqual([
      "aws cloudwatch describe-alarms --region us-east-1 --alarm-names orders-us-east-1-not-writer --query 'MetricAlarms[0].StateValue'",
      "aws cloudwatch describe-alarms --region eu-west-1 --alarm-names orders-eu-west-1-not-writer --query 'MetricAlarms[0].StateValue'",
    ]);
    expect(failback.expect).toContain('`"OK"` in us-east-1, then `"ALARM"` in eu-west-1');
    // Those states decide the route.
    expect(s.model.failoverAnswer(WRITE, { alarms: { [EU]: 'OK', [US]: 'OK' } })).toBe('write-eu-west-1');
    expect(s.model.failoverAnswer(WRITE, { alarms: { [US]: 'OK', [EU]: 'ALARM' } })).toBe('write-us-east-1');
  });

  test('a region outside the write route waits for no writer alarm; writes reach it through the standby once the primary\'s alarm leaves OK', () => {
    const def = s.runbook.definitions['ap-southeast-2/Switchover'] as Definition;
    expect(def.States.ReadWriterAlarm).toBeUndefined();
    for (const eu of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as AlarmState[]) {
      expect(s.model.failoverAnswer(WRITE, { alarms: { [US]: 'ALARM', [EU]: eu } })).toBe('write-eu-west-1');
    }
  });
});

describe('event → what DNS answers for write.<zone> (docs/aws/phase-3.md)', () => {
  const ARC_US = 'arc-hc-us';
  const ARC_EU = 'arc-hc-eu';
  const events: [string, World, string, string][] = [
    // [event, world, answer with Step Functions, answer with Region switch checks attached]
    ['steady state (writer in us-east-1, plan has us-east-1 active)', { alarms: { [EU]: 'ALARM' }, externalChecks: { [ARC_EU]: false } }, 'us-east-1', 'us-east-1'],
    ['application outage in us-east-1', { alarms: { [EU]: 'ALARM' }, downEndpoints: ['app.us-east-1.example.com'], externalChecks: { [ARC_EU]: false } }, 'eu-west-1', 'eu-west-1'],
    ['application outage in eu-west-1', { alarms: { [EU]: 'ALARM' }, downEndpoints: ['app.eu-west-1.example.com'], externalChecks: { [ARC_EU]: false } }, 'us-east-1', 'us-east-1'],
    ['writer moved to eu-west-1 (any tool)', { alarms: { [US]: 'ALARM' }, externalChecks: { [ARC_EU]: false } }, 'eu-west-1', 'eu-west-1'],
    ['both writer alarms OK for a minute during the move', { alarms: {} , externalChecks: { [ARC_EU]: false } }, 'eu-west-1', 'eu-west-1'],
    ['plan executed to activate eu-west-1 (database moved)', { alarms: { [US]: 'ALARM' }, externalChecks: { [ARC_US]: false } }, 'eu-west-1', 'eu-west-1'],
    ['plan executed, database stays in us-east-1', { alarms: { [EU]: 'ALARM' }, externalChecks: { [ARC_US]: false } }, 'us-east-1', 'eu-west-1'],
    ['us-east-1 unreachable', { alarms: { [US]: 'INSUFFICIENT_DATA', [EU]: 'ALARM' }, downEndpoints: ['app.us-east-1.example.com'], externalChecks: { [ARC_EU]: false } }, 'eu-west-1', 'eu-west-1'],
    ['eu-west-1 unreachable', { alarms: { [EU]: 'INSUFFICIENT_DATA' }, downEndpoints: ['app.eu-west-1.example.com'], externalChecks: { [ARC_EU]: false } }, 'us-east-1', 'us-east-1'],
    ['both applications down', { alarms: { [EU]: 'ALARM' }, downEndpoints: ['app.us-east-1.example.com', 'app.eu-west-1.example.com'], externalChecks: { [ARC_EU]: false } }, 'us-east-1', 'us-east-1'],
  ];

  let sf: Route53Model;
  let rs: Route53Model;
  let oneDeploy: Route53Model;
  beforeAll(() => {
    sf = setup({}, 'stepfunctions').model;
    rs = setup({ regionSwitchHealthCheckIds: { 'us-east-1': ARC_US, 'eu-west-1': ARC_EU } }, 'region-switch').model;
    // No ids given: the plan's health check of us-east-1 is wired from its PlanHealthChecks attribute in the same deploy.
    oneDeploy = setup({}, 'region-switch').model;
  });

  test.each(events)('%s', (_event, world, withStepFunctions, withRegionSwitch) => {
    expect(sf.failoverAnswer(WRITE, world)).toBe(`write-${withStepFunctions}`);
    expect(rs.failoverAnswer(WRITE, world)).toBe(`write-${withRegionSwitch}`);
    const planChecks = { 'plan:us-east-1': world.externalChecks?.[ARC_US] ?? true, 'plan:eu-west-1': world.externalChecks?.[ARC_EU] ?? true };
    expect(oneDeploy.failoverAnswer(WRITE, { ...world, externalChecks: planChecks })).toBe(`write-${withRegionSwitch}`);
  });
});


describe('the traffic-shift stretch of the estimate', () => {
  test('is the writer alarms\' real flip time (from their evaluation) plus Route 53 acting on the alarm check', () => {
    const s = setup();
    const alarm = Object.values(Template.fromStack(Stack.of(s.t.primary)).findResources('AWS::CloudWatch::Alarm'))
      .map((r) => r.Properties).find((p) => p.AlarmName === 'orders-us-east-1-not-writer')!;
    const flip = Math.max(alarm.DatapointsToAlarm, alarm.EvaluationPeriods - alarm.DatapointsToAlarm + 1) * alarm.Period;
    const shift = s.runbook.estimates.failover.timeline.find((e) => e.phase === 'traffic-shift')!;
    expect(shift.durationSeconds).toBe(flip + 30);
    expect(shift.label).toBe('the write route follows the new writer: the writer-role alarms flip in 60 s (period 60 s, 1 of 1 evaluation period, missing data breaching), then Route 53 acts on the alarm health checks (30 s, an assumption: AWS publishes no figure)');
    expect(s.router.trafficShiftSeconds).toBe(shift.durationSeconds);
  });

  test('an "M of N" alarm flips in max(M, N − M + 1) periods; without breaching missing data it never leaves OK', () => {
    expect(alarmFlipSeconds({ periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 2, treatMissingData: cloudwatch.TreatMissingData.BREACHING })).toBe(240);
    expect(alarmFlipSeconds({ periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.BREACHING })).toBe(180);
    expect(alarmFlipSeconds({ periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: cloudwatch.TreatMissingData.MISSING })).toBeUndefined();
  });
});
