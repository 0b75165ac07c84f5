/**
 * Cloud Spanner multi-region instance configurations this release knows, and
 * the rules that choose one and check it against the data's residency.
 *
 * Region types (https://cloud.google.com/spanner/docs/region-types): a
 * multi-region configuration has two read-write regions ("one of these
 * read-write regions is designated the default leader region"), a witness
 * region that votes in every write's quorum without serving reads, and
 * optionally read-only regions. Every one of them holds data of the
 * database, so residency counts all of them.
 *
 * The base configurations and their regions are listed on
 * https://cloud.google.com/spanner/docs/instance-configurations#multi-region-configurations
 * (`gcloud spanner instance-configs describe <name>` prints the same: replicas
 * with their type and `defaultLeaderLocation`, and `leaderOptions`). The
 * stored copy of that page readable while this was written is cut before the
 * multi-region table, so the entries below are the ones the author could
 * state with their regions; each must match `instance-configs describe`.
 * A configuration missing here (a newer base configuration, a dual-region
 * one, or your own `custom-…` configuration) is described with
 * `customInstanceConfig`, and is checked the same way.
 */
import { ConfigProblem, DataResidency, residencyAllows, show } from '../../core';

/** The regions of one Spanner instance configuration. */
export interface SpannerInstanceConfigDescription {
  /** The configuration's name as the API knows it, e.g. `eur3`, `nam6` or `custom-eur3-ro`. */
  readonly name: string;
  /** The read-write regions, default leader first; a database's `default_leader` must be one of them. */
  readonly readWriteRegions: readonly string[];
  /**
   * Read-only regions (serve stale and strong reads, do not vote).
   * @default []
   */
  readonly readOnlyRegions?: readonly string[];
  /**
   * Witness regions (vote in the write quorum, serve no reads).
   * @default []
   */
  readonly witnessRegions?: readonly string[];
}

/**
 * Base multi-region configurations: read-write regions (default leader
 * first), read-only and witness regions. Source: see the file comment.
 */
export const SPANNER_MULTI_REGION_CONFIGS: Readonly<Record<string, SpannerInstanceConfigDescription>> = {
  asia1: { name: 'asia1', readWriteRegions: ['asia-northeast1', 'asia-northeast2'], witnessRegions: ['asia-northeast3'] },
  eur3: { name: 'eur3', readWriteRegions: ['europe-west1', 'europe-west4'], witnessRegions: ['europe-north1'] },
  eur5: { name: 'eur5', readWriteRegions: ['europe-west2', 'europe-west1'], witnessRegions: ['europe-west4'] },
  eur6: { name: 'eur6', readWriteRegions: ['europe-west4', 'europe-west3'], witnessRegions: ['europe-west6'] },
  nam3: { name: 'nam3', readWriteRegions: ['us-east4', 'us-east1'], witnessRegions: ['us-central1'] },
  nam6: { name: 'nam6', readWriteRegions: ['us-central1', 'us-east1'], readOnlyRegions: ['us-west1', 'us-west2'], witnessRegions: ['us-east4'] },
  'nam-eur-asia1': {
    name: 'nam-eur-asia1', readWriteRegions: ['us-central1', 'us-central2'], readOnlyRegions: ['europe-west1', 'asia-east1'], witnessRegions: ['us-east1'],
  },
};

/** Where the list of configurations comes from (quoted in messages). */
export const SPANNER_CONFIGS_SOURCE = 'https://cloud.google.com/spanner/docs/instance-configurations#multi-region-configurations';

/** Every region of a configuration, with its type, in the order read-write, read-only, witness. */
export function configRegions(c: SpannerInstanceConfigDescription): { region: string; type: 'read-write' | 'read-only' | 'witness' }[] {
  return [
    ...c.readWriteRegions.map((region) => ({ region, type: 'read-write' as const })),
    ...(c.readOnlyRegions ?? []).map((region) => ({ region, type: 'read-only' as const })),
    ...(c.witnessRegions ?? []).map((region) => ({ region, type: 'witness' as const })),
  ];
}

/** Regions that serve reads (read-write and read-only). */
export function servingRegions(c: SpannerInstanceConfigDescription): string[] {
  return [...c.readWriteRegions, ...(c.readOnlyRegions ?? [])];
}

/** `eur3 (read-write europe-west1, europe-west4; witness europe-north1)`. */
export function describeConfig(c: SpannerInstanceConfigDescription): string {
  const parts = [`read-write ${c.readWriteRegions.join(', ')}`];
  if ((c.readOnlyRegions ?? []).length > 0) parts.push(`read-only ${c.readOnlyRegions!.join(', ')}`);
  if ((c.witnessRegions ?? []).length > 0) parts.push(`witness ${c.witnessRegions!.join(', ')}`);
  return `${c.name} (${parts.join('; ')})`;
}

