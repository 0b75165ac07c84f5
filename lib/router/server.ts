import * as http from 'http';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { ClassifierOptions, createClassifier, marksReadYourWrites, RouteDecision, splitUrl } from './classify';
import { proxyUpgrade } from './private/upgrade';
import { upstreamRequestHeaders, ForwardingPolicy, stripHopByHop } from './private/proxy-headers';
import { createUpstream, PoolOptions, Upstream, upstreamRequestOptions } from './private/upstream';
import { ReadYourWrites, ReadYourWritesOptions } from './read-your-writes';
import { FALLBACK_HEADER, REASON_HEADER, ROUTE_HEADER } from './route-headers';


/** Options of {@link createRouterServer}. */
export interface RouterServerOptions extends ClassifierOptions, PoolOptions {
  /** Base URL of the read-write (primary) endpoint, e.g. `https://write.api.example.com`. */
  readonly primary: string | URL;
  /** Base URL of the read endpoint (the latency-routed replica hostname). */
  readonly read: string | URL;
  /**
   * Read-your-own-writes policy, or `false` to turn it off.
   * @default - a 5 s HttpOnly, Secure, SameSite=Lax cookie named `mr_ryw`
   */
  readonly readYourWrites?: ReadYourWritesOptions | false;
  /**
   * `upstream`: rewrite Host to the upstream's host (what load balancers,
   * CDNs, Cloud Run and virtual hosts route on; TLS SNI uses it too); the
   * client's Host goes in X-Forwarded-Host. `preserve`: keep the client's Host.
   * @default 'upstream'
   */
  readonly hostHeader?: 'upstream' | 'preserve';
  /**
   * Keep X-Forwarded-Proto and X-Forwarded-Host when the client sent them.
   * Turn on only when the router sits behind a load balancer that sets them.
   * @default false
   */
  readonly trustForwardedHeaders?: boolean;
  /**
   * Router health endpoint (answered by the router itself, never proxied;
   * 503 while draining). `false` proxies that path like any other.
   * @default '/healthz'
   */
  readonly healthPath?: string | false;
  /**
   * When the read upstream cannot be reached (connection refused or reset,
   * DNS failure — not a slow answer), send the read to the primary instead;
   * the response carries `x-multiregion-fallback: primary`. `false` answers
   * 502 instead.
   * @default true
   */
  readonly readFallback?: boolean;
  /**
   * Time to wait for an upstream's response headers (or, for a WebSocket
   * upgrade, its handshake) before answering 504. Once headers arrive the
   * body may stream for as long as it takes.
   * @default 30000
   */
  readonly upstreamTimeoutMs?: number;
  /**
   * `close()` waits this long for in-flight requests, then cuts connections.
   * @default 10000
   */
  readonly shutdownTimeoutMs?: number;
  /** Called once per proxied request, after the response finished or failed. */
  readonly onRequest?: (entry: RouteLogEntry) => void;
}

/** One access-log entry. */
export interface RouteLogEntry {
  readonly method: string;
  readonly url: string;
  readonly route: RouteDecision['route'];
  readonly reason: RouteDecision['reason'];
  readonly upstream: 'primary' | 'read';
  /** Status sent to the client (502/504 when the upstream failed; 0 if the client left first). */
  readonly status: number;
  readonly durationMs: number;
  /** Upstream requests sent: 2 after a retry on a stale keep-alive connection or a fallback. */
  readonly attempts: number;
  /** The read upstream failed and the primary answered. */
  readonly fallback: boolean;
  readonly error?: string;
}

/** The Node reverse proxy: an `http.Server` plus `listen`/`close` helpers. */
export interface RouterServer {
  readonly server: http.Server;
  /** Listen; resolves with the bound address. Default 127.0.0.1:0 (an ephemeral port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** `http://host:port` once listening. */
  readonly url: string;
  /** Stop accepting, drain in-flight requests (bounded by `timeoutMs`), close upstream pools. */
  close(timeoutMs?: number): Promise<void>;
  /** Requests being proxied right now. */
  readonly inFlight: number;
}

