import { CloudProfile, validatePartitions } from '../../lib/core';
import {
  checkPartitionRouting,
  createClassifier,
  createPartitionResolver,
  createRouterServer,
  parsePartitionSource,
  PartitionSource,
  ReadYourWrites,
  validateEdgeConfig,
} from '../../lib/router';
import { json } from './request-shapes';
import { partitionManifest, partitionRows, PARTITIONS, Q_T } from './partition-shapes';

const upstreams = { eu: { write: 'http://127.0.0.1:1', read: 'http://127.0.0.1:2' }, us: { write: 'http://127.0.0.1:3', read: 'http://127.0.0.1:4' } };

function decide(source: PartitionSource, request: Parameters<ReturnType<typeof createClassifier>['classify']>[0], lines: readonly string[], preflightPartition?: string) {
  const classifier = createClassifier({ manifest: partitionManifest, maxBodyBytes: 256 * 1024, partitionVariable: source.type === 'variable' ? source.name : undefined });
  const resolver = createPartitionResolver({ partitions: upstreams, source, preflightPartition });
  const decision = classifier.classify(request);
  return { decision, partition: resolver.resolve(decision, lines) };
}

describe('partition routing: the classification table with partition rows', () => {
  it('has rows for every source and outcome', () => {
    expect(partitionRows.length).toBeGreaterThanOrEqual(60);
    for (const type of ['header', 'cookie', 'variable']) {
      const rows = partitionRows.filter(([, source]) => source.type === type);
      expect(rows.some(([, , , , e]) => 'refused' in e)).toBe(true);
      expect(rows.some(([, , , , e]) => 'route' in e && e.route === 'write')).toBe(true);
    }
  });

  it.each(partitionRows.map(([name, source, request, lines, expected]) => [name, source, request, lines, expected] as const))(
    '%s',
    (_name, source, request, lines, expected) => {
      const { decision, partition } = decide(source, request, lines);
      if ('refused' in expected) {
        expect(partition.ok).toBe(false);
        if (!partition.ok) {
          expect(partition.refusal.reason).toBe(expected.refused);
          expect(partition.refusal.status).toBe(expected.status);
        }
      } else {
        expect(partition).toEqual({ ok: true, partition: expected.partition });
        expect(decision.route).toBe(expected.route);
        expect(decision.reason).toBe(expected.reason);
        expect(PARTITIONS).toContain(expected.partition);
      }
    },
  );

  it('never reads a partition a mutation is routed to without a write route (never-leak holds per partition)', () => {
    for (const [name, source, request, lines, expected] of partitionRows) {
      if ('refused' in expected) continue;
      const { decision } = decide(source, request, lines);
      if (expected.reason === 'mutation' || expected.reason.startsWith('batch-with')) expect([name, decision.route]).toEqual([name, 'write']);
    }
  });

  it('sends a CORS preflight without a key to preflightPartition, and nothing else', () => {
    const source: PartitionSource = { type: 'header', name: 'x-tenant' };
    expect(decide(source, { method: 'OPTIONS', url: '/graphql', headers: {} }, [], 'us').partition).toEqual({ ok: true, partition: 'us' });
    const query = decide(source, json({ query: '{ me { id } }' }), [], 'us').partition;
    expect(query.ok).toBe(false);
    const unknown = decide(source, { method: 'OPTIONS', url: '/graphql', headers: {} }, ['apac'], 'us').partition;
    expect(!unknown.ok && unknown.refusal.reason).toBe('partition-unknown');
  });

  it('reads the variable only with partitionVariable set, leaving the classification unchanged', () => {
    const request = json({ query: Q_T, variables: { tenant: 'eu' } });
    const plain = createClassifier().classify(request);
    const withVariable = createClassifier({ partitionVariable: 'tenant' }).classify(request);
    expect(plain.variable).toBeUndefined();
    expect(withVariable).toEqual({ ...plain, variable: { found: true, value: 'eu' } });
  });
});

describe('partition routing: trusted peers for a header source', () => {
  const resolver = createPartitionResolver({ partitions: upstreams, source: { type: 'header', name: 'x-tenant', trustedPeers: ['10.0.0.0/16', '127.0.0.1', 'fd00::/8'] } });
  it.each([
    ['10.0.3.4', true],
    ['::ffff:10.0.200.1', true],
    ['127.0.0.1', true],
    ['fd00::1', true],
    ['10.1.0.1', false],
    ['192.0.2.1', false],
    [undefined, false],
  ])('peer %s trusted: %s', (peer, trusted) => {
    const result = resolver.fromHead(['eu'], peer)!;
    if (trusted) expect(result).toEqual({ ok: true, partition: 'eu' });
    else expect(!result.ok && result.refusal.reason).toBe('partition-missing');
  });
});

