/**
 * The drill's timeline as an SVG picture: successful and failed writes and
 * reads per 100 ms (ok above the axis, failed below), with the failure,
 * the detection, the promotion and the route move marked. Plain SVG, no
 * library; deterministic for the same report.
 */
import { BUCKET_MS, DrillReport } from './report';

const WIDTH = 960;
const LEFT = 56;
const RIGHT = 16;
const PANEL = 120;
const TOP = 84;
const GAP = 44;

const COLORS = { ok: '#2e7d32', failed: '#c62828', axis: '#555', grid: '#ddd' };
const MARKS: Record<string, { color: string; label: string }> = {
  failure: { color: '#c62828', label: 'failure' },
  fence: { color: '#ef6c00', label: 'fence' },
  cut: { color: '#6a1b9a', label: 'cut' },
  heal: { color: '#6a1b9a', label: 'heal' },
  detection: { color: '#f9a825', label: 'detected' },
  promotion: { color: '#1565c0', label: 'promoted' },
  'route-move': { color: '#00838f', label: 'route moved' },
  return: { color: '#4e342e', label: 'old primary back' },
};

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderTimelineSvg(report: DrillReport): string {
  const buckets = report.buckets;
  const end = Math.max(BUCKET_MS, buckets.length * BUCKET_MS);
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (ms: number) => LEFT + (ms / end) * plotW;
  const bw = Math.max(1, plotW / Math.max(1, buckets.length) - 1);
  const height = TOP + 2 * PANEL * 2 + GAP + 40;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#fff"/>`);
  const rto = report.outages.map((o) => `${o.name} RTO ${o.rtoMs === undefined ? 'n/a' : `${(o.rtoMs / 1000).toFixed(2)} s`}`).join(', ');
  out.push(`<text x="${LEFT}" y="18" font-size="14" font-weight="bold">Drill: ${esc(report.drill)} — ${esc(rto)}, lost writes ${report.rpo.lostWrites}, mutations on replicas ${report.mutationsOnReplica}</text>`);
  out.push(`<text x="${LEFT}" y="34" fill="${COLORS.axis}">requests per ${BUCKET_MS} ms: <tspan fill="${COLORS.ok}">■ ok (up)</tspan>  <tspan fill="${COLORS.failed}">■ failed (down)</tspan>; PostgreSQL ${esc(report.postgres)}, ${report.regions.length} regions, ${esc(report.date)}</text>`);

  const panels: { title: string; ok: (i: number) => number; failed: (i: number) => number; top: number }[] = [
    { title: 'writes', ok: (i) => buckets[i].writesOk, failed: (i) => buckets[i].writesFailed, top: TOP },
    { title: 'reads', ok: (i) => buckets[i].readsOk, failed: (i) => buckets[i].readsFailed, top: TOP + 2 * PANEL + GAP },
  ];
  for (const p of panels) {
    const max = Math.max(1, ...buckets.map((_, i) => Math.max(p.ok(i), p.failed(i))));
    const mid = p.top + PANEL;
    const scale = (PANEL - 6) / max;
    out.push(`<text x="6" y="${mid - 6}" font-weight="bold">${p.title}</text>`);
    out.push(`<text x="${LEFT - 6}" y="${p.top + 10}" text-anchor="end" fill="${COLORS.axis}">${max}</text>`);
    out.push(`<text x="${LEFT - 6}" y="${mid + 4}" text-anchor="end" fill="${COLORS.axis}">0</text>`);
    out.push(`<text x="${LEFT - 6}" y="${mid + PANEL - 2}" text-anchor="end" fill="${COLORS.axis}">${max}</text>`);
    for (let i = 0; i < buckets.length; i++) {
      const bx = x(buckets[i].t).toFixed(1);
      const ok = p.ok(i) * scale;
      const failed = p.failed(i) * scale;
      if (ok > 0) out.push(`<rect x="${bx}" y="${(mid - ok).toFixed(1)}" width="${bw.toFixed(1)}" height="${ok.toFixed(1)}" fill="${COLORS.ok}"/>`);
      if (failed > 0) out.push(`<rect x="${bx}" y="${mid}" width="${bw.toFixed(1)}" height="${failed.toFixed(1)}" fill="${COLORS.failed}"/>`);
    }
    out.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${mid}" y2="${mid}" stroke="${COLORS.axis}"/>`);
  }
  // Time axis.
  const axisY = TOP + 4 * PANEL + GAP + 4;
  for (let s = 0; s * 1000 <= end; s++) {
    const gx = x(s * 1000).toFixed(1);
    out.push(`<line x1="${gx}" x2="${gx}" y1="${TOP}" y2="${axisY}" stroke="${COLORS.grid}" stroke-width="0.5"/>`);
    out.push(`<text x="${gx}" y="${axisY + 14}" text-anchor="middle" fill="${COLORS.axis}">${s} s</text>`);
  }
  // Markers, labels staggered so neighbours do not overlap.
  const marks = report.events.filter((e) => MARKS[e.kind]);
  marks.forEach((e, i) => {
    const m = MARKS[e.kind];
    const mx = x(e.at).toFixed(1);
    out.push(`<line x1="${mx}" x2="${mx}" y1="${TOP - 8}" y2="${axisY}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="4 3"><title>${esc(`${(e.at / 1000).toFixed(3)} s ${e.label}`)}</title></line>`);
    out.push(`<text x="${mx}" y="${TOP - 12 - (i % 3) * 11}" text-anchor="middle" fill="${m.color}" font-weight="bold">${m.label}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
