#!/usr/bin/env node
'use strict';
/**
 * The multiregion router (Node reverse proxy) on loopback, three measurements:
 *
 * 1. Added latency: autocannon at a fixed rate (BENCH_RATE, default 500 req/s,
 *    one connection), direct (client → server) vs via the router; latencies
 *    per response from autocannon's hrtime `response` event.
 * 2. Throughput against a minimal node:http pipe proxy (the floor any proxy
 *    pays): max-rate autocannon at 1 and BENCH_CONNECTIONS_HIGH (default 16)
 *    connections, router and pipe proxy interleaved round by round in one run
 *    (order alternating), so machine noise hits both alike. Reports the ratio
 *    router/pipe of the summed requests, the median ratio of adjacent
 *    router/pipe round pairs (robust to bursts of load from other processes),
 *    and each proxy's CPU time per request (its own process).
 * 4. Overhead of partition routing and of metrics (BENCH_ONLY=overhead):
 *    the fixed-rate latency load, rounds interleaved in one run (order
 *    rotating) over five targets: direct, the router, the router with
 *    partitions by header, by GraphQL variable, and the router with metrics
 *    on (its /metrics scraped every second while it is measured). Reports
 *    p50/p99 per target, ratios against the plain router and the CPU time
 *    per request of each router process.
 * 5. Dashboard picture (BENCH_ONLY=dashboard, not in the default set): a
 *    partitioned router with metrics under a mixed load (reads and writes in
 *    two partitions, an unknown partition, parse errors, a partition whose
 *    first read upstream is down), /metrics scraped every second; with
 *    BENCH_DASHBOARD_SVG=<file> the scraped series are drawn as an SVG by
 *    bench/router-dashboard.js (the panels of docs/router-grafana.json).
 * 3. The large-document attack: the same max-rate load at
 *    BENCH_CONNECTIONS_HIGH connections, with and without one attacker
 *    sending ATTACK_RATE (default 5) distinct ~1 MB documents of aliases per
 *    second (just under the router's 1 MiB body limit, so the router reads
 *    and classifies every one). Interleaved rounds; reports other clients'
 *    throughput under attack as a share of normal (target ≥ 80 %).
 *    The attack's primary here only drains bodies: the benchmark measures the
 *    router, not the primary's parser.
 *
 * Processes, so no two roles share an event loop: this one (autocannon),
 * `--role upstream` (two graphql-http servers and the drain server),
 * `--role router` (lib/router compiled to CommonJS), `--role pipe`
 * (the pipe proxy), `--role attacker`. Only 127.0.0.1 is targeted. Prints
 * tables, then one line `BENCH_JSON {...}` for bench/run.js.
 *
 * Environment: BENCH_RATE, BENCH_SECONDS (latency, default 8),
 * BENCH_ROUNDS (default 8), BENCH_ROUND_SECONDS (default 1.5),
 * BENCH_CONNECTIONS_HIGH (default 16), ATTACK_RATE (default 5),
 * BENCH_ONLY (comma-separated subset of latency,throughput,attack).
 */
const { fork } = require('child_process');
const path = require('path');

const RATE = Number(process.env.BENCH_RATE || 500);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 8);
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS || 1.5);
const HIGH = Number(process.env.BENCH_CONNECTIONS_HIGH || 16);
const ATTACK_RATE = Number(process.env.ATTACK_RATE || 5);
const ATTACK_BYTES = 1000 * 1000;
const WARMUP_SECONDS = 2;
const HOST = '127.0.0.1';
const ONLY = new Set((process.env.BENCH_ONLY || 'latency,throughput,attack,overhead').split(','));
const OVERHEAD_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS || 8);
const OVERHEAD_ROUND_SECONDS = Number(process.env.BENCH_OVERHEAD_ROUND_SECONDS || 2);

