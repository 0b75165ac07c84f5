import { isIP } from 'net';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import type { PartitionSpec } from '../core/partitions';
import { createJwtVerifier, JwtKeySet } from './jwt';
import { ROUTER_HEADERS } from './route-headers';

/**
 * Partition-aware routing (phase 5, geo-partitioned writes): every request
 * belongs to exactly one partition of the cloud-neutral model
 * (`PartitionSpec` in lib/core/partitions.ts); its writes go to that
 * partition's home (write) endpoint and its reads to that partition's read
 * endpoint. The partition comes from a configured source; a request whose
 * partition is missing, unknown or ambiguous is refused with a 4xx GraphQL
 * error and reaches no upstream — the router never guesses.
 */

/** A partition's name, as in the cloud-neutral model. */
export type PartitionName = PartitionSpec['name'];

/** Node router: where one partition's requests go. */
export interface PartitionUpstreams {
  /** Base URL of the partition's home (write) endpoint, e.g. `https://write.eu.api.example.com`. */
  readonly write: string | URL;
  /**
   * Base URL(s) of the partition's read endpoint(s), in order of preference:
   * reads go to the first; one that cannot be reached is skipped for the
   * next, then (with `readFallback`) for `write`. Every one must serve this
   * partition's data inside its residency.
   * @default - `write` (a partition without read copies reads from its home)
   */
  readonly read?: string | URL | readonly (string | URL)[];
}

/** Lambda@Edge router: the hostnames of one partition. */
export interface EdgePartitionHosts {
  /** Hostname of the partition's write record, e.g. `write.eu.api.example.com`. */
  readonly writeHost: string;
  /** Hostname of the partition's read record (latency-routed inside its allowed regions), e.g. `read.eu.api.example.com`. */
  readonly readHost: string;
}

/**
 * A request header set by a trusted layer in front of the router (an API
 * gateway, an auth proxy, a CloudFront viewer-request function) that always
 * overwrites whatever the client sent. If clients can reach the router
 * without passing through that layer, they choose their partition.
 */
export interface HeaderPartitionSource {
  readonly type: 'header';
  /** Header name, e.g. `x-tenant`. */
  readonly name: string;
  /**
   * Node router only: addresses or CIDR blocks of the layer in front. A
   * request from any other peer has its header ignored (and is refused as
   * having no partition).
   * @default - every peer is trusted: make sure only the layer in front can reach the router
   */
  readonly trustedPeers?: readonly string[];
}

/** A cookie. Browsers let users edit cookies: trust it only when a layer in front sets or checks it. */
export interface CookiePartitionSource {
  readonly type: 'cookie';
  /** Cookie name, e.g. `tenant`. */
  readonly name: string;
  /**
   * Node router only: as for the header source.
   * @default - every peer is trusted
   */
  readonly trustedPeers?: readonly string[];
}

/**
 * A GraphQL variable, read as a server reads it: only if the selected
 * operation declares it, the request's value or else the declared default.
 * Every entry of a batch, and every reading of URL and body parameters, must
 * name the same partition.
 */
export interface VariablePartitionSource {
  readonly type: 'variable';
  /** Variable name without `$`, e.g. `tenant`. */
  readonly name: string;
}

/**
 * A claim of a JSON Web Token in `Authorization: Bearer …`, read only after
 * the token's signature verifies against `keys` and `exp`/`nbf`/`iss`/`aud`
 * pass.
 */
export interface JwtPartitionSource {
  readonly type: 'jwt';
  /** Top-level claim holding the partition name, e.g. `tenant_region` or `https://example.com/partition`. */
  readonly claim: string;
  readonly keys: JwtKeySet;
  /**
   * Accepted issuer(s).
   * @default - not checked
   */
  readonly issuer?: string | readonly string[];
  /**
   * Accepted audience(s).
   * @default - not checked (set it: otherwise tokens minted for another service are accepted)
   */
  readonly audience?: string | readonly string[];
  /**
   * Leeway for `exp`/`nbf`, seconds.
   * @default 0
   */
  readonly clockToleranceSeconds?: number;
}

/** Where a request's partition key comes from. */
export type PartitionSource = HeaderPartitionSource | CookiePartitionSource | VariablePartitionSource | JwtPartitionSource;

/** Partition routing: the partition map and the key source. */
export interface PartitionRouting<Targets> {
  /** Partition name → where its requests go. Names follow `PartitionSpec.name`. */
  readonly partitions: Readonly<Record<PartitionName, Targets>>;
  readonly source: PartitionSource;
  /**
   * Partition whose read endpoint answers CORS preflights (OPTIONS on the
   * GraphQL path) that carry no partition key — browsers send no custom
   * header, cookie or token with a preflight, and a preflight runs nothing.
   * @default - none: such preflights are refused like any request without a partition
   */
  readonly preflightPartition?: PartitionName;
}

