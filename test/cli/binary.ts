/**
 * The `multiregion` binary as the package ships it (package.json "bin":
 * dist/cli/main.js), compiled once for all test files: every file of the
 * folders the CLI loads is transpiled (TypeScript's transpileModule, no type
 * check: `npm test` type-checks first) into the same layout as dist/, under
 * node_modules/.cache, keyed by the sources' content. Tests spawn it with
 * plain `node`, as a user's shell would.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.join(__dirname, '..', '..');
/**
 * The folders of lib/ the CLI loads: validate and plan only the first four
 * (lib/config's test checks it); synth also the file's cloud (aws or gcp,
 * and router, whose files the AWS GraphQL edge bundle copies).
 */
const FOLDERS = ['core', 'config', 'cli', 'cost', 'aws', 'gcp', 'router'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.(ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Path of the compiled bin (dist/cli/main.js in a cache directory that mirrors the package). */
export function compiledCli(): string {
  const files = FOLDERS.flatMap((f) => sources(path.join(ROOT, 'lib', f))).sort();
  const hash = crypto.createHash('sha256');
  for (const f of [...files, path.join(ROOT, 'package.json')]) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(ROOT, 'node_modules', '.cache', 'mrc-cli', hash.digest('hex').slice(0, 16));
  const bin = path.join(dir, 'dist', 'cli', 'main.js');
  if (fs.existsSync(path.join(dir, 'complete'))) return bin;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  for (const file of files) {
    const out = path.join(tmp, 'dist', path.relative(path.join(ROOT, 'lib'), file));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    if (file.endsWith('.json')) {
      fs.copyFileSync(file, out);
      continue;
    }
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
    });
    fs.writeFileSync(out.replace(/\.ts$/, '.js'), outputText);
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(tmp, 'package.json'));
  fs.writeFileSync(path.join(tmp, 'complete'), '');
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another worker got there first
  }
  return bin;
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `multiregion ARGS…` in `cwd` (the repository by default). */
export function multiregion(args: readonly string[], cwd = ROOT, timeout = 30_000): Run {
  const result = spawnSync(process.execPath, [compiledCli(), ...args], { cwd, encoding: 'utf8', timeout });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
