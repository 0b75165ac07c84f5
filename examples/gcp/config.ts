/**
 * Deployment-time configuration of the Google Cloud examples, from the
 * environment (cdktf has no `-c` context flag without its CLI):
 *
 *   GCP_PROJECT=my-project GCP_PRIMARY_REGION=us-central1 \
 *   GCP_REPLICA_REGIONS=europe-west1,asia-southeast1 \
 *   GCP_NOTIFICATION_CHANNEL=projects/my-project/notificationChannels/123 \
 *   GCP_DNS_ZONE=prod-zone GCP_DNS_NAME=example.com. \
 *   GCP_ENDPOINTS=us-central1=198.51.100.7,europe-west1=198.51.100.8 \
 *   GCP_PROVIDER_VERSION='>= 6.50.0, < 8.0.0' \
 *   GCP_STATE_BUCKET=acme-orders-tfstate GCP_STATE_BUCKET_LOCATION=US \
 *   GCP_REGIONS=us-central1,europe-west1,asia-southeast1 GCP_FIRST_PRIMARY_REGION=us-central1 \
 *   GCP_PARTITIONS=eu=europe-west1+europe-west4,us=us-central1+us-east1 \
 *   GCP_FOR_REAL=true \
 *   npx ts-node --transpile-only examples/gcp/main.ts
 *
 * With MULTIREGION_CONFIG=path (or `-c config=path`), main.ts builds that
 * configuration file's deployment alone, its values in place of the defaults
 * below; the variables above still override it.
 *
 * After a switchover or failover, swap the roles: GCP_PRIMARY_REGION=<new
 * writer> GCP_REPLICA_REGIONS=<the others>. Stacks and instance names are
 * per region, so nothing is replaced (docs/day-two.md). GCP_REGIONS (every
 * region of the deployment, role-free) makes a swap to a region outside the
 * deployment a synth-time error.
 *
 * Every value has a default so the examples synthesize with no credentials
 * and no network: primary us-central1, replica europe-west1. The defaults
 * that stand for your own resources are placeholders, all listed in
 * {@link GCP_EXAMPLE_PLACEHOLDERS}; they cannot be applied by accident:
 * every stack carries a {@link PlaceholderGuard} that fails `terraform plan`
 * while the project is the placeholder, and `GCP_FOR_REAL=true` refuses, at
 * synth, any placeholder still in use.
 */
import { TerraformStack } from 'cdktf';
import type { DeploymentConfig } from '../../lib/config';
import { ConfigProblem, parseRegionList, throwIfProblems } from '../../lib/core';
import { GuardedValue, PlaceholderGuard, StateBucketSpec, useGcsStateBackend } from '../../lib/gcp';

export interface GcpExampleConfig {
  readonly project: string;
  readonly primaryRegion: string;
  readonly replicaRegions: readonly string[];
  readonly notificationChannels: readonly string[];
  readonly dnsZone: string;
  readonly dnsName: string;
  /** Public application endpoints per region (placeholders from TEST-NET ranges). */
  readonly endpoints: Readonly<Record<string, string>>;
  readonly providerVersion?: string;
  /**
   * Phases 3–4: how the primary designates its DR replica. Unset (default):
   * automatically, once the replica exists (see PrimaryRegionProps.drReplicaDesignated);
   * GCP_DR_REPLICA_DESIGNATED=true / false forces it.
   */
  readonly drReplicaDesignated?: boolean;
  /**
   * The region that was the primary when the deployment was created: its
   * instance is named without a region suffix (`orders-p3`), every other
   * region's with one (`orders-p3-europe-west1`). Instance names are
   * create-only, so this never changes, whichever region writes today.
   */
  readonly firstPrimaryRegion: string;
  /**
   * Every region of the deployment, role-free (GCP_REGIONS). When set, the
   * primary and the replicas must be exactly these regions, so a role swap to
   * a region outside the deployment is refused at synth.
   * @default - the primary and the replica regions
   */
  readonly regions?: readonly string[];
  /**
   * Phase 5 (geo-partitioned): each partition's name, home region and replica
   * regions (the first is the standby), from GCP_PARTITIONS
   * (`eu=europe-west1+europe-west4,us=us-central1+us-east1`). After a
   * switchover inside a partition, swap its regions (`eu=europe-west4+europe-west1`):
   * stacks and instance names are per partition and region, so nothing is replaced.
   * @default eu (europe-west1, standby europe-west4) and us (us-central1, standby us-east1)
   */
  readonly partitions: readonly ExamplePartition[];
  /** GCP_FOR_REAL=true: every placeholder must have been replaced (checked at synth). */
  readonly forReal: boolean;
  /** The bucket every stack keeps its Terraform state in (created by the gcp-state stack). */
  readonly stateBucket: StateBucketSpec;
  /**
   * GCP_STATE_SELF_HOSTED=true: the gcp-state stack's own state has been
   * migrated into the bucket it created (after its first apply, with a local state).
   */
  readonly stateSelfHosted: boolean;
}

