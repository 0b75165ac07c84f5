/**
 * The cloud-neutral description of a multi-region topology and its
 * validation. Each cloud supplies a {@link CloudProfile} (its region naming
 * and limits); everything else here is the same on AWS and Google Cloud.
 */
import { ConfigProblem, show } from './errors';
import { isPhase, LADDER, Phase } from './ladder';

/** Database engine family. Versions are cloud-specific and live with each cloud. */
export type EngineFamily = 'postgresql' | 'mysql';

/** The engine families the library supports. */
export const ENGINE_FAMILIES: readonly EngineFamily[] = ['postgresql', 'mysql'];

/**
 * Data-residency rule: which regions may hold a copy of the data.
 *
 * Entries are region names (`eu-west-1`) or prefixes ending in `*`
 * (`eu-*`, `europe-*`).
 */
export interface DataResidency {
  /** A name for the rule, used in error messages, e.g. `EU personal data`. */
  readonly name: string;
  /** Regions (or `prefix*` patterns) allowed to hold a copy of the data. */
  readonly allowedRegions: readonly string[];
}

/** Recovery objectives a deployment declares, in seconds. */
export interface RecoveryObjectives {
  /** Recovery time objective: how long writes may be unavailable.
   * @default - none declared */
  readonly rtoSeconds?: number;
  /** Recovery point objective: how much recent data may be lost.
   * @default - none declared */
  readonly rpoSeconds?: number;
}

/** What a cloud contributes to validation: region naming and limits. */
export interface CloudProfile {
  /** Cloud name used in messages. */
  readonly cloud: 'aws' | 'gcp';
  /** A well-formed region name. */
  readonly regionPattern: RegExp;
  /** An example region name for messages. */
  readonly regionExample: string;
  /** Regions known to this release; a well-formed name outside it is rejected. */
  readonly knownRegions: readonly string[];
  /** Most replica regions one primary may have. */
  readonly maxReplicaRegions: number;
  /** Where the maximum comes from (documentation URL), quoted in messages. */
  readonly maxReplicaRegionsSource: string;
  /** Longest automated-backup retention the service allows, in days. */
  readonly maxBackupRetentionDays: number;
}

/** What a user declares about the topology. */
export interface TopologySpec {
  /** The read-write region. */
  readonly primaryRegion: string;
  /** Read-only regions that hold a replica.
   * @default [] */
  readonly replicaRegions?: readonly string[];
  /** Phase of the evolution ladder.
   * @default 1 without replica regions, 2 with them */
  readonly phase?: Phase;
  /** Engine family.
   * @default 'postgresql' */
  readonly engine?: EngineFamily;
  /** Which regions may hold a copy of the data.
   * @default - no restriction */
  readonly residency?: DataResidency;
  /** Declared recovery objectives.
   * @default - none */
  readonly recoveryObjectives?: RecoveryObjectives;
}

/** A validated topology with every default resolved. */
export interface Topology {
  readonly primaryRegion: string;
  readonly replicaRegions: readonly string[];
  readonly phase: Phase;
  readonly engine: EngineFamily;
  readonly residency?: DataResidency;
  readonly recoveryObjectives?: RecoveryObjectives;
}

/** True when `region` matches a residency entry (exact name or `prefix*`). */
export function residencyAllows(residency: DataResidency | undefined, region: string): boolean {
  if (!residency) return true;
  return residency.allowedRegions.some((entry) =>
    entry.endsWith('*') ? region.startsWith(entry.slice(0, -1)) : entry === region,
  );
}

/** How messages name each cloud, with its article. */
const CLOUD_NAMES: Readonly<Record<CloudProfile['cloud'], { readonly name: string; readonly withArticle: string }>> = {
  aws: { name: 'AWS', withArticle: 'an AWS' },
  gcp: { name: 'Google Cloud', withArticle: 'a Google Cloud' },
};

/** Problems with one region name (format, then known-ness). */
export function checkRegion(profile: CloudProfile, property: string, region: string): ConfigProblem[] {
  if (typeof region !== 'string' || !profile.regionPattern.test(region)) {
    return [{
      property,
      message: `${property} ${show(region)} is not a valid ${CLOUD_NAMES[profile.cloud].name} region name`,
      fix: `use a region name such as '${profile.regionExample}'`,
    }];
  }
  if (!profile.knownRegions.includes(region)) {
    return [{
      property,
      message: `${property} ${show(region)} is not ${CLOUD_NAMES[profile.cloud].withArticle} region this release knows`,
      fix: `check the spelling (known regions: ${profile.knownRegions.join(', ')}); a region launched after this release needs a newer multiregion-constructs`,
    }];
  }
  return [];
}

/** The phase a spec resolves to. */
export function resolvePhase(spec: TopologySpec): Phase {
  return spec.phase ?? ((spec.replicaRegions?.length ?? 0) > 0 ? 2 : 1);
}

