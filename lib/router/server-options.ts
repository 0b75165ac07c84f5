import type * as http from 'http';
import type { AddressInfo } from 'net';
import type { ClassifierOptions, RouteDecision } from './classify';
import type { RouterMetrics } from './metrics';
import type { NodePartitionRouting, RefusalReason } from './partitions';
import type { PoolOptions } from './private/upstream';
import type { ReadYourWritesOptions } from './read-your-writes';

/** The options and results of `createRouterServer` (server.ts). */

/** Prometheus metrics on a separate admin listener. */
export interface RouterMetricsOptions {
  /**
   * Port of the admin listener; must differ from the router's own port.
   * 0 picks a free port (tests).
   * @default 9464
   */
  readonly port?: number;
  /**
   * Address of the admin listener. Keep it private: the metrics name
   * partitions and upstreams.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /** @default '/metrics' */
  readonly path?: string;
}


/** Options of {@link createRouterServer}. */
export interface RouterServerOptions extends ClassifierOptions, PoolOptions {
  /**
   * Base URL of the read-write (primary) endpoint, e.g. `https://write.api.example.com`.
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly primary?: string | URL;
  /**
   * Base URL of the read endpoint (the latency-routed replica hostname).
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly read?: string | URL;
  /**
   * Partition-aware routing (phase 5, geo-partitioned writes): every request
   * goes to the upstreams of its partition, named by `source`; requests
   * whose partition is missing, unknown or ambiguous are refused (4xx) and
   * reach no upstream.
   * @default - no partitions: `primary` and `read`
   */
  readonly partitioning?: NodePartitionRouting;
  /**
   * Prometheus metrics at `GET /metrics` on a separate admin listener
   * (`true`: 127.0.0.1:9464).
   * @default false
   */
  readonly metrics?: RouterMetricsOptions | boolean;
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
  /** `refused`: partition routing refused the request; no upstream saw it. */
  readonly route: RouteDecision['route'] | 'refused';
  readonly reason: RouteDecision['reason'] | RefusalReason;
  /** The partition the request was routed in (partition routing only). */
  readonly partition?: string;
  /** The upstream that answered (`primary`: the partition's write upstream); `none` for a refusal. */
  readonly upstream: 'primary' | 'read' | 'none';
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
  /** The metrics (also when no admin listener is configured: `render()` gives the exposition). */
  readonly metrics: RouterMetrics;
  /** `http://host:port/metrics` of the admin listener once listening; `undefined` without one. */
  readonly metricsUrl: string | undefined;
}
