import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ConfigProblem, plural, show, throwIfProblems } from '../core';
import { checkEngine, checkInstanceType, engineFamily, logExports, tlsParameters } from './private/aurora-rules';
import { wholeDays } from './private/aws-profile';
import { auroraClusterMetric, createRegionAlarm, RegionAlarmOptions, RegionMetricOptions, writerRoleMetric } from './private/aurora-metrics';
import { createReplicationLagAlarm, globalLagMetric, GlobalLagMetricOptions } from './private/metrics';
import { createMonitoringRole } from './private/monitoring-role';
import { checkNetwork, createNetwork, placementZones } from './private/network';
import { markPhaseComponent } from './private/phase-checks';
import { PrimaryRegion } from './primary-region';
import { grantConnectOn, grantSecretReadOn } from './connections';
import { DatabaseDiscovery } from './discovery';
import { replicaTarget } from './private/connect-targets';

/** Properties of {@link ReadReplicaRegion}. */
export interface ReadReplicaRegionProps {
  /**
   * The primary this region replicates. Only plain values are read from it
   * (identifiers, engine, topology), never cross-region tokens; a stack
   * dependency makes this region deploy after the primary's.
   */
  readonly primary: PrimaryRegion;
  /**
   * Engine of the secondary. Must equal the primary's; leave unset.
   * @default the primary's engine
   */
  readonly engine?: rds.IClusterEngine;
  /**
   * Reader instances in this region. 0 makes a headless secondary (the
   * pilot-light option): storage is replicated, but nothing here can serve
   * reads until an instance is added, which takes several minutes.
   * @default 1
   */
  readonly instances?: number;
  /**
   * Instance class of the readers.
   * @default db.r6g.large
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The VPC in this region.
   * @default a new VPC over 3 availability zones with flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Availability zones of the VPC this construct creates, e.g.
   * `['us-east-1a', 'us-east-1b', 'us-east-1c']`: synth then needs no lookup
   * (and no AWS credentials). Not used with `vpc`.
   * @default the first 3 zones of the account in the stack's region, looked up by the CDK CLI (cdk.context.json)
   */
  readonly availabilityZones?: readonly string[];
  /**
   * KMS key in this region for storage and Performance Insights.
   * @default a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Forward writes sent to this region to the primary (Aurora global write
   * forwarding). Applications must opt in per session.
   * @default false
   */
  readonly enableWriteForwarding?: boolean;
  /**
   * Backup retention used once this cluster is promoted.
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;
  /**
   * Deletion protection.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Alarm when replication lag exceeds this.
   * @default Duration.seconds(30)
   */
  readonly replicationLagAlarmThreshold?: Duration;
}

/**
 * A read-only region joined to a primary: an Aurora global secondary cluster
 * with its own KMS key, no master credentials (they replicate from the
 * primary), N readers or headless, and a replication-lag alarm.
 *
 * Place it in a stack whose `env.region` is one of the primary's replicaRegions.
 */
export class ReadReplicaRegion extends Construct implements ec2.IConnectable {
  /** The primary this region replicates (the origin region's database). */
  public readonly primary: PrimaryRegion;
  /** The secondary cluster (L1: there is no L2 for global secondaries). */
  public readonly cluster: rds.CfnDBCluster;
  /** Reader instances (empty when headless). */
  public readonly instances: readonly rds.CfnDBInstance[];
  /** Region of this secondary. */
  public readonly region: string;
  /** Deterministic cluster identifier: `<global id>-<region>` (see {@link PrimaryRegion.clusterIdentifierIn}). */
  public readonly clusterIdentifier: string;
  /** The global cluster this region joined. */
  public readonly globalClusterIdentifier: string;
  /** Reader endpoint of this region's cluster. */
  public readonly readerEndpoint: string;
  /** True when the region has reader instances and can serve reads. */
  public readonly servesReads: boolean;
  /** Security group of the secondary cluster. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The VPC the secondary runs in. */
  public readonly vpc: ec2.IVpc;
  /** KMS key of this region. */
  public readonly encryptionKey: kms.IKey;
  /** Alarm on replication lag. */
  public readonly replicationLagAlarm: cloudwatch.Alarm;
  /** Threshold of {@link replicationLagAlarm} (the read route's lag check defaults to it). */
  public readonly replicationLagThreshold: Duration;
  /** The cluster parameter group of this secondary (in force here once it is promoted). */
  private readonly parameterGroup: rds.CfnDBClusterParameterGroup;

