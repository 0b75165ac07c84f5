import * as http from 'http';
import { marksReadYourWrites, RouteDecision, splitUrl } from '../classify';
import type { RouterMetrics } from '../metrics';
import type { ReadYourWrites } from '../read-your-writes';
import { FALLBACK_HEADER, PARTITION_HEADER, REASON_HEADER, ROUTE_HEADER } from '../route-headers';
import type { RouteLogEntry } from '../server-options';
import { ForwardingPolicy, stripHopByHop, upstreamRequestHeaders } from './proxy-headers';
import type { RouteTarget } from './routes';
import { Upstream, upstreamRequestOptions } from './upstream';

/** What the forwarder needs from the router. */
export interface ForwardContext {
  readonly ryw: ReadYourWrites;
  /** `undefined`: metrics off (nothing is counted). */
  readonly metrics?: RouterMetrics;
  readonly policy: ForwardingPolicy;
  readonly upstreamTimeoutMs: number;
  readonly readFallback: boolean;
  readonly onRequest?: (entry: RouteLogEntry) => void;
  isClosing(): boolean;
}

export type Forward = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  classified: RouteDecision,
  target: RouteTarget,
  started: bigint,
  body?: Buffer,
  prefix?: Buffer[],
) => void;

/**
 * Proxy one classified request to its target: the write upstream, or the
 * read upstreams in order (a stale keep-alive connection retried once, an
 * unreachable read upstream skipped for the next, then the write upstream),
 * with the read-your-own-writes marker and the route headers.
 */
