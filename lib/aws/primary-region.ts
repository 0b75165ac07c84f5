import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DataResidency, Phase, RecoveryObjectives, resolveTopology, throwIfProblems, Topology, WriteMode } from '../core';
import { grantConnectOn, grantSecretReadOn } from './connections';
import { DatabaseDiscovery } from './discovery';
import { masterSecretName, primaryTarget, RemoteFacts } from './private/connect-targets';
import { engineFamily, logExports, tlsParameters } from './private/aurora-rules';
import { defaultGlobalIdentifier, IdentifierScheme } from './private/identifiers';
import { auroraClusterMetric, createRegionAlarm, RegionAlarmOptions, RegionMetricOptions, writerRoleMetric } from './private/aurora-metrics';
import { createReplicationLagAlarm, globalLagMetric, GlobalLagMetricOptions } from './private/metrics';
import { createMonitoringRole } from './private/monitoring-role';
import { createNetwork, placementZones } from './private/network';
import { addPhaseValidation } from './private/phase-checks';
import { primaryRegionProblems } from './private/primary-checks';

/** Properties of {@link PrimaryRegion}. */
export interface PrimaryRegionProps {
  /**
   * Regions that hold a read-only copy (Aurora global secondary clusters).
   * Deployment-time configuration: read it from CDK context, not code.
   * @default [] (phase 1, a single region)
   */
  readonly replicaRegions?: readonly string[];
  /**
   * The region that holds the writer of the global database today: this
   * region (the origin, where the global database was created) or one of
   * `replicaRegions`. A role, read from deployment-time configuration: after
   * a switchover or a failover, set it to the new writer's region. Nothing
   * stateful depends on it — this construct's cluster, key and secret stay
   * as they are; the failover runbook's direction and the automatic
   * failover's detection follow it (docs/aws/day-two.md).
   * @default this region
   */
  readonly writerRegion?: string;
  /**
   * Alarm when the replication lag into this region's cluster exceeds this.
   * The cluster publishes `AuroraGlobalDBReplicationLag` only while it is a
   * secondary (after a switchover or a failover moved the writer away).
   * @default Duration.seconds(30)
   */
  readonly replicationLagAlarmThreshold?: Duration;
  /**
   * Phase of the evolution ladder this deployment claims.
   * @default 1 without replica regions, 2 with them
   */
  readonly phase?: Phase;
  /**
   * How writes are spread over regions: required at phase 5 (which has no
   * default), refused before. An Aurora global database has one writer, so a
   * PrimaryRegion is the home of one partition: `'geo-partitioned'` (what
   * {@link GeoPartitionedDatabase} builds). Strongly consistent writes in
   * several regions (`'active-active'`) are Aurora DSQL:
   * {@link ActiveActiveDatabase}. Last-write-wins is refused.
   * @default - none
   */
  readonly writeMode?: WriteMode;
  /**
   * Aurora engine, with a pinned version. In a global database the version is
   * the running one: automatic minor version upgrades are off on every
   * instance (a secondary added later must run the primary's exact version
   * to join), and an upgrade is a deliberate change of this property — see
   * docs/aws/phase-2.md (upgrading a global database).
   * @default Aurora PostgreSQL 16.9
   */
  readonly engine?: rds.IClusterEngine;
  /**
   * The VPC for the cluster; its private (isolated or with egress) subnets are used.
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
   * Instance class of the writer and readers.
   * @default db.r6g.large
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Database instances: one writer plus `instances - 1` readers, spread over
   * availability zones (each reader in a different zone than the writer).
   * @default 2
   */
  readonly instances?: number;
  /**
   * Accept fewer than 2 instances (no standby in another zone). Zone failure
   * then means an outage until Aurora creates a new instance.
   * @default false
   */
  readonly allowSingleInstance?: boolean;
  /**
   * Automated backup retention (1–35 days on Aurora; 7 at least for the ladder).
   * @default Duration.days(14)
   */
  readonly backupRetention?: Duration;
  /**
   * Daily backup window, UTC, `hh24:mi-hh24:mi`.
   * @default '03:00-04:00'
   */
  readonly preferredBackupWindow?: string;
  /**
   * Point-in-time recovery. Aurora always keeps it within the backup
   * retention; setting false is rejected because every phase requires it.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Encrypt storage at rest. false is rejected.
   * @default true
   */
  readonly storageEncrypted?: boolean;
  /**
   * Customer-managed KMS key for storage, Performance Insights and the secret
   * in this region. It is a single-region key: the secret's replicas in the
   * replica regions are encrypted with each region's AWS managed key
   * `aws/secretsmanager`.
   * @default a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Deletion protection on the cluster (and the global cluster).
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the stack. DESTROY needs
   * `allowDataLossOnDelete`.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Explicitly accept that deleting the stack (or the resource) can delete the
   * data: required to turn deletion protection off or to use DESTROY.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * Create an Aurora global database even without replica regions (so
   * secondaries can be added later without touching this stack's cluster).
   * @default true when replicaRegions is not empty
   */
  readonly globalDatabase?: boolean;
  /**
   * Identifier of the global cluster. Other regions find the database by this
   * name, so it must not change after deployment. Each region's cluster is
   * `<id>-<region>` and its instances `<id>-<region>-<n>`; RDS allows 63
   * characters for each, so synth refuses an identifier that is too long for
   * one of the deployment's regions.
   * @default derived from the construct path, e.g. `mrc-phase2primary-database-1a2b3c4d`,
   * short enough for every region by construction (an identifier derived by
   * an earlier version is kept unchanged wherever it fits)
   */
  readonly globalClusterIdentifier?: string;
  /**
   * Master user name (the password is generated into Secrets Manager).
   * @default 'dbadmin'
   */
  readonly masterUsername?: string;
  /**
   * Name of a database created in the cluster.
   * @default - none
   */
  readonly defaultDatabaseName?: string;
  /**
   * Rotate the master password on this schedule (hosted rotation Lambda in the
   * VPC); `Duration.days(0)` turns rotation off.
   * @default Duration.days(30)
   */
  readonly secretRotation?: Duration;
  /**
   * Which regions may hold a copy of the data.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
  /**
   * Declared recovery objectives, checked by later phases against the
   * estimate. On Aurora PostgreSQL an `rpoSeconds` of 20 or more is enforced
   * from phase 3 (`rds.global_db_rpo`), at a price in availability: see
   * `FailoverRunbookProps.recoveryObjectives`.
   * @default - none
   */
  readonly recoveryObjectives?: RecoveryObjectives;
}

