/**
 * Every Google Cloud example, synthesized once (beforeAll): a snapshot per
 * stack, and a structural check of each Terraform JSON document.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { buildGcpExamples } from '../../examples/gcp/main';
import { GCP_EXAMPLE_DEFAULTS, readGcpExampleConfig } from '../../examples/gcp/config';

type Doc = { resource: Record<string, Record<string, any>>; output?: Record<string, any>; terraform: any; provider: any; data?: Record<string, Record<string, any>>; locals?: Record<string, any> };

/** Required arguments of each resource type this library emits (provider 6.50.0 schema). */
const REQUIRED: Record<string, string[]> = {
  google_sql_database_instance: ['name', 'database_version', 'region', 'settings', 'deletion_protection'],
  google_compute_network: ['name'],
  google_compute_global_address: ['name', 'purpose', 'address_type', 'prefix_length', 'network'],
  google_service_networking_connection: ['network', 'service', 'reserved_peering_ranges'],
  google_monitoring_alert_policy: ['display_name', 'combiner', 'conditions'],
  google_monitoring_dashboard: ['dashboard_json'],
  google_compute_health_check: ['name', 'check_interval_sec', 'source_regions'],
  google_dns_record_set: ['managed_zone', 'name', 'type', 'routing_policy'],
  google_service_account: ['account_id'],
  google_project_iam_member: ['project', 'role', 'member'],
  google_project_iam_custom_role: ['role_id', 'title', 'permissions'],
  google_dns_managed_zone_iam_member: ['managed_zone', 'role', 'member'],
  google_workflows_workflow: ['name', 'region', 'service_account', 'source_contents'],
  google_project_service: ['service'],
  google_sql_user: ['name', 'instance'],
  google_storage_bucket: ['name', 'location'],
  google_spanner_instance: ['config', 'display_name'],
  google_spanner_database: ['instance', 'name'],
  google_spanner_backup_schedule: ['instance', 'database', 'retention_duration'],
  // The application in each region (issue 22).
  google_secret_manager_secret: ['secret_id', 'replication'],
  google_secret_manager_secret_version: ['secret'],
  google_secret_manager_secret_iam_member: ['secret_id', 'role', 'member'],
  google_cloud_run_v2_service: ['location', 'name', 'template'],
  google_compute_subnetwork: ['name', 'network'],
  // Built into Terraform (no provider): the placeholder guard.
  terraform_data: ['input', 'lifecycle'],
};

const STACKS = [
  'gcp-state',
  'gcp-phase1-network', 'gcp-phase1-us-central1',
  'gcp-phase2-network', 'gcp-phase2-us-central1', 'gcp-phase2-europe-west1',
  'gcp-phase3-network', 'gcp-phase3-us-central1', 'gcp-phase3-europe-west1', 'gcp-phase3-router', 'gcp-phase3-runbook',
  'gcp-phase4-network', 'gcp-phase4-us-central1', 'gcp-phase4-europe-west1', 'gcp-phase4-router', 'gcp-phase4-runbook',
  'gcp-phase5-network', 'gcp-phase5-eu-europe-west1', 'gcp-phase5-eu-europe-west4', 'gcp-phase5-eu-router', 'gcp-phase5-eu-runbook',
  'gcp-phase5-us-us-central1', 'gcp-phase5-us-us-east1', 'gcp-phase5-us-router', 'gcp-phase5-us-runbook', 'gcp-phase5-spanner',
  // The application in each region (issue 22).
  'gcp-connect-network', 'gcp-connect-us-central1', 'gcp-connect-europe-west1', 'gcp-connect-users',
  'gcp-connect-app-europe-west1', 'gcp-connect-app-us-central1',
];

/** Data sources the examples may read at plan time: only the DR-designation lookup. */
const DATA_SOURCES = ['google_sql_database_instances'];

let stacks: Record<string, Doc>;
let runbooks: Record<string, string>;

