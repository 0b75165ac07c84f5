/**
 * `multiregion plan`: what a configuration deploys and what it protects
 * against — the ladder's promises (lib/core/ladder.ts), regions and roles,
 * the routes, the RTO/RPO estimate of each procedure with its timeline
 * (recovery.ts), the residency table and the blast radius of losing each
 * region. Plain data here; plan-render.ts prints it.
 */
import {
  activeActiveBlastRadius, blastRadius, formatSeconds, LADDER, Partition, RegionBlastRadius, residencyAllows,
} from '../core';
import { singleWriterBlastRadius, SingleWriterLoss } from './blast-radius';
import { formatDuration } from './duration';
import { CLOUD_NAMES } from './figures';
import { estimateProcedures, ProcedureEstimate } from './recovery';
import { DeploymentConfig } from './types';

/** One region as the plan shows it. */
export interface PlanRegion {
  readonly name: string;
  readonly role: string;
  /** The database was first created here. */
  readonly origin: boolean;
  /** What it serves: `writes and reads`, `reads`, `standby for writes, reads`, `nothing (headless)`. */
  readonly serves: string;
  readonly endpoint?: string;
  /** Monthly cost of this deployment's stacks in the region, when a synthesized output was given. */
  readonly monthlyUsd?: number;
}

/** One DNS route. */
export interface PlanRoute {
  readonly kind: 'write' | 'read' | 'graphql';
  readonly hostname: string;
  /** How it picks a region. */
  readonly policy: string;
  /** Region → endpoint it answers with. */
  readonly targets: readonly { readonly region: string; readonly endpoint: string }[];
}

/** A synthesized stack's cost (from lib/cost), for the plan's cost column. */
export interface PlanStackCost {
  readonly name: string;
  readonly region: string;
  readonly monthly: number;
}

/** The plan of one configuration. */
export interface Plan {
  readonly file: string;
  readonly name: string;
  /** Prefix of the deployment's stacks (the cost column counts those). */
  readonly stackPrefix: string;
  readonly cloud: string;
  readonly phase: number;
  readonly phaseName: string;
  readonly protectsAgainst: readonly string[];
  readonly doesNotProtectAgainst: readonly string[];
  readonly regions: readonly PlanRegion[];
  readonly routes: readonly PlanRoute[];
  /** Health check of every endpoint, in words. */
  readonly healthCheck?: string;
  readonly procedures: readonly ProcedureEstimate[];
  /** Declared objectives against the estimate. */
  readonly objectives: readonly string[];
  readonly residency: readonly { readonly class: string; readonly allowedRegions: readonly string[]; readonly holders: readonly string[] }[];
  /** Phases 1–4. */
  readonly blastRadius?: readonly SingleWriterLoss[];
  /** Phase 5, geo-partitioned. */
  readonly partitionBlastRadius?: readonly RegionBlastRadius[];
  /** Phase 5, active-active. */
  readonly activeActiveBlastRadius?: readonly { readonly region: string; readonly effect: string }[];
  readonly alerts: string;
  /** The cost of the deployment's synthesized stacks, when an output directory was given. */
  readonly cost?: { readonly outDirs: readonly string[]; readonly stacks: readonly PlanStackCost[]; readonly monthlyTotal: number; readonly disclaimer: string };
}

