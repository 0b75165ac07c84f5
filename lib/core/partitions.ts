/**
 * Phase 5, cloud-neutral: how writes are spread over regions, and what the
 * loss of each region costs.
 *
 * Two write modes, always chosen explicitly:
 * - `geo-partitioned`: the data is split into partitions; each partition has
 *   exactly one home (write) region and read copies only where its residency
 *   allows. One writer per row, so there is nothing to resolve.
 * - `active-active`: one strongly consistent database with a writer in several
 *   regions (Aurora DSQL on AWS, Spanner on Google Cloud); concurrent writes to
 *   the same rows conflict and one transaction is told to retry.
 *
 * Asynchronous multi-writer with last-write-wins is refused: no managed
 * relational engine of either cloud offers it, and it silently loses writes.
 */
import { ConfigProblem, show } from './errors';
import type { OutputFile } from './output-files';
import { LADDER, Phase } from './ladder';
import { estimateRecovery, RecoveryEstimates, RecoveryInputs } from './recovery';
import { checkRegion, CloudProfile, DataResidency, residencyAllows } from './spec';

/** How writes are accepted in phase 5. */
export type WriteMode = 'geo-partitioned' | 'active-active';

/** The write modes, in the order the docs present them. */
export const WRITE_MODES: readonly WriteMode[] = ['geo-partitioned', 'active-active'];

/**
 * Names users reach for that mean asynchronous multi-writer replication
 * (refused with an explanation rather than "unknown mode").
 */
const MULTI_WRITER_ALIASES = ['last-write-wins', 'lww', 'multi-master', 'multi-writer', 'async-multi-writer'];

