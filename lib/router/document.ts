import { createHash } from 'crypto';
import { Kind, Lexer, parse, Source, TokenKind } from 'graphql';

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
  /**
   * The variables each operation declares (key: the operation's name, `''`
   * for the anonymous one), with the default value when it is a string or
   * enum literal (what a partition-key variable can default to). An
   * operation without an entry declares no variable. `undefined` when the
   * document text is not known (a manifest entry of the form `hash → type`).
   */
  readonly variables?: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
}

/** Result of choosing the operation a request executes. */
export type OperationSelection =
  | {
      readonly ok: true;
      readonly type: OperationType;
      /** The selected operation's name (`''` when anonymous); `undefined` when only the type is known. */
      readonly key?: string;
    }
  | { readonly ok: false; readonly reason: 'no-operation' | 'operation-ambiguous' | 'operation-not-found' };

/**
 * How much of a document the router reads before it gives up and sends the
 * request to the primary. Parsing is the router's only CPU-heavy step: an
 * unbounded parse of a 1 MiB document of aliases blocks the event loop for
 * hundreds of milliseconds; within the default budget a parse costs a few.
 */
export interface DocumentBudget {
  /**
   * Most lexical tokens (punctuation, names, values; comments are free).
   * @default 15000
   */
  readonly maxTokens?: number;
  /**
   * Deepest nesting of `{`, `(` and `[` (selection sets, arguments, list and
   * object values). It also bounds the parser's recursion, which otherwise
   * overflows the stack at a few thousand levels.
   * @default 64
   */
  readonly maxDepth?: number;
  /**
   * Most field aliases (`a1: field`), the building block of alias-flooding
   * documents.
   * @default 1000
   */
  readonly maxAliases?: number;
}

export const DEFAULT_DOCUMENT_BUDGET: Required<DocumentBudget> = { maxTokens: 15_000, maxDepth: 64, maxAliases: 1000 };
const UNBOUNDED: Required<DocumentBudget> = { maxTokens: Infinity, maxDepth: Infinity, maxAliases: Infinity };

/** A document summarized, or why it could not be. */
export type DocumentAnalysis =
  | { readonly ok: true; readonly summary: DocumentSummary }
  | { readonly ok: false; readonly reason: 'parse-error' | 'document-over-budget' };

const PARSE_ERROR: DocumentAnalysis = { ok: false, reason: 'parse-error' };
const OVER_BUDGET: DocumentAnalysis = { ok: false, reason: 'document-over-budget' };

/**
 * Parse a document within `budget` and summarize its operations. The budget
 * is checked by a lexer pass first (no recursion, stops at the first excess),
 * so the parser only ever sees documents it can parse quickly and safely.
 */
export function analyzeDocument(source: string, budget: DocumentBudget = DEFAULT_DOCUMENT_BUDGET): DocumentAnalysis {
  const limits = { ...DEFAULT_DOCUMENT_BUDGET, ...budget };
  const scan = scanBudget(source, limits);
  if (scan !== 'ok') return scan === 'over' ? OVER_BUDGET : PARSE_ERROR;
  let doc;
  try {
    doc = parse(source, { noLocation: true, maxTokens: Number.isFinite(limits.maxTokens) ? limits.maxTokens : undefined });
  } catch {
    return PARSE_ERROR;
  }
  const byName = new Map<string, OperationType>();
  const variables = new Map<string, Map<string, string | undefined>>();
  let anonymous: OperationType | undefined;
  let operationCount = 0;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    operationCount++;
    const type = def.operation as OperationType;
    if (def.name) byName.set(def.name.value, type);
    else anonymous = type;
    if (def.variableDefinitions && def.variableDefinitions.length > 0) {
      const declared = new Map<string, string | undefined>();
      for (const v of def.variableDefinitions) {
        const d = v.defaultValue;
        declared.set(v.variable.name.value, d && (d.kind === Kind.STRING || d.kind === Kind.ENUM) ? d.value : undefined);
      }
      variables.set(def.name?.value ?? '', declared);
    }
  }
  return { ok: true, summary: { operationCount, byName, anonymous, variables } };
}

/**
 * Parse a document and summarize its operations, without a budget (for
 * trusted input such as a manifest). Returns `undefined` when the text is not
 * a syntactically valid GraphQL document.
 */
