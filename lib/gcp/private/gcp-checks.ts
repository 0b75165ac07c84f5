/**
 * The checks of the Google Cloud runbook, each with the command and the value
 * expected in this deployment — shared by the procedures, the drill and the
 * failback: which instance writes, replication lag, the DNS answer and the
 * router's route, backups and PITR on the new primary, the write endpoint —
 * and the day-two step that brings the configuration in line with the world.
 */
import { TerraformStack } from 'cdktf';
import { RunbookCommand, RunbookStep } from '../../core';
import { GlobalRouter } from '../global-router';
import { PrimaryRegion } from '../primary-region';
import { ReadReplicaRegion } from '../read-replica-region';
import { REPLICA_LAG_METRIC } from './alerts';
import { CLOUD_SQL_LIMITS } from './gcp-profile';
import { Edition } from './sql-rules';

/**
 * Backups of an instance once it is the primary: the primary's, with the days
 * of logs capped at what its edition allows. The primary's retained backups
 * exceed its days of logs (checked at synth), so they exceed the cap too.
 */
export function newPrimaryBackups(primary: PrimaryRegion, edition: Edition) {
  return {
    transactionLogRetentionDays: Math.min(primary.transactionLogRetentionDays, CLOUD_SQL_LIMITS.maxLogRetentionDays[edition]),
    retainedBackups: primary.retainedBackups,
    backupStartTime: primary.backupStartTime,
  };
}

/** One instance of the deployment, for the runbook. */
export interface RunbookInstance {
  readonly region: string;
  readonly name: string;
  readonly edition: Edition;
  readonly stack?: TerraformStack;
  /** Lag alert threshold when it is a replica. */
  readonly lagThresholdSeconds: number;
}

/** Every instance of the deployment by region (the primary first). */
export function runbookInstances(primary: PrimaryRegion, replicas: readonly ReadReplicaRegion[]): RunbookInstance[] {
  return [primary.region, ...primary.topology.replicaRegions].map((region) => {
    const replica = replicas.find((r) => r.region === region);
    if (region === primary.region) return { region, name: primary.instanceName, edition: primary.edition, stack: primary.stack, lagThresholdSeconds: 30 };
    return {
      region,
      name: replica?.instanceName ?? primary.instanceNameOf(region),
      edition: replica?.edition ?? primary.edition,
      stack: replica ? TerraformStack.of(replica) : undefined,
      lagThresholdSeconds: replica?.replicationLagAlarmThresholdSeconds ?? 30,
    };
  });
}

/** The checks after the writes moved to `writer` (from `former`). */
export function checksAfterMove(o: {
  primary: PrimaryRegion;
  router?: GlobalRouter;
  writer: RunbookInstance;
  former: RunbookInstance;
  /** The former writer is a replica of the new one (switchover), not a standalone instance (promotion). */
  formerIsReplica: boolean;
}): RunbookStep[] {
  const { primary, router, writer, former } = o;
  const p = primary.project;
  const backups = newPrimaryBackups(primary, writer.edition);
  const log = primary.topology.engine === 'mysql' ? 'binaryLogEnabled' : 'pointInTimeRecoveryEnabled';
  const steps: RunbookStep[] = [
    {
      kind: 'verification',
      title: `Writer region: ${writer.region}`,
      commands: [
        { command: describeRole(writer.name, p), description: `The new writer ${writer.name}` },
        { command: describeRole(former.name, p), description: `The former writer ${former.name}` },
      ],
      expect: `${writer.name}: CLOUD_SQL_INSTANCE RUNNABLE ${writer.region}; ${former.name}: ${o.formerIsReplica ? `READ_REPLICA_INSTANCE RUNNABLE ${former.region}, master ${p}:${writer.name}` : 'CLOUD_SQL_INSTANCE (standalone) and fenced (activation policy NEVER), or unreachable'}`,
    },
  ];
  if (o.formerIsReplica) {
    steps.push({
      kind: 'verification',
      title: `Replication lag of ${former.name}`,
      detail: `The metric ${REPLICA_LAG_METRIC} of the new replica, last 5 minutes (or the alert policy "Cloud SQL replica ${former.name} lag").`,
      commands: [{ command: lagCommand(p, former.name) }],
      expect: `points below ${former.lagThresholdSeconds} s (the alert threshold); no points at all means replication has not started: wait a few minutes`,
    });
  }
  if (router) {
    const address = router.targetAddress(writer.region).address;
    steps.push({
      kind: 'verification',
      title: `Router route and DNS answer of ${router.writeHostname}`,
      commands: [
        { command: `gcloud dns record-sets describe ${router.writeHostname} --type=${router.recordType} --zone=${router.managedZone} --project=${p} \\\n  --format='value(routingPolicy.primaryBackup.primaryTargets)'`, description: 'The route: the primary target of the failover policy' },
        { command: `dig +short ${router.writeHostname}${router.targets.some((t) => t.internalLoadBalancer) ? '   # from a machine in the VPC (private zone)' : ''}`, description: 'The answer clients get (after the TTL)' },
      ],
      expect: `the primary target is ${address} (${writer.region}); dig answers ${address} within ${router.ttl} s (the TTL) while ${writer.region}'s endpoint is healthy`,
    });
  }
  if (primary.writeEndpointFollowsFailover) {
    steps.push({
      kind: 'verification',
      title: 'Database write endpoint',
      commands: [{ command: `gcloud sql instances describe ${writer.name} --project=${p} --format='value(replicationCluster.psaWriteEndpoint)'`, description: 'The write endpoint; resolve it from the VPC with dig +short' }],
      expect: `a name ending in .global.sql-psa.goog. that resolves to the private IP of ${writer.name}`,
    });
  }
  steps.push({
    kind: 'verification',
    title: `Backups and point-in-time recovery on ${writer.name}`,
    commands: [{ command: `gcloud sql instances describe ${writer.name} --project=${p} \\\n  --format='yaml(settings.backupConfiguration,settings.availabilityType,settings.deletionProtectionEnabled)'` }],
    expect: `enabled: true, ${log}: true, transactionLogRetentionDays: ${backups.transactionLogRetentionDays}, retainedBackups: ${backups.retainedBackups}, availabilityType: REGIONAL, deletionProtectionEnabled: true`,
  });
  return steps;
}