/** One partition of the data and where it lives. */
export interface PartitionSpec {
  /**
   * Name of the partition: lowercase letters, digits and hyphens, starting with
   * a letter, at most {@link PARTITION_NAME_MAX} characters. It appears in
   * hostnames (`write.<name>.<zone>`) and resource identifiers.
   */
  readonly name: string;
  /** The one region that accepts the partition's writes. */
  readonly homeRegion: string;
  /**
   * Regions holding a read copy; the first one is the standby a failover
   * moves writes to.
   * @default [] (no standby: losing the home region stops the partition's writes)
   */
  readonly replicaRegions?: readonly string[];
  /**
   * Which regions may hold a copy of this partition's data.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
}

/** A validated partition with defaults resolved. */
export interface Partition {
  readonly name: string;
  readonly homeRegion: string;
  readonly replicaRegions: readonly string[];
  readonly residency?: DataResidency;
  /** The region a failover moves writes to, when there is one. */
  readonly standbyRegion?: string;
}

/** Longest partition name (it becomes part of identifiers and hostnames). */
export const PARTITION_NAME_MAX = 20;
const PARTITION_NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** The words of one cloud, for messages. */
export interface WriteModeVocabulary {
  /** The managed engine of the active-active mode, e.g. `Aurora DSQL`. */
  readonly activeActiveEngine: string;
  /** The engine of the geo-partitioned mode, e.g. `Aurora Global Database`. */
  readonly partitionEngine: string;
  /**
   * The cloud's name in messages, e.g. `Google Cloud`.
   * @default the profile's `cloud` (`aws`, `gcp`)
   */
  readonly cloudName?: string;
}

/**
 * Checks the phase-5 write mode: present, known, and not last-write-wins.
 * `property` is the name the construct gives it (default `mode`).
 */
export function checkWriteMode(mode: unknown, profile: CloudProfile, words: WriteModeVocabulary, property = 'mode'): ConfigProblem[] {
  const choices = `'geo-partitioned' (one home region per partition on ${words.partitionEngine}) or 'active-active' (${words.activeActiveEngine}, strongly consistent writes in several regions)`;
  if (mode === undefined) {
    return [{
      property,
      message: `${property} is not set, and phase 5 has no default: the two ways to write in several regions differ in cost, engine and what the application must do`,
      fix: `set ${property} to ${choices}`,
    }];
  }
  if (typeof mode === 'string' && MULTI_WRITER_ALIASES.includes(mode.toLowerCase())) {
    return [{
      property,
      message: `${property} ${show(mode)} asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on ${words.cloudName ?? profile.cloud} offers (and which silently discards one of two concurrent writes)`,
      fix: `set ${property} to ${choices}`,
    }];
  }
  if (!(WRITE_MODES as readonly unknown[]).includes(mode)) {
    return [{
      property,
      message: `${property} ${show(mode)} is not a phase-5 write mode`,
      fix: `set ${property} to ${choices}`,
    }];
  }
  return [];
}

/**
 * Validates the partitions of a geo-partitioned deployment: names, one home
 * region each, residency of every copy, and a standby inside the residency
 * from phase 3 on.
 */
export function validatePartitions(
  partitions: readonly PartitionSpec[] | undefined,
  phase: Phase,
  profile: CloudProfile,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!partitions || partitions.length === 0) {
    return [{
      property: 'partitions',
      message: 'partitions is empty, but a geo-partitioned deployment writes each partition in its own home region',
      fix: "list at least one partition, e.g. [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }]",
    }];
  }
  const names = new Map<string, number>();
  partitions.forEach((p, i) => {
    const at = `partitions[${i}]`;
    const name: unknown = p.name;
    if (typeof name !== 'string' || !PARTITION_NAME.test(name) || name.length > PARTITION_NAME_MAX) {
      problems.push({
        property: `${at}.name`,
        message: `${at}.name ${show(name)} is not a valid partition name`,
        fix: `use 1–${PARTITION_NAME_MAX} lowercase letters, digits and hyphens, starting with a letter (it becomes part of hostnames and identifiers)`,
      });
    } else if (names.has(name)) {
      problems.push({
        property: `${at}.name`,
        message: `${at}.name ${show(name)} is also the name of partitions[${names.get(name)}]`,
        fix: 'give each partition its own name; a partition has exactly one home region, so two homes for one set of data are two partitions',
      });
    } else {
      names.set(name, i);
    }

    const home: unknown = p.homeRegion;
    if (Array.isArray(home)) {
      problems.push({
        property: `${at}.homeRegion`,
        message: `${at}.homeRegion ${show(home)} names ${home.length} regions, but a partition has exactly one home region (two writers for one row would need conflict resolution)`,
        fix: 'set homeRegion to one region and list the others in replicaRegions, or split the data into one partition per home region',
      });
      return;
    }
    const homeProblems = checkRegion(profile, `${at}.homeRegion`, home as string);
    problems.push(...homeProblems);
    const rule = p.residency;
    if (homeProblems.length === 0 && !residencyAllows(rule, home as string)) {
      problems.push({
        property: `${at}.homeRegion`,
        message: `${at}.homeRegion ${show(home)} is outside the regions partition ${show(name)} may use under the residency rule '${rule!.name}' (allowed: ${rule!.allowedRegions.join(', ')})`,
        fix: 'choose a home region the residency rule allows',
      });
    }

    const replicas = p.replicaRegions ?? [];
    const seen = new Set<string>();
    replicas.forEach((region, j) => {
      const prop = `${at}.replicaRegions[${j}]`;
      const regionProblems = checkRegion(profile, prop, region);
      problems.push(...regionProblems);
      if (regionProblems.length > 0) return;
      if (region === home) {
        problems.push({ property: prop, message: `${prop} ${show(region)} is the partition's home region`, fix: 'a read copy must be in another region: remove it or choose a different region' });
      } else if (seen.has(region)) {
        problems.push({ property: prop, message: `${prop} ${show(region)} is listed twice`, fix: 'list each replica region once' });
      } else if (!residencyAllows(rule, region)) {
        problems.push({
          property: prop,
          message: `${prop} ${show(region)} may not hold a copy of partition ${show(name)} under the residency rule '${rule!.name}' (allowed: ${rule!.allowedRegions.join(', ')})`,
          fix: 'remove the region or choose one the residency rule allows',
        });
      }
      seen.add(region);
    });
    if (replicas.length > profile.maxReplicaRegions) {
      problems.push({
        property: `${at}.replicaRegions`,
        message: `${at}.replicaRegions lists ${replicas.length} regions, more than the ${profile.maxReplicaRegions} secondary regions ${profile.cloud} allows (${profile.maxReplicaRegionsSource})`,
        fix: `keep at most ${profile.maxReplicaRegions} replica regions per partition`,
      });
    }
    if (LADDER[phase].requiresFailoverAutomation && !replicas.some((r) => r !== home && residencyAllows(rule, r))) {
      problems.push({
        property: `${at}.replicaRegions`,
        message: `partition ${show(name)} has no standby region${rule ? ` inside its residency rule '${rule.name}'` : ''}, but phase ${phase} fails writes over to a standby`,
        fix: rule
          ? `add a replica region the rule allows (${rule.allowedRegions.join(', ')}) other than ${show(home)}`
          : `add a replica region other than ${show(home)}`,
      });
    }
  });
  return problems;
}

