/**
 * What a cloud's `fromFile` builds from a configuration, in two halves that
 * never mix: the databases, placed and named by region and origin (their
 * identity), and the traffic, directed by role (cheap to change). A role
 * swap changes only the second half.
 */
import { DataResidency, show, throwIfProblems, Topology } from '../core';
import { Role } from './fields';
import { DeploymentConfig } from './types';

/** Where the databases are: never depends on which region writes today. */
export interface DatabaseLayout {
  /** The region of the original database (on AWS: the cluster with the master credentials, the global cluster's source). */
  readonly origin: string;
  /** The database identifier (AWS global cluster identifier, Cloud SQL primary instance name). */
  readonly id: string;
  /** Every other region, in the file's order; `instances: false` is a headless secondary. */
  readonly secondaries: readonly { readonly region: string; readonly instances: boolean }[];
}

/** Where the traffic goes: follows the roles. */
export interface TrafficLayout {
  /** The region that takes the writes today (`role: primary`). */
  readonly writer: string;
  /** The failover target, phases 2–4. */
  readonly standby?: string;
  /** Regions in the read route (phase 4), writer first. */
  readonly readRegions: readonly string[];
  /** Application endpoint of each region that has one. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Every region's role. */
  readonly roles: Readonly<Record<string, Role>>;
}

/** The databases of a phase 1–4 configuration (phase 5 places them per partition). */
export function databaseLayout(c: DeploymentConfig): DatabaseLayout {
  if (c.origin === undefined) throw new Error(`databaseLayout: ${c.file} is phase ${c.phase}; its databases are per partition (c.partitions)`);
  return {
    origin: c.origin,
    id: c.database.id,
    secondaries: c.regions.filter((r) => r.name !== c.origin).map((r) => ({ region: r.name, instances: r.hasInstances })),
  };
}

/** The traffic of a configuration. */
export function trafficLayout(c: DeploymentConfig): TrafficLayout {
  return {
    writer: c.primaryRegion,
    ...(c.standbyRegion ? { standby: c.standbyRegion } : {}),
    readRegions: c.readRegions,
    endpoints: Object.fromEntries(c.regions.filter((r) => r.endpoint).map((r) => [r.name, r.endpoint!])),
    roles: Object.fromEntries(c.regions.map((r) => [r.name, r.role])),
  };
}

/**
 * The residency rule the constructs take (one `DataResidency`): the regions
 * every class allows. Validation has checked that each class allows every
 * region of a phase 1–4 file, so this never excludes one of them.
 */
export function combinedResidency(c: DeploymentConfig): DataResidency | undefined {
  if (c.residency.length === 0) return undefined;
  const regions = c.regions.map((r) => r.name);
  return { name: c.residency.map((r) => r.class).join(' + '), allowedRegions: regions };
}

/** The core topology of the database (origin and secondaries), as PrimaryRegion validates it. */
export function databaseTopology(c: DeploymentConfig): Topology {
  const layout = databaseLayout(c);
  return {
    primaryRegion: layout.origin,
    replicaRegions: layout.secondaries.map((s) => s.region),
    phase: c.phase,
    engine: c.database.engine,
    ...(combinedResidency(c) ? { residency: combinedResidency(c) } : {}),
    recoveryObjectives: {
      ...(c.objectives.rtoSeconds !== undefined ? { rtoSeconds: c.objectives.rtoSeconds } : {}),
      ...(c.objectives.rpoSeconds !== undefined ? { rpoSeconds: c.objectives.rpoSeconds } : {}),
    },
  };
}

/**
 * Phase 5's record label: a partition's hostnames are `write.<partition>`
 * and `read.<partition>` followed by what follows the first label of
 * routing.writeName / readName (`write.p5` → `write.eu.p5`).
 */
export function partitionRecordLabel(writeName: string, readName: string, source: { construct: string; path: string }): string | undefined {
  const rest = (n: string) => n.split('.').slice(1).join('.');
  if (rest(writeName) !== rest(readName)) {
    throwIfProblems(source, [{
      property: 'routing.readName',
      message: `routing.readName ${show(readName)} and routing.writeName ${show(writeName)} end differently, but a partition's two hostnames share one suffix (write.<partition>.<suffix>, read.<partition>.<suffix>)`,
      fix: `give both the same labels after the first (write.${rest(writeName) || 'p5'} and read.${rest(writeName) || 'p5'})`,
    }]);
  }
  return rest(writeName) || undefined;
}

/**
 * Active-active: the regions the residency classes allow (not only the
 * file's: a Spanner configuration or a DSQL witness also holds data), a region
 * or prefix kept when every class lists it.
 */
export function activeActiveResidency(config: DeploymentConfig): { residency?: DataResidency } {
  const [first, ...others] = config.residency;
  if (!first) return {};
  const allowedRegions = first.allowedRegions.filter((r) => others.every((o) => o.allowedRegions.includes(r)));
  return { residency: { name: config.residency.map((r) => r.class).join(' + '), allowedRegions } };
}
