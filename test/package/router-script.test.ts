/**
 * Issue 18 item 5: inside this repository `npx multiregion-router` finds no
 * command (a package's own bin is not linked into its own node_modules), so
 * `npm run router` runs the CLI from the sources.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

test('npm run router -- --help prints the CLI usage', () => {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'router', '--', '--help'], {
    cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(result.error).toBeUndefined();
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Usage: multiregion-router --primary <url> --read <url> [options]');
});
