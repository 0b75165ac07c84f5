/**
 * The examples can be applied in one project without collisions, and their
 * placeholders cannot be applied by accident: one list of values to replace,
 * GCP_FOR_REAL=true refuses any left at synth, and every stack carries a
 * Terraform precondition that fails the plan while the project is the placeholder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { buildGcpExamples } from '../../examples/gcp/main';
import { GCP_EXAMPLE_PLACEHOLDERS, readGcpExampleConfig } from '../../examples/gcp/config';
import { PlaceholderGuard } from '../../lib/gcp';
import { errorOf } from './helpers';

type Doc = { resource: Record<string, Record<string, any>>; locals?: Record<string, unknown> };

function synthAll(env: NodeJS.ProcessEnv = {}): Record<string, Doc> {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-ex-')) });
  buildGcpExamples(app, readGcpExampleConfig(env));
  const out: Record<string, Doc> = {};
  for (const c of app.node.children) if (c instanceof TerraformStack) out[c.node.id] = JSON.parse(Testing.synth(c, true)) as Doc;
  return out;
}

const REAL = {
  GCP_PROJECT: 'acme-orders-prod', GCP_DNS_ZONE: 'acme-zone', GCP_DNS_NAME: 'acme.example.', GCP_NOTIFICATION_CHANNEL: 'projects/acme-orders-prod/notificationChannels/42',
  GCP_ENDPOINTS: 'us-central1=198.51.100.7,europe-west1=198.51.100.8', GCP_STATE_BUCKET: 'acme-orders-tfstate',
};

const stacks = synthAll();

describe('every phase can be applied in one project: no two stacks create the same named resource', () => {
  /** The name each resource type must have unique within a project (or zone, or region). */
  const identity: Record<string, (b: any) => string> = {
    google_sql_database_instance: (b) => b.name,
    google_compute_network: (b) => b.name,
    google_compute_global_address: (b) => b.name,
    google_compute_health_check: (b) => b.name,
    google_dns_record_set: (b) => `${b.managed_zone}/${b.name}/${b.type}`,
    google_service_account: (b) => b.account_id,
    google_workflows_workflow: (b) => `${b.region}/${b.name}`,
  };

  test('phases 3 and 4 have their own record names', () => {
    const names = (id: string) => Object.values(stacks[id].resource.google_dns_record_set).map((r: any) => r.name).sort();
    expect(names('gcp-phase3-router')).toEqual(['write.p3.example.com.']);
    expect(names('gcp-phase4-router')).toEqual(['read.p4.example.com.', 'write.p4.example.com.']);
  });

  test.each(Object.keys(identity))('%s', (type) => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const [stack, doc] of Object.entries(stacks)) {
      for (const body of Object.values(doc.resource[type] ?? {})) {
        const key = identity[type](body);
        if (seen.has(key)) duplicates.push(`${key} in ${seen.get(key)} and ${stack}`);
        seen.set(key, stack);
      }
    }
    expect(seen.size).toBeGreaterThan(0);
    expect(duplicates).toEqual([]);
  });
});

