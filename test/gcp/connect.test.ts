/**
 * Issue 22 on Google Cloud: grantConnect(serviceAccount), the discovery
 * secret, the Cloud Run example in each region, bad inputs, and the role
 * swap: every record and grant byte-identical, nothing replaced.
 */
import { App, Testing } from 'cdktf';
import { findReplacements, formatReplacementFindings } from '../../lib/core';
import { DatabaseDiscovery, DatabaseUsers, discoverySecretFor, GCP_REPLACEMENT_RULES, instanceCondition, PrimaryRegion, ReadReplicaRegion, terraformResources } from '../../lib/gcp';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { buildGcpAppInEachRegion } from '../../examples/gcp/app-in-each-region';
import { errorOf, PROJECT } from './helpers';
import { TerraformStack } from 'cdktf';

const SA = 'orders-app@test-project.iam.gserviceaccount.com';

function deployment(databaseFlags?: Record<string, string>) {
  const app = Testing.app();
  const pStack = new TerraformStack(app, 'us');
  const primary = new PrimaryRegion(pStack, 'Database', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders',
    network: `projects/${PROJECT}/global/networks/orders-vpc`, allocatedIpRange: 'orders-psa', databaseFlags,
  });
  const replica = new ReadReplicaRegion(new TerraformStack(app, 'eu'), 'Database', { primary, region: 'europe-west1' });
  const users = new DatabaseUsers(new TerraformStack(app, 'users'), 'Users', { primary, iamUsers: [] });
  return { app, primary, replica, users };
}

const resources = (stack: TerraformStack) => JSON.parse(Testing.synth(stack)).resource as Record<string, Record<string, Record<string, unknown>>>;

describe('grantConnect(serviceAccount)', () => {
  test('a CLOUD_IAM_SERVICE_ACCOUNT user named without .gserviceaccount.com, and the two roles conditioned to every region\'s instance', () => {
    const { users } = deployment();
    const grant = users.grantConnect(SA);
    expect(grant.dbUser).toBe('orders-app@test-project.iam');
    const r = resources(users.node.scope as TerraformStack);
    expect(Object.values(r.google_sql_user)).toEqual([expect.objectContaining({ name: 'orders-app@test-project.iam', type: 'CLOUD_IAM_SERVICE_ACCOUNT', instance: 'orders', lifecycle: { ignore_changes: ['instance'] } })]);
    const condition = "resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/test-project/instances/orders-europe-west1' || resource.name == 'projects/test-project/instances/orders')";
    expect(Object.values(r.google_project_iam_member).map((m) => [m.role, m.member, (m.condition as { expression: string }).expression])).toEqual([
      ['roles/cloudsql.client', `serviceAccount:${SA}`, condition],
      ['roles/cloudsql.instanceUser', `serviceAccount:${SA}`, condition],
    ]);
  });

  test('a service account already in iamUsers keeps its one database user', () => {
    const { primary } = deployment();
    const users = new DatabaseUsers(new TerraformStack(primary.node.root as App, 'users2'), 'Users', { primary, iamUsers: [SA] });
    users.grantConnect(SA);
    expect(Object.keys(resources(users.node.scope as TerraformStack).google_sql_user)).toHaveLength(1);
  });

  test('with IAM database authentication turned off', () => {
    const { users } = deployment({ 'cloudsql.iam_authentication': 'off' });
    expect(errorOf(() => users.grantConnect(SA))).toBe(
      "DatabaseUsers 'users/Users': grantConnect('orders-app@test-project.iam.gserviceaccount.com') needs IAM database authentication, but the database flag cloudsql.iam_authentication is 'off' on 'us/Database'; remove the override of cloudsql.iam_authentication from databaseFlags (the library sets it 'on'), or connect with a password user instead");
  });

  test.each(['alice@example.com', 'serviceAccount:orders-app@test-project.iam.gserviceaccount.com', 'Orders-App@test-project.iam.gserviceaccount.com'])('with %s, not a service account email', (email) => {
    const { users } = deployment();
    expect(errorOf(() => users.grantConnect(email))).toBe(
      `DatabaseUsers 'users/Users': serviceAccount '${email}' is not the email of a service account (<name>@<project>.iam.gserviceaccount.com); pass the service account's bare email, e.g. 'orders-app@my-project.iam.gserviceaccount.com' (a user is added with DatabaseUsers iamUsers)`);
  });
});

