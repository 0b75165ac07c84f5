/**
 * What a drill measured, from the client log and the databases:
 *
 * - RTO of each outage: from the first failed write to the first successful
 *   write sent after the write route moved.
 * - RPO: acknowledged writes (client log) that the final primary does not
 *   hold, counted id by id, and the time span they were acknowledged in.
 * - stale own reads per router (read-your-own-writes on / off): a read right
 *   after an acknowledged write that does not return it, when the write
 *   does exist (a read that misses a lost write is data loss, counted apart).
 * - mutations that reached a replica (PostgreSQL refused each; must be 0).
 * - the recovery model's prediction for the lab's settings, beside the
 *   measured failover RTO.
 */
import { cpus, loadavg } from 'os';
import { estimateRecovery, RecoveryEstimate } from '../lib/core/recovery';
import { StepRecord } from './engine';
import { FenceRun } from './fence';
import { Lab, LabEvent } from './lab';
import { labRecoveryInputs } from './runbook';
import { ResolvedSettings } from './settings';
import { Op, RouterName, Workload } from './workload';

export interface Outage {
  readonly name: 'switchover' | 'failback' | 'failover';
  readonly kind: 'switchover' | 'failover';
  /** Lab time of the failure (kill) or of the fence (switchover), ms. */
  readonly failureAt: number;
  /** When the health checks found the primary unhealthy (failover), ms. */
  readonly detectedAt?: number;
  /** partition drill: when replication was cut, ms. */
  readonly cutAt?: number;
  readonly from: string;
  readonly to: string;
  readonly steps: readonly StepRecord[];
}

export interface MeasuredOutage extends Outage {
  readonly promotedAt?: number;
  readonly routeMovedAt?: number;
  readonly firstFailedWriteAt?: number;
  readonly firstOkWriteAfterMoveAt?: number;
  /** First failed write → first successful write after the move, ms. */
  readonly rtoMs?: number;
  /**
   * failover: checks of the old primary that failed between the failure and the
   * detection (the threshold, unless a check already failed just before the kill
   * on a busy machine: then fewer, see `failedCheckStreakAtDetection`).
   */
  readonly failedChecksToDetection?: number;
  /** failover: consecutive failed checks of the old primary that ended by the detection (the threshold, if the semantics hold). */
  readonly failedCheckStreakAtDetection?: number;
  /** The recovery model's estimate for this kind of outage with the lab's settings. */
  readonly model: { readonly rtoMs: number; readonly estimate: RecoveryEstimate };
}

export interface Bucket {
  /** Start of the 100 ms bucket, ms. */
  readonly t: number;
  writesOk: number;
  writesFailed: number;
  readsOk: number;
  readsFailed: number;
}

export interface DrillReport {
  readonly drill: string;
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly load1: number; readonly node: string };
  readonly postgres: string;
  readonly regions: readonly string[];
  readonly settings: {
    readonly health: ResolvedSettings['health'];
    readonly lag: ResolvedSettings['lag'];
    readonly rywWindowMs: number;
    readonly promoteWaitSeconds: number;
    readonly workload: ResolvedSettings['workload'];
  };
  readonly durationMs: number;
  readonly outages: readonly MeasuredOutage[];
  readonly writes: { readonly attempted: number; readonly acknowledged: number; readonly failed: number };
  readonly reads: { readonly ok: number; readonly failed: number };
  readonly rpo: {
    readonly lostWrites: number;
    readonly lostIds: readonly string[];
    readonly firstLostAckAt?: number;
    readonly lastLostAckAt?: number;
    readonly spanMs: number;
    /** partition: writes the old primary acknowledged that were sent after the cut. */
    readonly acknowledgedDuringCut?: number;
    /** partition: of the lost writes, those acknowledged during the cut. */
    readonly lostDuringCut?: number;
    /** partition: the ids acknowledged during the cut (the test compares them with the lost ids). */
    readonly duringCutIds?: readonly string[];
  };
  readonly staleOwnReads: Record<RouterName, { readonly ownReads: number; readonly stale: number }>;
  /** Own reads that missed a write which is lost (data loss, not staleness). */
  readonly ownReadsOfLostWrites: number;
  /** Mutations the routers sent to a replica (the fence drill's own probes of a fenced old primary are in `fence`). */
  readonly mutationsOnReplica: number;
  /** failover: the lost region returned; split brain before the fence, refusals after it. */
  readonly fence?: FenceRun;
  readonly finalPrimary: string;
  readonly events: readonly LabEvent[];
  readonly buckets: readonly Bucket[];
}

