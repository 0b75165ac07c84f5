/**
 * Terraform must not undo a failover, and the day-two role swap must converge:
 * - the write record's routing policy belongs to the runtime after creation
 *   (ignore_changes), and the policy the workflow writes is exactly what the
 *   swapped configuration describes, so even without ignore_changes the swap
 *   plans no change to the record;
 * - the primary ignores the read-only psa_write_endpoint Cloud SQL fills in
 *   after DR designation (hashicorp/terraform-provider-google#25372).
 */
import { TerraformStack, Testing } from 'cdktf';
import { findReplacements, formatReplacementFindings } from '../../lib/core';
import {
  DatabaseUsers, DeploymentNetwork, GCP_REPLACEMENT_RULES, GlobalRouter, GlobalRouterProps, PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion, RouterTarget, terraformResources,
} from '../../lib/gcp';
import { all, only, PROJECT, warningsOf } from './helpers';

const external: RouterTarget[] = [
  { region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }, { region: 'asia-southeast1', ipAddress: '203.0.113.12' },
];
const internal: RouterTarget[] = ['us-central1', 'europe-west1', 'asia-southeast1'].map((region, i) => ({
  region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: `projects/${PROJECT}/global/networks/vpc` },
}));

function routerOf(primaryRegion: string, replicaRegions: string[], targets: RouterTarget[], props: Partial<GlobalRouterProps> = {}, primaryProps: Partial<PrimaryRegionProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'S');
  const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: primaryRegion, replicaRegions, phase: 4, instanceName: 'orders', ...primaryProps });
  const router = new GlobalRouter(stack, 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets, ...props });
  return { router, json: JSON.parse(Testing.synth(stack)) };
}

/** Cloud DNS API form (what the workflow PATCHes) → Terraform form (what the configuration declares). */
function apiToTerraform(policy: any): any {
  const targets = (t: any) => (t.externalEndpoints
    ? { external_endpoints: t.externalEndpoints }
    : { internal_load_balancers: t.internalLoadBalancers.map((l: any) => ({ ip_address: l.ipAddress, port: l.port, ip_protocol: l.ipProtocol, network_url: l.networkUrl, load_balancer_type: l.loadBalancerType, project: l.project, region: l.region })) });
  return {
    trickle_ratio: policy.primaryBackup.trickleTraffic,
    primary: targets(policy.primaryBackup.primaryTargets),
    backup_geo: policy.primaryBackup.backupGeoTargets.items.map((i: any) => ({ location: i.location, health_checked_targets: targets(i.healthCheckedTargets) })),
  };
}

const writeRecord = (json: any) => all(json, 'google_dns_record_set').find((r) => r.name === 'write.example.com.');
const readRecord = (json: any) => all(json, 'google_dns_record_set').find((r) => r.name === 'read.example.com.');

describe('the write record belongs to the runtime after creation', () => {
  test('ignore_changes on its routing policy (only the write record; the read record stays managed)', () => {
    const { json } = routerOf('us-central1', ['europe-west1', 'asia-southeast1'], external);
    expect(writeRecord(json).lifecycle).toEqual({ ignore_changes: ['routing_policy'] });
    expect(readRecord(json).lifecycle).toBeUndefined();
  });

  test('ignoreWriteRoutingChanges: false hands it back to Terraform for one apply', () => {
    const { json } = routerOf('us-central1', ['europe-west1', 'asia-southeast1'], external, { ignoreWriteRoutingChanges: false });
    expect(writeRecord(json).lifecycle).toBeUndefined();
  });

  test.each([['public endpoints', external], ['internal load balancers', internal]])('%s: after a failover to europe-west1, the swapped configuration declares exactly what the workflow wrote', (_kind, targets) => {
    const before = routerOf('us-central1', ['europe-west1', 'asia-southeast1'], targets as RouterTarget[], { trickleRatio: 0.1 });
    const written = apiToTerraform(before.router.writePolicyFor('europe-west1'));
    const swapped = routerOf('europe-west1', ['us-central1', 'asia-southeast1'], targets as RouterTarget[], { trickleRatio: 0.1 });
    expect(writeRecord(swapped.json).routing_policy.primary_backup).toEqual(written);
    // And back: a failback by the workflow of the swapped deployment matches the original configuration.
    expect(apiToTerraform(swapped.router.writePolicyFor('us-central1'))).toEqual(writeRecord(before.json).routing_policy.primary_backup);
    // The role-independent parts are identical: same record, same health check, same read record.
    expect(writeRecord(swapped.json).routing_policy.health_check).toBe(writeRecord(before.json).routing_policy.health_check);
    expect(readRecord(swapped.json)).toEqual(readRecord(before.json));
  });
});

