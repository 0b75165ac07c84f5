import { Testing, TerraformStack, App } from 'cdktf';
import { PrimaryRegion, PrimaryRegionProps } from '../../lib/gcp';
import { all, errorOf, only, PROJECT, synthJson } from './helpers';

const base: PrimaryRegionProps = { project: PROJECT, region: 'us-central1', instanceName: 'orders' };

function primaryJson(props: Partial<PrimaryRegionProps> = {}) {
  return synthJson((scope) => { new PrimaryRegion(scope, 'Primary', { ...base, ...props }); });
}

function build(props: Partial<PrimaryRegionProps>): () => PrimaryRegion {
  return () => new PrimaryRegion(new TerraformStack(Testing.app(), 'S'), 'Primary', { ...base, ...props } as PrimaryRegionProps);
}

describe('PrimaryRegion defaults', () => {
  const { raw, json } = primaryJson();
  const instance = only(json, 'google_sql_database_instance');

  test('a regional PostgreSQL instance with deterministic name, HA and both deletion protections', () => {
    expect(Testing.toHaveResourceWithProperties(raw, 'google_sql_database_instance', {
      name: 'orders', region: 'us-central1', database_version: 'POSTGRES_16', deletion_protection: true,
    })).toBe(true);
    expect(instance.settings).toMatchObject({
      availability_type: 'REGIONAL',
      edition: 'ENTERPRISE',
      tier: 'db-custom-2-7680',
      deletion_protection_enabled: true,
      retain_backups_on_delete: true,
    });
  });

  test('automated backups and point-in-time recovery with 7 days of logs, 14 backups', () => {
    expect(instance.settings.backup_configuration).toEqual({
      enabled: true,
      start_time: '03:00',
      point_in_time_recovery_enabled: true,
      transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 14, retention_unit: 'COUNT' },
    });
  });

  test('private IP only on a new VPC through private service access, SSL required', () => {
    expect(instance.settings.ip_configuration).toEqual({
      ipv4_enabled: false,
      private_network: `projects/${PROJECT}/global/networks/orders-vpc`,
      allocated_ip_range: 'orders-psa',
      ssl_mode: 'ENCRYPTED_ONLY',
      authorized_networks: [],
    });
    expect(only(json, 'google_compute_network')).toMatchObject({ name: 'orders-vpc', auto_create_subnetworks: false });
    expect(only(json, 'google_compute_global_address')).toMatchObject({
      name: 'orders-psa', purpose: 'VPC_PEERING', address_type: 'INTERNAL', prefix_length: 16,
    });
    const connection = only(json, 'google_service_networking_connection');
    expect(connection).toMatchObject({ service: 'servicenetworking.googleapis.com' });
    expect(connection.reserved_peering_ranges[0]).toMatch(/^\$\{google_compute_global_address\..+\.name\}$/);
    expect(instance.depends_on[0]).toMatch(/^google_service_networking_connection\./);
  });

  test('logging flags, maintenance window and query insights', () => {
    const flags = Object.fromEntries(instance.settings.database_flags.map((f: any) => [f.name, f.value]));
    expect(flags).toEqual({
      'cloudsql.iam_authentication': 'on',
      log_checkpoints: 'on', log_connections: 'on', log_disconnections: 'on', log_lock_waits: 'on',
      log_min_duration_statement: '1000', log_temp_files: '0',
    });
    expect(instance.settings.maintenance_window).toEqual({ day: 7, hour: 5, update_track: 'stable' });
    expect(instance.settings.insights_config).toMatchObject({ query_insights_enabled: true });
  });

  test('an alert on instance state, and outputs for other regions', () => {
    const alert = all(json, 'google_monitoring_alert_policy').find((a) => a.user_labels?.mrc_split_brain_guard === undefined);
    expect(alert.conditions[0].condition_threshold.filter).toContain('cloudsql.googleapis.com/database/up');
    expect(alert.conditions[0].condition_threshold.filter).toContain(`"${PROJECT}:orders"`);
    expect(Object.values(json.output!).map((o: any) => o.value)).toContain(`${PROJECT}:us-central1:orders`);
  });

  test('exposes names, connection name, private IP and region', () => {
    const p = build({})();
    expect(p.instanceName).toBe('orders');
    expect(p.connectionName).toBe(`${PROJECT}:us-central1:orders`);
    expect(p.region).toBe('us-central1');
    expect(p.privateIp).toMatch(/TfToken/);
    expect(p.writeEndpointFollowsFailover).toBe(false);
    expect(p.topology).toMatchObject({ phase: 1, engine: 'postgresql', replicaRegions: [] });
  });

  test('the provider version is pinned to 6.50.0 unless overridden', () => {
    expect(json.terraform.required_providers.google.version).toBe('6.50.0');
    const overridden = primaryJson({ providerVersionConstraint: '>= 6.50.0, < 8.0.0' }).json;
    expect(overridden.terraform.required_providers.google).toEqual({ source: 'google', version: '>= 6.50.0, < 8.0.0' });
  });

  test('a deterministic default name from the construct path', () => {
    const a = new PrimaryRegion(new TerraformStack(new App(), 'Orders'), 'Db', { project: PROJECT, region: 'us-central1' });
    const b = new PrimaryRegion(new TerraformStack(new App(), 'Orders'), 'Db', { project: PROJECT, region: 'us-central1' });
    expect(a.instanceName).toBe(b.instanceName);
    expect(a.instanceName).toMatch(/^mrc-orders-db-[0-9a-f]{6}$/);
  });
});

