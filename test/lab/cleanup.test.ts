/**
 * Nothing outlives the lab: not when a runbook step fails halfway, not even
 * when the lab is killed with SIGKILL and no cleanup code runs at all. (The
 * exit hook that Ctrl-C and crashes run is tested in units.test.ts.)
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findLeftovers, groupAlive, processesUnder } from '../../lab/cleanup';
import { runDrill } from '../../lab/drills';
import { findSetpriv } from '../../lab/install';
import { MARKER } from '../../lab/lab';
import { describeWithPostgres } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(e)] : [];
    } catch {
      return [];
    }
  });
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Starts `npm run lab`'s CLI on a failover drill, waits until its workload
 * runs (the drill then warms up for a second), sends `signal`, and waits
 * for every process the lab started to end.
 */
async function interrupt(signal: 'SIGKILL', dataDir: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lab', 'cli.ts'), '--drill', 'failover', '--regions', '2', '--data-dir', dataDir, '--out', path.join(dataDir, '..', 'reports')],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? (sig ? 128 : null))));
  try {
    await until(() => stderr.includes('workload started') || child.exitCode !== null, 60_000, `the lab to start: ${stderr}`);
    if (child.exitCode !== null) throw new Error(`the lab ended early (exit ${child.exitCode}): ${stderr}`);
    // The servers and routers the lab started: its direct children, each leading its own process group.
    const groups = childrenOf(child.pid!);
    expect(groups.length).toBe(4); // 2 PostgreSQL servers + 2 routers
    child.kill(signal);
    const code = await exited;
    await until(() => groups.every((g) => !groupAlive(g)) && processesUnder(dataDir).length === 0, 10_000, `the lab's processes to end after ${signal}`);
    return { code, groups };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describeWithPostgres('failover lab cleanup (real PostgreSQL)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cleanup-'));
    fs.chmodSync(scratch, 0o755); // as root, the postgres user must reach the data folders inside
  });
  afterAll(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('a runbook step that fails halfway: the drill fails with the reason, and the lab is gone', async () => {
    await expect(runDrill('failover', { regions: 2, warmupMs: 300, failAtStep: 'promote' })).rejects.toThrow(
      "fault injected at step 'Promote the chosen standby' of 'failover'",
    );
    expect(findLeftovers()).toEqual([]);
  });

  (findSetpriv() ? test : test.skip)('SIGKILL of the lab runs no cleanup code at all, and still no process survives', async () => {
    const dataDir = path.join(scratch, 'kill', 'data');
    const { code } = await interrupt('SIGKILL', dataDir);
    expect(code).toBe(128);
    // The servers and routers died with the lab (setpriv --pdeathsig). The
    // folder stays, marked as the lab's, so the next run with the same
    // --data-dir may reuse it.
    expect(fs.readdirSync(dataDir)).toContain(MARKER);
  });
});