  constructor(scope: Construct, id: string, props: ReadReplicaRegionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const primary = props.primary;
    this.primary = primary;
    const source = { construct: 'ReadReplicaRegion', path: this.node.path };
    this.region = stack.region;
    const instances = props.instances ?? 1;
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);
    const engine = props.engine ?? primary.engine;

    const problems: ConfigProblem[] = [];
    if (Token.isUnresolved(this.region)) {
      problems.push({
        property: 'env.region',
        message: `env.region is not set on the stack '${stack.stackName}'`,
        fix: `create the stack with env: { region } set to one of the primary's replicaRegions (${primary.topology.replicaRegions.join(', ')})`,
      });
    } else if (this.region === primary.region) {
      problems.push({
        property: 'env.region',
        message: `env.region ${show(this.region)} is the primary's region`,
        fix: 'put the replica in a stack of another region',
      });
    } else if (!primary.topology.replicaRegions.includes(this.region)) {
      // Residency is enforced where the regions are listed (PrimaryRegion), so
      // a region that passes this check has passed the residency rule too.
      problems.push({
        property: 'env.region',
        message: `env.region ${show(this.region)} is not one of the primary's replicaRegions (${show(primary.topology.replicaRegions)})`,
        fix: `add '${this.region}' to the PrimaryRegion's replicaRegions, so its secret is replicated here`,
      });
    }
    if (!primary.globalClusterIdentifier) {
      problems.push({
        property: 'primary',
        message: `primary '${primary.node.path}' is not a global database`,
        fix: 'give the PrimaryRegion replicaRegions (or globalDatabase: true)',
      });
    }
    if (engine.engineType !== primary.engine.engineType
      || engine.engineVersion?.fullVersion !== primary.engine.engineVersion?.fullVersion) {
      problems.push({
        property: 'engine',
        message: `engine ${engine.engineType} ${engine.engineVersion?.fullVersion ?? '(unpinned)'} differs from the primary's ${primary.engine.engineType} ${primary.engine.engineVersion?.fullVersion ?? '(unpinned)'}`,
        fix: 'leave engine unset: a global secondary always runs the primary\'s engine and version',
      });
    } else {
      problems.push(...checkEngine(engine, true));
    }
    if (!Number.isInteger(instances) || instances < 0 || instances > 16) {
      problems.push({
        property: 'instances',
        message: `instances ${show(instances)} is outside 0–16`,
        fix: 'set instances to 0 (headless) up to 16',
      });
    }
    problems.push(...checkInstanceType(instanceType, true));
    if (instances === 0 && !Token.isUnresolved(this.region) && primary.writerRegion === this.region) {
      // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
      // ("headless" secondaries cannot be switched over or failed over to).
      problems.push({
        property: 'instances',
        message: `instances 0 (headless) in ${show(this.region)}, but the primary's writerRegion says ${show(this.region)} holds the writer: a headless secondary has no instance to promote, so Aurora cannot move the writer here`,
        fix: `give this region instances (1 or more) and deploy before the switchover or failover, or set writerRegion to the region that really holds the writer`,
      });
    }
    const retention = wholeDays(props.backupRetention ?? Duration.days(14));
    if (!Number.isInteger(retention) || retention < 7 || retention > 35) {
      problems.push({
        property: 'backupRetention',
        message: `backupRetention ${plural(Number(retention.toFixed(2)), 'day')} is ${Number.isInteger(retention) ? 'outside' : 'not a whole number of days within'} the 7–35 days the ladder and Aurora allow`,
        fix: 'set backupRetention between Duration.days(7) and Duration.days(35)',
      });
    }
    if (props.deletionProtection === false) {
      problems.push({
        property: 'deletionProtection',
        message: 'deletionProtection is false: the secondary may become the primary after a failover and hold the only copy',
        fix: 'remove deletionProtection: false',
      });
    }
    problems.push(...checkNetwork(this, props, false));
    if (primary.globalClusterIdentifier && !Token.isUnresolved(this.region) && Number.isInteger(instances) && instances > 1) {
      // The primary checked one instance per replica region; this region's own count here.
      problems.push(...primary.identifiers.check('primary.globalClusterIdentifier', [this.region], { [this.region]: instances }));
    }
    throwIfProblems(source, problems);

