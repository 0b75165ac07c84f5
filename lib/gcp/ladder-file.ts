/**
 * A Google Cloud deployment built from a configuration file
 * (multiregion.yaml, docs/config.md): phases 1–4 as a {@link LadderDeployment},
 * phase 5 as a {@link GeoPartitionedDatabase} (`mode: geo-partitioned`, on
 * its own network) or an {@link ActiveActiveDatabase} (`mode: active-active`,
 * Cloud Spanner) — what examples/gcp/phase-N.ts build in code.
 *
 * cdktf has no `-c` context: deployment-time overrides are passed as
 * `overrides` (the examples read them from GCP_* environment variables,
 * examples/gcp/config.ts).
 */
import { App, TerraformStack } from 'cdktf';
import { activeActiveResidency, combinedResidency, partitionRecordLabel } from '../config/layout';
import { loadDeploymentConfig } from '../config/load';
import type { DeploymentConfig } from '../config/types';
import { ConfigProblem, DataResidency, MultiRegionConfigError, show, throwIfProblems } from '../core';
import { ActiveActiveDatabase } from './active-active-database';
import { DeploymentNetwork } from './deployment-network';
import { GeoPartitionedDatabase } from './geo-partitioned-database';
import { DeploymentMonitoring } from './monitoring';
import { RouterTarget } from './global-router';
import { LadderDeployment, LadderDeploymentProps, LadderStackKind } from './ladder-deployment';
import { useGcsStateBackend } from './state-backend';

/** What {@link gcpLadderFromFile} may change of the file (deployment-time values: a role swap, the real project). */
export interface GcpLadderOverrides {
  /** The project. @default the file's `project` */
  readonly project?: string;
  /** The writer today (a role swap). @default the file's region with role `primary` */
  readonly primaryRegion?: string;
  /** Every other region. @default the file's other regions, in its order */
  readonly replicaRegions?: readonly string[];
  /** The region first created as primary. @default the file's `origin` */
  readonly originRegion?: string;
  /** Alert channels. @default the file's `alerts.notificationChannels` */
  readonly notificationChannels?: readonly string[];
  /** The Cloud DNS zone. @default the file's `routing.managedZone` and `routing.zone` */
  readonly zone?: { readonly name: string; readonly dnsName: string };
  /** Endpoints by region, over the file's. @default the file's `regions[].endpoint` */
  readonly endpoints?: Readonly<Record<string, string>>;
  /** Whether the primary designates its DR replica. @default automatically, once the replica exists */
  readonly drReplicaDesignated?: boolean;
  /** The Terraform state bucket. @default the file's `stateBucket` (none: cdktf's local state) */
  readonly stateBucket?: { readonly name: string; readonly location: string };
  /** Phase 5 geo-partitioned: the partitions (home region first), over the file's. @default the file's `partitions` */
  readonly partitions?: readonly { readonly name: string; readonly homeRegion: string; readonly replicaRegions: readonly string[] }[];
}

/** Options of {@link LadderDeployment.fromFile} (Google Cloud). */
export interface GcpLadderFileOptions {
  /** Values over the file's. @default {} */
  readonly overrides?: GcpLadderOverrides;
  /** Version constraint of the Google provider. @default the constructs' default */
  readonly providerVersionConstraint?: string;
  /**
   * Called with every stack once built, before its state backend is set (a
   * PlaceholderGuard, labels…); `kind` says what it holds (phase 5:
   * `network`, `region` for a partition's instances, `router`, `runbook`, `spanner`).
   * @default - nothing
   */
  readonly stackHook?: (stack: TerraformStack, kind: LadderStackKind | 'spanner') => void;
}

/** What was built from a file. */
export interface GcpLadderFromFile {
  /** The validated file. */
  readonly config: DeploymentConfig;
  /** Every stack built. */
  readonly stacks: readonly TerraformStack[];
  /** Phases 1–4. @default - none in phase 5 */
  readonly ladder?: LadderDeployment;
  /** Phase 5, geo-partitioned. @default - none otherwise */
  readonly partitioned?: GeoPartitionedDatabase;
  /** Phase 5, active-active. @default - none otherwise */
  readonly activeActive?: ActiveActiveDatabase;
  /**
   * Phase 5 geo-partitioned: one dashboard and routed alerts per partition
   * (phases 2–4: `ladder.monitoring`). @default - none otherwise
   */
  readonly monitoring?: readonly DeploymentMonitoring[];
  /** Markdown files the constructs write next to the stacks (`<outdir>/runbooks/`), by file name. */
  readonly runbooks: Readonly<Record<string, string>>;
}

/** Loads, validates and builds `file` into `app`. */
export function gcpLadderFromFile(app: App, file: string, options: GcpLadderFileOptions = {}): GcpLadderFromFile {
  const { config } = loadDeploymentConfig(file);
  return gcpLadderFromConfig(app, config, options);
}

