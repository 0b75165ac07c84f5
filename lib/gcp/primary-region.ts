import { Annotations, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { DataGoogleSqlDatabaseInstances } from '@cdktf/provider-google/lib/data-google-sql-database-instances';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Construct } from 'constructs';
import {
  DataResidency, EngineFamily, Phase, RecoveryObjectives, resolveTopology, throwIfProblems, Topology,
} from '../core';
import { createPrivateServiceNetwork } from './deployment-network';
import { instanceDownAlert, splitBrainGuard } from './private/alerts';
import { describeWriteEndpoint, designateDrReplica, DrDesignationMode } from './private/dr-designation';
import { instanceConfig, InstanceShape } from './private/instance-settings';
import { connectionName, deterministicName } from './private/names';
import { registerPrimary } from './private/phase-checks';
import { primaryProblems } from './private/primary-rules';
import {
  AuthorizedNetwork, Edition, defaultRetainedBackups, defaultTier, iamDatabaseUser, sqlFlags,
} from './private/sql-rules';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { mustSurvive } from './private/state-registry';
import { useGoogleProvider } from './provider';

/** A weekly maintenance window, UTC. */
export interface MaintenanceWindow {
  /** Day of the week, 1 (Monday) to 7 (Sunday). */
  readonly day: number;
  /** Hour of the day, 0–23, UTC. */
  readonly hour: number;
}