/** Partition routing of the Node router. */
export type NodePartitionRouting = PartitionRouting<PartitionUpstreams>;
/** Partition routing of the Lambda@Edge router (JSON in `router-config.json`). */
export type EdgePartitionRouting = PartitionRouting<EdgePartitionHosts>;

/** Why a request was refused. A fixed vocabulary (metrics and logs use it). */
export type RefusalReason =
  | 'partition-missing' // the source gives no partition key
  | 'partition-unknown' // the key names no configured partition
  | 'partition-ambiguous' // servers could read different keys (two headers, two cookies, batch entries that disagree …)
  | 'partition-token-invalid' // the JWT is malformed, unsigned, badly signed, expired, not yet valid, or for another issuer/audience
  | 'partition-unreadable'; // the key is in a body the router cannot read (too large, not JSON, ambiguous …)

/** A refusal: no upstream sees the request. */
export interface PartitionRefusal {
  readonly reason: RefusalReason;
  /** HTTP status: 400, 401 (token), 403 (a valid token for no configured partition) or 413 (body too large to read the key). */
  readonly status: number;
  /** For the client; never echoes a token. */
  readonly message: string;
  /** `WWW-Authenticate` value for 401 answers. */
  readonly authenticate?: string;
}

export type PartitionResult =
  | { readonly ok: true; readonly partition: PartitionName }
  | { readonly ok: false; readonly refusal: PartitionRefusal };

/**
 * Same rule as `PartitionSpec.name` in lib/core/partitions.ts (the router
 * cannot load that module at the edge, where only core/errors.js is
 * bundled); test/router/partitions.test.ts checks that both agree.
 */
const PARTITION_NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const PARTITION_NAME_MAX = 20;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** Headers the router reads or sets for other purposes; a partition header must be none of them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['host', 'cookie', 'authorization', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', ...ROUTER_HEADERS]);

/**
 * Validate partition routing (the map, the source, the preflight partition)
 * with `targets` checking each partition's entry. Returns the problems.
 */
export function checkPartitionRouting<T>(
  routing: PartitionRouting<T> | undefined,
  targets: (entry: unknown, property: string) => ConfigProblem[],
  edge: boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof routing !== 'object' || routing === null) {
    return [{ property: 'partitioning', message: `partitioning ${show(routing)} is not an object`, fix: 'give { partitions, source }' }];
  }
  const partitions = routing.partitions as Readonly<Record<string, unknown>> | undefined;
  const names = typeof partitions === 'object' && partitions !== null && !Array.isArray(partitions) ? Object.keys(partitions) : [];
  if (names.length === 0) {
    problems.push({
      property: 'partitioning.partitions',
      message: `partitioning.partitions ${show(partitions)} names no partition`,
      fix: edge
        ? "map each partition name to its hosts, e.g. { eu: { writeHost: 'write.eu.api.example.com', readHost: 'read.eu.api.example.com' } }"
        : "map each partition name to its upstreams, e.g. { eu: { write: 'https://write.eu.api.example.com', read: 'https://read.eu.api.example.com' } }",
    });
  }
  for (const name of names) {
    const property = `partitioning.partitions.${name}`;
    if (!PARTITION_NAME.test(name) || name.length > PARTITION_NAME_MAX) {
      problems.push({ property, message: `partition name ${show(name)} is not a valid partition name`, fix: `use the partition's name from the deployment: 1–${PARTITION_NAME_MAX} lowercase letters, digits and hyphens, starting with a letter` });
    }
    problems.push(...targets(partitions![name], property));
  }
  problems.push(...checkSource(routing.source, edge));
  const preflight = routing.preflightPartition;
  if (preflight !== undefined && !names.includes(preflight as string)) {
    problems.push({ property: 'partitioning.preflightPartition', message: `partitioning.preflightPartition ${show(preflight)} is not a configured partition`, fix: `use one of ${names.map((n) => show(n)).join(', ') || 'the configured partitions'}, or leave it unset to refuse preflights without a partition key` });
  }
  return problems;
}

