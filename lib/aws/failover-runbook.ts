import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, Aws, CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  checkObjectives, ConfigProblem, estimateRecovery, objectiveNotes, RecoveryEstimates, RecoveryObjectives,
  renderRunbookMarkdown, runbookFileName, RunbookModel, show, throwIfMissing, throwIfProblems, validateRunbook,
} from '../core';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { AWS_RECOVERY_WORDS, awsRecoveryInputs, GLOBAL_DB_RPO_MAX_SECONDS, GLOBAL_DB_RPO_MIN_SECONDS } from './private/aws-recovery';
import { DeploymentStack } from './private/aws-outage';
import { buildAwsRunbook } from './private/aws-runbook';
import { alarmArn, automaticRuleName, createDetectionAlarm, detectionAlarmName, resolveDecision, wireAutomaticStepFunctions } from './private/decision';
import { checkRpoGuard, createRpoLagAlarms, rpoLagAlarmName } from './private/rpo-guard';
import { createRegionSwitchPlan, PLAN_NAME } from './private/region-switch-plan';
import { createRegionalEngine, RegionalEngine } from './private/step-functions-engine';
import { writeRouteSignal, writerAlarmName } from './private/writer-signal';
import { ReadReplicaRegion } from './read-replica-region';

/** Which service runs the failover. */
export type FailoverEngine = 'region-switch' | 'stepfunctions';

/** Who decides to fail over: a person (`'manual'`) or the detection alarm (`'automatic'`). */
export type FailoverDecision = 'manual' | 'automatic';

/** A scheduled drill: switch over to the standby and back. */
export interface FailoverDrillOptions {
  /** When to run, e.g. `events.Schedule.cron({ weekDay: 'TUE', hour: '10', minute: '0' })`. */
  readonly schedule: events.Schedule;
  /**
   * How long the standby holds the writer before switching back.
   * @default Duration.minutes(10)
   */
  readonly hold?: Duration;
}

/** Properties of {@link FailoverRunbook}. */
export interface FailoverRunbookProps {
  /** The primary region's database. */
  readonly primary: PrimaryRegion;
  /** The replica regions' databases. */
  readonly replicas: readonly ReadReplicaRegion[];
  /** The router whose write route the runbook moves (through its health checks). */
  readonly router: GlobalRouter;
  /**
   * `region-switch`: an ARC Region switch plan. `stepfunctions`: a state
   * machine in every region, for accounts that cannot use Region switch.
   * @default 'region-switch'
   */
  readonly engine?: FailoverEngine;
  /**
   * Name of the Region switch plan (1–32 letters, digits, hyphens).
   * @default derived from the global cluster identifier
   */
  readonly planName?: string;
  /**
   * Largest replication lag the Step Functions switchover accepts.
   * @default Duration.seconds(10)
   */
  readonly maxSwitchoverLag?: Duration;
  /**
   * Who decides to fail over.
   *
   * - `'manual'`: a person, after the detection alarm; {@link decisionTime}
   *   is counted in the RTO estimate (and the synth-time objective check) and
   *   printed in the runbook.
   * - `'automatic'`: the detection alarm — the primary region's endpoint
   *   health check failing, evaluated in us-east-1 — starts the move to the
   *   standby: an ARC Region switch plan trigger (Region switch engine), or an
   *   EventBridge rule in the standby region that starts its state machine
   *   (Step Functions engine). As on the manual path, data loss needs an
   *   explicit opt-in: without {@link automaticFailoverAllowsDataLoss} the
   *   Step Functions automation starts the switchover (no data loss; it needs
   *   the primary's database to answer), and the Region switch engine is
   *   refused (a trigger cannot choose the execution mode).
   * @default 'manual'
   */
  readonly decision?: FailoverDecision;
  /**
   * Time a person needs between the detection alarm and the start of the
   * failover (notice, judge, start), counted in the failover RTO estimate and
   * printed in the runbook. Used with `decision: 'manual'`, and with
   * `'automatic'` when the automation may not fail over with data loss (a
   * person still starts a failover).
   * @default Duration.minutes(10) — an assumption; measure yours in a drill
   */
  readonly decisionTime?: Duration;
  /**
   * With `decision: 'automatic'`, let the automation fail over with data
   * loss (`FailoverGlobalCluster` with AllowDataLoss: the writes not yet
   * replicated are lost). The Step Functions automation then starts the
   * failover state machine with `{"allowDataLoss": true}`; the Region switch
   * trigger executes the plan, whose ungraceful mode fails over.
   * @default false
   */
  readonly automaticFailoverAllowsDataLoss?: boolean;
  /**
   * Objectives to check the estimate against. On Aurora PostgreSQL an
   * `rpoSeconds` of 20 or more is also enforced: it sets `rds.global_db_rpo`
   * on the primary, and Aurora then holds commits on the primary while every
   * secondary lags more than that. The price: an impaired secondary region
   * can stop writes in the primary (with one secondary, any impairment does;
   * see {@link acceptRpoGuardWriteStalls}), and a major version upgrade of the
   * global database is refused while the parameter is set. An alarm in each
   * secondary region warns when its `AuroraGlobalDBRPOLag` reaches 80% of
   * the bound.
   * @default the primary's recoveryObjectives
   */
  readonly recoveryObjectives?: RecoveryObjectives;
  /**
   * Accept that an enforced RPO (`rds.global_db_rpo`) with a single secondary
   * region stops writes in the primary whenever that secondary is impaired
   * or lags past the bound.
   * @default false — synth refuses an enforced RPO with one secondary region
   */
  readonly acceptRpoGuardWriteStalls?: boolean;
  /**
   * A scheduled switchover drill (Step Functions, in the standby region).
   * @default - no drill
   */
  readonly drill?: FailoverDrillOptions;
  /**
   * Write the Markdown runbook next to the templates (`<cdk.out>/runbooks/`).
   * @default true
   */
  readonly writeRunbook?: boolean;
}