/** The regions of `c` a residency rule does not allow, with their type. */
export function outsideResidency(c: SpannerInstanceConfigDescription, residency: DataResidency | undefined): { region: string; type: string }[] {
  return residency ? configRegions(c).filter((r) => !residencyAllows(residency, r.region)) : [];
}

/** What the construct asks of the configuration. */
export interface ConfigChoiceInput {
  readonly instanceConfig?: string;
  readonly customInstanceConfig?: SpannerInstanceConfigDescription;
  readonly regions: readonly string[];
  readonly residency?: DataResidency;
  /** The default leader the user asked for, if any (`defaultLeader`, else `regions[0]`). */
  readonly leader?: string;
  /** The property the leader came from, for messages. */
  readonly leaderProperty: string;
}

/**
 * The configuration: the named one (known, or described), or the best known
 * one for the regions, the residency and the leader. Problems instead when
 * there is none.
 */
export function chooseConfig(input: ConfigChoiceInput, problems: ConfigProblem[]): SpannerInstanceConfigDescription | undefined {
  const { instanceConfig, customInstanceConfig: custom, regions, residency, leader } = input;
  const known = Object.values(SPANNER_MULTI_REGION_CONFIGS);
  if (custom) {
    problems.push(...customConfigProblems(custom, instanceConfig));
    if (problems.length > 0) return undefined;
    problems.push(...configFitProblems(custom, input, 'customInstanceConfig'));
    return problems.length > 0 ? undefined : custom;
  }
  if (instanceConfig !== undefined) {
    const config = SPANNER_MULTI_REGION_CONFIGS[instanceConfig];
    if (!config) {
      const regional = typeof instanceConfig === 'string' && /^regional-/.test(instanceConfig);
      problems.push({
        property: 'instanceConfig',
        message: regional
          ? `instanceConfig ${show(instanceConfig)} is a regional configuration: its one region cannot survive the loss of that region, and phase 5 writes in several regions`
          : `instanceConfig ${show(instanceConfig)} is not a Spanner multi-region configuration this release knows (${known.map((c) => c.name).join(', ')}; ${SPANNER_CONFIGS_SOURCE})`,
        fix: regional
          ? `choose a multi-region configuration (${known.map((c) => c.name).join(', ')}), or leave instanceConfig out and name your regions in regions`
          : `check the spelling, or describe the configuration's regions with customInstanceConfig: { name: ${show(instanceConfig)}, readWriteRegions: [...], witnessRegions: [...] } (gcloud spanner instance-configs describe ${instanceConfig} lists them)`,
      });
      return undefined;
    }
    problems.push(...configFitProblems(config, input, 'instanceConfig'));
    return problems.length > 0 ? undefined : config;
  }
  if (regions.length === 0) {
    problems.push({
      property: 'regions',
      message: 'regions is empty and instanceConfig is not set, so there is nothing to choose a Spanner configuration from',
      fix: "name the regions your clients write from, most writes first (e.g. regions: ['europe-west1', 'europe-west4']), or set instanceConfig (e.g. 'eur3')",
    });
    return undefined;
  }
  const inside = known.filter((c) => outsideResidency(c, residency).length === 0);
  const candidates = inside
    .filter((c) => regions.every((r) => servingRegions(c).includes(r)))
    .filter((c) => leader === undefined || c.readWriteRegions.includes(leader))
    .sort((a, b) => Number(b.readWriteRegions[0] === leader) - Number(a.readWriteRegions[0] === leader)
      || configRegions(a).length - configRegions(b).length || a.name.localeCompare(b.name));
  if (candidates.length > 0) return candidates[0];
  const rule = residency ? ` inside the residency rule '${residency.name}' (allowed: ${residency.allowedRegions.join(', ')})` : '';
  problems.push({
    property: 'regions',
    message: `regions ${show(regions)}: no Spanner multi-region configuration this release knows lies${rule} and serves ${regions.join(', ')}${leader ? ` with ${leader} as a read-write (leader) region` : ''}; ${inside.length === 0 ? 'none lies inside the rule at all' : `inside it: ${inside.map(describeConfig).join('; ')}`}`,
    fix: inside.length === 0
      ? 'keep the partitioned mode for this data (GeoPartitionedDatabase: one home region per partition, copies only where the rule allows), or describe a custom configuration whose regions the rule allows with customInstanceConfig'
      : `name regions one of these serves (a read-write region first), set instanceConfig to one of them, or describe another configuration with customInstanceConfig`,
  });
  return undefined;
}

