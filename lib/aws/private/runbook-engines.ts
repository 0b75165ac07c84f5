/**
 * The automation a FailoverRunbook deploys: the ARC Region switch plan, or a
 * Step Functions engine in every region, plus the optional drill.
 *
 * Roles: the write route's two records are in the `home` region (PRIMARY,
 * the origin of the global database) and the `standby` region (SECONDARY);
 * they never change with the writer (the route follows it through health
 * checks). What follows the writer is only the direction: the `target` a
 * failover moves the writer to from the `writer` region today.
 */
import { Aws, CfnOutput, Stack, Token } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { GlobalRouter } from '../global-router';
import { alarmArn, automaticRuleName, wireAutomaticStepFunctions } from './decision';
import { createRegionSwitchPlan } from './region-switch-plan';
import { createRegionalEngine, RegionalEngine } from './step-functions-engine';
import { writeRouteSignal } from './writer-signal';

/** What the engines are built from. */
export interface EnginesInput {
  readonly runbook: Construct;
  /** The FailoverRunbook's construct id (prefix of the regional homes). */
  readonly id: string;
  readonly engine: 'region-switch' | 'stepfunctions';
  readonly router: GlobalRouter;
  readonly globalClusterIdentifier: string;
  readonly regions: readonly string[];
  /** The database construct of each region (its stack is the region's). */
  readonly dbScopes: ReadonlyMap<string, Construct>;
  readonly clusterIdentifiers: Readonly<Record<string, string>>;
  /** PRIMARY write record region (the origin). */
  readonly home: string;
  /** SECONDARY write record region. */
  readonly standby: string;
  /** The region a failover moves the writer to (role-bound: the write-route region that is not the writer). */
  readonly target: string;
  readonly maxLagMillis: number;
  readonly planName: string;
  readonly rtoMinutes: number;
  readonly detection?: { readonly alarm: cloudwatch.Alarm; readonly name: string; readonly allowDataLoss: boolean };
  readonly drill?: { readonly schedule: events.Schedule; readonly holdSeconds: number };
}

/** What the engines are. */
export interface Engines {
  readonly plan?: arc.CfnPlan;
  readonly planRole?: iam.Role;
  readonly regional: Record<string, RegionalEngine>;
  readonly definitions: Record<string, object>;
  readonly drill?: sfn.StateMachine;
  readonly drillAlarm?: cloudwatch.Alarm;
  /** The EventBridge rule name of the automatic decision (Step Functions engine). */
  readonly ruleName?: string;
  /** Whether the plan's Route 53 health check of `home` gates the PRIMARY write record (wired in the same deploy). */
  readonly regionSwitchChecksAttached: boolean;
}