beforeAll(() => {
  const app = new App({ outdir: 'cdktf.out' });
  runbooks = buildGcpExamples(app, readGcpExampleConfig({}));
  stacks = {};
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) stacks[child.node.id] = JSON.parse(Testing.synth(child, true)) as Doc;
  }
});

/** Backend paths are absolute; make the snapshot independent of the checkout. */
function normalized(doc: Doc): Doc {
  const copy = JSON.parse(JSON.stringify(doc));
  if (copy.terraform?.backend?.local?.path) copy.terraform.backend.local.path = '<path>';
  return copy;
}

test('the examples default to us-central1 and europe-west1', () => {
  expect(GCP_EXAMPLE_DEFAULTS).toMatchObject({ primaryRegion: 'us-central1', replicaRegions: ['europe-west1'] });
  // Named by region (and one network / router / runbook stack), never by role.
  expect(Object.keys(stacks).sort()).toEqual(STACKS.slice().sort());
});

test('configuration comes from the environment', () => {
  const c = readGcpExampleConfig({ GCP_PROJECT: 'p', GCP_PRIMARY_REGION: 'europe-west1', GCP_REPLICA_REGIONS: 'europe-west4,europe-north1' });
  expect(c).toMatchObject({ project: 'p', primaryRegion: 'europe-west1', replicaRegions: ['europe-west4', 'europe-north1'] });
});