export function createForwarder(ctx: ForwardContext): Forward {
  const { ryw, metrics, policy, upstreamTimeoutMs, readFallback } = ctx;
  return function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    classified: RouteDecision,
    target: RouteTarget,
    started: bigint,
    body?: Buffer,
    prefix?: Buffer[],
  ): void {
    const partition = target.partition;
    const decision: RouteDecision =
      classified.route === 'read' && ryw.enabled && ryw.isMarked(req.headers, Date.now(), partition) ? { route: 'write', reason: 'read-your-writes' } : classified;
    metrics?.requests.inc([decision.route, decision.reason, partition]);
    const method = req.method ?? 'GET';
    const url = originForm(req.url ?? '/');
    // Reads are complete before they are sent (a buffered body, or none: a
    // GET with a body is a write), so they can be sent again.
    const replayable = decision.route === 'read';
    if (replayable && !body) req.resume();
    let done = false;
    let clientGone = false;
    const finish = (upstream: Upstream, status: number, attempts: number, fallback: boolean, error?: string) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics?.duration.observe([decision.route, partition], seconds);
      ctx.onRequest?.({
        method,
        url,
        route: decision.route,
        reason: decision.reason,
        partition,
        upstream: upstream.role,
        status,
        durationMs: seconds * 1000,
        attempts,
        fallback,
        error,
      });
    };
    let current: { req: http.ClientRequest; upstream: Upstream; attempts: number; fallback: boolean } | undefined;
    res.once('close', () => {
      if (!res.writableFinished) {
        // The client left: stop the upstream work too.
        clientGone = true;
        if (current) {
          current.req.destroy();
          finish(current.upstream, 0, current.attempts, current.fallback, 'client closed the connection');
        }
      }
    });

    const attempt = (upstream: Upstream, attempts: number, fallback: boolean, freshSocket: boolean) => {
      const headers = upstreamRequestHeaders(req, upstream.host, policy);
      headers[ROUTE_HEADER] = decision.route;
      headers[REASON_HEADER] = decision.reason;
      if (partition !== undefined) headers[PARTITION_HEADER] = partition;
      if (body) {
        headers['content-length'] = body.length;
      } else if (req.headers['transfer-encoding'] && req.headers['content-length'] === undefined) {
        headers['transfer-encoding'] = 'chunked';
      }
      const requestOptions = upstreamRequestOptions(upstream, method, url, headers);
      if (freshSocket) requestOptions.agent = false;
      const sent = metrics ? process.hrtime.bigint() : 0n;
      const upstreamReq = upstream.request(requestOptions);
      current = { req: upstreamReq, upstream, attempts, fallback };
      const timer = setTimeout(() => upstreamReq.destroy(new GatewayTimeout()), upstreamTimeoutMs);

      upstreamReq.once('response', (upstreamRes) => {
        clearTimeout(timer);
        metrics?.upstreamLatency.observe([upstream.name, partition], Number(process.hrtime.bigint() - sent) / 1e9);
        const status = upstreamRes.statusCode ?? 502;
        const out = stripHopByHop(upstreamRes.headers);
        out[ROUTE_HEADER] = decision.route;
        out[REASON_HEADER] = decision.reason;
        if (partition !== undefined) out[PARTITION_HEADER] = partition;
        if (fallback) out[FALLBACK_HEADER] = upstream.role;
        if (decision.route === 'write' && ryw.enabled && status < 400 && marksReadYourWrites(decision.reason)) {
          const marker = ryw.marker(Date.now(), partition, req.headers);
          const prior = out[marker.name];
          out[marker.name] = prior === undefined ? marker.value : ([] as string[]).concat(prior as string | string[], marker.value);
          metrics?.pins.inc([partition]);
        }
        if (ctx.isClosing()) out.connection = 'close';
        res.writeHead(status, out);
        upstreamRes.pipe(res);
        upstreamRes.once('error', () => res.destroy());
        upstreamRes.once('aborted', () => {
          metrics?.upstreamErrors.inc([upstream.name, partition, 'aborted']);
          res.destroy();
        });
        res.once('finish', () => finish(upstream, status, attempts, fallback));
      });

      upstreamReq.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (clientGone) {
          finish(upstream, 0, attempts, fallback, 'client closed the connection');
          return;
        }
        const timeout = err instanceof GatewayTimeout;
        const stale = upstreamReq.reusedSocket && err.code === 'ECONNRESET' && !freshSocket;
        metrics?.upstreamErrors.inc([upstream.name, partition, timeout ? 'timeout' : stale ? 'reset' : 'unreachable']);
        if (replayable && !res.headersSent && !timeout) {
          // A kept-alive socket the upstream closed while idle: the request
          // never reached it. Send it once more on a new connection.
          if (stale) {
            attempt(upstream, attempts + 1, fallback, true);
            return;
          }
          // This read upstream is down: the next one, then the (partition's)
          // write upstream, answer reads correctly.
          const index = target.reads.indexOf(upstream);
          const next = index >= 0 && index + 1 < target.reads.length ? target.reads[index + 1] : readFallback && upstream !== target.write ? target.write : undefined;
          if (next) {
            metrics?.fallbacks.inc([upstream.name, partition]);
            attempt(next, attempts + 1, true, false);
            return;
          }
        }
        finish(upstream, res.headersSent ? res.statusCode : timeout ? 504 : 502, attempts, fallback, err.message);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.setHeader(ROUTE_HEADER, decision.route);
        res.setHeader(REASON_HEADER, decision.reason);
        if (partition !== undefined) res.setHeader(PARTITION_HEADER, partition);
        if (fallback) res.setHeader(FALLBACK_HEADER, upstream.role);
        sendJson(res, timeout ? 504 : 502, {
          errors: [
            {
              message: `multiregion-router: the ${upstream.role} upstream ${timeout ? 'did not answer in time' : 'is unavailable'}`,
              extensions: { code: timeout ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY', route: decision.route, upstream: upstream.role, ...(partition === undefined ? {} : { partition }) },
            },
          ],
        });
        // The request body may still be arriving; drop it rather than hang.
        if (!req.complete) req.resume();
      });

      if (body) {
        upstreamReq.end(body);
      } else if (replayable) {
        upstreamReq.end();
      } else {
        for (const chunk of prefix ?? []) upstreamReq.write(chunk);
        req.pipe(upstreamReq);
      }
    };
    attempt(decision.route === 'write' ? target.write : target.reads[0], 1, false, false);
  }
}

class GatewayTimeout extends Error {
  constructor() {
    super('upstream timeout');
  }
}

export function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  const [path, search] = splitUrl(url);
  return search ? `${path}?${search}` : path;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
