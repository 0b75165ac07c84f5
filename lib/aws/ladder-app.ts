import { Annotations, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ConfigProblem, parseRegionList, Phase, show, throwIfProblems } from '../core';
import { LadderFileOptions, LadderFromFile, ladderFromFile } from './ladder-file';
import { DiscoveryDeployment } from './discovery';
import { PrimaryRegion, PrimaryRegionProps } from './primary-region';
import { ReadReplicaRegion, ReadReplicaRegionProps } from './read-replica-region';

/** Deployment-time configuration of a ladder deployment. */
export interface LadderConfig {
  /** AWS account of every stack. @default - environment-agnostic account */
  readonly account?: string;
  /**
   * The region that holds the writer today: a ROLE. After a switchover or a
   * failover, set it to the new writer's region (and keep {@link originRegion}):
   * only role-bound things follow it (the runbook's direction, the automatic
   * failover's detection alarm); no database, key or secret is replaced.
   */
  readonly primaryRegion: string;
  /**
   * Read-only regions (every region of the deployment but `primaryRegion`).
   * After a role swap, put the old writer where the new writer was, so the
   * regions keep their order. @default []
   */
  readonly replicaRegions?: readonly string[];
  /**
   * The region the global database was created in: its stack holds the
   * PrimaryRegion construct (the cluster with the master credentials, the
   * secret and the `AWS::RDS::GlobalCluster` created from that cluster). It
   * never changes, whichever region writes — pin it before the first
   * failover (`-c originRegion=us-east-1`, or in cdk.json's context).
   * @default primaryRegion (with a synth-time warning in a multi-region deployment)
   */
  readonly originRegion?: string;
  /**
   * Availability zones of the VPCs the deployment creates, by region
   * (`{ 'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] }`): a listed
   * region needs no lookup, so synth needs no AWS credentials.
   * @default - every region's zones are looked up by the CDK CLI (cdk.context.json)
   */
  readonly availabilityZones?: Readonly<Record<string, readonly string[]>>;
}

/** How {@link LadderDeployment} names its database stacks. */
export type LadderStackNaming = 'by-region' | 'by-role';

/** The network of one region of a {@link LadderDeployment}. */
export interface RegionNetwork {
  /** The VPC of the region's database (built or looked up in the region's stack). @default a new VPC */
  readonly vpc?: ec2.IVpc;
  /** Zones of the VPC the construct creates (not used with `vpc`). @default from LadderConfig.availabilityZones, else looked up */
  readonly availabilityZones?: readonly string[];
}

/** Properties of {@link LadderDeployment}. */
export interface LadderDeploymentProps extends LadderConfig {
  /** Phase of the ladder. */
  readonly phase: Phase;
  /** Prefix of the stack names, e.g. `Orders`. @default the construct id */
  readonly stackPrefix?: string;
  /**
   * Stack names. `'by-region'`: `<prefix>-<region>` for every database region
   * (`Orders-us-east-1`, `Orders-eu-west-1`): a name never depends on which
   * region writes. `'by-role'` (deprecated): the names of earlier versions,
   * `<prefix>-Primary` for the origin region and `<prefix>-Replica-<region>`
   * for the others — keep it for a deployment created with them, since a
   * renamed stack is a new stack (CloudFormation would create a second
   * database next to the deployed one). "Primary" then means the origin
   * region, whichever region writes. Migrating: docs/aws/day-two.md.
   * @default 'by-region'
   */
  readonly stackNaming?: LadderStackNaming;
  /** Extra props for the primary. @default {} */
  readonly primary?: Omit<PrimaryRegionProps, 'replicaRegions' | 'phase' | 'writerRegion'>;
  /** Extra props for every replica. @default {} */
  readonly replica?: Omit<ReadReplicaRegionProps, 'primary'>;
  /**
   * Replica regions without a reader instance (pilot light, `role: headless`
   * in a configuration file): storage is replicated, nothing serves reads.
   * Takes precedence over `replica.instances` for these regions.
   * @default [] (every replica region has `replica.instances` readers)
   */
  readonly headlessRegions?: readonly string[];
  /**
   * The network of each region, called with the region's stack before its
   * database is built, origin region first: return the region's own VPC (for
   * example `ec2.Vpc.fromLookup(stack, 'Vpc', { vpcName: 'shared' })`, or a
   * VPC made in `stack`) and/or its availability zones. Takes precedence over
   * `primary.vpc` / `replica.vpc` and `availabilityZones`.
   * @default - a new VPC in every region
   */
  readonly network?: (stack: Stack, region: string) => RegionNetwork;
  /** Props applied to every stack (tags, synthesizer…). @default {} */
  readonly stackProps?: Omit<StackProps, 'env'>;
  /**
   * Publish a discovery record in every region under this name,
   * `/multiregion/<discoveryName>/<region>/database` (docs/connect-your-app.md).
   * @default - no discovery records
   */
  readonly discoveryName?: string;
}

