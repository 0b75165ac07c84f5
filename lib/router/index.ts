/**
 * multiregion-constructs/router — GraphQL-aware read/write routing.
 *
 * - `classify` / `createClassifier`: the cloud-neutral decision (read → the
 *   nearest replica, write → the primary), with a reason for observability.
 * - `ReadYourWrites`: the (optionally signed) marker that sends a client's
 *   reads to the primary for a window after a mutation.
 * - `createRouterServer`: a Node reverse proxy (also `multiregion-router` CLI).
 * - `createOriginRequestHandler` / `createOriginResponseHandler`: the
 *   Lambda@Edge runtime (entry module: `router/edge-handler`).
 * - Partition-aware routing (phase 5): `partitioning` on both, typed by
 *   `NodePartitionRouting` / `EdgePartitionRouting` (the cloud constructs
 *   build an `EdgePartitionRouting` from their partitions).
 * - `RouterMetrics`: the Prometheus metrics of the Node router.
 */
export {
  classify,
  createClassifier,
  marksReadYourWrites,
  mediaType,
  DEFAULT_GRAPHQL_PATH,
  DEFAULT_MAX_BODY_BYTES,
} from './classify';
export type { Classifier, ClassifierOptions, ClassifiableRequest, Route, RouteDecision, RouteReason, VariableReading } from './classify';
export { analyzeDocument, summarizeDocument, selectOperation, DocumentCache, DEFAULT_DOCUMENT_BUDGET } from './document';
export type { DocumentAnalysis, DocumentBudget, DocumentSummary, OperationSelection, OperationType } from './document';
export { normalizeManifest } from './manifest';
export type { ApolloPersistedQueryManifest, PersistedQueryManifest, PersistedQueryManifestInput } from './manifest';
export {
  ReadYourWrites,
  readCookie,
  DEFAULT_RYW_COOKIE,
  DEFAULT_RYW_HEADER,
  DEFAULT_RYW_WINDOW_MS,
  MIN_SIGNING_KEY_LENGTH,
} from './read-your-writes';
export type { HeaderBag, ReadYourWritesOptions } from './read-your-writes';
export { ROUTE_HEADER, REASON_HEADER, FALLBACK_HEADER, PARTITION_HEADER } from './route-headers';
export { createRouterServer, DEFAULT_METRICS_PORT } from './server';
export type { RouterServer, RouterServerOptions, RouterMetricsOptions, RouteLogEntry } from './server';
export { checkPartitionRouting, parsePartitionSource } from './partitions';
export { createPartitionResolver } from './partition-resolver';
export type { PartitionResolver } from './partition-resolver';
export type {
  CookiePartitionSource,
  EdgePartitionHosts,
  EdgePartitionRouting,
  HeaderPartitionSource,
  JwtPartitionSource,
  NodePartitionRouting,
  PartitionName,
  PartitionRefusal,
  PartitionResult,
  PartitionRouting,
  PartitionSource,
  PartitionUpstreams,
  RefusalReason,
  VariablePartitionSource,
} from './partitions';
export { createJwtVerifier, MIN_HMAC_SECRET_LENGTH } from './jwt';
export type { JsonWebKeyInput, JwtAlgorithm, JwtKeySet, JwtResult, JwtVerifier, JwtVerifierOptions } from './jwt';
export { RouterMetrics, Counter, Histogram, LATENCY_BUCKETS, METRIC_PREFIX, METRICS_CONTENT_TYPE } from './metrics';
export { createOriginRequestHandler, createOriginResponseHandler, validateEdgeConfig } from './edge';
export type { EdgeRouterConfig, OriginRequestHandler, OriginResponseHandler } from './edge';
