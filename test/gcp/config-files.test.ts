/**
 * The Google Cloud examples built from their configuration files
 * (examples/config/gcp/phase-N.yaml, LadderDeployment.fromFile) are the
 * code-built examples (examples/gcp/main.ts), stack for stack — phases 1–4
 * and both halves of phase 5 (GCP_PARTITIONS' partitions, the Spanner
 * ledger); the GCP_* variables override a file as they override the
 * examples' defaults; and fromFile's refusals.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { stringify } from 'yaml';
import { LadderDeployment } from '../../lib/gcp';
import { buildGcpExamples, buildGcpFromFile, gcpConfigFile } from '../../examples/gcp/main';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { Doc, gcp3, withChanges } from '../config/helpers';
import { errorOf } from '../error-of';

const ROOT = path.join(__dirname, '..', '..');
const FILES = path.join(ROOT, 'examples', 'config', 'gcp');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-gcp-file-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Env = Record<string, string>;

function stacksOf(app: App): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) out[child.node.id] = JSON.parse(Testing.synth(child, true));
  }
  return out;
}

function codeBuilt(env: Env = {}): Record<string, unknown> {
  const app = new App({ outdir: path.join(tmp, 'code'), stackTraces: false });
  buildGcpExamples(app, readGcpExampleConfig(env));
  return stacksOf(app);
}

function fileBuilt(file: string, env: Env = {}): { stacks: Record<string, unknown>; runbooks: string[] } {
  const app = new App({ outdir: path.join(tmp, 'file'), stackTraces: false });
  const { built } = buildGcpFromFile(app, file, env);
  return { stacks: stacksOf(app), runbooks: Object.keys(built.runbooks).sort() };
}

function fileOf(doc: Doc, name = 'multiregion.yaml'): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

let code: Record<string, unknown>;
beforeAll(() => {
  code = codeBuilt();
});

test.each([
  ['phase-1.yaml', ['gcp-phase1-network', 'gcp-phase1-us-central1'], []],
  ['phase-2.yaml', ['gcp-phase2-network', 'gcp-phase2-us-central1', 'gcp-phase2-europe-west1'], []],
  ['phase-3.yaml', ['gcp-phase3-network', 'gcp-phase3-us-central1', 'gcp-phase3-europe-west1', 'gcp-phase3-router', 'gcp-phase3-runbook'], ['orders-p3-failover.md']],
  ['phase-4.yaml', ['gcp-phase4-network', 'gcp-phase4-us-central1', 'gcp-phase4-europe-west1', 'gcp-phase4-router', 'gcp-phase4-runbook'], ['orders-p4-failover.md']],
  ['phase-5.yaml', [
    'gcp-phase5-network', 'gcp-phase5-eu-europe-west1', 'gcp-phase5-eu-europe-west4', 'gcp-phase5-eu-router', 'gcp-phase5-eu-runbook',
    'gcp-phase5-us-us-central1', 'gcp-phase5-us-us-east1', 'gcp-phase5-us-router', 'gcp-phase5-us-runbook',
  ], ['orders-p5-eu-failover.md', 'orders-p5-partitions.md', 'orders-p5-us-failover.md']],
  ['phase-5-active-active.yaml', ['gcp-phase5-spanner'], []],
])('examples/config/gcp/%s builds the code-built example stacks, each the same Terraform JSON', (file, names, runbooks) => {
  const built = fileBuilt(path.join(FILES, file));
  expect(Object.keys(built.stacks)).toEqual(names);
  for (const name of names) expect({ name, json: built.stacks[name] }).toEqual({ name, json: code[name] });
  expect(built.runbooks).toEqual(runbooks);
});

test('the GCP_* variables override the file as they override the defaults: a role swap', () => {
  const env = { GCP_PRIMARY_REGION: 'europe-west1', GCP_REPLICA_REGIONS: 'us-central1', GCP_PROJECT: 'acme-orders' };
  const swapped = codeBuilt(env);
  const built = fileBuilt(path.join(FILES, 'phase-3.yaml'), env);
  const names = ['gcp-phase3-network', 'gcp-phase3-europe-west1', 'gcp-phase3-us-central1', 'gcp-phase3-router', 'gcp-phase3-runbook'];
  expect(Object.keys(built.stacks)).toEqual(names);
  // Every stack but the router's and the runbook's (it names the addresses): the code-built examples number their documentation addresses by role
  // (a swap swaps them), the file gives each region its own, which a swap keeps.
  for (const name of names.filter((n) => n !== 'gcp-phase3-router' && n !== 'gcp-phase3-runbook')) expect({ name, json: built.stacks[name] }).toEqual({ name, json: swapped[name] });
  const write = Object.values((built.stacks['gcp-phase3-router'] as any).resource.google_dns_record_set as Record<string, any>)
    .find((r) => r.name.startsWith('write.'))!.routing_policy.primary_backup;
  expect([write.primary.external_endpoints, write.backup_geo.map((g: any) => [g.location, g.health_checked_targets.external_endpoints])])
    .toEqual([['203.0.113.11'], [['us-central1', ['203.0.113.10']]]]);
  // The origin (us-central1) keeps the bare instance name in its own stack: nothing is replaced.
  const instances = (built.stacks['gcp-phase3-us-central1'] as { resource: Record<string, Record<string, { name: string }>> }).resource.google_sql_database_instance;
  expect(Object.values(instances).map((i) => i.name)).toEqual(['orders-p3']);
});

test('GCP_PARTITIONS overrides the partitions of a phase-5 file (a switchover inside a partition)', () => {
  const env = { GCP_PARTITIONS: 'eu=europe-west4+europe-west1,us=us-central1+us-east1' };
  const swapped = codeBuilt(env);
  const built = fileBuilt(path.join(FILES, 'phase-5.yaml'), env);
  for (const name of ['gcp-phase5-network', 'gcp-phase5-eu-europe-west1', 'gcp-phase5-eu-europe-west4', 'gcp-phase5-us-us-central1']) {
    expect({ name, json: built.stacks[name] }).toEqual({ name, json: swapped[name] });
  }
  // The router: europe-west4 now takes the writes, at the address the file gives it.
  const write = Object.values((built.stacks['gcp-phase5-eu-router'] as any).resource.google_dns_record_set as Record<string, any>)
    .find((r) => r.name.startsWith('write.'))!.routing_policy.primary_backup;
  expect(write.primary.external_endpoints).toEqual(['203.0.113.51']);
});

test('the file maps to the constructs: objectives, backups, lag alarm, health check, TTL, alert channels', () => {
  const app = new App({ outdir: path.join(tmp, 'map'), stackTraces: false });
  const built = LadderDeployment.fromFile(app, fileOf(withChanges(gcp3(), {
    stackPrefix: 'orders',
    database: { id: 'orders-db', backupRetention: '30d' },
    replication: { lagAlarm: '10s' },
    alerts: { notificationChannels: ['projects/my-project/notificationChannels/42'] },
    routing: { zone: 'example.com', managedZone: 'prod-zone', ttl: '60s', healthCheck: { interval: '60s', failureThreshold: 4, path: '/ready' } },
  })));
  expect(built.stacks.map((s) => s.node.id)).toEqual(['orders-network', 'orders-us-central1', 'orders-europe-west1', 'orders-router', 'orders-runbook']);
  const json = (i: number) => JSON.parse(Testing.synth(built.stacks[i], true));
  const primary = Object.values(json(1).resource.google_sql_database_instance)[0] as any;
  expect(primary.name).toBe('orders-db');
  expect(primary.settings.edition).toBe('ENTERPRISE_PLUS');
  expect(primary.settings.backup_configuration.backup_retention_settings.retained_backups).toBe(30);
  expect(built.ladder!.replicas[0].replicationLagAlarmThresholdSeconds).toBe(10);
  expect(Object.values(json(1).resource.google_monitoring_alert_policy).every((p: any) => JSON.stringify(p.notification_channels) === '["projects/my-project/notificationChannels/42"]')).toBe(true);
  const check = Object.values(json(3).resource.google_compute_health_check)[0] as any;
  expect([check.check_interval_sec, check.unhealthy_threshold, check.https_health_check.request_path]).toEqual([60, 4, '/ready']);
  expect(built.ladder!.router!.ttl).toBe(60);
});

test('an AWS file is refused, naming the AWS LadderDeployment', () => {
  const file = path.join(ROOT, 'examples', 'config', 'aws', 'phase-2.yaml');
  expect(errorOf(() => LadderDeployment.fromFile(new App(), file))).toMatch(/^LadderDeployment '.*phase-2\.yaml': cloud 'aws' is not built by the Google Cloud LadderDeployment; build it with LadderDeployment\.fromFile of 'multiregion-constructs\/aws'/);
});

test("phase 5: the write and read names must share the suffix after the partition", () => {
  const text = fs.readFileSync(path.join(FILES, 'phase-5.yaml'), 'utf8').replace('readName: read.p5', 'readName: read.other');
  const file = path.join(tmp, 'phase5-names.yaml');
  fs.writeFileSync(file, text);
  expect(errorOf(() => LadderDeployment.fromFile(new App({ outdir: path.join(tmp, 'p5') }), file))).toBe(
    `LadderDeployment '${file}': routing.readName 'read.other' and routing.writeName 'write.p5' end differently, but a partition's two hostnames share one suffix (write.<partition>.<suffix>, read.<partition>.<suffix>); give both the same labels after the first (write.p5 and read.p5)`,
  );
});

test('LadderDeployment refuses a standby outside the replicas and phase 3 without a zone', () => {
  const base = { project: 'my-project', name: 'orders', primaryRegion: 'us-central1', replicaRegions: ['europe-west1'] };
  expect(errorOf(() => new LadderDeployment(new App(), 'orders', { ...base, phase: 3, standbyRegion: 'asia-southeast1', zone: { name: 'z', dnsName: 'example.com.' }, endpoints: {} }))).toBe(
    "LadderDeployment 'orders': standbyRegion 'asia-southeast1' is not one of replicaRegions (['europe-west1']); choose the standby among the replica regions",
  );
  expect(errorOf(() => new LadderDeployment(new App(), 'orders', { ...base, phase: 3 }))).toBe(
    "LadderDeployment 'orders': phase 3 routes the writes through Cloud DNS, but zone is not set; give zone: { name: 'prod-zone', dnsName: 'example.com.' } and endpoints: { '<region>': '<ip>' } for the primary and the standby",
  );
});

test('main.ts reads -c config=path, then MULTIREGION_CONFIG', () => {
  expect(gcpConfigFile(['-c', 'config=a.yaml'], { MULTIREGION_CONFIG: 'b.yaml' })).toBe('a.yaml');
  expect(gcpConfigFile(['--context=config=a.yaml'], {})).toBe('a.yaml');
  expect(gcpConfigFile([], { MULTIREGION_CONFIG: 'b.yaml' })).toBe('b.yaml');
  expect(gcpConfigFile([], {})).toBeUndefined();
});
