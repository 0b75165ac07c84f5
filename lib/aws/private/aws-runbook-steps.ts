/**
 * The steps of the AWS runbook, each with the real names and commands of the
 * deployment. Roles: `writerRegion` holds the writer today (configuration),
 * `targetRegion` is where a failover moves it; the write route's records
 * are in `writeRoute.primary` (PRIMARY, the origin) and
 * `writeRoute.secondary` (SECONDARY) whatever region writes.
 */
import { RecoveryEstimates, RecoveryObjectives, RunbookStep } from '../../core';
import { DeploymentStack } from './aws-outage';

/** Plain facts about a deployment, for the AWS runbook. */
export interface AwsRunbookFacts {
  readonly engine: 'region-switch' | 'stepfunctions';
  readonly account: string;
  readonly globalClusterIdentifier: string;
  /** The region that holds the writer (configuration: the primary's writerRegion). */
  readonly writerRegion: string;
  /** The region a switchover or failover moves the writer to. */
  readonly targetRegion: string;
  /** Regions of the write route's records. */
  readonly writeRoute: { readonly primary: string; readonly secondary: string };
  /** The region the global database was created in (the master secret's primary copy). */
  readonly originRegion: string;
  readonly regions: readonly string[];
  readonly clusterIdentifiers: Readonly<Record<string, string>>;
  readonly writeHostname?: string;
  readonly readHostname?: string;
  /** Regions of the read route. @default [] */
  readonly readRegions?: readonly string[];
  /** The application endpoint hostname of each region with an endpoint. @default {} */
  readonly endpointHostnames?: Readonly<Record<string, string>>;
  /** The GraphQL entry point's hostname, when there is one. */
  readonly graphqlHostname?: string;
  readonly hostedZoneId: string;
  readonly writerAlarmNames: Readonly<Record<string, string>>;
  /** Name of the master secret (replicated to every region). */
  readonly secretName: string;
  readonly planName?: string;
  readonly planStack?: string;
  readonly stateMachines?: Readonly<Record<string, { switchover: string; failover: string }>>;
  readonly drillStateMachine?: string;
  readonly estimates: RecoveryEstimates;
  readonly objectives?: RecoveryObjectives;
  readonly enforcedRpoSeconds?: number;
  /** AuroraGlobalDBRPOLag alarms per region (with an enforced RPO). */
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
    /** EventBridge rule in the target region (Step Functions engine). */
    readonly ruleName?: string;
  };
}

export const clusterArn = (f: AwsRunbookFacts, region: string) => `arn:aws:rds:${region}:${f.account}:cluster:${f.clusterIdentifiers[region]}`;

const lagCommand = (f: AwsRunbookFacts, region: string) => ({
  command: `aws cloudwatch get-metric-statistics --region ${region} --namespace AWS/RDS \\\n  --metric-name AuroraGlobalDBReplicationLag --dimensions Name=DBClusterIdentifier,Value=${f.clusterIdentifiers[region]} \\\n  --start-time $(date -u -d '-10 min' +%FT%TZ) --end-time $(date -u +%FT%TZ) --period 60 --statistics Maximum`,
});

/** The member of the global cluster `region` is, as describe-global-clusters shows it. */
export function memberStep(f: AwsRunbookFacts, region: string, askIn: string, o: { title: string; detail?: string; expect: string; kind?: RunbookStep['kind'] }): RunbookStep {
  return {
    kind: o.kind ?? 'precondition',
    title: o.title,
    detail: o.detail,
    commands: [{ command: `aws rds describe-global-clusters --region ${askIn} --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --query "GlobalClusters[0].GlobalClusterMembers[?DBClusterArn=='${clusterArn(f, region)}'].[IsWriter, SynchronizationStatus]"` }],
    expect: o.expect,
  };
}