describe('placeholders', () => {
  test('one list of the values to replace, each with its environment variable', () => {
    expect(Object.values(GCP_EXAMPLE_PLACEHOLDERS).map((p) => p.env)).toEqual([
      'GCP_PROJECT', 'GCP_DNS_ZONE', 'GCP_DNS_NAME', 'GCP_ENDPOINTS', 'GCP_NOTIFICATION_CHANNEL', 'GCP_STATE_BUCKET',
    ]);
  });

  test('no notification channel that does not exist: alerts have none until GCP_NOTIFICATION_CHANNEL is set', () => {
    const alerts = Object.values(stacks).flatMap((d) => Object.values(d.resource.google_monitoring_alert_policy ?? {}));
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.notification_channels).toEqual([]);
  });

  test('GCP_FOR_REAL=true refuses every placeholder still in use, at synth', () => {
    const message = errorOf(() => readGcpExampleConfig({ GCP_FOR_REAL: 'true' }));
    expect(message).toContain('6 configuration problems');
    expect(message).toContain('GCP_STATE_BUCKET is the placeholder "example-project-tfstate"');
    expect(message).toContain("GcpExampleConfig 'examples/gcp/config.ts': GCP_PROJECT is the placeholder \"example-project\", but GCP_FOR_REAL is true; set GCP_PROJECT to your project id");
    expect(message).toContain('GCP_ENDPOINTS is the placeholder "203.0.113.x for us-central1, europe-west1"');
    expect(message).toContain('GCP_NOTIFICATION_CHANNEL is the placeholder "none"');
    expect(errorOf(() => readGcpExampleConfig({ ...REAL, GCP_PROJECT: undefined, GCP_FOR_REAL: 'true' }))).toMatch(/^GcpExampleConfig 'examples\/gcp\/config.ts': GCP_PROJECT is the placeholder/);
    expect(() => readGcpExampleConfig({ ...REAL, GCP_FOR_REAL: 'true' })).not.toThrow();
  });

  test('every stack fails terraform plan while the project is the placeholder (a precondition on a terraform_data guard)', () => {
    for (const [name, doc] of Object.entries(stacks)) {
      const guards = Object.values(doc.resource.terraform_data ?? {});
      expect([name, guards.length]).toEqual([name, 1]);
      const conditions = guards[0].lifecycle.precondition.map((p: any) => p.condition.replace(/local\.[A-Za-z0-9_]+\./, 'local.X.'));
      expect(conditions).toEqual(name.endsWith('-router')
        ? ['${local.X.project != "example-project"}', '${local.X.dns_zone != "example-zone"}', '${local.X.dns_name != "example.com."}']
        : ['${local.X.project != "example-project"}']);
    }
  });

  test('PlaceholderGuard bad input', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    expect(errorOf(() => new PlaceholderGuard(stack, 'G', { values: { 'dns-zone': { value: 'a', placeholder: 'b' } } }))).toBe(
      "PlaceholderGuard 'S/G': values has the name 'dns-zone', which is not a Terraform attribute name; use lowercase letters, digits and underscores, starting with a letter");
  });
});

/**
 * Measured with the real Terraform CLI when it is installed (terraform_data is
 * built in: no provider download, no network): the guard and an unrelated
 * resource, taken from a synthesized example stack.
 */
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
const haveTerraform = terraform.status === 0;
(haveTerraform ? describe : describe.skip)(`real Terraform (${haveTerraform ? terraform.stdout.split('\n')[0] : 'not installed: skipped'})`, () => {
  function applyGuardOf(doc: Doc): { status: number | null; output: string; state: any } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-guard-'));
    try {
      const config = {
        locals: doc.locals,
        resource: { terraform_data: { ...doc.resource.terraform_data, unrelated: { input: 'created only if the plan passes' } } },
      };
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
      fs.writeFileSync(path.join(dir, 'cli.tfrc'), '');
      const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'cli.tfrc') };
      const run = (args: string[]) => spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
      const init = run(['init', '-input=false', '-no-color']);
      if (init.status !== 0) throw new Error(init.stdout + init.stderr);
      const apply = run(['apply', '-auto-approve', '-input=false', '-no-color']);
      const statePath = path.join(dir, 'terraform.tfstate');
      const state = fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, 'utf8')) : undefined;
      return { status: apply.status, output: (apply.stdout + apply.stderr).replace(/\s+/g, ' '), state };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the placeholder project: the plan fails and nothing is created', () => {
    const r = applyGuardOf(stacks['gcp-phase3-runbook']);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('Resource precondition failed');
    expect(r.output).toContain('project is still the placeholder "example-project": set GCP_PROJECT to your project id');
    expect(r.state?.resources ?? []).toEqual([]);
  }, 120_000);

  test('a real project: the plan passes and applies', () => {
    const real = synthAll({ GCP_PROJECT: 'acme-orders-prod', GCP_DNS_ZONE: 'acme-zone', GCP_DNS_NAME: 'acme.example.' });
    const r = applyGuardOf(real['gcp-phase3-router']);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('Apply complete! Resources: 2 added')]);
  }, 120_000);
});