/**
 * The read-write region: network, a hardened Aurora cluster (writer and
 * readers across zones), its secret replicated to every replica region, and —
 * when the topology has replicas — the Aurora global cluster they join.
 *
 * Place it in a stack with an explicit `env.region`.
 */
export class PrimaryRegion extends Construct implements ec2.IConnectable {
  /** The validated topology this primary belongs to. */
  public readonly topology: Topology;
  /** The Aurora cluster in this region. */
  public readonly cluster: rds.DatabaseCluster;
  /** Master credentials (JSON with username, password, host, port…). */
  public readonly secret: secretsmanager.ISecret;
  /** Security group of the cluster; allow your application's clients through `connections`. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The VPC the cluster runs in. */
  public readonly vpc: ec2.IVpc;
  /** The KMS key that encrypts storage, Performance Insights and the secret. */
  public readonly encryptionKey: kms.IKey;
  /** The engine, shared with every secondary. */
  public readonly engine: rds.IClusterEngine;
  /** Region of this stack: the origin of the global database. */
  public readonly region: string;
  /** The region that holds the writer today (a role; see {@link PrimaryRegionProps.writerRegion}). */
  public readonly writerRegion: string;
  /** Phase 5: the write mode (always `'geo-partitioned'` on Aurora); undefined before phase 5. */
  public readonly writeMode?: WriteMode;
  /**
   * Alarm on replication lag into this region's cluster, for when it is a
   * secondary (after a switchover or failover); undefined for a
   * single-region database.
   */
  public readonly replicationLagAlarm?: cloudwatch.Alarm;
  /** Threshold of {@link replicationLagAlarm}. */
  public readonly replicationLagThreshold: Duration;
  /** Cluster identifier in this region (deterministic). */
  public readonly clusterIdentifier: string;
  /**
   * How the cluster and instance identifiers of every region derive from the
   * global identifier (use {@link clusterIdentifierIn}).
   */
  public readonly identifiers: IdentifierScheme;
  /** Global cluster identifier (deterministic), or undefined for a single-region database. */
  public readonly globalClusterIdentifier?: string;
  /** The `AWS::RDS::GlobalCluster`, when there is one. */
  public readonly globalCluster?: rds.CfnGlobalCluster;
  /** Writer endpoint of this region's cluster. */
  public readonly writerEndpoint: string;
  /** Reader endpoint of this region's cluster. */
  public readonly readerEndpoint: string;
  /**
   * Global writer endpoint: follows the writer through switchover and
   * failover. Undefined for a single-region database.
   *
   * Read at deploy time (`rds:DescribeGlobalClusters` on this global cluster
   * only, through an SDK-call custom resource created on first use): the
   * CloudFormation schema of `AWS::RDS::GlobalCluster` lists only the
   * `GlobalEndpoint` object as an attribute, not `GlobalEndpoint.Address`
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-rds-globalcluster-globalendpoint.html;
   * CDK's template validation flags that GetAtt, E9004), so a template
   * using it could fail at deploy.
   */
  public get globalWriterEndpoint(): string | undefined {
    if (!this.globalClusterIdentifier) return undefined;
    return RemoteFacts.of(this, { globalId: this.globalClusterIdentifier, originRegion: this.region, dependency: this.globalCluster }).globalWriterEndpoint;
  }
  /** The master user's name (its password is in {@link secret}). */
  public readonly masterUsername: string;
  /** The database created in the cluster, if any. */
  public readonly databaseName?: string;