describe('partition routing: configuration errors', () => {
  const problems = (routing: unknown, edge = false) =>
    checkPartitionRouting(routing as never, () => [], edge).map((p) => `${p.property}: ${p.message}; ${p.fix}`);

  it('agrees with the partition name rule of lib/core (PartitionSpec.name)', () => {
    const profile: CloudProfile = {
      cloud: 'aws', regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, regionExample: 'us-east-1', knownRegions: ['eu-west-1'],
      maxReplicaRegions: 2, maxReplicaRegionsSource: 'x', maxBackupRetentionDays: 35,
    };
    const names = ['eu', 'us-east', 'a', 'tenant-group-1', 'EU', '1eu', 'eu-', 'e_u', 'a'.repeat(20), 'a'.repeat(21), 'eu.west', ''];
    for (const name of names) {
      const core = validatePartitions([{ name, homeRegion: 'eu-west-1' }], 1, profile).some((p) => p.property.endsWith('.name'));
      const router = problems({ partitions: { [name]: {} }, source: { type: 'header', name: 'x-tenant' } }).some((m) => m.startsWith(`partitioning.partitions.${name}:`));
      expect([name, router]).toEqual([name, core]);
    }
  });

  it('names every problem with the property, the value and the fix', () => {
    expect(problems({ partitions: {}, source: undefined })).toEqual([
      "partitioning.partitions: partitioning.partitions {} names no partition; map each partition name to its upstreams, e.g. { eu: { write: 'https://write.eu.api.example.com', read: 'https://read.eu.api.example.com' } }",
      "partitioning.source: partitioning.source is missing, so the router cannot tell which partition a request belongs to; set source to { type: 'header', name: 'x-tenant' }, { type: 'cookie', name: 'tenant' }, { type: 'variable', name: 'tenant' } or { type: 'jwt', claim: 'tenant', keys: { jwks } }",
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'header', name: 'authorization' }, preflightPartition: 'us' })).toEqual([
      "partitioning.source.name: partitioning.source.name 'authorization' is a header the router or HTTP uses for something else; use a dedicated header such as 'x-tenant' (for a token, use the jwt source)",
      "partitioning.preflightPartition: partitioning.preflightPartition 'us' is not a configured partition; use one of 'eu', or leave it unset to refuse preflights without a partition key",
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'variable', name: '$tenant' } })).toEqual([
      "partitioning.source.name: partitioning.source.name '$tenant' is not a GraphQL variable name; give the name without '$', e.g. 'tenant'",
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'header', name: 'x-tenant', trustedPeers: ['10.0.0.0/33'] } })).toEqual([
      "partitioning.source.trustedPeers[0]: partitioning.source.trustedPeers[0] '10.0.0.0/33' is not an IP address or CIDR block; use e.g. '10.0.1.5', '10.0.0.0/16' or 'fd00::/8'",
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'header', name: 'x-tenant', trustedPeers: ['10.0.0.0/8'] } }, true)).toEqual([
      "partitioning.source.trustedPeers: partitioning.source.trustedPeers is set, but at the edge the only peer is the viewer; remove it; set the header in a CloudFront viewer-request function that overwrites what viewers send",
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'jwt', claim: 'tenant', keys: { hmacSecret: 'short' } } })).toEqual([
      'partitioning.source.keys.hmacSecret[0]: partitioning.source.keys.hmacSecret[0] is a 5-character string; use a random secret of at least 32 characters, kept in a secrets manager',
    ]);
    expect(problems({ partitions: { eu: {} }, source: { type: 'magic', name: 'x' } })[0]).toMatch(/^partitioning\.source\.type: partitioning\.source\.type 'magic' is not a partition source; set source to/);
  });

  it('the Node router refuses partitions together with primary/read, and bad upstream URLs, at start-up', () => {
    expect(() => createRouterServer({ primary: 'http://127.0.0.1:1', partitioning: { partitions: upstreams, source: { type: 'header', name: 'x-tenant' } } })).toThrow(
      "Router 'server': primary 'http://127.0.0.1:1' is set together with partitioning, so some requests would have two possible write upstreams; remove primary: with partitioning every request goes to its partition's upstreams",
    );
    expect(() => createRouterServer({ partitioning: { partitions: { eu: { write: 'ftp://x', read: ['http://127.0.0.1:2', 'nope'] } }, source: { type: 'header', name: 'x-tenant' } } })).toThrow(
      /2 configuration problems:\n- Router 'server': partitioning\.partitions\.eu\.write 'ftp:\/\/x' is not an http\(s\) base URL; set partitioning\.partitions\.eu\.write to the upstream's base URL, e\.g\. https:\/\/write\.eu\.api\.example\.com\n- Router 'server': partitioning\.partitions\.eu\.read\[1\] 'nope' is not an http\(s\) base URL/,
    );
    expect(() => createRouterServer({} as never)).toThrow("2 configuration problems:\n- Router 'server': primary is missing; set primary to the write endpoint's base URL, or give partitioning for partition-aware routing\n- Router 'server': read is missing;");
  });

  it('the edge config refuses writeHost/readHost together with partitioning, and bad partition hosts', () => {
    expect(() => validateEdgeConfig({ writeHost: 'w.example.com', partitioning: { partitions: { eu: { writeHost: 'w.eu.example.com', readHost: 'https://r' } }, source: { type: 'header', name: 'x-tenant' } } })).toThrow(
      /EdgeRouter 'router-config\.json': writeHost 'w\.example\.com' is set together with partitioning[\s\S]*partitioning\.partitions\.eu\.readHost 'https:\/\/r' is not a bare hostname/,
    );
  });

  it('parses CLI-style sources', () => {
    expect(parsePartitionSource('header:x-tenant')).toEqual({ type: 'header', name: 'x-tenant' });
    expect(parsePartitionSource('variable:tenant')).toEqual({ type: 'variable', name: 'tenant' });
    expect(() => parsePartitionSource('jwt:tenant')).toThrow("Router 'partitioning': partition source 'jwt:tenant' needs keys to verify tokens (--jwt-keys); use header:<name>");
    expect(() => parsePartitionSource('query:tenant')).toThrow(/partition source 'query:tenant' has an unknown type/);
    expect(() => parsePartitionSource('header')).toThrow(/names no header, cookie, variable or claim/);
  });
});

