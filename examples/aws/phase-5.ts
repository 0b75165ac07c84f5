/**
 * Phase 5 on AWS: the two ways to write in several regions, side by side (a
 * real deployment chooses per data set):
 *
 *   <name>-<region>                  partition 'us': the phase-4 deployment, kept as it is (same stacks,
 *                                    same global cluster <name>-global), now the first partition
 *   <name>-Routing                   its write.us / read.us records and its failover runbook, and the
 *                                    GraphQL edge entry point api.<zone> of every partition (phase 4's)
 *   <name>-eu-<region>               partition 'eu': its own Aurora global database, EU regions only
 *   <name>-eu-Routing                its write.eu / read.eu records and its failover runbook
 *   <name>-Ledger-<region>           active-active: an Aurora DSQL multi-Region cluster (us-east-1 and
 *                                    us-east-2 peered, witness us-west-2)
 *
 * The partition 'eu' is limited to EU regions (EXAMPLE_EU_RESIDENCY): no
 * cluster, replica, record target or failover target of it is outside them.
 * The router's partition map is written to cdk.out/router/<name>-partitions.json
 * (multiregion-router --partitions), the overview with the blast radius to
 * cdk.out/runbooks/<name>-partitions.md, the DSQL runbook to
 * cdk.out/runbooks/<name>-ledger-dsql.md.
 *
 * Context (all optional, besides phases 1–4's): euRegions (home first, e.g.
 * eu-central-1,eu-west-1), euOriginRegion (where partition eu's global
 * database was created; pin it before its first failover), dsqlClusterIdentifiers (JSON map region → cluster
 * identifier, after the first deploy: peers the DSQL clusters).
 */
import { App } from 'aws-cdk-lib';
import { ActiveActiveDatabase, DeploymentMonitoring, FailoverEngine, GeoPartitionedDatabase } from '../../lib/aws';
import { DataResidency, parseRegionList } from '../../lib/core';
import { exampleAlarmEmails, exampleConfig, exampleZones } from './app';
import { appEndpoints } from './phase-3';

/** The residency of the example's EU partition (EU member states' regions with Aurora). */
export const EXAMPLE_EU_RESIDENCY: DataResidency = {
  name: 'EU personal data',
  allowedRegions: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1'],
};

export interface Phase5Example {
  readonly partitioned: GeoPartitionedDatabase;
  readonly ledger: ActiveActiveDatabase;
  /** Per partition: its dashboard, alarm topics and "region R degraded" alarms, in its routing stack. */
  readonly monitoring: readonly DeploymentMonitoring[];
}

export function buildPhase5(app: App, name = 'Phase5'): Phase5Example {
  const config = exampleConfig(app);
  const rawEu = app.node.tryGetContext('euRegions');
  const [euHome, ...euReplicas] = rawEu === undefined ? ['eu-central-1', 'eu-west-1'] : parseRegionList(rawEu);
  const partitions = [
    // The phase-4 deployment becomes the first partition: its stack prefix
    // keeps its stacks, global cluster and secret, so the climb replaces nothing.
    { name: 'us', homeRegion: config.primaryRegion, replicaRegions: config.replicaRegions, originRegion: config.originRegion, stackPrefix: name },
    // Its origin pinned, as cdk.json pins the first partition's: after a failover only homeRegion moves.
    { name: 'eu', homeRegion: euHome, replicaRegions: euReplicas, residency: EXAMPLE_EU_RESIDENCY, originRegion: app.node.tryGetContext('euOriginRegion') ?? euHome },
  ];
  const regions = [...new Set(partitions.flatMap((p) => [p.homeRegion, ...(p.replicaRegions ?? [])]))];
  const zoneName = app.node.tryGetContext('domainName') ?? 'phase5.example.com';
  const engine: FailoverEngine = app.node.tryGetContext('failoverEngine') ?? 'stepfunctions';
  const partitioned = new GeoPartitionedDatabase(app, `${name}Partitioned`, {
    stackPrefix: name,
    account: config.account,
    availabilityZones: exampleZones(app, config, regions),
    zone: { hostedZoneId: app.node.tryGetContext('hostedZoneId') ?? 'Z0PHASE5EXAMPLE00000', zoneName },
    endpoints: appEndpoints(app, regions, zoneName),
    partitions,
    // As in phases 3–4: RTO 15 min with 10 min for a person to decide, RPO 30 s
    // enforced with rds.global_db_rpo; each partition has one secondary, whose
    // impairment can stall its writes: accepted explicitly (alarm at 80%).
    recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 },
    acceptRpoGuardWriteStalls: true,
    // Step Functions (as phase 4): the automation runs in the partition's own regions.
    failoverEngine: engine,
    // One GraphQL entry point (api.<zone>, phase 4's distribution kept): the
    // partition is the operation's $partition variable; the application
    // checks that the caller may write the partition it names.
    graphql: { source: { type: 'variable', name: 'partition' } },
  });

  const rawIds = app.node.tryGetContext('dsqlClusterIdentifiers');
  const ledger = new ActiveActiveDatabase(app, `${name}Ledger`, {
    stackPrefix: `${name}-Ledger`,
    account: config.account,
    regions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    clusterIdentifiers: typeof rawIds === 'string' ? JSON.parse(rawIds) : rawIds,
  });
  // As in phases 3–4, each partition's monitoring is in its routing stack (it deploys
  // after the partition's database stacks and holds its health checks and runbook).
  const monitoring = partitioned.partitions.map((p) => new DeploymentMonitoring(p.routingStack, 'Monitoring', {
    primary: p.primary,
    replicas: p.replicas,
    router: p.router,
    runbook: p.runbook,
    alarmEmails: exampleAlarmEmails(app),
  }));
  return { partitioned, ledger, monitoring };
}
