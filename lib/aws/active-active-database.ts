import { Annotations, attachCustomSynthesis, CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  activeActiveBlastRadius, CONFLICT_MODELS, ConflictModel, DataResidency, renderConflictModelMarkdown, throwIfMissing, throwIfProblems,
  writeOutputFiles,
} from '../core';
import { DSQL_CONFLICT_NOTE, renderDsqlRunbook } from './private/dsql-runbook';
import { dsqlProblems } from './private/dsql-rules';

/** Properties of {@link ActiveActiveDatabase}. */
export interface ActiveActiveDatabaseProps {
  /**
   * The two Regions of the peered clusters, both writable, in one Aurora
   * DSQL Region set (US: us-east-1, us-east-2, us-west-2; Asia Pacific:
   * ap-northeast-1, -2, -3; Europe: eu-central-1, eu-west-1, -2, -3).
   */
  readonly regions: readonly string[];
  /** The witness Region: a third Region of the same set (never a peer's). */
  readonly witnessRegion: string;
  /**
   * Which regions may hold a copy of the data: both peers and the witness
   * (it stores encrypted transaction logs) must be allowed.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
  /**
   * The identifier of each cluster, known after the first deploy (each
   * stack's `ClusterIdentifier` output). With both, the templates list both
   * cluster ARNs and the next deploy peers the clusters; without them the
   * clusters wait in `PENDING_SETUP`. Deployment-time configuration (CDK
   * context), never derived from a role.
   * @default - not peered yet (a synth-time warning says what to do)
   */
  readonly clusterIdentifiers?: Readonly<Record<string, string>>;
  /** AWS account of both stacks. @default - environment-agnostic account */
  readonly account?: string;
  /**
   * Prefix of the stack names: `<prefix>-<region>` (by region, never by role).
   * @default the construct id
   */
  readonly stackPrefix?: string;
  /**
   * Encrypt each cluster with a new customer-managed KMS key in its Region
   * (rotation on, retained), or with the AWS owned key DSQL uses by default.
   * @default 'customer-managed'
   */
  readonly encryption?: 'customer-managed' | 'aws-owned';
  /**
   * Deletion protection on both clusters. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Explicitly accept that deleting a cluster deletes its data.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * Write the Markdown runbook (Region loss, peering, conflicts) to `<cdk.out>/runbooks/<prefix>-dsql.md`.
   * @default true
   */
  readonly writeRunbook?: boolean;
  /** Props applied to both stacks (tags, synthesizer…). @default {} */
  readonly stackProps?: Omit<StackProps, 'env'>;
}

/**
 * Phase 5, active-active on AWS: an Aurora DSQL multi-Region cluster — two
 * peered `AWS::DSQL::Cluster`s, each in a stack of its Region, both
 * writable with strong consistency, plus a witness Region for quorum.
 * Concurrent writes to the same rows conflict at commit and one transaction
 * is told to retry (SQLSTATE 40001): see {@link conflictModel}.
 *
 * Peering across the two Regions is plain CloudFormation, in two deploys
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/mr-cluster-setup.html):
 * the first creates each cluster with its witness Region, the second — with
 * `clusterIdentifiers` set — lists both ARNs in both templates. No custom
 * resource, no cross-region reference.
 *
 * Put it directly in the `App` (or a `Stage`): it creates the stacks as its siblings.
 */
export class ActiveActiveDatabase extends Construct {
  /** The cluster of each Region. */
  public readonly clusters: Readonly<Record<string, dsql.CfnCluster>>;
  /** The stack of each Region. */
  public readonly stacks: readonly Stack[];
  /** The customer-managed key of each Region (empty with `encryption: 'aws-owned'`). */
  public readonly keys: Readonly<Record<string, kms.Key>>;
  /** The peered Regions. */
  public readonly regions: readonly string[];
  /** The witness Region. */
  public readonly witnessRegion: string;
  /** Whether the templates peer the clusters (both identifiers given). */
  public readonly peered: boolean;
  /** Prefix of the stack names. */
  public readonly stackPrefix: string;
  /** The Markdown runbook. */
  public readonly runbookMarkdown: string;
  /** File name of the runbook under `<cdk.out>/runbooks/`. */
  public readonly runbookFileName: string;

