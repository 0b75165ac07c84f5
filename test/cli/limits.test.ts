/**
 * Files that are not configurations are refused, not processed: more than
 * 1 MiB (refused before it is read), aliases that expand exponentially (the
 * "billion laughs": refused before expanding), absurd nesting (refused
 * before parsing). How fast each
 * is refused is measured by the bench (bench/config.js), not timed here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { multiregion } from './binary';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-limits-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The alias bomb: 9 levels of 9 aliases each, 9^9 (387 million) strings once expanded. */
function aliasBomb(): string {
  const names = 'abcdefghi';
  const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

test('a 2 MB file is refused before it is read', () => {
  const file = path.join(dir, 'big.yaml');
  fs.writeFileSync(file, `apiVersion: multiregion/v1\n${'# padding\n'.repeat(210_000)}`);
  expect(fs.statSync(file).size).toBeGreaterThan(2_000_000);
  const r = multiregion(['validate', file]);
  expect(r.stdout).toContain(`${file}:1:1 error the file is 2.0 MiB, more than the 1 MiB a configuration file may have; check that this is the configuration file (a 20-region configuration is a few kilobytes)`);
  expect(r.status).toBe(1);
});

test('an alias bomb is refused at its first alias, without expanding it', () => {
  const file = path.join(dir, 'bomb.yaml');
  fs.writeFileSync(file, aliasBomb());
  const r = multiregion(['validate', file]);
  expect(r.stdout).toContain(`${file}:2:8 error the aliases of the file expand to more than 100 copies (Excessive alias count indicates a resource exhaustion attack): refused without expanding them; write the values out, or use an anchor a few times only`);
  expect(r.status).toBe(1);
});

test('a few aliases are fine (anchors for a repeated value)', () => {
  const file = path.join(dir, 'anchors.yaml');
  fs.writeFileSync(file, [
    'apiVersion: multiregion/v1', 'name: orders', 'cloud: aws', "account: '111111111111'", 'phase: 2', 'origin: us-east-1',
    'regions:', '  - { name: us-east-1, role: primary, availabilityZones: &zones [us-east-1a, us-east-1b] }', '  - { name: eu-west-1, role: replica }',
    'residency:', '  - { class: a, allowedRegions: &all [us-east-1, eu-west-1] }', '  - { class: b, allowedRegions: *all }', '',
  ].join('\n'));
  const r = multiregion(['validate', file]);
  expect(r.stdout).toBe(`${file}: 0 errors, 0 warnings\n`);
  expect(r.status).toBe(0);
});

test('absurd nesting is refused by a linear scan, before the (recursive) parser sees it', () => {
  const file = path.join(dir, 'deep.yaml');
  fs.writeFileSync(file, `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
  const r = multiregion(['validate', file]);
  // The 65th bracket: column 3 + 64 + 1.
  expect(r.stdout).toContain(`${file}:1:68 error the file nests brackets more than 64 levels deep: refused without parsing it; write the configuration as plain YAML or JSON (a configuration nests a few levels)`);
  expect(r.status).toBe(1);
  // Brackets in quotes and comments do not count.
  const quoted = path.join(dir, 'quoted.yaml');
  fs.writeFileSync(quoted, `# ${'['.repeat(100)}\nname: "${'['.repeat(100)}"\n`);
  expect(multiregion(['validate', quoted]).stdout).not.toContain('levels deep');
});
