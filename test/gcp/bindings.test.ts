/**
 * Every attribute the library emits exists in the pinned bindings
 * (@cdktf/provider-google 16.12.1, generated from provider 6.50.0): each key
 * of each resource body, at every nesting level, is a key the binding's
 * generated `*ToTerraform` code writes. Catches a misspelt or invented
 * attribute (which Terraform would reject at plan) without downloading the
 * provider.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { buildGcpExamples } from '../../examples/gcp/main';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { ActiveActiveDatabase, DatabaseUsers, FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion, StateBucket } from '../../lib/gcp';
import { PROJECT } from './helpers';

const LIB = path.dirname(require.resolve('@cdktf/provider-google/lib/provider'));
const keysOf = new Map<string, Set<string>>();
function bindingKeys(dir: string): Set<string> {
  if (!keysOf.has(dir)) {
    const text = fs.readFileSync(path.join(LIB, '..', dir, 'index.js'), 'utf8');
    keysOf.set(dir, new Set([...text.matchAll(/\b([a-z][a-z0-9_]*): /g)].map((m) => m[1])));
  }
  return keysOf.get(dir)!;
}

/** Attributes whose keys are user data (maps), and Terraform meta-arguments. */
const MAPS = new Set(['labels', 'user_labels', 'default_labels', 'resource_labels']);
const META = new Set(['//', 'depends_on', 'lifecycle', 'provider', 'count', 'for_each']);

function unknownKeys(type: string, body: unknown, dataSource = false): string[] {
  const known = bindingKeys(`${dataSource ? 'data-' : ''}${type.replace(/^google_/, dataSource ? 'google_' : '').replace(/_/g, '-')}`);
  const out: string[] = [];
  const walk = (v: unknown, at: string, top: boolean) => {
    if (Array.isArray(v)) { v.forEach((x, i) => walk(x, `${at}[${i}]`, false)); return; }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (top && META.has(k)) continue;
      const here = at ? `${at}.${k}` : k;
      if (!known.has(k)) out.push(`${type}: ${here}`);
      if (!MAPS.has(k)) walk(x, here, false);
    }
  };
  walk(body, '', true);
  return out;
}

function docs(): Record<string, any>[] {
  const app = new App({ outdir: 'cdktf.out' });
  buildGcpExamples(app, readGcpExampleConfig({}));
  // Options the examples do not use.
  const extra = new TerraformStack(app, 'extra');
  const primary = new PrimaryRegion(extra, 'Db', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders', engine: 'mysql',
    edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: true, iamDatabaseUsers: ['alice@example.com'],
    allowPublicIp: true, authorizedNetworks: [{ name: 'office', cidr: '203.0.113.0/24' }],
  });
  const replica = new ReadReplicaRegion(extra, 'Replica', { primary, region: 'europe-west1', disasterRecovery: true });
  const router = new GlobalRouter(extra, 'Router', {
    primary, managedZone: 'private', zoneDnsName: 'internal.example.', trickleRatio: 0.1,
    targets: ['us-central1', 'europe-west1'].map((region, i) => ({ region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: `projects/${PROJECT}/global/networks/vpc`, forwardingRule: `fr-${region}` } })),
  });
  new FailoverRunbook(extra, 'Runbook', { primary, replicas: [replica], router });
  new DatabaseUsers(extra, 'Users', { primary, iamUsers: ['bob@example.com'] });
  new StateBucket(extra, 'State', { project: PROJECT, name: 'acme-tfstate', location: 'US', dataLocations: ['us-central1', 'us-east1'] });
  // Phase 5 options the example does not use: autoscaling, CMEK in every region, PostgreSQL, a described configuration.
  const spanner = new TerraformStack(app, 'extra-spanner');
  const key = (r: string) => `projects/${PROJECT}/locations/${r}/keyRings/r/cryptoKeys/k`;
  new ActiveActiveDatabase(spanner, 'Ledger', {
    project: PROJECT, instanceName: 'ledger-x', dialect: 'POSTGRESQL', autoscaling: { minProcessingUnits: 1000, maxProcessingUnits: 4000 },
    customInstanceConfig: { name: 'custom-eur3-ro', readWriteRegions: ['europe-west1', 'europe-west4'], readOnlyRegions: ['europe-west3'], witnessRegions: ['europe-north1'] },
    encryptionKeyNames: Object.fromEntries(['europe-west1', 'europe-west4', 'europe-west3', 'europe-north1'].map((r) => [r, key(r)])),
  });
  return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => JSON.parse(Testing.synth(s)));
}

const all = docs();

test('the check can fail: an invented attribute is reported', () => {
  expect(unknownKeys('google_monitoring_alert_policy', { conditions: [{ condition_threshold: { evaluation_missing_date: 'x' } }] }))
    .toEqual(['google_monitoring_alert_policy: conditions[0].condition_threshold.evaluation_missing_date']);
});

test('every resource attribute, at every level, exists in the pinned bindings', () => {
  const unknown: string[] = [];
  const types = new Set<string>();
  for (const doc of all) {
    for (const [type, byName] of Object.entries(doc.resource as Record<string, Record<string, unknown>>)) {
      if (!type.startsWith('google_')) continue;
      types.add(type);
      for (const body of Object.values(byName)) unknown.push(...unknownKeys(type, body));
    }
    for (const [type, byName] of Object.entries((doc.data ?? {}) as Record<string, Record<string, unknown>>)) {
      types.add(`data.${type}`);
      for (const body of Object.values(byName)) unknown.push(...unknownKeys(type, body, true));
    }
    for (const p of doc.provider?.google ?? []) unknown.push(...unknownKeys('google_provider', p).map((u) => u.replace('google_provider', 'provider')));
  }
  expect(unknown).toEqual([]);
  expect([...types].sort()).toEqual([
    'data.google_sql_database_instances',
    'google_cloud_run_v2_service',
    'google_compute_global_address', 'google_compute_health_check', 'google_compute_network', 'google_compute_subnetwork', 'google_dns_managed_zone_iam_member', 'google_dns_record_set',
    'google_monitoring_alert_policy', 'google_monitoring_dashboard', 'google_project_iam_custom_role', 'google_project_iam_member', 'google_project_service',
    'google_secret_manager_secret', 'google_secret_manager_secret_iam_member', 'google_secret_manager_secret_version',
    'google_service_account', 'google_service_networking_connection',
    'google_spanner_backup_schedule', 'google_spanner_database', 'google_spanner_instance',
    'google_sql_database_instance', 'google_sql_user', 'google_storage_bucket', 'google_workflows_workflow',
  ]);
});
