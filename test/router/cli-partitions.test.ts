import { spawn } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseCliArgs } from '../../lib/router/cli';
import { deadPort, postJson, startGraphqlServer, TestUpstream } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mr-cli-partitions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('CLI flags for partitions, JWT keys and metrics', () => {
  const yaml = file('partitions.yaml', 'eu:\n  write: http://127.0.0.1:4000\n  read: [http://127.0.0.1:4001, http://127.0.0.1:4002]\nus:\n  write: http://127.0.0.1:5000\n  read: http://127.0.0.1:5001\n');

  it('reads a YAML partition map, the source, trusted peers, the preflight partition and the metrics listener', () => {
    const config = parseCliArgs(['--partitions', yaml, '--partition-source', 'header:x-tenant', '--trusted-peer', '10.0.0.0/16', '--preflight-partition', 'eu', '--metrics-listen', '127.0.0.1:9464']);
    if (config === 'help') throw new Error('help');
    expect(config.options.partitioning).toEqual({
      partitions: { eu: { write: 'http://127.0.0.1:4000', read: ['http://127.0.0.1:4001', 'http://127.0.0.1:4002'] }, us: { write: 'http://127.0.0.1:5000', read: 'http://127.0.0.1:5001' } },
      source: { type: 'header', name: 'x-tenant', trustedPeers: ['10.0.0.0/16'] },
      preflightPartition: 'eu',
    });
    expect(config.options.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('reads JWT keys as a JWKS, PEM or HMAC secrets', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const jwks = JSON.stringify({ keys: [{ ...(rsa.publicKey.export({ format: 'jwk' }) as object), kid: 'k1' }] });
    const cases: [string, object][] = [
      [file('jwks.json', jwks), { jwks: JSON.parse(jwks) }],
      [file('keys.pem', `${pem}\n${pem}`), { pem: [pem.trim(), pem.trim()] }],
      [file('hmac', `${'h'.repeat(40)}\n${'i'.repeat(40)}\n`), { hmacSecret: ['h'.repeat(40), 'i'.repeat(40)] }],
    ];
    for (const [keys, expected] of cases) {
      const config = parseCliArgs(['--partitions', yaml, '--partition-source', 'jwt:tenant', '--jwt-keys', keys, '--jwt-issuer', 'https://id', '--jwt-audience', 'a', '--jwt-audience', 'b', '--jwt-clock-tolerance-s', '5']);
      if (config === 'help') throw new Error('help');
      expect(config.options.partitioning?.source).toEqual({ type: 'jwt', claim: 'tenant', keys: expected, issuer: ['https://id'], audience: ['a', 'b'], clockToleranceSeconds: 5 });
    }
  });

  it.each([
    [['--partitions', 'X', '--partition-source', 'header:x-tenant', '--listen', '127.0.0.1:9464', '--metrics-listen', '127.0.0.1:9464'], "--metrics-listen '127.0.0.1:9464' uses the port of --listen (9464); give the admin listener its own port, e.g. 127.0.0.1:9465"],
    [['--primary', 'http://a', '--read', 'http://b', '--listen', ':8080', '--metrics-listen', '0.0.0.0:8080'], "--metrics-listen '0.0.0.0:8080' uses the port of --listen (8080); give the admin listener its own port, e.g. 127.0.0.1:9464"],
    [['--partitions', 'X', '--primary', 'http://a', '--partition-source', 'header:x'], '--partitions replaces --primary and --read: give the upstreams of each partition in the file'],
    [['--partitions', 'X'], '--partition-source <source> is required with --partitions'],
    [['--partitions', 'X', '--partition-source', 'jwt:tenant'], '--partition-source jwt:<claim> needs --jwt-keys <file>: a claim is read only from a token whose signature verifies'],
    [['--partitions', 'X', '--partition-source', 'variable:tenant', '--trusted-peer', '10.0.0.1'], '--trusted-peer needs a header or cookie source'],
    [['--partitions', 'X', '--partition-source', 'header:x', '--jwt-audience', 'a'], '--jwt-audience needs --partition-source jwt:<claim>'],
    [['--primary', 'http://a', '--read', 'http://b', '--partition-source', 'header:x'], '--partition-source needs --partitions <file>'],
    [['--partitions', 'X', '--partition-source', 'tenant'], "partition source 'tenant' names no header, cookie, variable or claim; use header:<name>, cookie:<name>, variable:<name> or jwt:<claim> (with JWT keys)"],
  ])('refuses %j', (args, message) => {
    const argv = args.map((a) => (a === 'X' ? yaml : a));
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

/** The CLI as a real process: partitions from a file, a header source, /metrics scraped after real requests. */
describe('multiregion-router CLI with partitions and metrics', () => {
  const servers: TestUpstream[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('routes by partition, serves /metrics on the admin port, exits 0 on SIGTERM', async () => {
    for (const name of ['eu-write', 'eu-read', 'us-write', 'us-read']) servers.push(await startGraphqlServer(name));
    const [euW, euR, usW, usR] = servers;
    const map = file('map.json', JSON.stringify({ eu: { write: euW.url, read: euR.url }, us: { write: usW.url, read: usR.url } }));
    const [port, metricsPort] = [await deadPort(), await deadPort()];
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../lib/router/cli.ts'),
        '--listen', `127.0.0.1:${port}`, '--partitions', map, '--partition-source', 'header:x-tenant', '--metrics-listen', `127.0.0.1:${metricsPort}`],
      { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => (stderr.includes('metrics on') ? resolve() : setTimeout(check, 50));
        child.once('exit', () => reject(new Error(`CLI exited early: ${stderr}`)));
        check();
      });
      expect(stderr).toContain("partitions eu, us by header 'x-tenant'");
      const gql = `http://127.0.0.1:${port}/graphql`;
      expect((await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'us' })).json.data.servedBy).toBe('us-read');
      expect((await postJson(gql, { query: 'mutation { write }' }, { 'x-tenant': 'eu' })).json.data.write).toBe('eu-write');
      expect((await postJson(gql, { query: 'mutation { write }' }, { 'x-tenant': 'xx' })).status).toBe(400);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain('multiregion_router_requests_total{route="read",reason="query",partition="us"} 1\n');
      expect(metrics).toContain('multiregion_router_requests_total{route="write",reason="mutation",partition="eu"} 1\n');
      expect(metrics).toContain('multiregion_router_requests_total{route="refused",reason="partition-unknown"} 1\n');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with the problem when the partition map is invalid', async () => {
    const bad = file('bad.json', JSON.stringify({ EU: { write: 'http://127.0.0.1:1' } }));
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../lib/router/cli.ts'), '--partitions', bad, '--partition-source', 'cookie:tenant'], {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(2);
    expect(stderr).toContain("Router 'server': partition name 'EU' is not a valid partition name; use the partition's name from the deployment");
  });
});