describe('read-your-own-writes per partition', () => {
  const ryw = new ReadYourWrites({ windowMs: 5000, signingKey: 'k'.repeat(40) });
  const now = 1_700_000_000_000;
  const cookieOf = (setCookie: string) => ({ cookie: setCookie.split(';')[0] });

  it('a write in eu pins eu reads only', () => {
    const marker = ryw.marker(now, 'eu');
    expect(marker.value).toMatch(/^mr_ryw=eu:\d+\.[A-Za-z0-9_-]+; Max-Age=5;/);
    const headers = cookieOf(marker.value);
    expect(ryw.isMarked(headers, now + 1000, 'eu')).toBe(true);
    expect(ryw.isMarked(headers, now + 1000, 'us')).toBe(false);
    expect(ryw.isMarked(headers, now + 6000, 'eu')).toBe(false);
  });

  it('a later write in us keeps the live eu entry', () => {
    const eu = cookieOf(ryw.marker(now, 'eu').value);
    const both = cookieOf(ryw.marker(now + 2000, 'us', eu).value);
    expect(ryw.isMarked(both, now + 3000, 'eu')).toBe(true);
    expect(ryw.isMarked(both, now + 3000, 'us')).toBe(true);
    expect(ryw.isMarked(both, now + 5500, 'eu')).toBe(false); // eu's own expiry
    expect(ryw.isMarked(both, now + 5500, 'us')).toBe(true);
  });

  it('an eu entry relabelled us does not verify (the partition is signed)', () => {
    const value = ryw.marker(now, 'eu').value.split(';')[0].replace('mr_ryw=eu:', 'mr_ryw=us:');
    expect(ryw.isMarked({ cookie: value }, now + 1000, 'us')).toBe(false);
  });

  it('an unpartitioned marker does not pin a partition', () => {
    const plain = cookieOf(ryw.marker(now).value);
    expect(ryw.isMarked(plain, now + 1000)).toBe(true);
    expect(ryw.isMarked(plain, now + 1000, 'eu')).toBe(false);
  });
});
