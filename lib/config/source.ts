/**
 * Reading a configuration file: size limit, YAML (JSON is YAML too) with
 * source positions, a bounded alias expansion, and the position of any
 * property path, so every problem points at its line and column.
 */
import * as fs from 'fs';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument, visit } from 'yaml';
import { FileProblem, PathProblem, PathSegment, pathText } from './problems';

/** Largest configuration file read: a 20-region file is about 3 KB; a megabyte is not a configuration. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Most alias expansions accepted (the yaml package's `maxAliasCount`): a few
 * anchors for repeated health checks are fine; a "billion laughs" file,
 * whose aliases multiply at every level, is refused before it expands.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * Deepest nesting of flow collections (`[`, `{`) accepted. A configuration
 * nests three or four levels; the parser recurses per level, so a file of
 * nothing but brackets is refused by a linear scan before it is parsed.
 */
export const MAX_FLOW_DEPTH = 64;

/** A file read and parsed, with what locates its properties. */
export interface ParsedSource {
  readonly file: string;
  /** The plain value (mappings as objects), when the file parsed. */
  readonly value?: unknown;
  /** Problems of the file itself (size, YAML syntax, aliases, emptiness). */
  readonly problems: FileProblem[];
  /** Locates a path problem in the file. */
  locate(problem: PathProblem): FileProblem;
}

/** Reads `file` (refusing more than {@link MAX_FILE_BYTES} before reading it) and parses it. */
export function readSource(file: string, displayName: string = file): ParsedSource {
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) return failed(displayName, tooBig(size));
  return parseSource(fs.readFileSync(file, 'utf8'), displayName);
}

/** Parses the text of a configuration file; `file` names it in problems. */
export function parseSource(text: string, file: string): ParsedSource {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) return failed(file, tooBig(bytes));
  const deep = flowDepthPast(text, MAX_FLOW_DEPTH);
  if (deep !== undefined) {
    const lines = text.slice(0, deep).split('\n');
    const problem: FileProblem = {
      severity: 'error', file, line: lines.length, column: lines[lines.length - 1].length + 1, property: '', path: [],
      message: `the file nests brackets more than ${MAX_FLOW_DEPTH} levels deep: refused without parsing it`,
      fix: 'write the configuration as plain YAML or JSON (a configuration nests a few levels)',
    };
    return { ...failed(file, problem), problems: [problem] };
  }
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  } catch (e) {
    // The parser's own limits (e.g. the call stack on absurd nesting): refused, never a crash.
    return failed(file, { message: `the file cannot be parsed as YAML (${(e as Error).message})`, fix: 'write the configuration as plain YAML or JSON' });
  }
  const at = (offset: number) => lineCounter.linePos(offset);
  const problems: FileProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { line, col } = at(e.pos[0]);
    problems.push({
      severity: 'error', file, line, column: col, property: '', path: [],
      message: `not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      fix: yamlFix(e.code),
    });
  }
  const locate = (p: PathProblem): FileProblem => {
    const offset = offsetOf(doc, p.path, p.at ?? 'value');
    const { line, col } = at(offset);
    return { ...p, file, line, column: col, property: pathText(p.path) };
  };
  if (problems.length > 0) return { file, problems, locate };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { file, problems: [{ severity: 'error', file, line: 1, column: 1, property: '', path: [], message: 'the file is empty', fix: 'start it with apiVersion: multiregion/v1 (docs/config.md has a complete example)' }], locate };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const { line, col } = at(firstAliasOffset(doc));
    return {
      file, locate,
      problems: [{
        severity: 'error', file, line, column: col, property: '', path: [],
        message: `the aliases of the file expand to more than ${MAX_ALIAS_COUNT} copies (${e.message.replace(/\.$/, '')}): refused without expanding them`,
        fix: 'write the values out, or use an anchor a few times only',
      }],
    };
  }
  return { file, value, problems, locate };
}

/**
 * Offset of the first `[` or `{` nested deeper than `max`, outside quotes
 * and comments, or undefined. Approximate on purpose (an apostrophe in a
 * plain scalar ends the scan of brackets until the next one): it only
 * errs towards letting the parser decide.
 */
function flowDepthPast(text: string, max: number): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

function tooBig(bytes: number): { message: string; fix: string } {
  return {
    message: `the file is ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_FILE_BYTES / 1024 / 1024} MiB a configuration file may have`,
    fix: 'check that this is the configuration file (a 20-region configuration is a few kilobytes)',
  };
}

function failed(file: string, p: { message: string; fix: string }): ParsedSource {
  const problem: FileProblem = { severity: 'error', file, line: 1, column: 1, property: '', path: [], ...p };
  return { file, problems: [problem], locate: (q) => ({ ...q, file, line: 1, column: 1, property: pathText(q.path) }) };
}

function yamlFix(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY': return 'write each key once';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN': return 'check the indentation and the brackets and quotes around this place (spaces, not tabs)';
    case 'TAB_AS_INDENT': return 'indent with spaces';
    case 'MULTIPLE_DOCS': return 'keep one document (one deployment) per file';
    case 'BAD_ALIAS':
    case 'BAD_ANCHOR': return 'define the anchor (&name) before the alias (*name) that uses it';
    default: return 'write the configuration as plain YAML or JSON';
  }
}

/** Where a path points: the deepest node of the path that exists (its key, for `at: 'key'`). */
function offsetOf(doc: Document.Parsed, path: readonly PathSegment[], at: 'value' | 'key'): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) break;
    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment);
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      const empty = isScalar(pair.value) && pair.value.value === null;
      if (last && (at === 'key' || empty || valueStart === undefined)) return keyStart ?? offset;
      node = pair.value;
      offset = valueStart ?? keyStart ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(item) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
