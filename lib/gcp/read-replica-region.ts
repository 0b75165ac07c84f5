import { TerraformOutput, TerraformStack } from 'cdktf';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { Construct } from 'constructs';
import { checkRegion, ConfigProblem, residencyAllows, show, throwIfProblems } from '../core';
import { instanceDownAlert, replicaLagAlert, splitBrainGuard } from './private/alerts';
import { GCP_PROFILE } from './private/gcp-profile';
import { connectionName, INSTANCE_NAME, MAX_INSTANCE_NAME } from './private/names';
import { renamedProp } from './private/deprecated';
import { registerReplica } from './private/phase-checks';
import { instanceConfig, InstanceShape } from './private/instance-settings';
import { AuthorizedNetwork, checkPublicIp, checkTier, Edition } from './private/sql-rules';
import { PrimaryRegion } from './primary-region';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { mustSurvive } from './private/state-registry';
import { useGoogleProvider } from './provider';

/** Properties of {@link ReadReplicaRegion}. */
export interface ReadReplicaRegionProps {
  /**
   * The primary this region replicates. Only plain values are read from it
   * (names, region, project, version), never Terraform references, so the
   * replica may live in another stack (another Terraform state).
   */
  readonly primary: PrimaryRegion;
  /** Region of the replica; one of the primary's `replicaRegions`. */
  readonly region: string;
  /**
   * Make this replica the Enterprise Plus cross-region DR replica of the
   * primary (switchover and replica failover keep the cluster and the write
   * endpoint). Needs the primary on Enterprise Plus with `drReplicaRegion`
   * set to this region.
   * @default false
   */
  readonly disasterRecovery?: boolean;
  /**
   * Machine tier of the replica (at least the primary's for a DR replica).
   * @default the primary's tier
   */
  readonly tier?: string;
  /**
   * Edition of the replica.
   * @default the primary's edition
   */
  readonly edition?: Edition;
  /**
   * Availability of the replica once it serves reads (and after promotion).
   * @default 'REGIONAL' for a DR replica, 'ZONAL' otherwise
   */
  readonly availabilityType?: 'REGIONAL' | 'ZONAL';
  /**
   * Deletion protection (Terraform's and the API's). false needs `allowDataLossOnDelete`.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Accept deleting the replica without protection.
   * @default false
   */
  readonly allowDataLossOnDelete?: boolean;
  /**
   * Networks allowed through a public IP; needs `allowPublicIp`.
   * @default [] (private IP only)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /**
   * Explicitly accept a public IP on the replica.
   * @default false
   */
  readonly allowPublicIp?: boolean;
  /**
   * Alert when replication lag stays above this many seconds for 5 minutes
   * (AWS: `replicationLagAlarmThreshold`, a Duration).
   * @default 30
   */
  readonly replicationLagAlarmThresholdSeconds?: number;
  /**
   * @deprecated use {@link replicationLagAlarmThresholdSeconds} (same meaning).
   * @default - see replicationLagAlarmThresholdSeconds
   */
  readonly replicaLagThresholdSeconds?: number;
  /**
   * Notification channels (ids) of the alerts.
   * @default the primary's notificationChannels
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Instance name. It must not change after deployment, whatever the role.
   * @default the primary's name for this region (`instanceNames[region]`, else `<primary instance name>-<region>`)
   */
  readonly instanceName?: string;
  /**
   * Google provider version constraint of this stack.
   * @default '6.50.0'
   */
  readonly providerVersionConstraint?: string;
}

/**
 * A read-only region: a Cloud SQL cross-region read replica of the primary
 * (`master_instance_name`), private IP on the primary's network, TLS
 * required, deletion protection, and alerts on replica lag and state.
 */