describe('the discovery secret', () => {
  test('one per region, stored in that region, JSON with the region\'s instance', () => {
    const { primary, replica } = deployment();
    const eu = new DatabaseDiscovery(replica, 'Discovery', { name: 'orders', databaseName: 'app' });
    new DatabaseDiscovery(primary, 'Discovery', { name: 'orders' });
    const r = resources(replica.node.scope as TerraformStack);
    expect(Object.values(r.google_secret_manager_secret)).toEqual([expect.objectContaining({
      secret_id: 'multiregion-orders-europe-west1-database', replication: { user_managed: { replicas: [{ location: 'europe-west1' }] } },
    })]);
    const data = String(Object.values(r.google_secret_manager_secret_version)[0].secret_data);
    expect(data).toContain('"instanceConnectionName" = "test-project:europe-west1:orders-europe-west1"');
    expect(data).toContain('"regions" = ["europe-west1", "us-central1"]');
    expect(data).toContain('"databaseName" = "app"');
    expect(data).toMatch(/"privateIp" = google_sql_database_instance\.Database_Instance_\w+\.private_ip_address/);
    expect(eu.record.instanceName).toBe('orders-europe-west1');
  });

  test('two deployments with the same discovery name in one project', () => {
    const { primary } = deployment();
    new DatabaseDiscovery(primary, 'Discovery', { name: 'orders' });
    const app = primary.node.root as App;
    const other = new PrimaryRegion(new TerraformStack(app, 'billing'), 'Database', { project: PROJECT, region: 'us-east1', instanceName: 'billing', network: `projects/${PROJECT}/global/networks/orders-vpc`, allocatedIpRange: 'orders-psa' });
    expect(errorOf(() => new DatabaseDiscovery(other, 'Discovery', { name: 'orders' }))).toBe(
      "DatabaseDiscovery 'billing/Database/Discovery': name 'orders' is already the discovery name of the deployment of 'us/Database' in project test-project; give each deployment of a project its own discovery name: both would write the same secrets");
  });

  test('a lookup for a region outside the deployment lists its regions', () => {
    const { primary } = deployment();
    const record = new DatabaseDiscovery(primary, 'Discovery', { name: 'orders' });
    expect(discoverySecretFor(record.deployment, 'europe-west1')).toBe('multiregion-orders-europe-west1-database');
    expect(errorOf(() => discoverySecretFor(record.deployment, 'asia-east1', { construct: 'App', path: 'app/eu' }))).toBe(
      "App 'app/eu': region 'asia-east1' is not a region of the deployment 'orders' (['europe-west1', 'us-central1']); look up one of europe-west1, us-central1: an application reads the record of its own region");
  });

  test('a name that is not a secret id part', () => {
    const { primary } = deployment();
    expect(errorOf(() => new DatabaseDiscovery(primary, 'Discovery', { name: 'Orders EU' }))).toBe(
      "DatabaseDiscovery 'us/Database/Discovery': name 'Orders EU' is not 1–40 lower-case letters, digits or '-'; use a name such as 'orders' (the secret is multiregion-orders-<region>-database)");
  });

  test('the instance condition names instances by region, sorted', () => {
    expect(instanceCondition(deployment().primary)).toBe("resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/test-project/instances/orders-europe-west1' || resource.name == 'projects/test-project/instances/orders')");
  });
});

describe('the Cloud Run example in each region, writer us-central1 → europe-west1', () => {
  const synth = (env: Record<string, string>) => {
    const app = new App({ outdir: 'cdktf.out', stackTraces: false });
    const built = buildGcpAppInEachRegion(app, readGcpExampleConfig(env));
    return Object.fromEntries(built.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
  };
  const a = synth({ GCP_PRIMARY_REGION: 'us-central1', GCP_REPLICA_REGIONS: 'europe-west1' });
  const b = synth({ GCP_PRIMARY_REGION: 'europe-west1', GCP_REPLICA_REGIONS: 'us-central1' });
  const pick = (stacks: typeof a, types: RegExp) => Object.fromEntries(Object.entries(stacks).flatMap(([stack, doc]) =>
    Object.entries((doc.resource ?? {}) as Record<string, Record<string, unknown>>).filter(([type]) => types.test(type))
      .flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [`${stack} ${type}.${name}`, JSON.stringify(body)]))));

  test('every discovery record, grant and service byte-identical; nothing replaced', () => {
    const types = /^google_(secret_manager_secret|secret_manager_secret_version|secret_manager_secret_iam_member|project_iam_member|service_account|cloud_run_v2_service|compute_subnetwork)$/;
    const before = pick(a, types);
    expect(Object.keys(before).filter((k) => k.includes('secret_manager_secret_version')).length).toBe(2);
    expect(Object.keys(before).filter((k) => k.includes('project_iam_member')).length).toBe(2);
    expect(pick(b, types)).toEqual(before);
    for (const stack of Object.keys(a).filter((s) => /^gcp-connect-app-/.test(s))) expect(JSON.stringify(b[stack].resource)).toBe(JSON.stringify(a[stack].resource));
    // The database user names the writer's instance at creation only (DatabaseUsers: instance in
    // lifecycle.ignore_changes): without the ignored argument it is identical too.
    const users = (stacks: typeof a) => JSON.stringify(terraformResources({ users: stacks['gcp-connect-users'] }));
    expect(users(b)).toBe(users(a));
    const findings = findReplacements(terraformResources(a), terraformResources(b), GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true });
    expect(formatReplacementFindings(findings)).toBe('');
  });

  test('least privilege: the service account gets the record of its region and the two conditioned Cloud SQL roles, nothing else', () => {
    const members = Object.values(pick(a, /^google_(project_iam_member|secret_manager_secret_iam_member)$/)).map((j) => JSON.parse(j) as Record<string, unknown>);
    expect(members.map((m) => [m.role, m.secret_id ?? (m.condition as { expression: string }).expression.includes('instances/orders-conn')]).sort()).toEqual([
      ['roles/cloudsql.client', true],
      ['roles/cloudsql.instanceUser', true],
      ['roles/secretmanager.secretAccessor', 'multiregion-connect-example-europe-west1-database'],
      ['roles/secretmanager.secretAccessor', 'multiregion-connect-example-us-central1-database'],
    ]);
    const run = JSON.parse(Object.values(pick(a, /^google_cloud_run_v2_service$/)).find((j) => j.includes('europe-west1'))!);
    expect(run.template.containers[0].env[0]).toEqual({ name: 'DB_RECORD', value_source: { secret_key_ref: { secret: 'multiregion-connect-example-europe-west1-database', version: 'latest' } } });
    expect(run.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
  });
});
