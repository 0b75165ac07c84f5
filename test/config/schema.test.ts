/**
 * The JSON Schema shipped for editors and the validator agree: on a table of
 * good and bad files, every file the validator accepts the schema accepts;
 * every structural mistake both reject, at the same property; what only the
 * validator can see (the "semantic" rows) the schema lets through, as
 * documented. And schema/multiregion.schema.json is what the table makes.
 */
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { configSchema, configSchemaText } from '../../lib/config/schema';
import { aws3, Doc, gcp3, withChanges } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const ajv = new Ajv({ allErrors: true });
const schemaValidate = ajv.compile(configSchema());

/** The properties ajv names, in the validator's notation (`regions[1].role`). */
function schemaErrors(doc: unknown): string[] {
  if (schemaValidate(doc)) return [];
  // `if` errors only say that a `then` failed; the `then`'s own error names the property.
  return (schemaValidate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => {
    const parts = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`));
    const extra = e.keyword === 'required' ? `.${(e.params as { missingProperty: string }).missingProperty}`
      : e.keyword === 'additionalProperties' ? `.${(e.params as { additionalProperty: string }).additionalProperty}` : '';
    return `${parts.join('')}${extra}`.replace(/^\./, '');
  });
}

function validatorErrors(doc: unknown): string[] {
  return parseConfig(typeof doc === 'string' ? doc : stringify(doc), 'm.yaml').problems.filter((p) => p.severity === 'error').map((p) => p.property);
}

const r = (doc: Doc) => doc.regions as Doc[];
const structural: [string, unknown][] = [
  ['apiVersion v2', withChanges(aws3(), { apiVersion: 'multiregion/v2' })],
  ['an unknown key', withChanges(aws3(), { replication: { lagAlarms: '5s' } })],
  ['a key of the other cloud', withChanges(aws3(), { project: 'my-project' })],
  ['a missing account', withChanges(aws3(), { account: undefined })],
  ['an account as a number', withChanges(aws3(), { account: 123456789012 })],
  ['a quoted phase', withChanges(aws3(), { phase: '3' })],
  ['phase 6', withChanges(aws3(), { phase: 6 })],
  ['a duration without a unit', withChanges(aws3(), { objectives: { rpo: 30 } })],
  ['a misspelt role', withChanges(aws3(), { regions: [{ ...r(aws3())[0], role: 'primray' }, r(aws3())[1]] })],
  ['an unknown region', withChanges(aws3(), { regions: [r(aws3())[0], { ...r(aws3())[1], name: 'eu-west-9' }] })],
  ['an AWS region in a Google Cloud file', withChanges(gcp3(), { regions: [r(gcp3())[0], { ...r(gcp3())[1], name: 'eu-west-1' }] })],
  ['a Route 53 interval of 15s', withChanges(aws3(), { routing: { zone: 'example.com', hostedZoneId: 'Z1', healthCheck: { interval: '15s' } } })],
  ['latency routing on Google Cloud', withChanges(gcp3(), { routing: { zone: 'example.com', managedZone: 'z', strategy: 'latency' } })],
  ['a hostname endpoint on Google Cloud', withChanges(gcp3(), { regions: [{ ...r(gcp3())[0], endpoint: 'app.example.com' }, r(gcp3())[1]] })],
  ['phase 3 without routing', withChanges(aws3(), { routing: undefined })],
  ['headless on Google Cloud', withChanges(gcp3(), { regions: [...r(gcp3()), { name: 'asia-east1', role: 'headless' }] })],
  ['automatic decision on Google Cloud', withChanges(gcp3(), { failover: { decision: 'automatic' } })],
  ['allowDataLoss with a manual decision', withChanges(aws3(), { failover: { allowDataLoss: true } })],
  ['graphql in phase 3', withChanges(aws3(), { routing: { zone: 'example.com', hostedZoneId: 'Z1', graphql: true } })],
  ['mode in phase 4', withChanges(aws3(), { phase: 4, mode: 'geo-partitioned' })],
  ['phase 5 without mode', withChanges(aws3(), { phase: 5, origin: undefined })],
  ['geo-partitioned without partitions', withChanges(aws3(), { phase: 5, origin: undefined, mode: 'geo-partitioned' })],
  ['active-active with partitions', withChanges(aws3(), { phase: 5, origin: undefined, mode: 'active-active', partitions: [{ name: 'eu', homeRegion: 'eu-west-1' }] })],
  ['regions not a list', withChanges(aws3(), { regions: 'us-east-1' })],
  ['the seed documents\' wrapper', { multi_region: { regions: [] } }],
  ['last-write-wins', withChanges(aws3(), { phase: 5, origin: undefined, mode: 'last-write-wins' })],
];
/** Where the schema reports a rule across keys that the validator reports at the key that decides it. */
const SCHEMA_AT: Record<string, string> = {
  'phase 3 without routing': 'routing',
  'graphql in phase 3': 'phase',
  'geo-partitioned without partitions': 'partitions',
  'allowDataLoss with a manual decision': 'failover.decision',
};
const semantic: [string, unknown][] = [
  ['two primaries', withChanges(aws3(), { regions: [r(aws3())[0], { ...r(aws3())[1], role: 'primary' }] })],
  ['no primary', withChanges(aws3(), { regions: [{ ...r(aws3())[0], role: 'replica' }, r(aws3())[1]] })],
  ['a region twice', withChanges(aws3(), { regions: [...r(aws3()), { name: 'eu-west-1', role: 'replica' }] })],
  ['two standbys', withChanges(aws3(), { regions: [...r(aws3()), { name: 'ap-southeast-2', role: 'standby' }] })],
  ['origin outside the regions', withChanges(aws3(), { origin: 'eu-west-2' })],
  ['rpo below the replication lag', withChanges(aws3(), { objectives: { rpo: '2s' } })],
  ['rpo 0 across regions', withChanges(aws3(), { objectives: { rpo: '0s' } })],
  ['rto below the estimate', withChanges(aws3(), { objectives: { rto: '5m', rpo: '30s', acceptRpoGuardWriteStalls: true } })],
  ['an RPO guard with one secondary', withChanges(aws3(), { objectives: { rto: '15m', rpo: '30s' } })],
  ['a residency class that excludes the primary', withChanges(aws3(), { residency: [{ class: 'pii', allowedRegions: ['eu-west-1'] }] })],
  ['a Cloud DNS interval below 30s', withChanges(gcp3(), { routing: { zone: 'example.com', managedZone: 'z', healthCheck: { interval: '10s' } } })],
  ['backups for 3 days', withChanges(aws3(), { database: { backupRetention: '3d' } })],
  ['no endpoint on the primary', withChanges(aws3(), { regions: [{ name: 'us-east-1', role: 'primary' }, r(aws3())[1]] })],
];
const examples = ['aws', 'gcp'].flatMap((cloud) => fs.readdirSync(path.join(ROOT, 'examples', 'config', cloud)).map((f) => `examples/config/${cloud}/${f}`));
const docsExample = /```yaml\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8'))![1];
const good: [string, unknown][] = [
  ['aws phase 3', aws3()],
  ['gcp phase 3', gcp3()],
  ['aws phase 4 with automatic failover', withChanges(aws3(), { phase: 4, failover: { decision: 'automatic', engine: 'stepfunctions' }, routing: { zone: 'example.com.', hostedZoneId: 'Z1', graphql: true, healthCheck: { interval: '30s', failureThreshold: 2, path: '/up' }, ttl: '30s' } })],
  ['phase 1', withChanges(gcp3(), { phase: 1, origin: undefined, routing: undefined, regions: [{ name: 'us-central1', role: 'primary' }], database: { edition: 'ENTERPRISE', backupRetention: '30d' } })],
  ['docs/config.md', parse(docsExample)],
  ['the JSON fixture', parse(fs.readFileSync(path.join(ROOT, 'test', 'cli', 'fixtures', 'valid.json'), 'utf8'))],
  ...examples.map((f): [string, unknown] => [f, parse(fs.readFileSync(path.join(ROOT, f), 'utf8'))]),
];

test.each(good)('good: %s passes both', (_name, doc) => {
  expect(validatorErrors(doc)).toEqual([]);
  expect(schemaErrors(doc)).toEqual([]);
});

test.each(structural)('structural: %s fails both, at the same property', (name, doc) => {
  const mine = validatorErrors(doc);
  const theirs = schemaErrors(doc);
  expect(mine.length).toBeGreaterThan(0);
  expect(theirs.length).toBeGreaterThan(0);
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  const agree = SCHEMA_AT[name] ? theirs.includes(SCHEMA_AT[name]) : mine.some((p) => theirs.some((s) => s !== '' && (related(p, s) || related(s, p))));
  expect({ mine, theirs, agree }).toEqual(expect.objectContaining({ agree: true }));
});

test.each(semantic)('semantic: %s fails the validator only (the schema cannot see it)', (_name, doc) => {
  expect(validatorErrors(doc).length).toBeGreaterThan(0);
  expect(schemaErrors(doc)).toEqual([]);
});

test('the table covers every example and the docs\' example', () => {
  expect(examples).toHaveLength(12);
  expect(docsExample).toContain('apiVersion: multiregion/v1');
});

test('schema/multiregion.schema.json is what the table of keys makes (npm run config:generate)', () => {
  expect(fs.readFileSync(path.join(ROOT, 'schema', 'multiregion.schema.json'), 'utf8')).toBe(configSchemaText());
});

test('the schema is strict draft-07 that ajv compiles in strict mode, with every key described', () => {
  // strictRequired is off: a conditional's required keys (account on AWS) are defined in the base schema, which that lint does not read.
  expect(() => new Ajv({ strict: true, strictRequired: false }).compile(configSchema())).not.toThrow();
  const undescribed: string[] = [];
  const walk = (s: Record<string, unknown>, at: string) => {
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!v.description) undescribed.push(`${at}${k}`);
      walk(v, `${at}${k}.`);
      if (v.items) walk(v.items as Record<string, unknown>, `${at}${k}[].`);
    }
  };
  walk(configSchema(), '');
  expect(undescribed).toEqual([]);
});
