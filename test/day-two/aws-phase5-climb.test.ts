/**
 * Issue 8: the climb from phase 4 to phase 5 on AWS replaces nothing. The
 * phase-4 deployment becomes the first partition of a GeoPartitionedDatabase
 * (its stack prefix): every stateful resource of phase 4 keeps its stack,
 * its logical id and its create-only properties (core's findReplacements,
 * with the CloudFormation specification as its rules); the new partition and
 * the DSQL ledger are additions. A change of a partition's stack names or
 * global cluster would be caught.
 */
import { App } from 'aws-cdk-lib';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { buildPhase5 } from '../../examples/aws/phase-5';
import { exampleContext } from '../aws/helpers';
import { AllowedChange, compareStateful, loadReplacementSpec, ReplacementSpec, STATEFUL_TYPES, synthesize } from './aws-compare';

const TYPES = [...STATEFUL_TYPES, 'AWS::DSQL::Cluster'];
const NONE: readonly AllowedChange[] = [];

function synth(build: (app: App, name: string) => unknown, context: Record<string, unknown> = {}) {
  const app = new App({ context: exampleContext(context) });
  build(app, 'Orders');
  return synthesize(app);
}

let spec: ReplacementSpec;
beforeAll(async () => {
  spec = await loadReplacementSpec(TYPES);
});

describe.each([
  ['two regions', {}],
  ['three regions', { replicaRegions: 'eu-west-1,ap-southeast-2' }],
])('%s', (_name, context) => {
  const phase4 = synth(buildPhase4, context);
  const phase5 = synth(buildPhase5, context);

  test('phase 4 → 5 removes and replaces no stateful resource', () => {
    const changes = compareStateful(phase4, phase5, spec, NONE, TYPES);
    expect(changes.filter((c) => c.kind !== 'updated').map((c) => c.message)).toEqual([]);
  });

  test('what changes in place: nothing stateful', () => {
    expect(compareStateful(phase4, phase5, spec, NONE, TYPES).map((c) => c.message)).toEqual([]);
  });

  test('the phase-4 stacks are the first partition\'s; the new partition and the ledger are new stacks', () => {
    const old = Object.keys(phase4);
    expect(old.filter((s) => !(s in phase5))).toEqual([]);
    expect(Object.keys(phase5).filter((s) => !old.includes(s)).sort()).toEqual([
      'Orders-Ledger-us-east-1', 'Orders-Ledger-us-east-2', 'Orders-eu-Routing', 'Orders-eu-eu-central-1', 'Orders-eu-eu-west-1',
    ]);
  });
});

test('the check would catch a partition that does not keep the phase-4 names', () => {
  const phase4 = synth(buildPhase4);
  const renamed = synth((app, name) => buildPhase5(app, `${name}2`));
  const removed = compareStateful(phase4, renamed, spec, NONE, TYPES).filter((c) => c.kind === 'removed');
  expect(removed.length).toBeGreaterThan(0);
  expect(removed.map((c) => c.stack)).toContain('Orders-us-east-1');
});
