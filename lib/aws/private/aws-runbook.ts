import { formatSeconds, RunbookModel, RunbookProcedure, RunbookStep } from '../../core';
import { awsDeploymentState } from './aws-outage';
import { fenceNow, fenceWhenBack } from './aws-runbook-fence';
import { AURORA_DR_DOC, GLOBAL_DB_RPO_DOC, ROUTE53_METRICS_DOC } from './aws-recovery';
import {
  afterMoveChecks, AURORA_FAILOVER_FENCES, automated, AwsRunbookFacts, cliSwitchover, clusterArn, notify, preconditions, rpoCheckCommand,
  rpoMoveSteps, secretHostStep, verify, writerStep,
} from './aws-runbook-steps';

export type { AwsRunbookFacts } from './aws-runbook-steps';

/**
 * The deployment-time configuration that says `writer` writes: the old
 * writer takes the new writer's place in replicaRegions, so the regions keep
 * their order (LadderDeployment), and the origin stays pinned.
 */
function configuration(f: AwsRunbookFacts, writer: string): string {
  const others = f.regions.filter((r) => r !== f.originRegion);
  const replicas = writer === f.originRegion ? others : others.map((r) => (r === writer ? f.originRegion : r));
  return `-c primaryRegion=${writer} -c replicaRegions=${replicas.join(',')} -c originRegion=${f.originRegion}`;
}

/** Record the new writer in the configuration: a deploy then replaces nothing. */
function configurationStep(f: AwsRunbookFacts, writer: string): RunbookStep {
  return {
    kind: 'verification',
    title: `Say in the configuration that ${writer} writes`,
    detail: `Not needed to serve traffic: nothing deployed depends on which region writes. It points the runbook, the RPO parameter and the automatic decision at the new writer. originRegion stays ${f.originRegion} (docs/aws/day-two.md).`,
    commands: [{ command: `npx cdk diff ${configuration(f, writer)}` }],
    expect: 'no stack renamed, no database, instance, key or secret replaced — only the role-bound changes (rds.global_db_rpo between parameter groups, the detection alarm and its rule); then deploy with the same context.',
  };
}

