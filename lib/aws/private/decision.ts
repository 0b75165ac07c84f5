/**
 * Who decides to fail over, and how long it takes.
 *
 * - `manual`: a person decides after the detection alarm; the estimate
 *   counts `decisionTime` (10 minutes unless stated), the runbook prints it.
 * - `automatic`: the detection alarm — the primary region's endpoint health
 *   check, failing — starts the move: an ARC Region switch plan trigger
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-arcregionswitch-plan-trigger.html)
 *   or, with the Step Functions engine, an EventBridge rule in the standby
 *   region that starts its state machine. The data-loss rule of the manual
 *   path holds: without `allowDataLoss` the automation only switches over
 *   (no data loss; it needs the primary's database to answer), and an
 *   unplanned failover is still a person's decision.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ConfigProblem, formatSeconds, show } from '../../core';
import type { FailoverDecision } from '../failover-runbook';

/** The decision time assumed for a person: noticing the page, judging, starting the procedure. */
export const DEFAULT_HUMAN_DECISION = Duration.minutes(10);

/** The detection alarm: HealthCheckStatus minimum below 1, one 60 s period, missing data breaching. */
export const DETECTION_ALARM = { periodSeconds: 60, evaluationPeriods: 1 } as const;
/** What an alarm-started decision takes: the detection alarm's evaluation. */
export const AUTOMATIC_DECISION_SECONDS = DETECTION_ALARM.periodSeconds * DETECTION_ALARM.evaluationPeriods;

/** Deterministic name, so a rule in another region's stack can match it without a cross-region reference. */
export function detectionAlarmName(primaryClusterIdentifier: string): string {
  return `${primaryClusterIdentifier}-endpoint-down`;
}

/** The resolved decision. */
export interface DecisionPlan {
  readonly decision: FailoverDecision;
  /** Whether the automation may fail over with data loss. */
  readonly allowDataLoss: boolean;
  /** The decision stretch of the failover estimate, seconds. */
  readonly failoverDecisionSeconds: number;
  /** Its label in the timeline. */
  readonly label: string;
  /** The human decision time (also the failover decision when the automation may only switch over). */
  readonly humanDecisionSeconds: number;
}

/** Checks the decision props and resolves the estimate's decision stretch. */
export function resolveDecision(o: {
  readonly decision?: FailoverDecision;
  readonly decisionTime?: Duration;
  readonly allowDataLoss?: boolean;
  readonly engine: 'region-switch' | 'stepfunctions';
  readonly stackRegion: string;
  readonly hasPrimaryEndpointCheck: boolean;
}): { problems: ConfigProblem[]; plan: DecisionPlan } {
  const problems: ConfigProblem[] = [];
  const decision = o.decision ?? 'manual';
  if (decision !== 'manual' && decision !== 'automatic') {
    problems.push({ property: 'decision', message: `decision ${show(decision)} is not a decision mode`, fix: "set decision to 'manual' or 'automatic'" });
  }
  const human = (o.decisionTime ?? DEFAULT_HUMAN_DECISION).toSeconds();
  if (o.decisionTime !== undefined && human <= 0) {
    problems.push({
      property: 'decisionTime',
      message: `decisionTime ${human} s assumes a person decides instantly`,
      fix: `give the time your on-call needs to notice, judge and start the procedure (${formatSeconds(DEFAULT_HUMAN_DECISION.toSeconds())} by default), or set decision: 'automatic'`,
    });
  }
  const allowDataLoss = o.allowDataLoss ?? false;
  if (o.allowDataLoss && decision !== 'automatic') {
    problems.push({
      property: 'automaticFailoverAllowsDataLoss',
      message: "automaticFailoverAllowsDataLoss is set but decision is 'manual'",
      fix: "set decision: 'automatic', or remove automaticFailoverAllowsDataLoss (a person accepts data loss when starting the failover)",
    });
  }
  if (decision === 'automatic') {
    if (o.stackRegion !== 'us-east-1') {
      problems.push({
        property: 'decision',
        message: `decision 'automatic' alarms on the primary endpoint's Route 53 health check, whose metric exists only in us-east-1, but this stack is in ${show(o.stackRegion)}`,
        fix: "put the FailoverRunbook in a us-east-1 stack, or set decision: 'manual'",
      });
    }
    if (!o.hasPrimaryEndpointCheck) {
      problems.push({ property: 'decision', message: "decision 'automatic' needs the router's endpoint health check of the primary region", fix: 'give the GlobalRouter an endpoint for the primary region' });
    }
    if (o.engine === 'region-switch' && !allowDataLoss) {
      problems.push({
        property: 'decision',
        message: "decision 'automatic' with the Region switch engine starts the plan from a trigger, and ARC lets no trigger choose the execution mode: "
          + "an ungraceful execution runs the Aurora block's failover, which loses the writes not yet replicated",
        fix: "set automaticFailoverAllowsDataLoss: true to accept that, or use engine: 'stepfunctions' (an automatic switchover, no data loss), or decision: 'manual'",
      });
    }
  }
  const failsOverAutomatically = decision === 'automatic' && allowDataLoss;
  return {
    problems,
    plan: {
      decision,
      allowDataLoss,
      humanDecisionSeconds: human,
      failoverDecisionSeconds: failsOverAutomatically ? AUTOMATIC_DECISION_SECONDS : human,
      label: failsOverAutomatically
        ? `the detection alarm starts the failover (one ${DETECTION_ALARM.periodSeconds} s period on the primary endpoint's health check)`
        : decision === 'automatic'
          ? `a person decides to fail over (assumed ${formatSeconds(human)}, decisionTime): the automation only switches over without automaticFailoverAllowsDataLoss`
          : `a person decides to fail over (assumed ${formatSeconds(human)}, decisionTime)`,
    },
  };
}