/**
 * All stacks of one ladder phase: one stack per database region, wired
 * without cross-region references (deterministic names and stack
 * dependencies). Stacks are named by region; the origin region's stack holds
 * the {@link PrimaryRegion}, every other region's a {@link ReadReplicaRegion},
 * whichever region writes today (`primaryRegion`). Put it directly in an
 * `App` or a `Stage`.
 */
export class LadderDeployment extends Construct {
  /**
   * Builds the deployment a configuration file describes (multiregion.yaml,
   * docs/config.md) into `scope`: the database stacks and, from phase 3, the
   * routing stack (`<stackPrefix>-Routing`: GlobalRouter and FailoverRunbook).
   * The file is validated first; every problem is thrown at once with its
   * file:line:column. Context keys (`-c primaryRegion=…` and the others
   * readLadderConfig reads, plus stackNaming, hostedZoneId, domainName,
   * appEndpoints and failoverEngine) override the file. Phase 5 builds a
   * GeoPartitionedDatabase (`mode: geo-partitioned`, with a DeploymentMonitoring
   * per partition) or an ActiveActiveDatabase (`mode: active-active`, Aurora
   * DSQL with `witnessRegion`) instead of a LadderDeployment (`ladder` is then undefined).
   */
  public static fromFile(scope: Construct, file: string, options?: LadderFileOptions): LadderFromFile {
    return ladderFromFile(scope, file, options);
  }

  /** The origin region's stack (the PrimaryRegion). */
  public readonly primaryStack: Stack;
  /** The origin region's database: created the global database, holds the secret. */
  public readonly primary: PrimaryRegion;
  /** The other regions' stacks, in configuration order. */
  public readonly replicaStacks: readonly Stack[];
  /** The other regions' databases, in configuration order. */
  public readonly replicas: readonly ReadReplicaRegion[];
  /** Every database stack, by region. */
  public readonly stacksByRegion: Readonly<Record<string, Stack>>;
  /** The region that holds the writer (the configured `primaryRegion`). */
  public readonly writerRegion: string;
  /** The region the global database was created in (the PrimaryRegion's). */
  public readonly originRegion: string;
  /** What applications pass to `DatabaseConnection.fromRegion`, when `discoveryName` is set. */
  public readonly discovery?: DiscoveryDeployment;

