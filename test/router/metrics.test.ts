import { readFileSync } from 'fs';
import { join } from 'path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { createRouterServer, Counter, Histogram, RouterServer } from '../../lib/router';
import { deadPort, postJson, rawRequest, startGraphqlServer, TestUpstream } from './helpers';

interface Family {
  name: string;
  type: string;
  help: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }[];
}

/**
 * Scrape the admin listener and parse the text with an independent parser
 * (parse-prometheus-text-format throws on any line that is not valid
 * exposition format). Its histogram flattening loses labels, so histogram
 * counts are read from the `_count` lines.
 */
async function scrape(router: RouterServer): Promise<{ text: string; families: Map<string, Family>; contentType: string | null }> {
  const res = await fetch(router.metricsUrl!);
  const text = await res.text();
  const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
  return { text, families, contentType: res.headers.get('content-type') };
}

const sameLabels = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  Object.keys(a ?? {}).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a?.[k] === v);

function value(scraped: { text: string; families: Map<string, Family> }, name: string, labels: Record<string, string> = {}): number {
  const family = scraped.families.get(name);
  if (family?.type === 'HISTOGRAM') {
    for (const line of scraped.text.split('\n')) {
      const m = new RegExp(`^${name}_count(?:\\{(.*)\\})? (\\S+)$`).exec(line);
      if (!m) continue;
      const found = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
      if (sameLabels(found, labels)) return Number(m[2]);
    }
    return 0;
  }
  const series = family?.metrics.find((m) => sameLabels(m.labels, labels));
  return series ? Number(series.value) : 0;
}

