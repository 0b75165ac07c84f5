/**
 * Which Terraform resources of this library hold data, and which of their
 * arguments are ForceNew (a change destroys and re-creates the resource), in
 * the Google provider this library pins (hashicorp/google 6.50.0).
 *
 * The provider marks ForceNew in its Go schema; the registry pages describe
 * the arguments but rarely say "forces a new resource", so each rule cites
 * both the documentation page and the schema file at the v6.50.0 tag (the
 * line numbers are those of that tag). Only arguments this library can emit
 * are listed; a resource type without an entry fails the day-two test, so a
 * new type gets classified before it ships.
 */
import { ReplacementRules } from '../../core';

const DOCS = 'https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources';
const SRC = 'https://github.com/hashicorp/terraform-provider-google/blob/v6.50.0/google';

/** Stateful types: a replacement loses data, an identity other resources use, or the deployment's own state. */
export const GCP_STATEFUL_TYPES: readonly string[] = [
  'google_sql_database_instance',
  'google_sql_user',
  'google_sql_database',
  'google_kms_crypto_key',
  'google_storage_bucket',
  // The VPC network and its private service access: every instance's private IP lives in it.
  'google_compute_network',
  'google_compute_global_address',
  'google_service_networking_connection',
  // Phase 5, active-active: the Spanner instance and its database.
  'google_spanner_instance',
  'google_spanner_database',
];