  constructor(scope: Construct, id: string, props: LadderDeploymentProps) {
    super(scope, id);
    const prefix = props.stackPrefix ?? id;
    const naming = props.stackNaming ?? 'by-region';
    const source = { construct: 'LadderDeployment', path: this.node.path };
    const configured = [props.primaryRegion, ...(props.replicaRegions ?? [])];
    const originRegion = props.originRegion ?? props.primaryRegion;
    const problems: ConfigProblem[] = [];
    if (naming !== 'by-region' && naming !== 'by-role') {
      problems.push({ property: 'stackNaming', message: `stackNaming ${show(naming)} is not a naming scheme`, fix: "set stackNaming to 'by-region' (new deployments) or 'by-role' (a deployment created with <prefix>-Primary / <prefix>-Replica-<region> stacks)" });
    }
    if (!configured.includes(originRegion)) {
      problems.push({
        property: 'originRegion',
        message: `originRegion ${show(originRegion)} is not a region of the deployment (${show(configured)})`,
        fix: 'set originRegion to the region the global database was created in (its PrimaryRegion stack), and list that region in primaryRegion or replicaRegions — a deployed region stays in the deployment after a failover',
      });
    }
    throwIfProblems(source, problems);
    this.originRegion = originRegion;
    this.writerRegion = props.primaryRegion;
    // The PrimaryRegion's replicas, in a stable order. While the origin
    // writes they are replicaRegions as configured. After a role swap —
    // primaryRegion set to the new writer, the old writer put in its place in
    // replicaRegions (docs/aws/day-two.md) — the new writer takes the origin's
    // place back, so the list (the secret's replica regions, the write
    // route's default standby) is the one the deployment was created with.
    const given = props.replicaRegions ?? [];
    const replicaRegions = originRegion === props.primaryRegion
      ? [...given]
      : given.map((r) => (r === originRegion ? props.primaryRegion : r));
    if (replicaRegions.length > 0 && props.originRegion === undefined) {
      Annotations.of(this).addWarningV2('multiregion-constructs:origin-region-not-pinned', `originRegion is not set, so the origin is primaryRegion (${props.primaryRegion}). `
        + 'The origin is the region the global database was created in; it must not follow the writer after a failover. '
        + `Pin it now: originRegion: '${originRegion}' (or -c originRegion=${originRegion}, or cdk.json context). `
        + 'Since multiregion-constructs 0.2 stacks are named by region; a deployment created with <prefix>-Primary / <prefix>-Replica-<region> stacks sets stackNaming: \'by-role\' (docs/aws/day-two.md).');
    }
    if (naming === 'by-role') {
      Annotations.of(this).addWarningV2('multiregion-constructs:stack-naming-by-role', `stackNaming 'by-role' is deprecated: ${prefix}-Primary is the origin region ${originRegion}, whichever region writes. `
        + 'Keep it for this deployment, or migrate to by-region names deliberately (docs/aws/day-two.md): a renamed stack is a new stack.');
    }
    const stackName = (region: string) => (naming === 'by-role'
      ? (region === originRegion ? `${prefix}-Primary` : `${prefix}-Replica-${region}`)
      : `${prefix}-${region}`);
    // 'by-role' keeps the descriptions of earlier versions too, so `cdk diff` of such a deployment stays empty.
    const description = (region: string) => (naming === 'by-role'
      ? `multiregion-constructs phase ${props.phase}: ${region === originRegion ? `primary region ${region}` : `read replica region ${region} of ${originRegion}`}`
      : `multiregion-constructs phase ${props.phase}: database region ${region}${region === originRegion && replicaRegions.length > 0 ? ' (origin of the global database)' : ''}`);
    const stackOf = (region: string) => new Stack(scope, stackName(region), {
      ...props.stackProps,
      env: { account: props.account, region },
      description: description(region),
    });
    this.primaryStack = stackOf(originRegion);
    this.primary = new PrimaryRegion(this.primaryStack, 'Database', {
      globalClusterIdentifier: props.primary?.globalClusterIdentifier ?? `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-global`,
      ...props.primary,
      ...regionNetwork(props, this.primaryStack, originRegion, props.primary),
      replicaRegions,
      writerRegion: props.primaryRegion,
      phase: props.phase,
    });
    this.replicaStacks = replicaRegions.map((region) => stackOf(region));
    const headless = new Set(props.headlessRegions ?? []);
    this.replicas = this.replicaStacks.map((stack, i) => new ReadReplicaRegion(stack, 'Database', {
      ...props.replica,
      ...(headless.has(replicaRegions[i]) ? { instances: 0 } : {}),
      ...regionNetwork(props, stack, replicaRegions[i], props.replica),
      primary: this.primary,
    }));
    this.stacksByRegion = Object.fromEntries([this.primaryStack, ...this.replicaStacks].map((s) => [s.region, s]));
    if (props.discoveryName !== undefined) {
      this.discovery = this.primary.publishDiscovery(props.discoveryName).deployment;
      for (const replica of this.replicas) replica.publishDiscovery(props.discoveryName);
    }
  }
}

