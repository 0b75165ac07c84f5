/**
 * Phase 5: the write mode (lib/core checkWriteMode) and, geo-partitioned,
 * the partitions (lib/core validatePartitions): each with one home region
 * among the file's regions, its residency class, its origin; roles agree
 * with the partitions (a home region is a writer).
 */
import { checkWriteMode, DataResidency, PartitionSpec, show, validatePartitions, WriteModeVocabulary } from '../core';
import { Cloud, profileOf } from './figures';
import { PathSegment, pathText } from './problems';
import { RuleContext } from './raw';
import { RegionFacts } from './rules-regions';
import { closest } from './suggest';

/** The engines of each mode, for messages. */
export const WRITE_MODE_WORDS: Readonly<Record<Cloud, WriteModeVocabulary>> = {
  aws: { activeActiveEngine: 'Aurora DSQL', partitionEngine: 'Aurora Global Database' },
  gcp: { activeActiveEngine: 'Spanner', partitionEngine: 'Cloud SQL' },
};

/** `partitions[0].replicaRegions[1]` → `['partitions', 0, 'replicaRegions', 1]`. */
export function parsePath(property: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of property.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

export function checkPhase5(ctx: RuleContext, facts: RegionFacts, phase: number | undefined): void {
  const r = ctx.raw;
  if (phase !== 5) {
    if (r.mode !== undefined) ctx.error(['mode'], `mode is set, but writes go to one region until phase 5`, 'remove mode, or set phase: 5', r.mode, 'key');
    if (r.partitions !== undefined) ctx.error(['partitions'], `partitions is set, but the data is partitioned only in phase 5`, 'remove partitions, or set phase: 5 with mode: geo-partitioned', undefined, 'key');
    if (r.witnessRegion !== undefined) ctx.error(['witnessRegion'], 'witnessRegion is set, but only phase 5 active-active (Aurora DSQL) has a witness Region', 'remove witnessRegion, or set phase: 5 with mode: active-active', undefined, 'key');
    if (r.routing?.partitionKey !== undefined) ctx.error(['routing', 'partitionKey'], 'routing.partitionKey is set, but the data is partitioned only in phase 5', 'remove routing.partitionKey, or set phase: 5 with mode: geo-partitioned', undefined, 'key');
    return;
  }
  if (!ctx.cloud) return;
  checkAwsPhase5Keys(ctx);
  if (!ctx.failed('mode')) {
    for (const p of checkWriteMode(r.mode, profileOf(ctx.cloud), WRITE_MODE_WORDS[ctx.cloud])) {
      ctx.error(['mode'], p.message, p.fix, r.mode);
    }
  }
  if (r.mode === 'active-active') {
    if (r.partitions !== undefined) ctx.error(['partitions'], 'partitions is set, but active-active writes every row in every region', 'remove partitions, or set mode: geo-partitioned', undefined, 'key');
    for (const region of facts.regions.filter((x) => x.role !== 'primary')) {
      ctx.error(['regions', region.index, 'role'], `regions[${region.index}].role ${show(region.role)}: in active-active mode every region writes`, 'set role: primary', region.role);
    }
    return;
  }
  if (r.mode !== 'geo-partitioned') return;
  if (r.partitions === undefined) {
    if (!ctx.failed('partitions')) ctx.error(['mode'], 'mode is geo-partitioned, but partitions is missing', "list the partitions, e.g. partitions: [{ name: eu, homeRegion: eu-west-1, replicaRegions: [eu-central-1] }]", r.mode);
    return;
  }
  if (ctx.failed('partitions') || ctx.failed('residency')) return;
  const classes = new Map((r.residency ?? []).filter((c) => c?.class).map((c) => [c!.class!, c!]));
  const specs: PartitionSpec[] = r.partitions.map((p, i) => {
    let residency: DataResidency | undefined;
    if (p?.residency !== undefined) {
      const c = classes.get(p.residency);
      if (c) residency = { name: c.class!, allowedRegions: (c.allowedRegions ?? []) as string[] };
      else {
        const match = closest(p.residency, classes.keys());
        ctx.error(['partitions', i, 'residency'], `partitions[${i}].residency ${show(p.residency)} is not a class of residency`,
          `${match ? `did you mean '${match}'? ` : ''}use one of ${[...classes.keys()].join(', ') || '(none: add a residency entry first)'}`, p.residency);
      }
    }
    return { name: p!.name!, homeRegion: p!.homeRegion!, replicaRegions: p!.replicaRegions, residency };
  });
  for (const p of validatePartitions(specs, 5, profileOf(ctx.cloud))) ctx.error(parsePath(p.property), p.message, p.fix);

  const names = new Set(facts.regions.map((x) => x.name));
  const homes = new Set<string>();
  r.partitions.forEach((p, i) => {
    if (!p?.homeRegion) return;
    homes.add(p.homeRegion);
    const listed: [PathSegment[], string][] = [[['partitions', i, 'homeRegion'], p.homeRegion], ...(p.replicaRegions ?? []).map((x, j): [PathSegment[], string] => [['partitions', i, 'replicaRegions', j], x])];
    for (const [path, region] of listed) {
      if (facts.complete && !names.has(region)) {
        ctx.error(path, `${pathText(path)} ${show(region)} is not in regions`, `add ${region} to regions (role primary for a home region, replica otherwise)`, region);
      }
    }
    const holders = [p.homeRegion, ...(p.replicaRegions ?? [])];
    if (p.origin !== undefined && !holders.includes(p.origin)) {
      ctx.error(['partitions', i, 'origin'], `partitions[${i}].origin ${show(p.origin)} holds no copy of partition ${show(p.name)} (${holders.join(', ')})`,
        'set origin to the region where the partition\'s database was first created (its home or one of its replica regions)', p.origin);
    }
  });
  if (!facts.complete) return;
  for (const region of facts.regions) {
    if (region.role === 'primary' && !homes.has(region.name)) {
      ctx.error(['regions', region.index, 'role'], `regions[${region.index}].role 'primary': ${region.name} is the home of no partition, so it takes no writes`, 'set role: replica, or make it the homeRegion of a partition', 'primary');
    } else if (region.role !== 'primary' && homes.has(region.name)) {
      ctx.error(['regions', region.index, 'role'], `regions[${region.index}].role ${show(region.role)}: ${region.name} is the home of a partition, so it takes writes`, 'set role: primary', region.role);
    }
  }
  (r.residency ?? []).forEach((c, i) => {
    if (c?.class && !r.partitions!.some((p) => p?.residency === c.class)) {
      ctx.warning(['residency', i, 'class'], `residency[${i}] ${show(c.class)} is the residency of no partition, so nothing keeps its data in ${(c.allowedRegions ?? []).join(', ')}`,
        `set residency: ${c.class} on the partitions that hold this data`, c.class);
    }
  });
}

/**
 * The AWS-only phase-5 keys: a witness Region for active-active (Aurora
 * DSQL), a partition key for the geo-partitioned GraphQL entry point. The
 * DSQL rules themselves (Region sets, a third Region) are checked by
 * LadderDeployment.fromFile with ActiveActiveDatabase's rules.
 */
function checkAwsPhase5Keys(ctx: RuleContext): void {
  const r = ctx.raw;
  if (ctx.cloud !== 'aws') return;
  if (r.mode === 'active-active' && r.witnessRegion === undefined && !ctx.failed('witnessRegion')) {
    ctx.error(['mode'], 'mode is active-active, but witnessRegion is missing: an Aurora DSQL multi-Region cluster needs a witness Region for quorum',
      "set witnessRegion to a third Region of the peers' Region set, e.g. witnessRegion: us-west-2 for us-east-1 and us-east-2", r.mode);
  }
  if (r.mode === 'geo-partitioned' && r.witnessRegion !== undefined) {
    ctx.error(['witnessRegion'], 'witnessRegion is set, but in mode geo-partitioned each partition is an Aurora global database, which has no witness', 'remove witnessRegion, or set mode: active-active', undefined, 'key');
  }
  const routing = r.routing;
  if (r.mode !== 'geo-partitioned') {
    if (routing?.partitionKey !== undefined) ctx.error(['routing', 'partitionKey'], `routing.partitionKey is set, but mode ${show(r.mode)} has no partitions`, 'remove routing.partitionKey, or set mode: geo-partitioned', undefined, 'key');
    return;
  }
  if (routing?.graphql === true && routing.partitionKey === undefined && !ctx.failed('routing.partitionKey')) {
    ctx.error(['routing', 'graphql'], 'routing.graphql is true, but routing.partitionKey is missing: the edge entry point must know where a request names its partition',
      'add routing.partitionKey: { from: variable, name: partition } (or from: header / cookie set by a trusted layer in front); a verified JWT claim is built in code (GeoPartitionedDatabase graphql.source)', true);
  } else if (routing?.partitionKey !== undefined && routing.graphql !== true) {
    ctx.error(['routing', 'partitionKey'], 'routing.partitionKey is set, but routing.graphql is not true, and only the GraphQL edge entry point reads it', 'set routing.graphql: true, or remove routing.partitionKey', undefined, 'key');
  }
}