/** Properties of {@link PrimaryRegion}. */
export interface PrimaryRegionProps {
  /** Project that holds every resource. */
  readonly project: string;
  /** The read-write region, e.g. `us-central1`. */
  readonly region: string;
  /**
   * Regions that hold a read replica. Deployment-time configuration.
   * @default [] (phase 1, a single region)
   */
  readonly replicaRegions?: readonly string[];
  /**
   * Phase of the evolution ladder this deployment claims.
   * @default 1 without replica regions, 2 with them
   */
  readonly phase?: Phase;
  /**
   * Engine family.
   * @default 'postgresql'
   */
  readonly engine?: EngineFamily;
  /**
   * Cloud SQL database version; must match the engine.
   * @default 'POSTGRES_16' for PostgreSQL, 'MYSQL_8_0' for MySQL
   */
  readonly databaseVersion?: string;
  /**
   * Cloud SQL edition. Enterprise Plus adds the cross-region DR replica
   * (switchover without data loss), the write endpoint and up to 35 days of
   * point-in-time recovery.
   * @default 'ENTERPRISE'
   */
  readonly edition?: Edition;
  /**
   * Machine tier.
   * @default 'db-custom-2-7680' (Enterprise) or 'db-perf-optimized-N-2' (Enterprise Plus)
   */
  readonly tier?: string;
  /**
   * `REGIONAL` keeps a standby in another zone (HA); `ZONAL` needs `allowSingleZone`.
   * @default 'REGIONAL'
   */
  readonly availabilityType?: 'REGIONAL' | 'ZONAL';
  /**
   * Accept a single-zone instance (an outage when the zone fails).
   * @default false
   */
  readonly allowSingleZone?: boolean;
  /**
   * Automated backups. false is rejected in every phase.
   * @default true
   */
  readonly backups?: boolean;
  /**
   * Automated daily backups retained (1–365; 7 at least for the ladder). Must
   * exceed `transactionLogRetentionDays`: Cloud SQL rejects fewer backups
   * than days of logs.
   * @default transactionLogRetentionDays + 7, at least 14 (14 on Enterprise, 21 on Enterprise Plus)
   */
  readonly backupRetentionDays?: number;
  /**
   * Start of the daily backup window, `HH:MM` UTC.
   * @default '03:00'
   */
  readonly backupStartTime?: string;
  /**
   * Point-in-time recovery (write-ahead log / binary log retention). false is rejected.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Days of transaction logs kept for point-in-time recovery: at least 7, at
   * most 7 on Enterprise and 35 on Enterprise Plus.
   * @default 7 (Enterprise) or 14 (Enterprise Plus)
   */
  readonly transactionLogRetentionDays?: number;
  /**
   * Deletion protection: both Terraform's `deletion_protection` and the
   * API-level `deletion_protection_enabled`. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Keep automated backups after the instance is deleted. false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly retainBackupsOnDelete?: boolean;
  /**
   * Explicitly accept that deleting the instance can lose the data: required
   * to turn deletion protection off or to drop backups on delete.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * VPC network (`projects/<p>/global/networks/<name>`) with private service
   * access already configured, e.g. {@link DeploymentNetwork.network} from a
   * stack of its own. Replicas in other regions use it too. A network is
   * global and belongs to no region's role: with replicas, give it a stack
   * of its own (a warning says so otherwise).
   * @default a new network with a /16 range reserved for private service access, in this construct
   */
  readonly network?: string;
  /**
   * Name of the reserved range (global address) Cloud SQL takes its IP from.
   * @default the range this construct reserves, or any range of the network's connection
   */
  readonly allocatedIpRange?: string;
  /**
   * Networks allowed through a public IP. Setting any needs `allowPublicIp`.
   * @default [] (private IP only)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /**
   * Explicitly accept a public IP on the instance.
   * @default false
   */
  readonly allowPublicIp?: boolean;
  /**
   * Weekly maintenance window, UTC.
   * @default { day: 7, hour: 5 } (Sunday 05:00 UTC)
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Extra database flags, merged over the logging flags set by default.
   * @default {}
   */
  readonly databaseFlags?: Readonly<Record<string, string>>;
  /**
   * Query insights.
   * @default true
   */
  readonly queryInsights?: boolean;
  /**
   * Region of an Enterprise Plus DR replica (must be one of `replicaRegions`,
   * deployed with `ReadReplicaRegion` `disasterRecovery: true`). With
   * `drReplicaDesignated` it sets `replication_cluster.failover_dr_replica_name`
   * so a switchover is possible.
   * @default - no DR replica
   */
  readonly drReplicaRegion?: string;
  /**
   * How the DR replica of `drReplicaRegion` is designated on the primary
   * (`replication_cluster.failover_dr_replica_name`). Cloud SQL only accepts
   * an existing replica, which is created after the primary, so the
   * designation is always a second apply of the primary's stack.
   *
   * - unset (automatic): the plan reads the instances of the DR region and
   *   designates the DR replica as soon as it exists and replicates this
   *   primary — the same configuration every time; the output
   *   `DrReplicaDesignation` says whether it is done or which apply is next.
   * - `true`: always designate (the apply fails while the replica is missing).
   * - `false`: never designate (failovers are plain promotions).
   *
   * Until the designation, the failover workflow promotes the replica (it
   * checks `replicationCluster.drReplica` at run time).
   * https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery
   * @default - automatic
   */
  readonly drReplicaDesignated?: boolean;
  /**
   * Instance name. Replicas, the router and the runbook find the instance by
   * it, so it must not change after deployment.
   * @default `instanceNames[region]`, else derived from the construct path, e.g. `mrc-phase2-primary-database-1a2b3c`
   */
  readonly instanceName?: string;
  /**
   * The instance name of every region of the deployment, primary and
   * replicas — role-free: the same map before and after a role swap, so each
   * region's instance keeps its name (a name is create-only, and Cloud SQL
   * does not reuse a deleted name for a week). `region` and every replica
   * region must be keys; a region that is not is refused, because making it
   * the primary would create a new, empty primary.
   * @default - `instanceName` for the primary, `<instanceName>-<region>` for replicas
   */
  readonly instanceNames?: Readonly<Record<string, string>>;
  /**
   * Customer-managed encryption key (`projects/.../cryptoKeys/...`).
   * @default Google-managed encryption
   */
  readonly encryptionKeyName?: string;
  /**
   * Notification channels (ids) of the alert policies.
   * @default [] (incidents only appear in the console)
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Google users and service accounts (bare emails) to create as database
   * users with IAM database authentication, in the primary's stack. With
   * replicas, prefer {@link DatabaseUsers} in a stack of its own: a role swap
   * would move these (a warning says so). They log in with an IAM token,
   * so no password exists anywhere, Terraform state included. They also need
   * `roles/cloudsql.instanceUser` (and `roles/cloudsql.client` to connect
   * through the Cloud SQL Auth Proxy) in IAM, and database privileges granted
   * in SQL; docs/gcp/README.md, "Logging in", shows the first one.
   * @default [] (IAM database authentication is on; no user is created)
   */
  readonly iamDatabaseUsers?: readonly string[];
  /**
   * Labels on the instance.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Which regions may hold a copy of the data.
   * @default - no restriction
   */
  readonly residency?: DataResidency;
  /**
   * Declared recovery objectives.
   * @default - none
   */
  readonly recoveryObjectives?: RecoveryObjectives;
  /**
   * Google provider version constraint of this stack (see `useGoogleProvider`).
   * @default '6.50.0', the version the prebuilt bindings pin
   */
  readonly providerVersionConstraint?: string;
}

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
    this.instanceNameMap = { ...(props.instanceNames ?? {}) };
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
      encryptionKeyName: props.encryptionKeyName,
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

  /** The stack that holds this primary. */
  public get stack(): TerraformStack {
    return TerraformStack.of(this);
  }
}

export { describeWriteEndpoint } from './private/dr-designation';