describe.each(STACKS)('%s', (name) => {
  test('matches the snapshot', () => {
    expect(normalized(stacks[name])).toMatchSnapshot();
  });

  test('is structurally valid Terraform JSON', () => {
    const doc = stacks[name];
    expect(doc.terraform.required_providers.google).toEqual({ source: 'google', version: '6.50.0' });
    expect(doc.provider.google).toHaveLength(1);
    const declared = new Set<string>();
    for (const [type, byName] of Object.entries(doc.resource)) {
      expect(Object.keys(REQUIRED)).toContain(type);
      for (const [logical, body] of Object.entries(byName)) {
        declared.add(`${type}.${logical}`);
        for (const arg of REQUIRED[type]) expect({ resource: `${type}.${logical}`, [arg]: body[arg] !== undefined }).toEqual({ resource: `${type}.${logical}`, [arg]: true });
      }
    }
    for (const [type, byName] of Object.entries(doc.data ?? {})) {
      expect(DATA_SOURCES).toContain(type);
      for (const logical of Object.keys(byName)) declared.add(`data.${type}.${logical}`);
    }
    // Every google_x.y reference inside a ${...} (not the escaped $${...} of Workflows) names a declared resource or data source.
    const text = JSON.stringify(doc);
    const interpolations = [...text.matchAll(/(?<!\$)\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map((m) => m[1]);
    const refs = interpolations.flatMap((i) => [...i.matchAll(/\b((?:data\.)?google_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)].map((m) => `${m[1]}.${m[2]}`));
    for (const ref of refs) expect(declared.has(ref) ? ref : `undeclared ${ref}`).toBe(ref);
    // No interpolation other than resource references, optionally inside coalesce()/try() or jsonencode(),
    // the DR-designation lookup (contains over the data source), the primary's postcondition
    // on itself, and the placeholder guard's conditions on its own local
    // (no cross-stack remote state, no variables).
    const locals = Object.keys(doc.locals ?? {});
    // The discovery record (issue 22) is jsonencode() of plain values and its instance's private IP.
    const other = interpolations.filter((i) => !/^(google_|coalesce\(try\(google_|contains\(\[for i in data\.google_sql_database_instances\.|self\.instance_type != |jsonencode\(\{)/.test(i)
      && !locals.some((l) => new RegExp(`^local\\.${l}\\.[a-z_]+ != "[^"]+"$`).test(i.replace(/\\"/g, '"'))));
    expect(other).toEqual([]);
    for (const [type, byName] of Object.entries(doc.resource)) {
      for (const body of Object.values(byName)) {
        for (const dep of (body as any).depends_on ?? []) expect(declared.has(dep) ? dep : `undeclared depends_on ${dep} in ${type}`).toBe(dep);
      }
    }
  });
});

/** The API each resource type needs before it can be created (SERVICE_DISABLED otherwise). */
const API_OF: Record<string, string[]> = {
  google_sql_database_instance: ['sqladmin.googleapis.com'],
  google_sql_user: ['sqladmin.googleapis.com'],
  google_compute_network: ['compute.googleapis.com'],
  google_compute_global_address: ['compute.googleapis.com'],
  google_compute_health_check: ['compute.googleapis.com'],
  google_service_networking_connection: ['servicenetworking.googleapis.com', 'compute.googleapis.com'],
  google_monitoring_alert_policy: ['monitoring.googleapis.com'],
  google_monitoring_dashboard: ['monitoring.googleapis.com'],
  google_dns_record_set: ['dns.googleapis.com'],
  google_dns_managed_zone_iam_member: ['dns.googleapis.com'],
  google_service_account: ['iam.googleapis.com'],
  google_project_iam_member: ['cloudresourcemanager.googleapis.com', 'iam.googleapis.com'],
  google_project_iam_custom_role: ['iam.googleapis.com'],
  google_workflows_workflow: ['workflows.googleapis.com'],
  google_storage_bucket: ['storage.googleapis.com'],
  google_spanner_instance: ['spanner.googleapis.com'],
  google_spanner_database: ['spanner.googleapis.com'],
  google_spanner_backup_schedule: ['spanner.googleapis.com'],
  google_secret_manager_secret: ['secretmanager.googleapis.com'],
  google_secret_manager_secret_version: ['secretmanager.googleapis.com'],
  google_secret_manager_secret_iam_member: ['secretmanager.googleapis.com'],
  google_cloud_run_v2_service: ['run.googleapis.com'],
  google_compute_subnetwork: ['compute.googleapis.com'],
};

describe('a fresh project: every stack enables the APIs its resources need, and never disables them', () => {
  test.each(Object.keys(API_OF).filter((t) => t !== 'google_sql_user'))('%s appears in the examples', (type) => {
    expect(Object.values(stacks).some((d) => d.resource[type])).toBe(true);
  });

  test('each resource depends on google_project_service resources for its APIs, in its own stack', () => {
    const missing: string[] = [];
    for (const [name, doc] of Object.entries(stacks)) {
      const services = doc.resource.google_project_service ?? {};
      const serviceOf = new Map(Object.entries(services).map(([logical, body]) => [`google_project_service.${logical}`, body.service as string]));
      for (const [type, byName] of Object.entries(doc.resource)) {
        if (type === 'google_project_service' || type === 'terraform_data') continue;
        for (const [logical, body] of Object.entries(byName)) {
          const waitsFor = new Set(((body as any).depends_on ?? []).map((d: string) => serviceOf.get(d)).filter(Boolean));
          for (const api of API_OF[type] ?? [`(no API known for ${type})`]) if (!waitsFor.has(api)) missing.push(`${name}: ${type}.${logical} does not wait for ${api}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('services are never disabled on destroy, and wait for Resource Manager', () => {
    for (const doc of Object.values(stacks)) {
      const services = Object.entries(doc.resource.google_project_service ?? {});
      expect(services.length).toBeGreaterThan(0);
      const crm = services.find(([, b]) => b.service === 'cloudresourcemanager.googleapis.com')!;
      for (const [, body] of services) {
        expect(body).toMatchObject({ project: 'example-project', disable_on_destroy: false, disable_dependent_services: false });
        if (body !== crm[1]) expect(body.depends_on).toEqual([`google_project_service.${crm[0]}`]);
      }
    }
  });
});

test('phases 3–4: the DR replica is designated automatically once it exists (one configuration); GCP_DR_REPLICA_DESIGNATED forces it', () => {
  // The default: a plan-time lookup of the DR region's instances decides; the output says which apply is next.
  const first = Object.values(stacks['gcp-phase3-us-central1'].resource.google_sql_database_instance)[0] as any;
  expect(first.replication_cluster.failover_dr_replica_name).toMatch(/^\$\{contains\(\[for i in data\.google_sql_database_instances\.\w+\.instances : i\.name if i\.master_instance_name == "orders-p3"\], "orders-p3-europe-west1"\) \? "example-project:orders-p3-europe-west1" : ""\}$/);
  expect(Object.values(stacks['gcp-phase3-us-central1'].data!.google_sql_database_instances)).toEqual([expect.objectContaining({ project: 'example-project', region: 'europe-west1' })]);
  // The workflow decides switchover or promotion at run time (replicationCluster.drReplica): switchover by default.
  const firstWorkflow = JSON.parse(String(Object.values(stacks['gcp-phase3-runbook'].resource.google_workflows_workflow)[0].source_contents).replace(/\$\$\{/g, '${'));
  expect(firstWorkflow.main.steps[0].init.assign.find((a: any) => a.regions).regions['europe-west1']).toMatchObject({ dr: true, defaultMode: 'switchover' });

  const app = new App({ outdir: 'cdktf.out' });
  buildGcpExamples(app, readGcpExampleConfig({ GCP_DR_REPLICA_DESIGNATED: 'true' }));
  const synthOf = (id: string) => JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack)) as Doc;
  const forced = synthOf('gcp-phase3-us-central1');
  expect(Object.values(forced.resource.google_sql_database_instance).map((i: any) => i.replication_cluster)).toEqual([{ failover_dr_replica_name: 'example-project:orders-p3-europe-west1' }]);
  expect(forced.data).toBeUndefined();
  // The DR path checks backups and PITR too (a switchover leaves PITR off).
  expect(firstWorkflow.main.steps.map((st: object) => Object.keys(st)[0])).toContain('enableBackups');
});

test('phase 3, 4 and 5 runbooks are rendered (phase 5: one per partition, and the overview)', () => {
  expect(Object.keys(runbooks).sort()).toEqual(['orders-p3-failover.md', 'orders-p4-failover.md', 'orders-p5-eu-failover.md', 'orders-p5-partitions.md', 'orders-p5-us-failover.md']);
  expect(runbooks['orders-p3-failover.md']).toMatchSnapshot();
  expect(runbooks['orders-p5-partitions.md']).toMatchSnapshot();
});

test('phase 5: the EU partition and the Spanner ledger keep every copy, record target, workflow and probe in the EU rule', () => {
  const eu = ['europe-west1', 'europe-west3', 'europe-west4', 'europe-north1'];
  const regionsOf = (doc: Doc) => [
    ...Object.values(doc.resource.google_sql_database_instance ?? {}).map((i: any) => i.region),
    ...Object.values(doc.resource.google_workflows_workflow ?? {}).map((w: any) => w.region),
    ...Object.values(doc.resource.google_compute_health_check ?? {}).flatMap((h: any) => h.source_regions),
    ...Object.values(doc.resource.google_dns_record_set ?? {}).flatMap((r: any) => [...(r.routing_policy.geo ?? []), ...(r.routing_policy.primary_backup?.backup_geo ?? [])].map((g: any) => g.location)),
  ];
  const found = STACKS.filter((s) => s.startsWith('gcp-phase5-eu-')).flatMap((s) => regionsOf(stacks[s]));
  expect(found.length).toBeGreaterThan(6);
  expect(found.filter((r) => !eu.includes(r))).toEqual([]);
  expect(Object.values(stacks['gcp-phase5-spanner'].resource.google_spanner_instance).map((i: any) => i.config)).toEqual(['eur3']);
});