/** Resolves defaults; call after {@link validatePartitions} returned no problems. */
export function resolvePartitions(partitions: readonly PartitionSpec[]): Partition[] {
  return partitions.map((p) => ({
    name: p.name,
    homeRegion: p.homeRegion,
    replicaRegions: [...(p.replicaRegions ?? [])],
    residency: p.residency,
    standbyRegion: p.replicaRegions?.[0],
  }));
}

/** Every region that holds a copy of some partition, in first-seen order. */
/**
 * The GraphQL router's partition map (lib/router `--partitions <file>`, its
 * `PartitionUpstreams` shape): partition name → its write hostname and its read
 * hostname as base URLs. Reads of a partition go only to its own read record,
 * whose records list only its regions. Hostnames may end with the DNS root dot.
 */
export function partitionUpstreamMap(
  partitions: readonly { readonly name: string; readonly writeHostname: string; readonly readHostname: string }[],
  scheme: 'https' | 'http' = 'https',
): Record<string, { write: string; read: string[] }> {
  const url = (host: string) => `${scheme}://${host.replace(/\.$/, '')}`;
  return Object.fromEntries(partitions.map((p) => [p.name, { write: url(p.writeHostname), read: [url(p.readHostname)] }]));
}

/**
 * A partition's regions that have no application endpoint: its records could
 * not send traffic there. `example(region)` is the endpoint to suggest, in the
 * cloud's words.
 */
export function missingPartitionEndpoint(
  partition: Pick<PartitionSpec, 'name' | 'homeRegion' | 'replicaRegions'>,
  endpointRegions: ReadonlySet<string>,
  example: (region: string) => string,
): ConfigProblem | undefined {
  const missing = [partition.homeRegion, ...(partition.replicaRegions ?? [])].filter((r) => !endpointRegions.has(r));
  if (missing.length === 0) return undefined;
  return {
    property: 'endpoints',
    message: `endpoints has no endpoint in ${missing.join(', ')}, ${missing.length === 1 ? 'a region' : 'regions'} of partition ${show(partition.name)}, so its records could not send traffic there`,
    fix: `add ${example(missing[0])} to endpoints`,
  };
}

/**
 * What a GeoPartitionedDatabase writes next to its stacks: the router's
 * partition map (`router/<file>`) and the overview with the blast radius
 * (`runbooks/<file>`).
 */
export function partitionOutputFiles(d: {
  readonly routerConfigFileName: string;
  readonly overviewFileName: string;
  readonly overviewMarkdown: string;
  partitionRouterConfig(): unknown;
}): OutputFile[] {
  return [
    { dir: 'router', file: d.routerConfigFileName, text: `${JSON.stringify(d.partitionRouterConfig(), null, 2)}\n` },
    { dir: 'runbooks', file: d.overviewFileName, text: d.overviewMarkdown },
  ];
}

export function partitionRegions(partitions: readonly Partition[]): string[] {
  return [...new Set(partitions.flatMap((p) => [p.homeRegion, ...p.replicaRegions]))];
}

/** What the loss of one region does to each partition. */
export interface RegionBlastRadius {
  readonly region: string;
  /** Partitions whose writes stop and must fail over to their standby. */
  readonly mustFailOver: readonly string[];
  /** Partitions whose writes stop until the region returns (no standby). */
  readonly writesLost: readonly string[];
  /** Partitions that keep serving reads from another region. */
  readonly readsServedElsewhere: readonly string[];
  /** Partitions with no copy outside the region: reads stop too. */
  readonly readsLost: readonly string[];
  /** Partitions with no copy in the region. */
  readonly unaffected: readonly string[];
}

/** For each region of a geo-partitioned deployment: what its loss costs. */
export function blastRadius(partitions: readonly Partition[]): RegionBlastRadius[] {
  return partitionRegions(partitions).map((region) => {
    const home = partitions.filter((p) => p.homeRegion === region);
    const holders = partitions.filter((p) => p.homeRegion === region || p.replicaRegions.includes(region));
    const elsewhere = (p: Partition) => [p.homeRegion, ...p.replicaRegions].some((r) => r !== region);
    return {
      region,
      mustFailOver: home.filter((p) => p.standbyRegion !== undefined).map((p) => p.name),
      writesLost: home.filter((p) => p.standbyRegion === undefined).map((p) => p.name),
      readsServedElsewhere: holders.filter(elsewhere).map((p) => p.name),
      readsLost: holders.filter((p) => !elsewhere(p)).map((p) => p.name),
      unaffected: partitions.filter((p) => !holders.includes(p)).map((p) => p.name),
    };
  });
}

