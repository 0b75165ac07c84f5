import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ConfigProblem, parseRegionList, Phase, show, throwIfProblems } from '../core';
import { PrimaryRegion, PrimaryRegionProps } from './primary-region';
import { ReadReplicaRegion, ReadReplicaRegionProps } from './read-replica-region';

/** Deployment-time configuration of a ladder deployment. */
export interface LadderConfig {
  /** AWS account of every stack. @default - environment-agnostic account */
  readonly account?: string;
  /** The read-write region. */
  readonly primaryRegion: string;
  /** Read-only regions. @default [] */
  readonly replicaRegions?: readonly string[];
  /**
   * Availability zones of the VPCs the deployment creates, by region
   * (`{ 'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] }`): a listed
   * region needs no lookup, so synth needs no AWS credentials.
   * @default - every region's zones are looked up by the CDK CLI (cdk.context.json)
   */
  readonly availabilityZones?: Readonly<Record<string, readonly string[]>>;
}

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
  /** Extra props for the primary. @default {} */
  readonly primary?: Omit<PrimaryRegionProps, 'replicaRegions' | 'phase'>;
  /** Extra props for every replica. @default {} */
  readonly replica?: Omit<ReadReplicaRegionProps, 'primary'>;
  /**
   * The network of each region, called with the region's stack before its
   * database is built, primary first: return the region's own VPC (for
   * example `ec2.Vpc.fromLookup(stack, 'Vpc', { vpcName: 'shared' })`, or a
   * VPC made in `stack`) and/or its availability zones. Takes precedence over
   * `primary.vpc` / `replica.vpc` and `availabilityZones`.
   * @default - a new VPC in every region
   */
  readonly network?: (stack: Stack, region: string) => RegionNetwork;
  /** Props applied to every stack (tags, synthesizer…). @default {} */
  readonly stackProps?: Omit<StackProps, 'env'>;
}

/**
 * All stacks of one ladder phase: a primary stack and one stack per replica
 * region, wired without cross-region references (deterministic names and
 * stack dependencies). Put it directly in an `App` or a `Stage`.
 */
export class LadderDeployment extends Construct {
  public readonly primaryStack: Stack;
  public readonly primary: PrimaryRegion;
  public readonly replicaStacks: readonly Stack[];
  public readonly replicas: readonly ReadReplicaRegion[];

  constructor(scope: Construct, id: string, props: LadderDeploymentProps) {
    super(scope, id);
    const prefix = props.stackPrefix ?? id;
    const replicaRegions = props.replicaRegions ?? [];
    this.primaryStack = new Stack(scope, `${prefix}-Primary`, {
      ...props.stackProps,
      env: { account: props.account, region: props.primaryRegion },
      description: `multiregion-constructs phase ${props.phase}: primary region ${props.primaryRegion}`,
    });
    this.primary = new PrimaryRegion(this.primaryStack, 'Database', {
      globalClusterIdentifier: props.primary?.globalClusterIdentifier ?? `${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-global`,
      ...props.primary,
      ...regionNetwork(props, this.primaryStack, props.primaryRegion, props.primary),
      replicaRegions,
      phase: props.phase,
    });
    this.replicaStacks = replicaRegions.map((region) => new Stack(scope, `${prefix}-Replica-${region}`, {
      ...props.stackProps,
      env: { account: props.account, region },
      description: `multiregion-constructs phase ${props.phase}: read replica region ${region} of ${props.primaryRegion}`,
    }));
    this.replicas = this.replicaStacks.map((stack, i) => new ReadReplicaRegion(stack, 'Database', {
      ...props.replica,
      ...regionNetwork(props, stack, replicaRegions[i], props.replica),
      primary: this.primary,
    }));
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
 */
export function readLadderConfig(scope: Construct, defaults: LadderConfig): LadderConfig {
  const node = scope.node;
  const problems: ConfigProblem[] = [];
  const primaryRegion = node.tryGetContext('primaryRegion') ?? defaults.primaryRegion;
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
    ...(availabilityZones ? { availabilityZones } : {}),
  };
}