describe('router metrics: /metrics on the admin listener, end to end', () => {
  const servers: Record<string, TestUpstream> = {};
  let router: RouterServer;
  let gql: string;

  beforeAll(async () => {
    for (const name of ['eu-write', 'eu-read', 'us-write', 'us-read']) servers[name] = await startGraphqlServer(name);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    router = createRouterServer({
      partitioning: {
        partitions: { eu: { write: servers['eu-write'].url, read: servers['eu-read'].url }, us: { write: servers['us-write'].url, read: [dead, servers['us-read'].url] } },
        source: { type: 'header', name: 'x-tenant' },
      },
      maxBodyBytes: 1024,
      readYourWrites: { windowMs: 3000 },
      metrics: { port: 0 },
    });
    await router.listen();
    gql = `${router.url}/graphql`;
  });
  afterAll(async () => {
    await router.close(1000);
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('is off by default and refuses the router\'s own port', async () => {
    const plain = createRouterServer({ primary: servers['eu-write'].url, read: servers['eu-read'].url });
    expect(plain.metricsUrl).toBeUndefined();
    await plain.close();
    const port = await deadPort();
    const clash = createRouterServer({ primary: servers['eu-write'].url, read: servers['eu-read'].url, metrics: { port } });
    await expect(clash.listen(port)).rejects.toThrow(`Router 'metrics': metrics.port ${port} is the port the router listens on; give the admin listener its own port, e.g. 9464`);
    expect(clash.server.listening).toBe(false);
    await clash.close();
  });

  it('counts real requests by decision, reason and partition, upstream latency, pins, fallbacks and body-size rejections', async () => {
    const before = await scrape(router);
    expect(before.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(value(before, 'multiregion_router_partition_info', { partition: 'eu' })).toBe(1);

    for (let i = 0; i < 3; i++) expect((await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'eu' })).json.data.servedBy).toBe('eu-read');
    for (let i = 0; i < 2; i++) expect((await postJson(gql, { query: 'mutation { write }' }, { 'x-tenant': 'us' })).json.data.write).toBe('us-write');
    expect((await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'us' })).json.data.servedBy).toBe('us-read'); // after the dead first read upstream
    expect((await postJson(gql, { query: '{ servedBy }' }, { 'x-tenant': 'apac' })).status).toBe(400);
    expect((await postJson(gql, { query: '{ servedBy }' })).status).toBe(400);
    const big = await rawRequest(gql, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant': 'eu', 'transfer-encoding': 'chunked' } }, [JSON.stringify({ query: `{ servedBy } # ${'x'.repeat(4096)}` })]);
    expect(big.headers['x-multiregion-route-reason']).toBe('body-too-large');
    const announced = await postJson(gql, { query: `{ servedBy } # ${'x'.repeat(4096)}` }, { 'x-tenant': 'eu' }); // Content-Length: decided from the head
    expect(announced.headers.get('x-multiregion-route-reason')).toBe('body-too-large');
    expect((await postJson(gql, { query: '{ me {' }, { 'x-tenant': 'eu' })).headers.get('x-multiregion-route-reason')).toBe('parse-error');

    const scraped = await scrape(router);
    const { text } = scraped;
    const requests = (route: string, reason: string, partition?: string) => value(scraped, 'multiregion_router_requests_total', { route, reason, ...(partition ? { partition } : {}) });
    expect(requests('read', 'query', 'eu')).toBe(3);
    expect(requests('write', 'mutation', 'us')).toBe(2);
    expect(requests('read', 'query', 'us')).toBe(1);
    expect(requests('refused', 'partition-unknown')).toBe(1);
    expect(requests('refused', 'partition-missing')).toBe(1);
    expect(requests('write', 'body-too-large', 'eu')).toBe(2);
    expect(requests('write', 'parse-error', 'eu')).toBe(1);
    expect(value(scraped, 'multiregion_router_upstream_response_seconds', { upstream: 'eu/read', partition: 'eu' })).toBe(3);
    expect(value(scraped, 'multiregion_router_upstream_response_seconds', { upstream: 'us/write', partition: 'us' })).toBe(2);
    expect(value(scraped, 'multiregion_router_upstream_response_seconds', { upstream: 'us/read-2', partition: 'us' })).toBe(1);
    expect(value(scraped, 'multiregion_router_upstream_errors_total', { upstream: 'us/read', partition: 'us', kind: 'unreachable' })).toBe(1);
    expect(value(scraped, 'multiregion_router_read_fallbacks_total', { upstream: 'us/read', partition: 'us' })).toBe(1);
    expect(value(scraped, 'multiregion_router_read_your_writes_pins_total', { partition: 'us' })).toBe(2);
    expect(value(scraped, 'multiregion_router_read_your_writes_pins_total', { partition: 'eu' })).toBe(0);
    expect(value(scraped, 'multiregion_router_body_too_large_total', { partition: 'eu', outcome: 'streamed-to-write' })).toBe(2);
    expect(value(scraped, 'multiregion_router_request_duration_seconds', { route: 'refused' })).toBe(2);
    expect(value(scraped, 'multiregion_router_request_duration_seconds', { route: 'read', partition: 'eu' })).toBe(3);
    expect(value(scraped, 'multiregion_router_read_your_writes_window_seconds')).toBe(3);
    expect(value(scraped, 'multiregion_router_document_parses_total')).toBeGreaterThanOrEqual(3);
    expect(value(scraped, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // A refused request never carries the client's partition value as a label.
    expect(text).not.toContain('apac');
    // Histogram buckets are cumulative and end at +Inf = count.
    const counts = [...text.matchAll(/^multiregion_router_upstream_response_seconds_bucket\{upstream="eu\/read",partition="eu",le="[^"]+"\} (\d+)$/gm)].map((m) => Number(m[1]));
    expect(counts.length).toBe(16);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(text).toMatch(/multiregion_router_upstream_response_seconds_bucket\{upstream="eu\/read",partition="eu",le="\+Inf"\} 3\n/);
  });

  it('answers only GET /metrics on the admin listener, and nothing on the public one', async () => {
    expect((await fetch(router.metricsUrl!.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(`${router.url}/metrics`, { headers: { 'x-tenant': 'eu' } })).headers.get('x-multiregion-route')).toBe('read'); // proxied, not the router's metrics
  });
});

describe('router metrics: the exposition format', () => {
  it('escapes label values and renders histograms cumulatively', () => {
    const c = new Counter('t_total', 'A "test"\ncounter.', ['a']);
    c.inc(['x"y\\z\n']);
    expect(c.render()).toBe('# HELP t_total A "test"\\ncounter.\n# TYPE t_total counter\nt_total{a="x\\"y\\\\z\\n"} 1\n');
    const h = new Histogram('t_seconds', 'h', ['u'], [0.1, 1]);
    h.observe(['a'], 0.05);
    h.observe(['a'], 0.5);
    h.observe(['a'], 5);
    expect(h.render()).toBe('# HELP t_seconds h\n# TYPE t_seconds histogram\nt_seconds_bucket{u="a",le="0.1"} 1\nt_seconds_bucket{u="a",le="1"} 2\nt_seconds_bucket{u="a",le="+Inf"} 3\nt_seconds_sum{u="a"} 5.55\nt_seconds_count{u="a"} 3\n');
  });
});

describe('docs/router-grafana.json', () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '../../docs/router-grafana.json'), 'utf8'));
  const panels: { title: string; targets?: { expr: string }[] }[] = dashboard.panels.filter((p: { type: string }) => p.type !== 'row');
  const exposed = new Set(
    (parsePrometheusTextFormat(new (require('../../lib/router').RouterMetrics)().render()) as Family[]).map((f) => f.name),
  );
  for (const name of ['multiregion_router_requests_total', 'multiregion_router_request_duration_seconds', 'multiregion_router_upstream_response_seconds', 'multiregion_router_upstream_errors_total', 'multiregion_router_read_fallbacks_total', 'multiregion_router_read_your_writes_pins_total', 'multiregion_router_body_too_large_total']) {
    exposed.add(name);
  }

  it('has a panel for every question the on-call engineer asks', () => {
    expect(panels.map((p) => p.title)).toEqual(expect.arrayContaining([
      'Requests by route', 'Refused requests by reason', 'Write reasons', 'Upstream latency p50 / p99', 'Upstream errors and read fallbacks',
      'Read-your-own-writes pins', 'Body-size rejections', 'Router added latency p99 (request minus upstream)',
    ]));
  });

  it('every query is valid PromQL and names only metrics the router exposes', () => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr.replace(/\$__rate_interval/g, '1m').replace(/\$partition/g, 'eu').replace(/\$job/g, 'router')));
    expect(exprs.length).toBeGreaterThan(8);
    for (const expr of exprs) {
      const tree = promql.parse(expr);
      let error = false;
      tree.iterate({ enter: (node) => { if (node.type.isError) error = true; } });
      expect([expr, error]).toEqual([expr, false]);
      for (const [name] of expr.matchAll(/\b(multiregion_router_[a-z_]+|process_[a-z_]+)\b/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect([expr, exposed.has(base) || exposed.has(name)]).toEqual([expr, true]);
      }
    }
  });
});
