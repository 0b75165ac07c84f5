import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'http';
import type { TLSSocket } from 'tls';
import { ROUTER_HEADERS } from '../route-headers';

const ROUTER_HEADER_NAMES: ReadonlySet<string> = new Set(ROUTER_HEADERS);

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not
 * the message, so a proxy must not forward them. Headers named in the
 * `Connection` header are hop-by-hop too.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Copy `headers` without hop-by-hop headers (and those `Connection` lists),
 * and without the names in `drop` (headers only the router may set).
 */
export function stripHopByHop(headers: IncomingHttpHeaders, keep: ReadonlySet<string> = EMPTY, drop: ReadonlySet<string> = EMPTY): OutgoingHttpHeaders {
  const listed = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || drop.has(name)) continue;
    if ((HOP_BY_HOP.has(name) || listed.has(name)) && !keep.has(name)) continue;
    out[name] = value;
  }
  return out;
}

const EMPTY: ReadonlySet<string> = new Set();

function connectionTokens(value: string | undefined): ReadonlySet<string> {
  if (!value || value === 'keep-alive' || value === 'close') return EMPTY;
  const tokens = new Set<string>();
  for (const token of value.split(',')) {
    const t = token.trim().toLowerCase();
    if (t) tokens.add(t);
  }
  return tokens;
}

/** How the router presents a request to an upstream. */
export interface ForwardingPolicy {
  /** `upstream`: Host becomes the upstream's host; `preserve`: the client's Host is kept. */
  readonly hostHeader: 'upstream' | 'preserve';
  /** Keep X-Forwarded-Proto/-Host the client (a trusted load balancer) sent. */
  readonly trustForwardedHeaders: boolean;
}

/**
 * Headers for the upstream request: hop-by-hop and router headers stripped,
 * Host set per the policy, X-Forwarded-For appended, X-Forwarded-Proto/-Host
 * set.
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  upstreamHost: string,
  policy: ForwardingPolicy,
  keep?: ReadonlySet<string>,
): OutgoingHttpHeaders {
  const headers = stripHopByHop(req.headers, keep, ROUTER_HEADER_NAMES);
  const clientHost = req.headers.host;
  headers.host = policy.hostHeader === 'preserve' && clientHost ? clientHost : upstreamHost;

  const remote = req.socket.remoteAddress;
  const prior = req.headers['x-forwarded-for'];
  if (remote) headers['x-forwarded-for'] = prior ? `${prior}, ${remote}` : remote;

  const proto = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  if (!(policy.trustForwardedHeaders && req.headers['x-forwarded-proto'])) headers['x-forwarded-proto'] = proto;
  if (!(policy.trustForwardedHeaders && req.headers['x-forwarded-host'])) {
    if (clientHost) headers['x-forwarded-host'] = clientHost;
    else delete headers['x-forwarded-host']; // HTTP/1.0 without Host: rare
  }
  return headers;
}