/** What a switchover or failover to `target` needs first. */
export function preconditions(f: AwsRunbookFacts, target: string, planned: boolean): RunbookStep[] {
  const steps: RunbookStep[] = [{
    kind: 'precondition',
    title: `Check that ${target} has instances and is available`,
    detail: 'Aurora cannot promote a headless secondary.',
    commands: [{ command: `aws rds describe-db-clusters --region ${target} --db-cluster-identifier ${f.clusterIdentifiers[target]} \\\n  --query 'DBClusters[0].[Status, length(DBClusterMembers)]'` }],
    expect: '`["available", 1]` or more instances.',
  }];
  if (planned) {
    steps.push(memberStep(f, target, target, {
      title: `Check that ${target} is a connected secondary of the global database`,
      detail: 'A switchover needs the target in the global cluster and in sync; after a failover the old primary is re-added by Aurora only once its Region is healthy.',
      expect: '`[[false, "connected"]]`; `[]` means the cluster is not (yet) a member, `"pending-resync"` that it is still being rebuilt: wait.',
    }), {
      kind: 'precondition',
      title: 'Check replication lag',
      detail: 'A switchover waits for the target to catch up; with a high lag writes block meanwhile.',
      commands: [lagCommand(f, target)],
      expect: 'a few hundred milliseconds; wait when it is seconds.',
    });
  }
  return steps;
}

/** The writer is in `target` and the write route follows. */
export function verify(f: AwsRunbookFacts, target: string): RunbookStep[] {
  return [writerStep(f, target), trafficStep(f, target)];
}

export function writerStep(f: AwsRunbookFacts, target: string, title = `Confirm ${target} holds the writer`): RunbookStep {
  return {
    kind: 'verification',
    title,
    commands: [{ command: `aws rds describe-global-clusters --region ${target} --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --query 'GlobalClusters[0].[Status, GlobalClusterMembers[?IsWriter].DBClusterArn]'` }],
    expect: `\`available\` and \`${clusterArn(f, target)}\`.`,
    timeoutSeconds: 900,
  };
}

/**
 * What decides the write route after the writer moved to `target`: the
 * PRIMARY record is healthy only while the PRIMARY region's writer alarm is
 * OK and the SECONDARY's is not (and the PRIMARY region's endpoint is
 * healthy); otherwise Route 53 answers the SECONDARY.
 */
export function trafficStep(f: AwsRunbookFacts, target: string): RunbookStep {
  const p = f.writeRoute.primary;
  const s = f.writeRoute.secondary;
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
      expect: `\`"OK"\` in ${p}, then \`"ALARM"\` in ${s}; the hostname then answers with the ${p} endpoint${endpointOf(f, p)} within the TTL.`,
      timeoutSeconds: 300,
    };
  }
  return {
    kind: 'traffic-shift',
    title: 'Confirm the write route followed',
    detail: `${s}'s writer alarm OK makes the PRIMARY write record unhealthy (it carries that alarm's check, inverted), so Route 53 answers the SECONDARY (${s}) while ${s}'s endpoint is healthy. No DNS record is edited.`,
    commands: [alarm(s), ...dig],
    expect: `\`"OK"\`, then the hostname answers with the ${s} endpoint${endpointOf(f, s)} within the TTL.`,
    timeoutSeconds: 300,
  };
}

const endpointOf = (f: AwsRunbookFacts, region: string) => (f.endpointHostnames?.[region] ? ` (\`${f.endpointHostnames[region]}\`)` : '');

export function notify(what: string): RunbookStep {
  return { kind: 'notification', title: 'Tell the people who depend on it', detail: `Post in the incident channel that ${what}, with the time and the measured data loss (AuroraGlobalDBRPOLag before the move).` };
}

/**
 * FailoverGlobalCluster (every AWS failover path) fences the old primary
 * itself: Aurora "attempts to halt write traffic through the highly-available
 * Aurora storage layer" (see aws-runbook-fence.ts), so the runbook's fence
 * steps follow the promotion to check and contain.
 */
