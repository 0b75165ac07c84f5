/**
 * The deployment's own state, designed to survive the region it protects
 * against: every stack keeps its Terraform state in a GCS bucket you name
 * (one object per stack, under its own prefix), and the bucket's location is
 * checked against the regions each stack must stay changeable without.
 *
 * Recommendation (checked where marked ✓): a dual-region or multi-region
 * bucket (✓ a single region is refused when a stack must survive it; those
 * locations fail over automatically, RTO 0:
 * https://cloud.google.com/storage/docs/locations), object versioning on,
 * uniform bucket-level access, public access prevention enforced — what
 * {@link StateBucket} creates. Terraform's gcs backend locks the state with a
 * lock object: https://developer.hashicorp.com/terraform/language/backend/gcs
 */
import { GcsBackend, TerraformStack } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../core';
import { GCP_PROFILE } from './private/gcp-profile';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { bucketOf, GCS_DUAL_REGIONS, GCS_MULTI_REGIONS, locationKind, registerBucket, RegisteredBucket } from './private/state-registry';
import { useGoogleProvider } from './provider';

/** The GCS bucket that holds Terraform state. */
export interface StateBucketSpec {
  /** Bucket name (globally unique; see https://cloud.google.com/storage/docs/buckets#naming). */
  readonly name: string;
  /**
   * Location: a multi-region (`US`, `EU`, `ASIA`), a predefined dual-region
   * (`NAM4`, `EUR4`, `EUR5`, `EUR7`, `EUR8`, `ASIA1`), a multi-region code
   * with {@link dataLocations} (a configurable dual-region), or one region
   * (e.g. `us-east1`; refused for a stack that must survive that region).
   */
  readonly location: string;
  /**
   * The two regions of a configurable dual-region (`location` is then its multi-region, e.g. `US`).
   * @default - none
   */
  readonly dataLocations?: readonly string[];
}

/** Options of {@link useGcsStateBackend}. */
export interface GcsStateBackendOptions {
  /** The bucket. */
  readonly bucket: StateBucketSpec;
  /**
   * Prefix of the stack's state objects (`<prefix>/default.tflock`, `<prefix>/default.tfstate`).
   * @default the stack's name
   */
  readonly prefix?: string;
}

/** Validates a state bucket name and location; problems name the property under `property`. */
export function checkStateBucket(bucket: StateBucketSpec, property = 'bucket'): ConfigProblem[] {
  return [...checkBucketName(bucket.name, `${property}.name`), ...checkBucketLocation(bucket, property)];
}

/**
 * Cloud Storage bucket names (https://cloud.google.com/storage/docs/buckets#naming):
 * lowercase letters, digits, `-`, `_` and `.`; start and end with a letter or
 * digit; 3–63 characters (up to 222 with dots, each dot-separated part at
 * most 63); not an IP address; not starting with `goog`; not containing
 * `google` or a close misspelling such as `g00gle`.
 */
