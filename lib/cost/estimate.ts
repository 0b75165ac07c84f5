/**
 * estimateCost: reads synthesized output (cdk.out, cdktf.out), prices every
 * resource from the versioned price table and the usage values, and lists
 * every resource that has no line item with the reason. Offline: no network,
 * no cloud library.
 */
import { AWS_DATABASE } from './aws-database';
import { AWS_SERVICES } from './aws-services';
import { GCP_PRICERS } from './gcp-pricers';
import { PriceTable } from './price-table';
import { NotPricedHit, PricerSet, pricerContext } from './pricing';
import { readSynthOutput, SynthStack } from './synth-output';
import { Cloud, CostEstimate, DISCLAIMER, LineItem, NotPriced } from './types';
import { Usage } from './usage';

/** Options of {@link estimateCost}. */
export interface EstimateOptions {
  /**
   * Usage the templates cannot know: a usage file (YAML or JSON), or the same values as an object.
   * @default - every usage value is its assumed default, marked *assumed* in the output
   */
  readonly usage?: string | Record<string, unknown>;
  /**
   * A price file in the format of the built-in table whose entries replace the built-in ones.
   * @default - the built-in price table
   */
  readonly prices?: string;
}

/** What the estimator knows, per cloud. */
export const PRICERS: Readonly<Record<Cloud, readonly PricerSet[]>> = {
  aws: [AWS_DATABASE, AWS_SERVICES],
  gcp: [GCP_PRICERS],
};

/** The detail of a resource type the estimator does not know at all. */
export const UNKNOWN_TYPE = 'resource type not known to the estimator';

/**
 * Estimates the monthly cost of the synthesized output in `outDir` (a cdk.out
 * or cdktf.out directory, or several).
 */
export function estimateCost(outDir: string | readonly string[], options: EstimateOptions = {}): CostEstimate {
  const dirs = typeof outDir === 'string' ? [outDir] : [...outDir];
  const outputs = dirs.map(readSynthOutput);
  const prices = options.prices ? PriceTable.withOverrides(options.prices) : PriceTable.builtIn();
  const usage = options.usage === undefined ? new Usage()
    : typeof options.usage === 'string' ? Usage.fromFile(options.usage) : Usage.fromObject(options.usage);
  const stacks = outputs.flatMap((o) => o.stacks);
  const { items, notPriced } = priceStacks(stacks, prices, usage);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    currency: 'USD',
    disclaimer: DISCLAIMER,
    priceTable: { version: prices.version, ...(prices.overrides ? { overrides: prices.overrides } : {}) },
    hoursPerMonth: prices.hoursPerMonth,
    outDirs: dirs,
    stacks: stacks.map((s) => ({
      cloud: s.cloud, name: s.name, region: s.region, resources: s.resources.length, names: namesOf(s),
      monthly: round(items.filter((i) => i.stack === s.name && i.cloud === s.cloud).reduce((a, i) => a + i.monthly, 0)),
    })),
    lineItems: items,
    notPriced,
    usage: usage.report(),
    monthlyTotal: round(items.reduce((a, i) => a + i.monthly, 0)),
    runbooks: outputs.flatMap((o) => o.runbooks),
  };
}

/** Prices every resource of `stacks`; exported for tests of single templates. */
export function priceStacks(stacks: readonly SynthStack[], prices: PriceTable, usage: Usage): { items: LineItem[]; notPriced: NotPriced[] } {
  const items: LineItem[] = [];
  const hits: NotPricedHit[] = [];
  for (const stack of stacks) {
    const sets = PRICERS[stack.cloud];
    for (const resource of stack.resources) {
      const region = stack.cloud === 'gcp' && typeof resource.props.region === 'string' ? resource.props.region : stack.region;
      const ctx = pricerContext({ cloud: stack.cloud, stack, resource, region, allStacks: stacks, usage, prices, items, hits });
      const pricer = sets.map((s) => s.priced[resource.type]).find((p) => p !== undefined);
      const explained = sets.map((s) => s.explained[resource.type]).find((e) => e !== undefined);
      if (pricer) pricer(ctx);
      else if (explained) ctx.notPriced(explained.reason, explained.detail);
      else ctx.notPriced('unknown', UNKNOWN_TYPE);
    }
  }
  return { items, notPriced: groupHits(hits) };
}

function groupHits(hits: readonly NotPricedHit[]): NotPriced[] {
  const groups = new Map<string, { cloud: Cloud; resourceType: string; reason: NotPriced['reason']; detail: string; resources: string[] }>();
  for (const h of hits) {
    const key = `${h.cloud}\u0000${h.resourceType}\u0000${h.reason}\u0000${h.detail}`;
    const g = groups.get(key) ?? { cloud: h.cloud, resourceType: h.resourceType, reason: h.reason, detail: h.detail, resources: [] };
    g.resources.push(h.resource);
    groups.set(key, g);
  }
  const order = { unknown: 0, 'usage-only': 1, free: 2 };
  return [...groups.values()]
    .map((g) => ({ ...g, count: g.resources.length }))
    .sort((a, b) => order[a.reason] - order[b.reason] || a.cloud.localeCompare(b.cloud) || a.resourceType.localeCompare(b.resourceType) || a.detail.localeCompare(b.detail));
}

/** Identifiers a runbook or another Region uses: global cluster, cluster, plan, state machine, instance, workflow names. */
function namesOf(stack: SynthStack): string[] {
  const keys = ['GlobalClusterIdentifier', 'DBClusterIdentifier', 'Name', 'StateMachineName', 'name'];
  const names = new Set<string>();
  for (const r of stack.resources) {
    for (const k of keys) if (typeof r.props[k] === 'string') names.add(r.props[k] as string);
  }
  return [...names].sort();
}
