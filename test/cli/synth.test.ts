/**
 * `multiregion synth FILE [--out DIR]` as a process (the compiled bin, plain
 * node): the stacks of the file's cloud and its runbooks, the same as the
 * examples build in code; progress lines; every refusal with exit code 1.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App as TfApp } from 'cdktf';
import { stringify } from 'yaml';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { LadderDeployment as AwsLadder } from '../../lib/aws';
import { LadderDeployment } from '../../lib/gcp';
import { contextFile } from '../aws/helpers';
import { aws3, withChanges } from '../config/helpers';
import { multiregion, ROOT } from './binary';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-synth-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** Synth of a whole deployment on a shared 2-core machine: a minute, not the 30 s of the other commands. */
const SLOW = 120_000;

test('AWS: CloudFormation templates in --out, the code-built phase-2 example template for template', () => {
  const out = path.join(tmp, 'aws2');
  const r = multiregion(['synth', 'examples/config/aws/phase-2.yaml', '--out', out], ROOT, SLOW);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^examples/config/aws/phase-2\\.yaml: 2 stacks \\(CloudFormation\\) in ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, \\d+\\.\\d s\\n`));
  expect(r.stdout).toContain(`  Phase2-us-east-1  ${path.join(out, 'Phase2-us-east-1.template.json')}\n`);
  const app = new App({ context: { ...contextFile(), originRegion: 'us-east-1' } });
  buildPhase2(app);
  for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
    const written = JSON.parse(fs.readFileSync(path.join(out, `${stack.stackName}.template.json`), 'utf8'));
    expect({ stack: stack.stackName, template: written }).toEqual({ stack: stack.stackName, template: Template.fromStack(stack).toJSON() });
  }
  // No path of this machine in cdk.out (no stack traces).
  expect(fs.readFileSync(path.join(out, 'Phase2-us-east-1.metadata.json'), 'utf8')).not.toContain(ROOT);
}, SLOW);

test('Google Cloud: Terraform JSON per stack in cdktf.out and the runbook, with a progress line per stack', () => {
  const cwd = path.join(tmp, 'gcp-cwd');
  fs.mkdirSync(cwd);
  const file = path.join(ROOT, 'examples', 'config', 'gcp', 'phase-3.yaml');
  const r = multiregion(['synth', file, '--progress'], cwd, SLOW);
  expect(r.status).toBe(0);
  const names = ['gcp-phase3-network', 'gcp-phase3-us-central1', 'gcp-phase3-europe-west1', 'gcp-phase3-router', 'gcp-phase3-runbook'];
  expect(r.stderr.split('\n').filter((l) => l.startsWith('['))).toEqual(names.map((n, i) => expect.stringMatching(new RegExp(`^\\[${i + 1}/5\\] ${n}: \\d+ resources → cdktf\\.out/stacks/${n}/cdk\\.tf\\.json$`))));
  expect(r.stdout).toContain('runbooks:\n  cdktf.out/runbooks/orders-p3-failover.md\n');
  // What the library builds from the file in this process.
  const inProcess = path.join(tmp, 'gcp-in-process');
  const app = new TfApp({ outdir: inProcess, stackTraces: false });
  const built = LadderDeployment.fromFile(app, file);
  app.synth();
  for (const stack of built.stacks) {
    const at = (dir: string) => fs.readFileSync(path.join(dir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8');
    expect({ stack: stack.node.id, json: at(path.join(cwd, 'cdktf.out')) }).toEqual({ stack: stack.node.id, json: at(inProcess) });
  }
  expect(fs.readFileSync(path.join(cwd, 'cdktf.out', 'runbooks', 'orders-p3-failover.md'), 'utf8')).toBe(built.runbooks['orders-p3-failover.md']);
}, SLOW);

test('an invalid file: every error at its line and column, exit 1, nothing written', () => {
  const file = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(file, stringify(withChanges(aws3(), { account: '12', routing: undefined })));
  const out = path.join(tmp, 'bad-out');
  const r = multiregion(['synth', file, '--out', out]);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/bad\.yaml:4:10 error account '12' is not 12 digits/);
  expect(r.stderr).toMatch(/bad\.yaml: 2 errors, 0 warnings: nothing synthesized until the errors are fixed\n$/);
  expect(fs.existsSync(out)).toBe(false);
});

test('an AWS phase-5 file: each partition\'s stacks, its runbook and the overview, as LadderDeployment.fromFile builds them', () => {
  const out = path.join(tmp, 'p5');
  const file = 'test/cli/fixtures/aws-phase5.yaml';
  const r = multiregion(['synth', file, '--out', out, '--no-progress'], ROOT, SLOW);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const names = ['orders-eu-eu-west-1', 'orders-eu-eu-central-1', 'orders-eu-Routing', 'orders-us-us-east-1', 'orders-us-us-west-2', 'orders-us-Routing'];
  expect(r.stdout).toMatch(/^test\/cli\/fixtures\/aws-phase5\.yaml: 6 stacks \(CloudFormation\)/);
  for (const n of names) expect(r.stdout).toContain(`  ${n}  ${path.join(out, `${n}.template.json`)}\n`);
  expect(r.stdout).toContain(`runbooks:\n${['orders-eu-global.md', 'orders-partitions.md', 'orders-us-global.md'].map((f) => `  ${path.join(out, 'runbooks', f)}\n`).join('')}`);
  // Template for template what the library builds from the file in this process (cdk.json's context, no -c).
  const app = new App({ context: { ...contextFile(), originRegion: 'us-east-1' } });
  const built = AwsLadder.fromFile(app, path.join(ROOT, file));
  expect(built.stacks.map((s) => s.stackName)).toEqual(names);
  for (const stack of built.stacks) {
    const written = JSON.parse(fs.readFileSync(path.join(out, `${stack.stackName}.template.json`), 'utf8'));
    expect({ stack: stack.stackName, template: written }).toEqual({ stack: stack.stackName, template: Template.fromStack(stack).toJSON() });
  }
  expect(fs.existsSync(path.join(out, 'router', 'orders-partitions.json'))).toBe(true);
}, SLOW);

test('AWS zones that need a lookup in the account: exit 1 naming the fix, not a template with dummy zones', () => {
  const cwd = path.join(tmp, 'no-context');
  fs.mkdirSync(cwd);
  const file = path.join(cwd, 'multiregion.yaml');
  fs.writeFileSync(file, stringify(withChanges(aws3(), { phase: 2, routing: undefined, objectives: undefined })));
  const r = multiregion(['synth', file, '--no-progress'], cwd, SLOW);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/error synth needs a lookup in your account \(availability-zones:account=123456789012:region=us-east-1\): give the region's zones in the file \(regions\[\]\.availabilityZones\) or run `cdk synth` once with credentials/);
  expect(r.stderr).toMatch(/: \d errors at synth: do not deploy cdk\.out\n$/);
}, SLOW);

test('usage errors exit 2: no file, two files', () => {
  expect(multiregion(['synth']).status).toBe(2);
  const two = multiregion(['synth', 'examples/config/aws/phase-1.yaml', 'examples/config/aws/phase-2.yaml']);
  expect(two.status).toBe(2);
  expect(two.stderr).toContain('multiregion synth: give exactly one FILE (got 2)');
});
