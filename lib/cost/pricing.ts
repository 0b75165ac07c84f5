/**
 * The contract between the estimator and the per-service pricers: a pricer
 * turns one resource into charges (quantity × a price-table entry) or says
 * why it has none. A missing price is never a zero: `charge` records the
 * resource as not priced, naming the key, class or Region that is missing.
 */
import { PriceTable } from './price-table';
import { SynthResource, SynthStack } from './synth-output';
import { Cloud, LineItem, NotPricedReason } from './types';
import { Usage } from './usage';

/** One charge a pricer asks for. */
export interface Charge {
  /** Price table key. */
  readonly key: string;
  /** What is billed, without resource names (it keys the ladder deltas and the diff). */
  readonly item: string;
  /** Quantity in the entry's unit. */
  readonly quantity: number;
  /** Assumed usage values the quantity depends on (undefined entries are ignored). */
  readonly assumed?: readonly (string | undefined)[];
  /** Price multiplier (HA ×2, I/O-Optimized ×1.3), applied to the unit price. */
  readonly factor?: number;
  readonly floor?: boolean;
  readonly note?: string;
  /** Region to price in, when not the resource's own. */
  readonly region?: string;
  /** Detail shown under "not priced" when the price is missing (e.g. names the instance class). */
  readonly missing?: string;
}

/** What a pricer sees and can do. */
export interface PricerContext {
  readonly cloud: Cloud;
  readonly stack: SynthStack;
  readonly resource: SynthResource;
  /** The resource's Region. */
  readonly region: string;
  /** Every stack of every output read, for references across stacks. */
  readonly allStacks: readonly SynthStack[];
  readonly usage: Usage;
  readonly hoursPerMonth: number;
  /** Adds a line item, or a not-priced entry when the price table lacks the price. */
  charge(c: Charge): void;
  /** The resource has no line item, for this reason. */
  notPriced(reason: NotPricedReason, detail: string): void;
  /** A plain number from the price table (a factor), or undefined. */
  factor(key: string): number | undefined;
  /** A resource of the same stack by logical id. */
  find(id: string): SynthResource | undefined;
}

export type Pricer = (ctx: PricerContext) => void;

/** What the estimator knows about resource types of one cloud. */
export interface PricerSet {
  /** Types priced by a function. */
  readonly priced: Readonly<Record<string, Pricer>>;
  /** Types with no line item, and why (free, or usage-only). */
  readonly explained: Readonly<Record<string, { readonly reason: NotPricedReason; readonly detail: string }>>;
}

/** One not-priced resource, before grouping. */
export interface NotPricedHit {
  readonly cloud: Cloud;
  readonly resourceType: string;
  readonly reason: NotPricedReason;
  readonly detail: string;
  readonly resource: string;
}

/** Builds the context for one resource; line items and not-priced hits go to the sinks. */
export function pricerContext(args: {
  cloud: Cloud; stack: SynthStack; resource: SynthResource; region: string; allStacks: readonly SynthStack[];
  usage: Usage; prices: PriceTable; items: LineItem[]; hits: NotPricedHit[];
}): PricerContext {
  const { cloud, stack, resource, region, prices, items, hits } = args;
  const byId = new Map(stack.resources.map((r) => [r.id, r]));
  const notPriced = (reason: NotPricedReason, detail: string) => {
    hits.push({ cloud, resourceType: resource.type, reason, detail, resource: `${stack.name}/${resource.id}` });
  };
  return {
    cloud, stack, resource, region, allStacks: args.allStacks, usage: args.usage, hoursPerMonth: prices.hoursPerMonth,
    notPriced,
    factor: (key) => {
      const l = prices.lookup(cloud, region, key);
      return l.found ? l.entry.usd : undefined;
    },
    find: (id) => byId.get(id),
    charge: (c) => {
      const where = c.region ?? region;
      const l = prices.lookup(cloud, where, c.key);
      if (!l.found) {
        notPriced('unknown', l.missing === 'region'
          ? `Region '${where}' is not in the price table (${c.item})`
          : c.missing ?? `${c.item}: the price table has no '${c.key}' for ${where}`);
        return;
      }
      const unitPrice = l.entry.usd * (c.factor ?? 1);
      items.push({
        cloud, stack: stack.name, region: l.region, resource: resource.id, resourceType: resource.type,
        item: c.item, priceKey: c.key, quantity: c.quantity, unit: l.entry.unit, unitPrice,
        monthly: c.quantity * unitPrice,
        assumed: (c.assumed ?? []).filter((a): a is string => a !== undefined),
        ...(c.floor ? { floor: true } : {}),
        ...(c.note ? { note: c.note } : {}),
      });
    },
  };
}

/** `{ Ref: id }` → id. */
export function refOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' ? (value as { Ref: string }).Ref : undefined;
}