/** Builds a validated configuration into `app`. */
export function gcpLadderFromConfig(app: App, config: DeploymentConfig, options: GcpLadderFileOptions = {}): GcpLadderFromFile {
  const source = { construct: 'LadderDeployment', path: config.file };
  if (config.cloud !== 'gcp') {
    throw new MultiRegionConfigError(source, [{
      property: 'cloud',
      message: `cloud ${show(config.cloud)} is not built by the Google Cloud LadderDeployment`,
      fix: "build it with LadderDeployment.fromFile of 'multiregion-constructs/aws' (or `multiregion synth`, which picks the cloud from the file)",
    }]);
  }
  const o = options.overrides ?? {};
  const project = o.project ?? config.project!;
  const channels = o.notificationChannels ?? config.alerts.notificationChannels;
  const endpoints = { ...Object.fromEntries(config.regions.filter((r) => r.endpoint).map((r) => [r.name, r.endpoint!])), ...o.endpoints };
  const zone = o.zone ?? (config.routing ? { name: config.routing.managedZone!, dnsName: `${config.routing.zone}.` } : undefined);
  const stateBucket = o.stateBucket ?? config.stateBucket;
  const hook = options.stackHook ?? (() => undefined);
  if (config.phase === 5) return phase5(app, config, { project, channels, endpoints, zone, stateBucket, hook, options, source });

  const ladderProps: LadderDeploymentProps = {
    project,
    phase: config.phase,
    name: config.database.id,
    stackPrefix: config.stackPrefix,
    primaryRegion: o.primaryRegion ?? config.primaryRegion,
    replicaRegions: o.replicaRegions ?? config.replicaRegions,
    originRegion: o.originRegion ?? config.origin,
    // The file's standby, while the writer is the file's (a role swap leaves the default: the first replica).
    ...(config.standbyRegion && (o.primaryRegion ?? config.primaryRegion) === config.primaryRegion && !o.replicaRegions ? { standbyRegion: config.standbyRegion } : {}),
    engine: config.database.engine,
    ...(config.database.edition ? { edition: config.database.edition } : {}),
    ...(o.drReplicaDesignated !== undefined ? { drReplicaDesignated: o.drReplicaDesignated } : {}),
    ...(config.database.backupRetentionDays !== undefined ? { backupRetentionDays: config.database.backupRetentionDays } : {}),
    replicationLagAlarmThresholdSeconds: config.replication.lagAlarmSeconds,
    ...residencyOf(config),
    ...objectivesOf(config),
    notificationChannels: channels,
    ...(config.routing ? {
      zone,
      endpoints,
      writeRecordName: config.routing.writeName,
      readRecordName: config.routing.readName,
      recordTtlSeconds: config.routing.ttlSeconds,
      healthCheck: { checkIntervalSec: config.routing.healthCheck.intervalSeconds, unhealthyThreshold: config.routing.healthCheck.failureThreshold, requestPath: config.routing.healthCheck.path },
    } : {}),
    ...(stateBucket ? { stateBucket } : {}),
    providerVersionConstraint: options.providerVersionConstraint,
    stackHook: hook,
  };
  const ladder = new LadderDeployment(app, config.stackPrefix, ladderProps as LadderDeploymentProps & { phase: 1 | 2 | 3 | 4 });
  return {
    config,
    ladder,
    stacks: ladder.stacks,
    runbooks: ladder.runbook ? { [ladder.runbook.runbookFileName]: ladder.runbook.markdown } : {},
  };
}

function residencyOf(config: DeploymentConfig): { residency?: DataResidency } {
  const residency = combinedResidency(config);
  return residency ? { residency } : {};
}

function objectivesOf(config: DeploymentConfig): { recoveryObjectives?: { rtoSeconds?: number; rpoSeconds?: number } } {
  const { rtoSeconds, rpoSeconds } = config.objectives;
  return rtoSeconds === undefined && rpoSeconds === undefined ? {} : { recoveryObjectives: { rtoSeconds, rpoSeconds } };
}