/** Regions of an active-active database: peers that write, and a witness. */
export interface ActiveActiveRegions {
  /** Regions with a writable endpoint. */
  readonly writeRegions: readonly string[];
  /** Region that only votes (holds the log for quorum), when the engine has one. @default - none */
  readonly witnessRegion?: string;
}

/** For each region of an active-active database: what its loss costs. */
export function activeActiveBlastRadius(regions: ActiveActiveRegions): { region: string; effect: string }[] {
  const rows = regions.writeRegions.map((region) => {
    const others = regions.writeRegions.filter((r) => r !== region);
    return {
      region,
      effect: others.length === 0
        ? 'writes and reads stop: no other region holds the database'
        : `clients in ${region} lose their local endpoint; writes and reads continue in ${others.join(', ')} with no data loss (commits were acknowledged by a quorum); nothing to fail over, move the clients`,
    };
  });
  if (regions.witnessRegion) {
    rows.push({
      region: regions.witnessRegion,
      effect: `no client impact while ${regions.writeRegions.join(' and ')} are up; losing one of them as well leaves no quorum and writes stop`,
    });
  }
  return rows;
}

/** What concurrent writes do in a mode, and what the application must do. */
export interface ConflictModel {
  readonly mode: WriteMode;
  /** Who may write a given row. */
  readonly writers: string;
  /** What happens when two writes touch the same data. */
  readonly conflicts: string;
  /** What the application must do. */
  readonly applicationMust: readonly string[];
}

/** The conflict model of each mode (printed by docs and runbooks). */
export const CONFLICT_MODELS: Readonly<Record<WriteMode, ConflictModel>> = {
  'geo-partitioned': {
    mode: 'geo-partitioned',
    writers: "exactly one region: the partition's home",
    conflicts: 'none between regions: every row has one writer, so replication never has to choose between two versions',
    applicationMust: [
      'send every write to the home region of the partition that owns the data (the router does it from the partition key)',
      'never write one partition in another partition\'s region; a change that spans partitions is a saga or an outbox between them, not one transaction',
      'treat reads from a read copy as stale by up to the replication lag',
    ],
  },
  'active-active': {
    mode: 'active-active',
    writers: 'every write region, for every row',
    conflicts: 'detected at commit (optimistic concurrency): of two transactions that touch the same rows, one commits and the other fails with a serialization error',
    applicationMust: [
      'retry a transaction that fails with a serialization error (SQLSTATE 40001 / ABORTED), from its beginning, with backoff',
      'keep transactions short and make retried writes idempotent (an idempotency key per mutation)',
      'expect a commit to wait for a quorum of regions (write latency grows with the distance between them)',
    ],
  },
};

/** Recovery estimates per partition (each partition fails over on its own). */
export function estimatePartitionRecovery(
  partitions: readonly Partition[],
  inputsFor: (partition: Partition) => RecoveryInputs,
): Record<string, RecoveryEstimates> {
  const out: Record<string, RecoveryEstimates> = {};
  for (const p of partitions) out[p.name] = estimateRecovery(inputsFor(p));
  return out;
}

/** Renders the blast radius of a geo-partitioned deployment as a Markdown table. */
export function renderBlastRadiusMarkdown(rows: readonly RegionBlastRadius[]): string {
  const list = (names: readonly string[]) => (names.length === 0 ? '—' : names.join(', '));
  return [
    '| region lost | fail over (writes move to the standby) | writes stop (no standby) | reads from another region | reads stop | unaffected |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.region} | ${list(r.mustFailOver)} | ${list(r.writesLost)} | ${list(r.readsServedElsewhere)} | ${list(r.readsLost)} | ${list(r.unaffected)} |`),
  ].join('\n');
}

/** Renders a conflict model as Markdown (a paragraph and a list). */
export function renderConflictModelMarkdown(model: ConflictModel, engineNote?: string): string {
  return [
    `**Writers:** ${model.writers}. **Conflicts:** ${model.conflicts}.`,
    '',
    'The application must:',
    ...model.applicationMust.map((m) => `- ${m}`),
    ...(engineNote ? ['', engineNote] : []),
  ].join('\n');
}
