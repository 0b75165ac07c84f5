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
} else if (kind === 'floor-aws-modules') {
  // aws-cdk-lib loads its service modules lazily: this is the floor the
  // examples really pay, every module they touch loaded and nothing built.
  for (const m of ['core', 'aws-ec2', 'aws-rds', 'aws-kms', 'aws-secretsmanager', 'aws-iam', 'aws-cloudwatch',
    'aws-route53', 'aws-cloudfront', 'aws-lambda', 'aws-stepfunctions', 'aws-arcregionswitch', 'aws-wafv2', 'aws-dsql']) {
    require(`aws-cdk-lib/${m === 'core' ? '' : m}`.replace(/\/$/, ''));
  }
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
  const { readGcpExampleConfig } = require(path.resolve(path.dirname(file), 'config.ts'));
  const app = new App({ outdir });
  build(app, readGcpExampleConfig());
  app.synth();
  for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    for (const byName of Object.values(tf.resource ?? {})) resources += Object.keys(byName).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
} else {
  throw new Error(`unknown kind ${kind}`);
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, resources }) + '\n');
