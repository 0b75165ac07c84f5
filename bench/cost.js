#!/usr/bin/env node
/**
 * The cost estimator's time over all example outputs (cdk.out + cdktf.out,
 * made by `npm run synth`, which this runs when they are missing): module
 * load, the first (cold) estimate in a fresh process, and the median of RUNS
 * warm estimates. Target: under 1 s for all of them.
 */
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const RUNS = Number(process.env.COST_RUNS ?? 20);
const dirs = ['cdk.out', 'cdktf.out'].map((d) => path.join(root, d));
if (!dirs.every((d) => fs.existsSync(path.join(d, 'manifest.json')))) {
  console.log('cost bench: no cdk.out/cdktf.out, running npm run synth first');
  execSync('npm run synth', { cwd: root, stdio: 'inherit', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
}

let t0 = process.hrtime.bigint();
require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
const { estimateCost } = require('../lib/cost');
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

t0 = process.hrtime.bigint();
const first = estimateCost(dirs);
const coldMs = Number(process.hrtime.bigint() - t0) / 1e6;

const samples = [];
for (let i = 0; i < RUNS; i++) {
  t0 = process.hrtime.bigint();
  estimateCost(dirs);
  samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
const resources = first.stacks.reduce((a, s) => a + s.resources, 0);

console.log(`\nCost estimator over all example outputs (${first.stacks.length} stacks, ${resources} resources, ${first.lineItems.length} line items; node ${process.version})\n`);
console.log('| measurement | ms |');
console.log('|---|---:|');
console.log(`| load lib/cost (ts-node, transpile only) | ${loadMs.toFixed(0)} |`);
console.log(`| first estimate (cold) | ${coldMs.toFixed(1)} |`);
console.log(`| estimate, median of ${RUNS} warm runs | ${median.toFixed(1)} |`);
// The published build, in a fresh process, when `npm run build` has made it.
if (fs.existsSync(path.join(root, 'dist', 'cost', 'index.js'))) {
  const out = execSync(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(
    'const t0=process.hrtime.bigint();const c=require("./dist/cost");const t1=process.hrtime.bigint();c.estimateCost(["cdk.out","cdktf.out"]);const t2=process.hrtime.bigint();console.log(JSON.stringify([Number(t1-t0)/1e6,Number(t2-t1)/1e6]))',
  )}`, { cwd: root, encoding: 'utf8' });
  const [distLoad, distFirst] = JSON.parse(out);
  console.log(`| load dist/cost (fresh process) | ${distLoad.toFixed(0)} |`);
  console.log(`| first estimate from dist (fresh process) | ${distFirst.toFixed(1)} |`);
}
console.log(`target: under 1000 ms for all of them: ${coldMs < 1000 ? 'met' : 'NOT met'}`);
console.log(`BENCH_JSON ${JSON.stringify({ cost: { stacks: first.stacks.length, resources, loadMs, coldMs, medianMs: median, runs: RUNS } })}`);