export const BUCKET_MS = 100;

/** Measures a finished drill. The lab must still be running (its final primary is read). */
export async function analyse(drill: string, lab: Lab, workload: Workload, rawOutages: readonly Outage[], rawFence?: FenceRun): Promise<DrillReport> {
  // Times in the report count from the start of the workload.
  const origin = lab.events.find((e) => e.label === 'workload started')?.at ?? 0;
  const ops = workload.ops.map((o) => ({ ...o, t: o.t - origin, end: o.end - origin }));
  const acks = workload.acks.map((a) => ({ ...a, sentAt: a.sentAt - origin, ackedAt: a.ackedAt - origin }));
  const events = lab.events.filter((e) => e.at >= origin).map((e) => ({ ...e, at: e.at - origin })).sort((a, b) => a.at - b.at);
  const outages = rawOutages.map((o) => ({
    ...o,
    failureAt: o.failureAt - origin,
    detectedAt: o.detectedAt === undefined ? undefined : o.detectedAt - origin,
    cutAt: o.cutAt === undefined ? undefined : o.cutAt - origin,
    steps: o.steps.map((s) => ({ ...s, startedAt: s.startedAt - origin, endedAt: s.endedAt - origin })),
  }));
  const fence = rawFence && {
    ...rawFence,
    returnedAt: round(rawFence.returnedAt - origin),
    fencedAt: round(rawFence.fencedAt - origin),
    fenceMs: round(rawFence.fenceMs),
    steps: rawFence.steps.map((s) => ({ ...s, startedAt: round(s.startedAt - origin), endedAt: round(s.endedAt - origin) })),
  };
  const primary = lab.primary;
  const present = new Set<string>();
  const ids = acks.map((a) => a.id);
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await primary.db.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1)', [ids.slice(i, i + 5000)]);
    for (const r of rows) present.add(r.id);
  }
  const lost = acks.filter((a) => !present.has(a.id));
  const lostIds = new Set(lost.map((a) => a.id));
  const writes = ops.filter((o) => o.kind === 'write');
  const reads = ops.filter((o) => o.kind === 'read');
  const stale = (router: RouterName) => {
    const own = reads.filter((o) => o.router === router && o.ok && o.stale !== undefined);
    return { ownReads: own.length, stale: own.filter((o) => o.stale && !lostIds.has(o.id!)).length };
  };
  const inputs = labRecoveryInputs(lab.settings);
  const estimates = estimateRecovery(inputs);
  const checks = (lab.health?.checks ?? []).map((c) => ({ ...c, start: c.start - origin, end: c.end - origin }));
  const measured = outages.map((o) => {
    const m = measureOutage(o, events, writes, estimates[o.kind]);
    if (o.detectedAt === undefined) return m;
    // Checks that ended after the failure and by the detection (a check in flight at the kill counts: it failed because of it).
    const failed = checks.filter((c) => c.region === o.from && !c.ok && c.end >= o.failureAt && c.end <= o.detectedAt!).length;
    const before = checks.filter((c) => c.region === o.from && c.end <= o.detectedAt!).sort((a, b) => a.end - b.end);
    let streak = 0;
    for (let k = before.length - 1; k >= 0 && !before[k].ok; k--) streak++;
    return { ...m, failedChecksToDetection: failed, failedCheckStreakAtDetection: streak };
  });
  const cut = outages.find((o) => o.cutAt !== undefined);
  // The clients were held while the standbys caught up, so nothing was in flight at the cut:
  // every write the old primary acknowledged that was sent after the cut exists only there.
  const duringCut = cut ? acks.filter((a) => a.region === cut.from && a.sentAt >= cut.cutAt!) : undefined;
  const end = Math.max(0, ...ops.map((o) => o.end));
  return {
    drill,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, load1: Math.round(loadavg()[0] * 100) / 100, node: process.version },
    postgres: lab.install?.version ?? 'unknown',
    regions: lab.regions.map((r) => r.name),
    settings: {
      health: lab.settings.health,
      lag: lab.settings.lag,
      rywWindowMs: lab.settings.rywWindowMs,
      promoteWaitSeconds: lab.settings.promoteWaitSeconds,
      workload: lab.settings.workload,
    },
    durationMs: round(end),
    outages: measured,
    writes: { attempted: writes.length, acknowledged: acks.length, failed: writes.filter((w) => !w.ok).length },
    reads: { ok: reads.filter((r) => r.ok).length, failed: reads.filter((r) => !r.ok).length },
    rpo: {
      lostWrites: lost.length,
      lostIds: lost.map((a) => a.id),
      firstLostAckAt: lost.length ? round(Math.min(...lost.map((a) => a.ackedAt))) : undefined,
      lastLostAckAt: lost.length ? round(Math.max(...lost.map((a) => a.ackedAt))) : undefined,
      spanMs: lost.length ? round(Math.max(...lost.map((a) => a.ackedAt)) - Math.min(...lost.map((a) => a.ackedAt))) : 0,
      acknowledgedDuringCut: duringCut?.length,
      lostDuringCut: duringCut?.filter((a) => lostIds.has(a.id)).length,
      duringCutIds: duringCut?.map((a) => a.id),
    },
    staleOwnReads: { 'ryw-on': stale('ryw-on'), 'ryw-off': stale('ryw-off') },
    ownReadsOfLostWrites: reads.filter((o) => o.ok && o.stale && lostIds.has(o.id!)).length,
    mutationsOnReplica: lab.regions.reduce((n, r) => n + r.app.stats.mutationsOnReplica, 0) - (fence?.regionAppRefusals ?? 0),
    fence,
    finalPrimary: primary.name,
    events: events.map((e) => ({ ...e, at: round(e.at) })),
    buckets: bucketise(ops, end),
  };
}

