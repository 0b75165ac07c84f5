import { Annotations, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { DataGoogleSqlDatabaseInstances } from '@cdktf/provider-google/lib/data-google-sql-database-instances';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Construct } from 'constructs';
import { EngineFamily, resolveTopology, throwIfProblems, Topology, WriteMode } from '../core';
import { createPrivateServiceNetwork } from './deployment-network';
import { instanceDownAlert, splitBrainGuard } from './private/alerts';
import { describeWriteEndpoint, designateDrReplica, DrDesignationMode } from './private/dr-designation';
import { instanceConfig, InstanceShape } from './private/instance-settings';
import { connectionName, deterministicName } from './private/names';
import { registerPrimary } from './private/phase-checks';
import { primaryProblems } from './private/primary-rules';
import { Edition, defaultRetainedBackups, defaultTier, iamDatabaseUser, sqlFlags } from './private/sql-rules';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { mustSurvive } from './private/state-registry';
import type { MaintenanceWindow, PrimaryRegionProps } from './primary-region-props';
import { useGoogleProvider } from './provider';

export type { MaintenanceWindow, PrimaryRegionProps } from './primary-region-props';

/**
 * The read-write region: a Cloud SQL instance (PostgreSQL or MySQL) with
 * regional availability, automated backups and point-in-time recovery,
 * deletion protection, private IP only through private service access, TLS
 * required, logging flags, a maintenance window and query insights, and an
 * alert on its state.
 */
export class PrimaryRegion extends Construct {
  /** The validated topology this primary belongs to. */
  public readonly topology: Topology;
  /** Phase 5: the write mode (always `'geo-partitioned'` on Cloud SQL); undefined before phase 5. */
  public readonly writeMode?: WriteMode;
  /** The Cloud SQL instance (also `node.defaultChild`). */
  public readonly instance: SqlDatabaseInstance;
  /** Project of the instance. */
  public readonly project: string;
  /** Region of the instance. */
  public readonly region: string;
  /** Instance name (deterministic, a plain string). */
  public readonly instanceName: string;
  /** Connection name `project:region:instance` (a plain string). */
  public readonly connectionName: string;
  /** Private IP address of the instance (a Terraform reference). */
  public readonly privateIp: string;
  /** Cloud SQL database version. */
  public readonly databaseVersion: string;
  /** Cloud SQL edition. */
  public readonly edition: Edition;
  /** Machine tier. */
  public readonly tier: string;
  /** The VPC network (`projects/<p>/global/networks/<name>`, a plain string). */
  public readonly network: string;
  /** Name of the DR replica instance, when `drReplicaRegion` is set. */
  public readonly drReplicaName?: string;
  /**
   * True when the primary designates its DR replica (automatically once the
   * replica exists, or always): switchover and replica failover become
   * possible from then on. The workflow checks the designation at run time.
   */
  public readonly drReplicaDesignated: boolean;
  /** How the DR replica is designated: `automatic` (default), `always` or `never`; undefined without a DR replica. */
  public readonly drReplicaDesignation?: DrDesignationMode;
  /** The plan-time lookup of the DR region's instances (automatic designation). */
  public readonly drReplicaLookup?: DataGoogleSqlDatabaseInstances;
  /** Name of the private service access range the instances take their IP from, when known. */
  public readonly allocatedIpRange?: string;
  /** The database flags of the instance (defaults merged with `databaseFlags`); replicas carry the same. */
  public readonly databaseFlags: Readonly<Record<string, string>>;
  /** Weekly maintenance window, UTC; replicas use the same. */
  public readonly maintenanceWindow: MaintenanceWindow;
  /** Query insights on; replicas follow. */
  public readonly queryInsights: boolean;
  /** Labels of the instance; replicas carry the same. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Engine family. */
  public readonly engine: EngineFamily;
  private readonly instanceNameMap: Readonly<Record<string, string>>;
  private readonly keyNameMap: Readonly<Record<string, string>>;
  /** Days of transaction logs kept for point-in-time recovery. */
  public readonly transactionLogRetentionDays: number;
  /** Automated daily backups kept (always more than {@link transactionLogRetentionDays}). */
  public readonly retainedBackups: number;
  /** Start of the daily backup window, `HH:MM` UTC. */
  public readonly backupStartTime: string;
  /**
   * The database write endpoint to give applications in the VPC: on
   * Enterprise Plus the PSA write endpoint when Cloud SQL created one (a DNS
   * name ending in `.global.sql-psa.goog.`), else the private IP of this
   * instance. See {@link writeEndpointFollowsFailover} for when it follows.
   */
  public readonly writeEndpoint: string;
  /**
   * True only when the write endpoint follows the writes: Enterprise Plus
   * with the DR replica designated, moved by a switchover or a replica
   * failover (`promote-replica --failover`). A standalone promotion (any
   * other replica, or the DR replica before designation) leaves it, and the
   * private IP, on the former primary.
   */
  public readonly writeEndpointFollowsFailover: boolean;
  /** What {@link writeEndpoint} is and does in the current state, one sentence (for outputs and runbooks). */
  public readonly writeEndpointDescription: string;
  /** Alert on the instance being down. */
  public readonly stateAlert: MonitoringAlertPolicy;
  /** The split-brain guard (disabled; armed by the failover workflow when this instance is left behind). */
  public readonly splitBrainGuard: MonitoringAlertPolicy;
  /** The IAM database users (`iamDatabaseUsers`), without passwords. */
  public readonly iamDatabaseUsers: readonly SqlUser[];
  /** Notification channels of the alerts. */
  public readonly notificationChannels: readonly string[];

