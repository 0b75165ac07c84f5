/**
 * The one description of a Cloud SQL instance of the deployment, whatever
 * its role today. PrimaryRegion and ReadReplicaRegion both build their
 * instance here, so that a role swap (the same region's stack holding a
 * ReadReplicaRegion where it held a PrimaryRegion, or the reverse) changes
 * only the role-bound arguments, in place:
 *
 * - `master_instance_name` (ForceNew except on the old primary's side of a
 *   switchover; after a switchover or replica failover the refreshed state
 *   already names the new primary, so the plan shows no change),
 * - `replication_cluster` (the DR designation, on the primary only),
 * - `settings.backup_configuration` (a replica takes no backups),
 * - `settings.availability_type` (a plain replica may be zonal).
 *
 * Everything else — name, region, version, edition, tier, disk, network and
 * range, flags, labels, maintenance window, insights, deletion protection —
 * is the same in both roles, and the lifecycle is the same too.
 * Terraform provider 6.50.0: https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/sql_database_instance
 * and the switchover guide https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/guides/sql_instance_switchover.
 */
import type { SqlDatabaseInstanceConfig } from '@cdktf/provider-google/lib/sql-database-instance';
import { EngineFamily } from '../../core';
import { AuthorizedNetwork, Edition } from './sql-rules';

/**
 * What the runtime owns after creation, never reset by an apply:
 * - the activation policy: the failover workflow fences a former primary by
 *   setting it to `NEVER` (the provider's default is `ALWAYS`, so an apply
 *   would otherwise restart the fenced instance and let it take writes);
 * - the allocated range: the private IP is taken from it at creation only,
 *   and instances created before this library set it on replicas keep their IP;
 * - the PSA write endpoint, read-only, set by Cloud SQL after DR designation
 *   (a permanent diff otherwise: hashicorp/terraform-provider-google#25372).
 */
export const RUNTIME_OWNED_INSTANCE_ARGUMENTS: readonly string[] = [
  'settings[0].activation_policy',
  'settings[0].ip_configuration[0].allocated_ip_range',
  'replication_cluster[0].psa_write_endpoint',
];

/** The role-independent shape of an instance. */
export interface InstanceShape {
  readonly project: string;
  readonly region: string;
  readonly name: string;
  readonly databaseVersion: string;
  readonly engine: EngineFamily;
  readonly edition: Edition;
  readonly tier: string;
  readonly deletionProtection: boolean;
  readonly retainBackupsOnDelete: boolean;
  readonly network: string;
  readonly allocatedIpRange?: string;
  readonly authorizedNetworks: readonly AuthorizedNetwork[];
  readonly databaseFlags: Readonly<Record<string, string>>;
  readonly maintenanceWindow: { readonly day: number; readonly hour: number };
  readonly queryInsights: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly encryptionKeyName?: string;
}

/** The role-bound part. */
export type InstanceRole =
  | {
    readonly kind: 'primary';
    readonly availabilityType: 'REGIONAL' | 'ZONAL';
    readonly backupConfiguration: NonNullable<NonNullable<SqlDatabaseInstanceConfig['settings']>['backupConfiguration']>;
    /** `project:name` of the designated DR replica (or a Terraform expression), when designated. */
    readonly failoverDrReplicaName?: string;
  }
  | {
    readonly kind: 'replica';
    readonly availabilityType: 'REGIONAL' | 'ZONAL';
    /** Name of the primary (a plain name: it may live in another state). */
    readonly masterInstanceName: string;
  };

/** The instance's Terraform arguments (without `dependsOn`). */
export function instanceConfig(shape: InstanceShape, role: InstanceRole): SqlDatabaseInstanceConfig {
  const publicNetworks = shape.authorizedNetworks;
  return {
    name: shape.name,
    project: shape.project,
    region: shape.region,
    databaseVersion: shape.databaseVersion,
    deletionProtection: shape.deletionProtection,
    encryptionKeyName: shape.encryptionKeyName,
    masterInstanceName: role.kind === 'replica' ? role.masterInstanceName : undefined,
    replicationCluster: role.kind === 'primary' && role.failoverDrReplicaName !== undefined
      ? { failoverDrReplicaName: role.failoverDrReplicaName }
      : undefined,
    lifecycle: {
      ignoreChanges: [...RUNTIME_OWNED_INSTANCE_ARGUMENTS],
      // A plan-time guard of the role swap: the configuration makes this
      // instance the primary, but the cloud still has it as a replica (the
      // switchover or failover has not happened). Checked after Terraform
      // refreshed the instance; unknown (skipped) while it is being created.
      postcondition: role.kind === 'primary' ? [{
        condition: '${self.instance_type != "READ_REPLICA_INSTANCE"}',
        errorMessage: `Cloud SQL instance ${shape.name} in ${shape.region} is a read replica, but this configuration makes it the primary. If the writes should move here, run the failover workflow (switchover or failover) first, then apply. If they moved away from it (a switchover, or a replica failover it rejoined after), make the configuration say which region writes now (swap the roles: docs/day-two.md).`,
      }] : undefined,
    },
    settings: {
      tier: shape.tier,
      edition: shape.edition,
      availabilityType: role.availabilityType,
      deletionProtectionEnabled: shape.deletionProtection,
      retainBackupsOnDelete: shape.retainBackupsOnDelete,
      diskAutoresize: true,
      diskType: 'PD_SSD',
      userLabels: { ...shape.labels },
      // A replica takes no backups; the runbook turns them on after a promotion.
      backupConfiguration: role.kind === 'primary' ? role.backupConfiguration : { enabled: false },
      ipConfiguration: {
        ipv4Enabled: publicNetworks.length > 0,
        privateNetwork: shape.network,
        allocatedIpRange: shape.allocatedIpRange,
        sslMode: 'ENCRYPTED_ONLY',
        authorizedNetworks: publicNetworks.map((n) => ({ name: n.name, value: n.cidr })),
      },
      // The same flags in every role: a promoted replica logs like the primary did.
      databaseFlags: Object.entries(shape.databaseFlags).map(([name, value]) => ({ name, value })),
      maintenanceWindow: { day: shape.maintenanceWindow.day, hour: shape.maintenanceWindow.hour, updateTrack: 'stable' },
      insightsConfig: shape.queryInsights
        ? { queryInsightsEnabled: true, queryPlansPerMinute: 5, queryStringLength: 1024, recordApplicationTags: true, recordClientAddress: false }
        : undefined,
    },
  };
}
