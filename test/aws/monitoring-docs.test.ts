import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** GitHub's anchor of a heading. */
const anchor = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

test('every docs/monitoring.md anchor an alarm description or alert documentation links exists', () => {
  const headings = new Set([...read('docs/monitoring.md').matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));
  const used = [
    ...[...read('lib/aws/private/alarm-routing.ts').matchAll(/docAnchor: '([a-z-]+)'/g)].map((m) => m[1]),
    ...[...read('lib/gcp/monitoring.ts').matchAll(/anchor: '([a-z-]+)'/g)].map((m) => m[1]),
  ];
  expect(used.length).toBeGreaterThanOrEqual(15);
  expect(used.filter((a) => !headings.has(a))).toEqual([]);
});

test('the runbook sections alarm descriptions name are headings of the generated runbooks', () => {
  const runbook = read('docs/aws/runbooks/phase4-global.md');
  const sections = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]));
  const named = new Set([
    ...[...read('lib/aws/private/alarm-routing.ts').matchAll(/runbookSection: '([^']+)'/g)].map((m) => m[1]),
    ...[...read('lib/gcp/monitoring.ts').matchAll(/section: '([^']+)'/g)].map((m) => m[1]),
  ]);
  expect([...named].filter((s) => !sections.has(s))).toEqual([]);
});

test('the README links docs/monitoring.md', () => {
  expect(read('README.md')).toContain('[docs/monitoring.md](docs/monitoring.md)');
});
