'use strict';
/**
 * Draws the router dashboard (the panels of docs/router-grafana.json) as an
 * SVG from /metrics texts scraped during a bench run (bench/router.js,
 * BENCH_ONLY=dashboard BENCH_DASHBOARD_SVG=docs/router-dashboard.svg).
 * Not a Grafana screenshot: the dashboard's queries are computed here, the
 * way Prometheus computes them (rate over a window, histogram_quantile with
 * linear interpolation inside a bucket), from the real scraped samples.
 */
const fs = require('fs');

const WINDOW_S = 5;

/** Exposition text → [{ name, labels, value }]. */
function parseExposition(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** `sum by (by…) (metric{filter})` at every scrape: [{ t, groups: Map<key, value> }]. */
function sumBy(scrapes, name, by, filter = () => true) {
  return scrapes.map(({ t, series }) => {
    const groups = new Map();
    for (const s of series) {
      if (s.name !== name || !filter(s.labels)) continue;
      const key = by.map((b) => s.labels[b] || '').join(' ');
      groups.set(key, (groups.get(key) || 0) + s.value);
    }
    return { t, groups };
  });
}

/** rate(…[WINDOW_S]) of grouped counters: Map<key, [{ t, v }]>. */
function rates(points) {
  const out = new Map();
  for (let i = 0; i < points.length; i++) {
    let j = i;
    while (j > 0 && points[i].t - points[j - 1].t <= WINDOW_S + 0.01) j--;
    if (j === i) continue;
    const dt = points[i].t - points[j].t;
    for (const key of new Set([...points[i].groups.keys(), ...points[j].groups.keys()])) {
      const v = ((points[i].groups.get(key) || 0) - (points[j].groups.get(key) || 0)) / dt;
      if (!out.has(key)) out.set(key, []);
      out.get(key).push({ t: points[i].t, v: Math.max(0, v) });
    }
  }
  return out;
}

/** Prometheus's histogram_quantile on cumulative buckets [{ le, count }]. */
function quantile(q, buckets) {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.length ? sorted[sorted.length - 1].count : 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + (b.le - prevLe) * ((rank - prevCount) / (b.count - prevCount || 1));
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** histogram_quantile(q, sum by (le, by…) (rate(name_bucket{filter}[WINDOW_S]))): Map<key, [{ t, v }]>. */
function quantiles(scrapes, name, q, by, filter = () => true) {
  const byLe = rates(sumBy(scrapes, `${name}_bucket`, [...by, 'le'], filter));
  const grouped = new Map();
  for (const [key, points] of byLe) {
    const parts = key.split(' ');
    const le = parts.pop();
    const group = parts.join(' ');
    for (const { t, v } of points) {
      if (!grouped.has(group)) grouped.set(group, new Map());
      const atT = grouped.get(group);
      if (!atT.has(t)) atT.set(t, []);
      atT.get(t).push({ le: le === '+Inf' ? Infinity : Number(le), count: v });
    }
  }
  const out = new Map();
  for (const [group, atT] of grouped) {
    out.set(group, [...atT].map(([t, buckets]) => ({ t, v: quantile(q, buckets) })).filter((p) => Number.isFinite(p.v)));
  }
  return out;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function panel(x, y, w, h, title, unit, lines, tMax) {
  const left = 52;
  const top = 26;
  const legendRows = Math.ceil(lines.length / 2);
  const bottom = 22 + legendRows * 14;
  const pw = w - left - 12;
  const ph = h - top - bottom;
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p.v))));
  const sx = (t) => x + left + (t / tMax) * pw;
  const sy = (v) => y + top + ph - (v / max) * ph;
  const fmt = (v) => (unit === 'ms' ? `${+v.toPrecision(3)} ms` : +v.toPrecision(3));
  let svg = `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="#ffffff" stroke="#d0d4d9"/>`;
  svg += `<text x="${x + 10}" y="${y + 17}" font-size="13" font-weight="600" fill="#222">${esc(title)}</text>`;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    svg += `<line x1="${x + left}" x2="${x + left + pw}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eceef1"/>`;
    svg += `<text x="${x + left - 4}" y="${sy(v) + 4}" font-size="10" text-anchor="end" fill="#666">${esc(fmt(v))}</text>`;
  }
  for (let t = 0; t <= tMax; t += 10) {
    svg += `<text x="${sx(t)}" y="${y + top + ph + 12}" font-size="10" text-anchor="middle" fill="#666">${t}s</text>`;
  }
  lines.forEach((l, i) => {
    const color = COLORS[i % COLORS.length];
    if (l.points.length > 1) {
      svg += `<polyline fill="none" stroke="${color}" stroke-width="1.6" points="${l.points.map((p) => `${sx(p.t).toFixed(1)},${sy(p.v).toFixed(1)}`).join(' ')}"/>`;
    }
    const lx = x + left + (i % 2) * (pw / 2);
    const ly = y + top + ph + 26 + Math.floor(i / 2) * 14;
    svg += `<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${color}"/><text x="${lx + 14}" y="${ly - 3}" font-size="10" fill="#333">${esc(l.label)}</text>`;
  });
  if (lines.length === 0) svg += `<text x="${x + w / 2}" y="${y + h / 2}" font-size="11" text-anchor="middle" fill="#999">no data</text>`;
  return `${svg}</g>`;
}