export function summarizeDocument(source: string, budget: DocumentBudget = UNBOUNDED): DocumentSummary | undefined {
  const analysis = analyzeDocument(source, budget);
  return analysis.ok ? analysis.summary : undefined;
}

/** One lexer pass: 'ok', 'over' (a budget exceeded) or 'syntax' (the lexer rejected the text). */
function scanBudget(source: string, limits: Required<DocumentBudget>): 'ok' | 'over' | 'syntax' {
  if (limits.maxTokens === Infinity && limits.maxDepth === Infinity && limits.maxAliases === Infinity) return 'ok';
  const lexer = new Lexer(new Source(source));
  let tokens = 0;
  let depth = 0;
  let parens = 0;
  let aliases = 0;
  let previous: TokenKind | undefined;
  for (;;) {
    let kind: TokenKind;
    try {
      kind = lexer.advance().kind;
    } catch {
      return 'syntax';
    }
    if (kind === TokenKind.EOF) return 'ok';
    if (++tokens > limits.maxTokens) return 'over';
    if (kind === TokenKind.BRACE_L || kind === TokenKind.BRACKET_L || kind === TokenKind.PAREN_L) {
      if (kind === TokenKind.PAREN_L) parens++;
      if (++depth > limits.maxDepth) return 'over';
    } else if (kind === TokenKind.BRACE_R || kind === TokenKind.BRACKET_R || kind === TokenKind.PAREN_R) {
      if (kind === TokenKind.PAREN_R) parens--;
      depth--;
    } else if (kind === TokenKind.COLON && previous === TokenKind.NAME && parens === 0 && depth > 0) {
      // `name:` inside a selection set and outside any argument list is an
      // alias (object fields and variable definitions sit inside parentheses).
      if (++aliases > limits.maxAliases) return 'over';
    }
    previous = kind;
  }
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
    return type ? { ok: true, type, key: name } : { ok: false, reason: 'operation-not-found' };
  }
  if (summary.operationCount === 0) return { ok: false, reason: 'no-operation' };
  if (summary.operationCount > 1) return { ok: false, reason: 'operation-ambiguous' };
  if (summary.anonymous) return { ok: true, type: summary.anonymous, key: '' };
  const first = summary.byName.entries().next().value;
  return first ? { ok: true, type: first[1], key: first[0] } : { ok: false, reason: 'no-operation' };
}

/** SHA-256 hex digest of a string (UTF-8), as automatic persisted queries hash the query. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A least-recently-used cache of document analyses. Real clients send the
 * same handful of documents over and over; parsing each once keeps the
 * router's added latency flat. Documents up to `maxKeyLength` characters are
 * keyed by their text; longer ones by their SHA-256 digest (collision
 * resistant, so no document can borrow another's entry), which keeps the
 * memory bound at `maxEntries × maxKeyLength` and makes a repeated large
 * document cost one hash instead of one parse.
 */
export class DocumentCache {
  private readonly byText = new Map<string, DocumentAnalysis>();
  private readonly byDigest = new Map<string, DocumentAnalysis>();
  /** Documents actually analyzed (cache misses), for tests and metrics. */
  misses = 0;

  constructor(
    private readonly maxEntries = 1000,
    private readonly maxKeyLength = 16 * 1024,
    private readonly budget: DocumentBudget = DEFAULT_DOCUMENT_BUDGET,
  ) {}

  /** The analysis of `source`, from the cache when it was seen recently. */
  analyze(source: string): DocumentAnalysis {
    if (this.maxEntries <= 0) {
      this.misses++;
      return analyzeDocument(source, this.budget);
    }
    const small = source.length <= this.maxKeyLength;
    const entries = small ? this.byText : this.byDigest;
    const key = small ? source : sha256Hex(source);
    const hit = entries.get(key);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    this.misses++;
    const analysis = analyzeDocument(source, this.budget);
    entries.set(key, analysis);
    if (entries.size > this.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return analysis;
  }

  /** The summary of `source`, or `undefined` when it does not parse within the budget. */
  summarize(source: string): DocumentSummary | undefined {
    const analysis = this.analyze(source);
    return analysis.ok ? analysis.summary : undefined;
  }
}
