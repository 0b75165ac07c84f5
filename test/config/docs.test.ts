/**
 * The docs of the configuration file: the key reference of docs/config.md
 * is generated from the table the validator uses (and up to date), its
 * example is a valid file, the `$schema` comments lead to the shipped
 * schema, and the README's quick start names a file that exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig } from '../../lib/config/load';
import { keyPaths, replaceReference } from '../../lib/config/reference';

const ROOT = path.join(__dirname, '..', '..');
const docs = fs.readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8');

test('docs/config.md\'s key reference is up to date (npm run config:generate)', () => {
  expect(replaceReference(docs)).toBe(docs);
});

test('the reference has a row, with an anchor, for every key the validator knows', () => {
  const paths = keyPaths().filter((p) => p !== '$schema');
  expect(paths.length).toBeGreaterThan(50);
  const missing = paths.filter((p) => !docs.includes(`\`${p}\` |`) || !docs.includes(`id="${p.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}"`));
  expect(missing).toEqual([]);
});

test('the example at the top of docs/config.md is a valid file, without a warning', () => {
  const example = /```yaml\n([\s\S]*?)```/.exec(docs)![1];
  const loaded = parseConfig(example, 'docs/config.md');
  expect(loaded.problems).toEqual([]);
  expect(loaded.config).toMatchObject({ phase: 4, origin: 'us-east-1', standbyRegion: 'eu-west-1', readRegions: ['us-east-1', 'eu-west-1'] });
});

test('the $schema comments lead to the schema the package ships', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
  expect(pkg.files).toContain('schema');
  expect(pkg.exports['./schema/multiregion.schema.json']).toBe('./schema/multiregion.schema.json');
  expect(docs).toContain('# yaml-language-server: $schema=./node_modules/multiregion-constructs/schema/multiregion.schema.json');
  for (const cloud of ['aws', 'gcp']) {
    const dir = path.join(ROOT, 'examples', 'config', cloud);
    for (const file of fs.readdirSync(dir)) {
      const first = fs.readFileSync(path.join(dir, file), 'utf8').split('\n')[0];
      const target = /^# yaml-language-server: \$schema=(.+)$/.exec(first)?.[1];
      expect(target && fs.existsSync(path.resolve(dir, target)) ? path.resolve(dir, target) : `${file}: ${first}`).toBe(path.join(ROOT, 'schema', 'multiregion.schema.json'));
    }
  }
});

test('the README\'s quick start plans an example file that exists', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const command = /npx multiregion plan (examples\/\S+\.yaml)/.exec(readme);
  expect(command?.[1]).toBe('examples/config/aws/phase-3.yaml');
  expect(fs.existsSync(path.join(ROOT, command![1]))).toBe(true);
  expect(readme).toContain('docs/config.md');
});
