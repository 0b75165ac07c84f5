/**
 * The lab's model and output, without PostgreSQL: settings and arguments,
 * the runbook model and its engine, the report renderers, the cleanup
 * registry's exit hook, and the layering rule (lib/ never imports lab/).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MultiRegionConfigError } from '../../lib/core/errors';
import { validateRunbook } from '../../lib/core/runbook';
import { findLeftovers, groupAlive, groupOf, killEverything, registerFolder, registerGroup } from '../../lab/cleanup';
import { parseLabArgs } from '../../lab/cli';
import { drillName } from '../../lab/drills';
import { runProcedure } from '../../lab/engine';
import type { Lab } from '../../lab/lab';
import { lsnToBigInt } from '../../lab/postgres';
import type { DrillReport } from '../../lab/report';
import type { FenceProbe, FenceRun } from '../../lab/fence';
import { renderReportMarkdown } from '../../lab/report-markdown';
import { labRecoveryInputs, labRunbook } from '../../lab/runbook';
import { resolveSettings } from '../../lab/settings';
import { renderTimelineSvg } from '../../lab/timeline-svg';
import { errorOf } from '../error-of';
import { until } from './net-helpers';

function processesInGroup(pgid: number): number {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e) && groupOf(Number(e)) === pgid).length;
}

describe('settings, drill names and arguments', () => {
  test('bad settings name the setting, the value and the fix', () => {
    expect(errorOf(() => resolveSettings({ regions: 1 }))).toBe("Lab 'regions': regions 1 is not a whole number from 2 to 5; use 2 to 5 regions");
    expect(errorOf(() => resolveSettings({ health: { intervalMs: 100, timeoutMs: 150 } }))).toBe(
      "Lab 'health.timeoutMs': health.timeoutMs 150 is not a whole number from 1 to 100; use a timeout up to the interval (100 ms)",
    );
    expect(errorOf(() => resolveSettings({ lag: { ms: 10, kind: 'disk' as 'apply' } }))).toBe("Lab 'lag.kind': lag kind 'disk' is not known; use 'network' or 'apply'");
    expect(resolveSettings({}).health).toEqual({ intervalMs: 250, failureThreshold: 3, timeoutMs: 200 });
  });

  test('an unknown drill is a one-line error listing the drills', () => {
    expect(errorOf(() => drillName('chaos'))).toBe("Lab 'drill': drill 'chaos' does not exist; use one of switchover, failover, partition");
    expect(drillName('partition')).toBe('partition');
  });

  test('command-line arguments', () => {
    const c = parseLabArgs(['--drill', 'failover,partition', '--lag-ms', '300', '--health-threshold', '2']);
    expect(c).toMatchObject({ drills: ['failover', 'partition'], options: { lag: { ms: 300 }, health: { failureThreshold: 2 } } });
    expect(errorOf(() => parseLabArgs(['--drill', 'failover', '--lag-ms', 'soon']))).toBe("Lab 'lag-ms': --lag-ms 'soon' is not a whole number; pass a whole number to --lag-ms");
    expect(errorOf(() => parseLabArgs([]))).toBe("Lab 'drill': --drill is missing; pass --drill switchover|failover|partition");
    expect(errorOf(() => parseLabArgs(['--drill', 'failover', '--bogus']))).toMatch(/^Lab 'arguments': Unknown option '--bogus'/);
  });
});

describe('runbook model and engine', () => {
  const settings = resolveSettings({});
  const topology = {
    primary: 'r1',
    standby: 'r2',
    regions: [1, 2, 3].map((i) => ({ name: `r${i}`, port: 5430 + i, dataDir: `/tmp/lab/r${i}` })),
    settings,
  };

  test('the lab runbook is a valid core model whose engine steps all carry an action', () => {
    const model = labRunbook(topology);
    expect(model.cloud).toBe('local');
    expect(validateRunbook(model)).toEqual([]);
    for (const id of ['switchover', 'failover', 'failback'] as const) {
      const steps = model.procedures.find((p) => p.id === id)!.steps;
      expect(steps.every((s) => typeof s.action === 'string')).toBe(true);
    }
    expect(model.procedures.find((p) => p.id === 'failover')!.steps.map((s) => s.kind)).toEqual([
      'precondition', 'fence', 'precondition', 'database-failover', 'traffic-shift', 'verification', 'database-failover', 'notification',
    ]);
    // The lost region is back: the fence comes before anything else, and the engine runs every step.
    const recover = model.procedures.find((p) => p.id === 'recover-region')!;
    expect(recover.steps.map((s) => [s.kind, s.action])).toEqual([['fence', 'fence-old-primary'], ['verification', 'verify-fenced'], ['precondition', 'keep-split-writes']]);
    expect(recover.steps[0].commands![0].command).toMatch(/standby\.signal && pg_ctl -D .*\/r1 restart -m fast$/);
    // The manual fallback is for a person: commands, no actions.
    expect(model.procedures.find((p) => p.id === 'manual-failover')!.steps.some((s) => s.action !== undefined)).toBe(false);
  });

  test('the engine refuses a step it cannot run rather than skip it', async () => {
    const fake = { clock: () => 0, mark: () => undefined } as unknown as Lab;
    const procedure = labRunbook(topology).procedures.find((p) => p.id === 'manual-failover')!;
    await expect(runProcedure(fake, procedure, { from: {} as never, steps: [] })).rejects.toThrow(
      "step 'Confirm r1 is down' of 'manual-failover' has no action the local engine knows (undefined)",
    );
  });

  test('recovery inputs are the lab settings: detection = interval × threshold, promotion bounded by pg_promote', () => {
    const inputs = labRecoveryInputs(settings);
    expect(inputs.detection).toEqual({ intervalSeconds: 0.25, failureThreshold: 3 });
    expect(inputs.failover.seconds).toBe(5);
    expect(inputs.dnsTtlSeconds).toBe(0);
  });

  test('LSNs compare as numbers', () => {
    expect(lsnToBigInt('1/0') > lsnToBigInt('0/FFFFFFFF')).toBe(true);
    expect(lsnToBigInt('0/3000148')).toBe(0x3000148n);
    expect(lsnToBigInt(null)).toBe(-1n);
  });
});

describe('report renderers', () => {
  const report: DrillReport = {
    drill: 'failover',
    date: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 2, load1: 1, node: 'v20' },
    postgres: '18.4',
    regions: ['r1', 'r2', 'r3'],
    settings: { health: { intervalMs: 250, failureThreshold: 3, timeoutMs: 200 }, lag: { ms: 200, kind: 'network' }, rywWindowMs: 5000, promoteWaitSeconds: 5, workload: { writersPerRouter: 2, readers: 1, pauseMs: 20, retryMs: 25, requestTimeoutMs: 2000 } },
    durationMs: 400,
    outages: [],
    writes: { attempted: 10, acknowledged: 8, failed: 2 },
    reads: { ok: 8, failed: 0 },
    rpo: { lostWrites: 1, lostIds: ['on1-4'], firstLostAckAt: 90, lastLostAckAt: 90, spanMs: 0 },
    staleOwnReads: { 'ryw-on': { ownReads: 4, stale: 0 }, 'ryw-off': { ownReads: 4, stale: 3 } },
    ownReadsOfLostWrites: 1,
    mutationsOnReplica: 0,
    finalPrimary: 'r2',
    events: [
      { at: 100, kind: 'failure', label: 'r1 killed' },
      { at: 200, kind: 'detection', label: 'r1 unhealthy' },
      { at: 250, kind: 'promotion', label: 'r2 promoted' },
      { at: 260, kind: 'route-move', label: 'write route → r2' },
      { at: 270, kind: 'step', label: 'not drawn' },
    ],
    buckets: [
      { t: 0, writesOk: 4, writesFailed: 0, readsOk: 4, readsFailed: 0 },
      { t: 100, writesOk: 0, writesFailed: 2, readsOk: 2, readsFailed: 0 },
      { t: 200, writesOk: 0, writesFailed: 0, readsOk: 0, readsFailed: 0 },
      { t: 300, writesOk: 4, writesFailed: 0, readsOk: 2, readsFailed: 0 },
    ],
  };

  test('the SVG draws ok bars up, failed bars down, and marks failure, detection, promotion and the route move', () => {
    const svg = renderTimelineSvg(report);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/fill="#2e7d32"\/>/g)).toHaveLength(5); // 2 write buckets + 3 read buckets with successes
    expect(svg.match(/fill="#c62828"\/>/g)).toHaveLength(1); // one write bucket with failures
    for (const label of ['failure', 'detected', 'promoted', 'route moved']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toContain('not drawn');
    expect(renderTimelineSvg(report)).toBe(svg);
  });

  test('the Markdown report shows data loss, stale reads per router and mutations on replicas', () => {
    const md = renderReportMarkdown(report, 'failover.svg');
    expect(md).toContain('id by id: **1**, acknowledged between 0.090 s and 0.090 s');
    expect(md).toContain('| read-your-own-writes on | 4 | **0** |');
    expect(md).toContain('| read-your-own-writes off | 4 | **3** |');
    expect(md).toContain('## Mutations that reached a replica\n\n**0**');
    expect(md).toContain('![failover timeline](failover.svg)');
    expect(md).not.toContain('## Split brain');
  });

  test('the Markdown report and the SVG show the returned old primary: stray writes before and after the fence', () => {
    const probe = (path: FenceProbe['path'], accepted: number, refusedWith: string[] = []): FenceProbe => ({ path, attempted: 3, accepted, refusedWith });
    const step = (action: string, title: string, startedAt: number, endedAt: number) => ({ action, title, kind: 'fence', startedAt, endedAt });
    const fence: FenceRun = {
      region: 'r1', newPrimary: 'r2', returnedAt: 300, fencedAt: 700, fenceMs: 380, pendingAtFailover: 'r1 does not answer: fence pending (first step when it is back)',
      unfenced: [probe('insert', 3), probe('region-app', 3)],
      settingOnly: { plainRefusedWith: '25006', acceptedAfterSet: true },
      fenced: [probe('insert', 0, ['25006']), probe('region-app', 1, ['READ_ONLY_REPLICA'])],
      promoteAsAppRefusedWith: '42501', rowsBeforeFencedProbes: 40, rowsAfterFencedProbes: 41,
      router: { attempted: 6, acknowledged: 6, onNewPrimary: 6, onFormerPrimary: 0 },
      splitWrites: ['on1-9', 'split-unfenced-insert-0'], splitWritesAfterReturn: 1, regionAppRefusals: 2,
      steps: [step('fence-old-primary', 'Fence r1 before anything else', 320, 700)],
    };
    const withFence: DrillReport = { ...report, fence, events: [...report.events, { at: 300, kind: 'return', label: 'r1 is back' }, { at: 700, kind: 'fence', label: 'r1 fenced' }] };
    const md = renderReportMarkdown(withFence, 'failover.svg');
    expect(md).toContain('## Split brain: the lost region returns');
    expect(md).toContain('| application role, plain INSERT | 3 of 3 | **0 of 3** | 25006 |');
    // A write accepted after the fence shows in the total: the renderer does not assume the 0.
    expect(md).toContain('| **all** | **6 of 6** (split brain) | **1 of 6** | |');
    expect(md).toContain('restarted r1 in recovery (standby.signal, following nobody) in **0.380 s**');
    expect(md).toContain('Rows on r1 before and after the fenced attempts: 40 and 41. `pg_promote()` as the application role: refused (42501).');
    expect(md).toContain('after `SET default_transaction_read_only = off` in the session the write was **accepted**');
    expect(md).toContain('**0** on r1.');
    expect(md).toContain('Writes only r1 holds, kept by the procedure: **2** (1 written after it came back, 1 that had not streamed before the kill).');
    expect(md).toContain('| 1 | Fence r1 before anything else | fence | 0.320 s | 0.380 s |  |');
    const svg = renderTimelineSvg(withFence);
    for (const label of ['old primary back', 'fence']) expect(svg).toContain(`>${label}</text>`);
  });
});

describe('cleanup registry', () => {
  test('the exit hook kills every registered process group and removes every registered folder', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-hook-'));
    // A group leader with a child, like a postmaster with its backends.
    const leader = spawn('/bin/sh', ['-c', 'sleep 60 & sleep 60; wait'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => leader.once('spawn', r));
    registerGroup(leader.pid!);
    registerFolder(folder);
    await until(() => processesInGroup(leader.pid!) >= 2);
    killEverything();
    await until(() => !groupAlive(leader.pid!));
    expect(fs.existsSync(folder)).toBe(false);
    expect(findLeftovers().filter((l) => l.includes(String(leader.pid)) || l.includes(folder))).toEqual([]);
  });
});

describe('layering', () => {
  const LIB = path.join(__dirname, '..', '..', 'lib');
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

  test('nothing in lib/ imports the lab, and the package does not ship it', () => {
    const offenders = files(LIB).filter((f) => /from\s+['"](\.\.\/)+lab\/|require\(['"](\.\.\/)+lab\//.test(fs.readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(LIB, '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).not.toContain('lab');
  });

  test('lab errors are the one configuration error type', () => {
    let caught: unknown;
    try {
      drillName('x');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MultiRegionConfigError);
  });
});