/**
 * Planned switchover and unplanned failover of an Aurora global database,
 * with the traffic shift in Route 53's data plane (see {@link GlobalRouter}),
 * and the human runbook generated from the same model.
 */
export class FailoverRunbook extends Construct {
  /** The runbook model (cloud-neutral). */
  public readonly model: RunbookModel;
  /** The Markdown runbook. */
  public readonly markdown: string;
  /** File name of the Markdown runbook. */
  public readonly runbookFileName: string;
  /** Recovery estimates. */
  public readonly estimates: RecoveryEstimates;
  /** The engine. */
  public readonly engine: FailoverEngine;
  /** The Region switch plan (region-switch engine). */
  public readonly plan?: arc.CfnPlan;
  /** The plan's execution role (region-switch engine). */
  public readonly planRole?: iam.Role;
  /** Step Functions resources per region (stepfunctions engine). */
  public readonly regional: Readonly<Record<string, RegionalEngine>>;
  /** ASL definitions by `<region>/<kind>`, for validation. */
  public readonly definitions: Readonly<Record<string, object>>;
  /** The drill state machine, when a drill is configured. */
  public readonly drillStateMachine?: sfn.StateMachine;
  /** Alarm on a failed drill. */
  public readonly drillAlarm?: cloudwatch.Alarm;
  /** rds.global_db_rpo set on the primary, seconds, when the declared RPO allows it. */
  public readonly enforcedRpoSeconds?: number;
  /** Who decides to fail over. */
  public readonly decision: FailoverDecision;
  /** The alarm that starts the automation (decision 'automatic'). */
  public readonly detectionAlarm?: cloudwatch.Alarm;
  /** Alarms on AuroraGlobalDBRPOLag approaching the enforced bound, per secondary region (only with an enforced RPO). */
  public readonly rpoLagAlarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: FailoverRunbookProps) {
    super(scope, id);
    const source = { construct: 'FailoverRunbook', path: this.node.path };
    throwIfMissing(source, props, { primary: 'the PrimaryRegion', replicas: 'every ReadReplicaRegion of the primary', router: 'the GlobalRouter whose write route the runbook moves' });
    const { primary, router } = props;
    const replicas = props.replicas;
    const engine = props.engine ?? 'region-switch';
    const globalId = primary.globalClusterIdentifier;
    const problems: ConfigProblem[] = [];
    if (engine !== 'region-switch' && engine !== 'stepfunctions') {
      problems.push({ property: 'engine', message: `engine ${show(engine)} is not an engine`, fix: "set engine to 'region-switch' or 'stepfunctions'" });
    }
    if (!globalId) {
      problems.push({ property: 'primary', message: `the primary '${primary.node.path}' is not a global database`, fix: 'give the PrimaryRegion replicaRegions' });
    }
    if (!router.standbyRegion) {
      problems.push({ property: 'router', message: 'the router has no write route', fix: 'create the GlobalRouter with writeRoute: true (the default)' });
    }
    const planName = props.planName ?? (globalId ?? 'plan').slice(0, 32).replace(/-+$/, '');
    if (engine === 'region-switch' && !PLAN_NAME.test(planName)) {
      problems.push({
        property: 'planName',
        message: `planName ${show(planName)} is not a valid Region switch plan name`,
        fix: 'use 1–32 letters, digits and hyphens, starting and ending with a letter or digit',
      });
    }
    const missing = primary.topology.replicaRegions.filter((r) => !replicas.some((x) => x.region === r));
    if (missing.length > 0) {
      problems.push({ property: 'replicas', message: `replicas has no ReadReplicaRegion for ${show(missing)}`, fix: 'pass every ReadReplicaRegion of the primary' });
    }
    const maxLag = props.maxSwitchoverLag ?? Duration.seconds(10);
    const hold = props.drill?.hold ?? Duration.minutes(10);
    if (props.drill && (hold.toSeconds() < 60 || hold.toSeconds() > 3600)) {
      problems.push({ property: 'drill.hold', message: `drill.hold ${hold.toSeconds()} s is outside 1–60 minutes`, fix: 'set drill.hold between Duration.minutes(1) and Duration.minutes(60)' });
    }

    // Recovery objectives: estimate from the router's settings and Aurora's figures.
    const objectives = props.recoveryObjectives ?? primary.topology.recoveryObjectives;
    const postgres = primary.topology.engine === 'postgresql';
    const rpo = objectives?.rpoSeconds;
    if (postgres && rpo !== undefined && Number.isFinite(rpo) && rpo >= GLOBAL_DB_RPO_MIN_SECONDS) {
      this.enforcedRpoSeconds = Math.min(Math.floor(rpo), GLOBAL_DB_RPO_MAX_SECONDS);
    }
    const stack = Stack.of(this);
    const { problems: decisionProblems, plan: decision } = resolveDecision({
      decision: props.decision,
      decisionTime: props.decisionTime,
      allowDataLoss: props.automaticFailoverAllowsDataLoss,
      engine,
      stackRegion: stack.region,
      hasPrimaryEndpointCheck: router.healthChecks[primary.region] !== undefined,
    });
    problems.push(...decisionProblems);
    const inputs = awsRecoveryInputs({
      intervalSeconds: router.intervalSeconds,
      failureThreshold: router.failureThreshold,
      ttlSeconds: router.ttlSeconds,
      trafficShiftSeconds: router.trafficShiftSeconds,
      decisionSeconds: decision.failoverDecisionSeconds,
      decisionLabel: decision.label,
      enforcedRpoSeconds: this.enforcedRpoSeconds,
      postgres,
    });
    problems.push(...checkObjectives(objectives, inputs, AWS_RECOVERY_WORDS));
    problems.push(...checkRpoGuard({
      enforcedRpoSeconds: this.enforcedRpoSeconds,
      primaryRegion: primary.region,
      replicaRegions: primary.topology.replicaRegions,
      accepted: props.acceptRpoGuardWriteStalls ?? false,
    }));
    throwIfProblems(source, problems);
    this.rpoLagAlarms = {};
    if (this.enforcedRpoSeconds !== undefined) {
      // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery
      primary.addClusterParameter('rds.global_db_rpo', String(this.enforcedRpoSeconds));
      this.rpoLagAlarms = createRpoLagAlarms(replicas, this.enforcedRpoSeconds);
    }
    this.engine = engine;
    this.estimates = estimateRecovery(inputs);

    const standby = router.standbyRegion!;
    const regions = [primary.region, ...replicas.map((r) => r.region)];
    const clusterIds: Record<string, string> = Object.fromEntries(regions.map((r) => [r, primary.clusterIdentifierIn(r)]));
    const account = Token.isUnresolved(stack.account) ? '<account-id>' : stack.account;
    this.decision = decision.decision;
    const detectionName = detectionAlarmName(clusterIds[primary.region]);
    if (decision.decision === 'automatic') {
      this.detectionAlarm = createDetectionAlarm(this, router.healthChecks[primary.region], detectionName, primary.region);
    }

    const regional: Record<string, RegionalEngine> = {};
    const definitions: Record<string, object> = {};
    if (engine === 'region-switch') {
      const rto = objectives?.rtoSeconds ?? this.estimates.failover.rtoSeconds;
      const { plan, role } = createRegionSwitchPlan(this, {
        name: planName,
        globalClusterIdentifier: globalId!,
        primaryRegion: primary.region,
        standbyRegion: standby,
        clusterIdentifiers: clusterIds,
        hostedZoneId: router.zone.hostedZoneId,
        recordName: router.writeRecordName,
        setIdentifiers: router.writeSetIdentifiers,
        rtoMinutes: Math.max(1, Math.ceil(rto / 60)),
        timeoutMinutes: 60,
        records: Object.values(router.writeRecords),
        trigger: this.detectionAlarm ? { alarmArn: this.detectionAlarm.alarmArn, alarmName: detectionName, minDelayMinutes: 60 } : undefined,
      });
      this.plan = plan;
      this.planRole = role;
      new CfnOutput(this, 'PlanArn', { value: plan.attrArn, description: `Region switch plan of ${globalId}` });
    } else {
      const allClusterArns = regions.map((r) => `arn:${Aws.PARTITION}:rds:${r}:${stack.account}:cluster:${clusterIds[r]}`);
      const dbScopes = new Map<string, Construct>([[primary.region, primary], ...replicas.map((r) => [r.region, r] as [string, Construct])]);
      for (const region of regions) {
        const dbStack = Stack.of(dbScopes.get(region)!);
        const home = new Construct(dbStack, `${id}-${region}`);
        const e = createRegionalEngine(home, {
          globalClusterIdentifier: globalId!,
          clusterIdentifier: clusterIds[region],
          allClusterArns,
          maxLagMillis: maxLag.toMilliseconds(),
          writeSignal: writeRouteSignal(region, primary.region, standby, (r) => primary.clusterIdentifierIn(r)),
          drill: props.drill && region === standby ? {
            schedule: props.drill.schedule,
            holdSeconds: hold.toSeconds(),
            homeClusterArn: `arn:${Aws.PARTITION}:rds:${primary.region}:${stack.account}:cluster:${clusterIds[primary.region]}`,
            homeRegion: primary.region,
          } : undefined,
        });
        regional[region] = e;
        if (region === standby && this.detectionAlarm) {
          wireAutomaticStepFunctions({
            runbook: this,
            standbyHome: home,
            alarm: this.detectionAlarm,
            alarmArn: alarmArn(stack.region, stack.account, detectionName),
            standbyRegion: standby,
            ruleName: automaticRuleName(globalId!),
            target: decision.allowDataLoss ? e.failover : e.switchover,
            allowDataLoss: decision.allowDataLoss,
          });
        }
        for (const [kind, def] of Object.entries(e.definitions)) definitions[`${region}/${kind}`] = def;
        if (e.drill) {
          this.drillStateMachine = e.drill;
          this.drillAlarm = e.drillAlarm;
        }
      }
    }
    if (props.drill && engine === 'region-switch') {
      // The drill runs as a Step Functions state machine in the standby
      // region whatever the engine: it calls Aurora directly, and the write
      // route follows the writer.
      const standbyReplica = replicas.find((r) => r.region === standby)!;
      const e = createRegionalEngine(new Construct(Stack.of(standbyReplica), `${id}-drill-${standby}`), {
        globalClusterIdentifier: globalId!,
        clusterIdentifier: clusterIds[standby],
        allClusterArns: regions.map((r) => `arn:${Aws.PARTITION}:rds:${r}:${stack.account}:cluster:${clusterIds[r]}`),
        maxLagMillis: maxLag.toMilliseconds(),
        writeSignal: writeRouteSignal(standby, primary.region, standby, (r) => primary.clusterIdentifierIn(r)),
        drill: {
          schedule: props.drill.schedule,
          holdSeconds: hold.toSeconds(),
          homeClusterArn: `arn:${Aws.PARTITION}:rds:${primary.region}:${stack.account}:cluster:${clusterIds[primary.region]}`,
          homeRegion: primary.region,
        },
      });
      for (const [kind, def] of Object.entries(e.definitions)) definitions[`${standby}/${kind}`] = def;
      this.drillStateMachine = e.drill;
      this.drillAlarm = e.drillAlarm;
      regional[standby] = e;
    }
    this.regional = regional;
    this.definitions = definitions;

    const writeRegions = [primary.region, standby];
    this.model = buildAwsRunbook({
      engine,
      account,
      globalClusterIdentifier: globalId!,
      primaryRegion: primary.region,
      standbyRegion: standby,
      regions,
      clusterIdentifiers: clusterIds,
      writeHostname: router.writeHostname,
      readHostname: router.readHostname,
      hostedZoneId: Token.isUnresolved(router.zone.hostedZoneId) ? `hosted zone of ${router.zone.zoneName}` : router.zone.hostedZoneId,
      writerAlarmNames: Object.fromEntries(writeRegions.map((r) => [r, writerAlarmName(clusterIds[r])])),
      planName: engine === 'region-switch' ? planName : undefined,
      planStack: stack.stackName,
      stateMachines: engine === 'stepfunctions'
        ? Object.fromEntries(regions.map((r) => [r, { switchover: regional[r].switchoverName, failover: regional[r].failoverName }]))
        : undefined,
      drillStateMachine: regional[standby]?.drillName,
      estimates: this.estimates,
      objectives,
      enforcedRpoSeconds: this.enforcedRpoSeconds,
      rpoLagAlarmNames: Object.fromEntries(Object.keys(this.rpoLagAlarms).map((r) => [r, rpoLagAlarmName(clusterIds[r])])),
      decision: {
        mode: decision.decision,
        humanDecisionSeconds: decision.humanDecisionSeconds,
        allowDataLoss: decision.allowDataLoss,
        detectionAlarm: this.detectionAlarm ? detectionName : undefined,
        ruleName: this.detectionAlarm && engine === 'stepfunctions' ? automaticRuleName(globalId!) : undefined,
      },
      stacks: deploymentStacks([
        [primary, 'primary database: cluster, key, master secret, global cluster'],
        ...replicas.map((r): [Construct, string] => [r, `secondary database of ${r.region}`]),
        [router, 'write and read routes'],
        [this, engine === 'region-switch' ? 'Region switch plan' : 'failover automation'],
      ]),
      regionSwitchChecksAttached: router.writeRecordHealthChecks !== undefined && Object.keys(router.writeRecordHealthChecks).length > 0
        && router.node.tryFindChild(`RegionSwitchHealthCheck-${primary.region}`) !== undefined,
    });
    const notes = objectiveNotes(objectives, inputs);
    if (notes.length > 0) this.model = { ...this.model, notes: [...(this.model.notes ?? []), ...notes] };
    throwIfProblems(source, validateRunbook(this.model));
    this.markdown = renderRunbookMarkdown(this.model);
    this.runbookFileName = runbookFileName(globalId!);

    if (props.writeRunbook ?? true) {
      const markdown = this.markdown;
      const file = this.runbookFileName;
      // Written into the cloud assembly at synth, next to the templates.
      // attachCustomSynthesis is the hook aws-cdk-lib's own modules use to add
      // files to the assembly.
      attachCustomSynthesis(this, {
        onSynthesize(session) {
          const dir = path.join(session.outdir, 'runbooks');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, file), markdown);
        },
      });
    }
  }
}

/** The stacks of the deployment, once each, with what the constructs in it hold. */
function deploymentStacks(parts: readonly [Construct, string][]): DeploymentStack[] {
  const byName = new Map<string, DeploymentStack>();
  for (const [construct, holds] of parts) {
    const stack = Stack.of(construct);
    const seen = byName.get(stack.stackName);
    byName.set(stack.stackName, { name: stack.stackName, region: stack.region, holds: seen ? `${seen.holds}; ${holds}` : holds });
  }
  return [...byName.values()];
}