  constructor(scope: Construct, id: string, props: PrimaryRegionProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = { construct: 'PrimaryRegion', path: this.node.path };
    if (Token.isUnresolved(stack.region)) {
      throwIfProblems(source, [{
        property: 'env.region',
        message: `env.region is not set on the stack '${stack.stackName}', so replica regions cannot be checked against it`,
        fix: "create the stack with env: { region: 'us-east-1' } (and an account)",
      }]);
    }
    this.region = stack.region;
    this.engine = props.engine ?? rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_9 });
    const family = engineFamily(this.engine);
    const replicaRegions = props.replicaRegions ?? [];
    const isGlobal = props.globalDatabase ?? replicaRegions.length > 0;
    const instances = props.instances ?? 2;
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);
    const backupRetention = props.backupRetention ?? Duration.days(14);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const deletionProtection = props.deletionProtection ?? true;
    const explicitId = props.globalClusterIdentifier;
    const globalId = explicitId ?? defaultGlobalIdentifier(this, this.region, instances);
    this.identifiers = new IdentifierScheme(globalId, explicitId === undefined);

    const spec = {
      primaryRegion: this.region,
      replicaRegions,
      phase: props.phase,
      engine: family,
      residency: props.residency,
      recoveryObjectives: props.recoveryObjectives,
    };
    const writerRegion = props.writerRegion ?? this.region;
    const rotation = props.secretRotation ?? Duration.days(30);
    const problems = primaryRegionProblems(this, props, {
      spec, engine: this.engine, isGlobal, instances, instanceType, backupRetention, removalPolicy, deletionProtection,
      globalId, identifiers: this.identifiers, writerRegion, rotates: rotation.toMilliseconds() > 0,
    });
    throwIfProblems(source, problems);
    this.topology = resolveTopology(spec);
    this.writerRegion = writerRegion;
    this.writeMode = props.writeMode;
    // Phases 3 and 4 need constructs built elsewhere in the app: checked at synth.
    addPhaseValidation(this, this.topology.phase, this.region);

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the ${globalId} database in ${this.region}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc = props.vpc ?? createNetwork(this, props.availabilityZones);

    this.clusterIdentifier = this.identifiers.cluster(this.region);
    this.masterUsername = props.masterUsername ?? 'dbadmin';
    this.databaseName = props.defaultDatabaseName;
    const writerProps = {
      instanceIdentifier: this.identifiers.instance(this.region, 1),
      publiclyAccessible: false,
      // Global database: the engine version is pinned and upgraded on purpose
      // (secondaries first), never by the maintenance window — a region added
      // later with the pinned version must match the running one to join.
      autoMinorVersionUpgrade: !isGlobal,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.encryptionKey,
    };
    const subnetType = this.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
    // Only zones the DB subnet group covers: an instance placed in a zone
    // without one of its subnets fails to create (a user VPC may have more
    // zones than database subnets).
    const zones = placementZones(this, this.vpc.selectSubnets({ subnetType }));
    const readers = Array.from({ length: Math.max(0, instances - 1) }, (_, i) =>
      rds.ClusterInstance.provisioned(`Reader${i + 1}`, {
        ...writerProps,
        instanceType,
        instanceIdentifier: this.identifiers.instance(this.region, i + 2),
        availabilityZone: zones.length > 1 ? zones[(i + 1) % zones.length] : undefined,
        promotionTier: 1,
      }),
    );

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine: this.engine,
      clusterIdentifier: this.clusterIdentifier,
      vpc: this.vpc,
      vpcSubnets: { subnetType },
      writer: rds.ClusterInstance.provisioned('Writer', {
        ...writerProps,
        instanceType,
        availabilityZone: zones.length > 1 ? zones[0] : undefined,
        promotionTier: 0,
      }),
      readers,
      credentials: rds.Credentials.fromGeneratedSecret(this.masterUsername, {
        secretName: masterSecretName(globalId),
        encryptionKey: this.encryptionKey,
        // No key per replica: a key of the replica region would have to exist
        // before this stack deploys (it is made by the replica's stack, which
        // deploys after this one), so Secrets Manager uses aws/secretsmanager there:
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-secretsmanager-secret-replicaregion.html
        replicaRegions: replicaRegions.map((region) => ({ region })),
      }),
      defaultDatabaseName: props.defaultDatabaseName,
      storageEncrypted: true,
      storageEncryptionKey: this.encryptionKey,
      backup: { retention: backupRetention, preferredWindow: props.preferredBackupWindow ?? '03:00-04:00' },
      preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
      deletionProtection,
      removalPolicy,
      iamAuthentication: true,
      parameters: family ? tlsParameters(family) : undefined,
      cloudwatchLogsExports: family ? logExports(family) : undefined,
      monitoringInterval: Duration.seconds(60),
      monitoringRole: createMonitoringRole(this),
      copyTagsToSnapshot: true,
    });
    this.secret = this.cluster.secret!;
    this.securityGroup = this.cluster.connections.securityGroups[0];
    this.writerEndpoint = this.cluster.clusterEndpoint.hostname;
    this.readerEndpoint = this.cluster.clusterReadEndpoint.hostname;

    if (rotation.toMilliseconds() > 0) {
      const rotationSg = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
        vpc: this.vpc,
        description: `Secret rotation for ${this.clusterIdentifier}`,
      });
      this.cluster.connections.allowDefaultPortFrom(rotationSg, 'Secret rotation');
      const options = { vpc: this.vpc, securityGroups: [rotationSg], vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } };
      this.secret.addRotationSchedule('Rotation', {
        automaticallyAfter: rotation,
        hostedRotation: family === 'mysql'
          ? secretsmanager.HostedRotation.mysqlSingleUser(options)
          : secretsmanager.HostedRotation.postgreSqlSingleUser(options),
      });
    }

    if (isGlobal) {
      this.globalClusterIdentifier = globalId;
      // Created from the existing cluster (SourceDBClusterIdentifier), so a
      // phase-1 cluster becomes the primary of a global database in place,
      // without replacement, when the user climbs to phase 2.
      this.globalCluster = new rds.CfnGlobalCluster(this, 'GlobalCluster', {
        globalClusterIdentifier: globalId,
        sourceDbClusterIdentifier: this.cluster.clusterArn,
        deletionProtection,
      });
      // The global cluster holds no data of its own; keeping it on stack
      // deletion avoids a failed delete while secondaries are still attached.
      this.globalCluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.globalCluster.node.addDependency(this.cluster);
    }

    // After a switchover or a failover this region is a secondary: the same
    // replication-lag alarm as every ReadReplicaRegion has, in this region
    // (the metric is published in the secondary's region; none while this
    // region writes, so missing data leaves the alarm as it is).
    this.replicationLagThreshold = props.replicationLagAlarmThreshold ?? Duration.seconds(30);
    if (isGlobal) {
      this.replicationLagAlarm = createReplicationLagAlarm(this, this.metricReplicationLag(this.region), this.replicationLagThreshold,
        `Aurora global replication lag into ${this.clusterIdentifier} is high (it is a secondary after a switchover or failover): reads here are stale and a failover back would lose more data`);
    }
  }

  /**
   * Replication lag from this primary to the secondary in `secondaryRegion`
   * (`AuroraGlobalDBReplicationLag`, milliseconds). The metric lives in the
   * secondary's region: use it on dashboards; alarm on it in the secondary's
   * stack ({@link ReadReplicaRegion.metricReplicationLag}).
   */
  public metricReplicationLag(secondaryRegion: string, options: GlobalLagMetricOptions = {}): cloudwatch.Metric {
    this.requireGlobal();
    return globalLagMetric('AuroraGlobalDBReplicationLag', this.clusterIdentifierIn(secondaryRegion), secondaryRegion, options);
  }

  /**
   * Recovery point lag of the secondary in `secondaryRegion`
   * (`AuroraGlobalDBRPOLag`, milliseconds): how much data a failover to it
   * would lose right now.
   */
  public metricRpoLag(secondaryRegion: string, options: GlobalLagMetricOptions = {}): cloudwatch.Metric {
    this.requireGlobal();
    return globalLagMetric('AuroraGlobalDBRPOLag', this.clusterIdentifierIn(secondaryRegion), secondaryRegion, options);
  }

  /** The cluster's security group, on the database port: `db.connections.allowDefaultPortFrom(service)`. */
  public get connections(): ec2.Connections {
    return this.cluster.connections;
  }

  /**
   * Lets `grantee` log in as `dbUser` with IAM database authentication on
   * this region's cluster: `rds-db:connect` on
   * `arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<dbUser>`
   * only. The grantee must be in a stack of this region (docs/connect-your-app.md
   * for writers in other regions).
   */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return grantConnectOn(primaryTarget(this), grantee, dbUser);
  }

  /** Lets `grantee` read the master secret in this region (and decrypt it with its key, through Secrets Manager only). */
  public grantSecretRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretReadOn(primaryTarget(this), grantee);
  }

  /**
   * Publishes this region's discovery record, `/multiregion/<name>/<region>/database`
   * (docs/connect-your-app.md): role-agnostic, read by applications with
   * {@link DatabaseConnection.fromRegion}.
   */
  public publishDiscovery(name: string): DatabaseDiscovery {
    return new DatabaseDiscovery(this, 'Discovery', primaryTarget(this), { name });
  }

  /** The cluster identifier of this database in `region` (this region or a replica region). */
  public clusterIdentifierIn(region: string): string {
    return this.identifiers.cluster(region);
  }

  /**
   * Sets a parameter in the cluster's parameter group (e.g. `rds.global_db_rpo`).
   * Returns false when the cluster has no parameter group of its own.
   */
  public addClusterParameter(name: string, value: string): boolean {
    const group = this.cluster.node.tryFindChild('ParameterGroup');
    return group instanceof rds.ParameterGroup ? group.addParameter(name, value) : false;
  }

  /** `CPUUtilization` of this region's cluster (average over its instances), percent. */
  public metricCpu(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('CPUUtilization', this.clusterIdentifier, this.region, options);
  }

  /** `DatabaseConnections` of this region's cluster (sum over its instances). */
  public metricConnections(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('DatabaseConnections', this.clusterIdentifier, this.region, options);
  }

  /** `CommitLatency` of this region's cluster, milliseconds. */
  public metricCommitLatency(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return auroraClusterMetric('CommitLatency', this.clusterIdentifier, this.region, options);
  }

  /**
   * The writer-role signal of this region: data points while this region's
   * cluster holds the global writer, none otherwise.
   */
  public metricWriterRole(options: RegionMetricOptions = {}): cloudwatch.Metric {
    return writerRoleMetric(this.clusterIdentifier, this.region, options);
  }

  /** `AuroraGlobalDBReplicatedWriteIO` into the secondary in `secondaryRegion` (published there). */
  public metricReplicatedWriteIo(secondaryRegion: string, options: RegionMetricOptions = {}): cloudwatch.Metric {
    this.requireGlobal();
    return auroraClusterMetric('AuroraGlobalDBReplicatedWriteIO', this.clusterIdentifierIn(secondaryRegion), secondaryRegion, options);
  }

  /** `AuroraGlobalDBDataTransferBytes` into the secondary in `secondaryRegion` (published there). */
  public metricDataTransfer(secondaryRegion: string, options: RegionMetricOptions = {}): cloudwatch.Metric {
    this.requireGlobal();
    return auroraClusterMetric('AuroraGlobalDBDataTransferBytes', this.clusterIdentifierIn(secondaryRegion), secondaryRegion, options);
  }

  /** An alarm, in this region, on this cluster's CPU above `threshold` percent. */
  public alarmCpu(id: string, options: RegionAlarmOptions): cloudwatch.Alarm {
    return createRegionAlarm(this, id, this.metricCpu(options.metric), `CPU of ${this.clusterIdentifier} (percent)`, options);
  }

  /** An alarm, in this region, on this cluster's commit latency above `threshold` milliseconds. */
  public alarmCommitLatency(id: string, options: RegionAlarmOptions): cloudwatch.Alarm {
    return createRegionAlarm(this, id, this.metricCommitLatency(options.metric), `Commit latency of ${this.clusterIdentifier} (ms)`, options);
  }

  private requireGlobal(): string {
    if (!this.globalClusterIdentifier) {
      throw new Error(`PrimaryRegion '${this.node.path}': this database is not global, so it has no replication lag; set replicaRegions or globalDatabase: true`);
    }
    return this.globalClusterIdentifier;
  }
}
