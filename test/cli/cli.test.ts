/**
 * The `multiregion` command as a process: help on every subcommand, the
 * exit codes (0 ok, 1 problems found, 2 usage), each subcommand's output.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cdkOut, cleanup } from '../cost/fixtures';
import { multiregion, ROOT } from './binary';

afterAll(cleanup);

const AWS3 = 'examples/config/aws/phase-3.yaml';

describe('help and exit codes', () => {
  test.each(['validate', 'plan', 'synth', 'diff', 'cost', 'schema'])('multiregion %s --help prints its usage and exits 0', (command) => {
    const r = multiregion([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`Usage: multiregion ${command}`)).toBe(true);
    expect(r.stdout).toContain('Exit codes:');
  });

  test('multiregion --help lists the commands; no command is a usage error (2)', () => {
    const help = multiregion(['--help']);
    expect(help.status).toBe(0);
    for (const c of ['validate FILE...', 'plan FILE', 'synth FILE', 'diff OLD NEW', 'cost [OUTDIR...]', 'schema']) expect(help.stdout).toContain(c);
    expect(multiregion([]).status).toBe(2);
  });

  test('usage errors exit 2 with the command usage line', () => {
    const unknownCommand = multiregion(['deploy', AWS3]);
    expect(unknownCommand.status).toBe(2);
    expect(unknownCommand.stderr).toContain("multiregion: 'deploy' is not a command");
    const unknownOption = multiregion(['validate', '--colour', AWS3]);
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toContain("multiregion validate: Unknown option '--colour'");
    expect(unknownOption.stderr).toContain('Usage: multiregion validate FILE...');
    const missing = multiregion(['plan', 'no/such/file.yaml']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("multiregion plan: cannot read 'no/such/file.yaml': no such file");
    expect(multiregion(['validate']).status).toBe(2);
    expect(multiregion(['diff', AWS3]).stderr).toContain('give OLD and NEW (got 1 file)');
    expect(multiregion(['plan', AWS3, '--format', 'html']).stderr).toContain("--format 'html' is not markdown or json");
  });

  test('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(multiregion(['--version']).stdout).toBe(`${pkg.version}\n`);
    // The binary under test is the package's bin.
    expect(pkg.bin.multiregion).toBe('dist/cli/main.js');
  });
});

describe('validate', () => {
  test('warnings pass, unless --strict', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-cli-'));
    try {
      const file = path.join(dir, 'multiregion.yaml');
      // The first key is on line 5 (four comment lines before it): a file-wide warning points there.
      fs.writeFileSync(file, fs.readFileSync(path.join(ROOT, AWS3), 'utf8').replace(/^origin: .*\n/m, ''));
      const r = multiregion(['validate', file]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`${file}:5:1 warning origin is not set, so it is the primary's region us-east-1`);
      expect(r.stdout).toContain('pin origin: us-east-1 now, so a later role swap replaces nothing');
      expect(multiregion(['validate', '--strict', file]).status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--format json: one entry per file, problems with line, column, property, value, message, fix', () => {
    const r = multiregion(['validate', '--format', 'json', 'test/cli/fixtures/duration-without-unit.yaml', AWS3]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual([
      {
        file: 'test/cli/fixtures/duration-without-unit.yaml', valid: false,
        problems: [{ severity: 'error', file: 'test/cli/fixtures/duration-without-unit.yaml', line: 13, column: 8, property: 'objectives.rpo', value: 30, message: 'objectives.rpo 30 has no unit', fix: 'write 30s (seconds), 30m (minutes), 30h (hours) or 30d (days)' }],
      },
      { file: AWS3, valid: true, problems: [] },
    ]);
  });
});

describe('plan', () => {
  test('Markdown: protections and gaps, regions, routes, timelines, residency, blast radius', () => {
    const r = multiregion(['plan', AWS3]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const md = r.stdout;
    expect(md).toContain('# phase3: phase 3 on AWS (active-passive with a tested failover)');
    expect(md).toContain('- the loss of the primary region, with an automated, drilled switchover or failover');
    expect(md).toContain('- read latency for users far from the primary');
    expect(md).toContain('- a person must decide to fail over: 10 min counted (failover.decisionTime)');
    expect(md).toContain('| us-east-1 (origin) | primary | writes and reads | app.us-east-1.phase3.example.com |');
    expect(md).toContain('| write | write.phase3.example.com |');
    expect(md).toContain('RTO about 15 min; RPO about 30 s (bounded by the database: writes wait when replication lags more than 30 s).');
    expect(md).toContain('| 30 s | 10 min | decision | a person decides to fail over (assumed 10 min, failover.decisionTime) |');
    expect(md).toContain('| us-east-1 | primary | stop; a person decides to fail over, the database fails over to eu-west-1 and the write route follows (about 15 min) |');
    expect(md).toContain('| eu-west-1 | standby | stall: commits in the primary wait for the only secondary (rds.global_db_rpo 30 s) until it returns |');
  });

  test('--format json is the plan as data', () => {
    const plan = JSON.parse(multiregion(['plan', 'examples/config/gcp/phase-4.yaml', '--format', 'json']).stdout);
    expect(plan.cloud).toBe('Google Cloud');
    expect(plan.routes.map((r: { kind: string; hostname: string }) => `${r.kind} ${r.hostname}`)).toEqual(['write write.p4.example.com', 'read read.p4.example.com']);
    const failover = plan.procedures.find((p: { procedure: string }) => p.procedure === 'failover');
    // Google publishes no promotion time: detection 30 s × 2, decision 10 min, TTL 30 s, at least.
    expect(failover).toMatchObject({ rtoSeconds: 690, rtoIsLowerBound: true });
    expect(failover.rpoSeconds).toBeUndefined();
  });

  test('a file with errors gets no plan (exit 1, the problems on stderr)', () => {
    const r = multiregion(['plan', 'test/cli/fixtures/two-primaries.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("two-primaries.yaml:11:11 error regions[1].role 'primary'");
  });

  test('--out adds the monthly cost of the deployment\'s stacks per region (lib/cost)', () => {
    const out = cdkOut({
      'Phase3-Primary': { region: 'us-east-1', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' } } } },
      'Phase3-Replica-eu-west-1': { region: 'eu-west-1', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' } } } },
      'Phase4-Primary': { region: 'us-east-1', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' } } } },
    });
    const plan = JSON.parse(multiregion(['plan', AWS3, '--format', 'json', '--out', out]).stdout);
    expect(plan.cost.stacks.map((s: { name: string }) => s.name)).toEqual(['Phase3-Primary', 'Phase3-Replica-eu-west-1']);
    const us = plan.regions.find((r: { name: string }) => r.name === 'us-east-1');
    const eu = plan.regions.find((r: { name: string }) => r.name === 'eu-west-1');
    expect(us.monthlyUsd).toBeGreaterThan(0);
    expect(us.monthlyUsd + eu.monthlyUsd).toBeCloseTo(plan.cost.monthlyTotal, 2);
    const md = multiregion(['plan', AWS3, '--out', out]).stdout;
    expect(md).toContain('| region | role | serves | endpoint | monthly (USD) |');
    expect(md).toMatch(/Cost of the 2 stacks of this deployment in .*: \$[\d,.]+ a month \(estimate in USD, list prices, before discounts and taxes\)/);
  });
});

describe('diff', () => {
  function withFile(text: string, run: (file: string) => void): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-diff-'));
    try {
      const file = path.join(dir, 'new.yaml');
      fs.writeFileSync(file, text);
      run(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const base = () => fs.readFileSync(path.join(ROOT, AWS3), 'utf8');

  test('a role swap that keeps origin replaces nothing (exit 0)', () => {
    const swapped = base().replace('role: primary', 'role: PRIMARY_TMP').replace('role: standby', 'role: primary').replace('role: PRIMARY_TMP', 'role: standby');
    withFile(swapped, (file) => {
      const r = multiregion(['diff', AWS3, file]);
      expect(r.stdout).toContain('1 change, no database replaced');
      expect(r.stdout).toContain('change   role swap: the writer moves from us-east-1 to eu-west-1 (origin stays us-east-1: no database is replaced)');
      expect(r.status).toBe(0);
    });
  });

  test('changing origin replaces the databases (exit 1)', () => {
    const moved = base().replace('origin: us-east-1', 'origin: eu-west-1');
    withFile(moved, (file) => {
      const r = multiregion(['diff', AWS3, file]);
      expect(r.stdout).toContain('REPLACES origin us-east-1 → eu-west-1 REPLACES THE DATABASES');
      expect(r.status).toBe(1);
    });
  });

  test('a phase climbed and a region added, as JSON', () => {
    const climbed = base().replace('phase: 3', 'phase: 4')
      .replace('    endpoint: app.eu-west-1.phase3.example.com\n', '    endpoint: app.eu-west-1.phase3.example.com\n  - name: ap-southeast-2\n    role: replica\n    endpoint: app.ap-southeast-2.phase3.example.com\n');
    withFile(climbed, (file) => {
      const r = multiregion(['diff', AWS3, file, '--format', 'json']);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.replaces).toBe(false);
      expect(out.changes.map((c: { what: string }) => c.what)).toEqual([
        'phase 3 → 4: adds reads from several regions, writes to one primary: the read route to every region with readers',
        'adds ap-southeast-2 (replica): a new replica in ap-southeast-2; nothing existing is replaced',
      ]);
    });
  });
});

test('cost delegates to lib/cost: its output, its errors (exit 1), its usage errors (exit 2)', () => {
  const out = cdkOut({ 'Phase3-Primary': { region: 'us-east-1', resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r6g.large', Engine: 'aurora-postgresql' } } } } });
  const r = multiregion(['cost', out]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Phase3-Primary');
  const missing = multiregion(['cost', path.join(out, 'nope')]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain("estimateCost '");
  expect(multiregion(['cost', '--format', 'xml']).status).toBe(2);
});

test('schema prints the shipped JSON Schema', () => {
  const r = multiregion(['schema']);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(fs.readFileSync(path.join(ROOT, 'schema', 'multiregion.schema.json'), 'utf8'));
});

test('npm run multiregion -- runs the CLI from the sources (the package\'s own bin is not linked here)', () => {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'multiregion', '--', 'validate', AWS3], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(result.error).toBeUndefined();
  expect(result.stdout).toBe(`${AWS3}: 0 errors, 0 warnings\n`);
  expect(result.status).toBe(0);
});