/** One partition of the phase-5 example. */
export interface ExamplePartition {
  readonly name: string;
  readonly homeRegion: string;
  readonly replicaRegions: readonly string[];
}

/** A placeholder of the examples: the environment variable that replaces it, and what to put there. */
export interface ExamplePlaceholder {
  readonly env: string;
  /** The placeholder value (or a description of it). */
  readonly placeholder: string;
  /** What to set instead. */
  readonly replaceWith: string;
}

/**
 * Every value of the examples that stands for one of your resources — the one
 * list of what to replace before `terraform apply`.
 */
export const GCP_EXAMPLE_PLACEHOLDERS = {
  project: { env: 'GCP_PROJECT', placeholder: 'example-project', replaceWith: 'your project id (a fresh project needs what docs/gcp/README.md "A fresh project" lists)' },
  dnsZone: { env: 'GCP_DNS_ZONE', placeholder: 'example-zone', replaceWith: 'the name of an existing Cloud DNS managed zone in the project' },
  dnsName: { env: 'GCP_DNS_NAME', placeholder: 'example.com.', replaceWith: "that zone's DNS name, with the trailing dot" },
  endpoints: { env: 'GCP_ENDPOINTS', placeholder: '203.0.113.0/24 (RFC 5737 documentation addresses)', replaceWith: 'region=ip,... : the public IP of your application in each region' },
  notificationChannel: { env: 'GCP_NOTIFICATION_CHANNEL', placeholder: '(none: alerts only show in the console)', replaceWith: 'projects/<project>/notificationChannels/<id> of an existing channel' },
  stateBucket: { env: 'GCP_STATE_BUCKET', placeholder: 'example-project-tfstate', replaceWith: 'a globally unique bucket name for the Terraform state (created by the gcp-state stack)' },
} as const satisfies Record<string, ExamplePlaceholder>;

const DOC_NET = /^203\.0\.113\.\d+$/;

export const GCP_EXAMPLE_DEFAULTS: GcpExampleConfig = {
  project: GCP_EXAMPLE_PLACEHOLDERS.project.placeholder,
  primaryRegion: 'us-central1',
  replicaRegions: ['europe-west1'],
  // No placeholder channel: an id that does not exist would fail the apply.
  notificationChannels: [],
  dnsZone: GCP_EXAMPLE_PLACEHOLDERS.dnsZone.placeholder,
  dnsName: GCP_EXAMPLE_PLACEHOLDERS.dnsName.placeholder,
  endpoints: {},
  firstPrimaryRegion: 'us-central1',
  forReal: false,
  // A multi-region: survives the loss of any one region of the examples.
  stateBucket: { name: GCP_EXAMPLE_PLACEHOLDERS.stateBucket.placeholder, location: 'US' },
  stateSelfHosted: false,
  partitions: [
    { name: 'eu', homeRegion: 'europe-west1', replicaRegions: ['europe-west4'] },
    { name: 'us', homeRegion: 'us-central1', replicaRegions: ['us-east1'] },
  ],
};

/** `eu=europe-west1+europe-west4,us=us-central1+us-east1` → partitions (home first). */
export function parsePartitions(value: string): ExamplePartition[] {
  return parseRegionList(value).map((entry) => {
    const [name, regions = ''] = entry.split('=');
    const [homeRegion, ...replicaRegions] = regions.split('+').filter(Boolean);
    return { name, homeRegion, replicaRegions };
  });
}

/**
 * The examples' defaults taken from a configuration file instead
 * (MULTIREGION_CONFIG=path): the GCP_* variables then override the file, as
 * they override {@link GCP_EXAMPLE_DEFAULTS} (docs/config.md, "Precedence").
 */