const toLines = (map, label, scale = 1) => [...map].map(([key, points]) => ({ label: label(key), points: points.map((p) => ({ t: p.t, v: p.v * scale })) }));

/** Write the SVG for `scrapes` ([{ t, text }]) to `file`. */
function writeDashboardSvg(scrapes, file, { note }) {
  const parsed = scrapes.map(({ t, text }) => ({ t, series: parseExposition(text) }));
  const tMax = Math.ceil(Math.max(...parsed.map((s) => s.t)) / 10) * 10;
  const P = 'multiregion_router_';
  const notRefused = (l) => l.route !== 'refused';
  const panels = [
    ['Requests by route (req/s)', 'req/s', toLines(rates(sumBy(parsed, `${P}requests_total`, ['route'])), (k) => k)],
    ['Refused requests by reason (req/s)', 'req/s', toLines(rates(sumBy(parsed, `${P}requests_total`, ['reason'], (l) => l.route === 'refused')), (k) => k)],
    ['Write reasons (req/s)', 'req/s', toLines(rates(sumBy(parsed, `${P}requests_total`, ['reason'], (l) => l.route === 'write')), (k) => k)],
    ['Upstream latency p50 / p99 (ms)', 'ms', [
      ...toLines(quantiles(parsed, `${P}upstream_response_seconds`, 0.5, ['upstream']), (k) => `p50 ${k}`, 1000),
      ...toLines(quantiles(parsed, `${P}upstream_response_seconds`, 0.99, ['upstream']), (k) => `p99 ${k}`, 1000),
    ]],
    ['Upstream errors and read fallbacks (per s)', 'req/s', [
      ...toLines(rates(sumBy(parsed, `${P}upstream_errors_total`, ['upstream', 'kind'])), (k) => `error ${k}`),
      ...toLines(rates(sumBy(parsed, `${P}read_fallbacks_total`, ['upstream'])), (k) => `fallback from ${k}`),
    ]],
    ['Router added latency p50 / p99 (request minus upstream, ms)', 'ms', ['p50', 'p99'].map((name) => {
      const q = name === 'p50' ? 0.5 : 0.99;
      const req = quantiles(parsed, `${P}request_duration_seconds`, q, [], notRefused).get('') || [];
      const up = new Map((quantiles(parsed, `${P}upstream_response_seconds`, q, []).get('') || []).map((p) => [p.t, p.v]));
      return { label: name, points: req.filter((p) => up.has(p.t)).map((p) => ({ t: p.t, v: Math.max(0, (p.v - up.get(p.t)) * 1000) })) };
    })],
    ['Read-your-own-writes pins (per s)', 'req/s', toLines(rates(sumBy(parsed, `${P}read_your_writes_pins_total`, ['partition'])), (k) => `pins ${k}`)],
    ['Body-size rejections (per s)', 'req/s', toLines(rates(sumBy(parsed, `${P}body_too_large_total`, ['partition', 'outcome'])), (k) => k)],
  ];
  const W = 1200;
  const pw = 590;
  const ph = 250;
  const head = 74;
  const H = head + Math.ceil(panels.length / 2) * (ph + 10) + 10;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`;
  svg += `<rect width="${W}" height="${H}" fill="#f4f5f7"/>`;
  svg += `<text x="10" y="22" font-size="16" font-weight="700" fill="#111">multiregion-router — docs/router-grafana.json panels, drawn from a real bench run</text>`;
  svg += `<text x="10" y="40" font-size="11" fill="#444">${esc(`Not a Grafana screenshot: bench/router-dashboard.js computed the dashboard's queries (rate over ${WINDOW_S} s, histogram_quantile) from /metrics scraped during BENCH_ONLY=dashboard node bench/router.js.`)}</text>`;
  svg += `<text x="10" y="53" font-size="11" fill="#444">${esc(`Run: ${note}. Partitions eu, us, apac (apac's first read upstream is down).`)}</text>`;
  svg += `<text x="10" y="66" font-size="11" fill="#444">${esc('Steady mix: reads and writes in eu and us, apac reads, parse errors. From a third to two thirds of the run: an unknown partition, no partition header, 100 KiB bodies (over maxBodyBytes).')}</text>`;
  panels.forEach(([title, unit, lines], i) => {
    svg += panel(10 + (i % 2) * (pw + 10), head + Math.floor(i / 2) * (ph + 10), pw, ph, title, unit, lines, tMax);
  });
  svg += '</svg>\n';
  fs.writeFileSync(file, svg);
}

module.exports = { writeDashboardSvg, parseExposition, quantile };
