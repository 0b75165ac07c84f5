/**
 * Phase 5 of {@link LadderDeployment.fromFile} on AWS (ladder-file.ts):
 * `mode: geo-partitioned` builds a {@link GeoPartitionedDatabase} (one
 * Aurora global database, router and runbook per partition, and a
 * {@link DeploymentMonitoring} in each partition's routing stack), `mode:
 * active-active` an {@link ActiveActiveDatabase} (Aurora DSQL, peered
 * clusters and `witnessRegion`) — what examples/aws/phase-5.ts builds in code.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { activeActiveResidency, partitionRecordLabel } from '../config/layout';
import type { DeploymentConfig } from '../config/types';
import { ConfigProblem, show, throwIfProblems } from '../core';
import { ActiveActiveDatabase } from './active-active-database';
import type { FailoverEngine } from './failover-runbook';
import { GeoPartitionedDatabase } from './geo-partitioned-database';
import { DeploymentMonitoring } from './monitoring';
import { dsqlProblems } from './private/dsql-rules';
import { RouterTarget } from './router-target';

/** What phase 5 needs of ladder-file.ts (context already read). */
export interface Phase5FileInputs {
  readonly config: DeploymentConfig;
  readonly account?: string;
  /** Zones by region: the file's, context's and the fallback's. */
  readonly availabilityZones: Readonly<Record<string, readonly string[]>>;
  /** Reads a context key (undefined without context overrides). */
  readonly context: (key: string) => unknown;
  /** Each region's endpoint (context appEndpoints over the file). */
  readonly endpoints: readonly [string, string][];
  readonly stackProps?: ConstructorParameters<typeof Stack>[2];
  readonly source: { construct: string; path: string };
}

/** What phase 5 built. */
export interface Phase5FromFile {
  readonly partitioned?: GeoPartitionedDatabase;
  readonly activeActive?: ActiveActiveDatabase;
  readonly partitionMonitoring?: readonly DeploymentMonitoring[];
  readonly stacks: readonly Stack[];
}