export const AURORA_FAILOVER_FENCES = true;

/** The switchover or failover through the deployed automation. */
export function automated(f: AwsRunbookFacts, target: string, mode: 'switchover' | 'failover'): RunbookStep {
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
      fencesFormerWriter: mode === 'failover' ? AURORA_FAILOVER_FENCES : undefined,
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
    fencesFormerWriter: mode === 'failover' ? AURORA_FAILOVER_FENCES : undefined,
  };
}

/** The RDS CLI switchover (the manual fallback, and the drill's steps). */
export function cliSwitchover(f: AwsRunbookFacts, target: string, title = 'Switch over with the RDS CLI'): RunbookStep {
  return {
    kind: 'database-switchover',
    title,
    commands: [{ command: `aws rds switchover-global-cluster --region ${target} \\\n  --global-cluster-identifier ${f.globalClusterIdentifier} \\\n  --target-db-cluster-identifier ${clusterArn(f, target)}` }],
    timeoutSeconds: 900,
  };
}

/**
 * The master secret names the global writer endpoint, which follows the
 * writer. CloudFormation's SecretTargetAttachment writes the origin
 * cluster's own endpoint into `host` and has no property for another host
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-secretsmanager-secrettargetattachment.html),
 * so the runbook sets it once, in the secret's primary copy (the origin
 * region); CloudFormation does not rewrite it unless the attachment itself
 * changes. The password is piped, never printed.
 */
export function secretHostStep(f: AwsRunbookFacts, readIn: string, kind: RunbookStep['kind'] = 'verification'): RunbookStep {
  const host = `HOST=$(aws rds describe-global-clusters --region ${readIn} --global-cluster-identifier ${f.globalClusterIdentifier} --query 'GlobalClusters[0].Endpoint' --output text)`;
  return {
    kind,
    title: 'Check that the master secret names the global writer endpoint',
    detail: `Applications and the secret's hosted rotation connect to \`host\`; the global writer endpoint follows the writer, a cluster endpoint does not. The secret is replicated to every region: read the copy in ${readIn}. If it still names a cluster endpoint, set it once in the primary copy (${f.originRegion}; it replicates within minutes).`,
    commands: [
      { command: host },
      { description: 'The secret\'s host (the password is not printed)', command: `aws secretsmanager get-secret-value --region ${readIn} --secret-id ${f.secretName} --query SecretString --output text | jq -r .host` },
      {
        description: `Only if it differs: set it (in ${f.originRegion})`,
        command: `aws secretsmanager get-secret-value --region ${f.originRegion} --secret-id ${f.secretName} --query SecretString --output text \\\n  | jq -c --arg host "$HOST" '.host = $host' \\\n  | aws secretsmanager put-secret-value --region ${f.originRegion} --secret-id ${f.secretName} --secret-string file:///dev/stdin`,
      },
    ],
    expect: `the same name as \`$HOST\` (\`${f.globalClusterIdentifier}.global-….global.rds.amazonaws.com\`).`,
  };
}

const parameterGroupOf = (f: AwsRunbookFacts, region: string) => `$(aws rds describe-db-clusters --region ${region} --db-cluster-identifier ${f.clusterIdentifiers[region]} --query 'DBClusters[0].DBClusterParameterGroup' --output text)`;

/**
 * rds.global_db_rpo belongs to the writer's parameter group only (AWS
 * recommends the default in a secondary's group: a failover to it would
 * pause transactions). After the writer moved from `from` to `to`: set it on
 * `to`, reset it on `from`. Nothing when no RPO is enforced.
 */
