/**
 * The local engine: runs a procedure of the lab's runbook model step by
 * step, dispatching on each step's `action`, and records when each step
 * started and ended. A step without an action, or with one the engine does
 * not know, stops the procedure: the engine never skips a step.
 */
import { RunbookProcedure } from '../lib/core/runbook';
import { LabRunError } from './errors';
import { Lab, Region } from './lab';
import { LabAction } from './runbook';

export interface StepRecord {
  readonly title: string;
  readonly kind: string;
  readonly action: string;
  /** Lab time, ms. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** What the step found or did. */
  readonly detail?: string;
}

export interface ProcedureRun {
  /** The region that was primary when the procedure started. */
  readonly from: Region;
  /** The region promoted (chosen by the procedure for a failover). */
  target?: Region;
  readonly steps: StepRecord[];
  /** recover-region: the ids only the former primary holds (keep-split-writes). */
  splitWrites?: string[];
}

type Handler = (lab: Lab, run: ProcedureRun) => Promise<string | undefined>;

const HANDLERS: Record<LabAction, Handler> = {
  'check-standby': async (_lab, run) => {
    const target = need(run);
    if (target.role !== 'standby') throw new LabRunError(`${target.name} is not a standby`);
    const rows = await run.from.db.query<{ application_name: string; state: string }>('SELECT application_name, state FROM pg_stat_replication');
    const row = rows.find((r) => r.application_name === target.name);
    if (row?.state !== 'streaming') throw new LabRunError(`${target.name} is not streaming from ${run.from.name} (${row?.state ?? 'not connected'})`);
    return `${target.name} streaming`;
  },
  'fence-primary': async (lab, run) => {
    await run.from.db.query('ALTER SYSTEM SET default_transaction_read_only = on');
    lab.mark('fence', `${run.from.name} fenced (read-only from the configuration reload on)`);
    await run.from.db.query('SELECT pg_reload_conf()');
    return 'default_transaction_read_only = on';
  },
  'wait-replay': async (lab, run) => {
    const target = need(run);
    const lsn = await run.from.db.currentLsn();
    await lab.waitFor(async () => (await target.db.standbyLsns()).replay >= lsn, 30_000, `${target.name} to replay ${run.from.name}'s last LSN`);
    return `replayed up to ${formatLsn(lsn)}`;
  },
  'stop-primary': async (_lab, run) => {
    await run.from.db.stop('fast');
    run.from.role = 'down';
    return `${run.from.name} stopped (fast shutdown)`;
  },
  'confirm-primary-down': async (_lab, run) => {
    if (await run.from.db.ping()) throw new LabRunError(`${run.from.name} still answers: not failing over a live primary`);
    run.from.role = 'down';
    return `${run.from.name} does not answer`;
  },
  'choose-most-advanced': async (lab, run) => {
    const candidates: { region: Region; receive: bigint; replay: bigint }[] = [];
    for (const region of lab.standbys) {
      try {
        candidates.push({ region, ...(await region.db.standbyLsns()) });
      } catch {
        // an unreachable standby is no candidate
      }
    }
    if (candidates.length === 0) throw new LabRunError('no reachable standby to promote');
    // Highest received LSN first (promotion replays all it received), then replayed, then region order.
    candidates.sort((a, b) => (a.receive === b.receive ? (a.replay === b.replay ? 0 : a.replay > b.replay ? -1 : 1) : a.receive > b.receive ? -1 : 1));
    run.target = candidates[0].region;
    return candidates.map((c) => `${c.region.name} received ${formatLsn(c.receive)} replayed ${formatLsn(c.replay)}`).join(', ') + ` → ${run.target.name}`;
  },
  'promote': async (lab, run) => {
    const target = need(run);
    await target.db.promote(lab.settings.promoteWaitSeconds);
    target.role = 'primary';
    lab.mark('promotion', `${target.name} promoted`);
    return `${target.name} promoted`;
  },
  'move-write-route': async (lab, run) => {
    const target = need(run);
    lab.writeRoute!.move({ name: target.name, port: target.app.port });
    lab.mark('route-move', `write route → ${target.name}`);
    // A read route on a region that is down follows to a healthy one (latency records skip unhealthy targets).
    const read = lab.region(lab.readRoute!.target);
    if (read.role === 'down') {
      const next = lab.standbys[0] ?? target;
      lab.readRoute!.move({ name: next.name, port: next.app.port });
      lab.mark('note', `read route → ${next.name}`);
    }
    return `write route → ${target.name}`;
  },
  'verify-writer': async (lab, run) => {
    const target = run.target ?? lab.primary;
    if (await target.db.inRecovery()) throw new LabRunError(`${target.name} is still in recovery`);
    return `${target.name} writes`;
  },
  'repoint-standbys': async (lab, run) => {
    const target = need(run);
    const others = lab.standbys;
    for (const r of others) r.relay.retarget(target.db.port);
    if (others.length === 0) return 'no other standby';
    await lab.waitFor(async () => {
      const rows = await target.db.query<{ application_name: string }>("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
      return others.every((o) => rows.some((r) => r.application_name === o.name));
    }, 30_000, `${others.map((o) => o.name).join(', ')} to stream from ${target.name}`);
    return `${others.map((o) => o.name).join(', ')} stream from ${target.name}`;
  },
  'rejoin-old-primary': async (lab, run) => {
    const target = need(run);
    const old = run.from;
    // Rewriting the settings also drops the fence (ALTER SYSTEM wrote it to the same file).
    lab.configureStandby(old, old === lab.regions[1] && lab.settings.lag.kind === 'apply' ? lab.settings.lag.ms : 0);
    old.db.setStandby(true);
    old.relay.retarget(target.db.port);
    await old.db.start();
    old.role = 'standby';
    await lab.waitFor(async () => {
      const rows = await target.db.query<{ application_name: string }>("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
      return rows.some((r) => r.application_name === old.name);
    }, 30_000, `${old.name} to stream from ${target.name}`);
    return `${old.name} streams from ${target.name}`;
  },
  'fence-old-primary': async (lab, run) => {
    const old = run.from;
    if (!old.db.running || !(await old.db.ping())) {
      lab.pendingFences.add(old.name);
      return `${old.name} does not answer: fence pending (first step when it is back)`;
    }
    // The fence (see fenceStep in runbook.ts): restart in recovery, following nobody.
    await old.db.stop('fast');
    old.db.setStandby(true);
    await old.db.start();
    if (!(await old.db.inRecovery())) throw new LabRunError(`${old.name} is not in recovery after the fence`);
    old.role = 'fenced';
    lab.pendingFences.delete(old.name);
    lab.mark('fence', `${old.name} fenced: restarted in recovery, refuses every write`);
    return `${old.name} restarted in recovery (standby.signal, no upstream)`;
  },
  'verify-fenced': async (_lab, run) => {
    const old = run.from;
    if (!(await old.db.inRecovery())) throw new LabRunError(`${old.name} is not in recovery: not fenced`);
    const refused = await old.db.query("INSERT INTO orders (id, customer) VALUES ('fence-check', 'ops')").then(() => undefined, (err: Error & { code?: string }) => err.code);
    if (refused !== '25006') throw new LabRunError(`${old.name} accepted a write after the fence (${refused ?? 'no error'})`);
    return `${old.name} in recovery; a write was refused (SQLSTATE 25006)`;
  },
  'keep-split-writes': async (_lab, run) => {
    const old = run.from;
    const target = need(run);
    const ids = async (r: Region) => new Set((await r.db.query<{ id: string }>('SELECT id FROM orders')).map((x) => x.id));
    const [onOld, onNew] = await Promise.all([ids(old), ids(target)]);
    run.splitWrites = [...onOld].filter((id) => !onNew.has(id)).sort();
    return `${run.splitWrites.length} write(s) only on ${old.name}${run.splitWrites.length ? `: ${run.splitWrites.slice(0, 6).join(', ')}${run.splitWrites.length > 6 ? ', …' : ''}` : ''}`;
  },
  'record': async () => undefined,
};

function need(run: ProcedureRun): Region {
  if (!run.target) throw new LabRunError('the procedure has no target region yet');
  return run.target;
}

export function formatLsn(lsn: bigint): string {
  if (lsn < 0n) return 'none';
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * Runs `procedure`'s steps in order. `failAt` injects a fault: the step with
 * that action fails instead of running (to drill a procedure that breaks
 * halfway, and to test that the lab still cleans up).
 */
export async function runProcedure(lab: Lab, procedure: RunbookProcedure, run: ProcedureRun, failAt?: LabAction): Promise<ProcedureRun> {
  for (const s of procedure.steps) {
    const action = s.action as LabAction | undefined;
    const handler = action ? HANDLERS[action] : undefined;
    if (!handler) throw new LabRunError(`step '${s.title}' of '${procedure.id}' has no action the local engine knows (${String(s.action)})`);
    if (action === failAt) throw new LabRunError(`fault injected at step '${s.title}' of '${procedure.id}'`);
    const startedAt = lab.clock();
    lab.mark('step', s.title, startedAt);
    const detail = await handler(lab, run);
    run.steps.push({ title: s.title, kind: s.kind, action: s.action!, startedAt, endedAt: lab.clock(), detail });
  }
  return run;
}
