/**
 * The connect and discovery view of each region's database: what
 * {@link grantConnectOn}, {@link grantSecretReadOn} and
 * {@link DatabaseDiscovery} read, built from plain values of the region (and
 * of the origin, which never changes), never from the role of the region.
 */
import { Arn, ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import type { DiscoveryTarget } from '../discovery';
import type { PrimaryRegion } from '../primary-region';
import type { ReadReplicaRegion } from '../read-replica-region';
import { engineFamily } from './aurora-rules';

/** The master secret's name: `<global id>/master` in every region (PrimaryRegion creates it, replicas get its copy). */
export function masterSecretName(globalId: string): string {
  return `${globalId}/master`;
}

function portOf(engine: rds.IClusterEngine): number {
  return engineFamily(engine) === 'mysql' ? 3306 : 5432;
}

/** The origin region's database. */
export function primaryTarget(p: PrimaryRegion): DiscoveryTarget {
  const stack = Stack.of(p);
  return {
    source: { construct: 'PrimaryRegion', path: p.node.path },
    scope: p,
    region: p.region,
    account: stack.account,
    engine: engineFamily(p.engine),
    masterUsername: p.masterUsername,
    clusterResourceId: p.cluster.clusterResourceIdentifier,
    cfnCluster: p.cluster.node.defaultChild as rds.CfnDBCluster,
    secretArn: p.secret.secretArn,
    secretKey: p.encryptionKey,
    globalClusterIdentifier: p.globalClusterIdentifier,
    clusterIdentifier: p.clusterIdentifier,
    engineType: p.engine.engineType,
    engineVersion: p.engine.engineVersion?.fullVersion ?? 'unpinned',
    port: portOf(p.engine),
    databaseName: p.databaseName,
    // Not GetAtt GlobalEndpoint.Address (see PrimaryRegion.globalWriterEndpoint):
    // the address is read at deploy time, as in every other region.
    get writerEndpoint() {
      return p.globalWriterEndpoint ?? p.writerEndpoint;
    },
    readerEndpoint: p.readerEndpoint,
    securityGroupId: p.securityGroup.securityGroupId,
    regions: [p.topology.primaryRegion, ...p.topology.replicaRegions],
    originRegion: p.region,
  };
}

/** A secondary region's database; deploy-time facts of the origin are read by {@link RemoteFacts}. */
export function replicaTarget(r: ReadReplicaRegion): DiscoveryTarget {
  const stack = Stack.of(r);
  const primary = r.primary;
  const facts = RemoteFacts.of(r, { globalId: r.globalClusterIdentifier, originRegion: primary.region });
  return {
    source: { construct: 'ReadReplicaRegion', path: r.node.path },
    scope: r,
    region: r.region,
    account: stack.account,
    engine: engineFamily(primary.engine),
    masterUsername: primary.masterUsername,
    clusterResourceId: r.cluster.attrDbClusterResourceId,
    cfnCluster: r.cluster,
    get secretArn() { return facts.secretArn; },
    secretKey: undefined,
    globalClusterIdentifier: r.globalClusterIdentifier,
    clusterIdentifier: r.clusterIdentifier,
    engineType: primary.engine.engineType,
    engineVersion: primary.engine.engineVersion?.fullVersion ?? 'unpinned',
    port: portOf(primary.engine),
    databaseName: primary.databaseName,
    get writerEndpoint() { return facts.globalWriterEndpoint; },
    readerEndpoint: r.readerEndpoint,
    securityGroupId: r.securityGroup.securityGroupId,
    regions: [primary.topology.primaryRegion, ...primary.topology.replicaRegions],
    originRegion: primary.region,
  };
}

/** What {@link RemoteFacts} reads. */
export interface RemoteFactsOptions {
  readonly globalId: string;
  readonly originRegion: string;
  /** A resource of the same stack the lookup must follow (the origin's global cluster). */
  readonly dependency?: IConstruct;
}

/**
 * Facts a secondary region's stack cannot reference (CloudFormation has no
 * cross-region references), read once at deploy time by SDK calls with
 * exact-resource permissions:
 * - the global writer endpoint: `DescribeGlobalClusters` in the origin
 *   region, `GlobalClusters[0].Endpoint`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalCluster.html);
 * - the ARN of the secret's copy in this region: `DescribeSecret` by name
 *   (a replica secret keeps the primary's name and random suffix,
 *   https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html).
 * Both values are fixed for the life of the deployment, so the calls run on
 * create and update only. Created on first use.
 */
export class RemoteFacts extends Construct {
  public static of(database: Construct, options: RemoteFactsOptions): RemoteFacts {
    return (database.node.tryFindChild('RemoteFacts') as RemoteFacts | undefined) ?? new RemoteFacts(database, 'RemoteFacts', options);
  }

  private endpoint?: string;
  private secret?: string;

  private constructor(scope: Construct, id: string, private readonly options: RemoteFactsOptions) {
    super(scope, id);
  }

  /** cdk-nag: the SDK-call provider's role (one per stack, made by aws-cdk-lib) logs with the AWS managed policy. */
  private acknowledgeProvider(): void {
    const provider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!provider) return;
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'aws-cdk-lib\'s AwsCustomResource provider writes its logs with AWSLambdaBasicExecutionRole; its data permissions are the exact-resource statements of each lookup (rds:DescribeGlobalClusters on one global cluster, secretsmanager:DescribeSecret on one secret)',
    });
  }

  /** The global writer endpoint (deploy-time). */
  public get globalWriterEndpoint(): string {
    if (!this.endpoint) {
      const stack = Stack.of(this);
      const globalId = this.options.globalId;
      const call: cr.AwsSdkCall = {
        service: 'RDS',
        action: 'describeGlobalClusters',
        region: this.options.originRegion,
        parameters: { GlobalClusterIdentifier: globalId },
        physicalResourceId: cr.PhysicalResourceId.of(`${globalId}-global-writer-endpoint`),
        outputPaths: ['GlobalClusters.0.Endpoint'],
      };
      const lookup = new cr.AwsCustomResource(this, 'GlobalWriterEndpoint', {
        onCreate: call,
        onUpdate: call,
        installLatestAwsSdk: false,
        policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
          actions: ['rds:DescribeGlobalClusters'],
          // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Tagging.ARN.Constructing.html (global clusters have no region)
          resources: [Arn.format({ service: 'rds', region: '', resource: 'global-cluster', resourceName: globalId, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack)],
        })]),
      });
      if (this.options.dependency) lookup.node.addDependency(this.options.dependency);
      this.acknowledgeProvider();
      this.endpoint = lookup.getResponseField('GlobalClusters.0.Endpoint');
    }
    return this.endpoint;
  }

  /** ARN of the secret's copy in this region (deploy-time). */
  public get secretArn(): string {
    if (!this.secret) {
      const stack = Stack.of(this);
      const name = masterSecretName(this.options.globalId);
      const call: cr.AwsSdkCall = {
        service: 'SecretsManager',
        action: 'describeSecret',
        parameters: { SecretId: name },
        physicalResourceId: cr.PhysicalResourceId.of(`${name}-${stack.region}`),
        outputPaths: ['ARN'],
      };
      const lookup = new cr.AwsCustomResource(this, 'SecretArn', {
        onCreate: call,
        onUpdate: call,
        installLatestAwsSdk: false,
        policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
          actions: ['secretsmanager:DescribeSecret'],
          // The name and the 6 random characters Secrets Manager appends:
          // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
          resources: [Arn.format({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack)],
        })]),
      });
      this.acknowledgeProvider();
      this.secret = lookup.getResponseField('ARN');
    }
    return this.secret;
  }
}