const QUERY = JSON.stringify({
  query: 'query Product($id: String) { product(id: $id) { id name price } servedBy }',
  operationName: 'Product',
  variables: { id: '42' },
});
const MUTATION = JSON.stringify({ query: 'mutation Add($sku: String) { addToCart(sku: $sku) }', variables: { sku: 'A-1' } });
/** The overhead query: the partition key both as a header (sent alongside) and as a declared variable. */
const QUERY_T = JSON.stringify({
  query: 'query Product($id: String, $tenant: String) { product(id: $id) { id name price } servedBy(tenant: $tenant) }',
  operationName: 'Product',
  variables: { id: '42', tenant: 'eu' },
});

const argv = process.argv;
const role = argv.includes('--role') ? argv[argv.indexOf('--role') + 1] : undefined;
const config = argv.includes('--config') ? JSON.parse(argv[argv.indexOf('--config') + 1]) : {};
const roles = { upstream: runUpstreams, router: runRouter, pipe: runPipe, attacker: runAttacker };
(role ? roles[role](config) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

// --- child roles -----------------------------------------------------------

/** Answer `cpu` with this process's CPU time in µs (user + system). */
function serveCpu() {
  process.on('message', (m) => {
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpu: user + system });
    }
  });
}

async function runUpstreams() {
  const http = require('http');
  const { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = require('graphql');
  const { createHandler } = require('graphql-http/lib/use/http');
  const ports = {};
  for (const name of ['primary', 'replica']) {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          servedBy: { type: new GraphQLNonNull(GraphQLString), args: { tenant: { type: GraphQLString } }, resolve: () => name },
          product: {
            type: new GraphQLObjectType({
              name: 'Product',
              fields: { id: { type: GraphQLString }, name: { type: GraphQLString }, price: { type: GraphQLString } },
            }),
            args: { id: { type: GraphQLString } },
            resolve: (_r, { id }) => ({ id, name: `Product ${id}`, price: '9.99' }),
          },
        },
      }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: { addToCart: { type: GraphQLString, args: { sku: { type: GraphQLString } }, resolve: () => name } },
      }),
    });
    const handler = createHandler({ schema });
    const server = http.createServer({ keepAlive: true }, (req, res) => handler(req, res));
    await new Promise((resolve) => server.listen(0, HOST, resolve));
    ports[name] = server.address().port;
  }
  // The attack's primary: reads the body, answers a small GraphQL error.
  const drain = http.createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"errors":[{"message":"drained"}]}');
    });
  });
  await new Promise((resolve) => drain.listen(0, HOST, resolve));
  ports.drain = drain.address().port;
  process.send({ ready: true, ports });
}

/**
 * lib/router compiled to plain CommonJS (as the published dist/ is). Not
 * ts-node: its register() loads node:repl, which loads node:domain, which
 * patches EventEmitter construction for every request and response object,
 * a cost neither the published router nor the pipe proxy pays.
 */
function compileRouter() {
  const fs = require('fs');
  const ts = require('typescript');
  const root = path.join(__dirname, '..');
  const cache = path.join(root, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const out = fs.mkdtempSync(path.join(cache, 'router-bench-'));
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  const emit = (src, dest, include = () => true) => {
    fs.mkdirSync(dest, { recursive: true });
    for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
      const from = path.join(src, entry.name);
      if (entry.isDirectory()) emit(from, path.join(dest, entry.name), include);
      else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) && include(entry.name)) {
        const { outputText } = ts.transpileModule(fs.readFileSync(from, 'utf8'), {
          fileName: entry.name,
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        fs.writeFileSync(path.join(dest, entry.name.replace(/\.ts$/, '.js')), outputText);
      }
    }
  };
  emit(path.join(root, 'lib', 'router'), path.join(out, 'router'));
  emit(path.join(root, 'lib', 'core'), path.join(out, 'core'), (name) => name === 'errors.ts');
  return path.join(out, 'router');
}

async function runRouter(options) {
  const { createRouterServer } = require(compileRouter());
  // No access log (onRequest): the pipe proxy has none either.
  const router = createRouterServer(options);
  const { port } = await router.listen(0, HOST);
  serveCpu();
  process.on('message', async (m) => {
    if (m === 'stop') {
      await router.close(2000);
      process.exit(0);
    }
  });
  process.send({ ready: true, port, metricsUrl: router.metricsUrl });
}

