/**
 * The subcommands of `multiregion`: each parses its arguments, does its
 * work through lib/config (and lib/cost), prints, and returns its exit code.
 */
import { buildPlan, PlanStackCost } from '../config/plan';
import { renderPlanMarkdown } from '../config/plan-render';
import { diffConfigs, renderDiff, replacesSomething } from '../config/diff';
import { LoadedConfig, loadConfig } from '../config/load';
import { FileProblem, formatFileProblem, hasErrors, summarize } from '../config/problems';
import { configSchemaText } from '../config/schema';
import { choice, existingFile, Io, parse, UsageError } from './io';

function load(io: Io, file: string): LoadedConfig {
  return loadConfig(existingFile(io, file), file);
}

function printProblems(io: Io, problems: readonly FileProblem[]): void {
  for (const p of problems) io.err(`${formatFileProblem(p)}\n`);
}

export function validateCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parse(argv, { format: { type: 'string' }, strict: { type: 'boolean' } });
  const format = choice(values.format, '--format', ['text', 'json'] as const, 'text');
  if (positionals.length === 0) throw new UsageError('give at least one FILE');
  const files = positionals.map((f) => { existingFile(io, f); return f; });
  const results = files.map((f) => load(io, f));
  const all = results.flatMap((r) => r.problems);
  const failed = hasErrors(all) || (values.strict === true && all.length > 0);
  if (format === 'json') {
    io.out(`${JSON.stringify(results.map((r) => ({ file: r.file, valid: !hasErrors(r.problems), problems: r.problems.map(({ path: _p, ...p }) => p) })), null, 2)}\n`);
  } else {
    for (const r of results) {
      for (const p of r.problems) io.out(`${formatFileProblem(p)}\n`);
    }
    const ok = results.filter((r) => !hasErrors(r.problems)).length;
    io.out(`${files.length === 1 ? files[0] : `${files.length} files`}: ${summarize(all)}${files.length > 1 ? ` (${ok} valid)` : ''}\n`);
  }
  return failed ? 1 : 0;
}

export function planCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parse(argv, {
    format: { type: 'string' }, out: { type: 'string', multiple: true }, usage: { type: 'string' }, prices: { type: 'string' },
  });
  const format = choice(values.format, '--format', ['markdown', 'json'] as const, 'markdown');
  if (positionals.length !== 1) throw new UsageError(`give exactly one FILE (got ${positionals.length})`);
  const loaded = load(io, positionals[0]);
  if (!loaded.config) {
    printProblems(io, loaded.problems);
    io.err(`${positionals[0]}: ${summarize(loaded.problems)}: no plan until the errors are fixed\n`);
    return 1;
  }
  printProblems(io, loaded.problems);
  let cost: { outDirs: string[]; stacks: PlanStackCost[]; disclaimer: string } | undefined;
  const outDirs = (values.out as string[] | undefined) ?? [];
  if (outDirs.length > 0) {
    // Loaded only when asked: validate and plan without --out stay fast.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { estimateCost } = require('../cost/estimate') as typeof import('../cost/estimate');
    const path = require('path') as typeof import('path');
    const estimate = estimateCost(outDirs.map((d) => path.resolve(io.cwd, d)), {
      ...(values.usage ? { usage: path.resolve(io.cwd, values.usage as string) } : {}),
      ...(values.prices ? { prices: path.resolve(io.cwd, values.prices as string) } : {}),
    });
    cost = { outDirs, stacks: estimate.stacks.map((s) => ({ name: s.name, region: s.region, monthly: s.monthly })), disclaimer: estimate.disclaimer };
  } else if (values.usage || values.prices) {
    throw new UsageError('--usage and --prices price the stacks of --out DIR: give --out too');
  }
  const plan = buildPlan(loaded.config, cost);
  io.out(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanMarkdown(plan));
  return 0;
}

export function diffCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parse(argv, { format: { type: 'string' } });
  const format = choice(values.format, '--format', ['text', 'json'] as const, 'text');
  if (positionals.length !== 2) throw new UsageError(`give OLD and NEW (got ${positionals.length} file${positionals.length === 1 ? '' : 's'})`);
  const [a, b] = positionals.map((f) => { existingFile(io, f); return f; }).map((f) => load(io, f));
  if (!a.config || !b.config) {
    printProblems(io, [...a.problems, ...b.problems]);
    io.err(`no diff until both files are valid (${a.file}: ${summarize(a.problems)}; ${b.file}: ${summarize(b.problems)})\n`);
    return 1;
  }
  const changes = diffConfigs(a.config, b.config);
  io.out(format === 'json' ? `${JSON.stringify({ old: a.file, new: b.file, replaces: replacesSomething(changes), changes }, null, 2)}\n` : renderDiff(a.file, b.file, changes));
  return replacesSomething(changes) ? 1 : 0;
}

export function costCommand(argv: readonly string[], io: Io): number {
  // The cost CLI of lib/cost, as it is: its arguments, its output.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCost } = require('../cost/cli') as typeof import('../cost/cli');
  let text: string;
  try {
    text = runCost(argv, io.cwd);
  } catch (e) {
    if ((e as Error).name === 'MultiRegionConfigError') throw e;
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  io.out(`${text}\n`);
  return 0;
}

export function schemaCommand(argv: readonly string[], io: Io): number {
  const { positionals } = parse(argv, {});
  if (positionals.length > 0) throw new UsageError(`schema takes no argument (got ${positionals.join(' ')})`);
  io.out(configSchemaText());
  return 0;
}
