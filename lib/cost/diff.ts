/**
 * The cost change between two synthesized outputs (before and after a
 * change), per line item, for a pull-request comment: the Infracost habit,
 * for CloudFormation too.
 */
import { Cloud, CostEstimate, NotPriced } from './types';

/** One line item's change. */
export interface CostDiffRow {
  readonly cloud: Cloud;
  readonly stack: string;
  readonly region: string;
  readonly item: string;
  readonly before: number;
  readonly after: number;
  readonly delta: number;
}

/** The change between two estimates. */
export interface CostDiff {
  readonly before: number;
  readonly after: number;
  readonly delta: number;
  /** Changed line items, largest change first. */
  readonly rows: readonly CostDiffRow[];
  /** Not-priced entries only in the new output (a new unknown type or class). */
  readonly newlyNotPriced: readonly NotPriced[];
  readonly priceTable: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Per stack, Region and item: what changed from `before` to `after`. */
export function diffCosts(before: CostEstimate, after: CostEstimate): CostDiff {
  const sum = (e: CostEstimate) => {
    const m = new Map<string, CostDiffRow>();
    for (const i of e.lineItems) {
      const key = [i.cloud, i.stack, i.region, i.item].join('\u0000');
      const row = m.get(key) ?? { cloud: i.cloud, stack: i.stack, region: i.region, item: i.item, before: 0, after: 0, delta: 0 };
      m.set(key, { ...row, after: row.after + i.monthly });
    }
    return m;
  };
  const b = sum(before);
  const a = sum(after);
  const rows: CostDiffRow[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const base = a.get(key) ?? b.get(key)!;
    const was = round(b.get(key)?.after ?? 0);
    const now = round(a.get(key)?.after ?? 0);
    if (was !== now) rows.push({ ...base, before: was, after: now, delta: round(now - was) });
  }
  rows.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.stack.localeCompare(y.stack) || x.item.localeCompare(y.item));
  const seen = new Set(before.notPriced.map((n) => `${n.cloud}|${n.resourceType}|${n.reason}|${n.detail}`));
  return {
    before: before.monthlyTotal,
    after: after.monthlyTotal,
    delta: round(after.monthlyTotal - before.monthlyTotal),
    rows,
    newlyNotPriced: after.notPriced.filter((n) => n.reason !== 'free' && !seen.has(`${n.cloud}|${n.resourceType}|${n.reason}|${n.detail}`)),
    priceTable: after.priceTable.version,
  };
}