/** The floor: a minimal node:http reverse proxy that pipes both ways over a keep-alive agent. */
async function runPipe({ target }) {
  const http = require('http');
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' });
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const out = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  serveCpu();
  process.send({ ready: true, port: server.address().port });
}

/** Sends ATTACK_RATE distinct ~1 MB alias documents per second while told to. */
async function runAttacker({ url }) {
  const http = require('http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  // One shared tail; each request gets its own operation name up front, so no
  // two documents are the same (the router's cache cannot help).
  let tail = '';
  for (let i = 0; tail.length < ATTACK_BYTES - 64; i++) tail += ` a${i}: servedBy`;
  tail = Buffer.from(`${tail} }"}`);
  let timer;
  let n = 0;
  let stats = { sent: 0, answered: 0, statuses: {}, reasons: {}, latencies: [] };
  const send = () => {
    const head = Buffer.from(`{"query":"query Attack${String(n++).padStart(8, '0')} {`);
    const started = process.hrtime.bigint();
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': head.length + tail.length },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        stats.answered++;
        stats.statuses[res.statusCode] = (stats.statuses[res.statusCode] || 0) + 1;
        const reason = res.headers['x-multiregion-route-reason'];
        stats.reasons[reason] = (stats.reasons[reason] || 0) + 1;
        stats.latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on('error', () => undefined);
    req.write(head);
    req.end(tail);
    stats.sent++;
  };
  process.on('message', (m) => {
    if (m === 'start') timer = setInterval(send, 1000 / ATTACK_RATE);
    if (m === 'stop') {
      clearInterval(timer);
      process.send({ stats });
      stats = { sent: 0, answered: 0, statuses: {}, reasons: {}, latencies: [] };
    }
  });
  process.send({ ready: true, bodyBytes: 64 + tail.length });
}

// --- load generator ----------------------------------------------------------

function start(args) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, ...m }));
    child.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
  });
}

function ask(child, message, key) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m && m[key] !== undefined) {
        child.off('message', onMessage);
        resolve(m[key]);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function load(url, body, { seconds, connections, rate, record, headers = {}, requests }) {
  const autocannon = require('autocannon');
  const samples = [];
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body,
    requests,
    connections,
    overallRate: rate,
    duration: seconds,
  });
  let non2xx = 0;
  const statuses = {};
  instance.on('response', (_client, status, _bytes, ms) => {
    statuses[status] = (statuses[status] || 0) + 1;
    if (status < 200 || status >= 300) non2xx++;
    if (record) samples.push(ms);
  });
  const result = await instance;
  samples.sort((a, b) => a - b);
  return { samples, failures: non2xx + result.errors + result.timeouts, requests: result.requests.total, statuses };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measureLatency(url, body) {
  await load(url, body, { seconds: WARMUP_SECONDS, connections: 1, rate: RATE });
  const { samples, failures, requests } = await load(url, body, { seconds: SECONDS, connections: 1, rate: RATE, record: true });
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), requests, failures };
}

/** Max-rate load on `target` for one round, with the target process's CPU time. */
async function throughputRound(target, connections, record = false) {
  const cpu0 = await ask(target.child, 'cpu', 'cpu');
  const r = await load(`${target.url}/graphql`, QUERY, { seconds: ROUND_SECONDS, connections, record });
  const cpu1 = await ask(target.child, 'cpu', 'cpu');
  return { requests: r.requests, failures: r.failures, cpuUs: cpu1 - cpu0, samples: r.samples };
}

