import type {
  CloudFrontCustomOrigin,
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResponseEvent,
  CloudFrontResponse,
} from 'aws-lambda';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import { ClassifierOptions, createClassifier, marksReadYourWrites, RouteDecision } from './classify';
import type { DocumentBudget } from './document';
import type { PersistedQueryManifestInput } from './manifest';
import { ReadYourWrites, ReadYourWritesOptions } from './read-your-writes';
import { REASON_HEADER, ROUTE_HEADER } from './route-headers';

/**
 * Configuration of the Lambda@Edge router, as JSON (Lambda@Edge has no
 * environment variables: the handler reads it from `router-config.json`
 * next to itself, see `edge-handler.ts`).
 */
export interface EdgeRouterConfig extends DocumentBudget {
  /** Hostname of the write endpoint (failover record → the primary region), e.g. `write.api.example.com`. */
  readonly writeHost: string;
  /** Hostname of the read endpoint (latency record → the nearest healthy region), e.g. `read.api.example.com`. */
  readonly readHost: string;
  /** @default '/graphql' */
  readonly graphqlPath?: string | readonly string[];
  /**
   * Largest body classified. CloudFront passes at most 1 MB to an
   * origin-request function and flags the rest `inputTruncated` (→ primary).
   * @default 1048576
   */
  readonly maxBodyBytes?: number;
  /** Persisted-query manifest (see `PersistedQueryManifestInput`). */
  readonly manifest?: PersistedQueryManifestInput;
  /**
   * Read-your-own-writes; `false` turns it off. A `signingKey` here lives in
   * the function's code package (Lambda@Edge has no environment variables or
   * secret injection): see docs/router.md for the trade-off.
   * @default 5 s cookie `mr_ryw`, unsigned
   */
  readonly readYourWrites?: ReadYourWritesOptions | false;
  /** Protocol to the origin, used when the event's origin is not already a custom origin. @default 'https' */
  readonly originProtocol?: 'http' | 'https';
  /** Port of the origin, same condition. @default 443 (https) / 80 (http) */
  readonly originPort?: number;
}

export type OriginRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest>;
export type OriginResponseHandler = (event: CloudFrontResponseEvent) => Promise<CloudFrontResponse>;

const SOURCE = { construct: 'EdgeRouter', path: 'router-config.json' };

/** Validate a config object (typically parsed JSON); throws listing every problem. */
export function validateEdgeConfig(config: unknown): EdgeRouterConfig {
  const problems: ConfigProblem[] = [];
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  for (const key of ['writeHost', 'readHost'] as const) {
    const v = c[key];
    if (typeof v !== 'string' || v === '' || v.includes('/') || v.includes(':')) {
      problems.push({ property: key, message: `${key} ${show(v)} is not a bare hostname`, fix: `set ${key} to a DNS name such as 'api-${key === 'writeHost' ? 'write' : 'read'}.example.com' (no scheme, port or path)` });
    }
  }
  if (c.maxBodyBytes !== undefined && (!Number.isSafeInteger(c.maxBodyBytes) || (c.maxBodyBytes as number) <= 0)) {
    problems.push({ property: 'maxBodyBytes', message: `maxBodyBytes ${show(c.maxBodyBytes)} is not a positive integer`, fix: 'set it to 1048576 (CloudFront passes at most 1 MB)' });
  }
  if (c.originProtocol !== undefined && c.originProtocol !== 'http' && c.originProtocol !== 'https') {
    problems.push({ property: 'originProtocol', message: `originProtocol ${show(c.originProtocol)} is not supported`, fix: "use 'https' or 'http'" });
  }
  if (problems.length > 0) throw new MultiRegionConfigError(SOURCE, problems);
  return c as unknown as EdgeRouterConfig;
}

/**
 * The origin-request handler: classify the viewer's request (the
 * distribution's behaviour must set `includeBody: true`) and point the
 * custom origin — domain name and Host header — at the write or read host.
 * The request body is never modified.
 */
