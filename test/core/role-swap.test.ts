import { changedProperties, DeployedResource, findReplacements, formatReplacementFindings, ReplacementRules, valueAt } from '../../lib/core';

const rules: ReplacementRules = {
  stateful: ['db'],
  createOnly: {
    db: { properties: ['name', 'region', 'settings.disk', 'primary_of'], source: 'https://example.com/db', inPlaceWhen: { primary_of: 'switchover' } },
    dns: { properties: ['name'], source: 'https://example.com/dns' },
  },
  identity: { db: 'name' },
};

const db = (stack: string, address: string, props: Record<string, unknown>): DeployedResource => ({ stack, address, type: 'db', properties: props });

describe('findReplacements', () => {
  const a = db('app-us', 'db.main', { name: 'orders', region: 'us', settings: [{ disk: 'SSD', tier: 'small' }], primary_of: null });

  test('same stack, same address, same create-only values, other properties changed: nothing is replaced', () => {
    const b = db('app-us', 'db.main', { name: 'orders', region: 'us', settings: { disk: 'SSD', tier: 'large' }, primary_of: 'orders-eu' });
    expect(findReplacements([a], [b], rules)).toEqual([]);
  });

  test('a create-only property that changes names the resource, the property and both values', () => {
    const b = db('app-us', 'db.main', { name: 'orders', region: 'us', settings: { disk: 'HDD' } });
    const findings = findReplacements([a], [b], rules);
    expect(findings).toEqual([expect.objectContaining({ reason: 'create-only-changed', resource: 'app-us/db.main', property: 'settings.disk', before: 'SSD', after: 'HDD' })]);
    expect(formatReplacementFindings(findings)).toBe("- db app-us/db.main: create-only property settings.disk changes from 'SSD' to 'HDD', which replaces the resource (https://example.com/db)");
  });

  test('a stateful resource in another stack is a move (delete + create), recognised by its identity', () => {
    const b = db('app-primary', 'db.main', { name: 'orders', region: 'us', settings: { disk: 'SSD' } });
    expect(findReplacements([a], [b], rules).map((f) => f.message)).toEqual([
      "db 'orders' moved from app-us/db.main to app-primary/db.main: a deploy would delete it from one state and create it again in the other",
    ]);
  });

  test('a stateful resource that disappears is a removal; an added one is fine', () => {
    const added = db('app-eu', 'db.main', { name: 'orders-eu', region: 'eu' });
    expect(findReplacements([a], [added], rules).map((f) => f.reason)).toEqual(['removed']);
    expect(findReplacements([a], [a, added], rules)).toEqual([]);
  });

  test('stateless resources: only with checkStatelessCreateOnly', () => {
    const r1: DeployedResource = { stack: 's', address: 'dns.w', type: 'dns', properties: { name: 'write.' } };
    const r2: DeployedResource = { ...r1, properties: { name: 'write2.' } };
    expect(findReplacements([r1], [r2], rules)).toEqual([]);
    expect(findReplacements([r1], [r2], rules, { checkStatelessCreateOnly: true }).map((f) => f.property)).toEqual(['name']);
    expect(findReplacements([r1], [], rules)).toEqual([]);
  });

  test('an append-only list (appendOnly): appending is in place; changing, removing or reordering an entry replaces', () => {
    const ddlRules: ReplacementRules = {
      stateful: ['sdb'],
      createOnly: { sdb: { properties: ['name', 'ddl'], source: 'https://example.com/sdb', appendOnly: { ddl: 'appended statements run as an update' } } },
    };
    const sdb = (ddl?: string[]): DeployedResource => ({ stack: 's', address: 'sdb.main', type: 'sdb', properties: { name: 'ledger', ...(ddl ? { ddl } : {}) } });
    const before = sdb(["SET leader = 'a'"]);
    expect(findReplacements([before], [sdb(["SET leader = 'a'", "SET leader = 'b'"])], ddlRules)).toEqual([]);
    expect(findReplacements([sdb()], [sdb(["SET leader = 'a'"])], ddlRules)).toEqual([]);
    expect(findReplacements([before], [sdb(["SET leader = 'b'"])], ddlRules).map((f) => f.message)).toEqual([
      "sdb s/sdb.main: create-only property ddl changes from [\"SET leader = 'a'\"] to [\"SET leader = 'b'\"], which replaces the resource (https://example.com/sdb)",
    ]);
    expect(findReplacements([sdb(["x", "y"])], [sdb(["y", "x"])], ddlRules)).toHaveLength(1);
    expect(findReplacements([sdb(["x", "y"])], [sdb(["x"])], ddlRules)).toHaveLength(1);
    // Without appendOnly the same append is a replacement: the rule is what makes it in place.
    const strict: ReplacementRules = { ...ddlRules, createOnly: { sdb: { properties: ['name', 'ddl'], source: 'https://example.com/sdb' } } };
    expect(findReplacements([before], [sdb(["SET leader = 'a'", "SET leader = 'b'"])], strict)).toHaveLength(1);
  });

  test('a type without a rule is reported, so a new resource type gets classified', () => {
    const other: DeployedResource = { stack: 's', address: 'x.y', type: 'bucket', properties: {} };
    expect(findReplacements([other], [other], rules)).toEqual([expect.objectContaining({ reason: 'unclassified-type', type: 'bucket' })]);
  });
});

test('valueAt steps through one-element lists (Terraform blocks)', () => {
  expect(valueAt({ settings: [{ ip: { net: 'n' } }] }, 'settings.ip.net')).toBe('n');
  expect(valueAt({ settings: { ip: [{ net: 'n' }] } }, 'settings.ip.net')).toBe('n');
  expect(valueAt({}, 'settings.ip')).toBeUndefined();
});

test('changedProperties lists the leaves that differ', () => {
  expect(changedProperties({ a: 1, s: [{ b: 2, c: 3 }] }, { a: 1, s: { b: 2, c: 4 }, d: true })).toEqual(['d', 's.c']);
});