async function main() {
  const upstream = await start(['--role', 'upstream']);
  const url = (port) => `http://${HOST}:${port}`;
  const primary = url(upstream.ports.primary);
  const replica = url(upstream.ports.replica);
  const children = [upstream.child];
  const routers = new Set();
  const spawn = async (args) => {
    const c = await start(args);
    children.push(c.child);
    if (args[1] === 'router') routers.add(c.child);
    return { ...c, url: url(c.port) };
  };
  const report = { name: 'router', node: process.version };
  try {
    const router = await spawn(['--role', 'router', '--config', JSON.stringify({ primary, read: replica })]);
    const pipe = await spawn(['--role', 'pipe', '--config', JSON.stringify({ target: replica })]);
    const attackRouter = await spawn(['--role', 'router', '--config', JSON.stringify({ primary: url(upstream.ports.drain), read: replica })]);

    // 1. added latency
    report.latency = [];
    for (const s of !ONLY.has('latency') ? [] : [
      { scenario: 'query (→ replica)', direct: replica, body: QUERY },
      { scenario: 'mutation (→ primary)', direct: primary, body: MUTATION },
    ]) {
      const direct = await measureLatency(`${s.direct}/graphql`, s.body);
      const routed = await measureLatency(`${router.url}/graphql`, s.body);
      report.latency.push({
        scenario: s.scenario,
        direct_p50_ms: round(direct.p50),
        direct_p99_ms: round(direct.p99),
        router_p50_ms: round(routed.p50),
        router_p99_ms: round(routed.p99),
        added_p50_ms: round(routed.p50 - direct.p50),
        added_p99_ms: round(routed.p99 - direct.p99),
        failures: direct.failures + routed.failures,
      });
    }

    // 2. throughput vs the pipe proxy, interleaved
    report.throughput = [];
    for (const connections of !ONLY.has('throughput') ? [] : [1, HIGH]) {
      await load(`${router.url}/graphql`, QUERY, { seconds: 1, connections });
      await load(`${pipe.url}/graphql`, QUERY, { seconds: 1, connections });
      const sum = { router: { requests: 0, cpuUs: 0, failures: 0 }, pipe: { requests: 0, cpuUs: 0, failures: 0 } };
      const pairs = [];
      for (let i = 0; i < ROUNDS; i++) {
        const order = i % 2 === 0 ? ['router', 'pipe'] : ['pipe', 'router'];
        const pair = {};
        for (const name of order) {
          const r = await throughputRound(name === 'router' ? router : pipe, connections);
          sum[name].requests += r.requests;
          sum[name].cpuUs += r.cpuUs;
          sum[name].failures += r.failures;
          pair[name] = r;
        }
        pairs.push({ ratio: pair.router.requests / pair.pipe.requests, cpu: (pair.router.cpuUs / pair.router.requests) / (pair.pipe.cpuUs / pair.pipe.requests) });
      }
      const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const seconds = ROUNDS * ROUND_SECONDS;
      report.throughput.push({
        connections,
        seconds_each: seconds,
        pipe_rps: Math.round(sum.pipe.requests / seconds),
        router_rps: Math.round(sum.router.requests / seconds),
        ratio: round(sum.router.requests / sum.pipe.requests),
        median_pair_ratio: round(median(pairs.map((x) => x.ratio))),
        median_pair_cpu_ratio: round(median(pairs.map((x) => x.cpu))),
        pipe_cpu_us_per_req: round(sum.pipe.cpuUs / sum.pipe.requests),
        router_cpu_us_per_req: round(sum.router.cpuUs / sum.router.requests),
        failures: sum.router.failures + sum.pipe.failures,
      });
    }

    // 3. the large-document attack
    if (ONLY.has('attack')) {
      const attacker = await spawn(['--role', 'attacker', '--config', JSON.stringify({ url: `${attackRouter.url}/graphql` })]);
      await load(`${attackRouter.url}/graphql`, QUERY, { seconds: 1, connections: HIGH });
      const attack = { normal: { requests: 0, samples: [] }, attacked: { requests: 0, samples: [] }, failures: 0, cpuUs: 0 };
      for (let i = 0; i < ROUNDS; i++) {
        const order = i % 2 === 0 ? ['normal', 'attacked'] : ['attacked', 'normal'];
        for (const phase of order) {
          if (phase === 'attacked') attacker.child.send('start');
          const r = await throughputRound(attackRouter, HIGH, true);
          if (phase === 'attacked') {
            const stats = await ask(attacker.child, 'stop', 'stats');
            attack.stats = mergeStats(attack.stats, stats);
            attack.cpuUs += r.cpuUs;
          }
          attack[phase].requests += r.requests;
          attack[phase].samples.push(...r.samples);
          attack.failures += r.failures;
        }
      }
      const seconds = ROUNDS * ROUND_SECONDS;
      const p = (phase, q) => round(percentile(attack[phase].samples.sort((a, b) => a - b), q));
      const lat = attack.stats.latencies.sort((a, b) => a - b);
      report.attack = {
        connections: HIGH,
        attack_rate_per_s: ATTACK_RATE,
        attack_body_bytes: attacker.bodyBytes,
        seconds_each: seconds,
        normal_rps: Math.round(attack.normal.requests / seconds),
        attacked_rps: Math.round(attack.attacked.requests / seconds),
        share: round(attack.attacked.requests / attack.normal.requests),
        normal_p50_ms: p('normal', 50),
        normal_p99_ms: p('normal', 99),
        attacked_p50_ms: p('attacked', 50),
        attacked_p99_ms: p('attacked', 99),
        attack_sent: attack.stats.sent,
        attack_answered: attack.stats.answered,
        attack_reasons: attack.stats.reasons,
        attack_p50_ms: round(percentile(lat, 50)),
        failures: attack.failures,
      };
    }

    // 4. overhead of partition routing and of metrics, interleaved
    if (ONLY.has('overhead')) {
      report.overhead = await measureOverhead(spawn, router, { primary, replica });
      report.metrics_hot_path_ns_per_request = metricsHotPath();
      report.jwt_verify_us = jwtVerifyCost();
    }

    // 5. the dashboard picture
    if (ONLY.has('dashboard')) report.dashboard = await dashboardRun(spawn, { primary, replica, url });
  } finally {
    // Routers drain and exit on 'stop'; the rest are ended; anything still
    // running after 3 s is killed.
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (routers.has(child)) child.send('stop');
            else child.kill('SIGTERM');
          }),
      ),
    );
  }
  print(report);
}

