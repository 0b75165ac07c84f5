/**
 * One error type for every configuration problem the library detects.
 *
 * Message convention (ARCHITECTURE.md): name the construct and its path, the
 * property, the bad value and the fix, e.g.
 *
 *   PrimaryRegion 'App/Primary': backupRetention 0 days is below the phase-1
 *   minimum of 7; set backupRetention to Duration.days(7) or more
 */

/** One problem found while validating a configuration. */
export interface ConfigProblem {
  /** The property that holds the bad value (dotted path for nested values). */
  readonly property: string;
  /** What is wrong, starting with the property and its value. */
  readonly message: string;
  /** How to fix it, as an instruction. */
  readonly fix: string;
}

/** Where a problem was found: the construct type and its construct path. */
export interface ProblemSource {
  /** Construct type, e.g. `PrimaryRegion`. */
  readonly construct: string;
  /** Construct path, e.g. `App/Primary/Database`. */
  readonly path: string;
}

/** Formats one problem according to the message convention. */
export function formatProblem(source: ProblemSource, problem: ConfigProblem): string {
  return `${source.construct} '${source.path}': ${problem.message}; ${problem.fix}`;
}

/** Renders any value for an error message (strings quoted, arrays inline). */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

/** `1 day`, `3 days`: a count with its unit, singular or plural. */
export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * The error thrown for invalid configuration. It carries every problem found
 * at once, so a user fixes them in one pass instead of one synth per problem.
 */
export class MultiRegionConfigError extends Error {
  public readonly problems: readonly ConfigProblem[];
  public readonly source: ProblemSource;

  constructor(source: ProblemSource, problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => formatProblem(source, p));
    super(lines.length === 1 ? lines[0] : `${lines.length} configuration problems:\n- ${lines.join('\n- ')}`);
    this.name = 'MultiRegionConfigError';
    this.source = source;
    this.problems = problems;
  }
}

/** Throws a {@link MultiRegionConfigError} when `problems` is not empty. */
export function throwIfProblems(source: ProblemSource, problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw new MultiRegionConfigError(source, problems);
}

/**
 * Throws when a required property is missing, before a construct reads it:
 * JavaScript callers (or TypeScript through `as any`) would otherwise get a
 * bare TypeError. `required` maps each property to what to pass.
 */
export function throwIfMissing(source: ProblemSource, props: object | undefined, required: Readonly<Record<string, string>>): void {
  const given = (props ?? {}) as Record<string, unknown>;
  throwIfProblems(source, Object.entries(required)
    .filter(([name]) => given[name] === undefined || given[name] === null)
    .map(([name, what]) => ({ property: name, message: `${name} is missing`, fix: `pass ${name}: ${what}` })));
}

/** Formats problems as strings, for `node.addValidation` (which reports them all at synth). */
export function formatProblems(source: ProblemSource, problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => formatProblem(source, p));
}
