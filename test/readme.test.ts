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
