/**
 * Problems found in a configuration file: where (the property path, and
 * once located the file, line and column), what (the bad value and the
 * message) and how to fix it.
 */
import { ConfigProblem, MultiRegionConfigError } from '../core/errors';

export type Severity = 'error' | 'warning';

/** One step of a property path: a key or a list index. */
export type PathSegment = string | number;

/** A problem at a property path, before it is located in the file. */
export interface PathProblem {
  readonly severity: Severity;
  /** Where: `['regions', 1, 'role']`. */
  readonly path: readonly PathSegment[];
  /**
   * What to point at: the value (default) or the key (an unknown or misplaced key).
   * @default 'value'
   */
  readonly at?: 'value' | 'key';
  /** What is wrong, starting with the property and its value. */
  readonly message: string;
  /** How to fix it, as an instruction. */
  readonly fix: string;
  /** The bad value, when there is one. @default - none */
  readonly value?: unknown;
}

/** A problem located in its file. */
export interface FileProblem extends PathProblem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The property path as text: `regions[1].role` (empty for the file itself). */
  readonly property: string;
}

/** `regions[1].role` from `['regions', 1, 'role']`. */
export function pathText(path: readonly PathSegment[]): string {
  return path.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');
}

/** Compiler style: `multiregion.yaml:12:5 error regions[1].role 'primray' is not …; set role to …`. */
export function formatFileProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.message}; ${p.fix}`;
}

/** Counts, e.g. `2 errors, 1 warning`. */
export function summarize(problems: readonly FileProblem[]): string {
  const n = (severity: Severity) => problems.filter((p) => p.severity === severity).length;
  const word = (count: number, w: string) => `${count} ${w}${count === 1 ? '' : 's'}`;
  return `${word(n('error'), 'error')}, ${word(n('warning'), 'warning')}`;
}

/** True when some problem is an error. */
export function hasErrors(problems: readonly FileProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/**
 * The one error type of the library, for code that loads a file (the
 * clouds' `fromFile`): every error of the file at once, each naming its
 * property, its place in the file and the fix.
 */
export function configError(file: string, problems: readonly FileProblem[]): MultiRegionConfigError {
  const errors: ConfigProblem[] = problems.filter((p) => p.severity === 'error').map((p) => ({
    property: p.property || '(file)',
    message: `${p.message} (${p.file}:${p.line}:${p.column})`,
    fix: p.fix,
  }));
  return new MultiRegionConfigError({ construct: 'DeploymentConfig', path: file }, errors);
}