  constructor(scope: Construct, id: string, props: ActiveActiveDatabaseProps) {
    super(scope, id);
    const source = { construct: 'ActiveActiveDatabase', path: this.node.path };
    throwIfMissing(source, props, {
      regions: "the two Regions of the peered clusters, e.g. ['us-east-1', 'us-east-2']",
      witnessRegion: "a third Region of the same Region set, e.g. 'us-west-2'",
    });
    const deletionProtection = props.deletionProtection ?? true;
    throwIfProblems(source, dsqlProblems({
      regions: props.regions,
      witnessRegion: props.witnessRegion,
      residency: props.residency,
      clusterIdentifiers: props.clusterIdentifiers,
      deletionProtection,
      allowDataLossOnDelete: props.allowDataLossOnDelete ?? false,
    }));
    const prefix = props.stackPrefix ?? id;
    this.stackPrefix = prefix;
    this.regions = [...props.regions];
    this.witnessRegion = props.witnessRegion;
    const ids = props.clusterIdentifiers;
    this.peered = ids !== undefined && this.regions.every((r) => ids[r] !== undefined);
    const clusters: Record<string, dsql.CfnCluster> = {};
    const keys: Record<string, kms.Key> = {};
    const stacks: Stack[] = [];
    for (const region of this.regions) {
      const stack = new Stack(scope, `${prefix}-${region}`, {
        ...props.stackProps,
        env: { account: props.account, region },
        description: `multiregion-constructs phase 5: Aurora DSQL peered cluster in ${region} (peer ${this.regions.find((r) => r !== region)}, witness ${this.witnessRegion})`,
      });
      stacks.push(stack);
      let key: kms.Key | undefined;
      if ((props.encryption ?? 'customer-managed') === 'customer-managed') {
        key = new kms.Key(stack, 'Key', {
          description: `Encrypts the Aurora DSQL cluster of ${prefix} in ${region}`,
          enableKeyRotation: true,
          removalPolicy: RemovalPolicy.RETAIN,
        });
        // What DSQL needs on a customer-managed key, for this account's clusters
        // in this Region only (the cluster id is not known before the key exists):
        // https://docs.aws.amazon.com/aurora-dsql/latest/userguide/data-encryption.html
        const onlyOurClusters = {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'dsql', resource: 'cluster', resourceName: '*' }) },
        };
        key.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'AuroraDsqlUseOfTheKey',
          principals: [new iam.ServicePrincipal('dsql.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
          resources: ['*'],
          conditions: onlyOurClusters,
        }));
        key.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'AuroraDsqlDescribeKey',
          principals: [new iam.ServicePrincipal('dsql.amazonaws.com')],
          actions: ['kms:DescribeKey'],
          resources: ['*'],
          conditions: onlyOurClusters,
        }));
        keys[region] = key;
      }
      const arn = (r: string) => stack.formatArn({ service: 'dsql', region: r, resource: 'cluster', resourceName: ids![r] });
      const cluster = new dsql.CfnCluster(stack, 'Cluster', {
        deletionProtectionEnabled: deletionProtection,
        kmsEncryptionKey: key ? key.keyArn : 'AWS_OWNED_KMS_KEY',
        multiRegionProperties: {
          witnessRegion: this.witnessRegion,
          // Both ARNs in both templates, as the CloudFormation procedure does.
          clusters: this.peered ? this.regions.map(arn) : undefined,
        },
        tags: [{ key: 'multiregion-constructs:database', value: prefix }],
      });
      // The data outlives the stack: a delete of the stack leaves the cluster.
      cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
      if (key) cluster.node.addDependency(key);
      clusters[region] = cluster;
      new CfnOutput(stack, 'ClusterIdentifier', { value: cluster.attrIdentifier, description: `Set clusterIdentifiers['${region}'] to this value to peer the clusters` });
      new CfnOutput(stack, 'ClusterEndpoint', { value: cluster.attrEndpoint, description: `Endpoint of the ${region} cluster (read-write)` });
    }
    this.clusters = clusters;
    this.keys = keys;
    this.stacks = stacks;
    if (!this.peered) {
      Annotations.of(this).addWarningV2('multiregion-constructs:dsql-not-peered', `The clusters in ${this.regions.join(' and ')} are not peered yet: after this deploy, set clusterIdentifiers `
        + `from each stack's ClusterIdentifier output and deploy again (until then they stay in PENDING_SETUP). See ${prefix.toLowerCase()}-dsql.md.`);
    }
    this.runbookFileName = `${prefix.toLowerCase()}-dsql.md`;
    this.runbookMarkdown = renderDsqlRunbook({
      name: prefix,
      regions: this.regions,
      witnessRegion: this.witnessRegion,
      stacks: Object.fromEntries(stacks.map((s) => [s.region, s.stackName])),
      clusterIdentifiers: ids,
      peered: this.peered,
    });
    if (props.writeRunbook ?? true) {
      const file = this.runbookFileName;
      const markdown = this.runbookMarkdown;
      attachCustomSynthesis(this, {
        onSynthesize(session) {
          writeOutputFiles(session.outdir, [{ dir: 'runbooks', file, text: markdown }]);
        },
      });
    }
  }

  /** What concurrent writes do, and what the application must do (core's model). */
  public get conflictModel(): ConflictModel {
    return CONFLICT_MODELS['active-active'];
  }

  /** The conflict model with DSQL's error codes, as Markdown. */
  public get conflictModelMarkdown(): string {
    return renderConflictModelMarkdown(this.conflictModel, DSQL_CONFLICT_NOTE);
  }

  /** For each Region (peers and witness): what its loss does. */
  public blastRadius(): { region: string; effect: string }[] {
    return activeActiveBlastRadius({ writeRegions: this.regions, witnessRegion: this.witnessRegion });
  }
}
