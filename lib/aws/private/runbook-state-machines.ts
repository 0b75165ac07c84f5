/**
 * Amazon States Language definitions of the Step Functions engine, as plain
 * JSON (validated by asl-validator in the tests). Every state machine acts on
 * its own region: it promotes the cluster of the region it runs in, so a
 * person starts the one in the region that should take the writes — a
 * surviving region during an outage. Only AWS SDK service integrations are
 * used (no Lambda): https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 *
 * Idempotent: each run first asks Aurora who the writer is and succeeds
 * without acting when this region already holds it. Every task has a
 * timeout and retries; every wait loop has an attempt limit; a failure
 * publishes where it stopped to SNS and ends in a Fail state naming the stage.
 */

import { Definition, MUTATION_RETRY, sdk, StateMachineFacts } from './asl-definition';
import { addFenceCheck, addMemberCheck, rememberOldWriters } from './fence-states';

export type { StateMachineFacts } from './asl-definition';

/** Reads the global cluster and whether this region holds the writer. */
function addReadWriter(d: Definition, f: StateMachineFacts, name: string, next: string): void {
  d.add(name, {
    Type: 'Task',
    Resource: sdk('rds', 'describeGlobalClusters'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier },
    ResultSelector: {
      'status.$': '$.GlobalClusters[0].Status',
      'writers.$': '$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn',
    },
    ResultPath: '$.global',
    Next: `${name}IsWriter`,
  });
  d.add(`${name}IsWriter`, {
    Type: 'Pass',
    Parameters: { 'here.$': `States.ArrayContains($.global.writers, '${f.clusterArn}')`, 'status.$': '$.global.status' },
    ResultPath: '$.writer',
    Next: next,
  });
}