describe('PrimaryRegion logging in: IAM database authentication, no password anywhere', () => {
  test('the IAM flag is on (PostgreSQL and MySQL spellings) and no built-in user or root password is created', () => {
    const { json } = primaryJson();
    const instance = only(json, 'google_sql_database_instance');
    expect(instance.settings.database_flags).toContainEqual({ name: 'cloudsql.iam_authentication', value: 'on' });
    expect(instance.root_password).toBeUndefined();
    expect(all(json, 'google_sql_user')).toEqual([]);
    const mysql = only(primaryJson({ engine: 'mysql' }).json, 'google_sql_database_instance');
    expect(mysql.settings.database_flags).toContainEqual({ name: 'cloudsql_iam_authentication', value: 'on' });
  });

  test('iamDatabaseUsers: IAM users and service accounts, named as Cloud SQL names them, without passwords', () => {
    const { raw, json } = primaryJson({ iamDatabaseUsers: ['alice@example.com', 'app@test-project.iam.gserviceaccount.com'] });
    const users = all(json, 'google_sql_user');
    expect(users.map((u) => ({ name: u.name, type: u.type, deletion_policy: u.deletion_policy }))).toEqual([
      { name: 'alice@example.com', type: 'CLOUD_IAM_USER', deletion_policy: 'ABANDON' },
      // PostgreSQL: the service account email without .gserviceaccount.com
      { name: 'app@test-project.iam', type: 'CLOUD_IAM_SERVICE_ACCOUNT', deletion_policy: 'ABANDON' },
    ]);
    for (const u of users) {
      expect(u.instance).toMatch(/^\$\{google_sql_database_instance\..+\.name\}$/);
      expect(u.password).toBeUndefined();
      expect(u.password_wo).toBeUndefined();
    }
    expect(raw).not.toMatch(/password"\s*:/);
    const mysql = all(primaryJson({ engine: 'mysql', iamDatabaseUsers: ['app@test-project.iam.gserviceaccount.com'] }).json, 'google_sql_user');
    expect(mysql).toMatchObject([{ name: 'app@test-project.iam.gserviceaccount.com', type: 'CLOUD_IAM_SERVICE_ACCOUNT' }]);
  });

  test('bad principals are refused with the fix', () => {
    expect(errorOf(build({ iamDatabaseUsers: ['user:alice@example.com'] }))).toBe(
      "PrimaryRegion 'S/Primary': iamDatabaseUsers[0] 'user:alice@example.com' is not the email of a Google user or service account; give the bare email, e.g. 'alice@example.com' or 'app@my-project.iam.gserviceaccount.com' (no 'user:' prefix; groups are not database users)");
    expect(errorOf(build({ iamDatabaseUsers: ['a@example.com', 'a@example.com'] }))).toBe(
      "PrimaryRegion 'S/Primary': iamDatabaseUsers lists 'a@example.com' twice; list each principal once");
  });
});

describe('PrimaryRegion options', () => {
  test('MySQL uses binary logs and MySQL flags', () => {
    const instance = only(primaryJson({ engine: 'mysql' }).json, 'google_sql_database_instance');
    expect(instance.database_version).toBe('MYSQL_8_0');
    expect(instance.settings.backup_configuration).toMatchObject({ binary_log_enabled: true, enabled: true });
    expect(instance.settings.backup_configuration.point_in_time_recovery_enabled).toBeUndefined();
    expect(instance.settings.database_flags).toContainEqual({ name: 'slow_query_log', value: 'on' });
  });

  test('Enterprise Plus: the DR replica is designated automatically once it exists (one configuration, no flag), 14 days of logs, PSA write endpoint preferred', () => {
    const props = { edition: 'ENTERPRISE_PLUS' as const, replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1' };
    const { json } = primaryJson(props);
    const instance = only(json, 'google_sql_database_instance');
    // The plan reads the instances of the DR region; the designation is made once
    // orders-europe-west1 exists and replicates this primary, "" (nothing sent) before.
    const lookup = Object.entries((json as any).data.google_sql_database_instances) as [string, any][];
    expect(lookup).toHaveLength(1);
    expect(lookup[0][1]).toMatchObject({ project: PROJECT, region: 'europe-west1' });
    const ref = `data.google_sql_database_instances.${lookup[0][0]}`;
    const exists = `contains([for i in ${ref}.instances : i.name if i.master_instance_name == "orders"], "orders-europe-west1")`;
    expect(instance.replication_cluster).toEqual({ failover_dr_replica_name: `\${${exists} ? "${PROJECT}:orders-europe-west1" : ""}` });
    // One output line says whether it is done, or which apply comes next.
    const designation = Object.values(json.output!).find((o: any) => /designation/i.test(o.description)) as any;
    expect(designation.value).toBe(`\${${exists} ? "designated: ${PROJECT}:orders-europe-west1" : "not designated yet: orders-europe-west1 does not exist in europe-west1 or does not replicate orders. Next: apply the stack of orders-europe-west1 (europe-west1), then apply this stack again: it designates the DR replica (Cloud SQL accepts only an existing replica)"}`);
    expect(build(props)().drReplicaDesignation).toBe('automatic');
    expect(instance.settings).toMatchObject({ edition: 'ENTERPRISE_PLUS', tier: 'db-perf-optimized-N-2' });
    expect(instance.settings.backup_configuration.transaction_log_retention_days).toBe(14);
    const write = Object.values(json.output!).find((o: any) => String(o.value).includes('psa_write_endpoint')) as any;
    // Falls back to the private IP when Cloud SQL sets no PSA write endpoint, instead of failing the apply.
    expect(write.value).toMatch(/^\$\{coalesce\(try\(google_sql_database_instance\.(\w+)\.replication_cluster\[0\]\.psa_write_endpoint, ""\), google_sql_database_instance\.\1\.private_ip_address\)\}$/);
  });

  test('drReplicaDesignated true designates statically, false never; neither reads the DR region', () => {
    const always = primaryJson({ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1', drReplicaDesignated: true }).json;
    expect(only(always, 'google_sql_database_instance').replication_cluster).toEqual({ failover_dr_replica_name: `${PROJECT}:orders-europe-west1` });
    const never = primaryJson({ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1', drReplicaDesignated: false }).json;
    expect(only(never, 'google_sql_database_instance').replication_cluster).toBeUndefined();
    for (const json of [always, never]) expect((json as any).data).toBeUndefined();
    expect(build({ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1', drReplicaDesignated: false })().drReplicaDesignated).toBe(false);
  });

  test.each([
    [{}, false, /^Private IP of this primary\. It does not move/],
    [{ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1', drReplicaDesignated: false }, false, /^PSA write endpoint if Cloud SQL created one, else the private IP of this primary\. Either stays on this instance: no DR replica is designated \(drReplicaDesignated is false for orders-europe-west1\)/],
    [{ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'] }, false, /^PSA write endpoint if Cloud SQL created one, else the private IP of this primary\. Either stays on this instance: no DR replica is designated, so/],
    [{ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1' }, true, /^PSA write endpoint \(a DNS name ending in \.global\.sql-psa\.goog\.\): follows the writes through a switchover or a replica failover \(promote-replica --failover\) once the DR replica is designated \(output DrReplicaDesignation\)/],
    [{ edition: 'ENTERPRISE_PLUS', replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1', drReplicaDesignated: true }, true, /^PSA write endpoint \(a DNS name ending in \.global\.sql-psa\.goog\.\): follows the writes/],
  ])('the write endpoint says what is true: %j follows=%s', (props, follows, description) => {
    const p = build(props as Partial<PrimaryRegionProps>)();
    expect(p.writeEndpointFollowsFailover).toBe(follows);
    expect(p.writeEndpointDescription).toMatch(description);
    const { json } = primaryJson(props as Partial<PrimaryRegionProps>);
    const output = Object.values(json.output!).find((o: any) => o.description === p.writeEndpointDescription);
    expect(output).toBeDefined();
  });

  test('a user network skips the VPC and private service access', () => {
    const { json } = primaryJson({ network: `projects/${PROJECT}/global/networks/shared`, allocatedIpRange: 'sql-range' });
    expect(all(json, 'google_compute_network')).toHaveLength(0);
    expect(all(json, 'google_service_networking_connection')).toHaveLength(0);
    expect(only(json, 'google_sql_database_instance').settings.ip_configuration).toMatchObject({
      private_network: `projects/${PROJECT}/global/networks/shared`, allocated_ip_range: 'sql-range',
    });
  });

  test('a public IP with the explicit opt-in', () => {
    const { json } = primaryJson({ allowPublicIp: true, authorizedNetworks: [{ name: 'office', cidr: '203.0.113.0/24' }] });
    expect(only(json, 'google_sql_database_instance').settings.ip_configuration).toMatchObject({
      ipv4_enabled: true, ssl_mode: 'ENCRYPTED_ONLY', authorized_networks: [{ name: 'office', value: '203.0.113.0/24' }],
    });
  });
});

describe('PrimaryRegion bad input', () => {
  const P = "PrimaryRegion 'S/Primary': ";

  test('a malformed region', () => {
    expect(errorOf(build({ region: 'us-central' }))).toBe(`${P}region 'us-central' is not a valid Google Cloud region name; use a region name such as 'us-central1'`);
  });

  test('an unknown region', () => {
    expect(errorOf(build({ region: 'mars-north1' }))).toMatch(new RegExp(`^${P}region 'mars-north1' is not a Google Cloud region this release knows; check the spelling`));
  });

  test('a replica region equal to the primary region', () => {
    expect(errorOf(build({ replicaRegions: ['us-central1'] }))).toBe(
      `${P}replicaRegions[0] 'us-central1' is the primary region; a replica must be in another region: remove it or choose a different region`);
  });

  test('backups off', () => {
    expect(errorOf(build({ backups: false }))).toBe(
      `${P}backups is false, but phase 1 requires automated backups (and point-in-time recovery needs them); remove backups: false (backups are on by default)`);
  });

  test('point-in-time recovery off in phase 2', () => {
    expect(errorOf(build({ pointInTimeRecovery: false, replicaRegions: ['europe-west1'] }))).toBe(
      `${P}pointInTimeRecovery is off, but phase 2 requires point-in-time recovery; remove pointInTimeRecovery: false (it is on by default)`);
  });

  test('too short transaction log retention and too few backups, reported together', () => {
    const message = errorOf(build({ transactionLogRetentionDays: 3, backupRetentionDays: 2 }));
    expect(message).toContain('2 configuration problems');
    expect(message).toContain(`${P}backupRetentionDays 2 days is below the phase-1 minimum of 7; set backupRetentionDays to 7 or more`);
    expect(message).toContain(`${P}transactionLogRetentionDays 3 is below the phase-1 minimum of 7 days of point-in-time recovery; set transactionLogRetentionDays to 7 or more`);
  });

  test('more log retention than the edition allows', () => {
    expect(errorOf(build({ transactionLogRetentionDays: 14 }))).toMatch(
      new RegExp(`^${P}transactionLogRetentionDays 14 is above the 7-day maximum of Cloud SQL ENTERPRISE`));
  });

  describe('retained backups must exceed the days of transaction logs (Cloud SQL: "backup retention should be > transaction log retention")', () => {
    const plus = { edition: 'ENTERPRISE_PLUS' as const };
    test.each([
      [{ backupRetentionDays: 7 }, 7],
      [{ ...plus, backupRetentionDays: 7 }, 14],
      [{ ...plus, backupRetentionDays: 14 }, 14],
      [{ ...plus, backupRetentionDays: 14, transactionLogRetentionDays: 35 }, 35],
      [{ ...plus, backupRetentionDays: 35, transactionLogRetentionDays: 35 }, 35],
    ])('%j is rejected (logs %i days)', (props, logDays) => {
      expect(errorOf(build(props as Partial<PrimaryRegionProps>))).toBe(
        `${P}backupRetentionDays ${props.backupRetentionDays} does not exceed transactionLogRetentionDays ${logDays}: Cloud SQL deletes transaction logs with the backup they start from and rejects the settings ("backup retention should be > transaction log retention"); set backupRetentionDays to ${logDays + 1} or more (${Math.max(14, logDays + 7)} keeps a week of margin), or lower transactionLogRetentionDays below ${props.backupRetentionDays}`);
    });

    test.each([
      [{ backupRetentionDays: 8 }, 8, 7],
      [{ ...plus, backupRetentionDays: 15 }, 15, 14],
      [{ ...plus, backupRetentionDays: 36, transactionLogRetentionDays: 35 }, 36, 35],
    ])('one more backup than days of logs is accepted: %j', (props, backups, logs) => {
      const p = build(props as Partial<PrimaryRegionProps>)();
      expect([p.retainedBackups, p.transactionLogRetentionDays]).toEqual([backups, logs]);
    });

    test('defaults keep a week of margin: 14 backups for 7 days of logs, 21 for 14, 42 for 35', () => {
      expect(build({})()).toMatchObject({ retainedBackups: 14, transactionLogRetentionDays: 7 });
      expect(build(plus)()).toMatchObject({ retainedBackups: 21, transactionLogRetentionDays: 14 });
      expect(build({ ...plus, transactionLogRetentionDays: 35 })()).toMatchObject({ retainedBackups: 42, transactionLogRetentionDays: 35 });
      const settings = only(primaryJson(plus).json, 'google_sql_database_instance').settings.backup_configuration;
      expect(settings).toMatchObject({ transaction_log_retention_days: 14, backup_retention_settings: { retained_backups: 21, retention_unit: 'COUNT' } });
    });
  });

  test('more retained backups than Cloud SQL allows', () => {
    expect(errorOf(build({ backupRetentionDays: 400 }))).toMatch(new RegExp(`^${P}backupRetentionDays 400 days is above the 365-day maximum`));
  });

  test('a public IP without the opt-in', () => {
    expect(errorOf(build({ authorizedNetworks: [{ cidr: '203.0.113.0/24' }] }))).toBe(
      `${P}authorizedNetworks ['203.0.113.0/24'] would give the instance a public IP; connect through private IP (the default), or set allowPublicIp: true to accept a public IP`);
  });

  test('deletion protection off without the data-loss opt-in', () => {
    expect(errorOf(build({ deletionProtection: false }))).toBe(
      `${P}deletionProtection is false: one delete call would destroy the database; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data`);
    expect(() => build({ deletionProtection: false, allowDataLossOnDelete: true })()).not.toThrow();
  });

  test('a single zone without the opt-in', () => {
    expect(errorOf(build({ availabilityType: 'ZONAL' }))).toBe(
      `${P}availabilityType 'ZONAL' gives no standby in another zone, which every phase requires; set availabilityType to 'REGIONAL', or set allowSingleZone: true to accept an outage when the zone fails`);
  });

  test('a DR replica without Enterprise Plus', () => {
    expect(errorOf(build({ replicaRegions: ['europe-west1'], drReplicaRegion: 'europe-west1' }))).toBe(
      `${P}drReplicaRegion 'europe-west1' needs Cloud SQL Enterprise Plus, but edition is 'ENTERPRISE'; set edition: 'ENTERPRISE_PLUS', or remove drReplicaRegion and fail over by promoting the replica`);
  });

  test('a tier the edition does not offer', () => {
    expect(errorOf(build({ edition: 'ENTERPRISE_PLUS', tier: 'db-custom-2-7680' }))).toBe(
      `${P}tier 'db-custom-2-7680' is a Cloud SQL Enterprise machine type, but edition is 'ENTERPRISE_PLUS'; use a performance-optimized tier such as 'db-perf-optimized-N-2', or edition 'ENTERPRISE'`);
    expect(errorOf(build({ tier: 'db-perf-optimized-N-4' }))).toBe(
      `${P}tier 'db-perf-optimized-N-4' is a Cloud SQL Enterprise Plus machine type, but edition is 'ENTERPRISE'; use a tier such as 'db-custom-2-7680', or edition 'ENTERPRISE_PLUS'`);
    expect(() => build({ edition: 'ENTERPRISE_PLUS', tier: 'db-perf-optimized-N-8' })()).not.toThrow();
  });

  test('drReplicaDesignated without a DR replica region', () => {
    expect(errorOf(build({ drReplicaDesignated: true }))).toBe(
      `${P}drReplicaDesignated is true, but there is no drReplicaRegion to designate; set drReplicaRegion to the region of the DR replica, or remove drReplicaDesignated`);
  });

  test('a replica region forbidden by residency rules', () => {
    expect(errorOf(build({
      region: 'europe-west1', replicaRegions: ['us-east1'], residency: { name: 'EU personal data', allowedRegions: ['europe-*'] },
    }))).toBe(
      `${P}replicaRegions[0] 'us-east1' may not hold a copy of the data under the residency rule 'EU personal data' (allowed: europe-*); choose a region the rule allows, or change residency.allowedRegions if the rule permits it`);
  });
});
