/**
 * Issue 10, AWS: a deployment created before stacks were named by region
 * keeps every stateful resource. With `stackNaming: 'by-role'` (here
 * `-c stackNaming=by-role` on the examples) the stacks keep their names
 * (`PhaseN-Primary`, `PhaseN-Replica-<region>`) and every stateful resource
 * its logical id and every property, compared with what version 0.1
 * synthesized (fixtures/v0.1-example-stateful.json, taken from the code of
 * commit 6b6f019). Without the option the same deployment would get new
 * stacks: the check below fails for it.
 */
import { App } from 'aws-cdk-lib';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { exampleContext } from '../aws/helpers';
import { compareStateful, loadReplacementSpec, ReplacementSpec, SynthesizedStack, synthesize } from './aws-compare';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const v01 = require('./fixtures/v0.1-example-stateful.json') as { stacks: Record<string, { region: string; resources: SynthesizedStack['resources'] }> };
const before = (phase: number): Record<string, SynthesizedStack> => Object.fromEntries(Object.entries(v01.stacks)
  .filter(([name]) => name.startsWith(`Phase${phase}-`))
  .map(([name, s]) => [name, { name, region: s.region, resources: s.resources }]));

const builders: Record<number, (app: App) => unknown> = { 2: buildPhase2, 3: buildPhase3, 4: buildPhase4 };
const synth = (phase: number, context: Record<string, unknown>) => {
  const app = new App({ context: exampleContext(context) });
  builders[phase](app);
  return synthesize(app);
};

let spec: ReplacementSpec;
beforeAll(async () => {
  spec = await loadReplacementSpec();
});

test.each([2, 3, 4])('phase %d with stackNaming by-role: every stateful resource of 0.1 keeps its stack, logical id and properties', (phase) => {
  const now = synth(phase, { stackNaming: 'by-role' });
  expect(Object.keys(now)).toEqual(expect.arrayContaining(Object.keys(before(phase))));
  expect(compareStateful(before(phase), now, spec).map((c) => `${c.kind}: ${c.message}`)).toEqual([]);
});

test('and after a failover to eu-west-1 (writer moved in the configuration, origin pinned), still nothing is removed or replaced', () => {
  const now = synth(3, { stackNaming: 'by-role', primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' });
  const changes = compareStateful(before(3), now, spec);
  expect(changes.filter((c) => c.kind !== 'updated').map((c) => c.message)).toEqual([]);
  // rds.global_db_rpo follows the writer.
  expect(changes.map((c) => `${c.stack} ${c.type} ${c.property}`).sort()).toEqual([
    'Phase3-Primary AWS::RDS::DBClusterParameterGroup Parameters',
    'Phase3-Replica-eu-west-1 AWS::RDS::DBClusterParameterGroup Parameters',
  ]);
});

test('the check can fail: the default by-region names would give that deployment new stacks (every stateful resource reported)', () => {
  const now = synth(2, {});
  const removed = compareStateful(before(2), now, spec).filter((c) => c.kind === 'removed');
  expect(removed).toHaveLength(Object.values(before(2)).reduce((n, s) => n + Object.keys(s.resources).length, 0));
  expect(removed[0].message).toMatch(/^stack Phase2-Primary \(us-east-1\): .*: its stack is gone, so the resource would be deleted and created again$/);
});
