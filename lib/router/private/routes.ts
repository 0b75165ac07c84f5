import { ConfigProblem, MultiRegionConfigError, show } from '../../core/errors';
import { checkPartitionRouting, NodePartitionRouting, PartitionName } from '../partitions';
import { createUpstream, PoolOptions, Upstream } from './upstream';

/** Where the requests of one partition (or of an unpartitioned router) go. */
export interface RouteTarget {
  /** `undefined` for an unpartitioned router. */
  readonly partition?: PartitionName;
  readonly write: Upstream;
  /** In order of preference (at least one). */
  readonly reads: readonly Upstream[];
}

export interface RouteTableOptions extends PoolOptions {
  readonly primary?: string | URL;
  readonly read?: string | URL;
  readonly partitioning?: NodePartitionRouting;
}

/** The upstreams of a router: one target, or one per partition. Throws `MultiRegionConfigError`. */
export function createRouteTable(options: RouteTableOptions): { readonly single?: RouteTarget; readonly byPartition: ReadonlyMap<string, RouteTarget>; readonly all: readonly Upstream[] } {
  const source = { construct: 'Router', path: 'server' };
  if (options.partitioning === undefined) {
    const missing: ConfigProblem[] = [];
    if (options.primary === undefined) missing.push({ property: 'primary', message: 'primary is missing', fix: "set primary to the write endpoint's base URL, or give partitioning for partition-aware routing" });
    if (options.read === undefined) missing.push({ property: 'read', message: 'read is missing', fix: "set read to the read endpoint's base URL, or give partitioning for partition-aware routing" });
    if (missing.length > 0) throw new MultiRegionConfigError(source, missing);
    const write = createUpstream('primary', options.primary!, options);
    const read = createUpstream('read', options.read!, options);
    return { single: { write, reads: [read] }, byPartition: new Map(), all: [write, read] };
  }
  const problems: ConfigProblem[] = [];
  for (const property of ['primary', 'read'] as const) {
    if (options[property] !== undefined) {
      problems.push({ property, message: `${property} ${show(String(options[property]))} is set together with partitioning, so some requests would have two possible ${property === 'primary' ? 'write' : 'read'} upstreams`, fix: `remove ${property}: with partitioning every request goes to its partition's upstreams` });
    }
  }
  problems.push(...checkPartitionRouting(options.partitioning, checkUpstreams, false));
  if (problems.length > 0) throw new MultiRegionConfigError(source, problems);
  const byPartition = new Map<string, RouteTarget>();
  const all: Upstream[] = [];
  for (const [partition, entry] of Object.entries(options.partitioning.partitions)) {
    const at = `partitioning.partitions.${partition}`;
    const write = createUpstream('primary', entry.write, options, `${partition}/write`, `${at}.write`);
    // A partition without read copies reads from its home.
    const readUrls = listOf(entry.read);
    const reads = readUrls.length === 0 ? [write] : readUrls.map((url, i) => createUpstream('read', url, options, i === 0 ? `${partition}/read` : `${partition}/read-${i + 1}`, `${at}.read[${i}]`));
    byPartition.set(partition, { partition, write, reads });
    all.push(write, ...reads.filter((r) => r !== write));
  }
  return { byPartition, all };
}

function checkUpstreams(entry: unknown, property: string): ConfigProblem[] {
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as { write?: unknown; read?: unknown };
  const problems: ConfigProblem[] = [];
  const check = (value: unknown, at: string) => {
    let url: URL | undefined;
    try {
      url = new URL(String(value));
    } catch {
      url = undefined;
    }
    if (value === undefined || !url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
      problems.push({ property: at, message: `${at} ${show(value === undefined ? undefined : String(value))} is not an http(s) base URL`, fix: `set ${at} to the upstream's base URL, e.g. https://${at.endsWith('write') ? 'write' : 'read'}.eu.api.example.com` });
    }
  };
  check(e.write, `${property}.write`);
  const reads = listOf(e.read as string | readonly string[] | undefined);
  reads.forEach((r, i) => check(r, `${property}.read${reads.length > 1 ? `[${i}]` : ''}`));
  return problems;
}

function listOf<T>(value: T | readonly T[] | undefined): readonly T[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
