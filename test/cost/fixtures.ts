/**
 * Small synthesized outputs written by hand: a cloud assembly (manifest.json
 * + templates) and a cdktf output (manifest.json + stacks/<name>/cdk.tf.json),
 * in temporary directories removed after each test file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];

/** A temporary directory, removed by {@link cleanup}. */
export function tmpDir(prefix = 'mrc-cost-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A cdk.out with one stack per entry: name → { region, resources }. */
export function cdkOut(stacks: Record<string, { region: string; resources: Resources }>): string {
  const dir = tmpDir('mrc-cdk-');
  const artifacts: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(stacks)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify({ Resources: s.resources }));
    artifacts[name] = { type: 'aws:cloudformation:stack', environment: `aws://111111111111/${s.region}`, properties: { templateFile: `${name}.template.json` }, displayName: name };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  return dir;
}

/** A cdktf.out with one stack per entry: name → { region (the provider's), resources: { type: { name: body } } }. */
export function cdktfOut(stacks: Record<string, { region: string; resources: Record<string, Record<string, Record<string, unknown>>> }>): string {
  const dir = tmpDir('mrc-cdktf-');
  const manifest: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify({ provider: { google: [{ project: 'p', region: s.region }] }, resource: s.resources }));
    manifest[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
  return dir;
}

/** Writes `text` to a file in a temporary directory; returns its path. */
export function file(name: string, text: string): string {
  const f = path.join(tmpDir(), name);
  fs.writeFileSync(f, text);
  return f;
}

/** An Aurora PostgreSQL cluster with `instances` writers/readers of `cls` (logical ids Cluster, I1, I2, …). */
export function auroraCluster(cls: string, instances: number, cluster: Record<string, unknown> = {}): Resources {
  const r: Resources = {
    Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', MasterUsername: 'admin', BackupRetentionPeriod: 7, ...cluster } },
  };
  for (let i = 1; i <= instances; i++) {
    r[`I${i}`] = { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'aurora-postgresql', DBInstanceClass: cls, DBClusterIdentifier: { Ref: 'Cluster' } } };
  }
  return r;
}
