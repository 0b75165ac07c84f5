import { BlockList, isIP } from 'net';
import { show } from '../core/errors';
import type { RouteDecision } from './classify';
import { createJwtVerifier, JwtVerifier } from './jwt';
import { parsePeer, PartitionName, PartitionResult, PartitionRouting, PartitionSource, RefusalReason } from './partitions';

/**
 * Reading a request's partition key from the configured source, and the
 * refusal when it is missing, unknown or ambiguous (partitions.ts holds the
 * configuration and its validation).
 */

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
