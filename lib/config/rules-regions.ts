/**
 * Regions, roles and origin: each region known to its cloud and listed once,
 * one writer (phases 1–4), one standby at most, a failover target from
 * phase 3, the origin among the regions, and the ladder's topology rules of
 * lib/core (validateTopology) in the file's words. Then residency classes.
 */
import { checkRegion, ConfigProblem, LADDER, Phase, residencyAllows, show, validateTopology } from '../core';
import { Role } from './fields';
import { CLOUD_NAMES, CLOUDS, profileOf } from './figures';
import { PathSegment } from './problems';
import { RuleContext } from './raw';
import { closest } from './suggest';

/** The regions that passed, first occurrence of each name. */
export interface RegionFacts {
  readonly regions: readonly { readonly index: number; readonly name: string; readonly role: Role }[];
  /** Regions with role primary. */
  readonly primaries: readonly { readonly index: number; readonly name: string }[];
  /** The failover target (phases 2–4): the standby, else the first replica. */
  readonly standby?: string;
  /** True when every region name and role passed (the topology rules can run). */
  readonly complete: boolean;
}

/** Checks one region name against the cloud, with a did-you-mean for an unknown one. */
export function regionProblems(ctx: RuleContext, path: readonly PathSegment[], region: string): ConfigProblem[] {
  if (!ctx.cloud) return [];
  const profile = profileOf(ctx.cloud);
  const property = path.reduce<string>((o, s) => (typeof s === 'number' ? `${o}[${s}]` : o ? `${o}.${s}` : s), '');
  const other = CLOUDS.find((c) => c !== ctx.cloud)!;
  return checkRegion(profile, property, region).map((p) => {
    if (profileOf(other).knownRegions.includes(region)) {
      return { ...p, message: `${property} ${show(region)} is ${other === 'aws' ? 'an AWS' : 'a Google Cloud'} region, but cloud is ${ctx.cloud}`, fix: `use ${ctx.cloud === 'aws' ? 'an AWS' : 'a Google Cloud'} region such as '${profile.regionExample}'` };
    }
    const match = closest(region, profile.knownRegions);
    return match ? { ...p, fix: `did you mean '${match}'? ${p.fix}` } : p;
  });
}

export function checkRegions(ctx: RuleContext, phase: Phase | undefined): RegionFacts {
  const raw = ctx.raw.regions ?? [];
  const seen = new Map<string, number>();
  const regions: { index: number; name: string; role: Role }[] = [];
  let complete = !ctx.failed('regions') && ctx.raw.regions !== undefined;
  raw.forEach((r, index) => {
    const name = r?.name;
    if (name === undefined) { complete = false; return; }
    const found = regionProblems(ctx, ['regions', index, 'name'], name);
    found.forEach((p) => ctx.error(['regions', index, 'name'], p.message, p.fix, name));
    if (found.length > 0) { complete = false; return; }
    if (seen.has(name)) {
      ctx.error(['regions', index, 'name'], `regions[${index}].name ${show(name)} is listed twice (also regions[${seen.get(name)}])`, 'list each region once', name);
      complete = false;
      return;
    }
    seen.set(name, index);
    if (r?.role === undefined) { complete = false; return; }
    regions.push({ index, name, role: r.role });
  });

  const primaries = regions.filter((r) => r.role === 'primary');
  const multiWriter = phase === 5;
  if (complete && primaries.length === 0 && !multiWriter) {
    ctx.error(['regions'], 'regions has no region with role: primary', "set role: primary on the region that takes the writes today (exactly one)");
  }
  if (!multiWriter && primaries.length > 1) {
    for (const extra of primaries.slice(1)) {
      ctx.error(['regions', extra.index, 'role'],
        `regions[${extra.index}].role 'primary': ${extra.name} would be a second writer, but ${primaries[0].name} (regions[${primaries[0].index}]) is the primary and phases 1–4 have exactly one`,
        `set role: replica or role: standby (several writers are phase 5, with mode: geo-partitioned or active-active)`, 'primary');
    }
  }
  const standbys = regions.filter((r) => r.role === 'standby');
  for (const extra of standbys.slice(1)) {
    ctx.error(['regions', extra.index, 'role'], `regions[${extra.index}].role 'standby': ${standbys[0].name} (regions[${standbys[0].index}]) is already the standby`,
      'mark one standby (the region a failover moves the writes to); make this one role: replica', 'standby');
  }
  if (ctx.cloud === 'gcp') {
    for (const r of regions.filter((x) => x.role === 'headless')) {
      ctx.error(['regions', r.index, 'role'], `regions[${r.index}].role 'headless' has no Cloud SQL equivalent: a cross-region replica is always a running instance`,
        'set role: replica (or standby)', 'headless');
    }
  }
  const standby = standbys[0]?.name ?? regions.find((r) => r.role === 'replica')?.name;
  if (complete && phase !== undefined && phase >= 3 && phase <= 4 && primaries.length === 1 && regions.length > 1 && standby === undefined) {
    ctx.error(['regions'], `phase ${phase} (${LADDER[phase].name}) fails the writes over to a standby with readers, but every region besides the primary is headless`,
      'set role: standby on one of them (it gets readers)');
  }
  return { regions, primaries, standby, complete };
}

