/**
 * `multiregion synth FILE [--out DIR]`: the stacks of a configuration file's
 * cloud — CloudFormation templates into cdk.out (aws-cdk-lib, as `cdk synth`
 * writes them) or Terraform JSON into cdktf.out (cdktf, as `cdktf synth`
 * does) — and the runbooks the constructs write next to them
 * (`<out>/runbooks/`). The cloud library is loaded here only, when the
 * command runs: `validate` and `plan` never load it (test/config/imports.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LoadedConfig, loadConfig } from '../config/load';
import { formatFileProblem, summarize } from '../config/problems';
import type { DeploymentConfig } from '../config/types';
import { existingFile, Io, parse, UsageError } from './io';

/** One synthesized stack. */
interface SynthStack {
  readonly name: string;
  /** AWS region or, on Google Cloud, '-' (a Terraform stack has no single region). */
  readonly region: string;
  readonly resources: number;
  /** The file written, relative to the current directory. */
  readonly file: string;
}

interface SynthResult {
  readonly stacks: readonly SynthStack[];
  readonly runbooks: readonly string[];
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

export function synthCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parse(argv, {
    out: { type: 'string' }, progress: { type: 'boolean' }, 'no-progress': { type: 'boolean' }, context: { type: 'string', short: 'c', multiple: true },
  });
  if (positionals.length !== 1) throw new UsageError(`give exactly one FILE (got ${positionals.length})`);
  const full = existingFile(io, positionals[0]);
  const loaded: LoadedConfig = loadConfig(full, positionals[0]);
  for (const p of loaded.problems) io.err(`${formatFileProblem(p)}\n`);
  if (!loaded.config) {
    io.err(`${positionals[0]}: ${summarize(loaded.problems)}: nothing synthesized until the errors are fixed\n`);
    return 1;
  }
  const config = loaded.config;
  const context = contextOf((values.context as string[] | undefined) ?? []);
  if (config.cloud === 'gcp' && Object.keys(context).length > 0) throw new UsageError('--context is for AWS files (CDK context); a Google Cloud file takes its values from the file');
  const outdir = path.resolve(io.cwd, (values.out as string | undefined) ?? (config.cloud === 'aws' ? 'cdk.out' : 'cdktf.out'));
  const progress = values['no-progress'] === true ? false : values.progress === true || io.isTTY === true;
  const shown = (file: string) => {
    const rel = path.relative(io.cwd, file);
    return rel === '' ? '.' : rel.startsWith('..') ? file : rel;
  };
  if (progress) io.err(`synthesizing ${positionals[0]} (${config.cloud === 'aws' ? 'aws-cdk-lib' : 'cdktf'}, phase ${config.phase}) into ${shown(outdir)}…\n`);
  const started = process.hrtime.bigint();
  const result = config.cloud === 'aws' ? synthAws(config, outdir, io.cwd, context) : synthGcp(config, outdir);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const w of result.warnings) io.err(`${positionals[0]}: warning ${w}\n`);
  if (result.errors.length > 0) {
    for (const e of result.errors) io.err(`${positionals[0]}: error ${e}\n`);
    io.err(`${positionals[0]}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'} at synth: do not deploy ${shown(outdir)}\n`);
    return 1;
  }
  if (progress) {
    result.stacks.forEach((s, i) => io.err(`[${i + 1}/${result.stacks.length}] ${s.name}${s.region === '-' ? '' : ` (${s.region})`}: ${s.resources} resources → ${shown(s.file)}\n`));
  }
  io.out(`${positionals[0]}: ${result.stacks.length} stack${result.stacks.length === 1 ? '' : 's'} (${config.cloud === 'aws' ? 'CloudFormation' : 'Terraform JSON'}) in ${shown(outdir)}, ${seconds.toFixed(1)} s\n`);
  for (const s of result.stacks) io.out(`  ${s.name}  ${shown(s.file)}\n`);
  if (result.runbooks.length > 0) io.out(`runbooks:\n${result.runbooks.map((r) => `  ${shown(path.join(outdir, 'runbooks', r))}\n`).join('')}`);
  return 0;
}

/** `-c key=value` (repeatable) → CDK context; a JSON value is parsed. */
function contextOf(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context '${pair}' is not key=value`);
    const value = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      out[pair.slice(0, eq)] = value;
    }
  }
  return out;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * AWS: an aws-cdk-lib App with the context `cdk synth` would give it in the
 * current directory (cdk.json's `context`, cdk.context.json's lookups) plus
 * `--context`; no stack traces (no path of this machine in cdk.out).
 */
function synthAws(config: DeploymentConfig, outdir: string, cwd: string, extra: Record<string, unknown>): SynthResult {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { ladderFromConfig } = require('../aws/ladder-file') as typeof import('../aws/ladder-file');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const context = {
    ...(readJson(path.join(cwd, 'cdk.json')).context as Record<string, unknown> | undefined),
    ...readJson(path.join(cwd, 'cdk.context.json')),
    'aws:cdk:disable-stack-trace': true,
    'aws:cdk:disable-creation-stack-traces': true,
    ...extra,
  };
  const app = new cdk.App({ outdir, context, stackTraces: false });
  const built = ladderFromConfig(app, config);
  const assembly = app.synth();
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const m of assembly.manifest.missing ?? []) {
    errors.push(`synth needs a lookup in your account (${m.key}): give the region's zones in the file (regions[].availabilityZones) or run \`cdk synth\` once with credentials so cdk.context.json holds them`);
  }
  for (const s of assembly.stacks) {
    for (const m of s.messages) {
      const text = `${m.id}: ${String(m.entry.data)}`;
      if (m.level === 'error') errors.push(text);
      else if (m.level === 'warning') warnings.push(text);
    }
  }
  const stacks = assembly.stacks.map((s) => ({
    name: s.stackName,
    region: s.environment.region,
    resources: Object.keys((s.template as { Resources?: object }).Resources ?? {}).length,
    file: path.join(outdir, s.templateFile),
  }));
  // The files the constructs write under <out>/runbooks/ (phase 5: each partition's, the partitions' overview, the DSQL runbook).
  const runbooks = [
    ...(built.runbook ? [built.runbook.runbookFileName] : []),
    ...(built.partitioned ? [...built.partitioned.partitions.map((p) => p.runbook.runbookFileName), built.partitioned.overviewFileName] : []),
    ...(built.activeActive ? [built.activeActive.runbookFileName] : []),
  ].sort();
  return { stacks, runbooks, warnings: [...new Set(warnings)], errors };
}

/** Google Cloud: a cdktf App, Terraform JSON per stack (`<out>/stacks/<stack>/cdk.tf.json`). */
function synthGcp(config: DeploymentConfig, outdir: string): SynthResult {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdktf = require('cdktf') as typeof import('cdktf');
  const { gcpLadderFromConfig } = require('../gcp/ladder-file') as typeof import('../gcp/ladder-file');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = new cdktf.App({ outdir, stackTraces: false });
  const built = gcpLadderFromConfig(app, config);
  app.synth();
  const stacks = built.stacks.map((s) => {
    const file = path.join(outdir, 'stacks', s.node.id, 'cdk.tf.json');
    const json = readJson(file) as { resource?: Record<string, Record<string, unknown>> };
    return { name: s.node.id, region: '-', resources: Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0), file };
  });
  return { stacks, runbooks: Object.keys(built.runbooks).sort(), warnings: [], errors: [] };
}