/**
 * Five targets, one connection at a fixed rate, rounds interleaved (order
 * rotating, every other round reversed) so load from other processes hits
 * all alike. The metrics router is scraped every second while measured.
 */
async function measureOverhead(spawn, router, { primary, replica }) {
  const partitions = { eu: { write: primary, read: replica }, us: { write: primary, read: replica } };
  const { generateKeyPairSync } = require('crypto');
  const jwt = require('jsonwebtoken');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const token = jwt.sign({ tenant: 'eu', aud: 'bench', exp: Math.floor(Date.now() / 1000) + 3600 }, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { algorithm: 'RS256' });
  const jwtSource = { type: 'jwt', claim: 'tenant', keys: { pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }) }, audience: 'bench' };
  const targets = [
    { target: 'direct (replica)', url: replica },
    { target: 'router', url: router.url, child: router.child },
    { target: 'router + partitions (header)', ...(await spawn(['--role', 'router', '--config', JSON.stringify({ partitioning: { partitions, source: { type: 'header', name: 'x-tenant' } } })])) },
    { target: 'router + partitions (variable)', ...(await spawn(['--role', 'router', '--config', JSON.stringify({ partitioning: { partitions, source: { type: 'variable', name: 'tenant' } } })])) },
    { target: 'router + partitions (JWT RS256)', ...(await spawn(['--role', 'router', '--config', JSON.stringify({ partitioning: { partitions, source: jwtSource } })])) },
    { target: 'router + metrics', ...(await spawn(['--role', 'router', '--config', JSON.stringify({ primary, read: replica, metrics: { port: 0 } })])) },
  ];
  // Every target gets the same bytes: the header, the token and the variable.
  const headers = { 'x-tenant': 'eu', authorization: `Bearer ${token}` };
  for (const t of targets) {
    Object.assign(t, { samples: [], roundP50: [], requests: 0, failures: 0, cpuUs: 0, scrapes: 0 });
    await load(`${t.url}/graphql`, QUERY_T, { seconds: 1, connections: 1, rate: RATE, headers });
  }
  for (let i = 0; i < OVERHEAD_ROUNDS; i++) {
    const order = targets.map((_, k) => targets[(k + i) % targets.length]);
    if (i % 2 === 1) order.reverse();
    for (const t of order) {
      const cpu0 = t.child ? await ask(t.child, 'cpu', 'cpu') : 0;
      const scraper = t.metricsUrl
        ? setInterval(() => fetch(t.metricsUrl).then((r) => r.text()).then(() => t.scrapes++, () => undefined), 1000)
        : undefined;
      const r = await load(`${t.url}/graphql`, QUERY_T, { seconds: OVERHEAD_ROUND_SECONDS, connections: 1, rate: RATE, record: true, headers });
      if (scraper) clearInterval(scraper);
      const cpu1 = t.child ? await ask(t.child, 'cpu', 'cpu') : 0;
      t.samples.push(...r.samples);
      t.roundP50.push(percentile(r.samples, 50));
      t.requests += r.requests;
      t.failures += r.failures;
      t.cpuUs += cpu1 - cpu0;
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const t of targets) t.samples.sort((a, b) => a - b);
  const direct = targets[0];
  const base = targets[1];
  const p50 = (t) => percentile(t.samples, 50);
  return targets.map((t) => ({
    target: t.target,
    p50_ms: round(p50(t)),
    p99_ms: round(percentile(t.samples, 99)),
    added_p50_ms: round(p50(t) - p50(direct)),
    p50_vs_router: round(p50(t) / p50(base)),
    median_round_p50_vs_router: round(median(t.roundP50.map((v, i) => v / base.roundP50[i]))),
    cpu_us_per_req: t.child ? round(t.cpuUs / t.requests) : null,
    requests: t.requests,
    failures: t.failures,
    scrapes: t.scrapes,
  }));
}