/** Origin: among the regions; absent from a multi-region file is a warning; phase 5 keeps it per partition. */
export function checkOrigin(ctx: RuleContext, facts: RegionFacts, phase: Phase | undefined): string | undefined {
  const origin = ctx.raw.origin;
  const names = facts.regions.map((r) => r.name);
  if (phase === 5) {
    if (origin !== undefined) {
      ctx.error(['origin'], `origin is set, but in phase 5 each partition has its own database (mode: geo-partitioned) or none is the origin (active-active)`,
        'move it to the partition that holds the database first created there (partitions[].origin), or remove it', origin, 'key');
    }
    return undefined;
  }
  if (origin !== undefined && !ctx.failed('origin')) {
    const found = regionProblems(ctx, ['origin'], origin);
    found.forEach((p) => ctx.error(['origin'], p.message, p.fix, origin));
    if (found.length === 0 && facts.complete && !names.includes(origin)) {
      const match = closest(origin, names);
      ctx.error(['origin'], `origin ${show(origin)} is not a region of the file (${names.join(', ')})`,
        `${match ? `did you mean '${match}'? ` : ''}set origin to the region where the database was first created, and keep that region in regions`, origin);
    }
    return origin;
  }
  const primary = facts.primaries.length === 1 ? facts.primaries[0].name : undefined;
  if (origin === undefined && primary && facts.regions.length > 1) {
    ctx.warning(['origin'], `origin is not set, so it is the primary's region ${primary}; after a failover another region is primary, and a file that still omits origin would move it and replace the databases`,
      `pin origin: ${primary} now, so a later role swap replaces nothing`);
  }
  return primary;
}

/** The ladder's topology rules (lib/core validateTopology) on the writer and the other regions, in the file's words. */
export function checkTopology(ctx: RuleContext, facts: RegionFacts, phase: Phase): void {
  if (!ctx.cloud || !facts.complete || facts.primaries.length !== 1 || phase === 5) return;
  const primary = facts.primaries[0];
  const others = facts.regions.filter((r) => r !== primary);
  const problems = validateTopology({
    primaryRegion: primary.name,
    replicaRegions: others.map((r) => r.name),
    phase,
    engine: ctx.raw.database?.engine,
    recoveryObjectives: ctx.raw.objectives?.rpo !== undefined ? { rpoSeconds: ctx.raw.objectives.rpo } : undefined,
  }, profileOf(ctx.cloud));
  for (const p of problems) {
    const where = topologyPath(p.property, primary.index, others.map((r) => r.index));
    ctx.error(where, inFileWords(p.message), inFileWords(p.fix));
  }
}