    const family = engineFamily(engine)!;
    this.globalClusterIdentifier = primary.globalClusterIdentifier!;
    this.clusterIdentifier = primary.clusterIdentifierIn(this.region);
    this.servesReads = instances > 0;
    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the ${this.globalClusterIdentifier} secondary in ${this.region}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc = props.vpc ?? createNetwork(this, props.availabilityZones);
    const subnets = this.vpc.selectSubnets({
      subnetType: this.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS,
    });
    const subnetGroup = new rds.SubnetGroup(this, 'Subnets', {
      vpc: this.vpc,
      vpcSubnets: { subnets: subnets.subnets },
      description: `Subnets of ${this.clusterIdentifier}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `Aurora secondary ${this.clusterIdentifier}`,
      allowAllOutbound: false,
    });
    const parameterGroup = this.parameterGroup = new rds.CfnDBClusterParameterGroup(this, 'Parameters', {
      family: engine.parameterGroupFamily!,
      description: `TLS-only parameters for ${this.clusterIdentifier}`,
      parameters: tlsParameters(family),
    });
    const monitoringRole = createMonitoringRole(this);

    // No MasterUsername / MasterUserPassword / ManageMasterUserPassword: a
    // secondary inherits the primary's credentials, and passing them fails the
    // deployment (aws-cdk #29880).
    this.cluster = new rds.CfnDBCluster(this, 'Cluster', {
      dbClusterIdentifier: this.clusterIdentifier,
      globalClusterIdentifier: this.globalClusterIdentifier,
      engine: engine.engineType,
      engineVersion: engine.engineVersion!.fullVersion,
      storageEncrypted: true,
      kmsKeyId: this.encryptionKey.keyArn,
      dbSubnetGroupName: subnetGroup.subnetGroupName,
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      dbClusterParameterGroupName: parameterGroup.ref,
      backupRetentionPeriod: retention,
      preferredBackupWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
      deletionProtection: true,
      enableIamDatabaseAuthentication: true,
      enableCloudwatchLogsExports: logExports(family),
      enableGlobalWriteForwarding: props.enableWriteForwarding ? true : undefined,
      copyTagsToSnapshot: true,
      port: family === 'postgresql' ? 5432 : 3306,
    });
    this.cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);

    // Only zones the subnet group covers (see PrimaryRegion).
    const zones = placementZones(this, subnets);
    this.instances = Array.from({ length: instances }, (_, i) => {
      const instance = new rds.CfnDBInstance(this, `Reader${i + 1}`, {
        dbInstanceIdentifier: primary.identifiers.instance(this.region, i + 1),
        dbClusterIdentifier: this.cluster.ref,
        dbInstanceClass: `db.${instanceType.toString()}`,
        engine: engine.engineType,
        availabilityZone: zones.length > 1 ? zones[i % zones.length] : undefined,
        publiclyAccessible: false,
        // The version is the primary's pinned one; see PrimaryRegionProps.engine.
        autoMinorVersionUpgrade: false,
        enablePerformanceInsights: true,
        performanceInsightsKmsKeyId: this.encryptionKey.keyArn,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval: 60,
        monitoringRoleArn: monitoringRole.roleArn,
        promotionTier: 1,
      });
      // The data is in the cluster (DeletionPolicy Snapshot). CloudFormation
      // takes no final snapshot of an instance that belongs to a cluster, so
      // Snapshot here would only promise one that never comes:
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
      instance.applyRemovalPolicy(RemovalPolicy.DESTROY);
      return instance;
    });
    this.readerEndpoint = this.cluster.attrReadEndpointAddress;
    markPhaseComponent(this, { kind: 'replica', primary, servesReads: this.servesReads, region: this.region });

    this.replicationLagThreshold = props.replicationLagAlarmThreshold ?? Duration.seconds(30);
    this.replicationLagAlarm = createReplicationLagAlarm(this, this.metricReplicationLag(), this.replicationLagThreshold,
      `Aurora global replication lag into ${this.clusterIdentifier} is high: reads here are stale and a failover would lose more data`);

    // Deploy after the primary (the global cluster must exist). Plain values
    // only cross the region boundary: no cross-region references.
    const primaryStack = Stack.of(primary);
    if (primaryStack !== stack) stack.addStackDependency(primaryStack, 'the global cluster must exist before a secondary joins it');
  }

  /**
   * Sets a parameter in this secondary's cluster parameter group (e.g.
   * `rds.global_db_rpo`): Aurora uses it once this cluster is promoted.
   */
  public addClusterParameter(name: string, value: string): void {
    const current = this.parameterGroup.parameters as Record<string, string>;
    this.parameterGroup.parameters = { ...current, [name]: value };
  }

  /** The secondary's security group, on the database port: `db.connections.allowDefaultPortFrom(service)`. */
  public get connections(): ec2.Connections {
    return new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(this.cluster.port as number) });
  }

  /**
   * Lets `grantee` log in as `dbUser` with IAM database authentication on
   * this region's cluster (its own resource id, not the primary's). The
   * grantee must be in a stack of this region.
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return grantConnectOn(replicaTarget(this), grantee, dbUser);
  }

  /**
   * Lets `grantee` read the copy of the master secret in this region (its ARN
   * is read at deploy time; encrypted with `aws/secretsmanager`, which needs
   * no grant).
   */
  public grantSecretRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretReadOn(replicaTarget(this), grantee);
  }

  /** Publishes this region's discovery record (see {@link PrimaryRegion.publishDiscovery}). */
  public publishDiscovery(name: string): DatabaseDiscovery {
    return new DatabaseDiscovery(this, 'Discovery', replicaTarget(this), { name });
  }

  /** Allow connections to the secondary's readers. */
  public allowFrom(peer: ec2.IConnectable, description = 'Database clients'): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.cluster.port as number), description);
  }

  /** `AuroraGlobalDBReplicationLag` of this secondary, milliseconds. */
  public metricReplicationLag(options: GlobalLagMetricOptions = {}): cloudwatch.Metric {
    return globalLagMetric('AuroraGlobalDBReplicationLag', this.clusterIdentifier, undefined, options);
  }

  /** `AuroraGlobalDBRPOLag` of this secondary, milliseconds: data a failover here would lose now. */
  public metricRpoLag(options: GlobalLagMetricOptions = {}): cloudwatch.Metric {
    return globalLagMetric('AuroraGlobalDBRPOLag', this.clusterIdentifier, undefined, options);
  }

  /** `CPUUtilization` of this region's cluster (average over its instances), percent. */
  public metricCpu(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('CPUUtilization', this.clusterIdentifier, this.region, options);
  }

  /** `DatabaseConnections` of this region's cluster (sum over its instances). */
  public metricConnections(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('DatabaseConnections', this.clusterIdentifier, this.region, options);
  }

  /** `CommitLatency` of this region's cluster, milliseconds (after a promotion). */
  public metricCommitLatency(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('CommitLatency', this.clusterIdentifier, this.region, options);
  }

  /** The writer-role signal of this region: data points only while it holds the global writer. */
  public metricWriterRole(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return writerRoleMetric(this.clusterIdentifier, this.region, options);
  }

  /** `AuroraGlobalDBReplicatedWriteIO` into this secondary. */
  public metricReplicatedWriteIo(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('AuroraGlobalDBReplicatedWriteIO', this.clusterIdentifier, this.region, options);
  }

  /** `AuroraGlobalDBDataTransferBytes` into this secondary. */
  public metricDataTransfer(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('AuroraGlobalDBDataTransferBytes', this.clusterIdentifier, this.region, options);
  }

  /** An alarm, in this region, on this cluster's CPU above `threshold` percent. */
  public alarmCpu(id: string, options: RegionAlarmOptions): cloudwatch.Alarm {
    return createRegionAlarm(this, id, this.metricCpu(options.metric), `CPU of ${this.clusterIdentifier} (percent)`, options);
  }

  /** An alarm, in this region, on this cluster's commit latency above `threshold` milliseconds. */
  public alarmCommitLatency(id: string, options: RegionAlarmOptions): cloudwatch.Alarm {
    return createRegionAlarm(this, id, this.metricCommitLatency(options.metric), `Commit latency of ${this.clusterIdentifier} (ms)`, options);
  }
}