export function checkBucketName(name: string, property = 'bucket.name'): ConfigProblem[] {
  const bad = (why: string, fix = 'use 3–63 lowercase letters, digits, dashes and underscores, starting and ending with a letter or digit, e.g. \'acme-orders-tfstate\''): ConfigProblem =>
    ({ property, message: `${property} ${show(name)} is not a valid Cloud Storage bucket name: ${why}`, fix });
  const problems: ConfigProblem[] = [];
  if (!/^[a-z0-9._-]*$/.test(name)) problems.push(bad('only lowercase letters, digits, dashes, underscores and dots are allowed'));
  else if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push(bad('it must start and end with a letter or a digit'));
  const parts = name.split('.');
  if (name.includes('.') ? (name.length > 222 || parts.some((p) => p.length === 0 || p.length > 63)) : (name.length < 3 || name.length > 63)) {
    problems.push(bad(name.includes('.') ? 'a dotted name has at most 222 characters and dot-separated parts of 1–63' : `it has ${name.length} characters, not 3–63`));
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push(bad('it looks like an IP address'));
  if (name.startsWith('goog')) problems.push(bad("it starts with 'goog'", "choose a name that does not start with 'goog'"));
  if (/g[o0]{2}g[l1]e/.test(name)) problems.push(bad("it contains 'google' or a close misspelling", "choose a name without 'google'"));
  return problems;
}

function checkBucketLocation(bucket: StateBucketSpec, property: string): ConfigProblem[] {
  const l = bucket.location.toUpperCase();
  const problems: ConfigProblem[] = [];
  const known = GCS_MULTI_REGIONS.includes(l) || GCS_DUAL_REGIONS.includes(l) || GCP_PROFILE.regionPattern.test(bucket.location.toLowerCase());
  if (!known) {
    problems.push({
      property: `${property}.location`,
      message: `${property}.location ${show(bucket.location)} is not a Cloud Storage location`,
      fix: `use a multi-region (${GCS_MULTI_REGIONS.join(', ')}), a dual-region (${GCS_DUAL_REGIONS.join(', ')}) or a region such as 'us-east1'`,
    });
  }
  if (bucket.dataLocations !== undefined) {
    const regionsOk = bucket.dataLocations.length === 2 && bucket.dataLocations.every((r) => GCP_PROFILE.regionPattern.test(r.toLowerCase()));
    if (!GCS_MULTI_REGIONS.includes(l) || !regionsOk) {
      problems.push({
        property: `${property}.dataLocations`,
        message: `${property}.dataLocations ${show(bucket.dataLocations)} with location ${show(bucket.location)} is not a configurable dual-region`,
        fix: "give exactly two regions of one multi-region, with that multi-region as location, e.g. location 'US' and dataLocations ['us-central1', 'us-east1']",
      });
    }
  }
  return problems;
}

/**
 * Puts the stack's Terraform state in `gs://<bucket>/<prefix>/` (cdktf's
 * GcsBackend) instead of the default local file, and checks the bucket: a
 * valid name, a known location, and — as the stack's constructs declare what
 * they must survive — not a single region the stack must stay changeable
 * without (a {@link MultiRegionConfigError} at synth).
 */
export function useGcsStateBackend(stack: TerraformStack, options: GcsStateBackendOptions): GcsBackend {
  const prefix = options.prefix ?? stack.node.id;
  const problems = checkStateBucket(options.bucket);
  if (!/^[A-Za-z0-9._/-]+$/.test(prefix) || prefix.startsWith('/') || prefix.endsWith('/')) {
    problems.push({ property: 'prefix', message: `prefix ${show(prefix)} is not a plain object prefix`, fix: "use letters, digits, '.', '_', '-' and inner '/', e.g. 'orders/router'" });
  }
  if (bucketOf(stack)) problems.push({ property: 'bucket', message: 'the stack already has a state backend', fix: 'call useGcsStateBackend once per stack' });
  throwIfProblems({ construct: 'GcsStateBackend', path: stack.node.path }, problems);
  const backend = new GcsBackend(stack, { bucket: options.bucket.name, prefix });
  const registered: RegisteredBucket = { ...options.bucket, prefix };
  registerBucket(stack, registered);
  return backend;
}

/** Where a stack's state is, in words (for runbooks): `gs://b/p/default.tfstate (US, multi-region)` or the local default. */
export function describeStateLocation(stack: TerraformStack): string {
  const b = bucketOf(stack);
  if (!b) return `local file terraform.${stack.node.id}.tfstate on the machine that ran terraform (cdktf default; not reachable if that machine is)`;
  const kind = locationKind(b.location, b.dataLocations);
  return `gs://${b.name}/${b.prefix}/default.tfstate (${b.location}${b.dataLocations ? ` ${b.dataLocations.join('+')}` : ''}, ${kind})`;
}

/** Properties of {@link StateBucket}. */
export interface StateBucketProps extends StateBucketSpec {
  /** Project of the bucket. */
  readonly project: string;
  /**
   * Days a noncurrent (overwritten) state version is kept; object versioning keeps every version until then.
   * @default 365
   */
  readonly noncurrentVersionDays?: number;
}

/**
 * The bucket for Terraform state, as recommended: the location you choose
 * (dual-region or multi-region recommended), object versioning, uniform
 * bucket-level access, public access prevention enforced, never destroyed by
 * Terraform (`prevent_destroy`, no `force_destroy`). Put it in its own
 * bootstrap stack, whose own state stays local until it is migrated into
 * this bucket (docs/gcp/README.md, "Terraform state").
 */
export class StateBucket extends Construct {
  /** The bucket. */
  public readonly bucket: StorageBucket;
  /** The spec other stacks pass to {@link useGcsStateBackend}. */
  public readonly spec: StateBucketSpec;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const days = props.noncurrentVersionDays ?? 365;
    const problems = checkStateBucket(props, 'bucket').map((p) => ({ ...p, property: p.property.replace(/^bucket\./, ''), message: p.message.replace(/^bucket\./, '') }));
    if (!Number.isInteger(days) || days < 1) problems.push({ property: 'noncurrentVersionDays', message: `noncurrentVersionDays ${show(days)} is not a positive number of days`, fix: 'keep the default (365)' });
    throwIfProblems({ construct: 'StateBucket', path: this.node.path }, problems);
    useGoogleProvider(this, { project: props.project, region: props.dataLocations?.[0] ?? (locationKind(props.location) === 'region' ? props.location.toLowerCase() : 'us-central1') });
    this.spec = { name: props.name, location: props.location, dataLocations: props.dataLocations };
    this.bucket = new StorageBucket(this, 'Bucket', {
      project: props.project,
      name: props.name,
      location: props.location.toUpperCase(),
      customPlacementConfig: props.dataLocations ? { dataLocations: props.dataLocations.map((r) => r.toUpperCase()) } : undefined,
      storageClass: 'STANDARD',
      versioning: { enabled: true },
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy: false,
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { daysSinceNoncurrentTime: days, withState: 'ARCHIVED' } }],
      lifecycle: { preventDestroy: true },
    });
    dependOnServices(this, requireServices(this, props.project, [GCP_SERVICES.storage]));
  }
}
