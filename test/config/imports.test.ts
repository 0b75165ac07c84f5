/**
 * lib/config and lib/cli load no cloud library (the same rule as lib/cost):
 * `multiregion validate` starts fast, and a Google Cloud user never loads
 * aws-cdk-lib (nor an AWS user cdktf). Checked on the source and in a fresh
 * process.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

function specifiers(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => `${path.basename(dir)}/${f}: ${m[1]}`);
  });
}

const CLOUD = /: (aws-cdk-lib|cdktf|@cdktf\/|constructs|cdk-nag)|: \.\.\/(aws|gcp|router)/;

test('no file of lib/config or lib/cli imports aws-cdk-lib, cdktf, constructs or a cloud folder', () => {
  // lib/cli/synth.ts loads the file's cloud when `multiregion synth` runs: inside the function, never at the top.
  const all = [...specifiers(path.join(ROOT, 'lib', 'config')), ...specifiers(path.join(ROOT, 'lib', 'cli'))].filter((s) => !s.startsWith('cli/synth.ts: '));
  expect(all.length).toBeGreaterThan(20);
  expect(all.filter((s) => CLOUD.test(s))).toEqual([]);
});

test('lib/cli/synth.ts loads a cloud library only with require() inside a function', () => {
  const text = fs.readFileSync(path.join(ROOT, 'lib', 'cli', 'synth.ts'), 'utf8');
  const topLevel = [...text.matchAll(/^import .*from\s+['"]([^'"]+)['"]/gm)].map((m) => `cli/synth.ts: ${m[1]}`);
  expect(topLevel.filter((s) => CLOUD.test(s))).toEqual([]);
  const lazy = [...text.matchAll(/^\s+const .*= require\('([^']+)'\)/gm)].map((m) => m[1]);
  expect(lazy).toEqual(['aws-cdk-lib', '../aws/ladder-file', 'cdktf', '../gcp/ladder-file']);
});

test('loading lib/config and lib/cli in a fresh process loads neither aws-cdk-lib nor cdktf', () => {
  const script = "require('ts-node').register({ transpileOnly: true }); require('./lib/config'); require('./lib/cli/main');"
    + "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](aws-cdk-lib|cdktf|@cdktf|constructs)[\\\\/]/.test(k))))";
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
  const probe = "require('cdktf'); console.log(Object.keys(require.cache).some((k) => /node_modules[\\\\/]cdktf[\\\\/]/.test(k)))";
  // The check can fail: the same filter sees cdktf once it is loaded.
  expect(execFileSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()).toBe('true');
});
