import { spawn } from 'child_process';
import { join } from 'path';
import { deadPort, startGraphqlServer, TestUpstream } from './helpers';

/** The `multiregion-router` CLI as a real process: start, route, SIGTERM. */
describe('multiregion-router CLI', () => {
  let primary: TestUpstream;
  let replica: TestUpstream;

  beforeAll(async () => {
    primary = await startGraphqlServer('primary');
    replica = await startGraphqlServer('replica');
  });
  afterAll(async () => {
    await Promise.all([primary.close(), replica.close()]);
  });

  it('routes, then drains and exits 0 on SIGTERM', async () => {
    const port = await deadPort();
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../lib/router/cli.ts'),
        '--listen', `127.0.0.1:${port}`, '--primary', primary.url, '--read', replica.url, '--ryw-window-ms', '1000'],
      { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => (stderr.includes('listening on') ? resolve() : setTimeout(check, 50));
        child.once('exit', () => reject(new Error(`CLI exited early: ${stderr}`)));
        check();
      });
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ servedBy }' }),
      });
      expect(((await res.json()) as any).data.servedBy).toBe('replica');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGTERM, draining');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with usage on bad arguments', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../lib/router/cli.ts'), '--read', 'http://127.0.0.1:1'], {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--primary <url> is required');
    expect(stderr).toContain('Usage: multiregion-router');
  });

  it('exits 2 with the fix when an option is rejected by the router itself', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../lib/router/cli.ts'),
        '--primary', 'http://127.0.0.1:1', '--read', 'http://127.0.0.1:2', '--graphql-path', 'graphql'],
      { cwd: join(__dirname, '../..'), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("Router 'classifier': graphqlPath 'graphql' is not an absolute path; use a path such as '/graphql'");
  });
});