/**
 * What metrics add to one request on the hot path, in-process and steadier
 * than any end-to-end figure on a shared machine: the updates a proxied
 * request makes (requests_total, two histograms), best of 5 runs of 200,000.
 */
/**
 * JWT verification, in-process (node:crypto): µs per token for 500 distinct
 * tokens verified once (signature checked) and again (the verifier's cache of
 * verified tokens), best of 5, per algorithm.
 */
function jwtVerifyCost() {
  const { generateKeyPairSync } = require('crypto');
  const jwt = require('jsonwebtoken');
  const { createJwtVerifier } = require(compileRouter());
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const secret = 's'.repeat(48);
  const pkcs8 = (k) => k.export({ type: 'pkcs8', format: 'pem' });
  const tokens = (key, algorithm) => Array.from({ length: 500 }, (_, i) => jwt.sign({ tenant: 'eu', jti: String(i), exp: Math.floor(Date.now() / 1000) + 3600 }, key, { algorithm }));
  const cases = {
    RS256: [tokens(pkcs8(rsa.privateKey), 'RS256'), { pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }) }],
    ES256: [tokens(pkcs8(ec.privateKey), 'ES256'), { pem: ec.publicKey.export({ type: 'spki', format: 'pem' }) }],
    HS256: [tokens(secret, 'HS256'), { hmacSecret: secret }],
  };
  const out = {};
  for (const [alg, [list, keys]] of Object.entries(cases)) {
    let first = Infinity;
    let again = Infinity;
    for (let run = 0; run < 5; run++) {
      const verifier = createJwtVerifier({ keys });
      let started = process.hrtime.bigint();
      for (const t of list) if (!verifier.verify(t).ok) throw new Error(`bench: ${alg} token did not verify`);
      first = Math.min(first, Number(process.hrtime.bigint() - started) / list.length / 1000);
      started = process.hrtime.bigint();
      for (const t of list) verifier.verify(t);
      again = Math.min(again, Number(process.hrtime.bigint() - started) / list.length / 1000);
    }
    out[alg] = { first_us: round(first), cached_us: round(again) };
  }
  return out;
}

