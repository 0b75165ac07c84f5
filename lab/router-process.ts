/**
 * The project's router, as users run it: the `multiregion-router` CLI
 * (lib/router/cli.ts), one process per router. The lab only passes
 * command-line flags; it never reaches into the router.
 *
 * The lab transpiles the CLI and every module it imports from lib/ into its
 * own folder (what ts-node --transpile-only does in memory, once instead of
 * in every router process), then runs it with plain node: a router starts
 * in a tenth of the time, which matters on a busy 2-core machine.
 */
import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';
import { registerGroup, unregisterGroup } from './cleanup';
import { LabRunError } from './errors';
import { findSetpriv } from './install';
import { sleep, within } from './postgres';

const ROOT = join(__dirname, '..');

/** Header the router returns after a write and the client echoes (--ryw-mode header). */
export const RYW_HEADER = 'x-multiregion-ryw';

/**
 * Transpiles lib/router/cli.ts and the lib/ modules it imports (followed
 * through relative imports) to CommonJS under `outDir`, keeping the paths
 * below the repository root. Returns the path of cli.js.
 */
export function compileRouterCli(outDir: string): string {
  const seen = new Set<string>();
  const queue = [join(ROOT, 'lib', 'router', 'cli.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
    for (const m of source.matchAll(/(?:from\s+|import\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = resolve(dirname(file), m[1]);
      const next = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      if (next) queue.push(next);
    }
  }
  return join(outDir, 'lib', 'router', 'cli.js');
}

export interface RouterProcessOptions {
  readonly name: string;
  readonly port: number;
  /** Base URL of the write route. */
  readonly primary: string;
  /** Base URL of the read route. */
  readonly read: string;
  /** Read-your-own-writes window; 0 turns it off. */
  readonly rywWindowMs: number;
  readonly upstreamTimeoutMs?: number;
  /** The CLI transpiled by {@link compileRouterCli}. */
  readonly cliJs: string;
}

export class RouterProcess {
  private child?: ChildProcess;
  private stderr = '';

  constructor(readonly options: RouterProcessOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const o = this.options;
    const args = [
      o.cliJs,
      '--listen', `127.0.0.1:${o.port}`, '--primary', o.primary, '--read', o.read,
      '--ryw-mode', 'header', '--ryw-window-ms', String(o.rywWindowMs),
      '--upstream-timeout-ms', String(o.upstreamTimeoutMs ?? 5000), '--shutdown-timeout-ms', '500',
    ];
    // Like the servers: its own process group, and it dies with the lab (setpriv --pdeathsig).
    const setpriv = findSetpriv();
    const [cmd, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', process.execPath, ...args]] : [process.execPath, args];
    // NODE_PATH: the transpiled files live outside the repository; their packages (graphql) do not.
    const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
    const child = spawn(cmd, argv, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env });
    this.child = child;
    if (child.pid !== undefined) registerGroup(child.pid);
    child.stderr!.on('data', (d) => (this.stderr += d));
    const deadline = Date.now() + timeoutMs;
    while (!this.stderr.includes('listening on')) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new LabRunError(`router ${o.name} exited while starting: ${this.stderr.trim().split('\n')[0]}`);
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new LabRunError(`router ${o.name} did not start within ${timeoutMs} ms`);
      }
      await sleep(25);
    }
  }

  /** SIGTERM (the router drains), then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 3000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      if (!(await within(exited, timeoutMs))) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        await exited;
      }
    }
    unregisterGroup(child.pid);
  }
}
