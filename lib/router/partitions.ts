import { BlockList, isIP } from 'net';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import type { PartitionSpec } from '../core/partitions';
import type { RouteDecision } from './classify';
import { createJwtVerifier, JwtKeySet, JwtVerifier } from './jwt';
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

/** Reads the partition key of requests, for a validated {@link PartitionRouting}. */
export interface PartitionResolver {
  readonly names: ReadonlySet<PartitionName>;
  readonly source: PartitionSource;
  /** The request header whose every line {@link fromHead} needs (`undefined` for the variable source). */
  readonly header?: string;
  /**
   * From the lines of {@link header} (each header line separately: a
   * repeated header is ambiguous) and the peer address. `undefined` for the
   * variable source: the key is in the body.
   */
  fromHead(lines: readonly string[], peer?: string): PartitionResult | undefined;
  /** From the classifier's decision (variable source; `partitionVariable` set). */
  fromDecision(decision: RouteDecision): PartitionResult;
  /** A refusal to apply when the body cannot be read (too large). */
  unreadable(why: string, status?: number): PartitionResult;
  /** Apply the CORS preflight rule: a refused preflight goes to `preflightPartition`'s read endpoint, if set. */
  settle(result: PartitionResult, decision: RouteDecision): PartitionResult;
  /**
   * The partition of a classified request in one step: from the head when
   * the source is there, else from the decision's variable; the preflight
   * rule applied. (The Node router does the same in two steps, so that it
   * can refuse before reading a body.)
   */
  resolve(decision: RouteDecision, lines: readonly string[], peer?: string): PartitionResult;
}

