import {
  formatSeconds, RecoveryEstimates, RecoveryObjectives, RunbookModel, RunbookProcedure, RunbookStep,
} from '../../core';
import { awsDeploymentState, DeploymentStack } from './aws-outage';
import { AURORA_DR_DOC, GLOBAL_DB_RPO_DOC, ROUTE53_METRICS_DOC } from './aws-recovery';

/** Plain facts about a deployment, for the AWS runbook. */
export interface AwsRunbookFacts {
  readonly engine: 'region-switch' | 'stepfunctions';
  readonly account: string;
  readonly globalClusterIdentifier: string;
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  readonly regions: readonly string[];
  readonly clusterIdentifiers: Readonly<Record<string, string>>;
  readonly writeHostname?: string;
  readonly readHostname?: string;
  readonly hostedZoneId: string;
  readonly writerAlarmNames: Readonly<Record<string, string>>;
  readonly planName?: string;
  readonly planStack?: string;
  readonly stateMachines?: Readonly<Record<string, { switchover: string; failover: string }>>;
  readonly drillStateMachine?: string;
  readonly estimates: RecoveryEstimates;
  readonly objectives?: RecoveryObjectives;
  readonly enforcedRpoSeconds?: number;
  /** AuroraGlobalDBRPOLag alarms per secondary region (with an enforced RPO). */
  readonly rpoLagAlarmNames?: Readonly<Record<string, string>>;
  readonly regionSwitchChecksAttached: boolean;
  /** The CloudFormation stacks of the deployment (for the deployment-state section). */
  readonly stacks: readonly DeploymentStack[];
  /** Who decides to fail over. */
  readonly decision: {
    readonly mode: 'manual' | 'automatic';
    readonly humanDecisionSeconds: number;
    readonly allowDataLoss: boolean;
    /** The detection alarm (us-east-1) that starts the automation. */
    readonly detectionAlarm?: string;
    /** EventBridge rule in the standby region (Step Functions engine). */
    readonly ruleName?: string;
  };
}

const clusterArn = (f: AwsRunbookFacts, region: string) => `arn:aws:rds:${region}:${f.account}:cluster:${f.clusterIdentifiers[region]}`;

function preconditions(f: AwsRunbookFacts, target: string, planned: boolean): RunbookStep[] {
  const steps: RunbookStep[] = [{
    kind: 'precondition',
    title: `Check that ${target} has instances and is available`,
    detail: 'Aurora cannot promote a headless secondary.',
    commands: [{ command: `aws rds describe-db-clusters --region ${target} --db-cluster-identifier ${f.clusterIdentifiers[target]} \\\n  --query 'DBClusters[0].[Status, length(DBClusterMembers)]'` }],
    expect: '`["available", 1]` or more instances.',
  }];
  if (planned) {
    steps.push({
      kind: 'precondition',
      title: 'Check replication lag',
      detail: 'A switchover waits for the target to catch up; with a high lag writes block meanwhile.',
      commands: [{ command: `aws cloudwatch get-metric-statistics --region ${target} --namespace AWS/RDS \\\n  --metric-name AuroraGlobalDBReplicationLag --dimensions Name=DBClusterIdentifier,Value=${f.clusterIdentifiers[target]} \\\n  --start-time $(date -u -d '-10 min' +%FT%TZ) --end-time $(date -u +%FT%TZ) --period 60 --statistics Maximum` }],
      expect: 'a few hundred milliseconds; wait when it is seconds.',
    });
  }
  return steps;
}

function verify(f: AwsRunbookFacts, target: string): RunbookStep[] {
  const steps: RunbookStep[] = [{
    kind: 'verification',
    title: `Confirm ${target} holds the writer`,
    commands: [{ command: `aws rds describe-global-clusters --region ${target} --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --query 'GlobalClusters[0].[Status, GlobalClusterMembers[?IsWriter].DBClusterArn]'` }],
    expect: `\`available\` and \`${clusterArn(f, target)}\`.`,
    timeoutSeconds: 900,
  }, trafficStep(f, target)];
  return steps;
}

/**
 * What decides the write route after the writer moved to `target`: the
 * PRIMARY record is healthy only while the primary's writer alarm is OK and
 * the standby's is not (and the primary's endpoint is healthy); otherwise
 * Route 53 answers the SECONDARY (the standby).
 */
