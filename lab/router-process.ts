/**
 * The project's router, as users run it: the `multiregion-router` CLI
 * (lib/router/cli.ts under ts-node), one process per router. The lab only
 * passes command-line flags; it never reaches into the router.
 */
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { registerGroup, unregisterGroup } from './cleanup';
import { LabRunError } from './errors';
import { findSetpriv } from './install';
import { sleep, within } from './postgres';

const ROOT = join(__dirname, '..');

/** Header the router returns after a write and the client echoes (--ryw-mode header). */
export const RYW_HEADER = 'x-multiregion-ryw';

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
      '-r', 'ts-node/register/transpile-only', join(ROOT, 'lib', 'router', 'cli.ts'),
      '--listen', `127.0.0.1:${o.port}`, '--primary', o.primary, '--read', o.read,
      '--ryw-mode', 'header', '--ryw-window-ms', String(o.rywWindowMs),
      '--upstream-timeout-ms', String(o.upstreamTimeoutMs ?? 5000), '--shutdown-timeout-ms', '500',
    ];
    // Like the servers: its own process group, and it dies with the lab (setpriv --pdeathsig).
    const setpriv = findSetpriv();
    const [cmd, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, { cwd: ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
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
