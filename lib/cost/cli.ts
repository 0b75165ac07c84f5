#!/usr/bin/env node
/**
 * npm run cost [-- OUTDIR...] [--usage FILE] [--prices FILE] [--format markdown|json]
 * npm run cost -- --diff BEFORE_DIR AFTER_DIR     cost change per line item (PR comment)
 * npm run cost -- --write-docs                    regenerate docs/cost.md from cdk.out + cdktf.out
 *
 * Without OUTDIR: cdk.out and cdktf.out in the current directory, whichever exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MultiRegionConfigError } from '../core/errors';
import { diffCosts } from './diff';
import { generatedPart, renderCostDocs, replaceGenerated } from './docs';
import { EstimateOptions, estimateCost } from './estimate';
import { ladderView } from './ladder-view';
import { renderDiff, renderMarkdown } from './render';

interface Args {
  dirs: string[];
  usage?: string;
  prices?: string;
  format: 'markdown' | 'json';
  diff?: [string, string];
  writeDocs: boolean;
  docs: string;
}

const USAGE = 'usage: npm run cost -- [OUTDIR...] [--usage FILE] [--prices FILE] [--format markdown|json] [--diff BEFORE AFTER] [--write-docs [--docs FILE]]';

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { dirs: [], format: 'markdown', writeDocs: false, docs: 'docs/cost.md' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--usage') args.usage = value();
    else if (a === '--prices') args.prices = value();
    else if (a === '--docs') args.docs = value();
    else if (a === '--format') {
      const f = value();
      if (f !== 'markdown' && f !== 'json') throw new Error(`--format '${f}' is not markdown or json\n${USAGE}`);
      args.format = f;
    } else if (a === '--diff') args.diff = [value(), value()];
    else if (a === '--write-docs') args.writeDocs = true;
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.dirs.push(a);
  }
  return args;
}

/** Both example outputs when present; an error naming the command that makes them when neither is. */
function defaultDirs(cwd: string): string[] {
  const found = ['cdk.out', 'cdktf.out'].map((d) => path.join(cwd, d)).filter((d) => fs.existsSync(path.join(d, 'manifest.json')));
  return found.length > 0 ? found : [path.join(cwd, 'cdk.out')];
}

/** Runs the command; returns the text to print. Exported for tests. */
export function runCost(argv: readonly string[], cwd = process.cwd()): string {
  const args = parseArgs(argv);
  const options: EstimateOptions = { usage: args.usage, prices: args.prices };
  if (args.diff) {
    const d = diffCosts(estimateCost(args.diff[0], options), estimateCost(args.diff[1], options));
    return args.format === 'json' ? JSON.stringify(d, null, 2) : renderDiff(d);
  }
  const dirs = args.dirs.length > 0 ? args.dirs : defaultDirs(cwd);
  const estimate = estimateCost(dirs, options);
  if (args.writeDocs) {
    const file = path.resolve(cwd, args.docs);
    const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Cost\n';
    const after = replaceGenerated(before, renderCostDocs(estimate));
    fs.writeFileSync(file, after);
    return `${generatedPart(before) === generatedPart(after) ? 'unchanged' : 'updated'}: ${path.relative(cwd, file)}`;
  }
  const ladder = ladderView(estimate);
  return args.format === 'json' ? JSON.stringify({ ...estimate, ladder }, null, 2) : renderMarkdown(estimate, ladder);
}

if (require.main === module) {
  try {
    process.stdout.write(`${runCost(process.argv.slice(2))}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof MultiRegionConfigError ? '' : 'cost: '}${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