function trafficStep(f: AwsRunbookFacts, target: string): RunbookStep {
  const p = f.primaryRegion;
  const s = f.standbyRegion;
  const alarm = (region: string) => ({
    command: `aws cloudwatch describe-alarms --region ${region} --alarm-names ${f.writerAlarmNames[region]} --query 'MetricAlarms[0].StateValue'`,
  });
  const dig = f.writeHostname ? [{ command: `dig +short ${f.writeHostname}` }] : [];
  if (target === p) {
    return {
      kind: 'traffic-shift',
      title: 'Confirm the write route followed',
      detail: `The PRIMARY write record (${p}) answers only while ${p}'s writer alarm is OK and ${s}'s is not: check both, each in its own region. No DNS record is edited.`,
      commands: [alarm(p), alarm(s), ...dig],
      expect: `\`"OK"\` in ${p}, then \`"ALARM"\` in ${s}; the hostname then answers with the ${p} endpoint within the TTL.`,
      timeoutSeconds: 300,
    };
  }
  if (target === s) {
    return {
      kind: 'traffic-shift',
      title: 'Confirm the write route followed',
      detail: `${s}'s writer alarm OK makes the PRIMARY write record unhealthy (it carries that alarm's check, inverted), so Route 53 answers the SECONDARY (${s}) while ${s}'s endpoint is healthy. No DNS record is edited.`,
      commands: [alarm(s), ...dig],
      expect: `\`"OK"\`, then the hostname answers with the ${s} endpoint within the TTL.`,
      timeoutSeconds: 300,
    };
  }
  return {
    kind: 'traffic-shift',
    title: 'Confirm the write route followed',
    detail: `${target} has no write record: once ${p}'s writer alarm is ALARM the PRIMARY record is unhealthy and writes go to the ${s} application, which reaches the writer through the global writer endpoint.`,
    commands: [alarm(p), ...dig],
    expect: `\`"ALARM"\`, then the hostname answers with the ${s} endpoint within the TTL.`,
    timeoutSeconds: 300,
  };
}

function notify(what: string): RunbookStep {
  return { kind: 'notification', title: 'Tell the people who depend on it', detail: `Post in the incident channel that ${what}, with the time and the measured data loss (AuroraGlobalDBRPOLag before the move).` };
}

function automated(f: AwsRunbookFacts, target: string, mode: 'switchover' | 'failover'): RunbookStep {
  if (f.engine === 'region-switch') {
    return {
      kind: mode === 'switchover' ? 'database-switchover' : 'database-failover',
      title: `Execute the Region switch plan to activate ${target}${mode === 'failover' ? ' (ungraceful)' : ''}`,
      detail: mode === 'switchover'
        ? 'Graceful execution: the Aurora block calls SwitchoverGlobalCluster (RPO 0), then the Route 53 block shifts the health checks.'
        : 'Ungraceful execution: the Aurora block calls FailoverGlobalCluster with AllowDataLoss.',
      commands: [{
        // ListPlansInRegion and StartPlanExecution are Region switch data-plane
        // operations, served in the Region asked; ListPlans is control plane
        // and may be unreachable in an outage
        // (https://docs.aws.amazon.com/r53recovery/latest/dg/actions.region-switch.html).
        description: 'Find the plan ARN (also the PlanArn output of the stack) through the data plane of the Region being activated',
        command: `PLAN_ARN=$(aws arc-region-switch list-plans-in-region --region ${target} --query "plans[?name=='${f.planName}'].arn" --output text)`,
      }, {
        command: `aws arc-region-switch start-plan-execution --region ${target} --plan-arn "$PLAN_ARN" \\\n  --target-region ${target} --action activate --mode ${mode === 'switchover' ? 'graceful' : 'ungraceful'}`,
      }],
      expect: 'an execution id; follow it in the ARC console (Region switch > plan > executions).',
      timeoutSeconds: 3600,
    };
  }
  const sm = f.stateMachines![target];
  return {
    kind: mode === 'switchover' ? 'database-switchover' : 'database-failover',
    title: `Start the ${mode} state machine in ${target}`,
    detail: mode === 'switchover'
      ? 'It checks lag and target health, switches over, waits for the writer and the write route, and notifies.'
      : 'It refuses to run without {"allowDataLoss": true}.',
    commands: [{
      command: `aws stepfunctions start-execution --region ${target} \\\n  --state-machine-arn arn:aws:states:${target}:${f.account}:stateMachine:${mode === 'switchover' ? sm.switchover : sm.failover}${mode === 'failover' ? " \\\n  --input '{\"allowDataLoss\": true}'" : ''}`,
    }],
    expect: 'SUCCEEDED; on failure the SNS message names the stage where it stopped.',
    timeoutSeconds: 3600,
  };
}