/** Builds the runbook model for an AWS deployment. */
export function buildAwsRunbook(f: AwsRunbookFacts): RunbookModel {
  const p = f.writerRegion;
  const s = f.targetRegion;
  const engineName = f.engine === 'region-switch' ? 'ARC Region switch plan' : 'Step Functions state machines';
  const manualFailover = `aws rds failover-global-cluster --region ${s} \\\n  --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --target-db-cluster-identifier ${clusterArn(f, s)} --allow-data-loss`;
  const back = fenceWhenBack(f, p, s);
  const afterFailoverRpo = rpoMoveSteps(f, p, s, `Only once ${p} has rejoined as a connected secondary (the step above): before that a bound on ${s} would pause its transactions, with no secondary in sync.`);
  const procedures: RunbookProcedure[] = [{
    id: 'switchover',
    title: `Switchover to ${s}`,
    whenToUse: 'Planned moves and drills, or a degraded but reachable primary region.',
    dataLoss: 'none: Aurora synchronises the target first (RPO 0).',
    steps: [...preconditions(f, s, true), automated(f, s, 'switchover'), ...verify(f, s), ...rpoMoveSteps(f, p, s), notify(`writes moved to ${s} by switchover`), configurationStep(f, s)],
  }, {
    id: 'failover',
    title: `Failover to ${s}`,
    whenToUse: `The primary region ${p} is down or its database cannot be reached, and waiting costs more than losing the last seconds of writes.`,
    dataLoss: `the writes not yet replicated (AuroraGlobalDBRPOLag${f.enforcedRpoSeconds ? `, at most ${f.enforcedRpoSeconds} s by rds.global_db_rpo` : ', typically seconds'}).`,
    steps: [...preconditions(f, s, false), automated(f, s, 'failover'), ...verify(f, s), ...fenceNow(f, p, s), notify(`writes moved to ${s} by failover, with possible data loss`),
      back.snapshot, back.rejoined, ...afterFailoverRpo, configurationStep(f, s)],
  }, {
    id: 'manual-switchover',
    title: 'Manual switchover (fallback)',
    whenToUse: `The ${engineName} cannot be used (console or API unavailable, permissions).`,
    dataLoss: 'none.',
    steps: [...preconditions(f, s, true), cliSwitchover(f, s), ...verify(f, s), ...rpoMoveSteps(f, p, s), notify(`writes moved to ${s} by a manual switchover`)],
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
      fencesFormerWriter: AURORA_FAILOVER_FENCES,
    }, ...verify(f, s), ...fenceNow(f, p, s), notify(`writes moved to ${s} by a manual failover`), back.snapshot, back.rejoined, ...afterFailoverRpo],
  }, {
    id: 'verify',
    title: 'Verify the current write region',
    whenToUse: 'Any time: before and after each procedure.',
    dataLoss: 'none (read-only).',
    steps: [{ ...writerStep(f, p), title: 'Show which cluster holds the writer', expect: 'the writer cluster ARN; its region is the write region.' },
      {
        kind: 'verification',
        title: 'Show the writer-role alarm of every region',
        commands: f.regions.filter((r) => f.writerAlarmNames[r]).map((r) => ({ command: `aws cloudwatch describe-alarms --region ${r} --alarm-names ${f.writerAlarmNames[r]} --query 'MetricAlarms[0].StateValue'` })),
        expect: '`"OK"` in the write region only.',
      },
      secretHostStep(f, p),
      ...(f.enforcedRpoSeconds ? [{
        kind: 'verification' as const,
        title: 'Show where rds.global_db_rpo is set',
        commands: f.regions.map((r) => rpoCheckCommand(f, r)),
        expect: `\`${f.enforcedRpoSeconds}\` in the write region's group only.`,
      }] : [])],
  }, {
    id: 'failback',
    title: `Failback to ${p}`,
    whenToUse: `After a failover to ${s}, once ${p} has recovered and Aurora has re-added its cluster to the global database as a secondary.`,
    dataLoss: 'none: a switchover.',
    steps: [
      // The fence first: the old primary rejoined as a read-only secondary, its unreplicated writes kept.
      { ...back.rejoined, kind: 'precondition', title: `Check that ${p} has rejoined as a connected secondary` },
      back.snapshot,
      ...preconditions(f, p, true).slice(0, 1), ...preconditions(f, p, true).slice(2),
      automated(f, p, 'switchover'), ...verify(f, p), ...rpoMoveSteps(f, s, p),
      ...afterMoveChecks(f, p, s).slice(1),
      {
        kind: 'verification',
        title: 'Everything is as it was',
        detail: `Writer in ${p}, ${s} a connected secondary with sub-second lag, the secret naming the global writer endpoint${f.enforcedRpoSeconds ? `, rds.global_db_rpo on ${p} only` : ''}, the write route answering with ${p}. If the configuration was changed to primaryRegion=${s} after the failover, set it back: the diff must be empty but for the role-bound changes.`,
        commands: [{ command: `npx cdk diff ${configuration(f, p)}` }],
        expect: 'no stack renamed, no database, instance, key or secret replaced.',
      },
      notify(`writes returned to ${p}`),
    ],
  }, drillProcedure(f)];
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
    { label: 'Origin region (created the global database; holds the master secret)', value: f.originRegion },
    ...f.regions.map((r) => ({ label: `Cluster in ${r}`, value: clusterArn(f, r) })),
    { label: 'Master secret (replicated to every region)', value: f.secretName },
    ...(f.writeHostname ? [{ label: 'Write hostname', value: f.writeHostname }] : []),
    ...(f.readHostname ? [{ label: 'Read hostname', value: f.readHostname }] : []),
    { label: 'Hosted zone', value: f.hostedZoneId },
    ...(f.planName ? [{ label: 'Region switch plan name', value: f.planName }, { label: 'Plan ARN', value: `output PlanArn of stack ${f.planStack}` }] : []),
    ...Object.entries(f.stateMachines ?? {}).flatMap(([r, sm]) => [
      { label: `Switchover state machine (${r})`, value: `arn:aws:states:${r}:${f.account}:stateMachine:${sm.switchover}` },
      { label: `Failover state machine (${r})`, value: `arn:aws:states:${r}:${f.account}:stateMachine:${sm.failover}` },
    ]),
  ];
  const h = f.writeRoute.primary;
  const w = f.writeRoute.secondary;
  const notes = [
    decisionNote,
    `Static stability: no procedure edits a DNS record. The PRIMARY write record (${h}) carries a health check that requires ${h}'s endpoint, ${h}'s writer-role alarm OK and ${w}'s writer-role alarm not OK${f.regionSwitchChecksAttached ? `, and the Region switch plan's health check of ${h}` : ''}; the SECONDARY (${w}) carries ${w}'s endpoint check. So writes follow Aurora's writer using only Route 53's data plane, whichever region writes.`,
    `Route 53 health-check metrics and their alarms live in us-east-1 (${ROUTE53_METRICS_DOC}); during an outage of us-east-1 the health checks keep working but their alarms may not notify.`,
    'Applications should connect through the global writer endpoint, which follows the writer too; the master secret names it (verify procedure).',
    `Day two: after a switchover or failover the deployed stacks stay correct — no database, key or secret depends on which region writes. To point the runbook, the RPO parameter and the automatic decision at the new writer, set primaryRegion to it (originRegion stays ${f.originRegion}) and deploy: it replaces nothing (docs/aws/day-two.md).`,
    `The master secret's hosted rotation runs in ${f.originRegion}'s VPC and connects to the secret's host: while another region writes it needs a network path there (VPC peering or a transit gateway), otherwise a rotation fails and is retried — the current password keeps working.`,
  ];
  if (f.engine === 'region-switch') {
    notes.push(f.regionSwitchChecksAttached
      ? `The Region switch plan's Route 53 health check of ${h} gates the PRIMARY write record from the first deploy (read from the plan's PlanHealthChecks attribute): executing the plan also moves writes when the database stays where it is. Check it with \`aws arc-region-switch list-route53-health-checks --region ${p} --arn "$PLAN_ARN"\` after the first deployment: ${h} healthy.`
      : `Next deploy: the router is in another region than the plan, so pass the plan's health check ids as regionSwitchHealthCheckIds (\`aws arc-region-switch list-route53-health-checks --region ${p} --arn "$PLAN_ARN"\`) and deploy the router's stack; until then the write route follows the database writer only.`);
  }
  if (f.enforcedRpoSeconds) {
    notes.push(`rds.global_db_rpo is ${f.enforcedRpoSeconds} s on the writer's (${p}) cluster parameter group only (${GLOBAL_DB_RPO_DOC}): commits on ${p} wait when every secondary lags more. AWS recommends the default in a secondary's group ("performing a failover due to a loss of the primary AWS Region could cause Aurora to pause transactions"), so the switchover and failover procedures move it to the new writer, and primaryRegion in the configuration keeps it there.`);
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
    summary: `Aurora global database \`${f.globalClusterIdentifier}\` writes in ${p}; ${s} is the region a failover moves the writer to. Recovery runs through the ${engineName}; the RDS CLI is the fallback.`,
    primaryRegion: p,
    standbyRegion: s,
    regions: f.regions,
    facts,
    decisions: [
      { situation: 'Planned move, maintenance, drill', use: 'switchover', because: 'no data loss' },
      { situation: `${p} degraded but its database answers`, use: 'switchover', because: 'no data loss; fails fast if the primary cannot sync' },
      { situation: `${p} down, or its database unreachable`, use: 'failover', because: 'the only way forward; loses the unreplicated writes' },
      { situation: 'The automation itself is unavailable', use: 'manual-switchover', because: 'same operation through the RDS CLI (manual failover when the primary is down)' },
      { situation: `${p} is back after a failover`, use: 'failback', because: 'a switchover, after the old primary rejoined' },
      { situation: 'Proving the procedures, in a quiet hour', use: 'drill', because: 'a switchover there and back, with every check' },
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

/**
 * The drill: a switchover to the target and back, with every check after
 * each move and the values expected from the deployment.
 */
function drillProcedure(f: AwsRunbookFacts): RunbookProcedure {
  const p = f.writerRegion;
  const s = f.targetRegion;
  const scheduled = f.drillStateMachine
    ? ` Scheduled: the state machine \`${f.drillStateMachine}\` in ${f.writeRoute.secondary} runs the two switchovers (\`aws stepfunctions start-execution --region ${f.writeRoute.secondary} --state-machine-arn arn:aws:states:${f.writeRoute.secondary}:${f.account}:stateMachine:${f.drillStateMachine}\`); run these checks after each.`
    : '';
  return {
    id: 'drill',
    title: 'Drill',
    whenToUse: `In a quiet hour, on demand or on a schedule: proves the switchover works both ways and that every guarantee follows the writer.${scheduled}`,
    dataLoss: 'none: two switchovers.',
    steps: [
      writerStep(f, p, `The drill starts from the steady state: ${p} writes`),
      ...preconditions(f, s, true),
      automated(f, s, 'switchover'),
      ...rpoMoveSteps(f, p, s),
      ...afterMoveChecks(f, s, p),
      { ...automated(f, p, 'switchover'), title: `Switch back: ${automated(f, p, 'switchover').title}` },
      ...rpoMoveSteps(f, s, p),
      ...afterMoveChecks(f, p, s),
      notify('the drill passed (switchover there and back), with the measured durations'),
    ],
  };
}
