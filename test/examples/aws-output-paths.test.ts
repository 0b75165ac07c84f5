/**
 * Issue 15: nothing `npm run synth` writes for AWS holds a path of the machine
 * that ran it. The app is synthesized the way the CDK CLI runs it: the app's own
 * context (stack traces off), cdk.json's and cdk.context.json, into a fresh output folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExamples, NO_STACK_TRACES } from '../../examples/aws/app';
import { contextFile } from '../aws/helpers';

const CHECKOUT = path.resolve(__dirname, '..', '..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function synthInto(outdir: string, context: Record<string, unknown>): void {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(CHECKOUT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ outdir, context: { ...NO_STACK_TRACES, ...cdkJson.context, ...contextFile(), ...context } });
  buildExamples(app);
  app.synth();
}

describe('cdk.out of the examples', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-synth-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('no file holds the checkout, the output folder or the home directory', () => {
    // Phase 4 has every kind of construct (VPC acknowledgements, nag suppressions, the edge bundle).
    synthInto(outdir, { phase: '4' });
    const all = files(outdir);
    expect(all.filter((f) => f.endsWith('.template.json')).length).toBeGreaterThanOrEqual(3);
    const leaks = all.filter((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return [CHECKOUT, outdir, os.homedir()].some((p) => text.includes(p));
    }).map((f) => path.relative(outdir, f));
    expect(leaks).toEqual([]);
  });

  test('cdk.json holds no reserved aws: context key (the CDK CLI warns about them)', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(CHECKOUT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
    expect(Object.keys(cdkJson.context).filter((k) => k.startsWith('aws:'))).toEqual([]);
  });

  test('the check can fail: without the app\'s settings the metadata holds stack traces with this checkout', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-synth-'));
    try {
      const app = new App({ outdir: other, context: { ...contextFile(), phase: '1' } });
      buildExamples(app);
      app.synth();
      const leaking = files(other).filter((f) => fs.readFileSync(f, 'utf8').includes(CHECKOUT));
      expect(leaking.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