describe('every instance ignores what the runtime owns, in both roles', () => {
  const owned = ['settings[0].activation_policy', 'settings[0].ip_configuration[0].allocated_ip_range', 'replication_cluster[0].psa_write_endpoint'];

  test('Enterprise Plus primary: the fence (activation policy), the allocated range and psa_write_endpoint (#25372); a postcondition refuses to make a replica the primary', () => {
    const { json } = routerOf('us-central1', ['europe-west1'], external.slice(0, 2), {}, { edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: true });
    const instance = only(json, 'google_sql_database_instance');
    expect(instance.replication_cluster).toEqual({ failover_dr_replica_name: `${PROJECT}:orders-europe-west1` });
    expect(instance.lifecycle.ignore_changes).toEqual(owned);
    expect(instance.lifecycle.postcondition).toEqual([{
      condition: '${self.instance_type != "READ_REPLICA_INSTANCE"}',
      error_message: 'Cloud SQL instance orders in us-central1 is a read replica, but this configuration makes it the primary. If the writes should move here, run the failover workflow (switchover or failover) first, then apply. If they moved away from it (a switchover, or a replica failover it rejoined after), make the configuration say which region writes now (swap the roles: docs/day-two.md).',
    }]);
  });

  test('a replica: the same arguments ignored, no postcondition', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders' });
    new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const replica = all(JSON.parse(Testing.synth(stack)), 'google_sql_database_instance').find((i) => i.name === 'orders-europe-west1');
    expect(replica.lifecycle).toEqual({ ignore_changes: owned });
  });
});

