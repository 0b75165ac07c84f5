/**
 * Phase 5 on Google Cloud: the two ways to write in several regions, side by
 * side (a real deployment chooses per data set):
 *
 *   gcp-phase5-network                 the VPC and private service access of the partitions
 *   gcp-phase5-<partition>-<region>    geo-partitioned: each partition's Cloud SQL instances, named by partition and region
 *   gcp-phase5-<partition>-router      its write.<partition>.p5 / read.<partition>.p5 records
 *   gcp-phase5-<partition>-runbook     its failover workflow, in its own regions
 *   gcp-phase5-spanner                 active-active: a Cloud Spanner multi-region instance (eur3, EU residency)
 *
 * The partition 'eu' is limited to EU regions (EXAMPLE_EU_RESIDENCY): nothing
 * of it, and nothing of the Spanner database, is outside them. The router's
 * partition map is written to cdktf.out/router/gcp-phase5-partitions.json
 * (multiregion-router --partitions), the overview with the blast radius to
 * cdktf.out/runbooks/orders-p5-partitions.md.
 */
import { App, TerraformStack } from 'cdktf';
import { ConfigProblem, DataResidency, throwIfProblems } from '../../lib/core';
import { ActiveActiveDatabase, DeploymentMonitoring, DeploymentNetwork, GeoPartitionedDatabase, RouterTarget } from '../../lib/gcp';
import { GCP_EXAMPLE_PLACEHOLDERS, GcpExampleConfig, guardPlaceholders, useStateBucket } from './config';

/** The residency of the example's EU data (the 'eu' partition and the Spanner ledger). */
export const EXAMPLE_EU_RESIDENCY: DataResidency = {
  name: 'EU personal data',
  allowedRegions: ['europe-west1', 'europe-west3', 'europe-west4', 'europe-north1'],
};

export interface GcpPhase5 {
  readonly stacks: readonly TerraformStack[];
  readonly network: DeploymentNetwork;
  readonly partitioned: GeoPartitionedDatabase;
  readonly ledger: ActiveActiveDatabase;
  /** A dashboard and routed alert policies per partition (the first also routes the Spanner ledger's). */
  readonly monitoring: readonly DeploymentMonitoring[];
}

export function buildGcpPhase5(app: App, config: GcpExampleConfig): GcpPhase5 {
  const networkStack = new TerraformStack(app, 'gcp-phase5-network');
  const network = new DeploymentNetwork(networkStack, 'Network', {
    project: config.project,
    networkName: 'orders-p5-vpc',
    rangeName: 'orders-p5-psa',
    providerRegion: config.firstPrimaryRegion,
    providerVersionConstraint: config.providerVersion,
  });

  // Documentation addresses (RFC 5737) for the partitions' regions GCP_ENDPOINTS does not name.
  const regions = [...new Set(config.partitions.flatMap((p) => [p.homeRegion, ...p.replicaRegions]))];
  const missing = regions.filter((r) => config.endpoints[r] === undefined);
  if (config.forReal && missing.length > 0) {
    const problem: ConfigProblem = {
      property: GCP_EXAMPLE_PLACEHOLDERS.endpoints.env,
      message: `${GCP_EXAMPLE_PLACEHOLDERS.endpoints.env} has no endpoint for ${missing.join(', ')}, regions of GCP_PARTITIONS, but GCP_FOR_REAL is true`,
      fix: `add ${missing.map((r) => `${r}=<ip>`).join(',')} to ${GCP_EXAMPLE_PLACEHOLDERS.endpoints.env}`,
    };
    throwIfProblems({ construct: 'GcpExampleConfig', path: 'examples/gcp/phase-5.ts' }, [problem]);
  }
  const address = (r: string) => config.endpoints[r] ?? `203.0.113.${50 + regions.indexOf(r)}`;

  const partitioned = new GeoPartitionedDatabase(app, 'Orders', {
    project: config.project,
    stackPrefix: 'gcp-phase5',
    namePrefix: 'orders-p5',
    network,
    zone: { name: config.dnsZone, dnsName: config.dnsName },
    recordLabel: 'p5',
    endpoints: regions.map((region) => ({ region, target: RouterTarget.fromIpAddress(address(region)) })),
    partitions: config.partitions.map((p) => ({ ...p, residency: p.name === 'eu' ? EXAMPLE_EU_RESIDENCY : undefined })),
    // As in phases 3–4: each partition's standby is its Enterprise Plus DR replica.
    edition: 'ENTERPRISE_PLUS',
    drReplicaDesignated: config.drReplicaDesignated,
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
  });

  const spannerStack = new TerraformStack(app, 'gcp-phase5-spanner');
  const ledger = new ActiveActiveDatabase(spannerStack, 'Ledger', {
    project: config.project,
    instanceName: 'ledger-p5',
    databaseName: 'ledger',
    // Most writes from Belgium, the rest from the Netherlands: eur3, leader europe-west1.
    regions: ['europe-west1', 'europe-west4'],
    residency: EXAMPLE_EU_RESIDENCY,
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
  });

  // The router stacks also guard the DNS zone and name.
  const routerStacks = new Set(partitioned.partitions.map((p) => TerraformStack.of(p.router)));
  for (const s of [networkStack, ...partitioned.stacks, spannerStack]) guardPlaceholders(s, config, routerStacks.has(s));
  const stacks = [networkStack, ...partitioned.stacks, spannerStack];
  for (const s of stacks) useStateBucket(s, config);
  // One dashboard per partition, in the network stack (no role owns it).
  const monitoring = partitioned.partitions.map((p, i) => new DeploymentMonitoring(networkStack, `Monitoring-${p.name}`, {
    primary: p.primary,
    replicas: p.replicas,
    router: p.router,
    runbook: p.runbook,
    notificationChannels: config.notificationChannels,
    providerRegion: config.firstPrimaryRegion,
    dashboardName: `orders-p5 partition ${p.name}: multi-region overview`,
    additionalStacks: i === 0 ? [spannerStack] : [],
  }));
  return { stacks, network, partitioned, ledger, monitoring };
}