/** Builds the plan; `cost` adds the cost column (stacks of the synthesized output). */
export function buildPlan(c: DeploymentConfig, cost?: { outDirs: readonly string[]; stacks: readonly PlanStackCost[]; disclaimer: string }): Plan {
  const def = LADDER[c.phase];
  const mine = cost?.stacks.filter((s) => s.name === c.stackPrefix || s.name.startsWith(`${c.stackPrefix}-`)) ?? [];
  const routed = c.phase >= 3 && c.routing !== undefined;
  const procedures = c.phase >= 2 && c.regions.length > 1 ? estimateProcedures({
    cloud: c.cloud, phase: c.phase, engine: c.database.engine,
    intervalSeconds: c.routing?.healthCheck.intervalSeconds ?? 0, failureThreshold: c.routing?.healthCheck.failureThreshold ?? 0, ttlSeconds: c.routing?.ttlSeconds ?? 0,
    decision: c.failover.decision, decisionTimeSeconds: c.failover.decisionTimeSeconds, allowDataLoss: c.failover.allowDataLoss, rpoSeconds: c.objectives.rpoSeconds,
  }) : [];
  const failover = procedures.find((p) => p.procedure === 'failover');
  return {
    file: c.file,
    name: c.name,
    stackPrefix: c.stackPrefix,
    cloud: CLOUD_NAMES[c.cloud],
    phase: c.phase,
    phaseName: def.name,
    protectsAgainst: [def.protectsAgainst, ...protections(c)],
    doesNotProtectAgainst: [def.doesNotProtectAgainst, ...gaps(c, failover)],
    regions: c.regions.map((r) => ({
      name: r.name,
      role: r.role,
      origin: c.origin === r.name || (c.partitions?.some((p) => p.origin === r.name) ?? false),
      serves: serves(c, r.name, r.role),
      ...(r.endpoint ? { endpoint: r.endpoint } : {}),
      ...(cost ? { monthlyUsd: round(mine.filter((s) => s.region === r.name).reduce((a, s) => a + s.monthly, 0)) } : {}),
    })),
    routes: routed ? routes(c) : [],
    ...(routed ? { healthCheck: `HTTPS ${c.routing!.healthCheck.path} every ${formatDuration(c.routing!.healthCheck.intervalSeconds)}, unhealthy after ${c.routing!.healthCheck.failureThreshold} failures; records TTL ${formatDuration(c.routing!.ttlSeconds)}` } : {}),
    procedures,
    objectives: objectives(c, failover),
    residency: c.residency.map((r) => ({
      class: r.class,
      allowedRegions: r.allowedRegions,
      holders: c.partitions
        ? [...new Set(c.partitions.filter((p) => p.residency?.name === r.class).flatMap((p) => [p.homeRegion, ...p.replicaRegions]))]
        : c.regions.map((x) => x.name).filter((name) => residencyAllows({ name: r.class, allowedRegions: r.allowedRegions }, name)),
    })),
    ...blast(c, failover),
    alerts: alerts(c),
    ...(cost ? { cost: { outDirs: cost.outDirs, stacks: mine, monthlyTotal: round(mine.reduce((a, s) => a + s.monthly, 0)), disclaimer: cost.disclaimer } } : {}),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function serves(c: DeploymentConfig, region: string, role: string): string {
  if (c.phase === 5) return role === 'primary' ? 'writes and reads' : 'reads';
  if (role === 'primary') return 'writes and reads';
  if (role === 'headless') return 'nothing (headless: storage only, no instance)';
  const reads = c.readRegions.includes(region) ? 'reads' : 'no traffic (reads go to the primary until phase 4)';
  return region === c.standbyRegion ? `${reads}; takes the writes on failover` : reads;
}

function routes(c: DeploymentConfig): PlanRoute[] {
  const r = c.routing!;
  const endpoint = (region: string) => ({ region, endpoint: c.regions.find((x) => x.name === region)?.endpoint ?? '(none)' });
  const out: PlanRoute[] = [{
    kind: 'write',
    hostname: `${r.writeName}.${r.zone}`,
    policy: c.cloud === 'aws'
      ? `Route 53 failover records: ${c.primaryRegion} while its writer answers, ${c.standbyRegion} once the database has failed over (the records follow the Aurora writer; none is edited during a failover)`
      : `Cloud DNS failover policy: ${c.primaryRegion}, backed by the other regions; the failover workflow re-points it`,
    targets: [endpoint(c.primaryRegion), ...(c.standbyRegion ? [endpoint(c.standbyRegion)] : [])],
  }];
  if (c.phase >= 4) {
    out.push({
      kind: 'read',
      hostname: `${r.readName}.${r.zone}`,
      policy: r.strategy === 'latency' ? 'Route 53 latency records: the nearest healthy region with readers' : 'Cloud DNS geolocation policy: the nearest healthy region',
      targets: c.readRegions.map(endpoint),
    });
  }
  if (r.graphql) {
    out.push({ kind: 'graphql', hostname: `api.${r.zone}`, policy: 'CloudFront + Lambda@Edge: queries to the read route, mutations (and anything not provably a read) to the write route', targets: [] });
  }
  return out;
}

function protections(c: DeploymentConfig): string[] {
  const out: string[] = [];
  if (c.phase >= 3 && c.standbyRegion) out.push(`the loss of ${c.primaryRegion}: writes fail over to ${c.standbyRegion}`);
  if (c.origin && c.origin !== c.primaryRegion) out.push(`the writer is ${c.primaryRegion} today; the database keeps the identity of its origin, ${c.origin}, so moving the writer back and forth replaces nothing`);
  return out;
}

function gaps(c: DeploymentConfig, failover: ProcedureEstimate | undefined): string[] {
  const out: string[] = [];
  if (c.phase >= 2 && c.phase <= 4 && failover) {
    out.push(c.failover.decision === 'automatic' && c.failover.allowDataLoss
      ? 'nothing waits for a person: an alarm fails over, with data loss'
      : `a person must decide to fail over: ${formatSeconds(c.failover.decisionTimeSeconds)} counted (failover.decisionTime)`);
  }
  if (c.phase >= 3 && c.regions.length === 2 && c.standbyRegion) out.push(`losing ${c.primaryRegion} and ${c.standbyRegion} together (one standby)`);
  for (const r of c.regions.filter((x) => x.role === 'headless')) out.push(`${r.name} is headless: it serves no reads, and taking over writes there needs instances first`);
  if (c.cloud === 'gcp' && failover) out.push('Cloud SQL publishes no promotion time: the RTO is a lower bound until a drill measures it');
  if (c.alerts.email.length === 0 && !c.alerts.snsTopicArn && c.alerts.notificationChannels.length === 0) out.push('no alert channel: alarms only show in the console (set alerts)');
  return out;
}

function objectives(c: DeploymentConfig, failover: ProcedureEstimate | undefined): string[] {
  const out: string[] = [];
  const { rtoSeconds, rpoSeconds } = c.objectives;
  if (rtoSeconds === undefined && rpoSeconds === undefined) return ['none declared (objectives.rto, objectives.rpo)'];
  if (rtoSeconds !== undefined) {
    out.push(!failover || c.phase < 3
      ? `RTO ${formatDuration(rtoSeconds)}: not estimated before phase 3 (no health check, no automation)`
      : `RTO ${formatDuration(rtoSeconds)}: failover estimate ${failover.rtoIsLowerBound ? 'at least ' : ''}${formatSeconds(failover.rtoSeconds)}${failover.rtoIsLowerBound ? ' plus the promotion (measure it in a drill)' : ' — met'}`);
  }
  if (rpoSeconds !== undefined) {
    out.push(!failover
      ? `RPO ${formatDuration(rpoSeconds)}: single region (backups and point-in-time recovery)`
      : `RPO ${formatDuration(rpoSeconds)}: ${failover.rpoSeconds !== undefined ? `failover loses about ${formatSeconds(failover.rpoSeconds)} (${failover.rpo})` : failover.rpo}`);
  }
  return out;
}

function blast(c: DeploymentConfig, failover: ProcedureEstimate | undefined): Pick<Plan, 'blastRadius' | 'partitionBlastRadius' | 'activeActiveBlastRadius'> {
  if (c.phase === 5 && c.mode === 'active-active') return { activeActiveBlastRadius: activeActiveBlastRadius({ writeRegions: c.regions.map((r) => r.name), ...(c.witnessRegion ? { witnessRegion: c.witnessRegion } : {}) }) };
  if (c.phase === 5) {
    const partitions: Partition[] = (c.partitions ?? []).map((p) => ({ name: p.name, homeRegion: p.homeRegion, replicaRegions: p.replicaRegions, standbyRegion: p.standbyRegion, residency: p.residency }));
    return { partitionBlastRadius: blastRadius(partitions) };
  }
  return {
    blastRadius: singleWriterBlastRadius(c, failover ? { seconds: failover.rtoSeconds, lowerBound: failover.rtoIsLowerBound, rpo: failover.rpoSeconds !== undefined ? `about ${formatSeconds(failover.rpoSeconds)}` : 'up to the replication lag' } : undefined),
  };
}

function alerts(c: DeploymentConfig): string {
  const parts = [
    ...(c.alerts.email.length > 0 ? [`email ${c.alerts.email.join(', ')}`] : []),
    ...(c.alerts.snsTopicArn ? [`SNS topic ${c.alerts.snsTopicArn}`] : []),
    ...(c.alerts.notificationChannels.length > 0 ? [`notification channels ${c.alerts.notificationChannels.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : 'none: alarms only show in the console';
}
