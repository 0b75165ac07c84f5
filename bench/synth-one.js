// Synthesizes one example app in this (fresh) process and prints its cost.
// Usage: node bench/synth-one.js aws <phase-file> | floor-aws
const t0 = process.hrtime.bigint();
const [kind, file] = process.argv.slice(2);
const fs = require('fs');
const os = require('os');
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });

let resources = 0;
if (kind === 'floor-aws') {
  require('aws-cdk-lib');
} else if (kind === 'aws') {
  const { App, Validations } = require('aws-cdk-lib');
  const { AwsSolutionsChecks } = require('cdk-nag');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-bench-'));
  const app = new App({ outdir, context: require('../cdk.context.json') });
  const mod = require(path.resolve(file));
  const build = Object.values(mod).find((v) => typeof v === 'function' && /^buildPhase/.test(v.name));
  build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  for (const stack of assembly.stacks) resources += Object.keys(stack.template.Resources ?? {}).length;
  fs.rmSync(outdir, { recursive: true, force: true });
} else if (kind === 'gcp') {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-bench-'));
  const mod = require(path.resolve(file));
  const build = Object.values(mod).find((v) => typeof v === 'function' && /^build/.test(v.name));
  const { App } = require('cdktf');
  const app = new App({ outdir });
  build(app);
  app.synth();
  fs.rmSync(outdir, { recursive: true, force: true });
} else {
  throw new Error(`unknown kind ${kind}`);
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, resources }) + '\n');
