import { ConfigProblem, MultiRegionConfigError, show } from '../core/errors';
import { DocumentSummary, OperationType, summarizeDocument } from './document';

/**
 * A persisted-query manifest: what the router knows about operations that
 * clients send as a hash only (`extensions.persistedQuery.sha256Hash`).
 *
 * Accepted shapes (all keyed by the SHA-256 hex digest the client sends):
 * - `{ "<hash>": "query" | "mutation" | "subscription" }` — the type only;
 * - `{ "<hash>": "<GraphQL document text>" }` — the shape Relay's
 *   `persisted-queries.json` and graphql-codegen's `persisted-documents.json`
 *   use; the router parses each document once, at start-up;
 * - Apollo's `persisted-query-manifest.json`:
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1,
 *      "operations": [{ "id", "name", "type", "body" }] }`;
 * - a `Map` of either of the first two.
 */
export type PersistedQueryManifestInput =
  | Readonly<Record<string, string>>
  | ReadonlyMap<string, string>
  | ApolloPersistedQueryManifest;

/** Apollo's persisted query manifest format (version 1). */
export interface ApolloPersistedQueryManifest {
  readonly format: 'apollo-persisted-query-manifest';
  readonly version: number;
  readonly operations: ReadonlyArray<{
    readonly id: string;
    readonly name?: string;
    readonly type?: string;
    readonly body?: string;
  }>;
}

/** A manifest normalized for lookups: lower-case hash → document summary. */
export type PersistedQueryManifest = ReadonlyMap<string, DocumentSummary>;

const TYPES: ReadonlySet<string> = new Set(['query', 'mutation', 'subscription']);
const SOURCE = { construct: 'RouterManifest', path: 'manifest' };

/**
 * Normalize a manifest in any accepted shape. Throws a
 * `MultiRegionConfigError` listing every bad entry: a manifest the router
 * cannot read is a deployment bug, better caught at start-up than by sending
 * every persisted query to the primary.
 */
export function normalizeManifest(input: PersistedQueryManifestInput | PersistedQueryManifest): PersistedQueryManifest {
  const out = new Map<string, DocumentSummary>();
  const problems: ConfigProblem[] = [];
  const add = (hash: unknown, value: unknown, property: string) => {
    if (typeof hash !== 'string' || hash === '') {
      problems.push({ property, message: `${property} has hash ${show(hash)}`, fix: 'use the SHA-256 hex digest clients send' });
      return;
    }
    const summary = toSummary(value);
    if (!summary) {
      problems.push({
        property,
        message: `${property} value ${show(truncate(value))} is neither an operation type nor a parseable GraphQL document`,
        fix: "set it to 'query', 'mutation' or 'subscription', or to the operation's document text",
      });
      return;
    }
    out.set(hash.toLowerCase().replace(/^sha256:/, ''), summary);
  };

  if (isApollo(input)) {
    input.operations.forEach((op, i) => {
      const property = `operations[${i}]`;
      add(op.id, op.type && TYPES.has(op.type) ? op.type : op.body, property);
    });
  } else if (input instanceof Map) {
    for (const [hash, value] of input as ReadonlyMap<string, unknown>) {
      add(hash, value, `manifest[${show(hash)}]`);
    }
  } else if (input && typeof input === 'object' && !Array.isArray(input)) {
    for (const [hash, value] of Object.entries(input)) add(hash, value, `manifest[${show(hash)}]`);
  } else {
    problems.push({ property: 'manifest', message: `manifest ${show(input)} is not an object`, fix: 'pass an object mapping hashes to operation types or documents' });
  }
  if (problems.length > 0) throw new MultiRegionConfigError(SOURCE, problems);
  return out;
}

function toSummary(value: unknown): DocumentSummary | undefined {
  if (isSummary(value)) return value;
  if (typeof value !== 'string') return undefined;
  if (TYPES.has(value)) return { operationCount: 1, byName: new Map(), only: value as OperationType };
  const summary = summarizeDocument(value);
  return summary && summary.operationCount > 0 ? summary : undefined;
}

function isSummary(value: unknown): value is DocumentSummary {
  return typeof value === 'object' && value !== null && 'operationCount' in value && 'byName' in value;
}

function isApollo(input: unknown): input is ApolloPersistedQueryManifest {
  return (
    typeof input === 'object' &&
    input !== null &&
    (input as { format?: unknown }).format === 'apollo-persisted-query-manifest' &&
    Array.isArray((input as { operations?: unknown }).operations)
  );
}

function truncate(value: unknown): unknown {
  return typeof value === 'string' && value.length > 60 ? `${value.slice(0, 57)}...` : value;
}