/** Builds the engine, the drill and the automatic decision's wiring. */
export function createEngines(i: EnginesInput): Engines {
  const stack = Stack.of(i.runbook);
  const arnOf = (r: string) => `arn:${Aws.PARTITION}:rds:${r}:${stack.account}:cluster:${i.clusterIdentifiers[r]}`;
  const allClusterArns = i.regions.map(arnOf);
  const clusters = i.regions.map((r) => ({ region: r, clusterIdentifier: i.clusterIdentifiers[r], clusterArn: arnOf(r) }));
  const regional: Record<string, RegionalEngine> = {};
  const definitions: Record<string, object> = {};
  const out: { plan?: arc.CfnPlan; planRole?: iam.Role; drill?: sfn.StateMachine; drillAlarm?: cloudwatch.Alarm; ruleName?: string; attached: boolean } = { attached: false };
  // The drill lives in the write route's SECONDARY region and returns the
  // writer to the PRIMARY record's region; it refuses to start unless the
  // writer is there (the steady state), so it never acts as a failback.
  const drill = i.drill ? { schedule: i.drill.schedule, holdSeconds: i.drill.holdSeconds, homeClusterArn: arnOf(i.home), homeRegion: i.home } : undefined;
  const signal = (region: string) => writeRouteSignal(region, i.home, i.standby, (r) => i.clusterIdentifiers[r]);

  if (i.engine === 'region-switch') {
    const { plan, role } = createRegionSwitchPlan(i.runbook, {
      name: i.planName,
      globalClusterIdentifier: i.globalClusterIdentifier,
      // PrimaryRegion and Regions are create-only on AWS::ARCRegionSwitch::Plan:
      // the write route's regions, fixed, whichever region writes.
      primaryRegion: i.home,
      standbyRegion: i.standby,
      clusterIdentifiers: i.clusterIdentifiers,
      hostedZoneId: i.router.zone.hostedZoneId,
      recordName: i.router.writeRecordName,
      setIdentifiers: i.router.writeSetIdentifiers,
      rtoMinutes: i.rtoMinutes,
      timeoutMinutes: 60,
      records: Object.values(i.router.writeRecords),
      trigger: i.detection ? { alarmArn: i.detection.alarm.alarmArn, alarmName: i.detection.name, minDelayMinutes: 60, targetRegion: i.target } : undefined,
      attachHomeCheckTo: i.router,
    });
    out.plan = plan;
    out.planRole = role;
    out.attached = i.router.regionSwitchChecksAttached;
    new CfnOutput(i.runbook, 'PlanArn', { value: plan.attrArn, description: `Region switch plan of ${i.globalClusterIdentifier}` });
  } else {
    for (const region of i.regions) {
      const home = new Construct(Stack.of(i.dbScopes.get(region)!), `${i.id}-${region}`);
      const e = createRegionalEngine(home, {
        globalClusterIdentifier: i.globalClusterIdentifier,
        clusterIdentifier: i.clusterIdentifiers[region],
        allClusterArns,
        clusters,
        maxLagMillis: i.maxLagMillis,
        writeSignal: signal(region),
        drill: region === i.standby ? drill : undefined,
      });
      regional[region] = e;
      if (region === i.target && i.detection) {
        out.ruleName = automaticRuleName(i.globalClusterIdentifier, i.target === i.standby ? undefined : i.target);
        wireAutomaticStepFunctions({
          runbook: i.runbook,
          standbyHome: home,
          alarm: i.detection.alarm,
          alarmArn: alarmArn(stack.region, stack.account, i.detection.name),
          standbyRegion: i.target,
          ruleName: out.ruleName,
          target: i.detection.allowDataLoss ? e.failover : e.switchover,
          allowDataLoss: i.detection.allowDataLoss,
        });
      }
      for (const [kind, def] of Object.entries(e.definitions)) definitions[`${region}/${kind}`] = def;
      if (e.drill) {
        out.drill = e.drill;
        out.drillAlarm = e.drillAlarm;
      }
    }
  }
  if (drill && i.engine === 'region-switch') {
    // The drill runs as a Step Functions state machine in the standby region
    // whatever the engine: it calls Aurora directly, and the write route
    // follows the writer.
    const e = createRegionalEngine(new Construct(Stack.of(i.dbScopes.get(i.standby)!), `${i.id}-drill-${i.standby}`), {
      globalClusterIdentifier: i.globalClusterIdentifier,
      clusterIdentifier: i.clusterIdentifiers[i.standby],
      allClusterArns,
      clusters,
      maxLagMillis: i.maxLagMillis,
      writeSignal: signal(i.standby),
      drill,
    });
    for (const [kind, def] of Object.entries(e.definitions)) definitions[`${i.standby}/${kind}`] = def;
    out.drill = e.drill;
    out.drillAlarm = e.drillAlarm;
    regional[i.standby] = e;
  }
  return {
    plan: out.plan,
    planRole: out.planRole,
    regional,
    definitions,
    drill: out.drill,
    drillAlarm: out.drillAlarm,
    ruleName: out.ruleName,
    regionSwitchChecksAttached: out.attached,
  };
}

/** An account for the runbook's commands (`<account-id>` when the stack is environment-agnostic). */
export function accountOf(scope: Construct): string {
  const account = Stack.of(scope).account;
  return Token.isUnresolved(account) ? '<account-id>' : account;
}
