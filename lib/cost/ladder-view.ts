/**
 * The other half of the ladder's trade: for each cloud, the monthly total per
 * phase, the delta of each climb explained by its line items, and beside it
 * what the climb buys (core ladder model; the RTO/RPO estimates the generated
 * runbooks state).
 */
import { LADDER, Phase, PHASES } from '../core/ladder';
import { Cloud, CostEstimate, LineItem } from './types';

/** One line item group's share of a climb. */
export interface DeltaLine {
  /** Item and Region, e.g. `Aurora instance db.r6g.large (eu-west-1)`. */
  readonly item: string;
  readonly before: number;
  readonly after: number;
  readonly delta: number;
}

/** One phase of one cloud. */
export interface LadderRow {
  readonly cloud: Cloud;
  readonly phase: Phase;
  readonly name: string;
  /** Stacks of the phase in the output; empty when the output has none. */
  readonly stacks: readonly string[];
  /** USD a month; undefined when the output has no stack of this phase. */
  readonly monthly?: number;
  /** Change from the previous phase present in the output. */
  readonly delta?: number;
  /** The line items that make up the delta (their deltas add up to it). */
  readonly deltaLines: readonly DeltaLine[];
  readonly protectsAgainst: string;
  readonly doesNotProtectAgainst: string;
  /** RTO/RPO as the generated runbook states them, or why there is none. */
  readonly recovery: string;
  /** What the phase deploys that has no price (not free), e.g. `AWS::ARCRegionSwitch::Plan ×1 (unknown)`: the total leaves it out. */
  readonly notPriced: readonly string[];
}

/** Options of {@link ladderView}. */
export interface LadderViewOptions {
  /**
   * The phase a stack belongs to.
   * @default - the digit after `phase` in the stack name (`Phase3-Routing`, `gcp-phase3-router`)
   */
  readonly phaseOf?: (stackName: string) => Phase | undefined;
}

/** The default: `phase<N>` anywhere in the stack name. */
export function phaseFromName(name: string): Phase | undefined {
  const n = Number(/phase[-_ ]?(\d)/i.exec(name)?.[1]);
  return (PHASES as readonly number[]).includes(n) ? (n as Phase) : undefined;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The ladder rows of every cloud that has stacks of at least one phase. */
export function ladderView(estimate: CostEstimate, options: LadderViewOptions = {}): LadderRow[] {
  const phaseOf = options.phaseOf ?? phaseFromName;
  const rows: LadderRow[] = [];
  for (const cloud of ['aws', 'gcp'] as const) {
    const stacks = estimate.stacks.filter((s) => s.cloud === cloud);
    if (!stacks.some((s) => phaseOf(s.name) !== undefined)) continue;
    let previous: Map<string, number> | undefined;
    for (const phase of PHASES) {
      const names = stacks.filter((s) => phaseOf(s.name) === phase).map((s) => s.name);
      const def = LADDER[phase];
      const base = { cloud, phase, name: def.name, stacks: names, protectsAgainst: def.protectsAgainst, doesNotProtectAgainst: def.doesNotProtectAgainst };
      if (names.length === 0) {
        rows.push({ ...base, deltaLines: [], notPriced: [], recovery: 'no stack of this phase in the output' });
        continue;
      }
      const items = estimate.lineItems.filter((i) => i.cloud === cloud && names.includes(i.stack));
      const groups = byItem(items);
      const monthly = round(items.reduce((a, i) => a + i.monthly, 0));
      const deltaLines = previous ? deltas(previous, groups) : [];
      rows.push({
        ...base, monthly,
        delta: previous ? round(deltaLines.reduce((a, d) => a + d.delta, 0)) : undefined,
        deltaLines,
        recovery: recoveryOf(estimate, names),
        notPriced: estimate.notPriced.filter((n) => n.reason !== 'free' && n.cloud === cloud).flatMap((n) => {
          const count = n.resources.filter((r) => names.includes(r.slice(0, r.indexOf('/')))).length;
          return count > 0 ? [`${n.resourceType} ×${count} (${n.reason})`] : [];
        }),
      });
      previous = groups;
    }
  }
  return rows;
}

/** Monthly USD per `item (region)`. */
function byItem(items: readonly LineItem[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) {
    const key = `${i.item} (${i.region})`;
    m.set(key, (m.get(key) ?? 0) + i.monthly);
  }
  return m;
}

function deltas(before: Map<string, number>, after: Map<string, number>): DeltaLine[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((item) => ({ item, before: round(before.get(item) ?? 0), after: round(after.get(item) ?? 0) }))
    .map((d) => ({ ...d, delta: round(d.after - d.before) }))
    .filter((d) => d.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.item.localeCompare(b.item));
}

/** The runbook of the phase: the one whose title names a database, plan or workflow of its stacks. */
function recoveryOf(estimate: CostEstimate, stacks: readonly string[]): string {
  const names = new Set(estimate.stacks.filter((s) => stacks.includes(s.name)).flatMap((s) => s.names));
  const runbook = estimate.runbooks.find((rb) => names.has(rb.subject));
  if (!runbook) return 'no failover runbook in the output: recovery to another Region is manual';
  if (!runbook.failover && !runbook.switchover) return `runbook ${runbook.file} states no RTO/RPO estimate`;
  return [runbook.switchover && `switchover ${runbook.switchover}`, runbook.failover && `failover ${runbook.failover}`].filter(Boolean).join('; ');
}