/** The configuration step after the writes moved to `writer`: swap the roles, keep the stacks and names, apply. */
export function swapConfigurationStep(o: { primary: PrimaryRegion; writer: RunbookInstance; instances: readonly RunbookInstance[]; router?: GlobalRouter; runbookStack: TerraformStack }): RunbookStep {
  const others = o.instances.filter((i) => i !== o.writer);
  const stacks = [o.writer, ...others].map((i) => i.stack?.node.id).filter((s): s is string => s !== undefined);
  const rest = [o.router ? TerraformStack.of(o.router).node.id : undefined, o.runbookStack.node.id].filter((s): s is string => s !== undefined);
  const commands: RunbookCommand[] = [
    {
      command: `GCP_PRIMARY_REGION=${o.writer.region} GCP_REPLICA_REGIONS=${others.map((i) => i.region).join(',')} \\\n  npx ts-node --transpile-only examples/gcp/main.ts`,
      description: 'With the examples: the roles come from the environment (your app: the region props of PrimaryRegion / ReadReplicaRegion)',
    },
    ...[...stacks, ...rest].map((s) => ({ command: `terraform -chdir=cdktf.out/stacks/${s} init -input=false && terraform -chdir=cdktf.out/stacks/${s} plan`, description: `Plan ${s}, then apply it` })),
  ];
  return {
    kind: 'configuration',
    title: `Make the configuration say that ${o.writer.region} writes, then apply`,
    detail: `Swap the roles in the configuration: primary ${o.writer.region}, replicas ${others.map((i) => i.region).join(', ')}. The stacks and the instance names stay (they are per region), so the plans change only role-bound arguments in place (master_instance_name, backups, DR designation, availability); plan ${o.writer.stack?.node.id ?? 'the new writer\'s stack'} first. A plan that replaces an instance means its role in the cloud differs from the configuration: stop and look (a former primary that has not rejoined needs the "The lost region is back" procedure; the new writer's postcondition refuses a configuration that makes a replica the primary).`,
    commands,
    expect: 'every plan: 0 to destroy, no "must be replaced"; the router and runbook stacks only change their defaults',
  };
}

/** `instanceType state region masterInstanceName` of an instance. */
export function describeRole(name: string, project: string): string {
  return `gcloud sql instances describe ${name} --project=${project} --format='value(instanceType,state,region,masterInstanceName)'`;
}

/** The replica lag of the last 5 minutes, from the Cloud Monitoring API. */
export function lagCommand(project: string, instance: string): string {
  const filter = encodeURIComponent(`metric.type="${REPLICA_LAG_METRIC}" AND resource.labels.database_id="${project}:${instance}"`);
  return `curl -sS -H "Authorization: Bearer $(gcloud auth print-access-token)" \\\n  "https://monitoring.googleapis.com/v3/projects/${project}/timeSeries?filter=${filter}&interval.startTime=$(date -u -d '-5 min' +%Y-%m-%dT%H:%M:%SZ)&interval.endTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\\n  | grep -o '"doubleValue": [0-9.e-]*'`;
}
