/**
 * What each stack knows about its own Terraform state: the GCS bucket it is
 * in (set by useGcsStateBackend) and the regions whose loss it must survive
 * (declared by the constructs in it). Whichever is declared second checks
 * the pair, so the order of the calls does not matter.
 */
import { Annotations, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../../core';

/** Multi-regions: https://cloud.google.com/storage/docs/locations#location-mr */
export const GCS_MULTI_REGIONS: readonly string[] = ['ASIA', 'EU', 'US'];
/** Predefined dual-regions: https://cloud.google.com/storage/docs/locations#predefined */
export const GCS_DUAL_REGIONS: readonly string[] = ['ASIA1', 'EUR4', 'EUR5', 'EUR7', 'EUR8', 'NAM4'];

/** Where a state bucket is. */
export interface RegisteredBucket {
  readonly name: string;
  readonly location: string;
  readonly dataLocations?: readonly string[];
  readonly prefix: string;
}

/** How much a stack needs to be changeable while `region` is down. */
export type SurvivalNeed = 'required' | 'recommended';

interface Survival { readonly region: string; readonly need: SurvivalNeed; readonly why: string }

interface StackStateInfo {
  bucket?: RegisteredBucket;
  readonly survive: Survival[];
}

const registry = new WeakMap<TerraformStack, StackStateInfo>();

function info(stack: TerraformStack): StackStateInfo {
  let i = registry.get(stack);
  if (!i) { i = { survive: [] }; registry.set(stack, i); }
  return i;
}

/** `multi-region`, `dual-region` or `region`. */
export function locationKind(location: string, dataLocations?: readonly string[]): 'multi-region' | 'dual-region' | 'region' {
  const l = location.toUpperCase();
  if (GCS_DUAL_REGIONS.includes(l) || (GCS_MULTI_REGIONS.includes(l) && (dataLocations?.length ?? 0) > 0)) return 'dual-region';
  if (GCS_MULTI_REGIONS.includes(l)) return 'multi-region';
  return 'region';
}

function check(stack: TerraformStack): void {
  const i = registry.get(stack);
  if (!i?.bucket || locationKind(i.bucket.location, i.bucket.dataLocations) !== 'region') return;
  const region = i.bucket.location.toLowerCase();
  const lost = i.survive.filter((s) => s.region === region);
  const problems: ConfigProblem[] = lost.filter((s) => s.need === 'required').map((s) => ({
    property: 'bucket.location',
    message: `bucket.location ${show(i.bucket!.location)} is the region this stack must survive: ${s.why}; with its state in ${region}, nobody can plan or apply this stack while ${region} is down`,
    fix: `keep the state in a dual-region or multi-region bucket (e.g. 'US', 'EU' or 'NAM4'), or in a region other than '${region}'`,
  }));
  throwIfProblems({ construct: 'GcsStateBackend', path: stack.node.path }, problems);
  for (const s of lost.filter((x) => x.need === 'recommended')) {
    Annotations.of(stack).addWarning(`GcsStateBackend '${stack.node.path}': bucket.location '${i.bucket.location}' is a single region that ${s.why}; prefer a dual-region or multi-region state bucket`);
  }
}

/** Records the stack's state bucket and checks it against what the stack must survive. */
export function registerBucket(stack: TerraformStack, bucket: RegisteredBucket): void {
  info(stack).bucket = bucket;
  check(stack);
}

/** Declares that the stack of `scope` must stay changeable while `region` is down, and why. */
export function mustSurvive(scope: Construct, region: string, need: SurvivalNeed, why: string): void {
  const stack = TerraformStack.of(scope);
  info(stack).survive.push({ region, need, why });
  check(stack);
}

/** The state bucket of a stack, if it has one. */
export function bucketOf(stack: TerraformStack): RegisteredBucket | undefined {
  return registry.get(stack)?.bucket;
}