/** The rules of {@link findReplacements} for Google Cloud (provider 6.50.0). */
export const GCP_REPLACEMENT_RULES: ReplacementRules = {
  stateful: GCP_STATEFUL_TYPES,
  identity: {
    google_sql_database_instance: 'name',
    google_sql_user: 'name',
    google_storage_bucket: 'name',
    google_compute_network: 'name',
    google_compute_global_address: 'name',
    google_service_networking_connection: 'network',
    google_spanner_instance: 'name',
    google_spanner_database: 'name',
  },
  createOnly: {
    google_sql_database_instance: {
      // ForceNew: region (l.178), settings.collation (l.415), settings.disk_type (l.455),
      // encryption_key_name (l.814), name (l.866), project (l.881), every replica_configuration
      // argument (l.903–); CustomizeDiff (l.162–173): settings.disk_size when it shrinks,
      // master_instance_name unless the change is the old primary's side of a switchover,
      // settings.ip_configuration.private_network when it is removed (l.1183).
      properties: [
        'name', 'region', 'project', 'encryption_key_name', 'settings.disk_type', 'settings.collation',
        'settings.ip_configuration.private_network', 'master_instance_name', 'replica_configuration',
      ],
      source: `${DOCS}/sql_database_instance; ForceNew in ${SRC}/services/sql/resource_sql_database_instance.go`,
      inPlaceWhen: {
        // The switchover guide (docs/guides/sql_instance_switchover) changes it in place; and
        // Terraform compares with the refreshed state, which after a switchover or a replica
        // failover already names the new primary (the workflow runs before the configuration
        // is swapped), so the plan shows no change at all.
        master_instance_name: `role-bound: in place after a switchover or replica failover (${DOCS.replace('/resources', '/guides')}/sql_instance_switchover; isSwitchoverFromOldPrimarySide in resource_sql_database_instance.go)`,
      },
    },
    google_sql_user: {
      // instance, name, type, host, project: all ForceNew (resource_sql_user.go l.89–136, 213).
      properties: ['project', 'instance', 'name', 'type', 'host'],
      source: `${DOCS}/sql_user; ${SRC}/services/sql/resource_sql_user.go`,
    },
    google_sql_database: {
      properties: ['project', 'instance', 'name'],
      source: `${DOCS}/sql_database; ${SRC}/services/sql/resource_sql_database.go`,
    },
    google_kms_crypto_key: {
      properties: ['name', 'key_ring', 'purpose', 'import_only', 'crypto_key_backend', 'destroy_scheduled_duration', 'version_template.protection_level'],
      source: `${DOCS}/kms_crypto_key; ${SRC}/services/kms/resource_kms_crypto_key.go`,
    },
    google_storage_bucket: {
      properties: ['name', 'location', 'project', 'custom_placement_config.data_locations', 'enable_object_retention', 'hierarchical_namespace'],
      source: `${DOCS}/storage_bucket; ${SRC}/services/storage/resource_storage_bucket.go`,
    },
    google_compute_network: {
      properties: ['name', 'project', 'auto_create_subnetworks', 'description', 'enable_ula_internal_ipv6', 'internal_ipv6_range', 'network_profile'],
      source: `${DOCS}/compute_network; ${SRC}/services/compute/resource_compute_network.go`,
    },
    google_compute_global_address: {
      properties: ['name', 'project', 'address', 'address_type', 'description', 'ip_version', 'network', 'prefix_length', 'purpose'],
      source: `${DOCS}/compute_global_address; ${SRC}/services/compute/resource_compute_global_address.go`,
    },
    google_service_networking_connection: {
      properties: ['network', 'service'],
      source: `${DOCS}/service_networking_connection; ${SRC}/services/servicenetworking/resource_service_networking_connection.go`,
    },
    google_spanner_instance: {
      // ForceNew: config, name, project (resource_spanner_instance.go, generated from
      // magic-modules mmv1/products/spanner/Instance.yaml); a new configuration is a new instance.
      properties: ['name', 'project', 'config'],
      source: `${DOCS}/spanner_instance; ForceNew in ${SRC}/services/spanner/resource_spanner_instance.go`,
    },
    google_spanner_database: {
      // ForceNew: instance, name, project, database_dialect, encryption_config (and its keys);
      // ddl by CustomizeDiff (resourceSpannerDBDdlCustomDiffFunc): fewer statements, or any
      // statement changed, is ForceNew; statements appended are run by an update.
      properties: ['name', 'instance', 'project', 'database_dialect', 'encryption_config', 'ddl'],
      source: `${DOCS}/spanner_database; ForceNew and resourceSpannerDBDdlCustomDiffFunc in ${SRC}/services/spanner/resource_spanner_database.go`,
      appendOnly: {
        ddl: `"newly appended DDL statements can be executed in an update. However, modifications to prior statements will create a plan that marks the resource for recreation" (${DOCS}/spanner_database#ddl)`,
      },
    },
    google_spanner_backup_schedule: {
      // ForceNew: name, instance, database, project, full_backup_spec, incremental_backup_spec.
      properties: ['name', 'instance', 'database', 'project', 'full_backup_spec', 'incremental_backup_spec'],
      source: `${DOCS}/spanner_backup_schedule; ${SRC}/services/spanner/resource_spanner_backup_schedule.go`,
    },
    google_monitoring_alert_policy: {
      properties: ['project'],
      source: `${DOCS}/monitoring_alert_policy; ${SRC}/services/monitoring/resource_monitoring_alert_policy.go`,
    },
    // dashboard_json is updated in place (resourceMonitoringDashboardUpdate PATCHes it).
    google_monitoring_dashboard: {
      properties: ['project'],
      source: `${DOCS}/monitoring_dashboard; ${SRC}/services/monitoring/resource_monitoring_dashboard.go`,
    },
    google_compute_health_check: {
      properties: ['name', 'project'],
      source: `${DOCS}/compute_health_check; ${SRC}/services/compute/resource_compute_health_check.go`,
    },
    google_dns_record_set: {
      properties: ['managed_zone', 'name', 'project', 'routing_policy.health_check'],
      source: `${DOCS}/dns_record_set; ${SRC}/services/dns/resource_dns_record_set.go`,
    },
    google_service_account: {
      properties: ['account_id', 'project'],
      source: `${DOCS}/google_service_account; ${SRC}/services/resourcemanager/resource_google_service_account.go`,
    },
    google_project_iam_member: {
      properties: ['project', 'role', 'member', 'condition'],
      source: `${DOCS}/google_project_iam; ${SRC}/tpgiamresource/resource_iam_member.go and services/resourcemanager/iam_project.go`,
    },
    google_project_iam_custom_role: {
      properties: ['role_id', 'project'],
      source: `${DOCS}/google_project_iam_custom_role; ${SRC}/services/resourcemanager/resource_google_project_iam_custom_role.go`,
    },
    google_dns_managed_zone_iam_member: {
      properties: ['project', 'managed_zone', 'role', 'member', 'condition'],
      source: `${DOCS}/dns_managed_zone_iam; ${SRC}/tpgiamresource/resource_iam_member.go and services/dns/iam_dns_managed_zone.go`,
    },
    google_workflows_workflow: {
      properties: ['name', 'region', 'project', 'tags'],
      source: `${DOCS}/workflows_workflow; ${SRC}/services/workflows/resource_workflows_workflow.go`,
    },
    google_project_service: {
      properties: ['service', 'project'],
      source: `${DOCS}/google_project_service; ${SRC}/services/resourcemanager/resource_google_project_service.go`,
    },
    // Issue 22 (applications connect): the discovery secret, its version and
    // reader binding, and the example's Cloud Run service and subnet. Not
    // stateful (the record is derived from the configuration); listed so a
    // role swap that would replace one is reported. Arguments that identify
    // the resource (name/id, location, project, parent) and the version's
    // data (a version is immutable): from the provider's registry pages.
    google_secret_manager_secret: {
      properties: ['secret_id', 'project', 'replication'],
      source: `${DOCS}/secret_manager_secret; ${SRC}/services/secretmanager/resource_secret_manager_secret.go`,
    },
    google_secret_manager_secret_version: {
      properties: ['secret', 'secret_data', 'is_secret_data_base64'],
      source: `${DOCS}/secret_manager_secret_version; ${SRC}/services/secretmanager/resource_secret_manager_secret_version.go`,
    },
    google_secret_manager_secret_iam_member: {
      properties: ['project', 'secret_id', 'role', 'member', 'condition'],
      source: `${DOCS}/secret_manager_secret_iam; ${SRC}/tpgiamresource/resource_iam_member.go`,
    },
    google_cloud_run_v2_service: {
      properties: ['name', 'location', 'project'],
      source: `${DOCS}/cloud_run_v2_service; ${SRC}/services/cloudrunv2/resource_cloud_run_v2_service.go`,
    },
    google_compute_subnetwork: {
      properties: ['name', 'network', 'region', 'project'],
      source: `${DOCS}/compute_subnetwork; ${SRC}/services/compute/resource_compute_subnetwork.go`,
    },
    terraform_data: {
      // Built into Terraform: only triggers_replace replaces it.
      properties: ['triggers_replace'],
      source: 'https://developer.hashicorp.com/terraform/language/resources/terraform-data',
    },
  },
};
