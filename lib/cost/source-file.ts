/**
 * Reads a JSON or YAML file keeping the position of every value, so a bad
 * value in a price or usage file is reported as `file:line:column` with its
 * key (JSON is read by the YAML 1.2 parser, of which it is a subset).
 */
import * as fs from 'fs';
import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { ConfigProblem, MultiRegionConfigError } from '../core/errors';

/** A parsed file: its plain value and the position of any key path in it. */
export interface PositionedFile {
  readonly file: string;
  readonly value: unknown;
  /** `file:line:column` of the value at `path` (or of the nearest parent that exists). */
  at(path: readonly (string | number)[]): string;
}

/** The error every cost input problem raises: construct `estimateCost`, path `file:line:column`. */
export function costInputError(where: string, problem: ConfigProblem): MultiRegionConfigError {
  return new MultiRegionConfigError({ construct: 'estimateCost', path: where }, [problem]);
}

/** Parses `file` (JSON or YAML); a syntax error names the file, line and column. */
export function readPositionedFile(file: string, what: string): PositionedFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw costInputError(file, {
      property: what,
      message: `${what} '${file}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      fix: `pass the path of an existing ${what}`,
    });
  }
  return parsePositioned(text, file, what);
}

/** Parses `text` as if read from `file`. */
export function parsePositioned(text: string, file: string, what: string): PositionedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const where = pos(err.pos[0]);
    const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw costInputError(where, {
      property: what,
      message: `${what} is not valid JSON or YAML (${reason})`,
      fix: `correct the ${what} at ${where}`,
    });
  }
  const at = (path: readonly (string | number)[]): string => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
        if (!pair) break;
        node = pair.value;
        const keyNode = pair.key as Node | undefined;
        offset = (node as Node | null)?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
        node = node.items[key];
        offset = (node as Node).range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return pos(offset);
  };
  return { file, value: doc.toJS(), at };
}
