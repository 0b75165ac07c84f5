import { Stack, StackProps } from 'aws-cdk-lib';
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
      replicaRegions,
      phase: props.phase,
    });
    this.replicaStacks = replicaRegions.map((region) => new Stack(scope, `${prefix}-Replica-${region}`, {
      ...props.stackProps,
      env: { account: props.account, region },
      description: `multiregion-constructs phase ${props.phase}: read replica region ${region} of ${props.primaryRegion}`,
    }));
    this.replicas = this.replicaStacks.map((stack) => new ReadReplicaRegion(stack, 'Database', {
      ...props.replica,
      primary: this.primary,
    }));
  }
}

/**
 * Reads regions and account from CDK context, so an administrator changes
 * them at deploy time without code:
 *
 *   cdk synth -c primaryRegion=us-east-1 -c replicaRegions=eu-west-1,ap-southeast-2 -c account=123456789012
 *
 * `replicaRegions` accepts a comma-separated list or a JSON array.
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
  const account = node.tryGetContext('account') ?? defaults.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !/^\d{12}$/.test(String(account))) {
    problems.push({
      property: 'account',
      message: `context account ${show(account)} is not a 12-digit AWS account id`,
      fix: 'pass -c account=123456789012',
    });
  }
  throwIfProblems({ construct: 'LadderConfig', path: node.path || 'App' }, problems);
  return { account: account === undefined ? undefined : String(account), primaryRegion: String(primaryRegion), replicaRegions };
}
