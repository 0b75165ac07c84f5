import type {
  CloudFrontCustomOrigin,
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResponseEvent,
  CloudFrontResponse,
  CloudFrontResultResponse,
} from 'aws-lambda';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import { ClassifierOptions, createClassifier, marksReadYourWrites, RouteDecision } from './classify';
import type { DocumentBudget } from './document';
import type { PersistedQueryManifestInput } from './manifest';
import { createPartitionResolver } from './partition-resolver';
import { checkPartitionRouting, EdgePartitionRouting, PartitionResult } from './partitions';
import { refusalResponse } from './private/refusal';
import { ReadYourWrites, ReadYourWritesOptions } from './read-your-writes';
import { FALLBACK_HEADER, PARTITION_HEADER, REASON_HEADER, ROUTE_HEADER } from './route-headers';

/**
 * Configuration of the Lambda@Edge router, as JSON (Lambda@Edge has no
 * environment variables: the handler reads it from `router-config.json`
 * next to itself, see `edge-handler.ts`).
 */
export interface EdgeRouterConfig extends DocumentBudget {
  /**
   * Hostname of the write endpoint (failover record → the primary region), e.g. `write.api.example.com`.
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly writeHost?: string;
  /**
   * Hostname of the read endpoint (latency record → the nearest healthy region), e.g. `read.api.example.com`.
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly readHost?: string;
  /**
   * Partition-aware routing (phase 5): partition name → its write and read
   * hostnames, and where the partition key comes from. JWT keys, when the
   * source is a token, are part of this JSON (prefer public keys: an HMAC
   * secret here is readable by anyone allowed `lambda:GetFunction`).
   * @default - no partitions: `writeHost` and `readHost`
   */
  readonly partitioning?: EdgePartitionRouting;
  /**
   * One JSON line per decision on stdout (CloudWatch Logs): route, reason,
   * partition, target host, method, path, edge region, CloudFront request
   * id — never a body, query string, token or cookie.
   * @default true
   */
  readonly decisionLog?: boolean;
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

/** Returns the request to send to the origin, or (partition routing) the refusal CloudFront answers with. */
export type OriginRequestHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequest | CloudFrontResultResponse>;
export type OriginResponseHandler = (event: CloudFrontResponseEvent) => Promise<CloudFrontResponse>;

const SOURCE = { construct: 'EdgeRouter', path: 'router-config.json' };

/** Validate a config object (typically parsed JSON); throws listing every problem. */
export function validateEdgeConfig(config: unknown): EdgeRouterConfig {
  const problems: ConfigProblem[] = [];
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  if (c.partitioning === undefined) {
    for (const key of ['writeHost', 'readHost'] as const) checkHost(c[key], key, key === 'writeHost' ? 'api-write.example.com' : 'api-read.example.com', problems);
  } else {
    for (const key of ['writeHost', 'readHost'] as const) {
      if (c[key] !== undefined) {
        problems.push({ property: key, message: `${key} ${show(c[key])} is set together with partitioning, so some requests would have two possible targets`, fix: `remove ${key}: with partitioning every request goes to its partition's hosts` });
      }
    }
    problems.push(...checkPartitionRouting(c.partitioning as EdgePartitionRouting, (entry, property) => {
      const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const found: ConfigProblem[] = [];
      checkHost(e.writeHost, `${property}.writeHost`, 'write.eu.api.example.com', found);
      checkHost(e.readHost, `${property}.readHost`, 'read.eu.api.example.com', found);
      return found;
    }, true));
  }
  if (c.decisionLog !== undefined && typeof c.decisionLog !== 'boolean') {
    problems.push({ property: 'decisionLog', message: `decisionLog ${show(c.decisionLog)} is not a boolean`, fix: 'set it to true (the default) or false' });
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
export function createOriginRequestHandler(config: EdgeRouterConfig, hooks: EdgeHooks = {}): OriginRequestHandler {
  const cfg = validateEdgeConfig(config);
  const partitioning = cfg.partitioning;
  const classifierOptions: ClassifierOptions = {
    graphqlPath: cfg.graphqlPath,
    maxBodyBytes: cfg.maxBodyBytes,
    manifest: cfg.manifest,
    maxTokens: cfg.maxTokens,
    maxDepth: cfg.maxDepth,
    maxAliases: cfg.maxAliases,
    partitionVariable: partitioning?.source.type === 'variable' ? partitioning.source.name : undefined,
  };
  const classifier = createClassifier(classifierOptions);
  const resolver = partitioning ? createPartitionResolver(partitioning) : undefined;
  const ryw = rywOf(cfg);
  const protocol = cfg.originProtocol ?? 'https';
  const port = cfg.originPort ?? (protocol === 'https' ? 443 : 80);
  const log = cfg.decisionLog === false ? undefined : hooks.log ?? writeLine;

  return async (event) => {
    const { request, config: cf } = event.Records[0].cf;
    let decision: RouteDecision;
    let headers: Record<string, string | string[]> = {};
    let partition: PartitionResult | undefined;
    if (!isHeaders(request.headers) || typeof request.method !== 'string' || typeof request.uri !== 'string') {
      // Fail safe: without the parts the router reads, the primary answers
      // (with partitions there is no primary to fall back on: refused).
      if (!isHeaders(request.headers)) request.headers = {};
      decision = { route: 'write', reason: 'malformed-request' };
      if (resolver) partition = resolver.unreadable('the request has no method, URI or headers');
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
        if (resolver) {
          const lines = resolver.header ? (request.headers[resolver.header] ?? []).map((h) => h.value) : [];
          partition = resolver.resolve(decision, lines);
        }
        const key = partition?.ok ? partition.partition : undefined;
        if (decision.route === 'read' && (!resolver || key !== undefined) && ryw.isMarked(headers, Date.now(), key)) decision = { route: 'write', reason: 'read-your-writes' };
      } catch {
        decision = { route: 'write', reason: 'malformed-request' };
        if (resolver) partition = resolver.unreadable('the request could not be read');
      }
    }

    const entry = {
      type: DECISION_LOG_TYPE,
      requestId: cf?.requestId,
      edgeRegion: process.env.AWS_REGION,
      method: typeof request.method === 'string' ? request.method : undefined,
      path: typeof request.uri === 'string' ? request.uri.slice(0, 256) : undefined,
    };
    if (partition && !partition.ok) {
      const answer = refusalResponse(partition.refusal, headers.accept === undefined ? undefined : String(headers.accept));
      log?.(JSON.stringify({ ...entry, route: 'refused', reason: partition.refusal.reason, status: answer.status }));
      const responseHeaders: CloudFrontHeaders = {};
      for (const [name, value] of Object.entries({ ...answer.headers, [ROUTE_HEADER]: 'refused', [REASON_HEADER]: partition.refusal.reason })) {
        responseHeaders[name] = [{ key: name, value }];
      }
      return { status: String(answer.status), statusDescription: STATUS_TEXT[answer.status] ?? 'Bad Request', headers: responseHeaders, body: answer.body, bodyEncoding: 'text' };
    }

    const hosts = partition?.ok ? partitioning!.partitions[partition.partition] : { writeHost: cfg.writeHost!, readHost: cfg.readHost! };
    const host = decision.route === 'write' ? hosts.writeHost : hosts.readHost;
    log?.(JSON.stringify({
      ...entry,
      route: decision.route,
      reason: decision.reason,
      partition: partition?.ok ? partition.partition : undefined,
      batchIndex: decision.batchIndex,
      host,
    }));
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
    // Visible to the origin and to the origin-response handler (a viewer's
    // own values are replaced or removed).
    request.headers[ROUTE_HEADER] = [{ key: ROUTE_HEADER, value: decision.route }];
    request.headers[REASON_HEADER] = [{ key: REASON_HEADER, value: decision.reason }];
    delete request.headers[FALLBACK_HEADER];
    if (partition?.ok) request.headers[PARTITION_HEADER] = [{ key: PARTITION_HEADER, value: partition.partition }];
    else delete request.headers[PARTITION_HEADER];
    return request;
  };
}

/** `type` of every decision log line (filter on it in CloudWatch Logs Insights). */
export const DECISION_LOG_TYPE = 'multiregion-router.decision';

/** Test seams of the edge handlers. */
export interface EdgeHooks {
  /**
   * Where decision lines go.
   * @default - process.stdout, one line each (not console.log: in Lambda's text log format console.log prefixes a timestamp and request id, and the event would no longer be JSON)
   */
  readonly log?: (line: string) => void;
}

const writeLine = (line: string) => {
  process.stdout.write(`${line}\n`);
};

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 413: 'Content Too Large' };

function checkHost(value: unknown, property: string, example: string, problems: ConfigProblem[]): void {
  if (typeof value !== 'string' || value === '' || value.includes('/') || value.includes(':')) {
    problems.push({ property, message: `${property} ${show(value)} is not a bare hostname`, fix: `set ${property} to a DNS name such as '${example}' (no scheme, port or path)` });
  }
}

/**
 * The origin-response handler (optional, for read-your-own-writes at the
 * edge): after a successful write, add the marker cookie/header, and name
 * the route in the response headers.
 */
export function createOriginResponseHandler(config: EdgeRouterConfig): OriginResponseHandler {
  const cfg = validateEdgeConfig(config);
  const ryw = rywOf(cfg);
  const partitioned = cfg.partitioning !== undefined;
  return async (event) => {
    const { request, response } = event.Records[0].cf;
    if (!isHeaders(response.headers)) response.headers = {};
    const requestHeaders = isHeaders(request?.headers) ? request.headers : {};
    const route = requestHeaders[ROUTE_HEADER]?.[0]?.value;
    const reason = requestHeaders[REASON_HEADER]?.[0]?.value;
    const partition = requestHeaders[PARTITION_HEADER]?.[0]?.value;
    if (route === 'read' || route === 'write') {
      response.headers[ROUTE_HEADER] = [{ key: ROUTE_HEADER, value: route }];
      if (reason) response.headers[REASON_HEADER] = [{ key: REASON_HEADER, value: reason }];
      if (partition) response.headers[PARTITION_HEADER] = [{ key: PARTITION_HEADER, value: partition }];
    }
    const status = Number(response.status);
    if (route === 'write' && reason !== undefined && marksReadYourWrites(reason) && ryw.enabled && status < 400 && (partitioned ? partition !== undefined : true)) {
      const marker = ryw.marker(Date.now(), partitioned ? partition : undefined, flatten(requestHeaders));
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