  constructor(scope: Construct, id: string, props: PrimaryRegionProps) {
    super(scope, id);
    const source = { construct: 'PrimaryRegion', path: this.node.path };
    const engine = props.engine ?? 'postgresql';
    const edition: Edition = props.edition ?? 'ENTERPRISE';
    const replicaRegions = props.replicaRegions ?? [];
    const availability = props.availabilityType ?? 'REGIONAL';
    const backups = props.backups ?? true;
    const pitr = props.pointInTimeRecovery ?? true;
    const logDays = props.transactionLogRetentionDays ?? (edition === 'ENTERPRISE_PLUS' ? 14 : 7);
    const retention = props.backupRetentionDays ?? defaultRetainedBackups(logDays);
    const deletionProtection = props.deletionProtection ?? true;
    const retainBackups = props.retainBackupsOnDelete ?? true;
    const dataLossAllowed = props.allowDataLossOnDelete ?? false;
    const instanceName = props.instanceName ?? props.instanceNames?.[props.region] ?? deterministicName(this, 'mrc');
    const databaseVersion = props.databaseVersion ?? (engine === 'mysql' ? 'MYSQL_8_0' : 'POSTGRES_16');
    const window = props.maintenanceWindow ?? { day: 7, hour: 5 };

    const spec = {
      primaryRegion: props.region,
      replicaRegions,
      phase: props.phase,
      engine,
      residency: props.residency,
      recoveryObjectives: props.recoveryObjectives,
    };
    const phase = spec.phase ?? (replicaRegions.length > 0 ? 2 : 1);
    const tier = props.tier ?? defaultTier(edition);
    throwIfProblems(source, primaryProblems(props, {
      spec, phase, engine, edition, replicaRegions, availability, backups, pitr, logDays, retention,
      deletionProtection, retainBackups, dataLossAllowed, instanceName, databaseVersion, window, tier,
    }));

    this.topology = resolveTopology(spec);
    this.writeMode = props.writeMode;
    this.instanceNameMap = { ...(props.instanceNames ?? {}) };
    this.keyNameMap = { ...(props.encryptionKeyNames ?? {}), ...(props.encryptionKeyName && !props.encryptionKeyNames?.[props.region] ? { [props.region]: props.encryptionKeyName } : {}) };
    if (props.encryptionKeyName && !props.encryptionKeyNames && replicaRegions.length > 0) {
      Annotations.of(this).addWarning(`PrimaryRegion '${this.node.path}': encryptionKeyName is the key of the primary's region only; after a role swap it would be given to another region's instance (encryption_key_name is create-only, and a key must be in its instance's region). Give every region its key in encryptionKeyNames (docs/day-two.md)`);
    }
    this.project = props.project;
    this.region = props.region;
    this.engine = engine;
    this.instanceName = instanceName;
    this.connectionName = connectionName(props.project, props.region, instanceName);
    this.databaseVersion = databaseVersion;
    this.edition = edition;
    this.tier = tier;
    this.transactionLogRetentionDays = logDays;
    this.retainedBackups = retention;
    this.backupStartTime = props.backupStartTime ?? '03:00';
    this.notificationChannels = [...(props.notificationChannels ?? [])];
    this.databaseFlags = { ...sqlFlags(engine), ...props.databaseFlags };
    this.maintenanceWindow = { day: window.day, hour: window.hour };
    this.queryInsights = props.queryInsights ?? true;
    this.labels = { ...props.labels };
    useGoogleProvider(this, { project: props.project, region: props.region, versionConstraint: props.providerVersionConstraint });

    let connection: ServiceNetworkingConnection | undefined;
    let allocatedIpRange = props.allocatedIpRange;
    if (props.network) {
      this.network = props.network;
    } else {
      // Kept for compatibility (same children, same addresses); a
      // DeploymentNetwork in its own stack is what survives a role swap.
      const networkName = `${instanceName}-vpc`.slice(0, 63);
      connection = createPrivateServiceNetwork(this, { networkName, rangeName: `${instanceName}-psa`.slice(0, 63) }).connection;
      this.network = `projects/${props.project}/global/networks/${networkName}`;
      allocatedIpRange = allocatedIpRange ?? `${instanceName}-psa`.slice(0, 63);
      if (replicaRegions.length > 0) {
        Annotations.of(this).addWarning(`PrimaryRegion '${this.node.path}': the VPC network ${networkName} is created in the primary's stack; after a role swap this stack holds a replica and Terraform would delete the network. Create it with DeploymentNetwork in a stack of its own and pass network and allocatedIpRange (docs/day-two.md)`);
      }
    }
    this.allocatedIpRange = allocatedIpRange;

    const drReplicaName = props.drReplicaRegion ? this.instanceNameOf(props.drReplicaRegion) : undefined;
    this.drReplicaName = drReplicaName;
    const mode: DrDesignationMode | undefined = drReplicaName === undefined ? undefined
      : props.drReplicaDesignated === undefined ? 'automatic' : props.drReplicaDesignated ? 'always' : 'never';
    this.drReplicaDesignation = mode;
    this.drReplicaDesignated = mode === 'automatic' || mode === 'always';
    const designation = drReplicaName && mode
      ? designateDrReplica(this, { project: props.project, primaryName: instanceName, drRegion: props.drReplicaRegion!, drReplicaName, mode })
      : undefined;
    this.drReplicaLookup = designation?.lookup;

    const shape: InstanceShape = {
      project: props.project,
      region: props.region,
      name: instanceName,
      databaseVersion,
      engine,
      edition,
      tier: this.tier,
      deletionProtection,
      retainBackupsOnDelete: retainBackups,
      network: this.network,
      allocatedIpRange,
      authorizedNetworks: props.authorizedNetworks ?? [],
      databaseFlags: this.databaseFlags,
      maintenanceWindow: this.maintenanceWindow,
      queryInsights: this.queryInsights,
      labels: this.labels,
      encryptionKeyName: this.encryptionKeyNameOf(props.region),
    };
    const config = instanceConfig(shape, {
      kind: 'primary',
      availabilityType: availability,
      failoverDrReplicaName: designation?.failoverDrReplicaName,
      backupConfiguration: {
        enabled: backups,
        startTime: this.backupStartTime,
        pointInTimeRecoveryEnabled: engine === 'postgresql' ? pitr : undefined,
        binaryLogEnabled: engine === 'mysql' ? pitr : undefined,
        transactionLogRetentionDays: logDays,
        backupRetentionSettings: { retainedBackups: retention, retentionUnit: 'COUNT' },
      },
    });
    this.instance = new SqlDatabaseInstance(this, 'Instance', {
      ...config,
      dependsOn: connection ? [connection] : undefined,
    });
    this.node.defaultChild = this.instance;
    this.privateIp = this.instance.privateIpAddress;
    this.writeEndpointFollowsFailover = edition === 'ENTERPRISE_PLUS' && this.drReplicaDesignated;
    this.writeEndpointDescription = describeWriteEndpoint(edition, this.drReplicaDesignated, drReplicaName);
    // The PSA write endpoint is read-only and not always set (e.g. the Cloud
    // DNS API is off): fall back to the private IP instead of failing the
    // apply on an empty `replication_cluster` list or an empty string.
    this.writeEndpoint = edition === 'ENTERPRISE_PLUS'
      ? Fn.coalesce([Fn.try([this.instance.replicationCluster.psaWriteEndpoint, '']), this.privateIp])
      : this.privateIp;

    // IAM database users: no password, so nothing secret in the state.
    if ((props.iamDatabaseUsers ?? []).length > 0 && replicaRegions.length > 0) {
      Annotations.of(this).addWarning(`PrimaryRegion '${this.node.path}': iamDatabaseUsers live in the primary's stack, so a role swap would move them to another stack (google_sql_user.instance is create-only); declare them with DatabaseUsers in a stack of their own (docs/day-two.md)`);
    }
    this.iamDatabaseUsers = (props.iamDatabaseUsers ?? []).map((email) => {
      const user = iamDatabaseUser(email, engine);
      return new SqlUser(this, `IamUser-${email}`, {
        project: props.project,
        instance: this.instance.name,
        name: user.name,
        type: user.type,
        // PostgreSQL refuses to drop a role that owns objects or holds grants:
        // removing it from the configuration only forgets it.
        deletionPolicy: engine === 'postgresql' ? 'ABANDON' : undefined,
      });
    });

    this.stateAlert = instanceDownAlert(this, 'StateAlert', {
      project: props.project,
      instanceName,
      role: 'primary',
      notificationChannels: this.notificationChannels,
    });
    this.splitBrainGuard = splitBrainGuard(this, 'SplitBrainGuard', { project: props.project, instanceName, engine, notificationChannels: this.notificationChannels });

    dependOnServices(this, requireServices(this, props.project, [
      GCP_SERVICES.sqlAdmin,
      GCP_SERVICES.monitoring,
      ...(props.network ? [] : [GCP_SERVICES.compute, GCP_SERVICES.serviceNetworking]),
      // The Enterprise Plus PSA write endpoint is a Cloud DNS name.
      ...(edition === 'ENTERPRISE_PLUS' ? [GCP_SERVICES.dns] : []),
    ]));

    if (replicaRegions.length > 0) {
      mustSurvive(this, props.region, 'recommended', `holds the primary of '${this.node.path}', whose stack the role swap after a failover changes`);
    }

    registerPrimary(this);
    new TerraformOutput(this, 'ConnectionName', { value: this.connectionName, description: 'Cloud SQL connection name of the primary' });
    new TerraformOutput(this, 'WriteEndpoint', { value: this.writeEndpoint, description: this.writeEndpointDescription });
  }

  /**
   * The instance name of `region` in this deployment, whatever its role:
   * `instanceNames[region]`, else this primary's name for its own region and
   * `<instanceName>-<region>` for the others.
   */
  public instanceNameOf(region: string): string {
    return this.instanceNameMap[region] ?? (region === this.region ? this.instanceName : `${this.instanceName}-${region}`);
  }

  /** The customer-managed key of `region`'s instance, whatever its role (undefined: Google-managed). */
  public encryptionKeyNameOf(region: string): string | undefined {
    return this.keyNameMap[region];
  }

  /** The stack that holds this primary. */
  public get stack(): TerraformStack {
    return TerraformStack.of(this);
  }
}

export { describeWriteEndpoint } from './private/dr-designation';