/** One region's network: the `network` callback, then the construct props, then the config's zones. */
function regionNetwork(props: LadderDeploymentProps, stack: Stack, region: string, given: RegionNetwork | undefined): RegionNetwork {
  const custom = props.network?.(stack, region) ?? {};
  const vpc = custom.vpc ?? given?.vpc;
  if (custom.vpc) return { vpc, availabilityZones: custom.availabilityZones };
  const availabilityZones = custom.availabilityZones ?? given?.availabilityZones ?? (vpc ? undefined : props.availabilityZones?.[region]);
  return { vpc, availabilityZones };
}

/**
 * Reads regions and account from CDK context, so an administrator changes
 * them at deploy time without code:
 *
 *   cdk synth -c primaryRegion=us-east-1 -c replicaRegions=eu-west-1,ap-southeast-2 -c account=123456789012 \
 *     -c availabilityZones=us-east-1a,us-east-1b,us-east-1c,eu-west-1a,eu-west-1b,eu-west-1c
 *
 * `replicaRegions` and `availabilityZones` accept a comma-separated list or a
 * JSON array; zones are grouped by the region their name starts with.
 * `originRegion` (the region the global database was created in) comes from
 * context too; pin it in cdk.json before the first failover.
 */
export function readLadderConfig(scope: Construct, defaults: LadderConfig): LadderConfig {
  const node = scope.node;
  const problems: ConfigProblem[] = [];
  const primaryRegion = node.tryGetContext('primaryRegion') ?? defaults.primaryRegion;
  const originRegion = node.tryGetContext('originRegion') ?? defaults.originRegion;
  let replicaRegions: string[] = [...(defaults.replicaRegions ?? [])];
  const raw = node.tryGetContext('replicaRegions');
  if (raw !== undefined) {
    try {
      replicaRegions = parseRegionList(raw);
    } catch {
      problems.push({
        property: 'replicaRegions',
        message: `context replicaRegions ${show(raw)} is not a list of regions`,
        fix: 'pass -c replicaRegions=eu-west-1,ap-southeast-2 or a JSON array',
      });
    }
  }
  let availabilityZones = defaults.availabilityZones;
  const rawZones = node.tryGetContext('availabilityZones');
  if (rawZones !== undefined) {
    let zones: string[] = [];
    try {
      zones = parseRegionList(rawZones);
    } catch {
      zones = [String(rawZones)];
    }
    // A zone name is its region's name and a letter: us-east-1a.
    const bad = zones.filter((z) => !/^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/.test(z));
    if (bad.length > 0 || zones.length === 0) {
      problems.push({
        property: 'availabilityZones',
        message: `context availabilityZones ${show(rawZones)} is not a list of availability zone names${bad.length > 0 ? ` (${show(bad)})` : ''}`,
        fix: 'pass -c availabilityZones=us-east-1a,us-east-1b,us-east-1c,eu-west-1a,eu-west-1b,eu-west-1c (zone names, not zone IDs)',
      });
    } else {
      const byRegion: Record<string, string[]> = {};
      for (const zone of zones) (byRegion[zone.slice(0, -1)] ??= []).push(zone);
      availabilityZones = { ...defaults.availabilityZones, ...byRegion };
    }
  }
  const account = node.tryGetContext('account') ?? defaults.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !/^\d{12}$/.test(String(account))) {
    problems.push({
      property: 'account',
      message: `context account ${show(account)} is not a 12-digit AWS account id`,
      fix: 'pass -c account=123456789012',
    });
  }
  throwIfProblems({ construct: 'LadderConfig', path: node.path || 'App' }, problems);
  return {
    account: account === undefined ? undefined : String(account),
    primaryRegion: String(primaryRegion),
    replicaRegions,
    ...(originRegion !== undefined ? { originRegion: String(originRegion) } : {}),
    ...(availabilityZones ? { availabilityZones } : {}),
  };
}
