/**
 * Issue 10, AWS: the ladder is climbed in place. Each example phase, built
 * under one deployment name, deployed over the previous one, replaces no
 * stateful resource: a new region or a new resource is an addition, and
 * every stateful resource of phase N keeps its stack, its logical id and its
 * create-only properties in phase N + 1.
 */
import { App } from 'aws-cdk-lib';
import { buildPhase1 } from '../../examples/aws/phase-1';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { exampleContext } from '../aws/helpers';
import { AllowedChange, compareStateful, loadReplacementSpec, ReplacementSpec, synthesize } from './aws-compare';

/**
 * `causesReplacement: 'maybe'` in the specification, an in-place update in
 * the CloudFormation reference: "AutoMinorVersionUpgrade … Update requires:
 * No interruption"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html).
 * Phase 2 turns automatic minor upgrades off on a global database's instances (docs/aws/phase-2.md).
 */
const IN_PLACE: readonly AllowedChange[] = [{
  type: 'AWS::RDS::DBInstance',
  property: 'AutoMinorVersionUpgrade',
  reason: 'Update requires: No interruption (CloudFormation reference of AWS::RDS::DBInstance)',
}];

const builders: Record<number, (app: App, name: string) => unknown> = { 1: buildPhase1, 2: buildPhase2, 3: buildPhase3, 4: buildPhase4 };

function synth(phase: number, context: Record<string, unknown> = {}) {
  const app = new App({ context: exampleContext(context) });
  builders[phase](app, 'Orders');
  return synthesize(app);
}

let spec: ReplacementSpec;
beforeAll(async () => {
  spec = await loadReplacementSpec();
});

describe.each([
  ['two regions', {}],
  ['three regions', { replicaRegions: 'eu-west-1,ap-southeast-2' }],
])('%s', (_name, context) => {
  const phases = [1, 2, 3, 4].map((n) => synth(n, context));

  test.each([1, 2, 3])('phase %d → the next removes and replaces no stateful resource', (n) => {
    const changes = compareStateful(phases[n - 1], phases[n], spec, IN_PLACE);
    expect(changes.filter((c) => c.kind !== 'updated').map((c) => c.message)).toEqual([]);
  });

  test('what does change in place, phase by phase', () => {
    const summary = [1, 2, 3].map((n) => [...new Set(compareStateful(phases[n - 1], phases[n], spec, IN_PLACE).map((c) => `${c.type} ${c.property}`))].sort());
    expect(summary).toEqual([
      // 1 → 2: the secret is replicated to the new region; minor upgrades are pinned on a global database.
      ['AWS::RDS::DBInstance AutoMinorVersionUpgrade', 'AWS::SecretsManager::Secret ReplicaRegions'],
      // 2 → 3: the declared RPO is enforced on the writer.
      ['AWS::RDS::DBClusterParameterGroup Parameters'],
      // 3 → 4: nothing stateful.
      [],
    ]);
  });

  test('the origin region\'s stack keeps its name from phase 1 to phase 4', () => {
    for (const p of phases) expect(p['Orders-us-east-1']?.region).toBe('us-east-1');
  });
});