export function gcpExampleDefaultsFromFile(c: DeploymentConfig): GcpExampleConfig {
  const d = GCP_EXAMPLE_DEFAULTS;
  return {
    ...d,
    project: c.project ?? d.project,
    primaryRegion: c.primaryRegion,
    replicaRegions: c.replicaRegions,
    notificationChannels: c.alerts.notificationChannels,
    dnsZone: c.routing?.managedZone ?? d.dnsZone,
    dnsName: c.routing ? `${c.routing.zone}.` : d.dnsName,
    endpoints: Object.fromEntries(c.regions.filter((r) => r.endpoint).map((r) => [r.name, r.endpoint!])),
    firstPrimaryRegion: c.origin ?? c.primaryRegion,
    stateBucket: c.stateBucket ?? d.stateBucket,
    partitions: c.partitions?.map((p) => ({ name: p.name, homeRegion: p.homeRegion, replicaRegions: p.replicaRegions })) ?? d.partitions,
  };
}

/** Reads the configuration from `env`, falling back to `defaults` (the examples' own, or a file's). */
export function readGcpExampleConfig(env: NodeJS.ProcessEnv = process.env, defaults: GcpExampleConfig = GCP_EXAMPLE_DEFAULTS): GcpExampleConfig {
  const d = defaults;
  const primaryRegion = env.GCP_PRIMARY_REGION || d.primaryRegion;
  const replicaRegions = env.GCP_REPLICA_REGIONS ? parseRegionList(env.GCP_REPLICA_REGIONS) : d.replicaRegions;
  const endpoints: Record<string, string> = {};
  // Documentation addresses (RFC 5737), one per region, unless the defaults (a file) or GCP_ENDPOINTS=region=ip,... give one.
  [primaryRegion, ...replicaRegions].forEach((r, i) => { endpoints[r] = `203.0.113.${10 + i}`; });
  Object.assign(endpoints, d.endpoints);
  for (const pair of parseRegionList(env.GCP_ENDPOINTS)) {
    const [region, ip] = pair.split('=');
    if (region && ip) endpoints[region] = ip;
  }
  const config: GcpExampleConfig = {
    project: env.GCP_PROJECT || d.project,
    primaryRegion,
    replicaRegions,
    notificationChannels: env.GCP_NOTIFICATION_CHANNEL ? [env.GCP_NOTIFICATION_CHANNEL] : d.notificationChannels,
    dnsZone: env.GCP_DNS_ZONE || d.dnsZone,
    dnsName: env.GCP_DNS_NAME || d.dnsName,
    endpoints,
    providerVersion: env.GCP_PROVIDER_VERSION || undefined,
    drReplicaDesignated: env.GCP_DR_REPLICA_DESIGNATED === 'true' ? true : env.GCP_DR_REPLICA_DESIGNATED === 'false' ? false : undefined,
    firstPrimaryRegion: env.GCP_FIRST_PRIMARY_REGION || d.firstPrimaryRegion,
    regions: env.GCP_REGIONS ? parseRegionList(env.GCP_REGIONS) : undefined,
    forReal: env.GCP_FOR_REAL === 'true',
    stateBucket: { name: env.GCP_STATE_BUCKET || d.stateBucket.name, location: env.GCP_STATE_BUCKET_LOCATION || d.stateBucket.location },
    stateSelfHosted: env.GCP_STATE_SELF_HOSTED === 'true',
    partitions: env.GCP_PARTITIONS ? parsePartitions(env.GCP_PARTITIONS) : d.partitions,
  };
  const source = { construct: 'GcpExampleConfig', path: 'examples/gcp/config.ts' };
  throwIfProblems(source, regionProblems(config));
  if (config.forReal) throwIfProblems(source, placeholderProblems(config));
  return config;
}

/**
 * GCP_REGIONS, when set, is the deployment's role-free list of regions: the
 * primary and the replicas must be exactly these.
 */
