/**
 * Bad input, each with its message (file:line:column and the key where a file
 * is at fault); price overrides; the header every output carries; the diff;
 * the command line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { diffCosts, DISCLAIMER, estimateCost, renderDiff, renderMarkdown } from '../../lib/cost';
import { runCost } from '../../lib/cost/cli';
import { errorOf } from '../error-of';
import { auroraCluster, cdkOut, cleanup, file, tmpDir } from './fixtures';

afterAll(cleanup);

const db = (n = 2) => cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.r6g.large', n) } });

describe('no synthesized output', () => {
  test('a missing directory names the command that makes it', () => {
    const missing = path.join(tmpDir(), 'cdk.out');
    expect(errorOf(() => estimateCost(missing))).toBe(
      `estimateCost '${missing}': outDir '${missing}' does not exist: no synthesized output; run \`npm run synth\` (or \`npx cdk synth\` for cdk.out, \`cdktf synth\` / your cdktf app for cdktf.out) first`,
    );
  });

  test('a directory without manifest.json', () => {
    const empty = tmpDir();
    expect(errorOf(() => estimateCost(empty))).toContain(`outDir '${empty}' has no manifest.json: no synthesized output; run \`npm run synth\``);
  });

  test('npm run cost with no output in the working directory', () => {
    const cwd = tmpDir();
    expect(errorOf(() => runCost([], cwd))).toContain(`outDir '${path.join(cwd, 'cdk.out')}' does not exist: no synthesized output; run \`npm run synth\``);
  });
});

describe('price file', () => {
  test('not valid JSON: file:line:column', () => {
    const f = file('prices.json', '{\n  "version": "x",\n  "prices": { "aws": {, } }\n}\n');
    expect(errorOf(() => estimateCost(db(), { prices: f }))).toBe(
      `estimateCost '${f}:3:23': price file is not valid JSON or YAML (Unexpected , in flow map); correct the price file at ${f}:3:23`,
    );
  });

  test('a negative price: its file:line:column and key', () => {
    const f = file('prices.json', JSON.stringify({ version: 'mine', prices: { aws: { 'us-east-1': { 'kms.key': { usd: -1, unit: 'key-month', source: 'x', date: '2026-11-29' } } } } }, null, 2));
    expect(errorOf(() => estimateCost(db(), { prices: f }))).toBe(
      `estimateCost '${f}:7:18': prices.aws.us-east-1.kms.key.usd -1 is negative; set usd to a price of 0 or more`,
    );
  });

  test('a price that is not a number, a missing source, a bad date', () => {
    const entry = (e: Record<string, unknown>) => file('p.yaml', `version: mine\nprices:\n  gcp:\n    us-central1:\n      dns.queries: ${JSON.stringify({ usd: 1, unit: 'u', source: 's', date: '2026-01-01', ...e })}\n`);
    expect(errorOf(() => estimateCost(db(), { prices: entry({ usd: 'cheap' }) }))).toMatch(/p\.yaml:5:\d+': prices\.gcp\.us-central1\.dns\.queries\.usd 'cheap' is not a number; set usd to the list price in USD per unit$/);
    expect(errorOf(() => estimateCost(db(), { prices: entry({ source: '' }) }))).toContain("prices.gcp.us-central1.dns.queries.source '' is not a non-empty string; set source (the pricing page URL the price was read from)");
    expect(errorOf(() => estimateCost(db(), { prices: entry({ date: 'today' }) }))).toContain("prices.gcp.us-central1.dns.queries.date 'today' is not a date; set date to the day the price was read, YYYY-MM-DD");
  });

  test('an unknown cloud and a missing version', () => {
    expect(errorOf(() => estimateCost(db(), { prices: file('p.json', '{"version": "v", "prices": {"azure": {}}}') }))).toContain("prices.azure 'azure' is not a cloud the estimator prices; use \"aws\" or \"gcp\"");
    expect(errorOf(() => estimateCost(db(), { prices: file('p.json', '{"prices": {}}') }))).toMatch(/p\.json:1:1': version undefined is not a version string/);
  });

  test('--prices overrides entries one by one and the output says so', () => {
    const f = file('prices.json', JSON.stringify({
      version: 'negotiated-2026', prices: {
        aws: {
          'us-east-1': { 'aurora.instance.db.r6g.large': { usd: 0.5, unit: 'instance-hour', source: 'our contract', date: '2026-11-01' } },
          global: { 'arcRegionSwitch.plan': { usd: 10, unit: 'plan-month', source: 'our contract', date: '2026-11-01' } },
        },
      },
    }));
    const e = estimateCost(db(), { prices: f });
    expect(e.lineItems.filter((i) => i.resourceType === 'AWS::RDS::DBInstance').reduce((a, i) => a + i.monthly, 0)).toBe(730); // 2 × 730 × 0.5
    expect(e.lineItems.find((i) => i.item === 'Aurora storage (Aurora Standard)')?.unitPrice).toBe(0.1); // not overridden: built-in
    expect(e.priceTable).toEqual({ version: '2026-11-29', overrides: `${f} (version negotiated-2026)` });
    expect(renderMarkdown(e)).toContain(`Price table 2026-11-29, overridden by ${f} (version negotiated-2026); ${DISCLAIMER}`);
  });
});

describe('usage file', () => {
  test('negative and non-numeric usage: file:line:column and the key', () => {
    const neg = file('usage.yaml', 'database:\n  storageGb: -5\n');
    expect(errorOf(() => estimateCost(db(), { usage: neg }))).toBe(
      `estimateCost '${neg}:2:14': database.storageGb -5 is negative; set database.storageGb to a number of 0 or more (GB of data per database (Aurora cluster volume, Cloud SQL disk))`,
    );
    const text = file('usage.json', '{\n  "stacks": {\n    "Db": { "dns": { "queriesPerMonthMillions": "lots" } }\n  }\n}\n');
    expect(errorOf(() => estimateCost(db(), { usage: text }))).toBe(
      `estimateCost '${text}:3:49': dns.queriesPerMonthMillions 'lots' is not a number; set dns.queriesPerMonthMillions to a number of 0 or more (DNS queries per month per record name, millions)`,
    );
  });

  test('an unknown key and a boolean that is not one', () => {
    expect(errorOf(() => estimateCost(db(), { usage: file('u.yaml', 'database:\n  sizeGb: 5\n') }))).toMatch(/u\.yaml:2:11': usage key database\.sizeGb is not known; use one of database\.storageGb, /);
    expect(errorOf(() => estimateCost(db(), { usage: { healthChecks: { endpointsInAws: 'yes' } } }))).toBe(
      "estimateCost 'usage': healthChecks.endpointsInAws 'yes' is not true or false; set healthChecks.endpointsInAws to true or false",
    );
  });

  test('per-stack values win over the file-wide ones, and are not marked assumed', () => {
    const f = file('usage.yaml', 'database:\n  storageGb: 50\nstacks:\n  Db:\n    database:\n      storageGb: 400\n');
    const e = estimateCost([db(), cdkOut({ Other: { region: 'us-east-1', resources: auroraCluster('db.r6g.large', 1) } })], { usage: f });
    const storage = (stack: string) => e.lineItems.find((i) => i.stack === stack && i.item.startsWith('Aurora storage'))!;
    expect([storage('Db').quantity, storage('Other').quantity]).toEqual([400, 50]);
    expect(storage('Db').assumed).toEqual([]);
  });
});

describe('output', () => {
  test('Markdown and JSON always carry the table date and the disclaimer', () => {
    const e = estimateCost(db());
    expect(renderMarkdown(e)).toContain(`Price table 2026-11-29; ${DISCLAIMER}; 730 hours a month.`);
    const json = JSON.parse(runCost([db(), '--format', 'json']));
    expect(json).toMatchObject({ currency: 'USD', disclaimer: 'estimate in USD, list prices, before discounts and taxes', priceTable: { version: '2026-11-29' } });
    expect(json.ladder).toEqual([]);
  });

  test('diff between two outputs, per line item', () => {
    const d = diffCosts(estimateCost(db(2)), estimateCost(db(3)));
    expect(d.rows).toEqual([{ cloud: 'aws', stack: 'Db', region: 'us-east-1', item: 'Aurora instance db.r6g.large', before: 379.6, after: 569.4, delta: 189.8 }]);
    expect(d.delta).toBe(189.8);
    expect(renderDiff(d)).toContain('## Cost change: +$189.80 a month');
    expect(runCost(['--diff', db(2), db(2)])).toContain('No line item changed.');
  });

  test('a new unknown class shows in the diff as newly not priced', () => {
    const after = cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.x2g.large', 2) } });
    const d = diffCosts(estimateCost(db(2)), estimateCost(after));
    expect(d.newlyNotPriced.map((n) => n.detail)).toEqual(['Aurora instance class db.x2g.large is not in the price table for us-east-1']);
    expect(d.rows[0]).toMatchObject({ item: 'Aurora instance db.r6g.large', delta: -379.6 });
  });

  test('bad command-line options', () => {
    expect(errorOf(() => runCost(['--format', 'yaml']))).toContain("--format 'yaml' is not markdown or json");
    expect(errorOf(() => runCost(['--colour']))).toContain('unknown option --colour');
    expect(errorOf(() => runCost(['--usage']))).toContain('--usage needs a value');
  });

  test('--write-docs replaces only the generated section', () => {
    const docs = file('cost.md', '# Cost\n\nHand-written.\n');
    expect(runCost([db(), '--write-docs', '--docs', docs], '/')).toBe(`updated: ${path.relative('/', docs)}`);
    const text = fs.readFileSync(docs, 'utf8');
    expect(text.startsWith('# Cost\n\nHand-written.\n')).toBe(true);
    expect(text).toContain('## The price table');
    expect(runCost([db(), '--write-docs', '--docs', docs], '/')).toBe(`unchanged: ${path.relative('/', docs)}`);
  });
});
