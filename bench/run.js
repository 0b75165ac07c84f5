#!/usr/bin/env node
/**
 * npm run bench — cold cost of synthesizing each example app in a fresh
 * process (wall time as the parent sees it, and the child's peak RSS), with
 * the floor: a process that only loads aws-cdk-lib. Then the router
 * benchmark (bench/router.js), the cost estimator's (bench/cost.js) and the
 * multiregion command's (bench/config.js) when present. Each measurement runs RUNS times
 * (default 3) and the median is printed. SYNTH_APPS=gcp/ (a comma-separated
 * list of prefixes of the app names, e.g. `gcp/,floor`) measures only those apps.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const RUNS = Number(process.env.RUNS ?? 3);
const root = path.join(__dirname, '..');

function measure(args) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [path.join(__dirname, 'synth-one.js'), ...args], {
      cwd: root, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' }, encoding: 'utf8',
    });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    samples.push({ wall, ...JSON.parse(out.trim().split('\n').pop()) });
  }
  const median = (key) => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { wallMs: median('wall'), peakRssMb: median('maxRssMb'), resources: samples[0].resources };
}

const only = (process.env.SYNTH_APPS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const wanted = (app) => only.length === 0 || only.some((prefix) => app.startsWith(prefix));
const rows = [];
const add = (app, args) => { if (wanted(app)) rows.push({ app, ...measure(args) }); };
add('floor: require(aws-cdk-lib)', ['floor-aws']);
add('floor: aws-cdk-lib + the service modules used', ['floor-aws-modules']);
const awsDir = path.join(root, 'examples', 'aws');
for (const file of fs.readdirSync(awsDir).filter((f) => /^phase-\d\.ts$/.test(f)).sort()) {
  add(`aws/${file}`, ['aws', path.join(awsDir, file)]);
}
const gcpDir = path.join(root, 'examples', 'gcp');
if (fs.existsSync(gcpDir)) {
  for (const file of fs.readdirSync(gcpDir).filter((f) => /^phase-\d\.ts$/.test(f)).sort()) {
    add(`gcp/${file}`, ['gcp', path.join(gcpDir, file)]);
  }
}

console.log(`\nSynth benchmark (median of ${RUNS} fresh processes; node ${process.version})\n`);
console.log('| app | wall ms | peak RSS MB | resources |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.app} | ${r.wallMs.toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${r.resources || ''} |`);
console.log(`BENCH_JSON ${JSON.stringify({ synth: rows })}`);

if (fs.existsSync(path.join(__dirname, 'router.js')) && process.env.SKIP_ROUTER !== '1') {
  execFileSync(process.execPath, [path.join(__dirname, 'router.js')], { cwd: root, stdio: 'inherit' });
}

if (fs.existsSync(path.join(__dirname, 'cost.js')) && process.env.SKIP_COST !== '1') {
  execFileSync(process.execPath, [path.join(__dirname, 'cost.js')], { cwd: root, stdio: 'inherit' });
}

if (fs.existsSync(path.join(__dirname, 'config.js')) && process.env.SKIP_CONFIG !== '1') {
  execFileSync(process.execPath, [path.join(__dirname, 'config.js')], { cwd: root, stdio: 'inherit' });
}