export function regionProblems(c: GcpExampleConfig): ConfigProblem[] {
  if (!c.regions) return [];
  const problems: ConfigProblem[] = [];
  const roles = [c.primaryRegion, ...c.replicaRegions];
  const outside = roles.filter((r) => !c.regions!.includes(r));
  const missing = c.regions.filter((r) => !roles.includes(r));
  if (outside.length > 0) {
    problems.push({
      property: outside.includes(c.primaryRegion) ? 'GCP_PRIMARY_REGION' : 'GCP_REPLICA_REGIONS',
      message: `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a region of this deployment (GCP_REGIONS ${c.regions.join(',')})${outside.includes(c.primaryRegion) ? ': making it the primary would create a new, empty primary instead of moving the writes' : ''}`,
      fix: `to swap roles, choose the primary among ${c.regions.join(', ')} and list the others in GCP_REPLICA_REGIONS; to add a region, add it to GCP_REGIONS and GCP_REPLICA_REGIONS first (a new replica), then switch over`,
    });
  }
  if (missing.length > 0) {
    problems.push({
      property: 'GCP_REPLICA_REGIONS',
      message: `GCP_REPLICA_REGIONS leaves out ${missing.join(', ')} of GCP_REGIONS: their instances would be deleted`,
      fix: `list every region of GCP_REGIONS other than the primary in GCP_REPLICA_REGIONS (${c.regions.filter((r) => r !== c.primaryRegion).join(',')}), or remove the region from GCP_REGIONS to retire it on purpose`,
    });
  }
  return problems;
}

/**
 * The instance name of every region of a deployment named `name`: the
 * region that was first primary keeps the bare name, the others get a
 * region suffix. Role-free: the same map before and after a swap.
 */
export function instanceNamesOf(c: GcpExampleConfig, name: string, regions: readonly string[] = c.regions ?? [c.primaryRegion, ...c.replicaRegions]): Record<string, string> {
  return Object.fromEntries(regions.map((r) => [r, r === c.firstPrimaryRegion ? name : `${name}-${r}`]));
}

/** The placeholders still in use (what GCP_FOR_REAL=true refuses). */
export function placeholderProblems(c: GcpExampleConfig): ConfigProblem[] {
  const P = GCP_EXAMPLE_PLACEHOLDERS;
  const problem = (p: ExamplePlaceholder, value: string): ConfigProblem => ({
    property: p.env,
    message: `${p.env} is the placeholder ${JSON.stringify(value)}, but GCP_FOR_REAL is true`,
    fix: `set ${p.env} to ${p.replaceWith}`,
  });
  const problems: ConfigProblem[] = [];
  if (c.project === P.project.placeholder) problems.push(problem(P.project, c.project));
  if (c.dnsZone === P.dnsZone.placeholder) problems.push(problem(P.dnsZone, c.dnsZone));
  if (c.dnsName === P.dnsName.placeholder) problems.push(problem(P.dnsName, c.dnsName));
  const docIps = Object.entries(c.endpoints).filter(([, ip]) => DOC_NET.test(ip)).map(([r]) => r);
  if (docIps.length > 0) problems.push(problem(P.endpoints, `203.0.113.x for ${docIps.join(', ')}`));
  if (c.notificationChannels.length === 0) problems.push(problem(P.notificationChannel, 'none'));
  if (c.stateBucket.name === P.stateBucket.placeholder) problems.push(problem(P.stateBucket, c.stateBucket.name));
  return problems;
}

/**
 * Adds the apply-time guard to a stack: `terraform plan` fails while the
 * project (and, for `extra` values, the DNS zone and name) is a placeholder.
 */
export function guardPlaceholders(stack: TerraformStack, c: GcpExampleConfig, withDns = false): PlaceholderGuard {
  const P = GCP_EXAMPLE_PLACEHOLDERS;
  const fix = (p: ExamplePlaceholder) => `set ${p.env} to ${p.replaceWith} and synthesize again (examples/gcp/config.ts lists every placeholder)`;
  const values: Record<string, GuardedValue> = {
    project: { value: c.project, placeholder: P.project.placeholder, fix: fix(P.project) },
    ...(withDns ? {
      dns_zone: { value: c.dnsZone, placeholder: P.dnsZone.placeholder, fix: fix(P.dnsZone) },
      dns_name: { value: c.dnsName, placeholder: P.dnsName.placeholder, fix: fix(P.dnsName) },
    } : {}),
  };
  return new PlaceholderGuard(stack, 'Placeholders', { values });
}

/**
 * Every example stack keeps its Terraform state in the state bucket, under
 * its own prefix (the stack name): no local file, no absolute path.
 */
export function useStateBucket(stack: TerraformStack, c: GcpExampleConfig): void {
  useGcsStateBackend(stack, { bucket: c.stateBucket });
}