/** Validates a topology against the ladder and the cloud's limits. */
export function validateTopology(spec: TopologySpec, profile: CloudProfile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const replicas = spec.replicaRegions ?? [];
  problems.push(...checkRegion(profile, 'primaryRegion', spec.primaryRegion));

  if (spec.phase !== undefined && !isPhase(spec.phase)) {
    problems.push({
      property: 'phase',
      message: `phase ${show(spec.phase)} is not a phase of the evolution ladder`,
      fix: 'set phase to 1, 2, 3, 4 or 5',
    });
  }
  if (spec.engine !== undefined && !ENGINE_FAMILIES.includes(spec.engine)) {
    problems.push({
      property: 'engine',
      message: `engine ${show(spec.engine)} is not supported`,
      fix: `set engine to one of ${ENGINE_FAMILIES.map(show).join(', ')}`,
    });
  }

  const seen = new Set<string>();
  replicas.forEach((region, i) => {
    const property = `replicaRegions[${i}]`;
    problems.push(...checkRegion(profile, property, region));
    if (region === spec.primaryRegion) {
      problems.push({
        property,
        message: `${property} ${show(region)} is the primary region`,
        fix: 'a replica must be in another region: remove it or choose a different region',
      });
    } else if (seen.has(region)) {
      problems.push({
        property,
        message: `${property} ${show(region)} is listed twice`,
        fix: 'list each replica region once',
      });
    }
    seen.add(region);
  });

  if (replicas.length > profile.maxReplicaRegions) {
    problems.push({
      property: 'replicaRegions',
      message: `replicaRegions lists ${replicas.length} regions, more than the ${profile.maxReplicaRegions} secondary regions ${CLOUD_NAMES[profile.cloud].name} allows (${profile.maxReplicaRegionsSource})`,
      fix: `keep at most ${profile.maxReplicaRegions} replica regions`,
    });
  }

  if (spec.residency) {
    const rule = spec.residency;
    [spec.primaryRegion, ...replicas].forEach((region, i) => {
      if (!residencyAllows(rule, region)) {
        const property = i === 0 ? 'primaryRegion' : `replicaRegions[${i - 1}]`;
        problems.push({
          property,
          message: `${property} ${show(region)} may not hold a copy of the data under the residency rule '${rule.name}' (allowed: ${rule.allowedRegions.join(', ')})`,
          fix: `choose a region the rule allows, or change residency.allowedRegions if the rule permits it`,
        });
      }
    });
  }

  const phase = resolvePhase(spec);
  if (isPhase(phase)) {
    const def = LADDER[phase];
    if (replicas.length < def.minReplicaRegions) {
      problems.push({
        property: 'replicaRegions',
        message: `phase ${phase} (${def.name}) needs at least ${def.minReplicaRegions} replica region, but replicaRegions is empty`,
        fix: 'add a replica region, or set phase to 1',
      });
    }
    if (phase === 1 && replicas.length > 0) {
      problems.push({
        property: 'phase',
        message: `phase 1 (${def.name}) is single-region, but replicaRegions lists ${show(replicas)}`,
        fix: 'set phase to 2 or higher, or remove replicaRegions',
      });
    }
  }

  const objectives = spec.recoveryObjectives;
  for (const key of ['rtoSeconds', 'rpoSeconds'] as const) {
    const value = objectives?.[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      problems.push({
        property: `recoveryObjectives.${key}`,
        message: `recoveryObjectives.${key} ${show(value)} is not a duration`,
        fix: `set recoveryObjectives.${key} to a number of seconds, 0 or more`,
      });
    }
  }
  if (objectives?.rpoSeconds === 0 && replicas.length > 0) {
    // Checked here, not only by a failover runbook: the objective is a claim about the topology.
    problems.push({
      property: 'recoveryObjectives.rpoSeconds',
      message: 'recoveryObjectives.rpoSeconds 0 cannot be met across regions: replication to replicaRegions is asynchronous, so losing the primary region loses the writes not yet replicated (only a planned switchover loses nothing)',
      fix: 'declare the data loss you accept, e.g. rpoSeconds: 30',
    });
  }
  return problems;
}

/** Resolves defaults; call after {@link validateTopology} returned no problems. */
export function resolveTopology(spec: TopologySpec): Topology {
  return {
    primaryRegion: spec.primaryRegion,
    replicaRegions: [...(spec.replicaRegions ?? [])],
    phase: resolvePhase(spec),
    engine: spec.engine ?? 'postgresql',
    residency: spec.residency,
    recoveryObjectives: spec.recoveryObjectives,
  };
}

/**
 * Parses a region list given as deployment-time configuration: a comma- or
 * space-separated string (`eu-west-1,ap-southeast-2`), a JSON array string,
 * or an array. Empty entries are dropped.
 */
export function parseRegionList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  const text = String(value).trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    return parseRegionList(parsed);
  }
  return text.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean);
}
