import * as http from 'http';
import * as https from 'https';
import { isIP } from 'net';
import { MultiRegionConfigError, show } from '../../core/errors';

/** One upstream (the primary or the read endpoint) with its keep-alive pool. */
export interface Upstream {
  /** `primary`: the (partition's) write upstream; `read`: a read upstream. */
  readonly role: 'primary' | 'read';
  /** Label in metrics: `primary`, `read`, or `<partition>/write`, `<partition>/read`, `<partition>/read-2` … */
  readonly name: string;
  readonly url: URL;
  /** `host[:port]` for the Host header. */
  readonly host: string;
  /** Path prefix of the upstream URL, without a trailing slash ('' for none). */
  readonly basePath: string;
  readonly agent: http.Agent;
  readonly request: typeof http.request;
  /** Hostname without IPv6 brackets, and the TLS server name (computed once). */
  readonly hostname: string;
  readonly servername: string | undefined;
}

export interface PoolOptions {
  /** Most sockets per upstream. @default Infinity */
  readonly maxSockets?: number;
  /** Idle sockets kept per upstream. @default 256 */
  readonly maxFreeSockets?: number;
}

export function createUpstream(role: 'primary' | 'read', value: string | URL, pool: PoolOptions, name: string = role, property: string = role): Upstream {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw configError(property, value, 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(property, value, 'is not http(s)');
  if (url.search || url.hash) throw configError(property, value, 'has a query string or fragment');
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: pool.maxSockets ?? Infinity,
    maxFreeSockets: pool.maxFreeSockets ?? 256,
    scheduling: 'lifo',
  };
  return {
    role,
    name,
    url,
    host: url.host,
    basePath: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
    agent: secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions),
    request: secure ? https.request : http.request,
    hostname,
    servername: secure && !isIP(hostname) ? hostname : undefined,
  };
}

function configError(property: string, value: unknown, what: string): MultiRegionConfigError {
  return new MultiRegionConfigError({ construct: 'Router', path: property }, [
    {
      property,
      message: `${property} ${show(String(value))} ${what}`,
      fix: `set ${property} to the upstream's base URL, e.g. http://10.0.0.10:4000`,
    },
  ]);
}

/** Request options for `upstream.request`, for a client request target `url`. */
export function upstreamRequestOptions(
  upstream: Upstream,
  method: string,
  url: string,
  headers: http.OutgoingHttpHeaders,
): https.RequestOptions {
  return {
    protocol: upstream.url.protocol,
    hostname: upstream.hostname,
    port: upstream.url.port || undefined,
    method,
    path: upstream.basePath + (url.startsWith('/') ? url : `/${url}`),
    headers,
    agent: upstream.agent,
    servername: upstream.servername,
  };
}