/** Where a topology problem's property is in the file. */
function topologyPath(property: string, primaryIndex: number, otherIndexes: readonly number[]): PathSegment[] {
  const replica = /^replicaRegions\[(\d+)\]$/.exec(property);
  if (replica) return ['regions', otherIndexes[Number(replica[1])], 'name'];
  switch (property) {
    case 'primaryRegion': return ['regions', primaryIndex, 'name'];
    case 'replicaRegions': return ['regions'];
    case 'recoveryObjectives.rpoSeconds': return ['objectives', 'rpo'];
    case 'recoveryObjectives.rtoSeconds': return ['objectives', 'rto'];
    case 'engine': return ['database', 'engine'];
    default: return [property];
  }
}

/** The core's construct words, in the file's: regions with roles, objectives.rpo, durations with a unit. */
export function inFileWords(text: string): string {
  return text
    .replace(/^replicaRegions lists (\d+) regions/, 'regions lists $1 regions besides the primary')
    .replace(/but replicaRegions is empty/, 'but regions lists only the primary')
    .replace(/but replicaRegions lists/, 'but regions lists, besides the primary,')
    .replace(/or remove replicaRegions/, 'or remove the regions besides the primary')
    .replace(/replication to replicaRegions/, 'replication to the other regions')
    .replace(/recoveryObjectives\.rpoSeconds (\d+)/g, (_m, n) => `objectives.rpo ${n}s`)
    .replace(/rpoSeconds: (\d+)/g, (_m, n) => `rpo: ${n}s`)
    .replace(/add a replica region/, 'add a region with role: replica');
}

/** Residency classes: unique names, valid entries, and (one database everywhere) every region allowed. */
export function checkResidency(ctx: RuleContext, facts: RegionFacts, phase: Phase | undefined, everyRegionHoldsEverything: boolean): void {
  const classes = ctx.raw.residency ?? [];
  const seen = new Map<string, number>();
  classes.forEach((c, i) => {
    if (!c?.class) return;
    if (seen.has(c.class)) {
      ctx.error(['residency', i, 'class'], `residency[${i}].class ${show(c.class)} is also residency[${seen.get(c.class)}]`, 'give each class one entry (list all its regions in allowedRegions)', c.class);
    } else seen.set(c.class, i);
    (c.allowedRegions ?? []).forEach((entry, j) => {
      if (entry === undefined || !ctx.cloud) return;
      const path = ['residency', i, 'allowedRegions', j];
      if (entry.endsWith('*')) {
        const prefix = entry.slice(0, -1);
        if (!profileOf(ctx.cloud).knownRegions.some((r) => r.startsWith(prefix))) {
          ctx.error(path, `residency[${i}].allowedRegions[${j}] ${show(entry)} matches no ${CLOUD_NAMES[ctx.cloud]} region`,
            `write a prefix of ${CLOUD_NAMES[ctx.cloud]} region names, e.g. '${profileOf(ctx.cloud).regionExample.split('-')[0]}-*'`, entry);
        }
        return;
      }
      regionProblems(ctx, path, entry).forEach((p) => ctx.error(path, p.message, p.fix, entry));
    });
  });
  if (!everyRegionHoldsEverything || !facts.complete || !ctx.cloud) return;
  classes.forEach((c, i) => {
    if (!c?.class || !c.allowedRegions || ctx.failed(`residency[${i}]`)) return;
    const rule = { name: c.class, allowedRegions: c.allowedRegions as string[] };
    for (const r of facts.regions) {
      if (residencyAllows(rule, r.name)) continue;
      const why = r.role === 'primary'
        ? `the primary region ${r.name}, where every write is stored`
        : `${r.name}, which holds a full copy of the database (phase ${phase ?? '?'} replicates everything to every region${r.role === 'headless' ? ', headless ones included' : ''})`;
      ctx.error(['residency', i, 'allowedRegions'], `residency[${i}] ${show(c.class)} excludes ${why}`,
        `allow ${r.name} in residency[${i}].allowedRegions, or keep this class's data out of this deployment (phase 5 with mode: geo-partitioned gives it partitions whose regions the class allows)`, c.allowedRegions);
    }
  });
}