function metricsHotPath() {
  const { RouterMetrics } = require(compileRouter());
  const metrics = new RouterMetrics();
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200_000; i++) {
      metrics.requests.inc(['read', 'query', 'eu']);
      metrics.upstreamLatency.observe(['eu/read', 'eu'], 0.0004 + (i % 7) * 0.001);
      metrics.duration.observe(['read', 'eu'], 0.0009 + (i % 5) * 0.001);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 200_000);
  }
  return round(best);
}

/** A partitioned router with metrics under a mixed load; /metrics scraped every second. */
async function dashboardRun(spawn, { primary, replica, url }) {
  const http = require('http');
  const spare = http.createServer();
  await new Promise((resolve) => spare.listen(0, HOST, resolve));
  const dead = url(spare.address().port);
  await new Promise((resolve) => spare.close(resolve));
  const dash = await spawn(['--role', 'router', '--config', JSON.stringify({
    partitioning: {
      partitions: { eu: { write: primary, read: replica }, us: { write: primary, read: replica }, apac: { write: primary, read: [dead, replica] } },
      source: { type: 'header', name: 'x-tenant' },
    },
    metrics: { port: 0 },
    maxBodyBytes: 64 * 1024,
  })]);
  const seconds = Number(process.env.BENCH_DASHBOARD_SECONDS || 60);
  const scrapes = [];
  const t0 = Date.now();
  const scrape = () => fetch(dash.metricsUrl).then((r) => r.text()).then((text) => scrapes.push({ t: (Date.now() - t0) / 1000, text }), () => undefined);
  await scrape();
  const timer = setInterval(scrape, 1000);
  const req = (tenant, body) => ({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', ...(tenant ? { 'x-tenant': tenant } : {}) }, body });
  const steady = load(`${dash.url}/graphql`, QUERY, {
    seconds, connections: 4, rate: 200,
    requests: [req('eu', QUERY), req('us', QUERY), req('eu', QUERY), req('us', MUTATION), req('apac', QUERY), req('eu', MUTATION), req('us', QUERY), req('eu', '{"query":"{ product {"}')],
  });
  // A third of the way in: a client with a stale partition map (unknown
  // partition, no header) and oversized bodies, for a third of the run.
  await new Promise((resolve) => setTimeout(resolve, (seconds / 3) * 1000));
  const big = JSON.stringify({ query: `{ servedBy } # ${'x'.repeat(100 * 1024)}` });
  const burst = load(`${dash.url}/graphql`, QUERY, {
    seconds: seconds / 3, connections: 2, rate: 80,
    requests: [req('emea', QUERY), req(undefined, MUTATION), req('emea', MUTATION), req('eu', big)],
  });
  const [a, b] = await Promise.all([steady, burst]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  clearInterval(timer);
  await scrape();
  const result = { seconds, scrapes: scrapes.length, requests: a.requests + b.requests, statuses: mergeCounts(a.statuses, b.statuses) };
  const file = process.env.BENCH_DASHBOARD_SVG;
  if (file) {
    require('./router-dashboard').writeDashboardSvg(scrapes, path.resolve(file), {
      note: `${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${seconds} s, ${result.requests} requests, scraped every 1 s (${scrapes.length} scrapes)`,
    });
    result.svg = file;
  }
  return result;
}

function mergeCounts(x, y) {
  return Object.fromEntries([...new Set([...Object.keys(x), ...Object.keys(y)])].map((k) => [k, (x[k] || 0) + (y[k] || 0)]));
}

function mergeStats(a, b) {
  if (!a) return b;
  const merge = (x, y) => Object.fromEntries([...new Set([...Object.keys(x), ...Object.keys(y)])].map((k) => [k, (x[k] || 0) + (y[k] || 0)]));
  return { sent: a.sent + b.sent, answered: a.answered + b.answered, statuses: merge(a.statuses, b.statuses), reasons: merge(a.reasons, b.reasons), latencies: [...a.latencies, ...b.latencies] };
}

function print(report) {
  const table = (title, header, rows) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
    const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
    console.log(`\n${title}`);
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows) console.log(line(row));
  };
  table(
    `Router added latency, loopback, ${RATE} req/s over 1 connection, ${SECONDS} s per measurement (node ${process.version})`,
    ['scenario', 'direct p50/p99 ms', 'via router p50/p99 ms', 'added p50/p99 ms', 'failures'],
    (report.latency || []).map((r) => [r.scenario, `${fmt(r.direct_p50_ms)} / ${fmt(r.direct_p99_ms)}`, `${fmt(r.router_p50_ms)} / ${fmt(r.router_p99_ms)}`, `${fmt(r.added_p50_ms)} / ${fmt(r.added_p99_ms)}`, r.failures]),
  );
  table(
    `Throughput vs a node:http pipe proxy (max rate, ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s each; target ratio >= 0.9)`,
    ['connections', 'pipe req/s', 'router req/s', 'ratio', 'median pair ratio', 'pipe CPU µs/req', 'router CPU µs/req', 'failures'],
    (report.throughput || []).map((r) => [r.connections, r.pipe_rps, r.router_rps, r.ratio.toFixed(3), r.median_pair_ratio.toFixed(3), r.pipe_cpu_us_per_req.toFixed(1), r.router_cpu_us_per_req.toFixed(1), r.failures]),
  );
  if (report.overhead) {
    table(
      `Overhead of partition routing and metrics: ${RATE} req/s over 1 connection, ${OVERHEAD_ROUNDS} interleaved rounds of ${OVERHEAD_ROUND_SECONDS} s per target (metrics scraped every 1 s; target: metrics add < 5 % to p50)`,
      ['target', 'p50 / p99 ms', 'added p50 ms', 'p50 vs router', 'median round p50 vs router', 'CPU µs/req', 'failures'],
      report.overhead.map((r) => [r.target, `${fmt(r.p50_ms)} / ${fmt(r.p99_ms)}`, fmt(r.added_p50_ms), r.p50_vs_router.toFixed(3), r.median_round_p50_vs_router.toFixed(3), r.cpu_us_per_req === null ? '—' : r.cpu_us_per_req.toFixed(1), r.failures]),
    );
  }
  if (report.metrics_hot_path_ns_per_request !== undefined) console.log(`metrics hot path: ${report.metrics_hot_path_ns_per_request} ns per proxied request (in-process, best of 5 × 200,000)`);
  if (report.jwt_verify_us) console.log(`JWT verification per token (node:crypto, in-process, 500 distinct tokens, best of 5), first / cached: ${Object.entries(report.jwt_verify_us).map(([a, r]) => `${a} ${r.first_us} / ${r.cached_us} µs`).join(', ')}`);
  if (report.dashboard) console.log(`\ndashboard run: ${JSON.stringify(report.dashboard)}`);
  const a = report.attack;
  if (!a) return console.log(`BENCH_JSON ${JSON.stringify(report)}`);
  table(
    `Large-document attack: ${a.attack_rate_per_s}/s distinct ${a.attack_body_bytes}-byte alias documents, ${a.connections} other connections (target share >= 0.8)`,
    ['phase', 'others req/s', 'others p50/p99 ms'],
    [
      ['normal', a.normal_rps, `${fmt(a.normal_p50_ms)} / ${fmt(a.normal_p99_ms)}`],
      ['under attack', a.attacked_rps, `${fmt(a.attacked_p50_ms)} / ${fmt(a.attacked_p99_ms)}`],
    ],
  );
  console.log(`share under attack: ${a.share.toFixed(3)}; attack requests sent ${a.attack_sent}, answered ${a.attack_answered} (p50 ${fmt(a.attack_p50_ms)} ms), routed ${JSON.stringify(a.attack_reasons)}`);
  console.log(`BENCH_JSON ${JSON.stringify(report)}`);
}

function round(n) {
  return Math.round(n * 1000) / 1000;
}
function fmt(n) {
  return n.toFixed(3);
}