/** Builds the runbook model for an AWS deployment. */
export function buildAwsRunbook(f: AwsRunbookFacts): RunbookModel {
  const p = f.primaryRegion;
  const s = f.standbyRegion;
  const engineName = f.engine === 'region-switch' ? 'ARC Region switch plan' : 'Step Functions state machines';
  const manualFailover = `aws rds failover-global-cluster --region ${s} \\\n  --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --target-db-cluster-identifier ${clusterArn(f, s)} --allow-data-loss`;
  const procedures: RunbookProcedure[] = [{
    id: 'switchover',
    title: `Switchover to ${s}`,
    whenToUse: 'Planned moves and drills, or a degraded but reachable primary region.',
    dataLoss: 'none: Aurora synchronises the target first (RPO 0).',
    steps: [...preconditions(f, s, true), automated(f, s, 'switchover'), ...verify(f, s), notify(`writes moved to ${s} by switchover`)],
  }, {
    id: 'failover',
    title: `Failover to ${s}`,
    whenToUse: `The primary region ${p} is down or its database cannot be reached, and waiting costs more than losing the last seconds of writes.`,
    dataLoss: `the writes not yet replicated (AuroraGlobalDBRPOLag${f.enforcedRpoSeconds ? `, at most ${f.enforcedRpoSeconds} s by rds.global_db_rpo` : ', typically seconds'}).`,
    steps: [...preconditions(f, s, false), automated(f, s, 'failover'), ...verify(f, s), notify(`writes moved to ${s} by failover, with possible data loss`)],
  }, {
    id: 'manual-switchover',
    title: 'Manual switchover (fallback)',
    whenToUse: `The ${engineName} cannot be used (console or API unavailable, permissions).`,
    dataLoss: 'none.',
    steps: [...preconditions(f, s, true), {
      kind: 'database-switchover',
      title: 'Switch over with the RDS CLI',
      commands: [{ command: `aws rds switchover-global-cluster --region ${s} \\\n  --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --target-db-cluster-identifier ${clusterArn(f, s)}` }],
      timeoutSeconds: 900,
    }, ...verify(f, s), notify(`writes moved to ${s} by a manual switchover`)],
  }, {
    id: 'manual-failover',
    title: 'Manual failover (fallback)',
    whenToUse: 'As the failover, when the automation cannot be used.',
    dataLoss: 'the writes not yet replicated.',
    steps: [...preconditions(f, s, false), {
      kind: 'database-failover',
      title: 'Fail over with the RDS CLI',
      detail: 'Without --allow-data-loss, failover-global-cluster performs a switchover instead, which cannot complete while the primary is down.',
      commands: [{ command: manualFailover }],
      timeoutSeconds: 900,
    }, ...verify(f, s), notify(`writes moved to ${s} by a manual failover`)],
  }, {
    id: 'verify',
    title: 'Verify the current write region',
    whenToUse: 'Any time: before and after each procedure.',
    dataLoss: 'none (read-only).',
    steps: [...verify(f, p).slice(0, 1).map((st) => ({ ...st, title: 'Show which cluster holds the writer', expect: 'the writer cluster ARN; its region is the write region.' })),
      {
        kind: 'verification',
        title: 'Show the writer-role alarm of every region',
        commands: f.regions.filter((r) => f.writerAlarmNames[r]).map((r) => ({ command: `aws cloudwatch describe-alarms --region ${r} --alarm-names ${f.writerAlarmNames[r]} --query 'MetricAlarms[0].StateValue'` })),
        expect: '`"OK"` in the write region only.',
      }],
  }, {
    id: 'failback',
    title: `Failback to ${p}`,
    whenToUse: `${p} has recovered and its cluster has rejoined the global database as a secondary (after a failover Aurora re-adds it when the region returns; check with the verify procedure).`,
    dataLoss: 'none: a switchover.',
    steps: [...preconditions(f, p, true), automated(f, p, 'switchover'), ...verify(f, p), notify(`writes returned to ${p}`)],
  }];
  if (f.drillStateMachine) {
    procedures.push({
      id: 'drill',
      title: 'Drill',
      whenToUse: 'Scheduled (if enabled) or on demand, in a quiet hour: proves the switchover works both ways.',
      dataLoss: 'none: two switchovers.',
      steps: [{
        kind: 'database-switchover',
        title: `Start the drill state machine in ${s}`,
        commands: [{ command: `aws stepfunctions start-execution --region ${s} --state-machine-arn arn:aws:states:${s}:${f.account}:stateMachine:${f.drillStateMachine}` }],
        expect: 'SUCCEEDED; its failure alarm notifies otherwise.',
        timeoutSeconds: 10800,
      }],
    });
  }
  const d = f.decision;
  const human = formatSeconds(d.humanDecisionSeconds);
  let decisionFact: string;
  let decisionNote: string;
  if (d.mode === 'manual') {
    decisionFact = `manual — a person decides (assumed ${human})`;
    decisionNote = `Decision: manual. A person decides to fail over after the detection (the Route 53 health check of the ${p} endpoint); the recovery estimate assumes ${human} for that (decisionTime) — an assumption: measure it in a drill and set decisionTime to what you measure.`;
  } else {
    const stop = f.engine === 'stepfunctions'
      ? `To pause the automation: \`aws events disable-rule --region ${s} --name ${d.ruleName}\`.`
      : 'To pause the automation, remove the trigger (decision: \'manual\') and deploy.';
    decisionFact = d.allowDataLoss
      ? `automatic failover (data loss accepted) when ${d.detectionAlarm} (us-east-1) is in ALARM`
      : `automatic switchover when ${d.detectionAlarm} (us-east-1) is in ALARM; a failover is a person's decision (assumed ${human})`;
    decisionNote = d.allowDataLoss
      ? `Decision: automatic. When \`${d.detectionAlarm}\` (us-east-1, the ${p} endpoint's health check) goes to ALARM, the ${f.engine === 'stepfunctions' ? `failover state machine in ${s} starts with {"allowDataLoss": true}` : `Region switch plan's trigger activates ${s}`}: the writes not yet replicated are lost (automaticFailoverAllowsDataLoss). ${stop}`
      : `Decision: automatic switchover. When \`${d.detectionAlarm}\` (us-east-1, the ${p} endpoint's health check) goes to ALARM, the switchover state machine in ${s} starts (no data loss). It fails when ${p}'s database does not answer; then a person decides on the failover — the estimate assumes ${human} for that (decisionTime). ${stop}`;
  }
  const facts = [
    { label: 'Failover engine', value: engineName },
    { label: 'Failover decision', value: decisionFact },
    { label: 'Aurora global cluster', value: f.globalClusterIdentifier },
    ...f.regions.map((r) => ({ label: `Cluster in ${r}`, value: clusterArn(f, r) })),
    ...(f.writeHostname ? [{ label: 'Write hostname', value: f.writeHostname }] : []),
    ...(f.readHostname ? [{ label: 'Read hostname', value: f.readHostname }] : []),
    { label: 'Hosted zone', value: f.hostedZoneId },
    ...(f.planName ? [{ label: 'Region switch plan name', value: f.planName }, { label: 'Plan ARN', value: `output PlanArn of stack ${f.planStack}` }] : []),
    ...Object.entries(f.stateMachines ?? {}).flatMap(([r, sm]) => [
      { label: `Switchover state machine (${r})`, value: `arn:aws:states:${r}:${f.account}:stateMachine:${sm.switchover}` },
      { label: `Failover state machine (${r})`, value: `arn:aws:states:${r}:${f.account}:stateMachine:${sm.failover}` },
    ]),
  ];
  const notes = [
    decisionNote,
    `Static stability: no procedure edits a DNS record. The PRIMARY write record (${p}) carries a health check that requires ${p}'s endpoint, ${p}'s writer-role alarm OK and ${s}'s writer-role alarm not OK; the SECONDARY (${s}) carries ${s}'s endpoint check. So writes follow Aurora's writer using only Route 53's data plane.`,
    `Route 53 health-check metrics and their alarms live in us-east-1 (${ROUTE53_METRICS_DOC}); during an outage of us-east-1 the health checks keep working but their alarms may not notify.`,
    'Applications should connect through the global writer endpoint, which follows the writer too.',
  ];
  if (f.engine === 'region-switch' && !f.regionSwitchChecksAttached) {
    notes.push(`One-time setup: the plan's Route 53 health check block creates one health check per region. After the first deployment, list them with \`aws arc-region-switch list-route53-health-checks --region ${s} --arn "$PLAN_ARN"\` and pass them to the GlobalRouter as regionSwitchHealthCheckIds, so executing the plan can also move writes when the database stays where it is. Until then the write route follows the database writer only.`);
  }
  if (f.enforcedRpoSeconds) {
    notes.push(`rds.global_db_rpo is ${f.enforcedRpoSeconds} s on the primary's cluster parameter group (${GLOBAL_DB_RPO_DOC}): commits on ${p} wait when every secondary lags more. After a switchover or failover the new primary uses its own parameter group, which leaves it unset.`);
    const alarms = Object.entries(f.rpoLagAlarmNames ?? {}).map(([r, name]) => `\`${name}\` (${r})`);
    notes.push(`Trade-off of rds.global_db_rpo: ${f.regions.length === 2 ? `with one secondary, any impairment of ${s} stops writes in ${p}` : 'an impairment of every secondary at once stops writes in the primary'}, and a major version upgrade of the global database is refused while it is set (reset it first). ${alarms.length > 0 ? `The alarms ${alarms.join(', ')} warn when AuroraGlobalDBRPOLag reaches 80% of the bound. ` : ''}If writes stall and waiting is worse than an unbounded RPO, reset it — this gives up the bound: \`PG=$(aws rds describe-db-clusters --region ${p} --db-cluster-identifier ${f.clusterIdentifiers[p]} --query 'DBClusters[0].DBClusterParameterGroup' --output text); aws rds reset-db-cluster-parameter-group --region ${p} --db-cluster-parameter-group-name "$PG" --parameters ParameterName=rds.global_db_rpo,ApplyMethod=immediate\`; once ${s} has caught up, restore it: \`aws rds modify-db-cluster-parameter-group --region ${p} --db-cluster-parameter-group-name "$PG" --parameters ParameterName=rds.global_db_rpo,ParameterValue=${f.enforcedRpoSeconds},ApplyMethod=immediate\`.`);
    if (f.regions.length > 2) {
      // Aurora lets commits through while at least one secondary is within the bound (same page).
      notes.push(`With ${f.regions.length - 1} secondaries, Aurora lets commits through while any one of them is within ${f.enforcedRpoSeconds} s: the bound holds for ${s} only while it is that one. Check AuroraGlobalDBRPOLag of ${s} before a failover.`);
    }
  }
  return {
    title: `Failover runbook: ${f.globalClusterIdentifier}`,
    cloud: 'aws',
    summary: `Aurora global database \`${f.globalClusterIdentifier}\` writes in ${p}; ${s} is the standby the write route fails over to. Recovery runs through the ${engineName}; the RDS CLI is the fallback.`,
    primaryRegion: p,
    standbyRegion: s,
    regions: f.regions,
    facts,
    decisions: [
      { situation: 'Planned move, maintenance, drill', use: 'switchover', because: 'no data loss' },
      { situation: `${p} degraded but its database answers`, use: 'switchover', because: 'no data loss; fails fast if the primary cannot sync' },
      { situation: `${p} down, or its database unreachable`, use: 'failover', because: 'the only way forward; loses the unreplicated writes' },
      { situation: 'The automation itself is unavailable', use: 'manual-switchover', because: 'same operation through the RDS CLI (manual failover when the primary is down)' },
      { situation: `${p} is back`, use: 'failback', because: 'a switchover, after the old primary rejoined' },
    ],
    procedures,
    estimates: f.estimates,
    objectives: f.objectives,
    deploymentState: awsDeploymentState({
      account: f.account,
      primaryRegion: p,
      standbyRegion: s,
      stacks: f.stacks,
      failoverCommand: manualFailover,
    }),
    notes,
    references: [
      { label: 'Aurora: using switchover or failover', value: AURORA_DR_DOC },
      { label: 'ARC Region switch: Aurora Global Database execution block', value: 'https://docs.aws.amazon.com/r53recovery/latest/dg/aurora-global-database-block.html' },
      { label: 'ARC Region switch: Route 53 health check execution block', value: 'https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html' },
    ],
  };
}