describe('the public constructs: a role swap is expressible without replacing anything', () => {
  const names = { 'us-central1': 'orders', 'europe-west1': 'orders-europe-west1' };
  /** A deployment written with the constructs directly: stacks by region, a network stack, a users stack. */
  function deployment(primaryRegion: string, replicaRegion: string, usersOnPrimary = false) {
    const app = Testing.app();
    const networkStack = new TerraformStack(app, 'orders-network');
    const network = new DeploymentNetwork(networkStack, 'Network', { project: PROJECT, networkName: 'orders-vpc' });
    const primaryStack = new TerraformStack(app, `orders-${primaryRegion}`);
    const primary = new PrimaryRegion(primaryStack, 'Database', {
      project: PROJECT, region: primaryRegion, replicaRegions: [replicaRegion], instanceNames: names,
      network: network.network, allocatedIpRange: network.allocatedIpRange,
      ...(usersOnPrimary ? { iamDatabaseUsers: ['alice@example.com'] } : {}),
    });
    const replicaStack = new TerraformStack(app, `orders-${replicaRegion}`);
    new ReadReplicaRegion(replicaStack, 'Database', { primary, region: replicaRegion });
    const usersStack = new TerraformStack(app, 'orders-users');
    new DatabaseUsers(usersStack, 'Users', { primary, iamUsers: ['alice@example.com', 'app@test-project.iam.gserviceaccount.com'] });
    const stacks = [networkStack, primaryStack, replicaStack, usersStack];
    return { primary, resources: terraformResources(Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]))) };
  }

  test('DatabaseUsers in their own stack: users keep stack, address and (ignored) instance; nothing is replaced', () => {
    const a = deployment('us-central1', 'europe-west1');
    const b = deployment('europe-west1', 'us-central1');
    expect(formatReplacementFindings(findReplacements(a.resources, b.resources, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true }))).toBe('');
    const users = a.resources.filter((r) => r.type === 'google_sql_user');
    expect(users.map((u) => [u.stack, u.properties.name])).toEqual([['orders-users', 'alice@example.com'], ['orders-users', 'app@test-project.iam']]);
  });

  test('the same users on PrimaryRegion (iamDatabaseUsers) move with the role: found, and warned about', () => {
    const a = deployment('us-central1', 'europe-west1', true);
    const b = deployment('europe-west1', 'us-central1', true);
    const findings = findReplacements(a.resources, b.resources, GCP_REPLACEMENT_RULES);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^google_sql_user 'alice@example.com' moved from orders-us-central1\/google_sql_user\.\S+ to orders-europe-west1\/google_sql_user\.\S+: a deploy would delete it from one state and create it again in the other$/),
    ]);
    expect(warningsOf(a.primary)).toEqual([
      "PrimaryRegion 'orders-us-central1/Database': iamDatabaseUsers live in the primary's stack, so a role swap would move them to another stack (google_sql_user.instance is create-only); declare them with DatabaseUsers in a stack of their own (docs/day-two.md)",
    ]);
  });

  test('customer-managed keys: per region (encryptionKeyNames) they stay with their instance; a single encryptionKeyName would move (found, and warned about)', () => {
    const keys = { 'us-central1': 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k', 'europe-west1': 'projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k' };
    const build = (writer: string, other: string, props: Partial<PrimaryRegionProps>) => {
      const app = Testing.app();
      const ps = new TerraformStack(app, `orders-${writer}`);
      const primary = new PrimaryRegion(ps, 'Database', { project: PROJECT, region: writer, replicaRegions: [other], instanceNames: names, network: `projects/${PROJECT}/global/networks/n`, ...props });
      const rs = new TerraformStack(app, `orders-${other}`);
      new ReadReplicaRegion(rs, 'Database', { primary, region: other });
      return { primary, resources: terraformResources({ [ps.node.id]: JSON.parse(Testing.synth(ps)), [rs.node.id]: JSON.parse(Testing.synth(rs)) }) };
    };
    const a = build('us-central1', 'europe-west1', { encryptionKeyNames: keys });
    const b = build('europe-west1', 'us-central1', { encryptionKeyNames: keys });
    expect(findReplacements(a.resources, b.resources, GCP_REPLACEMENT_RULES)).toEqual([]);
    expect(a.resources.filter((r) => r.type === 'google_sql_database_instance').map((r) => r.properties.encryption_key_name)).toEqual([keys['us-central1'], keys['europe-west1']]);
    const single = (writer: string, other: string) => build(writer, other, { encryptionKeyName: keys[writer as keyof typeof keys] });
    expect(findReplacements(single('us-central1', 'europe-west1').resources, single('europe-west1', 'us-central1').resources, GCP_REPLACEMENT_RULES).map((f) => f.property)).toEqual(['encryption_key_name', 'encryption_key_name']);
    expect(warningsOf(single('us-central1', 'europe-west1').primary)[0]).toMatch(/^PrimaryRegion 'orders-us-central1\/Database': encryptionKeyName is the key of the primary's region only; after a role swap/);
  });

  test('terraformResources leaves out what lifecycle.ignore_changes covers (it never replaces after creation)', () => {
    const [r] = terraformResources({ s: { resource: { t: { n: { instance: 'a', name: 'x', settings: [{ activation_policy: 'ALWAYS', tier: 't' }], lifecycle: { ignore_changes: ['instance', 'settings[0].activation_policy'] } } } } } });
    expect(r.properties).toEqual({ name: 'x', settings: [{ tier: 't' }], lifecycle: { ignore_changes: ['instance', 'settings[0].activation_policy'] } });
  });
});

describe('the split-brain guard: one per instance, in its own stack, disabled until the workflow arms it', () => {
  test.each(['postgresql', 'mysql'] as const)('%s: client connections of the instance; the same address in both roles; Terraform never resets enabled', (engine) => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders', engine, network: `projects/${PROJECT}/global/networks/n` });
    new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const guards = all(JSON.parse(Testing.synth(stack)), 'google_monitoring_alert_policy').filter((a) => a.user_labels?.mrc_split_brain_guard);
    expect(guards.map((g) => g.user_labels.mrc_split_brain_guard)).toEqual(['orders', 'orders-europe-west1']);
    for (const g of guards) {
      expect(g).toMatchObject({ enabled: false, severity: 'CRITICAL', lifecycle: { ignore_changes: ['enabled'] } });
      const filter: string = g.conditions[0].condition_threshold.filter;
      expect(filter).toContain(engine === 'postgresql' ? 'metric.type = "cloudsql.googleapis.com/database/postgresql/num_backends"' : 'metric.type = "cloudsql.googleapis.com/database/network/connections"');
      expect(filter).toContain(`resource.labels.database_id = "${PROJECT}:${g.user_labels.mrc_split_brain_guard}"`);
      expect(g.conditions[0].condition_threshold).toMatchObject({ comparison: 'COMPARISON_GT', threshold_value: 0 });
      expect(g.documentation.content).toContain(`gcloud sql instances patch ${g.user_labels.mrc_split_brain_guard} --project=${PROJECT} --activation-policy=NEVER`);
    }
    if (engine === 'postgresql') expect(guards[0].conditions[0].condition_threshold.filter).toContain('metric.labels.database != "cloudsqladmin"');
  });
});