export class ReadReplicaRegion extends Construct {
  /** The replica instance (also `node.defaultChild`). */
  public readonly instance: SqlDatabaseInstance;
  /** The primary this replica follows. */
  public readonly primary: PrimaryRegion;
  /** Project. */
  public readonly project: string;
  /** Region of the replica. */
  public readonly region: string;
  /** Instance name (deterministic). */
  public readonly instanceName: string;
  /** Connection name `project:region:instance`. */
  public readonly connectionName: string;
  /** Private IP of the replica (a Terraform reference). */
  public readonly privateIp: string;
  /** True when this is the Enterprise Plus DR replica (switchover possible). */
  public readonly disasterRecovery: boolean;
  /** Cloud SQL edition of the replica. */
  public readonly edition: Edition;
  /** Alert on replica lag. */
  public readonly lagAlert: MonitoringAlertPolicy;
  /** Threshold of the lag alert, seconds. */
  public readonly replicationLagAlarmThresholdSeconds: number;
  /** Alert on the replica being down. */
  public readonly stateAlert: MonitoringAlertPolicy;
  /** The split-brain guard (disabled; armed by the failover workflow when this instance, once a primary, is left behind). */
  public readonly splitBrainGuard: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: ReadReplicaRegionProps) {
    super(scope, id);
    const primary = props.primary;
    const source = { construct: 'ReadReplicaRegion', path: this.node.path };
    const dr = props.disasterRecovery ?? false;
    const edition = props.edition ?? primary.edition;
    const instanceName = props.instanceName ?? primary.instanceNameOf(props.region);
    const deletionProtection = props.deletionProtection ?? true;

    const problems: ConfigProblem[] = [...checkRegion(GCP_PROFILE, 'region', props.region)];
    const threshold = renamedProp<number>(this, 'ReadReplicaRegion', props, 'replicaLagThresholdSeconds', 'replicationLagAlarmThresholdSeconds', problems) ?? 30;
    if (props.region === primary.region) {
      problems.push({
        property: 'region',
        message: `region ${show(props.region)} is the primary's region`,
        fix: `a cross-region replica must be in another region: use one of the primary's replicaRegions (${primary.topology.replicaRegions.join(', ') || 'none declared'})`,
      });
    } else if (problems.length === 0 && !primary.topology.replicaRegions.includes(props.region)) {
      problems.push({
        property: 'region',
        message: `region ${show(props.region)} is not one of the primary's replicaRegions ${show(primary.topology.replicaRegions)}`,
        fix: `add '${props.region}' to the primary's replicaRegions (the topology is validated there, including residency)`,
      });
    }
    const residency = primary.topology.residency;
    if (residency && !residencyAllows(residency, props.region)) {
      problems.push({
        property: 'region',
        message: `region ${show(props.region)} may not hold a copy of the data under the residency rule '${residency.name}' (allowed: ${residency.allowedRegions.join(', ')})`,
        fix: 'choose a region the rule allows, or change residency.allowedRegions if the rule permits it',
      });
    }
    if (dr && (primary.edition !== 'ENTERPRISE_PLUS' || edition !== 'ENTERPRISE_PLUS')) {
      problems.push({
        property: 'disasterRecovery',
        message: `disasterRecovery is true, but a cross-region DR replica needs Cloud SQL Enterprise Plus on the primary and the replica (primary edition ${show(primary.edition)}, replica edition ${show(edition)})`,
        fix: "set edition: 'ENTERPRISE_PLUS' on the primary (and leave the replica's edition unset), or remove disasterRecovery and fail over by promoting the replica",
      });
    } else if (dr && primary.drReplicaName !== instanceName) {
      problems.push({
        property: 'disasterRecovery',
        message: `disasterRecovery is true, but the primary names ${show(primary.drReplicaName ?? 'no DR replica')} as its DR replica, not ${show(instanceName)}`,
        fix: `set drReplicaRegion: '${props.region}' on the primary`,
      });
    }
    if (!deletionProtection && !(props.allowDataLossOnDelete ?? false)) {
      problems.push({
        property: 'deletionProtection',
        message: 'deletionProtection is false: one delete call would destroy the replica, and with it the copy a failover needs',
        fix: 'remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data',
      });
    }
    if (props.instanceName !== undefined && (!INSTANCE_NAME.test(instanceName) || instanceName.length > MAX_INSTANCE_NAME + 25)) {
      problems.push({
        property: 'instanceName',
        message: `instanceName ${show(instanceName)} is not a valid Cloud SQL instance name`,
        fix: 'use lowercase letters, digits and hyphens, starting with a letter',
      });
    }
    if (!Number.isFinite(threshold) || threshold <= 0) {
      problems.push({
        property: 'replicationLagAlarmThresholdSeconds',
        message: `replicationLagAlarmThresholdSeconds ${show(threshold)} is not a positive number of seconds`,
        fix: 'set replicationLagAlarmThresholdSeconds to e.g. 30',
      });
    }
    problems.push(...checkPublicIp(props.authorizedNetworks ?? [], props.allowPublicIp ?? false));
    // The tier defaults to the primary's, which may not exist in another edition.
    problems.push(...checkTier(props.tier ?? primary.tier, edition));
    throwIfProblems(source, problems);

    this.primary = primary;
    this.project = primary.project;
    this.region = props.region;
    this.instanceName = instanceName;
    this.connectionName = connectionName(primary.project, props.region, instanceName);
    this.disasterRecovery = dr;
    this.edition = edition;
    this.replicationLagAlarmThresholdSeconds = threshold;
    useGoogleProvider(this, { project: primary.project, region: props.region, versionConstraint: props.providerVersionConstraint });

    const sameStack = TerraformStack.of(this) === TerraformStack.of(primary);
    // The same shape as the primary (flags, labels, maintenance window,
    // insights, network and range): in a role swap only the role-bound
    // arguments change, and a promoted replica already runs like the primary.
    const shape: InstanceShape = {
      project: primary.project,
      region: props.region,
      name: instanceName,
      databaseVersion: primary.databaseVersion,
      engine: primary.engine,
      edition,
      tier: props.tier ?? primary.tier,
      deletionProtection,
      retainBackupsOnDelete: true,
      network: primary.network,
      allocatedIpRange: primary.allocatedIpRange,
      authorizedNetworks: props.authorizedNetworks ?? [],
      databaseFlags: primary.databaseFlags,
      maintenanceWindow: primary.maintenanceWindow,
      queryInsights: primary.queryInsights,
      labels: primary.labels,
      encryptionKeyName: primary.encryptionKeyNameOf(props.region),
    };
    this.instance = new SqlDatabaseInstance(this, 'Instance', {
      ...instanceConfig(shape, {
        kind: 'replica',
        // A plain name, not a reference: the primary may be in another state.
        masterInstanceName: primary.instanceName,
        availabilityType: props.availabilityType ?? (dr ? 'REGIONAL' : 'ZONAL'),
      }),
      dependsOn: sameStack ? [primary.instance] : undefined,
    });
    this.node.defaultChild = this.instance;
    this.privateIp = this.instance.privateIpAddress;

    const channels = props.notificationChannels ?? primary.notificationChannels;
    this.lagAlert = replicaLagAlert(this, 'LagAlert', {
      project: primary.project, instanceName, role: 'replica', notificationChannels: channels, thresholdSeconds: threshold,
    });
    this.stateAlert = instanceDownAlert(this, 'StateAlert', {
      project: primary.project, instanceName, role: 'replica', notificationChannels: channels,
    });
    this.splitBrainGuard = splitBrainGuard(this, 'SplitBrainGuard', { project: primary.project, instanceName, engine: primary.engine, notificationChannels: channels });
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.sqlAdmin, GCP_SERVICES.monitoring]));
    mustSurvive(this, primary.region, 'required', `the replica '${this.node.path}' is promoted when ${primary.region} is lost`);
    registerReplica(this);
    new TerraformOutput(this, 'ConnectionName', { value: this.connectionName, description: `Cloud SQL connection name of the replica in ${props.region}` });
  }
}
