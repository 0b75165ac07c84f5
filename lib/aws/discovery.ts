/**
 * Region-local, role-agnostic discovery of a deployment's database.
 *
 * Per deployment and region, one SSM parameter (String, standard tier)
 * `/multiregion/<deployment>/<region>/database` holds a JSON record
 * ({@link DiscoveryRecord}): the global writer endpoint (it follows the
 * writer through switchover and failover), this region's reader endpoint,
 * port, engine and version, database name, this region's copy of the secret,
 * the IAM authentication convention and the CA bundle. Everything in it is
 * a fact of the REGION: when the writer moves, not a byte changes.
 *
 * Why an SSM parameter (docs/connect-your-app.md compares the alternatives):
 * CloudFormation cannot export across regions, and CDK's cross-region
 * references (`crossRegionReferences`) are custom resources that couple the
 * stacks' deploy order; a parameter with a deterministic name is readable
 * from any stack of the region at deploy time (`AWS::SSM::Parameter::Value`
 * parameters) and from the application at run time (`ssm:GetParameter` on
 * one ARN), and needs no context lookup at synth.
 */
import { Arn, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { ConfigProblem, EngineFamily, ProblemSource, show, throwIfProblems } from '../core';
import { ConnectTarget, dbUserProblems, granteeRegionProblems, rdsDbUserArn } from './connections';

/** Root of every discovery parameter. */
export const DISCOVERY_ROOT = '/multiregion';
/** The CA that signs the server certificates of new Aurora instances (the library sets no other): https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html */
export const DEFAULT_CA_IDENTIFIER = 'rds-ca-rsa2048-g1';

/** The name of the discovery parameter of `deployment` in `region`. */
export function discoveryParameterName(deployment: string, region: string): string {
  return `${DISCOVERY_ROOT}/${deployment}/${region}/database`;
}

/**
 * The regional certificate bundle (the region's root CAs):
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html#UsingWithRDS.SSL.CertificatesAllRegions
 */
export function caBundleUrl(region: string): string {
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}

/** What an application needs to find its deployment's record in any region (plain values: pass them to any CDK app). */
export interface DiscoveryDeployment {
  /** The deployment's discovery name (`/multiregion/<name>/…`). */
  readonly name: string;
  /** Every region of the deployment. */
  readonly regions: readonly string[];
  /** The region the global database was created in (its secret there is encrypted with a customer-managed key). */
  readonly originRegion: string;
  /** Engine family, for the user-name rules of grantConnect. @default 'postgresql' */
  readonly engine?: EngineFamily;
  /** The master user's name (grantConnect refuses it). @default 'dbadmin' */
  readonly masterUsername?: string;
}

/** The JSON in each region's discovery parameter (schema version 1). */
export interface DiscoveryRecord {
  readonly schemaVersion: 1;
  readonly deployment: string;
  /** The region of this record (and of every endpoint and ARN below, but the global writer endpoint). */
  readonly region: string;
  /** Every region of the deployment, sorted (never in role order). */
  readonly regions: readonly string[];
  readonly engine: string;
  readonly engineVersion: string;
  readonly port: number;
  /** The database created in the cluster, or null. */
  readonly databaseName: string | null;
  /** The global writer endpoint (follows the writer), or the cluster endpoint of a single-region database. */
  readonly writerEndpoint: string;
  /** This region's reader endpoint (reads stay in the region; see the read-your-own-writes caveat in the docs). */
  readonly readerEndpoint: string;
  /** The master secret's copy in this region. */
  readonly secretArn: string;
  /** The customer-managed key of the secret in this region (the origin region), or null: the AWS managed key `aws/secretsmanager`. */
  readonly secretKmsKeyArn: string | null;
  readonly clusterIdentifier: string;
  readonly clusterResourceId: string;
  /** Security group of this region's cluster: allow your clients into it. */
  readonly securityGroupId: string;
  readonly iamAuthentication: {
    readonly enabled: true;
    /** The resource of `rds-db:connect` for a user of this region's cluster. */
    readonly dbUserArn: string;
    /** How a database user for IAM authentication is created. */
    readonly userConvention: string;
    /** The region a token is signed for. */
    readonly signingRegion: string;
  };
  readonly tls: {
    readonly caIdentifier: string;
    readonly caBundleUrl: string;
    readonly sslMode: string;
  };
}

/** One region's database as the discovery record sees it (built by PrimaryRegion and ReadReplicaRegion). */
export interface DiscoveryTarget extends ConnectTarget {
  readonly globalClusterIdentifier?: string;
  readonly clusterIdentifier: string;
  readonly engineType: string;
  readonly engineVersion: string;
  readonly port: number;
  readonly databaseName?: string;
  readonly writerEndpoint: string;
  readonly readerEndpoint: string;
  readonly securityGroupId: string;
  /** Every region of the deployment. */
  readonly regions: readonly string[];
  readonly originRegion: string;
}

/** Properties of {@link DatabaseDiscovery}. */
export interface DatabaseDiscoveryProps {
  /**
   * The deployment's discovery name: letters, digits, `-`, `_` or `.`, at
   * most 64 characters. Unique per account (two deployments with the same
   * name would write the same parameters).
   */
  readonly name: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const REGISTRY = Symbol.for('multiregion-constructs.aws.discovery-names');

interface Registered { readonly globalId: string; readonly path: string; readonly regions: Set<string> }

function registry(scope: IConstruct): Map<string, Registered> {
  const root = scope.node.root as unknown as Record<symbol, Map<string, Registered> | undefined>;
  if (!root[REGISTRY]) Object.defineProperty(root, REGISTRY, { value: new Map(), enumerable: false });
  return root[REGISTRY]!;
}

/**
 * The discovery record of one region's database. Created by
 * `PrimaryRegion.publishDiscovery` / `ReadReplicaRegion.publishDiscovery`
 * (or `LadderDeployment`'s `discoveryName`), in the database's own stack.
 */
export class DatabaseDiscovery extends Construct {
  /** The SSM parameter. */
  public readonly parameter: ssm.StringParameter;
  /** `/multiregion/<deployment>/<region>/database`. */
  public readonly parameterName: string;
  /** The record (with deploy-time values as tokens). */
  public readonly record: DiscoveryRecord;
  /** What applications pass to {@link DatabaseConnection.fromRegion}. */
  public readonly deployment: DiscoveryDeployment;

  constructor(scope: Construct, id: string, target: DiscoveryTarget, props: DatabaseDiscoveryProps) {
    super(scope, id);
    const source: ProblemSource = { construct: target.source.construct, path: target.source.path };
    const problems: ConfigProblem[] = [];
    if (!NAME.test(props.name)) {
      problems.push({
        property: 'discoveryName',
        message: `discoveryName ${show(props.name)} is not 1–64 letters, digits, '-', '_' or '.'`,
        fix: "use a name such as 'orders' (it becomes the SSM parameter path /multiregion/orders/<region>/database)",
      });
    }
    const key = `${target.account}|${props.name}`;
    const known = registry(this).get(key);
    const globalId = target.globalClusterIdentifier ?? target.clusterIdentifier;
    if (known && known.globalId !== globalId) {
      problems.push({
        property: 'discoveryName',
        message: `discoveryName ${show(props.name)} is already the name of the deployment '${known.path}' (database ${show(known.globalId)}) in account ${target.account}`,
        fix: 'give each deployment of an account its own discoveryName: both would write the same parameters',
      });
    } else if (known?.regions.has(target.region)) {
      problems.push({
        property: 'discoveryName',
        message: `discoveryName ${show(props.name)} already has a record in ${show(target.region)} ('${known.path}')`,
        fix: 'publish one record per region',
      });
    }
    throwIfProblems(source, problems);
    if (known) known.regions.add(target.region);
    else registry(this).set(key, { globalId, path: target.source.path, regions: new Set([target.region]) });

    const regions = [...new Set(target.regions)].sort();
    this.deployment = {
      name: props.name,
      regions,
      originRegion: target.originRegion,
      engine: target.engine,
      masterUsername: target.masterUsername,
    };
    this.parameterName = discoveryParameterName(props.name, target.region);
    this.record = {
      schemaVersion: 1,
      deployment: props.name,
      region: target.region,
      regions,
      engine: target.engineType,
      engineVersion: target.engineVersion,
      port: target.port,
      databaseName: target.databaseName ?? null,
      writerEndpoint: target.writerEndpoint,
      readerEndpoint: target.readerEndpoint,
      secretArn: target.secretArn,
      secretKmsKeyArn: target.secretKey?.keyArn ?? null,
      clusterIdentifier: target.clusterIdentifier,
      clusterResourceId: target.clusterResourceId,
      securityGroupId: target.securityGroupId,
      iamAuthentication: {
        enabled: true,
        dbUserArn: rdsDbUserArn(target.region, target.account, target.clusterResourceId, '<dbUser>'),
        userConvention: target.engine === 'mysql'
          ? "CREATE USER <dbUser> IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'; then grantConnect(role, '<dbUser>') in every region that can hold the writer"
          : 'CREATE USER <dbUser>; GRANT rds_iam TO <dbUser>; then grantConnect(role, \'<dbUser>\') in every region that can hold the writer',
        signingRegion: 'readerEndpoint: this region; writerEndpoint: the region that holds the writer now (the region in the CNAME the global endpoint resolves to)',
      },
      tls: {
        caIdentifier: DEFAULT_CA_IDENTIFIER,
        caBundleUrl: caBundleUrl(target.region),
        sslMode: 'verify-full',
      },
    };
    this.parameter = new ssm.StringParameter(this, 'Record', {
      parameterName: this.parameterName,
      description: `Connection facts of the ${props.name} database in ${target.region} (docs/connect-your-app.md)`,
      stringValue: Stack.of(this).toJsonString(this.record),
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}

/** Properties of {@link DatabaseConnection.fromRegion}. */
export interface DatabaseConnectionLookupProps {
  /** The deployment (its name, regions and origin): `DatabaseDiscovery.deployment` / `LadderDeployment.discovery`, or written out. */
  readonly deployment: DiscoveryDeployment;
  /**
   * The region whose record to read: the stack's own (a parameter is read in its region).
   * @default the stack's region
   */
  readonly region?: string;
}

/**
 * A deployment's database as seen from an application stack in one of its
 * regions: values resolved at deploy time from the region's discovery
 * parameter (no cross-stack export, no context lookup), grants on exact ARNs.
 */
export class DatabaseConnection extends Construct implements ec2.IConnectable {
  /**
   * The database of `deployment` in `region` (the stack's region). Works in
   * any CDK app: only the deployment's name and regions are needed.
   */
  public static fromRegion(scope: Construct, id: string, props: DatabaseConnectionLookupProps): DatabaseConnection {
    return new DatabaseConnection(scope, id, props);
  }

  /** The region of the record (and of the database reached). */
  public readonly region: string;
  /** The discovery parameter's name. */
  public readonly parameterName: string;
  /** The discovery parameter's ARN (exact). */
  public readonly parameterArn: string;
  /** The whole record, resolved at deploy time (a JSON string). */
  public readonly recordJson: string;
  /** The global writer endpoint (deploy-time). */
  public readonly writerEndpoint: string;
  /** This region's reader endpoint (deploy-time). */
  public readonly readerEndpoint: string;
  /** The secret's ARN in this region (deploy-time). */
  public readonly secretArn: string;
  /** The cluster resource id of this region's cluster (deploy-time). */
  public readonly clusterResourceId: string;
  /** Connections to the database's security group on its port. */
  public readonly connections: ec2.Connections;
  private readonly deployment: DiscoveryDeployment;
  private readonly source: ProblemSource;

  private constructor(scope: Construct, id: string, props: DatabaseConnectionLookupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.source = { construct: 'DatabaseConnection', path: this.node.path };
    this.deployment = props.deployment;
    const region = props.region ?? stack.region;
    const problems: ConfigProblem[] = [];
    if (Token.isUnresolved(region)) {
      problems.push({ property: 'region', message: `region is not given and the stack '${stack.stackName}' has no env.region`, fix: `create the stack with env: { region } set to one of ${show(props.deployment.regions)}` });
    } else if (!props.deployment.regions.includes(region)) {
      problems.push({
        property: 'region',
        message: `region ${show(region)} is not a region of the deployment ${show(props.deployment.name)} (${show(props.deployment.regions)})`,
        fix: `look up one of ${props.deployment.regions.join(', ')}, from a stack in that region`,
      });
    } else if (!Token.isUnresolved(stack.region) && stack.region !== region) {
      problems.push({
        property: 'region',
        message: `region ${show(region)} differs from the stack's region ${show(stack.region)}: a parameter is read in its own region`,
        fix: `look up ${show(stack.region)} (the database of the stack's region), or move the stack to ${region}`,
      });
    }
    throwIfProblems(this.source, problems);
    this.region = region;
    this.parameterName = discoveryParameterName(props.deployment.name, region);
    this.parameterArn = Arn.format({ service: 'ssm', region, resource: 'parameter', resourceName: this.parameterName.slice(1) }, stack);
    this.recordJson = ssm.StringParameter.valueForStringParameter(this, this.parameterName);
    this.writerEndpoint = recordField(this.recordJson, 'writerEndpoint');
    this.readerEndpoint = recordField(this.recordJson, 'readerEndpoint');
    this.secretArn = recordField(this.recordJson, 'secretArn');
    this.clusterResourceId = recordField(this.recordJson, 'clusterResourceId');
    const port = (props.deployment.engine ?? 'postgresql') === 'mysql' ? 3306 : 5432;
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'SecurityGroup', recordField(this.recordJson, 'securityGroupId'), { allowAllOutbound: false });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(port) });
  }

  /** `ssm:GetParameter` on this region's record (the application reads it at run time). */
  public grantReadRecord(grantee: iam.IGrantable): iam.Grant {
    throwIfProblems(this.source, granteeRegionProblems(grantee, this.region));
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter'], resourceArns: [this.parameterArn] });
  }

  /** `rds-db:connect` for `dbUser` on this region's cluster (see PrimaryRegion.grantConnect). */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    const stack = Stack.of(this);
    throwIfProblems(this.source, [
      ...dbUserProblems(dbUser, this.deployment.engine ?? 'postgresql', this.deployment.masterUsername ?? 'dbadmin'),
      ...granteeRegionProblems(grantee, this.region),
    ]);
    return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns: [rdsDbUserArn(this.region, stack.account, this.clusterResourceId, dbUser)] });
  }

  /**
   * Read the secret's copy in this region (see PrimaryRegion.grantSecretRead):
   * in the origin region also `kms:Decrypt` on the secret's key (its ARN is
   * in the record) through Secrets Manager.
   */
  public grantSecretRead(grantee: iam.IGrantable): iam.Grant {
    throwIfProblems(this.source, granteeRegionProblems(grantee, this.region));
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resourceArns: [this.secretArn] });
    if (this.region !== this.deployment.originRegion) return grant;
    return grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [recordField(this.recordJson, 'secretKmsKeyArn')],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
    }));
  }
}

/**
 * A string field of the record, at deploy time: the record is compact JSON
 * (`Stack.toJsonString`), so `"<key>":"<value>"` is cut out with
 * Fn::Split / Fn::Select (CloudFormation has no JSON parser). Values are
 * endpoints, ARNs and ids: they hold no `"`.
 */
export function recordField(recordJson: string, key: string): string {
  return Fn.select(0, Fn.split('"', Fn.select(1, Fn.split(`"${key}":"`, recordJson))));
}