function checkSource(source: PartitionSource | undefined, edge: boolean): ConfigProblem[] {
  const property = 'partitioning.source';
  const fix = "set source to { type: 'header', name: 'x-tenant' }, { type: 'cookie', name: 'tenant' }, { type: 'variable', name: 'tenant' } or { type: 'jwt', claim: 'tenant', keys: { jwks } }";
  if (typeof source !== 'object' || source === null) {
    return [{ property, message: `${property} is missing, so the router cannot tell which partition a request belongs to`, fix }];
  }
  const problems: ConfigProblem[] = [];
  switch (source.type) {
    case 'header':
    case 'cookie': {
      const name = source.name;
      const lower = typeof name === 'string' ? name.toLowerCase() : '';
      if (typeof name !== 'string' || !TOKEN.test(name)) {
        problems.push({ property: `${property}.name`, message: `${property}.name ${show(name)} is not a valid ${source.type} name`, fix: 'use letters, digits, - and _ only' });
      } else if (source.type === 'header' && RESERVED_HEADERS.has(lower)) {
        problems.push({ property: `${property}.name`, message: `${property}.name ${show(name)} is a header the router or HTTP uses for something else`, fix: "use a dedicated header such as 'x-tenant' (for a token, use the jwt source)" });
      }
      const peers = source.trustedPeers;
      if (peers !== undefined) {
        if (edge) {
          problems.push({ property: `${property}.trustedPeers`, message: `${property}.trustedPeers is set, but at the edge the only peer is the viewer`, fix: 'remove it; set the header in a CloudFront viewer-request function that overwrites what viewers send' });
        } else if (!Array.isArray(peers) || peers.length === 0) {
          problems.push({ property: `${property}.trustedPeers`, message: `${property}.trustedPeers ${show(peers)} is not a non-empty list`, fix: "list the addresses or CIDR blocks of the layer in front, e.g. ['10.0.0.0/16']" });
        } else {
          peers.forEach((peer, i) => {
            if (!parsePeer(peer)) {
              problems.push({ property: `${property}.trustedPeers[${i}]`, message: `${property}.trustedPeers[${i}] ${show(peer)} is not an IP address or CIDR block`, fix: "use e.g. '10.0.1.5', '10.0.0.0/16' or 'fd00::/8'" });
            }
          });
        }
      }
      break;
    }
    case 'variable':
      if (typeof source.name !== 'string' || !GRAPHQL_NAME.test(source.name)) {
        problems.push({ property: `${property}.name`, message: `${property}.name ${show(source.name)} is not a GraphQL variable name`, fix: "give the name without '$', e.g. 'tenant'" });
      }
      break;
    case 'jwt':
      if (typeof source.claim !== 'string' || source.claim === '') {
        problems.push({ property: `${property}.claim`, message: `${property}.claim ${show(source.claim)} is not a claim name`, fix: "name the top-level claim that holds the partition, e.g. 'tenant_region'" });
      }
      try {
        createJwtVerifier(source);
      } catch (err) {
        if (!(err instanceof MultiRegionConfigError)) throw err;
        problems.push(...err.problems.map((p) => ({ ...p, property: `${property}.${p.property}`, message: `${property}.${p.message}` })));
      }
      break;
    default:
      problems.push({ property: `${property}.type`, message: `${property}.type ${show((source as { type?: unknown }).type)} is not a partition source`, fix });
  }
  return problems;
}

/** `header:x-tenant`, `cookie:tenant`, `variable:tenant`, `jwt:claim` (keys given separately). */
export function parsePartitionSource(text: string, jwt?: Omit<JwtPartitionSource, 'type' | 'claim'>): PartitionSource {
  const colon = text.indexOf(':');
  const type = colon === -1 ? text : text.slice(0, colon);
  const name = colon === -1 ? '' : text.slice(colon + 1);
  const bad = (why: string) =>
    new MultiRegionConfigError({ construct: 'Router', path: 'partitioning' }, [
      { property: 'partitioning.source', message: `partition source ${show(text)} ${why}`, fix: 'use header:<name>, cookie:<name>, variable:<name> or jwt:<claim> (with JWT keys)' },
    ]);
  if (name === '') throw bad('names no header, cookie, variable or claim');
  switch (type) {
    case 'header':
    case 'cookie':
    case 'variable':
      return { type, name };
    case 'jwt':
      if (!jwt) throw bad('needs keys to verify tokens (--jwt-keys)');
      return { type: 'jwt', claim: name, ...jwt };
    default:
      throw bad('has an unknown type');
  }
}

/** An IP address or CIDR block (`10.0.0.0/16`, `fd00::/8`), or `undefined`. */
export function parsePeer(peer: unknown): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  if (typeof peer !== 'string') return undefined;
  const [address, prefixText, extra] = peer.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family };
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}
