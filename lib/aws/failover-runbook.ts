import { attachCustomSynthesis, Duration, Stack, Token } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  checkObjectives, ConfigProblem, estimateRecovery, objectiveNotes, RecoveryEstimates, RecoveryObjectives,
  renderRunbookMarkdown, runbookFileName, RunbookModel, show, throwIfMissing, throwIfProblems, validateRunbook,
  writeOutputFiles,
} from '../core';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { AWS_RECOVERY_WORDS, awsRecoveryInputs, GLOBAL_DB_RPO_MAX_SECONDS, GLOBAL_DB_RPO_MIN_SECONDS } from './private/aws-recovery';
import { DeploymentStack } from './private/aws-outage';
import { buildAwsRunbook } from './private/aws-runbook';
import { createDetectionAlarm, detectionAlarmName, resolveDecision } from './private/decision';
import { checkRpoGuard, createRpoLagAlarms, rpoLagAlarmName } from './private/rpo-guard';
import { markPhaseComponent } from './private/phase-checks';
import { regionDatabases } from './private/region-databases';
import { PLAN_NAME } from './private/region-switch-plan';
import { accountOf, createEngines } from './private/runbook-engines';
import { RegionalEngine } from './private/step-functions-engine';
import { writerAlarmName } from './private/writer-signal';
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
  /** rds.global_db_rpo set on the writer's cluster parameter group, seconds, when the declared RPO allows it. */
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
    markPhaseComponent(this, { kind: 'runbook', primary });
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

    // Roles. The write route's records are in the origin (PRIMARY) and the
    // standby (SECONDARY) and never move; the writer is where the
    // configuration says it is today, and a failover goes to the other one.
    const home = primary.region;
    const standby = router.standbyRegion;
    const writer = primary.writerRegion;
    if (standby && writer !== home && writer !== standby) {
      problems.push({
        property: 'primary.writerRegion',
        message: `the primary's writerRegion ${show(writer)} is not in the write route (PRIMARY ${home}, SECONDARY ${standby}), so the runbook has no region to fail over to from it`,
        fix: `set the GlobalRouter's standbyRegion to '${writer}' (the SECONDARY write record moves there; no database changes), or set writerRegion to the region that really holds the writer`,
      });
    }
    const target = writer === home ? standby : home;

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
      hasPrimaryEndpointCheck: router.healthChecks[writer] !== undefined,
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
    const regions = [primary.region, ...replicas.map((r) => r.region)];
    problems.push(...checkRpoGuard({
      enforcedRpoSeconds: this.enforcedRpoSeconds,
      primaryRegion: writer,
      replicaRegions: regions.filter((r) => r !== writer),
      accepted: props.acceptRpoGuardWriteStalls ?? false,
    }));
    throwIfProblems(source, problems);
    const dbs = regionDatabases(primary, replicas);
    this.rpoLagAlarms = {};
    if (this.enforcedRpoSeconds !== undefined) {
      // In the writer's cluster parameter group only: "In a global database
      // with only two AWS Regions, we recommend keeping the rds.global_db_rpo
      // parameter's default value in the secondary Region's parameter group.
      // Otherwise, performing a failover due to a loss of the primary AWS
      // Region could cause Aurora to pause transactions"
      // (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery).
      // So it follows the writer (writerRegion), and the runbook moves it by
      // hand after a switchover, or after a failover once the old primary has
      // rejoined, until the configuration says where the writer is.
      dbs.find((d) => d.region === writer)!.addClusterParameter('rds.global_db_rpo', String(this.enforcedRpoSeconds));
      // Every region can be a secondary (the origin too, after a failover).
      this.rpoLagAlarms = createRpoLagAlarms(dbs, this.enforcedRpoSeconds);
    }
    this.engine = engine;
    this.estimates = estimateRecovery(inputs);

    const clusterIds: Record<string, string> = Object.fromEntries(regions.map((r) => [r, primary.clusterIdentifierIn(r)]));
    const account = accountOf(this);
    this.decision = decision.decision;
    const detectionName = detectionAlarmName(clusterIds[writer]);
    if (decision.decision === 'automatic') {
      this.detectionAlarm = createDetectionAlarm(this, router.healthChecks[writer], detectionName, writer);
    }

    const rto = objectives?.rtoSeconds ?? this.estimates.failover.rtoSeconds;
    const engines = createEngines({
      runbook: this,
      id,
      engine,
      router,
      globalClusterIdentifier: globalId!,
      regions,
      dbScopes: new Map(dbs.map((d) => [d.region, d.scope])),
      clusterIdentifiers: clusterIds,
      home,
      standby: standby!,
      target: target!,
      maxLagMillis: maxLag.toMilliseconds(),
      planName,
      rtoMinutes: Math.max(1, Math.ceil(rto / 60)),
      detection: this.detectionAlarm ? { alarm: this.detectionAlarm, name: detectionName, allowDataLoss: decision.allowDataLoss } : undefined,
      drill: props.drill ? { schedule: props.drill.schedule, holdSeconds: hold.toSeconds() } : undefined,
    });
    this.plan = engines.plan;
    this.planRole = engines.planRole;
    this.regional = engines.regional;
    this.definitions = engines.definitions;
    this.drillStateMachine = engines.drill;
    this.drillAlarm = engines.drillAlarm;

    this.model = buildAwsRunbook({
      engine,
      account,
      globalClusterIdentifier: globalId!,
      writerRegion: writer,
      targetRegion: target!,
      writeRoute: { primary: home, secondary: standby! },
      originRegion: primary.region,
      regions,
      clusterIdentifiers: clusterIds,
      writeHostname: router.writeHostname,
      readHostname: router.readHostname,
      readRegions: router.readRegions,
      endpointHostnames: Object.fromEntries(Object.entries(router.endpointHostnames).filter(([, h]) => !Token.isUnresolved(h))),
      graphqlHostname: router.graphql?.domainName,
      hostedZoneId: Token.isUnresolved(router.zone.hostedZoneId) ? `hosted zone of ${router.zone.zoneName}` : router.zone.hostedZoneId,
      writerAlarmNames: Object.fromEntries([home, standby!].map((r) => [r, writerAlarmName(clusterIds[r])])),
      secretName: `${globalId}/master`,
      planName: engine === 'region-switch' ? planName : undefined,
      planStack: stack.stackName,
      stateMachines: engine === 'stepfunctions'
        ? Object.fromEntries(regions.map((r) => [r, { switchover: engines.regional[r].switchoverName, failover: engines.regional[r].failoverName }]))
        : undefined,
      drillStateMachine: engines.regional[standby!]?.drillName,
      estimates: this.estimates,
      objectives,
      enforcedRpoSeconds: this.enforcedRpoSeconds,
      rpoLagAlarmNames: Object.fromEntries(Object.keys(this.rpoLagAlarms).map((r) => [r, rpoLagAlarmName(clusterIds[r])])),
      decision: {
        mode: decision.decision,
        humanDecisionSeconds: decision.humanDecisionSeconds,
        allowDataLoss: decision.allowDataLoss,
        detectionAlarm: this.detectionAlarm ? detectionName : undefined,
        ruleName: engines.ruleName,
      },
      stacks: deploymentStacks([
        [primary, `database of ${primary.region} (origin): cluster, key, master secret, global cluster`],
        ...replicas.map((r): [Construct, string] => [r, `database of ${r.region} (secondary at creation)`]),
        [router, 'write and read routes'],
        [this, engine === 'region-switch' ? 'Region switch plan' : 'failover automation'],
      ]),
      regionSwitchChecksAttached: router.regionSwitchChecksAttached,
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
          writeOutputFiles(session.outdir, [{ dir: 'runbooks', file, text: markdown }]);
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