function measureOutage(o: Outage, events: readonly LabEvent[], writes: readonly Op[], estimate: RecoveryEstimate): MeasuredOutage {
  const after = (kind: LabEvent['kind']) => events.find((e) => e.kind === kind && e.at >= o.failureAt)?.at;
  const promotedAt = after('promotion');
  const routeMovedAt = after('route-move');
  const firstFailed = writes.filter((w) => !w.ok && w.end >= o.failureAt).sort((a, b) => a.t - b.t)[0];
  const firstOk = routeMovedAt === undefined ? undefined : writes.filter((w) => w.ok && w.t >= routeMovedAt).sort((a, b) => a.end - b.end)[0];
  const rtoMs = firstFailed && firstOk ? firstOk.end - firstFailed.t : undefined;
  return {
    ...o,
    failureAt: round(o.failureAt),
    detectedAt: o.detectedAt === undefined ? undefined : round(o.detectedAt),
    cutAt: o.cutAt === undefined ? undefined : round(o.cutAt),
    steps: o.steps.map((s) => ({ ...s, startedAt: round(s.startedAt), endedAt: round(s.endedAt) })),
    promotedAt: promotedAt === undefined ? undefined : round(promotedAt),
    routeMovedAt: routeMovedAt === undefined ? undefined : round(routeMovedAt),
    firstFailedWriteAt: firstFailed ? round(firstFailed.t) : undefined,
    firstOkWriteAfterMoveAt: firstOk ? round(firstOk.end) : undefined,
    rtoMs: rtoMs === undefined ? undefined : round(rtoMs),
    model: { rtoMs: round(estimate.rtoSeconds * 1000), estimate },
  };
}

function bucketise(ops: readonly Op[], end: number): Bucket[] {
  const buckets: Bucket[] = [];
  for (let t = 0; t <= end; t += BUCKET_MS) buckets.push({ t, writesOk: 0, writesFailed: 0, readsOk: 0, readsFailed: 0 });
  for (const o of ops) {
    const b = buckets[Math.min(buckets.length - 1, Math.floor(o.end / BUCKET_MS))];
    if (o.kind === 'write') o.ok ? b.writesOk++ : b.writesFailed++;
    else o.ok ? b.readsOk++ : b.readsFailed++;
  }
  return buckets;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
