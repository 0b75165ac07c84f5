import { Kind, parse } from 'graphql';

/** The three GraphQL operation types. */
export type OperationType = 'query' | 'mutation' | 'subscription';

/**
 * What the router needs to know about a GraphQL document: the type of each
 * operation it defines, by name. Built with the `graphql` package's parser;
 * no regular expressions ever look at GraphQL text.
 */
export interface DocumentSummary {
  /** Number of operation definitions in the document. */
  readonly operationCount: number;
  /** Named operations → their type. */
  readonly byName: ReadonlyMap<string, OperationType>;
  /** Type of the anonymous operation, if the document has one. */
  readonly anonymous?: OperationType;
  /**
   * Set when only the type is known, not the names (a persisted-query
   * manifest entry of the form `hash → "mutation"`): the entry stands for
   * exactly one operation of this type, whatever operationName says.
   */
  readonly only?: OperationType;
}

/** Result of choosing the operation a request executes. */
export type OperationSelection =
  | { readonly ok: true; readonly type: OperationType }
  | { readonly ok: false; readonly reason: 'no-operation' | 'operation-ambiguous' | 'operation-not-found' };

/**
 * Parse a document and summarize its operations. Returns `undefined` when the
 * text is not a syntactically valid GraphQL document.
 */
export function summarizeDocument(source: string): DocumentSummary | undefined {
  let doc;
  try {
    doc = parse(source, { noLocation: true });
  } catch {
    return undefined;
  }
  const byName = new Map<string, OperationType>();
  let anonymous: OperationType | undefined;
  let operationCount = 0;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    operationCount++;
    const type = def.operation as OperationType;
    if (def.name) byName.set(def.name.value, type);
    else anonymous = type;
  }
  return { operationCount, byName, anonymous };
}

/**
 * Pick the operation a request runs, following the GraphQL spec's
 * GetOperation(): with an operationName, the operation of that name; without
 * one, the document's only operation. Anything else is ambiguous.
 */
export function selectOperation(summary: DocumentSummary, operationName: unknown): OperationSelection {
  if (summary.only) return { ok: true, type: summary.only };
  const name = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  if (name !== undefined) {
    const type = summary.byName.get(name);
    return type ? { ok: true, type } : { ok: false, reason: 'operation-not-found' };
  }
  if (summary.operationCount === 0) return { ok: false, reason: 'no-operation' };
  if (summary.operationCount > 1) return { ok: false, reason: 'operation-ambiguous' };
  const type = summary.anonymous ?? summary.byName.values().next().value;
  return type ? { ok: true, type } : { ok: false, reason: 'no-operation' };
}

/**
 * A small least-recently-used cache of document summaries, keyed by the
 * document text. Real clients send the same handful of documents over and
 * over; parsing each once keeps the router's added latency flat. Only
 * documents up to `maxKeyLength` characters are cached, so the memory bound
 * is `maxEntries × maxKeyLength`.
 */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentSummary | null>();

  constructor(
    private readonly maxEntries = 1000,
    private readonly maxKeyLength = 16 * 1024,
  ) {}

  /** The summary of `source`, or `undefined` when it does not parse. */
  summarize(source: string): DocumentSummary | undefined {
    if (this.maxEntries <= 0 || source.length > this.maxKeyLength) return summarizeDocument(source);
    const hit = this.entries.get(source);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(source);
      this.entries.set(source, hit);
      return hit ?? undefined;
    }
    const summary = summarizeDocument(source);
    this.entries.set(source, summary ?? null);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return summary;
  }
}
