#!/usr/bin/env node
'use strict';
/**
 * Added latency of the multiregion router (Node reverse proxy) on loopback.
 *
 * Three processes, so the load generator, the router and the GraphQL servers
 * do not share an event loop:
 *   - this process: autocannon at a fixed overall rate;
 *   - `--role upstream`: two graphql-http servers ("primary", "replica");
 *   - `--role router`: the router (lib/router through ts-node, transpile-only).
 * Each scenario is measured direct (client → server) and via the router
 * (client → router → server); "added" is the difference of the percentiles.
 * Latencies are taken per response from autocannon's `response` event
 * (hrtime, sub-millisecond), not from its histogram (whole milliseconds).
 *
 * Only 127.0.0.1 is targeted. Prints a table, then one line
 * `BENCH_JSON {...}` for bench/run.js.
 *
 * Environment: BENCH_RATE (req/s, default 500), BENCH_SECONDS (default 8),
 * BENCH_CONNECTIONS (default 1).
 */
const { fork } = require('child_process');
const path = require('path');

const RATE = Number(process.env.BENCH_RATE || 500);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
// autocannon's rate limiter lets each connection send back-to-back until its
// per-second budget is spent, then pauses: with N connections the servers see
// bursts N requests deep. One connection measures per-request latency without
// that self-inflicted queueing; raise it to see the router under concurrency.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 1);
const WARMUP_SECONDS = 2;
const HOST = '127.0.0.1';

const role = process.argv[process.argv.indexOf('--role') + 1];
if (process.argv.includes('--role')) {
  (role === 'upstream' ? runUpstreams() : runRouter(JSON.parse(process.argv[process.argv.indexOf('--config') + 1]))).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

// --- child roles -----------------------------------------------------------

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
          servedBy: { type: new GraphQLNonNull(GraphQLString), resolve: () => name },
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
  process.send({ ready: true, ports });
}

async function runRouter(config) {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') });
  const { createRouterServer } = require('../lib/router');
  const router = createRouterServer(config);
  const { port } = await router.listen(0, HOST);
  process.send({ ready: true, port });
  process.on('message', async (m) => {
    if (m === 'stop') {
      await router.close(2000);
      process.exit(0);
    }
  });
}

// --- load generator ----------------------------------------------------------

function start(args) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, ...m }));
    child.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
  });
}

async function load(url, body, seconds, record) {
  const autocannon = require('autocannon');
  const samples = [];
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: seconds,
  });
  let non2xx = 0;
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status < 200 || status >= 300) non2xx++;
    if (record) samples.push(ms);
  });
  const result = await instance;
  return { samples, non2xx: non2xx + result.errors + result.timeouts, requests: result.requests.total };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(url, body) {
  await load(url, body, WARMUP_SECONDS, false);
  const { samples, non2xx, requests } = await load(url, body, SECONDS, true);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), requests, failures: non2xx };
}

async function main() {
  const upstream = await start(['--role', 'upstream']);
  const primary = `http://${HOST}:${upstream.ports.primary}`;
  const replica = `http://${HOST}:${upstream.ports.replica}`;
  const router = await start(['--role', 'router', '--config', JSON.stringify({ primary, read: replica })]);
  const via = `http://${HOST}:${router.port}`;

  const scenarios = [
    {
      scenario: 'query (→ replica)',
      direct: replica,
      body: JSON.stringify({
        query: 'query Product($id: String) { product(id: $id) { id name price } servedBy }',
        operationName: 'Product',
        variables: { id: '42' },
      }),
    },
    {
      scenario: 'mutation (→ primary)',
      direct: primary,
      body: JSON.stringify({ query: 'mutation Add($sku: String) { addToCart(sku: $sku) }', variables: { sku: 'A-1' } }),
    },
  ];

  const rows = [];
  try {
    for (const s of scenarios) {
      const direct = await measure(`${s.direct}/graphql`, s.body);
      const routed = await measure(`${via}/graphql`, s.body);
      rows.push({
        scenario: s.scenario,
        rate: RATE,
        seconds: SECONDS,
        direct_p50_ms: round(direct.p50),
        direct_p99_ms: round(direct.p99),
        router_p50_ms: round(routed.p50),
        router_p99_ms: round(routed.p99),
        added_p50_ms: round(routed.p50 - direct.p50),
        added_p99_ms: round(routed.p99 - direct.p99),
        requests: direct.requests + routed.requests,
        failures: direct.failures + routed.failures,
      });
    }
  } finally {
    router.child.send('stop');
    upstream.child.kill('SIGTERM');
  }

  const header = ['scenario', 'direct p50/p99 ms', 'via router p50/p99 ms', 'added p50/p99 ms', 'failures'];
  const table = rows.map((r) => [
    r.scenario,
    `${fmt(r.direct_p50_ms)} / ${fmt(r.direct_p99_ms)}`,
    `${fmt(r.router_p50_ms)} / ${fmt(r.router_p99_ms)}`,
    `${fmt(r.added_p50_ms)} / ${fmt(r.added_p99_ms)}`,
    String(r.failures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`Router added latency, loopback, ${RATE} req/s over ${CONNECTIONS} connection(s), ${SECONDS} s per measurement (node ${process.version})`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  console.log(`BENCH_JSON ${JSON.stringify({ name: 'router', rate: RATE, connections: CONNECTIONS, seconds: SECONDS, rows })}`);
}

function round(n) {
  return Math.round(n * 1000) / 1000;
}
function fmt(n) {
  return n.toFixed(3);
}
