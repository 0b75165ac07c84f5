/**
 * lib/cost reads JSON: it imports no cloud or construct library, so the CLI
 * and the `/cost` entry point load cheaply. Checked on the source and by
 * loading it in a fresh process.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const DIR = path.join(__dirname, '..', '..', 'lib', 'cost');

test('no file of lib/cost imports aws-cdk-lib, cdktf, constructs or another cloud folder', () => {
  const offending = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const text = fs.readFileSync(path.join(DIR, f), 'utf8');
    return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1])
      .filter((m) => /^(aws-cdk-lib|cdktf|@cdktf\/|constructs|cdk-nag)|\.\.\/(aws|gcp|router)/.test(m)).map((m) => `${f}: ${m}`);
  });
  expect(offending).toEqual([]);
});

test('loading lib/cost in a fresh process loads neither aws-cdk-lib nor cdktf', () => {
  const script = "require('ts-node').register({ transpileOnly: true }); require('./lib/cost');"
    + "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](aws-cdk-lib|cdktf|@cdktf|constructs)[\\\\/]/.test(k))))";
  const out = execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([]);
  const probe = "require('aws-cdk-lib');"
    + "console.log(Object.keys(require.cache).some((k) => /node_modules[\\\\/]aws-cdk-lib[\\\\/]/.test(k)))";
  // The check can fail: the same filter sees aws-cdk-lib once it is loaded.
  expect(execFileSync(process.execPath, ['-e', probe], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' }).trim().split('\n').pop()).toBe('true');
});
