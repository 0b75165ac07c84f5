import {
  activeActiveBlastRadius, blastRadius, checkWriteMode, CloudProfile, CONFLICT_MODELS, estimatePartitionRecovery,
  missingPartitionEndpoint, PartitionSpec, partitionRegions, partitionUpstreamMap, renderBlastRadiusMarkdown, renderConflictModelMarkdown, resolvePartitions,
  validatePartitions, WRITE_MODES,
} from '../../lib/core';

const profile: CloudProfile = {
  cloud: 'aws',
  regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  regionExample: 'us-east-1',
  knownRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'ap-northeast-1'],
  maxReplicaRegions: 2,
  maxReplicaRegionsSource: 'https://example.test/limits',
  maxBackupRetentionDays: 35,
};
const words = { activeActiveEngine: 'Aurora DSQL', partitionEngine: 'Aurora Global Database' };
const EU = { name: 'EU personal data', allowedRegions: ['eu-*'] };

const eu: PartitionSpec = { name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'], residency: EU };
const us: PartitionSpec = { name: 'us', homeRegion: 'us-east-1', replicaRegions: ['us-west-2', 'eu-west-1'] };
const apac: PartitionSpec = { name: 'apac', homeRegion: 'ap-southeast-2' };

const messages = (partitions: readonly PartitionSpec[] | undefined, phase: 1 | 2 | 3 | 4 | 5 = 5) =>
  validatePartitions(partitions, phase, profile).map((p) => `${p.property}: ${p.message}; ${p.fix}`);

describe('write mode', () => {
  test('the two modes are accepted', () => {
    for (const mode of WRITE_MODES) expect(checkWriteMode(mode, profile, words)).toEqual([]);
  });
  test('phase 5 without a mode names both modes and their engines', () => {
    const [p] = checkWriteMode(undefined, profile, words);
    expect(p.property).toBe('mode');
    expect(`${p.message}; ${p.fix}`).toBe(
      'mode is not set, and phase 5 has no default: the two ways to write in several regions differ in cost, engine and what the application must do; '
      + "set mode to 'geo-partitioned' (one home region per partition on Aurora Global Database) or 'active-active' (Aurora DSQL, strongly consistent writes in several regions)");
  });
  test.each(['last-write-wins', 'LWW', 'multi-master'])('%s is refused with the reason, not as an unknown word', (mode) => {
    const [p] = checkWriteMode(mode, profile, words);
    expect(p.message).toBe(`mode '${mode}' asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on aws offers (and which silently discards one of two concurrent writes)`);
    expect(p.fix).toContain("'geo-partitioned'");
  });
  test('a construct can name the property and the cloud (additive options; the defaults above are unchanged)', () => {
    const gcp = { activeActiveEngine: 'Cloud Spanner', partitionEngine: 'Cloud SQL', cloudName: 'Google Cloud' };
    expect(checkWriteMode(undefined, profile, gcp, 'writeMode')[0]).toMatchObject({ property: 'writeMode', message: expect.stringMatching(/^writeMode is not set, /), fix: expect.stringMatching(/^set writeMode to 'geo-partitioned' \(one home region per partition on Cloud SQL\)/) });
    expect(checkWriteMode('last-write-wins', profile, gcp, 'writeMode')[0].message).toBe("writeMode 'last-write-wins' asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on Google Cloud offers (and which silently discards one of two concurrent writes)");
  });
  test('an unknown mode is named', () => {
    expect(checkWriteMode('sharded', profile, words)[0].message).toBe("mode 'sharded' is not a phase-5 write mode");
  });
});

describe('validatePartitions', () => {
  test('a valid three-partition layout has no problems and resolves standbys', () => {
    expect(messages([eu, us, { ...apac, replicaRegions: ['ap-northeast-1'] }])).toEqual([]);
    const resolved = resolvePartitions([eu, us, apac]);
    expect(resolved.map((p) => [p.name, p.standbyRegion])).toEqual([['eu', 'eu-central-1'], ['us', 'us-west-2'], ['apac', undefined]]);
    expect(partitionRegions(resolved)).toEqual(['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2']);
  });
  test('no partitions', () => {
    expect(messages([])).toEqual([
      "partitions: partitions is empty, but a geo-partitioned deployment writes each partition in its own home region; list at least one partition, e.g. [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }]",
    ]);
    expect(messages(undefined)).toHaveLength(1);
  });
  test('two partitions with the same name', () => {
    expect(messages([eu, { ...us, name: 'eu' }])).toEqual([
      "partitions[1].name: partitions[1].name 'eu' is also the name of partitions[0]; give each partition its own name; a partition has exactly one home region, so two homes for one set of data are two partitions",
    ]);
  });
  test.each(['', 'EU', '1eu', 'eu-', 'eu_west', 'a'.repeat(21)])('bad name %p', (name) => {
    expect(messages([{ ...eu, name }])).toEqual([
      `partitions[0].name: partitions[0].name '${name}' is not a valid partition name; use 1–20 lowercase letters, digits and hyphens, starting with a letter (it becomes part of hostnames and identifiers)`,
    ]);
  });
  test('a partition with two home regions', () => {
    const twoHomes = { ...eu, homeRegion: ['eu-west-1', 'eu-central-1'] } as unknown as PartitionSpec;
    expect(messages([twoHomes])).toEqual([
      "partitions[0].homeRegion: partitions[0].homeRegion ['eu-west-1', 'eu-central-1'] names 2 regions, but a partition has exactly one home region (two writers for one row would need conflict resolution); set homeRegion to one region and list the others in replicaRegions, or split the data into one partition per home region",
    ]);
  });
  test('a home region outside the residency rule', () => {
    expect(messages([{ ...eu, homeRegion: 'us-east-1' }])).toContain(
      "partitions[0].homeRegion: partitions[0].homeRegion 'us-east-1' is outside the regions partition 'eu' may use under the residency rule 'EU personal data' (allowed: eu-*); choose a home region the residency rule allows",
    );
  });
  test('a replica outside the residency rule, and no standby left inside it', () => {
    expect(messages([{ ...eu, replicaRegions: ['us-east-1'] }])).toEqual([
      "partitions[0].replicaRegions[0]: partitions[0].replicaRegions[0] 'us-east-1' may not hold a copy of partition 'eu' under the residency rule 'EU personal data' (allowed: eu-*); remove the region or choose one the residency rule allows",
      "partitions[0].replicaRegions: partition 'eu' has no standby region inside its residency rule 'EU personal data', but phase 5 fails writes over to a standby; add a replica region the rule allows (eu-*) other than 'eu-west-1'",
    ]);
  });
  test('no standby is an error from phase 3, not in phase 2', () => {
    expect(messages([apac], 3)).toEqual([
      "partitions[0].replicaRegions: partition 'apac' has no standby region, but phase 3 fails writes over to a standby; add a replica region other than 'ap-southeast-2'",
    ]);
    expect(messages([apac], 2)).toEqual([]);
  });
  test('unknown and malformed region names', () => {
    expect(messages([{ ...us, homeRegion: 'us-east-9', replicaRegions: ['Europe'] }])).toEqual(expect.arrayContaining([
      expect.stringMatching(/^partitions\[0\]\.homeRegion: partitions\[0\]\.homeRegion 'us-east-9' is not .* region this release knows/),
      expect.stringMatching(/^partitions\[0\]\.replicaRegions\[0\]: partitions\[0\]\.replicaRegions\[0\] 'Europe' is not a valid/),
    ]));
  });
  test('a replica in the home region, listed twice, or too many', () => {
    expect(messages([{ ...us, replicaRegions: ['us-east-1', 'us-west-2', 'us-west-2'] }])).toEqual([
      "partitions[0].replicaRegions[0]: partitions[0].replicaRegions[0] 'us-east-1' is the partition's home region; a read copy must be in another region: remove it or choose a different region",
      "partitions[0].replicaRegions[2]: partitions[0].replicaRegions[2] 'us-west-2' is listed twice; list each replica region once",
      'partitions[0].replicaRegions: partitions[0].replicaRegions lists 3 regions, more than the 2 secondary regions aws allows (https://example.test/limits); keep at most 2 replica regions per partition',
    ]);
  });
});

describe('blast radius', () => {
  const layout = resolvePartitions([eu, us, apac]);
  const rows = blastRadius(layout);
  const row = (region: string) => rows.find((r) => r.region === region)!;

  test('losing a home region fails that partition over; other copies keep reads', () => {
    expect(row('eu-west-1')).toEqual({
      region: 'eu-west-1',
      mustFailOver: ['eu'],
      writesLost: [],
      readsServedElsewhere: ['eu', 'us'],
      readsLost: [],
      unaffected: ['apac'],
    });
  });
  test('a partition with a single copy loses writes and reads with its region', () => {
    expect(row('ap-southeast-2')).toMatchObject({ mustFailOver: [], writesLost: ['apac'], readsLost: ['apac'], unaffected: ['eu', 'us'] });
  });
  test('losing a replica-only region costs no writes', () => {
    expect(row('eu-central-1')).toMatchObject({ mustFailOver: [], writesLost: [], readsServedElsewhere: ['eu'], readsLost: [] });
  });
  test('one row per region that holds data, rendered as a table', () => {
    expect(rows.map((r) => r.region)).toEqual(partitionRegions(layout));
    const md = renderBlastRadiusMarkdown(rows);
    expect(md.split('\n')).toHaveLength(2 + rows.length);
    expect(md).toContain('| ap-southeast-2 | — | apac | — | apac | eu, us |');
  });
  test('active-active: a peer loss moves clients, a witness loss alone costs nothing', () => {
    const aa = activeActiveBlastRadius({ writeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2' });
    expect(aa).toHaveLength(3);
    expect(aa[0].effect).toContain('writes and reads continue in us-east-2 with no data loss');
    expect(aa[2]).toEqual({ region: 'us-west-2', effect: 'no client impact while us-east-1 and us-east-2 are up; losing one of them as well leaves no quorum and writes stop' });
  });
});

describe('conflict models and recovery', () => {
  test('each mode says who writes, what conflicts do and what the application must do', () => {
    expect(CONFLICT_MODELS['geo-partitioned'].conflicts).toMatch(/^none between regions/);
    expect(CONFLICT_MODELS['active-active'].applicationMust[0]).toMatch(/retry a transaction that fails with a serialization error/);
    const md = renderConflictModelMarkdown(CONFLICT_MODELS['active-active'], 'DSQL: optimistic concurrency control.');
    expect(md).toMatch(/^\*\*Writers:\*\* every write region, for every row\./);
    expect(md.endsWith('DSQL: optimistic concurrency control.')).toBe(true);
  });
  test('estimates per partition use each partition\'s own inputs', () => {
    const layout = resolvePartitions([eu, us]);
    const base = {
      detection: { intervalSeconds: 10, failureThreshold: 3 },
      switchover: { seconds: 60, description: 'switchover', source: 'https://example.test/s' },
      failover: { seconds: 120, description: 'failover', source: 'https://example.test/f' },
      dnsTtlSeconds: 60,
      replication: { typicalLagSeconds: 1, source: 'https://example.test/lag' },
    };
    const out = estimatePartitionRecovery(layout, (p) => ({ ...base, decisionSeconds: p.name === 'eu' ? 600 : 0 }));
    expect(Object.keys(out)).toEqual(['eu', 'us']);
    expect(out.eu.failover.rtoSeconds - out.us.failover.rtoSeconds).toBe(600);
    expect(out.us.failover.rtoSeconds).toBe(30 + 120 + 60);
  });
});

describe('shared by both clouds\' GeoPartitionedDatabase', () => {
  test('partitionUpstreamMap: base URLs without the DNS root dot, reads only to the partition\'s own read record', () => {
    expect(partitionUpstreamMap([
      { name: 'eu', writeHostname: 'write.eu.example.com.', readHostname: 'read.eu.example.com.' },
      { name: 'us', writeHostname: 'write.us.example.com', readHostname: 'read.us.example.com' },
    ], 'http')).toEqual({
      eu: { write: 'http://write.eu.example.com', read: ['http://read.eu.example.com'] },
      us: { write: 'http://write.us.example.com', read: ['http://read.us.example.com'] },
    });
  });

  test('missingPartitionEndpoint names the partition, every region without an endpoint and the cloud\'s fix', () => {
    const p = { name: 'eu', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1', 'eu-west-3'] };
    expect(missingPartitionEndpoint(p, new Set(['eu-central-1', 'eu-west-1', 'eu-west-3']), (r) => r)).toBeUndefined();
    expect(missingPartitionEndpoint(p, new Set(['eu-central-1']), (r) => `{ region: '${r}' }`)).toEqual({
      property: 'endpoints',
      message: "endpoints has no endpoint in eu-west-1, eu-west-3, regions of partition 'eu', so its records could not send traffic there",
      fix: "add { region: 'eu-west-1' } to endpoints",
    });
  });
});