export function rpoMoveSteps(f: AwsRunbookFacts, from: string, to: string, when?: string): RunbookStep[] {
  if (!f.enforcedRpoSeconds) return [];
  return [{
    kind: 'verification',
    title: `Move rds.global_db_rpo to ${to}'s parameter group`,
    detail: `${when ? `${when} ` : ''}The bound (${f.enforcedRpoSeconds} s) belongs to the writer's cluster parameter group only: set it on ${to}, reset it on ${from} (AWS recommends the default in a secondary's group, or a failover to it could pause transactions). Setting primaryRegion to ${to} in the configuration and deploying makes the templates say the same.`,
    commands: [
      { command: `aws rds modify-db-cluster-parameter-group --region ${to} --db-cluster-parameter-group-name "${parameterGroupOf(f, to)}" \\\n  --parameters ParameterName=rds.global_db_rpo,ParameterValue=${f.enforcedRpoSeconds},ApplyMethod=immediate` },
      { command: `aws rds reset-db-cluster-parameter-group --region ${from} --db-cluster-parameter-group-name "${parameterGroupOf(f, from)}" \\\n  --parameters ParameterName=rds.global_db_rpo,ApplyMethod=immediate` },
      rpoCheckCommand(f, to),
    ],
    expect: `\`${f.enforcedRpoSeconds}\` for ${to}.`,
  }];
}

export const rpoCheckCommand = (f: AwsRunbookFacts, region: string) => ({
  command: `aws rds describe-db-cluster-parameters --region ${region} --db-cluster-parameter-group-name "${parameterGroupOf(f, region)}" \\\n  --source user --query "Parameters[?ParameterName=='rds.global_db_rpo'].ParameterValue" --output text`,
});

/** Checks, after a move to `writer`, with the values expected from the deployment. */
export function afterMoveChecks(f: AwsRunbookFacts, writer: string, previous: string): RunbookStep[] {
  const steps: RunbookStep[] = [writerStep(f, writer, `Writer region: ${writer}`), {
    kind: 'verification',
    title: `Replication lag into ${previous} (now a secondary)`,
    commands: [lagCommand(f, previous)],
    expect: 'data points again within a few minutes, a few hundred milliseconds each.',
  }, secretHostStep(f, writer)];
  if (f.enforcedRpoSeconds) {
    steps.push({
      kind: 'verification',
      title: `rds.global_db_rpo on ${writer}, not on ${previous}`,
      commands: [rpoCheckCommand(f, writer), rpoCheckCommand(f, previous)],
      expect: `\`${f.enforcedRpoSeconds}\` for ${writer}; nothing for ${previous}.`,
    });
  }
  const route = f.writeRoute.primary === writer || f.writeRoute.secondary === writer ? writer : f.writeRoute.secondary;
  const dns = [
    ...(f.writeHostname ? [{ command: `dig +short ${f.writeHostname}` }] : []),
    ...(f.readHostname ? [{ command: `dig +short ${f.readHostname}` }] : []),
  ];
  if (dns.length > 0) {
    const reads = f.readHostname ? ` ${f.readHostname}: the endpoint of the nearest healthy region of ${(f.readRegions ?? []).join(', ')}.` : '';
    steps.push({
      kind: 'traffic-shift',
      title: 'DNS answers',
      commands: dns,
      expect: `${f.writeHostname ? `${f.writeHostname}: the ${route} endpoint${endpointOf(f, route)}, within the TTL.` : ''}${reads}`,
      timeoutSeconds: 300,
    });
  }
  if (f.graphqlHostname) {
    steps.push({
      kind: 'traffic-shift',
      title: 'Router route: a mutation through the GraphQL entry point reaches the writer',
      detail: `The edge router sends mutations to ${f.writeHostname} with \`x-multiregion-route: write\` on the origin request.`,
      commands: [{ command: `curl -sS -o /dev/null -w '%{http_code}\\n' https://${f.graphqlHostname}/graphql -H 'content-type: application/json' --data '{"query":"mutation { __typename }"}'` }],
      expect: `an answer from the ${route} application (its access log shows the request with \`x-multiregion-route: write\`).`,
    });
  }
  return steps;
}
