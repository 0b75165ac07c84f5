#!/usr/bin/env node
/**
 * The `multiregion` command as editors and CI hooks call it: a fresh process
 * of the published build (dist/, made by `npm run build` when missing) per
 * run, wall time as the parent sees it, median of CONFIG_RUNS (default 10).
 * Files: a 20-region configuration (phase 5, 10 geo-partitions: the most
 * regions a valid file can list, since Aurora and Cloud SQL allow 10
 * secondaries per database), an 11-region phase-4 file, and the bad inputs
 * that must be refused quickly (an alias bomb, a 2 MB file, absurd nesting).
 * Target: `validate` of the 20-region file under 300 ms. Also `synth` of one
 * AWS and one Google Cloud example file (median of SYNTH_RUNS, default 3:
 * seconds, not milliseconds).
 */
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const RUNS = Number(process.env.CONFIG_RUNS ?? 10);
const SYNTH_RUNS = Number(process.env.SYNTH_RUNS ?? 3);
const bin = path.join(root, 'dist', 'cli', 'main.js');
if (!fs.existsSync(bin)) {
  console.log('config bench: no dist/, running npm run build first');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

const HOMES = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1', 'sa-east-1', 'ca-central-1', 'ap-south-1', 'eu-north-1'];
const COPIES = ['us-east-2', 'us-west-1', 'eu-west-2', 'eu-west-3', 'ap-southeast-2', 'ap-northeast-2', 'eu-south-1', 'ca-west-1', 'ap-south-2', 'eu-central-2'];

function twentyRegions() {
  const lines = [
    'apiVersion: multiregion/v1', 'name: orders', 'cloud: aws', "account: '123456789012'", 'phase: 5', 'mode: geo-partitioned',
    'routing: { zone: example.com, hostedZoneId: Z0123456789ABCDEFGHIJ }', 'regions:',
    ...HOMES.flatMap((r, i) => [`  - name: ${r}`, '    role: primary', `    endpoint: app.${r}.example.com`, `  - name: ${COPIES[i]}`, '    role: replica', `    endpoint: app.${COPIES[i]}.example.com`]),
    'residency:', '  - class: eu_pii', '    allowedRegions: [eu-*]',
    'partitions:',
    ...HOMES.flatMap((r, i) => [`  - name: p${i}`, `    homeRegion: ${r}`, `    replicaRegions: [${COPIES[i]}]`, ...(r.startsWith('eu-') && COPIES[i].startsWith('eu-') ? ['    residency: eu_pii'] : [])]),
  ];
  return `${lines.join('\n')}\n`;
}

function elevenRegions() {
  const regions = ['us-east-1', ...COPIES.slice(0, 10)];
  const lines = [
    'apiVersion: multiregion/v1', 'name: orders', 'cloud: aws', "account: '123456789012'", 'phase: 4', 'origin: us-east-1',
    'routing: { zone: example.com, hostedZoneId: Z0123456789ABCDEFGHIJ, graphql: true }', 'objectives: { rto: 15m, rpo: 30s }', 'regions:',
    ...regions.flatMap((r, i) => [`  - name: ${r}`, `    role: ${i === 0 ? 'primary' : i === 1 ? 'standby' : 'replica'}`, `    endpoint: app.${r}.example.com`]),
  ];
  return `${lines.join('\n')}\n`;
}

function aliasBomb() {
  const names = 'abcdefghi';
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-config-bench-'));
try {
  const files = {
    twenty: path.join(dir, 'twenty-regions.yaml'),
    eleven: path.join(dir, 'eleven-regions.yaml'),
    bomb: path.join(dir, 'alias-bomb.yaml'),
    big: path.join(dir, 'two-megabytes.yaml'),
    deep: path.join(dir, 'deep.yaml'),
  };
  fs.writeFileSync(files.twenty, twentyRegions());
  fs.writeFileSync(files.eleven, elevenRegions());
  fs.writeFileSync(files.bomb, aliasBomb());
  fs.writeFileSync(files.big, `apiVersion: multiregion/v1\n${'# padding\n'.repeat(210_000)}`);
  fs.writeFileSync(files.deep, `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);

  const measure = (args, expectStatus, runs = RUNS) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== expectStatus) throw new Error(`${args.join(' ')} exited ${r.status}, expected ${expectStatus}:\n${r.stdout}\n${r.stderr}`);
    }
    samples.sort((a, b) => a - b);
    return { medianMs: samples[Math.floor(samples.length / 2)], minMs: samples[0], maxMs: samples[samples.length - 1] };
  };

  const rows = [
    ['node -e 0 (the floor: a fresh Node process)', measure(['-e', '0'], 0)],
    ['validate, 20 regions (phase 5, 10 partitions)', measure([bin, 'validate', files.twenty], 0)],
    ['plan, 20 regions (Markdown)', measure([bin, 'plan', files.twenty], 0)],
    ['plan, 20 regions (--format json)', measure([bin, 'plan', files.twenty, '--format', 'json'], 0)],
    ['validate, 11 regions (phase 4)', measure([bin, 'validate', files.eleven], 0)],
    ['plan, 11 regions (phase 4)', measure([bin, 'plan', files.eleven], 0)],
    ['validate: alias bomb refused', measure([bin, 'validate', files.bomb], 1)],
    ['validate: 2 MB file refused', measure([bin, 'validate', files.big], 1)],
    ['validate: 200 000 nested brackets refused (scan before parsing)', measure([bin, 'validate', files.deep], 1)],
    [`synth examples/config/aws/phase-3.yaml (3 CloudFormation stacks; median of ${SYNTH_RUNS})`, measure([bin, 'synth', 'examples/config/aws/phase-3.yaml', '--out', path.join(dir, 'cdk.out')], 0, SYNTH_RUNS)],
    [`synth examples/config/gcp/phase-3.yaml (5 Terraform stacks; median of ${SYNTH_RUNS})`, measure([bin, 'synth', 'examples/config/gcp/phase-3.yaml', '--out', path.join(dir, 'cdktf.out')], 0, SYNTH_RUNS)],
  ];
  const validate20 = rows[1][1].medianMs;
  console.log(`\nThe multiregion command (dist/, a fresh process per run, median of ${RUNS}; node ${process.version}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})\n`);
  console.log('| command | median ms | min ms | max ms |');
  console.log('|---|---:|---:|---:|');
  for (const [name, m] of rows) console.log(`| ${name} | ${m.medianMs.toFixed(0)} | ${m.minMs.toFixed(0)} | ${m.maxMs.toFixed(0)} |`);
  console.log(`target: validate of the 20-region file under 300 ms: ${validate20 < 300 ? 'met' : 'NOT met'} (${validate20.toFixed(0)} ms)`);
  console.log(`BENCH_JSON ${JSON.stringify({ config: Object.fromEntries(rows.map(([name, m]) => [name, m])), runs: RUNS })}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