/** Create the GraphQL-aware read/write reverse proxy. Throws on bad options. */
export function createRouterServer(options: RouterServerOptions): RouterServer {
  validateServerOptions(options);
  const classifier = createClassifier(options);
  const primary = createUpstream('primary', options.primary, options);
  const read = createUpstream('read', options.read, options);
  const ryw = options.readYourWrites === false ? new ReadYourWrites({ windowMs: 0 }) : new ReadYourWrites(options.readYourWrites);
  const policy: ForwardingPolicy = {
    hostHeader: options.hostHeader ?? 'upstream',
    trustForwardedHeaders: options.trustForwardedHeaders ?? false,
  };
  const healthPath = options.healthPath === undefined ? '/healthz' : options.healthPath;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const readFallback = options.readFallback ?? true;
  const maxBody = classifier.maxBodyBytes;
  let closing = false;
  let inFlight = 0;

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    const url = req.url ?? '/';
    if (closing) res.setHeader('connection', 'close');
    if (healthPath && splitUrl(url)[0] === healthPath && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, closing ? 503 : 200, { status: closing ? 'draining' : 'ok' });
      return;
    }
    const head = classifier.classifyHead({ method: req.method ?? 'GET', url, headers: req.headers });
    if (head) {
      forward(req, res, head);
      return;
    }
    // A GraphQL POST: buffer up to the limit to classify it.
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > maxBody) {
        // Too large to classify: stop buffering, stream the rest to the primary.
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        forward(req, res, { route: 'write', reason: 'body-too-large' }, undefined, chunks);
      }
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      forward(req, res, classifier.classifyBody({ method: req.method ?? 'POST', url, headers: req.headers, body }), body);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', () => res.destroy());
  });

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    classified: RouteDecision,
    body?: Buffer,
    prefix?: Buffer[],
  ): void {
    const started = process.hrtime.bigint();
    const decision: RouteDecision =
      classified.route === 'read' && ryw.isMarked(req.headers) ? { route: 'write', reason: 'read-your-writes' } : classified;
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
      options.onRequest?.({
        method,
        url,
        route: decision.route,
        reason: decision.reason,
        upstream: upstream.role,
        status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
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
      if (body) {
        headers['content-length'] = body.length;
      } else if (req.headers['transfer-encoding'] && req.headers['content-length'] === undefined) {
        headers['transfer-encoding'] = 'chunked';
      }
      const requestOptions = upstreamRequestOptions(upstream, method, url, headers);
      if (freshSocket) requestOptions.agent = false;
      const upstreamReq = upstream.request(requestOptions);
      current = { req: upstreamReq, upstream, attempts, fallback };
      const timer = setTimeout(() => upstreamReq.destroy(new GatewayTimeout()), upstreamTimeoutMs);

      upstreamReq.once('response', (upstreamRes) => {
        clearTimeout(timer);
        const status = upstreamRes.statusCode ?? 502;
        const out = stripHopByHop(upstreamRes.headers);
        out[ROUTE_HEADER] = decision.route;
        out[REASON_HEADER] = decision.reason;
        if (fallback) out[FALLBACK_HEADER] = 'primary';
        if (decision.route === 'write' && ryw.enabled && status < 400 && marksReadYourWrites(decision.reason)) {
          const marker = ryw.marker();
          const prior = out[marker.name];
          out[marker.name] = prior === undefined ? marker.value : ([] as string[]).concat(prior as string | string[], marker.value);
        }
        if (closing) out.connection = 'close';
        res.writeHead(status, out);
        upstreamRes.pipe(res);
        upstreamRes.once('error', () => res.destroy());
        upstreamRes.once('aborted', () => res.destroy());
        res.once('finish', () => finish(upstream, status, attempts, fallback));
      });

      upstreamReq.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (clientGone) {
          finish(upstream, 0, attempts, fallback, 'client closed the connection');
          return;
        }
        const timeout = err instanceof GatewayTimeout;
        if (replayable && !res.headersSent && !timeout) {
          // A kept-alive socket the upstream closed while idle: the request
          // never reached it. Send it once more on a new connection.
          if (upstreamReq.reusedSocket && err.code === 'ECONNRESET' && !freshSocket) {
            attempt(upstream, attempts + 1, fallback, true);
            return;
          }
          // The read upstream is down: the primary answers reads correctly.
          if (readFallback && upstream === read) {
            attempt(primary, attempts + 1, true, false);
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
        if (fallback) res.setHeader(FALLBACK_HEADER, 'primary');
        sendJson(res, timeout ? 504 : 502, {
          errors: [
            {
              message: `multiregion-router: the ${upstream.role} upstream ${timeout ? 'did not answer in time' : 'is unavailable'}`,
              extensions: { code: timeout ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY', route: decision.route, upstream: upstream.role },
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
    attempt(decision.route === 'write' ? primary : read, 1, false, false);
  }

  // Upgraded (WebSocket) connections leave the HTTP server's bookkeeping:
  // track them so close() can end them when the drain time is up.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    // WebSocket upgrades (graphql-ws subscriptions) always go to the primary.
    proxyUpgrade(req, socket, head, primary, policy, upstreamTimeoutMs);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  let address: AddressInfo | undefined;
  let closed: Promise<void> | undefined;
  return {
    server,
    get url() {
      if (!address) throw new Error('RouterServer: not listening');
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    get inFlight() {
      return inFlight;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          address = server.address() as AddressInfo;
          resolve(address);
        });
      });
    },
    close(timeoutMs = options.shutdownTimeoutMs ?? 10_000) {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        let timer: NodeJS.Timeout | undefined;
        const stop = () => {
          if (timer) clearTimeout(timer);
          primary.agent.destroy();
          read.agent.destroy();
          resolve();
        };
        if (!server.listening) {
          stop();
          return;
        }
        server.close(() => stop());
        server.closeIdleConnections();
        // Keep-alive connections that finish their request while draining.
        server.on('request', (_req, res) => res.once('finish', () => server.closeIdleConnections()));
        timer = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of upgraded) socket.destroy();
        }, timeoutMs);
        timer.unref();
      });
      return closed;
    },
  };
}

function validateServerOptions(options: RouterServerOptions): void {
  const problems: ConfigProblem[] = [];
  for (const property of ['upstreamTimeoutMs', 'shutdownTimeoutMs'] as const) {
    const value = options[property];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      problems.push({ property, message: `${property} ${show(value)} is not a whole number of milliseconds >= 1`, fix: `set it to a positive integer, e.g. ${property === 'upstreamTimeoutMs' ? 30000 : 10000} (the default)` });
    }
  }
  if (options.readFallback !== undefined && typeof options.readFallback !== 'boolean') {
    problems.push({ property: 'readFallback', message: `readFallback ${show(options.readFallback)} is not a boolean`, fix: 'set it to true (the default) or false' });
  }
  if (problems.length > 0) throw new MultiRegionConfigError({ construct: 'Router', path: 'server' }, problems);
}

class GatewayTimeout extends Error {
  constructor() {
    super('upstream timeout');
  }
}

function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  const [path, search] = splitUrl(url);
  return search ? `${path}?${search}` : path;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