export function createOriginRequestHandler(config: EdgeRouterConfig): OriginRequestHandler {
  const cfg = validateEdgeConfig(config);
  const classifierOptions: ClassifierOptions = {
    graphqlPath: cfg.graphqlPath,
    maxBodyBytes: cfg.maxBodyBytes,
    manifest: cfg.manifest,
    maxTokens: cfg.maxTokens,
    maxDepth: cfg.maxDepth,
    maxAliases: cfg.maxAliases,
  };
  const classifier = createClassifier(classifierOptions);
  const ryw = rywOf(cfg);
  const protocol = cfg.originProtocol ?? 'https';
  const port = cfg.originPort ?? (protocol === 'https' ? 443 : 80);

  return async (event) => {
    const request = event.Records[0].cf.request;
    let decision: RouteDecision;
    let headers: Record<string, string | string[]> = {};
    if (!isHeaders(request.headers) || typeof request.method !== 'string' || typeof request.uri !== 'string') {
      // Fail safe: without the parts the router reads, the primary answers.
      if (!isHeaders(request.headers)) request.headers = {};
      decision = { route: 'write', reason: 'malformed-request' };
    } else {
      try {
        headers = flatten(request.headers);
        const body = request.body;
        decision = classifier.classify({
          method: request.method,
          url: request.querystring ? `${request.uri}?${request.querystring}` : request.uri,
          headers,
          bodyTruncated: body?.inputTruncated === true,
          body: body?.data === undefined ? undefined : body.encoding === 'base64' ? Buffer.from(body.data, 'base64') : body.data,
        });
        if (decision.route === 'read' && ryw.isMarked(headers)) decision = { route: 'write', reason: 'read-your-writes' };
      } catch {
        decision = { route: 'write', reason: 'malformed-request' };
      }
    }

    const host = decision.route === 'write' ? cfg.writeHost : cfg.readHost;
    const custom: CloudFrontCustomOrigin = request.origin?.custom ?? {
      customHeaders: {},
      domainName: host,
      keepaliveTimeout: 5,
      path: '',
      port,
      protocol,
      readTimeout: 30,
      sslProtocols: ['TLSv1.2'],
    };
    custom.domainName = host;
    request.origin = { custom };
    request.headers.host = [{ key: 'Host', value: host }];
    // Visible to the origin and to the origin-response handler.
    request.headers[ROUTE_HEADER] = [{ key: ROUTE_HEADER, value: decision.route }];
    request.headers[REASON_HEADER] = [{ key: REASON_HEADER, value: decision.reason }];
    return request;
  };
}

/**
 * The origin-response handler (optional, for read-your-own-writes at the
 * edge): after a successful write, add the marker cookie/header, and name
 * the route in the response headers.
 */
export function createOriginResponseHandler(config: EdgeRouterConfig): OriginResponseHandler {
  const ryw = rywOf(validateEdgeConfig(config));
  return async (event) => {
    const { request, response } = event.Records[0].cf;
    if (!isHeaders(response.headers)) response.headers = {};
    const requestHeaders = isHeaders(request?.headers) ? request.headers : {};
    const route = requestHeaders[ROUTE_HEADER]?.[0]?.value;
    const reason = requestHeaders[REASON_HEADER]?.[0]?.value;
    if (route === 'read' || route === 'write') {
      response.headers[ROUTE_HEADER] = [{ key: ROUTE_HEADER, value: route }];
      if (reason) response.headers[REASON_HEADER] = [{ key: REASON_HEADER, value: reason }];
    }
    const status = Number(response.status);
    if (route === 'write' && reason !== undefined && marksReadYourWrites(reason) && ryw.enabled && status < 400) {
      const marker = ryw.marker();
      const key = marker.name === 'set-cookie' ? 'Set-Cookie' : marker.name;
      response.headers[marker.name] = [...(response.headers[marker.name] ?? []), { key, value: marker.value }];
    }
    return response;
  };
}

function rywOf(cfg: EdgeRouterConfig): ReadYourWrites {
  return cfg.readYourWrites === false ? new ReadYourWrites({ windowMs: 0 }) : new ReadYourWrites(cfg.readYourWrites);
}

function isHeaders(value: unknown): value is CloudFrontHeaders {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CloudFront's `{ name: [{ key, value }] }` → `{ name: value | value[] }`. */
function flatten(headers: CloudFrontHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const values = headers[name];
    if (!Array.isArray(values)) continue;
    out[name] = values.length === 1 ? values[0].value : values.map((v) => v.value);
  }
  return out;
}