/** `orders-p5` → `OrdersP5`: the construct id of a phase-5 construct, from the file's name. */
function pascal(name: string): string {
  return name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

interface Phase5Inputs {
  readonly project: string;
  readonly channels: readonly string[];
  readonly endpoints: Readonly<Record<string, string>>;
  readonly zone?: { readonly name: string; readonly dnsName: string };
  readonly stateBucket?: { readonly name: string; readonly location: string };
  readonly hook: (stack: TerraformStack, kind: LadderStackKind | 'spanner') => void;
  readonly options: GcpLadderFileOptions;
  readonly source: { construct: string; path: string };
}

function phase5(app: App, config: DeploymentConfig, i: Phase5Inputs): GcpLadderFromFile {
  const prefix = config.stackPrefix;
  const provider = i.options.providerVersionConstraint;
  const backend = (stacks: readonly TerraformStack[]) => {
    if (i.stateBucket) for (const s of stacks) useGcsStateBackend(s, { bucket: i.stateBucket });
  };
  if (config.mode === 'active-active') {
    // The Spanner instance is `database.id`, its database the file's `name`; the leader is the first region.
    const stack = new TerraformStack(app, `${prefix}-spanner`);
    const activeActive = new ActiveActiveDatabase(stack, pascal(config.name), {
      project: i.project,
      instanceName: config.database.id,
      databaseName: config.name,
      regions: config.regions.map((r) => r.name),
      ...activeActiveResidency(config),
      ...(config.database.backupRetentionDays !== undefined ? { backupRetentionDays: config.database.backupRetentionDays } : {}),
      notificationChannels: i.channels,
      providerVersionConstraint: provider,
    });
    // No failover runbook of its own: its alerts are routed with a link to what each one means.
    DeploymentMonitoring.routeAlerts(stack, { notificationChannels: i.channels });
    i.hook(stack, 'spanner');
    backend([stack]);
    return { config, activeActive, stacks: [stack], runbooks: {} };
  }
  const routing = config.routing!;
  const label = partitionRecordLabel(routing.writeName, routing.readName, i.source);
  const partitions = i.options.overrides?.partitions
    ?? config.partitions!.map((p) => ({ name: p.name, homeRegion: p.homeRegion, replicaRegions: p.replicaRegions }));
  const residencyOfPartition = new Map(config.partitions!.map((p) => [p.name, p.residency]));
  const regions = [...new Set(partitions.flatMap((p) => [p.homeRegion, ...p.replicaRegions]))];
  const missing = regions.filter((r) => i.endpoints[r] === undefined);
  if (missing.length > 0) {
    throwIfProblems(i.source, [{
      property: 'regions',
      message: `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no endpoint, but every region of a partition is in its routes`,
      fix: `give ${missing.map((r) => `${r}`).join(', ')} an endpoint (the public IPv4 address of the application there)`,
    } satisfies ConfigProblem]);
  }
  const networkStack = new TerraformStack(app, `${prefix}-network`);
  const network = new DeploymentNetwork(networkStack, 'Network', {
    project: i.project,
    networkName: `${config.database.id}-vpc`,
    rangeName: `${config.database.id}-psa`,
    // Global: the region of the file's first writer, which does not change with the roles.
    providerRegion: config.primaryRegion,
    providerVersionConstraint: provider,
  });
  const partitioned = new GeoPartitionedDatabase(app, pascal(config.name), {
    project: i.project,
    stackPrefix: prefix,
    namePrefix: config.database.id,
    network,
    zone: i.zone!,
    ...(label ? { recordLabel: label } : {}),
    endpoints: regions.map((region) => ({ region, target: RouterTarget.fromIpAddress(i.endpoints[region]) })),
    partitions: partitions.map((p) => {
      const residency = residencyOfPartition.get(p.name);
      return { ...p, residency: residency ? { name: residency.name, allowedRegions: residency.allowedRegions } : undefined };
    }),
    edition: config.database.edition ?? 'ENTERPRISE_PLUS',
    ...(i.options.overrides?.drReplicaDesignated !== undefined ? { drReplicaDesignated: i.options.overrides.drReplicaDesignated } : {}),
    notificationChannels: i.channels,
    replicationLagAlarmThresholdSeconds: config.replication.lagAlarmSeconds,
    ...objectivesOf(config),
    providerVersionConstraint: provider,
  });
  // One dashboard per partition, in the network stack (no role owns it).
  const monitoring = partitioned.partitions.map((p) => new DeploymentMonitoring(networkStack, `Monitoring-${p.name}`, {
    primary: p.primary,
    replicas: p.replicas,
    router: p.router,
    runbook: p.runbook,
    notificationChannels: i.channels,
    providerRegion: config.primaryRegion,
    dashboardName: `${config.database.id} partition ${p.name}: multi-region overview`,
  }));
  const routerStacks = new Set(partitioned.partitions.map((p) => TerraformStack.of(p.router)));
  const runbookStacks = new Set(partitioned.partitions.map((p) => TerraformStack.of(p.runbook)));
  i.hook(networkStack, 'network');
  for (const s of partitioned.stacks) i.hook(s, routerStacks.has(s) ? 'router' : runbookStacks.has(s) ? 'runbook' : 'region');
  const stacks = [networkStack, ...partitioned.stacks];
  backend(stacks);
  return {
    config,
    partitioned,
    monitoring,
    stacks,
    runbooks: {
      ...Object.fromEntries(partitioned.partitions.map((p) => [p.runbook.runbookFileName, p.runbook.markdown])),
      [partitioned.overviewFileName]: partitioned.overviewMarkdown,
    },
  };
}
