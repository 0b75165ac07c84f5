/**
 * The examples' Terraform state: every stack in a GCS bucket under its own
 * prefix, the bootstrap bucket's own state local (a relative path) until it
 * is migrated, no absolute machine path anywhere in what `npm run synth`
 * writes, and stale stack folders removed only when nothing but synth output
 * is in them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthGcpExamples } from '../../examples/gcp/main';
import { readGcpExampleConfig } from '../../examples/gcp/config';

const CHECKOUT = path.resolve(__dirname, '..', '..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function stackJson(outdir: string, id: string): any {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8'));
}

describe('npm run synth output', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-synth-'));
  // Left over from an earlier synth: a removed stack (only synth output), and one holding local state.
  for (const [dir, file] of [['gcp-old-router', 'cdk.tf.json'], ['gcp-old-primary', 'terraform.tfstate']]) {
    fs.mkdirSync(path.join(outdir, 'stacks', dir), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'stacks', dir, file), '{}');
  }
  fs.mkdirSync(path.join(outdir, 'runbooks'), { recursive: true });
  fs.writeFileSync(path.join(outdir, 'runbooks', 'orders-old-failover.md'), '# old');
  fs.mkdirSync(path.join(outdir, 'router'), { recursive: true });
  fs.writeFileSync(path.join(outdir, 'router', 'gcp-old-partitions.json'), '{}');
  const report = synthGcpExamples(outdir, readGcpExampleConfig({}));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('no file holds an absolute path of this machine (the checkout, the output directory, the home directory)', () => {
    const all = files(outdir);
    expect(all.length).toBeGreaterThan(12);
    const leaks = all.filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return [CHECKOUT, outdir, os.homedir()].some((p) => text.includes(p));
    });
    expect(leaks.map((f) => path.relative(outdir, f))).toEqual([]);
  });

  test('every stack keeps its state in the bucket under its own prefix; the bootstrap stack locally, by a relative path', () => {
    const ids = fs.readdirSync(path.join(outdir, 'stacks')).filter((d) => !d.startsWith('gcp-old-'));
    expect(ids).toHaveLength(32); // 26, and the application in each region's 6 (issue 22)
    for (const id of ids) {
      const backend = stackJson(outdir, id).terraform.backend;
      expect([id, backend]).toEqual([id, id === 'gcp-state' ? { local: { path: 'terraform.tfstate' } } : { gcs: { bucket: 'example-project-tfstate', prefix: id } }]);
    }
  });

  test('after migrating the bootstrap state (GCP_STATE_SELF_HOSTED=true) the bucket holds its own state too', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-synth-'));
    try {
      synthGcpExamples(other, readGcpExampleConfig({ GCP_STATE_SELF_HOSTED: 'true', GCP_STATE_BUCKET: 'acme-tfstate', GCP_STATE_BUCKET_LOCATION: 'NAM4' }));
      expect(stackJson(other, 'gcp-state').terraform.backend).toEqual({ gcs: { bucket: 'acme-tfstate', prefix: 'gcp-state' } });
      expect(stackJson(other, 'gcp-state').resource.google_storage_bucket.StateBucket_3A0A90D0).toMatchObject({ name: 'acme-tfstate', location: 'NAM4' });
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test('stale folders it owns are removed; one holding Terraform state is kept and reported', () => {
    expect(report.removed).toEqual([path.join('stacks', 'gcp-old-router'), path.join('runbooks', 'orders-old-failover.md'), path.join('router', 'gcp-old-partitions.json')]);
    expect(report.kept).toEqual([{ dir: path.join('stacks', 'gcp-old-primary'), because: ['terraform.tfstate'] }]);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'gcp-old-router'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'gcp-old-primary', 'terraform.tfstate'))).toBe(true);
    expect(fs.readdirSync(path.join(outdir, 'runbooks')).sort()).toEqual([
      'orders-p3-failover.md', 'orders-p4-failover.md', 'orders-p5-eu-failover.md', 'orders-p5-partitions.md', 'orders-p5-us-failover.md',
    ]);
    expect(fs.readdirSync(path.join(outdir, 'router'))).toEqual(['gcp-phase5-partitions.json']);
  });

  test('phase 5: the router\'s partition map is written next to the stacks, ready for multiregion-router --partitions', () => {
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'router', 'gcp-phase5-partitions.json'), 'utf8'))).toEqual({
      eu: { write: 'https://write.eu.p5.example.com', read: ['https://read.eu.p5.example.com'] },
      us: { write: 'https://write.us.p5.example.com', read: ['https://read.us.p5.example.com'] },
    });
    expect(fs.readFileSync(path.join(outdir, 'runbooks', 'orders-p5-partitions.md'), 'utf8')).toContain('| europe-west1 | eu | — | eu | — | us |');
  });

  test('the runbooks say where the state is', () => {
    const md = fs.readFileSync(path.join(outdir, 'runbooks', 'orders-p3-failover.md'), 'utf8');
    expect(md).toContain('| Terraform state of gcp-phase3-runbook (runbook) | `gs://example-project-tfstate/gcp-phase3-runbook/default.tfstate (US, multi-region)` |');
    expect(md).toContain('### While us-central1 is lost');
  });
});