/** `orders-p5` → `OrdersP5`: the construct id of a phase-5 construct, from the file's name. */
function pascal(name: string): string {
  return name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export function phase5FromConfig(scope: Construct, i: Phase5FileInputs): Phase5FromFile {
  return i.config.mode === 'active-active' ? activeActive(scope, i) : geoPartitioned(scope, i);
}

function activeActive(scope: Construct, i: Phase5FileInputs): Phase5FromFile {
  const { config } = i;
  const regions = config.regions.map((r) => r.name);
  const rawIds = i.context('dsqlClusterIdentifiers');
  let clusterIdentifiers: Record<string, string> | undefined;
  try {
    clusterIdentifiers = typeof rawIds === 'string' ? JSON.parse(rawIds) : (rawIds as Record<string, string> | undefined);
  } catch {
    throwIfProblems(i.source, [{ property: 'dsqlClusterIdentifiers', message: `context dsqlClusterIdentifiers ${show(rawIds)} is not JSON`, fix: 'pass -c dsqlClusterIdentifiers=\'{"us-east-1":"<26 characters>","us-east-2":"<26 characters>"}\' (each stack\'s ClusterIdentifier output)' }]);
  }
  const { residency } = activeActiveResidency(config);
  const problems: ConfigProblem[] = [];
  if (config.database.engine !== 'postgresql') {
    problems.push({ property: 'database.engine', message: `database.engine ${show(config.database.engine)}: Aurora DSQL is PostgreSQL-compatible only`, fix: 'set database.engine: postgresql (or remove it), or keep MySQL data geo-partitioned (mode: geo-partitioned)' });
  }
  // ActiveActiveDatabase's own rules, named after the file's keys (regions[i] is regions[i].name).
  problems.push(...dsqlProblems({ regions, witnessRegion: config.witnessRegion, residency, clusterIdentifiers, deletionProtection: true, allowDataLossOnDelete: false })
    .map((p) => ({ ...p, property: p.property.replace(/^regions\[(\d+)\]$/, 'regions[$1].name').replace(/^clusterIdentifiers/, 'context dsqlClusterIdentifiers') })));
  throwIfProblems(i.source, problems);
  const db = new ActiveActiveDatabase(scope, pascal(config.name), {
    stackPrefix: config.stackPrefix,
    account: i.account,
    regions,
    witnessRegion: config.witnessRegion!,
    ...(residency ? { residency } : {}),
    clusterIdentifiers,
    stackProps: i.stackProps,
  });
  return { activeActive: db, stacks: db.stacks };
}

function geoPartitioned(scope: Construct, i: Phase5FileInputs): Phase5FromFile {
  const { config } = i;
  const routing = config.routing!;
  const label = partitionRecordLabel(routing.writeName, routing.readName, i.source);
  const lag = Duration.seconds(config.replication.lagAlarmSeconds);
  const engine = config.database.engine === 'mysql'
    ? rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 })
    : undefined;
  const backupRetention = config.database.backupRetentionDays === undefined ? undefined : Duration.days(config.database.backupRetentionDays);
  const { rtoSeconds, rpoSeconds } = config.objectives;
  const partitionRegions = [...new Set(config.partitions!.flatMap((p) => [p.homeRegion, ...p.replicaRegions]))];
  const missing = partitionRegions.filter((r) => !i.endpoints.some(([region]) => region === r));
  if (missing.length > 0) {
    throwIfProblems(i.source, [{
      property: 'regions',
      message: `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no endpoint, but every region of a partition is in its routes`,
      fix: `give ${missing.join(', ')} an endpoint (the hostname of the application there, e.g. app.${missing[0]}.${routing.zone}), or pass -c appEndpoints`,
    }]);
  }
  const failoverEngine = (i.context('failoverEngine') ?? config.failover.engine ?? 'region-switch') as FailoverEngine;
  const partitioned = new GeoPartitionedDatabase(scope, `${pascal(config.stackPrefix)}Partitioned`, {
    stackPrefix: config.stackPrefix,
    account: i.account,
    availabilityZones: i.availabilityZones,
    zone: { hostedZoneId: String(i.context('hostedZoneId') ?? routing.hostedZoneId), zoneName: String(i.context('domainName') ?? routing.zone) },
    // In the partitions' order (home, then replicas), as GeoPartitionedDatabase's example: the file's region order changes nothing.
    endpoints: partitionRegions.flatMap((region) => i.endpoints.filter(([r]) => r === region)).map(([region, host]) => ({ region, target: RouterTarget.fromHostname(host) })),
    ...(label ? { recordLabel: label } : {}),
    partitions: config.partitions!.map((p) => ({
      name: p.name,
      homeRegion: p.homeRegion,
      replicaRegions: p.replicaRegions,
      originRegion: p.origin,
      ...(p.residency ? { residency: { name: p.residency.name, allowedRegions: p.residency.allowedRegions } } : {}),
      ...(p.stackPrefix !== undefined ? { stackPrefix: p.stackPrefix } : {}),
      // The partition that keeps the file's stack prefix continues the phase-4 deployment: its global cluster is database.id.
      ...(p.stackPrefix === config.stackPrefix ? { globalClusterIdentifier: config.database.id } : {}),
    })),
    primary: { replicationLagAlarmThreshold: lag, ...(engine ? { engine } : {}), ...(backupRetention ? { backupRetention } : {}) },
    replica: { replicationLagAlarmThreshold: lag, ...(engine ? { engine } : {}), ...(backupRetention ? { backupRetention } : {}) },
    ...(rtoSeconds !== undefined || rpoSeconds !== undefined ? { recoveryObjectives: { rtoSeconds, rpoSeconds } } : {}),
    acceptRpoGuardWriteStalls: config.objectives.acceptRpoGuardWriteStalls,
    failoverEngine,
    failoverDecision: config.failover.decision,
    decisionTime: Duration.seconds(config.failover.decisionTimeSeconds),
    automaticFailoverAllowsDataLoss: config.failover.allowDataLoss,
    // The validator requires routing.partitionKey with graphql (a JWT claim needs its keys: code only).
    ...(routing.graphql && routing.partitionKey ? { graphql: { source: { type: routing.partitionKey.from, name: routing.partitionKey.name } } } : {}),
    stackProps: i.stackProps,
  });
  // As examples/aws/phase-5.ts: each partition's monitoring in its routing stack.
  const partitionMonitoring = partitioned.partitions.map((p) => new DeploymentMonitoring(p.routingStack, 'Monitoring', {
    primary: p.primary,
    replicas: p.replicas,
    router: p.router,
    runbook: p.runbook,
    alarmEmails: config.alerts.email,
  }));
  return { partitioned, partitionMonitoring, stacks: partitioned.stacks };
}
