/**
 * The shapes of a cost estimate: line items, what is not priced and why,
 * and the totals. Everything here is plain data, so `--format json` is the
 * estimate itself.
 */

/** The two clouds whose synthesized output the estimator reads. */
export type Cloud = 'aws' | 'gcp';

/** Why a resource has no line item. Never a silent zero: every resource is priced or listed with one of these. */
export type NotPricedReason =
  /** The resource costs nothing by itself (IAM, VPC, subnets, parameter groups, …). */
  | 'free'
  /** It is billed by usage the templates cannot know, and the usage file gives none. */
  | 'usage-only'
  /** The estimator or the price table does not know it (type, class, machine type or Region); never counted as zero. */
  | 'unknown';

/** One priced quantity: quantity × unit price = monthly amount. */
export interface LineItem {
  readonly cloud: Cloud;
  /** Stack name (CloudFormation stack or cdktf stack). */
  readonly stack: string;
  /** Region the price was looked up in (`global` for global services). */
  readonly region: string;
  /** Logical id (CloudFormation) or Terraform address (`type.name`). */
  readonly resource: string;
  readonly resourceType: string;
  /** What is billed, without resource names, e.g. `Aurora instance db.r6g.large`. */
  readonly item: string;
  /** Key of the price table entry. */
  readonly priceKey: string;
  readonly quantity: number;
  /** Unit of the quantity, e.g. `instance-hour`, `GB-month`. */
  readonly unit: string;
  /** USD per unit. */
  readonly unitPrice: number;
  /** USD per month (quantity × unitPrice). */
  readonly monthly: number;
  /** Usage values from assumed defaults this figure depends on, e.g. `database.storageGb = 100`. */
  readonly assumed: readonly string[];
  /** A lower bound (Serverless v2 at its minimum capacity). */
  readonly floor?: boolean;
  /** How the quantity was derived, when it is not obvious. */
  readonly note?: string;
}

/** Resources of one type that have no line item, grouped by reason and detail. */
export interface NotPriced {
  readonly cloud: Cloud;
  readonly resourceType: string;
  readonly reason: NotPricedReason;
  /** Why, naming the class, machine type or Region when one is missing. */
  readonly detail: string;
  readonly count: number;
  /** `stack/resource` of each. */
  readonly resources: readonly string[];
}

/** One synthesized stack, as read from cdk.out or cdktf.out. */
export interface StackSummary {
  readonly cloud: Cloud;
  readonly name: string;
  readonly region: string;
  readonly monthly: number;
  readonly resources: number;
  /** Names of its databases, plans and workflows (what runbooks are titled by). */
  readonly names: readonly string[];
}

/** A usage value the estimate used. */
export interface UsageUsed {
  readonly key: string;
  readonly value: number | boolean;
  /** True when the value is the built-in default, not the user's. */
  readonly assumed: boolean;
  readonly description: string;
}

/** The estimate of one synthesized output (one or more cdk.out / cdktf.out directories). */
export interface CostEstimate {
  readonly currency: 'USD';
  /** Always printed with the figures. */
  readonly disclaimer: string;
  readonly priceTable: { readonly version: string; readonly overrides?: string };
  readonly hoursPerMonth: number;
  readonly outDirs: readonly string[];
  readonly stacks: readonly StackSummary[];
  readonly lineItems: readonly LineItem[];
  readonly notPriced: readonly NotPriced[];
  readonly usage: readonly UsageUsed[];
  readonly monthlyTotal: number;
  /** Recovery estimates found in the generated runbooks of the output (runbook name → lines). */
  readonly runbooks: readonly RunbookFigures[];
}

/** The RTO/RPO lines a generated runbook states, and the database names it is about. */
export interface RunbookFigures {
  readonly file: string;
  /** The name in the runbook title (global cluster, Cloud SQL instance). */
  readonly subject: string;
  readonly switchover?: string;
  readonly failover?: string;
}

/** The fixed wording every output carries. */
export const DISCLAIMER = 'estimate in USD, list prices, before discounts and taxes';