function customConfigProblems(c: SpannerInstanceConfigDescription, instanceConfig: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof c.name !== 'string' || !/^[a-z][-a-z0-9]*$/.test(c.name)) {
    problems.push({ property: 'customInstanceConfig.name', message: `customInstanceConfig.name ${show(c.name)} is not a configuration name`, fix: "use the name gcloud spanner instance-configs list shows, e.g. 'custom-eur3-ro'" });
  }
  if (instanceConfig !== undefined && instanceConfig !== c.name) {
    problems.push({ property: 'instanceConfig', message: `instanceConfig ${show(instanceConfig)} differs from customInstanceConfig.name ${show(c.name)}`, fix: 'keep the name in customInstanceConfig only' });
  }
  if ((c.readWriteRegions ?? []).length < 2) {
    problems.push({
      property: 'customInstanceConfig.readWriteRegions',
      message: `customInstanceConfig.readWriteRegions ${show(c.readWriteRegions)} has fewer than two read-write regions, so writes stop when one region is lost`,
      fix: 'describe a dual-region or multi-region configuration (two read-write regions)',
    });
  }
  return problems;
}

/** The configuration against the residency, the named regions and the leader. */
function configFitProblems(c: SpannerInstanceConfigDescription, input: ConfigChoiceInput, property: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { residency, regions, leader, leaderProperty } = input;
  const outside = outsideResidency(c, residency);
  if (residency && outside.length > 0) {
    const fitting = Object.values(SPANNER_MULTI_REGION_CONFIGS).filter((k) => outsideResidency(k, residency).length === 0).map((k) => k.name);
    problems.push({
      property,
      message: `${property} ${show(c.name)} keeps copies in ${outside.map((o) => `${o.region} (${o.type})`).join(', ')}, outside the residency rule '${residency.name}' (allowed: ${residency.allowedRegions.join(', ')}); every region of a configuration holds the database's data`,
      fix: fitting.length > 0
        ? `choose a configuration whose regions the rule allows: ${fitting.join(', ')}`
        : 'no configuration this release knows fits the rule: keep this data geo-partitioned (GeoPartitionedDatabase), or describe a custom configuration inside the rule with customInstanceConfig',
    });
  }
  regions.forEach((r, i) => {
    if (!servingRegions(c).includes(r)) {
      problems.push({
        property: `regions[${i}]`,
        message: `regions[${i}] ${show(r)} is not a region of the configuration ${describeConfig(c)}, so its clients would read and write across regions`,
        fix: `name only regions the configuration serves (${servingRegions(c).join(', ')}), or choose another configuration`,
      });
    }
  });
  if (leader !== undefined && !c.readWriteRegions.includes(leader)) {
    problems.push({
      property: leaderProperty,
      message: `${leaderProperty} ${show(leader)} is not a read-write region of ${describeConfig(c)}; the default leader must be one of its read-write regions (https://cloud.google.com/spanner/docs/modifying-leader-region)`,
      fix: `set ${leaderProperty} to ${c.readWriteRegions.map(show).join(' or ')}${leaderProperty === 'regions[0]' ? ' (list the region with most writes first), or set defaultLeader' : ''}`,
    });
  }
  return problems;
}

/**
 * Compute capacity: "When you define or change compute capacity on an
 * instance, you specify processing units in multiples of 100 (100, 200, 300
 * and so on). When the number of processing units reaches 1000, you can
 * specify larger quantities either as multiples of 1000 processing units"
 * (https://cloud.google.com/spanner/docs/compute-capacity).
 */
export function processingUnitsProblems(property: string, value: unknown): ConfigProblem[] {
  const n = value as number;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 100 && (n < 1000 ? n % 100 === 0 : n % 1000 === 0)) return [];
  const below = typeof n === 'number' && Number.isFinite(n) ? (n < 1000 ? Math.max(100, Math.floor(n / 100) * 100) : Math.floor(n / 1000) * 1000) : 1000;
  const above = typeof n === 'number' && Number.isFinite(n) ? (n < 1000 ? Math.min(1000, Math.ceil(n / 100) * 100) : Math.ceil(n / 1000) * 1000) : 1000;
  const suggestion = below === above || !(n >= 100) ? `${Math.max(100, above)}` : `${below} or ${above}`;
  return [{
    property,
    message: `${property} ${show(value)} is not a compute capacity Spanner allows (multiples of 100 below 1000, multiples of 1000 from 1000 on: https://cloud.google.com/spanner/docs/compute-capacity)`,
    fix: `set ${property} to ${suggestion}`,
  }];
}

/** Seconds of a Spanner duration (`7d`, `24h`, `1440m`, `86400s`), or undefined. */
export function durationSeconds(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^(\d+)([dhms])$/.exec(value) : null;
  if (!m) return undefined;
  return Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
}
