import { TerraformStack, Testing, Token } from 'cdktf';
import {
  GlobalRouter, GlobalRouterProps, PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion, ReadReplicaRegionProps,
} from '../../lib/gcp';
import { all, errorOf, only, PROJECT, TfJson } from './helpers';

function topology(primaryProps: Partial<PrimaryRegionProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'S');
  const primary = new PrimaryRegion(stack, 'Primary', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1', 'asia-southeast1'], instanceName: 'orders', ...primaryProps,
  });
  return { app, stack, primary };
}

function synth(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

describe('ReadReplicaRegion', () => {
  const { stack, primary } = topology();
  const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
  const json = synth(stack);
  const instance = all(json, 'google_sql_database_instance').find((i) => i.name === 'orders-europe-west1');

  test('a cross-region read replica of the primary, by name', () => {
    expect(instance).toMatchObject({
      master_instance_name: 'orders',
      region: 'europe-west1',
      database_version: 'POSTGRES_16',
      deletion_protection: true,
    });
    expect(instance.settings).toMatchObject({
      availability_type: 'ZONAL',
      deletion_protection_enabled: true,
      backup_configuration: { enabled: false },
      ip_configuration: { ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY', private_network: `projects/${PROJECT}/global/networks/orders-vpc` },
    });
    expect(instance.depends_on[0]).toMatch(/^google_sql_database_instance\./);
    // The primary's flags (IAM login for the replicated IAM users, and the logging flags):
    // a promoted replica logs like the primary did.
    const primaryInstance = all(json, 'google_sql_database_instance').find((i) => i.name === 'orders');
    expect(instance.settings.database_flags).toEqual(primaryInstance.settings.database_flags);
    expect(instance.settings.database_flags).toContainEqual({ name: 'cloudsql.iam_authentication', value: 'on' });
  });

  test('replica lag and state alerted by default, to the primary\'s channels', () => {
    const alerts = all(json, 'google_monitoring_alert_policy').filter((a) => a.display_name.includes('orders-europe-west1'));
    const lag = alerts.find((a) => a.conditions[0].condition_threshold.filter.includes('replication/replica_lag'));
    expect(lag.conditions[0].condition_threshold).toMatchObject({
      comparison: 'COMPARISON_GT', threshold_value: 30, duration: '300s',
      // Broken replication sends no replica_lag at all: missing data is a breach, not silence.
      evaluation_missing_data: 'EVALUATION_MISSING_DATA_ACTIVE',
      filter: `resource.type = "cloudsql_database" AND metric.type = "cloudsql.googleapis.com/database/replication/replica_lag" AND resource.labels.database_id = "${PROJECT}:orders-europe-west1"`,
    });
    expect(alerts.some((a) => a.conditions[0].condition_threshold.filter.includes('database/up'))).toBe(true);
  });

  test('exposes what the router and the runbook need', () => {
    expect(replica.connectionName).toBe(`${PROJECT}:europe-west1:orders-europe-west1`);
    expect(replica.instanceName).toBe('orders-europe-west1');
    expect(replica.disasterRecovery).toBe(false);
  });

  test('an Enterprise Plus DR replica is regional', () => {
    const t = topology({ edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: true });
    new ReadReplicaRegion(t.stack, 'Replica', { primary: t.primary, region: 'europe-west1', disasterRecovery: true, notificationChannels: ['projects/p/notificationChannels/1'] });
    const j = synth(t.stack);
    const dr = all(j, 'google_sql_database_instance').find((i) => i.name === 'orders-europe-west1');
    expect(dr.settings).toMatchObject({ edition: 'ENTERPRISE_PLUS', availability_type: 'REGIONAL' });
    expect(all(j, 'google_sql_database_instance').find((i) => i.name === 'orders').replication_cluster)
      .toEqual({ failover_dr_replica_name: `${PROJECT}:orders-europe-west1` });
  });

  describe('bad input', () => {
    const R = "ReadReplicaRegion 'S/Replica': ";
    const make = (props: Partial<ReadReplicaRegionProps>, primaryProps: Partial<PrimaryRegionProps> = {}) => () => {
      const t = topology(primaryProps);
      return new ReadReplicaRegion(t.stack, 'Replica', { primary: t.primary, region: 'europe-west1', ...props });
    };
    test('replica in the primary\'s region', () => {
      expect(errorOf(make({ region: 'us-central1' }))).toBe(
        `${R}region 'us-central1' is the primary's region; a cross-region replica must be in another region: use one of the primary's replicaRegions (europe-west1, asia-southeast1)`);
    });
    test('a malformed region', () => {
      expect(errorOf(make({ region: 'europe_west1' }))).toBe(`${R}region 'europe_west1' is not a valid Google Cloud region name; use a region name such as 'us-central1'`);
    });
    test('a region outside the topology', () => {
      expect(errorOf(make({ region: 'us-east1' }))).toBe(
        `${R}region 'us-east1' is not one of the primary's replicaRegions ['europe-west1', 'asia-southeast1']; add 'us-east1' to the primary's replicaRegions (the topology is validated there, including residency)`);
    });
    test('a DR replica without Enterprise Plus', () => {
      expect(errorOf(make({ disasterRecovery: true }))).toBe(
        `${R}disasterRecovery is true, but a cross-region DR replica needs Cloud SQL Enterprise Plus on the primary and the replica (primary edition 'ENTERPRISE', replica edition 'ENTERPRISE'); set edition: 'ENTERPRISE_PLUS' on the primary (and leave the replica's edition unset), or remove disasterRecovery and fail over by promoting the replica`);
    });
    test('a tier the replica edition does not offer', () => {
      expect(errorOf(make({ edition: 'ENTERPRISE' }, { edition: 'ENTERPRISE_PLUS' }))).toBe(
        `${R}tier 'db-perf-optimized-N-2' is a Cloud SQL Enterprise Plus machine type, but edition is 'ENTERPRISE'; use a tier such as 'db-custom-2-7680', or edition 'ENTERPRISE_PLUS'`);
      expect(() => make({ edition: 'ENTERPRISE', tier: 'db-custom-4-15360' }, { edition: 'ENTERPRISE_PLUS' })()).not.toThrow();
    });
    test('a public IP without the opt-in', () => {
      expect(errorOf(make({ authorizedNetworks: [{ cidr: '198.51.100.0/24' }] }))).toMatch(new RegExp(`^${R}authorizedNetworks \\['198.51.100.0/24'\\] would give the instance a public IP`));
    });
    test('deletion protection off without the opt-in naming the data loss', () => {
      expect(errorOf(make({ deletionProtection: false }))).toBe(
        `${R}deletionProtection is false: one delete call would destroy the replica, and with it the copy a failover needs; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data`);
    });
  });
});

const targets = [
  { region: 'us-central1', ipAddress: '203.0.113.10' },
  { region: 'europe-west1', ipAddress: '203.0.113.11' },
  { region: 'asia-southeast1', ipAddress: '203.0.113.12' },
];

describe('GlobalRouter', () => {
  const { stack, primary } = topology({ phase: 4 });
  const router = new GlobalRouter(stack, 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets });
  const json = synth(stack);
  const records = all(json, 'google_dns_record_set');

  test('a global health check with exactly three source regions and a 30 s interval', () => {
    expect(only(json, 'google_compute_health_check')).toMatchObject({
      check_interval_sec: 30,
      source_regions: ['us-central1', 'europe-west1', 'asia-southeast1'],
      https_health_check: { port: 443, request_path: '/healthz' },
    });
  });

  test('writes: a failover policy to the primary region, the others as geo backups', () => {
    const write = records.find((r) => r.name === 'write.example.com.');
    expect(write).toMatchObject({ managed_zone: 'zone', type: 'A', ttl: 30 });
    expect(write.routing_policy.health_check).toMatch(/^\$\{google_compute_health_check\..+\.id\}$/);
    expect(write.routing_policy.primary_backup).toEqual({
      trickle_ratio: 0,
      primary: { external_endpoints: ['203.0.113.10'] },
      backup_geo: [
        { location: 'europe-west1', health_checked_targets: { external_endpoints: ['203.0.113.11'] } },
        { location: 'asia-southeast1', health_checked_targets: { external_endpoints: ['203.0.113.12'] } },
      ],
    });
  });

  test('reads (phase 4): a geo policy over every region, no WRR', () => {
    const read = records.find((r) => r.name === 'read.example.com.');
    // By region name, not by role: a role swap leaves the read record unchanged.
    expect(read.routing_policy.geo.map((g: any) => g.location)).toEqual(['asia-southeast1', 'europe-west1', 'us-central1']);
    expect(read.routing_policy.wrr).toBeUndefined();
    expect(router.databaseWriteEndpoint).toBe(primary.privateIp);
  });

  test('internal load balancers: private-zone targets without a global health check; no read record before phase 4', () => {
    const t = topology({ phase: 3 });
    const network = `projects/${PROJECT}/global/networks/orders-vpc`;
    new GlobalRouter(t.stack, 'Router', {
      primary: t.primary, managedZone: 'private', zoneDnsName: 'internal.example.',
      targets: ['us-central1', 'europe-west1'].map((region, i) => ({ region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: network } })),
    });
    const j = synth(t.stack);
    expect(all(j, 'google_compute_health_check')).toHaveLength(0);
    const [write] = all(j, 'google_dns_record_set');
    expect(all(j, 'google_dns_record_set')).toHaveLength(1);
    expect(write.routing_policy.health_check).toBeUndefined();
    // Cloud DNS wants the full network URL; a projects/... path is completed.
    expect(write.routing_policy.primary_backup.primary.internal_load_balancers[0]).toEqual({
      ip_address: '10.0.0.5', port: '443', ip_protocol: 'tcp', network_url: `https://www.googleapis.com/compute/v1/${network}`, load_balancer_type: 'regionalL4ilb', project: PROJECT, region: 'us-central1',
    });
  });

  describe('bad input', () => {
    const G = "GlobalRouter 'S/Router': ";
    const make = (props: Partial<GlobalRouterProps>) => () => {
      const t = topology({ phase: 4 });
      return new GlobalRouter(t.stack, 'Router', { primary: t.primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets, ...props });
    };
    test('a target region outside the topology', () => {
      expect(errorOf(make({ targets: [...targets, { region: 'us-east1', ipAddress: '203.0.113.13' }] }))).toBe(
        `${G}targets[3].region 'us-east1' is outside the topology (regions: us-central1, europe-west1, asia-southeast1); route only to regions that hold the database: add 'us-east1' to the primary's replicaRegions, or remove the target`);
    });
    test('mixed target kinds', () => {
      expect(errorOf(make({ targets: [targets[0], { region: 'europe-west1', internalLoadBalancer: { ipAddress: '10.0.0.5', port: '443', networkUrl: 'n' } }] }))).toBe(
        `${G}targets mix public IP endpoints and internal load balancers, but a Cloud DNS routing policy health-checks one kind; use public endpoints in a public zone, or internal load balancers in a private zone, not both`);
    });
    test('source regions not exactly three, and too short an interval', () => {
      const message = errorOf(make({ healthCheck: { sourceRegions: ['us-central1', 'europe-west1'], checkIntervalSec: 10 } }));
      expect(message).toContain(`${G}healthCheck.sourceRegions ['us-central1', 'europe-west1'] has 2 regions, but a Cloud DNS health check needs exactly 3`);
      expect(message).toContain(`${G}healthCheck.checkIntervalSec 10 is below the 30 s minimum of health checks with source regions; set healthCheck.checkIntervalSec to 30 or more`);
    });
    test('a health check timeout longer than the interval', () => {
      expect(errorOf(make({ healthCheck: { timeoutSec: 45 } }))).toBe(
        `${G}healthCheck.timeoutSec 45 is not a whole number of seconds between 1 and checkIntervalSec (30); set healthCheck.timeoutSec to 10 or another value up to 30`);
    });
    test('a Terraform reference as a target address', () => {
      const ref = Token.asString({ Ref: 'google_compute_address.x.address' });
      expect(errorOf(make({ targets: [targets[0], { region: 'europe-west1', ipAddress: ref }] }))).toBe(
        `${G}targets[1] has a Terraform reference; the failover workflow and runbook need plain addresses (and the runbook lives in another state); pass the literal IP address, port and network of the endpoint`);
    });
    test('no endpoint in the primary region', () => {
      expect(errorOf(make({ targets: targets.slice(1) }))).toBe(
        `${G}targets has no endpoint in the primary region 'us-central1', so writes have nowhere to go; add a target with region 'us-central1'`);
    });
  });
});
