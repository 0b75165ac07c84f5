/**
 * Loading a configuration file: read, parse, validate, locate every problem
 * at its line and column. `loadConfig` returns everything (the CLI prints
 * it); `loadDeploymentConfig` throws the library's one error type (what a
 * cloud's `fromFile` calls at synth).
 */
import { FileProblem, configError, hasErrors } from './problems';
import { ParsedSource, parseSource, readSource } from './source';
import { DeploymentConfig } from './types';
import { validateValue } from './validate';

/** A loaded file: its problems (errors and warnings, in file order) and, without errors, its configuration. */
export interface LoadedConfig {
  readonly file: string;
  readonly problems: readonly FileProblem[];
  readonly config?: DeploymentConfig;
}

/** Reads and validates `file`; `displayName` names it in problems (default: the path as given). */
export function loadConfig(file: string, displayName: string = file): LoadedConfig {
  return finish(readSource(file, displayName));
}

/** Validates the text of a configuration file; `file` names it in problems. */
export function parseConfig(text: string, file: string): LoadedConfig {
  return finish(parseSource(text, file));
}

function finish(source: ParsedSource): LoadedConfig {
  if (source.problems.length > 0) return { file: source.file, problems: source.problems };
  const validation = validateValue(source.value, source.file);
  const problems = validation.problems.map((p) => source.locate(p))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  return { file: source.file, problems, ...(validation.config && !hasErrors(problems) ? { config: validation.config } : {}) };
}

/**
 * Reads and validates `file` and returns its configuration; throws
 * `MultiRegionConfigError` listing every error (with its line and column)
 * when there is one. Warnings are returned, not thrown.
 */
export function loadDeploymentConfig(file: string): { config: DeploymentConfig; warnings: readonly FileProblem[] } {
  const loaded = loadConfig(file);
  if (!loaded.config) throw configError(file, loaded.problems);
  return { config: loaded.config, warnings: loaded.problems.filter((p) => p.severity === 'warning') };
}
