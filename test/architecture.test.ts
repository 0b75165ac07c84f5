/**
 * The layering rules of ARCHITECTURE.md, checked on the source: core imports
 * no cloud library, aws/ never loads cdktf, gcp/ never loads aws-cdk-lib,
 * router/ loads no cloud SDK or construct library.
 */
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.join(__dirname, '..', 'lib');

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Module specifiers of every import/require/export-from in a file. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  const re = /(?:from\s+|require\(\s*|import\(\s*|import\s+)['"]([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) found.push(m[1]);
  return found;
}

function violations(folder: string, forbidden: RegExp): string[] {
  return sources(path.join(LIB, folder)).flatMap((file) =>
    imports(file).filter((m) => forbidden.test(m)).map((m) => `${path.relative(LIB, file)} imports ${m}`));
}

test('the import scanner sees imports (so the rules below can fail)', () => {
  expect(imports(path.join(LIB, 'aws', 'primary-region.ts'))).toEqual(expect.arrayContaining(['aws-cdk-lib', 'aws-cdk-lib/aws-rds', '../core']));
});

test('lib/core imports no cloud or construct library', () => {
  expect(violations('core', /^(aws-cdk-lib|cdktf|@cdktf\/|constructs|aws-sdk|@aws-sdk\/|\.\.\/(aws|gcp|router))/)).toEqual([]);
});

test('lib/aws never loads cdktf or the Google provider', () => {
  expect(violations('aws', /^(cdktf|@cdktf\/)|\.\.\/gcp/)).toEqual([]);
});

test('lib/gcp never loads aws-cdk-lib', () => {
  expect(violations('gcp', /^aws-cdk-lib|^cdk-nag|\.\.\/aws/)).toEqual([]);
});

test('lib/router loads no cloud library', () => {
  expect(violations('router', /^(aws-cdk-lib|cdktf|@cdktf\/|constructs|aws-sdk|@aws-sdk\/)|\.\.\/(aws|gcp)/)).toEqual([]);
});
