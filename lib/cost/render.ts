/**
 * Markdown for people (the estimate, the ladder, a diff for a pull request)
 * and the header every output carries: the price table's date and
 * "estimate in USD, list prices, before discounts and taxes".
 */
import { CostDiff } from './diff';
import { LadderRow } from './ladder-view';
import { CostEstimate, DISCLAIMER, LineItem } from './types';

/** $1,234.56 (negative: -$1.20). */
export function usd(n: number): string {
  const s = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${n < 0 ? '-' : ''}$${s}`;
}
const signed = (n: number) => (n > 0 ? `+${usd(n)}` : usd(n));
const num = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 }));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The line every output starts with. */
export function header(e: Pick<CostEstimate, 'priceTable' | 'hoursPerMonth'>): string {
  const overrides = e.priceTable.overrides ? `, overridden by ${e.priceTable.overrides}` : '';
  return `Price table ${e.priceTable.version}${overrides}; ${DISCLAIMER}; ${e.hoursPerMonth} hours a month. `
    + 'Figures marked * use an assumed usage value (listed under "Assumed usage").';
}

/** The ladder tables, one per cloud. */
export function renderLadder(rows: readonly LadderRow[]): string {
  const out: string[] = [];
  for (const cloud of ['aws', 'gcp'] as const) {
    const mine = rows.filter((r) => r.cloud === cloud);
    if (mine.length === 0) continue;
    out.push(`### Ladder — ${cloud === 'aws' ? 'AWS' : 'Google Cloud'}`, '',
      '| phase | monthly | climb | the climb, by line item | not priced (left out of the total) | what it buys | RTO / RPO (generated runbook) |', '|---|---:|---:|---|---|---|---|');
    for (const r of mine) {
      const lines = r.deltaLines.map((d) => `${signed(d.delta)} ${d.item}`).join('<br>');
      out.push(`| ${r.phase} ${cell(r.name)} | ${r.monthly === undefined ? '—' : usd(r.monthly)} | ${r.delta === undefined ? '' : signed(r.delta)} | ${cell(lines)} | ${cell(r.notPriced.join('<br>'))} | ${cell(r.protectsAgainst)} | ${cell(r.recovery)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Line items merged per stack and item (same unit price), so two instances show as 2 × 730 hours. */
function merged(items: readonly LineItem[]): LineItem[] {
  const m = new Map<string, LineItem & { resources: string[] }>();
  for (const i of items) {
    const key = [i.stack, i.region, i.item, i.unitPrice].join('\u0000');
    const prev = m.get(key);
    if (!prev) m.set(key, { ...i, resources: [i.resource] });
    else m.set(key, { ...prev, quantity: prev.quantity + i.quantity, monthly: prev.monthly + i.monthly, assumed: [...new Set([...prev.assumed, ...i.assumed])], resources: [...prev.resources, i.resource] });
  }
  return [...m.values()].map((i) => ({ ...i, resource: i.resources.length > 1 ? `${i.resources.length} resources` : i.resource }));
}

/** The estimate as Markdown: totals, ladder (when given), line items, not priced, assumed usage. */
export function renderMarkdown(e: CostEstimate, ladder: readonly LadderRow[] = [], opts: { title?: string; lineItems?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`## ${opts.title ?? 'Cost estimate'}`, '', header(e), '', `**Total: ${usd(e.monthlyTotal)} a month** over ${e.stacks.length} stacks.`, '');
  if (ladder.length > 0) out.push(renderLadder(ladder));
  out.push('### Stacks', '', '| stack | cloud | Region | monthly |', '|---|---|---|---:|');
  for (const s of e.stacks) out.push(`| ${s.name} | ${s.cloud} | ${s.region} | ${usd(s.monthly)} |`);
  out.push('');
  if (opts.lineItems !== false) {
    out.push('### Line items', '', '| stack | item | quantity | unit | unit price | monthly |', '|---|---|---:|---|---:|---:|');
    for (const i of merged(e.lineItems)) {
      const mark = i.assumed.length > 0 ? ' *' : '';
      const floor = i.floor ? ' (floor)' : '';
      out.push(`| ${i.stack} | ${cell(i.item)}${floor} | ${num(Number(i.quantity.toFixed(6)))} | ${i.unit} | ${usd4(i.unitPrice)} | ${usd(i.monthly)}${mark} |`);
    }
    out.push('');
  }
  out.push('### Not priced', '', 'Never a silent zero: every resource without a line item, and why.', '', '| cloud | resource type | count | reason | detail |', '|---|---|---:|---|---|');
  for (const n of e.notPriced) out.push(`| ${n.cloud} | ${n.resourceType} | ${n.count} | ${n.reason} | ${cell(n.detail)} |`);
  out.push('', '### Assumed usage', '', '| usage | value | source | meaning |', '|---|---:|---|---|');
  for (const u of e.usage) out.push(`| ${u.key} | ${String(u.value)} | ${u.assumed ? '*assumed* (default)' : 'usage file'} | ${cell(u.description)} |`);
  out.push('');
  return out.join('\n');
}

/** A unit price with the precision the table gives it ($0.045, $0.00005001), at least cents. */
function usd4(n: number): string {
  const exact = Number(n.toPrecision(6));
  return Math.round(exact * 100) / 100 === exact ? usd(exact) : `$${exact.toLocaleString('en-US', { maximumFractionDigits: 10 })}`;
}

/** A diff for a pull-request comment. */
export function renderDiff(d: CostDiff): string {
  const out = [`## Cost change: ${signed(d.delta)} a month (${usd(d.before)} → ${usd(d.after)})`, '',
    `Price table ${d.priceTable}; ${DISCLAIMER}.`, ''];
  if (d.rows.length === 0) out.push('No line item changed.', '');
  else {
    out.push('| stack | Region | item | before | after | change |', '|---|---|---|---:|---:|---:|');
    for (const r of d.rows) out.push(`| ${r.stack} | ${r.region} | ${cell(r.item)} | ${usd(r.before)} | ${usd(r.after)} | ${signed(r.delta)} |`);
    out.push('');
  }
  if (d.newlyNotPriced.length > 0) {
    out.push('Newly not priced (not counted above):', '');
    for (const n of d.newlyNotPriced) out.push(`- ${n.resourceType} ×${n.count} (${n.reason}): ${n.detail}`);
    out.push('');
  }
  return out.join('\n');
}
