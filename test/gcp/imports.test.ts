/**
 * The Google provider's root index loads every resource (seconds, hundreds of
 * MB): lib/gcp imports resource modules by deep path only, and nothing under
 * lib/gcp imports aws-cdk-lib.
 */
import * as fs from 'fs';
import * as path from 'path';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const root = path.join(__dirname, '..', '..', 'lib', 'gcp');
const sources = files(root).map((f) => ({ file: path.relative(root, f), text: fs.readFileSync(f, 'utf8') }));
const specifiers = (text: string) => [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

test('lib/gcp has sources to check', () => {
  expect(sources.map((s) => s.file)).toEqual(expect.arrayContaining(['index.ts', 'primary-region.ts', 'failover-runbook.ts']));
});

test.each(sources.map((s) => [s.file, s.text]))('%s imports the Google provider by deep path only', (_file, text) => {
  for (const spec of specifiers(text)) {
    expect(spec).not.toMatch(/^@cdktf\/provider-google(\/lib)?\/?$/);
    expect(spec).not.toMatch(/^@cdktf\/provider-google-beta(\/lib)?\/?$/);
    if (spec.startsWith('@cdktf/provider-google')) expect(spec).toMatch(/^@cdktf\/provider-google\/lib\/[a-z0-9-]+$/);
  }
});

test.each(sources.map((s) => [s.file, s.text]))('%s does not import aws-cdk-lib', (_file, text) => {
  expect(specifiers(text).filter((s) => s.startsWith('aws-cdk-lib') || s.startsWith('../aws'))).toEqual([]);
});

test('the check catches a root import', () => {
  expect(specifiers("import { SqlDatabaseInstance } from '@cdktf/provider-google';")).toEqual(['@cdktf/provider-google']);
  expect('@cdktf/provider-google').toMatch(/^@cdktf\/provider-google(\/lib)?\/?$/);
});