/**
 * The detection alarm, in the (us-east-1) runbook stack: the primary region's
 * endpoint health check reports unhealthy (`HealthCheckStatus` minimum below
 * 1 for one minute; no data counts as unhealthy).
 */
export function createDetectionAlarm(scope: Construct, primaryCheck: route53.IHealthCheck, name: string, region: string): cloudwatch.Alarm {
  return new cloudwatch.Metric({
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensionsMap: { HealthCheckId: primaryCheck.healthCheckId },
    statistic: cloudwatch.Stats.MINIMUM,
    period: Duration.seconds(DETECTION_ALARM.periodSeconds),
    region: 'us-east-1',
  }).createAlarm(scope, 'DetectionAlarm', {
    alarmName: name,
    alarmDescription: `The application endpoint of the primary region ${region} fails its Route 53 health check: the failover automation starts`,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: DETECTION_ALARM.evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}

/**
 * Name of the EventBridge rule that starts the automation in the failover's
 * target region (the runbook prints it). The target is the write route's
 * standby while the origin writes (the name of earlier versions); after a
 * role swap it is another region, whose stack gets a rule of another name —
 * two stacks never hold a rule of the same name, whichever deploys first.
 */
export function automaticRuleName(globalClusterIdentifier: string, otherTarget?: string): string {
  return `${globalClusterIdentifier}-automatic-failover${otherTarget ? `-to-${otherTarget}` : ''}`.slice(0, 64);
}

/** ARN of an alarm by name (deterministic: usable from any stack). */
export function alarmArn(region: string, account: string, name: string): string {
  return `arn:${Aws.PARTITION}:cloudwatch:${region}:${account}:alarm:${name}`;
}

/**
 * Step Functions engine: the detection alarm's ALARM event starts the
 * standby's state machine — the failover with `{"allowDataLoss": true}` only
 * when the user opted in, the switchover otherwise. EventBridge rules see
 * their own region's events, so a rule in the runbook's region forwards the
 * alarm's event to the standby region's default event bus
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html),
 * where a rule in the standby's stack starts the state machine.
 */
export function wireAutomaticStepFunctions(o: {
  readonly runbook: Construct;
  readonly standbyHome: Construct;
  readonly alarm: cloudwatch.Alarm;
  readonly alarmArn: string;
  readonly standbyRegion: string;
  readonly target: sfn.IStateMachine;
  readonly allowDataLoss: boolean;
  readonly ruleName: string;
}): events.Rule {
  const pattern: events.EventPattern = {
    source: ['aws.cloudwatch'],
    detailType: ['CloudWatch Alarm State Change'],
    resources: [o.alarmArn],
    detail: { state: { value: ['ALARM'] } },
  };
  const rule = new events.Rule(o.standbyHome, 'AutomaticFailoverRule', {
    ruleName: o.ruleName,
    description: `Detection alarm → ${o.allowDataLoss ? 'failover (data loss accepted)' : 'switchover'} to ${o.standbyRegion}`,
    eventPattern: pattern,
    targets: [new targets.SfnStateMachine(o.target, {
      input: events.RuleTargetInput.fromObject(o.allowDataLoss ? { allowDataLoss: true } : {}),
    })],
  });
  const here = Stack.of(o.runbook);
  if (here.region !== o.standbyRegion) {
    const standbyBus = events.EventBus.fromEventBusArn(o.runbook, 'StandbyEventBus',
      `arn:${Aws.PARTITION}:events:${o.standbyRegion}:${here.account}:event-bus/default`);
    new events.Rule(o.runbook, 'ForwardDetectionAlarm', {
      description: `Forwards the detection alarm to ${o.standbyRegion}, where it starts the automation`,
      eventPattern: pattern,
      targets: [new targets.EventBus(standbyBus)],
    });
    // The standby's rule must exist before events arrive: the runbook's stack deploys after the database stacks.
  }
  return rule;
}