/** Wait loop until this region is the writer and the global cluster is available, then traffic checks. */
function addPromotionTail(d: Definition, f: StateMachineFacts, kind: string, afterVerified = 'NotifySuccess'): void {
  d.add('InitPoll', { Type: 'Pass', Result: { count: 0 }, ResultPath: '$.poll', Next: 'WaitForPromotion' });
  d.add('WaitForPromotion', { Type: 'Wait', Seconds: f.pollSeconds, Next: 'ReadPromotion' });
  addReadWriter(d, f, 'ReadPromotion', 'Promoted');
  d.add('Promoted', {
    Type: 'Choice',
    Choices: [{
      And: [{ Variable: '$.writer.here', BooleanEquals: true }, { Variable: '$.writer.status', StringEquals: 'available' }],
      Next: f.writerAlarmName ? 'InitTrafficPoll' : 'Verify',
    }, { Variable: '$.poll.count', NumericGreaterThanEquals: f.maxPolls, Next: d.failWith('PromotionTimeout', `${f.clusterIdentifier} did not become the writer within ${f.pollSeconds * f.maxPolls} s; check the global cluster in the RDS console`) }],
    Default: 'CountPoll',
  });
  d.add('CountPoll', { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)' }, ResultPath: '$.poll', Next: 'WaitForPromotion' });

  // Traffic shift: the write route's health checks follow the writer-role
  // alarms; wait until this region's alarm reports OK (CloudWatch is a
  // regional data-plane call; nothing touches Route 53's control plane) and,
  // in the primary region, the standby's alarm has had time to leave OK.
  // A region outside the write route has no writer alarm: nothing to wait for.
  if (f.writerAlarmName) addTrafficWait(d, f, f.writerAlarmName);
  addReadWriter(d, f, 'Verify', 'Verified');
  d.add('Verified', {
    Type: 'Choice',
    Choices: [{ Variable: '$.writer.here', BooleanEquals: true, Next: afterVerified }],
    Default: d.failWith('Verify', `${f.clusterIdentifier} is no longer the writer after the ${kind}; another operation moved it`),
  });
  const route = !f.writerAlarmName
    ? `${f.region} has no write record, so the write route still answers with the application of the primary or standby region (which reaches the writer through the global writer endpoint)`
    : f.remoteWriterAlarm
      ? `${f.writerAlarmName} is OK; the write route answers here once ${f.remoteWriterAlarm.alarm} in ${f.remoteWriterAlarm.region} is ALARM, within ${f.remoteWriterAlarm.withinSeconds} s of the writer leaving ${f.remoteWriterAlarm.region} (waited; a state machine cannot read another region's alarm: check it with aws cloudwatch describe-alarms --region ${f.remoteWriterAlarm.region} --alarm-names ${f.remoteWriterAlarm.alarm})`
      : `${f.writerAlarmName} is OK, so the PRIMARY write record is unhealthy and the write route answers here`;
  d.notify('NotifySuccess', `${kind} to ${f.region} complete`, `${f.clusterIdentifier} is the writer of ${f.globalClusterIdentifier}; ${route}.`, 'Done');
  d.add('Done', { Type: 'Succeed' });
}

/** A task that reads one alarm's state (a regional data-plane call) into `resultPath`.state. */
function alarmStateTask(alarmName: string, resultPath: string, next: string): Record<string, unknown> {
  return {
    Type: 'Task',
    Resource: sdk('cloudwatch', 'describeAlarms'),
    Parameters: { AlarmNames: [alarmName] },
    ResultSelector: { 'state.$': '$.MetricAlarms[0].StateValue' },
    ResultPath: resultPath,
    Next: next,
  };
}

/**
 * Polls the writer-role alarm of this region until it is OK (bounded); in
 * the primary region then waits the standby alarm's flip time.
 */
function addTrafficWait(d: Definition, f: StateMachineFacts, writerAlarmName: string): void {
  const afterLocal = f.remoteWriterAlarm ? 'WaitForStandbySignal' : 'Verify';
  if (f.remoteWriterAlarm) {
    d.add('WaitForStandbySignal', {
      Type: 'Wait',
      Comment: `${f.remoteWriterAlarm.alarm} in ${f.remoteWriterAlarm.region} must leave OK for the PRIMARY record to answer; its flip time, since this region cannot read it`,
      Seconds: f.remoteWriterAlarm.withinSeconds,
      Next: 'Verify',
    });
  }
  d.add('InitTrafficPoll', { Type: 'Pass', Result: { count: 0 }, ResultPath: '$.poll', Next: 'WaitForTraffic' });
  d.add('WaitForTraffic', { Type: 'Wait', Seconds: 15, Next: 'ReadWriterAlarm' });
  d.add('ReadWriterAlarm', alarmStateTask(writerAlarmName, '$.alarm', 'TrafficShifted'));
  d.add('TrafficShifted', {
    Type: 'Choice',
    Choices: [
      { Variable: '$.alarm.state', StringEquals: 'OK', Next: afterLocal },
      { Variable: '$.poll.count', NumericGreaterThanEquals: 20, Next: d.failWith('TrafficShiftTimeout', `the writer alarm ${writerAlarmName} did not turn OK within 300 s, so the write route may still point elsewhere; check the alarm and the Route 53 health checks`) },
    ],
    Default: 'CountTrafficPoll',
  });
  d.add('CountTrafficPoll', { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)' }, ResultPath: '$.poll', Next: 'WaitForTraffic' });
}

/** Preconditions shared by switchover and failover: not already writer, target healthy. */
function addPreconditions(d: Definition, f: StateMachineFacts, kind: string, next: string): void {
  addReadWriter(d, f, 'ReadWriter', 'AlreadyWriter');
  d.add('AlreadyWriter', {
    Type: 'Choice',
    Choices: [{ Variable: '$.writer.here', BooleanEquals: true, Next: 'NotifyNothingToDo' }],
    Default: 'ReadTarget',
  });
  d.notify('NotifyNothingToDo', `${kind} to ${f.region}: nothing to do`, `${f.clusterIdentifier} already holds the writer of ${f.globalClusterIdentifier}.`, 'Done');
  d.add('ReadTarget', {
    Type: 'Task',
    Resource: sdk('rds', 'describeDBClusters'),
    Parameters: { DBClusterIdentifier: f.clusterIdentifier },
    ResultSelector: { 'status.$': '$.DBClusters[0].Status', 'members.$': '$.DBClusters[0].DBClusterMembers' },
    ResultPath: '$.target',
    Next: 'TargetHealthy',
  });
  d.add('TargetHealthy', {
    Type: 'Choice',
    Choices: [
      { Not: { Variable: '$.target.status', StringEquals: 'available' }, Next: d.failWith('TargetNotAvailable', `${f.clusterIdentifier} is not 'available'; wait for it or choose another region`) },
      { Not: { Variable: '$.target.members[0]', IsPresent: true }, Next: d.failWith('TargetHeadless', `${f.clusterIdentifier} has no instances; add one (aws rds create-db-instance ... --db-cluster-identifier ${f.clusterIdentifier}) before promoting it`) },
    ],
    Default: next,
  });
}

/** switchover: no data loss; refuses when the lag is high or the global cluster is busy. */
export function switchoverDefinition(f: StateMachineFacts): object {
  const d = new Definition(f, 'Switchover');
  // A switchover goes to a connected secondary only: a failback to an old
  // primary that has not rejoined since a failover is refused (fence-states.ts).
  addPreconditions(d, f, 'Switchover', addMemberCheck(d, f, 'GlobalAvailable'));
  d.add('GlobalAvailable', {
    Type: 'Choice',
    Choices: [{ Variable: '$.writer.status', StringEquals: 'available', Next: 'ReadLag' }],
    Default: d.failWith('GlobalClusterBusy', `${f.globalClusterIdentifier} is not 'available' (a switchover or failover may be running); wait and start again`),
  });
  // Lag precheck through this region's switchover-lag alarm (a regional
  // data-plane read; GetMetricData would need absolute times ASL cannot compute).
  d.add('ReadLag', alarmStateTask(f.lagAlarmName, '$.lag', 'LagLowEnough'));
  d.add('LagLowEnough', {
    Type: 'Choice',
    Choices: [
      { Variable: '$.lag.state', StringEquals: 'ALARM', Next: d.failWith('ReplicationLagTooHigh', `replication lag into ${f.clusterIdentifier} is above ${f.maxLagMillis} ms (alarm ${f.lagAlarmName}); a switchover would block writes while it catches up. Wait and start again`) },
      { Variable: '$.lag.state', StringEquals: 'INSUFFICIENT_DATA', Next: d.failWith('NoLagData', `no replication-lag data for ${f.clusterIdentifier} (alarm ${f.lagAlarmName}); the secondary may not be replicating. Check it, or use the manual switchover`) },
    ],
    Default: 'Switchover',
  });
  d.add('Switchover', {
    Type: 'Task',
    Resource: sdk('rds', 'switchoverGlobalCluster'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier, TargetDbClusterIdentifier: f.clusterArn },
    Retry: MUTATION_RETRY,
    ResultPath: null,
    Next: 'InitPoll',
  });
  addPromotionTail(d, f, 'Switchover');
  return { Comment: `Switch the writer of ${f.globalClusterIdentifier} over to ${f.region} (no data loss).`, StartAt: 'ReadWriter', States: d.states, TimeoutSeconds: 3600 };
}

/** failover: only with {"allowDataLoss": true} in the input. */
export function failoverDefinition(f: StateMachineFacts): object {
  const d = new Definition(f, 'Failover');
  // One test per rule, in order: a Choice state takes the first rule that
  // matches, and a comparison on a path that does not exist fails the
  // execution with a runtime error instead of choosing ("If the state input
  // doesn't contain the $.type field, the execution fails",
  // https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
  // So presence and type are tested by rules of their own before the value.
  d.add('DataLossAccepted', {
    Type: 'Choice',
    Choices: [
      { Not: { Variable: '$.allowDataLoss', IsPresent: true }, Next: 'DataLossNotAccepted' },
      { Not: { Variable: '$.allowDataLoss', IsBoolean: true }, Next: 'DataLossNotAccepted' },
      { Variable: '$.allowDataLoss', BooleanEquals: true, Next: 'ReadWriter' },
    ],
    Default: 'DataLossNotAccepted',
  });
  d.add('DataLossNotAccepted', {
    Type: 'Fail',
    Error: 'DataLossNotAccepted',
    Cause: `A failover loses the writes not yet replicated to ${f.region}. Start this execution with the input {"allowDataLoss": true} to accept that, or use the switchover state machine while the primary region is healthy.`,
  });
  addPreconditions(d, f, 'Failover', rememberOldWriters(d, 'Failover'));
  d.add('Failover', {
    Type: 'Task',
    Resource: sdk('rds', 'failoverGlobalCluster'),
    // AllowDataLoss is explicit: without it FailoverGlobalCluster silently performs a switchover.
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier, TargetDbClusterIdentifier: f.clusterArn, AllowDataLoss: true },
    Retry: MUTATION_RETRY,
    ResultPath: null,
    Next: 'InitPoll',
  });
  // Then the fence: is the old writer a connected secondary yet? (fence-states.ts)
  addPromotionTail(d, f, 'Failover', addFenceCheck(d, f, 'NotifySuccess'));
  return { Comment: `Fail the writer of ${f.globalClusterIdentifier} over to ${f.region}, accepting data loss (input {"allowDataLoss": true}).`, StartAt: 'DataLossAccepted', States: d.states, TimeoutSeconds: 3600 };
}

/** Facts the drill needs beyond the switchover's. */
export interface DrillFacts extends StateMachineFacts {
  /** ARN of this region's switchover state machine. */
  readonly switchoverStateMachineArn: string;
  /** The cluster to hand the writer back to. */
  readonly homeClusterArn: string;
  readonly homeRegion: string;
  /** Seconds to hold the writer in this region. */
  readonly holdSeconds: number;
}

/**
 * Drill: only from the steady state (the home region writes), switch over
 * here (via the switchover state machine), hold, switch back, verify. After a
 * failover has moved the writer here the drill refuses to start: its way
 * "back" would be a failback, which has preconditions of its own.
 */
export function drillDefinition(f: DrillFacts): object {
  const d = new Definition(f, 'Drill');
  d.add('ReadHome', {
    Type: 'Task',
    Resource: sdk('rds', 'describeGlobalClusters'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier },
    ResultSelector: {
      'status.$': '$.GlobalClusters[0].Status',
      'writers.$': '$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn',
    },
    ResultPath: '$.global',
    Next: 'HomeCheck',
  });
  d.add('HomeCheck', {
    Type: 'Pass',
    Parameters: { 'home.$': `States.ArrayContains($.global.writers, '${f.homeClusterArn}')` },
    ResultPath: '$.start',
    Next: 'SteadyState',
  });
  d.add('SteadyState', {
    Type: 'Choice',
    Choices: [{ Variable: '$.start.home', BooleanEquals: true, Next: 'SwitchoverHere' }],
    Default: d.failWith('NotSteadyState', `the writer of ${f.globalClusterIdentifier} is not in ${f.homeRegion}, so the drill would end with a failback; run the runbook's failback procedure first (its preconditions check that the old primary has rejoined), then the drill`),
  });
  d.add('SwitchoverHere', {
    Type: 'Task',
    Resource: 'arn:aws:states:::states:startExecution.sync:2',
    Parameters: { StateMachineArn: f.switchoverStateMachineArn, Input: {} },
    TimeoutSeconds: 3600,
    Retry: [],
    ResultPath: null,
    Next: 'Hold',
  });
  d.add('Hold', { Type: 'Wait', Seconds: f.holdSeconds, Next: 'SwitchBack' });
  d.add('SwitchBack', {
    Type: 'Task',
    Resource: sdk('rds', 'switchoverGlobalCluster'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier, TargetDbClusterIdentifier: f.homeClusterArn },
    Retry: MUTATION_RETRY,
    ResultPath: null,
    Next: 'InitBackPoll',
  });
  d.add('InitBackPoll', { Type: 'Pass', Result: { count: 0 }, ResultPath: '$.poll', Next: 'WaitBack' });
  d.add('WaitBack', { Type: 'Wait', Seconds: f.pollSeconds, Next: 'ReadBack' });
  d.add('ReadBack', {
    Type: 'Task',
    Resource: sdk('rds', 'describeGlobalClusters'),
    Parameters: { GlobalClusterIdentifier: f.globalClusterIdentifier },
    ResultSelector: {
      'status.$': '$.GlobalClusters[0].Status',
      'writers.$': '$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn',
    },
    ResultPath: '$.global',
    Next: 'BackCheck',
  });
  d.add('BackCheck', {
    Type: 'Pass',
    Parameters: { 'home.$': `States.ArrayContains($.global.writers, '${f.homeClusterArn}')`, 'status.$': '$.global.status' },
    ResultPath: '$.writer',
    Next: 'Back',
  });
  d.add('Back', {
    Type: 'Choice',
    Choices: [
      { And: [{ Variable: '$.writer.home', BooleanEquals: true }, { Variable: '$.writer.status', StringEquals: 'available' }], Next: 'NotifyDrillDone' },
      { Variable: '$.poll.count', NumericGreaterThanEquals: f.maxPolls, Next: d.failWith('SwitchBackTimeout', `the writer did not return to ${f.homeRegion} within ${f.pollSeconds * f.maxPolls} s`) },
    ],
    Default: 'CountBackPoll',
  });
  d.add('CountBackPoll', { Type: 'Pass', Parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)' }, ResultPath: '$.poll', Next: 'WaitBack' });
  d.notify('NotifyDrillDone', `Drill of ${f.globalClusterIdentifier} passed`, `Switched over to ${f.region}, held ${f.holdSeconds} s and returned to ${f.homeRegion}.`, 'Done');
  d.add('Done', { Type: 'Succeed' });
  return { Comment: `Drill: switch ${f.globalClusterIdentifier} over to ${f.region} and back to ${f.homeRegion}.`, StartAt: 'ReadHome', States: d.states, TimeoutSeconds: 3 * 3600 };
}
