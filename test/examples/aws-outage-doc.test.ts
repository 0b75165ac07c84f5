/**
 * Issue 15 (AWS documentation): docs/aws/outage.md says, for the loss of each
 * region of the examples, which stacks can still be deployed. A stack can be
 * deployed exactly when CloudFormation in its own region answers: the tables
 * must agree with the regions the example stacks really have.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExamples } from '../../examples/aws/app';
import { contextFile } from '../aws/helpers';

const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'aws', 'outage.md'), 'utf8');

const app = new App({ context: contextFile() });
buildExamples(app);
const regionOf = new Map(app.node.children.filter((c): c is Stack => c instanceof Stack).map((s) => [s.stackName, s.region]));
const regions = [...new Set(regionOf.values())].sort();

/** Rows `| \`PhaseN-…\` | region | status |` (or the application in each region's stacks) of the "## Loss of <region>" section. */
function table(lost: string): { stack: string; region: string; status: string }[] {
  const section = page.split(/^## /m).find((s) => s.startsWith(`Loss of ${lost} `));
  if (!section) return [];
  return section.split('\n').filter((l) => /^\| `(Phase|Connect)/.test(l)).map((l) => {
    const [stack, region, status] = l.split('|').slice(1, 4).map((c) => c.trim().replace(/`/g, ''));
    return { stack, region, status };
  });
}

test.each(regions)('loss of %s: every example stack is listed, deployable exactly when it lives in another region', (lost) => {
  const rows = table(lost);
  expect(rows.length).toBeGreaterThan(0);
  const listed = new Set<string>();
  for (const row of rows) {
    // `PhaseN-…` stands for the five phases; the application in each region's rows list their stacks.
    const names = row.stack.includes('PhaseN') ? [1, 2, 3, 4, 5].map((n) => row.stack.replace('PhaseN', `Phase${n}`)) : row.stack.split(/,\s*/);
    const stacks = [...new Set(names)].filter((name) => regionOf.has(name));
    expect(stacks.length).toBeGreaterThan(0);
    for (const name of stacks) {
      listed.add(name);
      expect(`${name} ${row.region} ${row.status}`).toBe(`${name} ${regionOf.get(name)} ${regionOf.get(name) === lost ? 'not deployable' : 'deployable'}`);
    }
  }
  expect([...regionOf.keys()].filter((name) => !listed.has(name))).toEqual([]);
});

test('the page cites AWS on the control planes it relies on', () => {
  for (const url of [
    'https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/appendix-b---edge-network-global-service-guidance.html',
    'https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html',
    'https://docs.aws.amazon.com/r53recovery/latest/dg/actions.region-switch.html',
  ]) expect(page).toContain(url);
});