/** Build a resolver. Call after {@link checkPartitionRouting} found no problem. */
export function createPartitionResolver(routing: PartitionRouting<unknown>): PartitionResolver {
  const names = new Set(Object.keys(routing.partitions));
  const source = routing.source;
  const preflight = routing.preflightPartition;
  const described = describeSource(source);
  const refuse = (reason: RefusalReason, status: number, message: string, authenticate?: string): PartitionResult => ({
    ok: false,
    refusal: { reason, status, message: `multiregion-router: ${message}`, authenticate },
  });
  const lookup = (value: string, unknownStatus = 400): PartitionResult =>
    names.has(value)
      ? { ok: true, partition: value }
      : refuse('partition-unknown', unknownStatus, `${described} ${echo(value)} names no partition this router serves`);

  let trusted: BlockList | undefined;
  if ((source.type === 'header' || source.type === 'cookie') && source.trustedPeers) {
    trusted = new BlockList();
    for (const peer of source.trustedPeers) {
      const parsed = parsePeer(peer)!;
      if (parsed.prefix === undefined) trusted.addAddress(parsed.address, parsed.family);
      else trusted.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
  }
  const fromTrustedPeer = (peer: string | undefined): boolean => {
    if (!trusted) return true;
    if (peer === undefined) return false;
    const address = peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4 ? peer.slice(7) : peer;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return trusted.check(address, family);
  };

  let verifier: JwtVerifier | undefined;
  if (source.type === 'jwt') verifier = createJwtVerifier(source);

  const fromHead = (lines: readonly string[], peer?: string): PartitionResult | undefined => {
    switch (source.type) {
      case 'variable':
        return undefined;
      case 'header': {
        if (lines.length === 0) return refuse('partition-missing', 400, `the request has no ${described}`);
        if (!fromTrustedPeer(peer)) return refuse('partition-missing', 400, `${described} is honoured only from the trusted layer in front of the router`);
        if (lines.length > 1) return refuse('partition-ambiguous', 400, `the request has ${described} more than once`);
        const value = lines[0].trim();
        if (value.includes(',')) return refuse('partition-ambiguous', 400, `${described} holds a list`);
        if (value === '') return refuse('partition-missing', 400, `${described} is empty`);
        return lookup(value);
      }
      case 'cookie': {
        const values: string[] = [];
        const lower = source.name.toLowerCase();
        for (const line of lines) {
          for (const part of line.split(';')) {
            const eq = part.indexOf('=');
            if (eq === -1) continue;
            const name = part.slice(0, eq).trim();
            if (name === source.name) values.push(part.slice(eq + 1).trim());
            else if (name.toLowerCase() === lower) return refuse('partition-ambiguous', 400, `the request has cookie ${show(name)}, a spelling of ${show(source.name)} in another letter case`);
          }
        }
        if (values.length === 0) return refuse('partition-missing', 400, `the request has no ${described}`);
        if (!fromTrustedPeer(peer)) return refuse('partition-missing', 400, `${described} is honoured only from the trusted layer in front of the router`);
        if (new Set(values).size > 1) return refuse('partition-ambiguous', 400, `the request has ${described} more than once, with different values`);
        return lookup(values[0]);
      }
      case 'jwt': {
        const bearer = 'Bearer realm="multiregion-router"';
        if (lines.length === 0) return refuse('partition-missing', 401, 'the request has no bearer token naming its partition', bearer);
        if (lines.length > 1) return refuse('partition-ambiguous', 400, 'the request has more than one Authorization header');
        const match = /^\s*bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(lines[0]);
        if (!match) return refuse('partition-missing', 401, 'the Authorization header is not a bearer token', bearer);
        const result = verifier!.verify(match[1]);
        if (!result.ok) return refuse('partition-token-invalid', 401, `the bearer token is not accepted: ${result.error}`, `${bearer}, error="invalid_token"`);
        const claim = result.claims[source.claim];
        if (claim === undefined || claim === null) return refuse('partition-missing', 403, `the token has no ${show(source.claim)} claim`);
        if (typeof claim !== 'string') return refuse('partition-ambiguous', 403, `the token's ${show(source.claim)} claim is not a single string`);
        return lookup(claim, 403);
      }
    }
  };

  const fromDecision = (decision: RouteDecision): PartitionResult => {
    const v = decision.variable;
    if (!v) {
      const unreadable = UNREADABLE_REASONS.has(decision.reason);
      return refuse(unreadable ? 'partition-unreadable' : 'partition-missing', decision.reason === 'body-too-large' ? 413 : 400, `the router cannot read ${described} from this request (${decision.reason})`);
    }
    if (v.found) return lookup(v.value);
    if (v.problem === 'ambiguous') return refuse('partition-ambiguous', 400, `${described} is ambiguous: ${v.detail}`);
    if (v.problem === 'invalid') return refuse('partition-unreadable', 400, `${described} cannot be read: ${v.detail}`);
    return refuse('partition-missing', 400, `no ${described}: ${v.detail}`);
  };

  const settle = (result: PartitionResult, decision: RouteDecision): PartitionResult =>
    !result.ok && preflight !== undefined && decision.reason === 'cors-preflight' && result.refusal.reason === 'partition-missing'
      ? { ok: true, partition: preflight }
      : result;

  return {
    names,
    source,
    header: source.type === 'header' ? source.name.toLowerCase() : source.type === 'cookie' ? 'cookie' : source.type === 'jwt' ? 'authorization' : undefined,
    fromHead,
    fromDecision,
    unreadable: (why, status = 400) => refuse('partition-unreadable', status, `the router cannot read ${described}: ${why}`),
    settle,
    resolve: (decision, lines, peer) => settle(fromHead(lines, peer) ?? fromDecision(decision), decision),
  };
}

/** Decisions whose body the classifier could not read, so a variable in it cannot be read either. */
const UNREADABLE_REASONS: ReadonlySet<string> = new Set([
  'invalid-json', 'ambiguous-params', 'unsupported-charset', 'unsupported-content-encoding', 'unsupported-content-type',
  'body-too-large', 'body-truncated', 'multipart-upload', 'missing-body', 'get-with-body', 'method-override',
]);

function describeSource(source: PartitionSource): string {
  switch (source.type) {
    case 'header':
      return `header ${show(source.name)}`;
    case 'cookie':
      return `cookie ${show(source.name)}`;
    case 'variable':
      return `variable $${source.name}`;
    case 'jwt':
      return `claim ${show(source.claim)}`;
  }
}

/** A client-supplied value, shown only when it is short and plain. */
function echo(value: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(value) ? show(value) : 'value';
}

function parsePeer(peer: unknown): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
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
