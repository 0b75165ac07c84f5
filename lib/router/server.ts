import * as http from 'http';
import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import { createClassifier, RouteDecision, splitUrl } from './classify';
import type { RouterMetricsOptions, RouterServer, RouterServerOptions } from './server-options';
import { RouterMetrics } from './metrics';
import { createPartitionResolver } from './partition-resolver';
import type { PartitionResult } from './partitions';
import { createAdminServer, listenOn } from './private/admin';
import { refusalResponse } from './private/refusal';
import { createForwarder, originForm, sendJson } from './private/forward';
import { createRouteTable, RouteTarget } from './private/routes';
import { proxyUpgrade } from './private/upgrade';
import type { ForwardingPolicy } from './private/proxy-headers';
import { ReadYourWrites } from './read-your-writes';
import { REASON_HEADER, ROUTE_HEADER } from './route-headers';

export type { RouterMetricsOptions, RouterServer, RouterServerOptions, RouteLogEntry } from './server-options';

/** Create the GraphQL-aware read/write reverse proxy. Throws on bad options. */
export function createRouterServer(options: RouterServerOptions): RouterServer {
  validateServerOptions(options);
  const routes = createRouteTable(options);
  const partitioning = options.partitioning;
  const resolver = partitioning ? createPartitionResolver(partitioning) : undefined;
  const classifier = createClassifier(
    partitioning?.source.type === 'variable' ? { ...options, partitionVariable: partitioning.source.name } : options,
  );
  const ryw = options.readYourWrites === false ? new ReadYourWrites({ windowMs: 0 }) : new ReadYourWrites(options.readYourWrites);
  const policy: ForwardingPolicy = {
    hostHeader: options.hostHeader ?? 'upstream',
    trustForwardedHeaders: options.trustForwardedHeaders ?? false,
  };
  const healthPath = options.healthPath === undefined ? '/healthz' : options.healthPath;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const readFallback = options.readFallback ?? true;
  const maxBody = classifier.maxBodyBytes;
  const metricsOptions: RouterMetricsOptions | undefined = options.metrics === true ? {} : options.metrics || undefined;
  const metrics = new RouterMetrics(() => ({ documentParses: classifier.documents.misses, inFlight }));
  const measure = metricsOptions !== undefined;
  for (const name of routes.byPartition.keys()) {
    metrics.partitions.set([name], 1);
    metrics.pins.inc([name], 0);
  }
  metrics.windowSeconds.set([], ryw.windowMs / 1000);
  let closing = false;
  let inFlight = 0;
  const forward = createForwarder({
    ryw,
    metrics: measure ? metrics : undefined,
    policy,
    upstreamTimeoutMs,
    readFallback,
    onRequest: options.onRequest,
    isClosing: () => closing,
  });

  /** The partition of a request from its head (header, cookie, JWT); `undefined` when it comes from the body or there are no partitions. */
  const headPartition = (req: http.IncomingMessage): PartitionResult | undefined => {
    if (!resolver?.header) return undefined;
    return resolver.fromHead(headerLines(req.rawHeaders, resolver.header), req.socket.remoteAddress);
  };

  const targetOf = (result: PartitionResult | undefined): RouteTarget | undefined =>
    routes.single ?? (result?.ok ? routes.byPartition.get(result.partition) : undefined);

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    const url = req.url ?? '/';
    if (closing) res.setHeader('connection', 'close');
    if (healthPath && splitUrl(url)[0] === healthPath && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, closing ? 503 : 200, { status: closing ? 'draining' : 'ok' });
      return;
    }
    const started = process.hrtime.bigint();
    const head = classifier.classifyHead({ method: req.method ?? 'GET', url, headers: req.headers });
    let partition = headPartition(req);
    if (partition && head) partition = resolver!.settle(partition, head);
    if (partition && !partition.ok) {
      refuse(req, res, partition, started);
      return;
    }
    if (head) {
      route(req, res, head, partition, started);
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
        const tooLarge: RouteDecision = { route: 'write', reason: 'body-too-large' };
        if (resolver && !partition) {
          // The partition key is in the body: it cannot be read.
          if (measure) metrics.bodyTooLarge.inc([undefined, 'refused']);
          res.setHeader('connection', 'close');
          refuse(req, res, resolver.unreadable(`the body is larger than maxBodyBytes (${maxBody} bytes)`, 413), started);
          return;
        }
        route(req, res, tooLarge, partition, started, undefined, chunks);
      }
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      route(req, res, classifier.classifyBody({ method: req.method ?? 'POST', url, headers: req.headers, body }), partition, started, body);
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', () => res.destroy());
  });

  /** Settle the partition (from the body's variable if need be), then forward or refuse. */
  function route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    decision: RouteDecision,
    partition: PartitionResult | undefined,
    started: bigint,
    body?: Buffer,
    prefix?: Buffer[],
  ): void {
    const result = partition ?? (resolver ? resolver.settle(resolver.fromDecision(decision), decision) : undefined);
    if (measure && decision.reason === 'body-too-large') {
      // Announced by Content-Length (decided from the head) or found while buffering.
      metrics.bodyTooLarge.inc(result && !result.ok ? [undefined, 'refused'] : [result?.ok ? result.partition : undefined, 'streamed-to-write']);
    }
    if (result && !result.ok) {
      refuse(req, res, result, started);
      return;
    }
    forward(req, res, decision, targetOf(result)!, started, body, prefix);
  }

  function refuse(req: http.IncomingMessage, res: http.ServerResponse, result: PartitionResult, started: bigint): void {
    if (result.ok) throw new Error('refuse() called with a partition');
    const answer = refusalResponse(result.refusal, req.headers.accept);
    const reason = result.refusal.reason;
    if (measure) {
      metrics.requests.inc(['refused', reason, undefined]);
      metrics.duration.observe(['refused', undefined], Number(process.hrtime.bigint() - started) / 1e9);
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body), [ROUTE_HEADER]: 'refused', [REASON_HEADER]: reason });
    res.end(answer.body);
    options.onRequest?.({
      method: req.method ?? 'GET',
      url: originForm(req.url ?? '/'),
      route: 'refused',
      reason,
      upstream: 'none',
      status: answer.status,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      attempts: 0,
      fallback: false,
    });
  }

  // Upgraded (WebSocket) connections leave the HTTP server's bookkeeping:
  // track them so close() can end them when the drain time is up.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    if (closing) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // WebSocket upgrades (graphql-ws subscriptions) always go to the
    // (partition's) primary. A subscription's variables travel inside the
    // socket, so with a variable source its partition cannot be read.
    const partition = resolver ? headPartition(req) ?? resolver.unreadable('a WebSocket subscription carries its variables inside the socket; use a header, cookie or JWT source') : undefined;
    if (partition && !partition.ok) {
      const answer = refusalResponse(partition.refusal, req.headers.accept);
      if (measure) metrics.requests.inc(['refused', partition.refusal.reason, undefined]);
      const lines = Object.entries({ ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(`HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status]}\r\n${lines.join('')}\r\n${answer.body}`);
      return;
    }
    if (measure) metrics.requests.inc(['write', 'subscription', partition?.ok ? partition.partition : undefined]);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    proxyUpgrade(req, socket, head, targetOf(partition)!.write, policy, upstreamTimeoutMs);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const admin = metricsOptions ? createAdminServer(metrics, metricsOptions.path ?? '/metrics') : undefined;
  let address: AddressInfo | undefined;
  let adminAddress: AddressInfo | undefined;
  let closed: Promise<void> | undefined;
  return {
    server,
    metrics,
    get url() {
      if (!address) throw new Error('RouterServer: not listening');
      return urlOf(address);
    },
    get metricsUrl() {
      return adminAddress ? `${urlOf(adminAddress)}${metricsOptions?.path ?? '/metrics'}` : undefined;
    },
    get inFlight() {
      return inFlight;
    },
    async listen(port = 0, host = '127.0.0.1') {
      const metricsPort = metricsOptions?.port ?? DEFAULT_METRICS_PORT;
      if (admin && port !== 0 && metricsPort === port) {
        throw new MultiRegionConfigError({ construct: 'Router', path: 'metrics' }, [{
          property: 'metrics.port',
          message: `metrics.port ${metricsPort} is the port the router listens on`,
          fix: `give the admin listener its own port, e.g. ${port === DEFAULT_METRICS_PORT ? DEFAULT_METRICS_PORT + 1 : DEFAULT_METRICS_PORT}`,
        }]);
      }
      address = await listenOn(server, port, host);
      if (admin) {
        try {
          adminAddress = await listenOn(admin, metricsPort, metricsOptions?.host ?? '127.0.0.1');
        } catch (err) {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          throw err;
        }
      }
      return address;
    },
    close(timeoutMs = options.shutdownTimeoutMs ?? 10_000) {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        let timer: NodeJS.Timeout | undefined;
        const stop = () => {
          if (timer) clearTimeout(timer);
          for (const upstream of routes.all) upstream.agent.destroy();
          if (admin?.listening) {
            admin.closeAllConnections();
            admin.close(() => resolve());
          } else {
            resolve();
          }
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

/** Default port of the admin (metrics) listener, Prometheus's customary exporter port range. */
export const DEFAULT_METRICS_PORT = 9464;

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Every line of header `name` (lower case) as received, duplicates kept apart. */
function headerLines(raw: readonly string[], name: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) lines.push(raw[i + 1]);
  }
  return lines;
}

function validateServerOptions(options: RouterServerOptions): void {
  const problems: ConfigProblem[] = [];
  for (const property of ['upstreamTimeoutMs', 'shutdownTimeoutMs'] as const) {
    const value = options[property];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      problems.push({ property, message: `${property} ${show(value)} is not a whole number of milliseconds >= 1`, fix: `set it to a positive integer, e.g. ${property === 'upstreamTimeoutMs' ? 30000 : 10000} (the default)` });
    }
  }
  const m = options.metrics;
  if (m !== undefined && typeof m !== 'boolean') {
    if (typeof m !== 'object' || m === null) {
      problems.push({ property: 'metrics', message: `metrics ${show(m)} is not an object`, fix: "give { port: 9464 } or true, or leave it unset" });
    } else {
      if (m.port !== undefined && (!Number.isSafeInteger(m.port) || m.port < 0 || m.port > 65535)) {
        problems.push({ property: 'metrics.port', message: `metrics.port ${show(m.port)} is not a port number`, fix: 'use a port from 1 to 65535, e.g. 9464 (0 picks a free one)' });
      }
      if (m.path !== undefined && (typeof m.path !== 'string' || !m.path.startsWith('/'))) {
        problems.push({ property: 'metrics.path', message: `metrics.path ${show(m.path)} is not an absolute path`, fix: "use '/metrics'" });
      }
    }
  }
  if (options.readFallback !== undefined && typeof options.readFallback !== 'boolean') {
    problems.push({ property: 'readFallback', message: `readFallback ${show(options.readFallback)} is not a boolean`, fix: 'set it to true (the default) or false' });
  }
  if (problems.length > 0) throw new MultiRegionConfigError({ construct: 'Router', path: 'server' }, problems);
}

