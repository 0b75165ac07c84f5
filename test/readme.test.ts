/**
 * The README's TypeScript snippets must keep compiling against the library:
 * each ```ts block is rewritten to import from lib/ and type-checked.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const blocks = [...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has TypeScript snippets for AWS and Google Cloud', () => {
  expect(blocks.some((b) => b.includes("'multiregion-constructs/aws'"))).toBe(true);
  expect(blocks.some((b) => b.includes("'multiregion-constructs/gcp'"))).toBe(true);
});

test('every README snippet type-checks', () => {
  const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.readme-'));
  try {
    const files = blocks.map((code, i) => {
      const file = path.join(dir, `snippet-${i}.ts`);
      const rewritten = code.replace(/'multiregion-constructs(\/(aws|gcp|router))?'/g, (_m, sub) =>
        `'${path.relative(dir, path.join(ROOT, 'lib', sub ? sub.slice(1) : 'core')).split(path.sep).join('/')}'`);
      fs.writeFileSync(file, `export {};\n${rewritten}`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true,
      skipLibCheck: true, noEmit: true, types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('what the README promises matches the package (issue 18 items 4 and 10)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };

  test('the first section installs the package, listing every peer dependency with its range', () => {
    const install = readme.split(/^## /m)[1];
    expect(install.startsWith('Install')).toBe(true);
    expect(install).toContain('npm install multiregion-constructs aws-cdk-lib constructs');
    expect(install).toContain('npm install multiregion-constructs cdktf @cdktf/provider-google constructs');
    for (const [name, range] of Object.entries(pkg.peerDependencies)) expect(install).toContain(`\`${name}\` ${range}`);
    expect(install).toMatch(/TypeScript\*\* 5\.x/);
  });

  test('the Google Cloud snippet makes the replica stack depend on the primary stack', () => {
    const gcp = blocks.find((b) => b.includes("'multiregion-constructs/gcp'"))!;
    expect(gcp).toMatch(/replicaStack\.addDependency\(primaryStack\)/);
  });

  test('methods are documented with their required arguments', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const aws = require('../lib/aws');
    const bullets = readme.split(/^- \*\*`/m).slice(1).map((b) => ({ construct: b.slice(0, b.indexOf('`')), text: b }));
    const mentions = bullets.flatMap(({ construct, text }) => [...text.matchAll(/`(metric\w+)\(([^)]*)\)`/g)]
      .map((m) => ({ construct, method: m[1], args: m[2].split(',').map((a) => a.trim()).filter(Boolean).length })));
    expect(mentions.length).toBeGreaterThanOrEqual(4);
    const wrong = mentions.filter(({ construct, method, args }) => {
      const fn = aws[construct]?.prototype?.[method] as ((...a: unknown[]) => unknown) | undefined;
      return !fn || args < fn.length; // Function.length: parameters before the first one with a default
    });
    expect(wrong).toEqual([]);
  });
});
