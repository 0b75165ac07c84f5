/**
 * Issue 10, AWS: after a switchover or a failover the configuration says
 * that another region writes (`-c primaryRegion=<new writer>`, the origin
 * pinned). Synthesizing the examples with writer A and then with writer B
 * must keep every stateful resource in the same stack (same name, same
 * region) under the same logical id, with every create-only property
 * unchanged; the only changes to stateful resources are the role-bound ones
 * listed here, each with its reason.
 */
import { App, Stack } from 'aws-cdk-lib';
import { LadderDeployment, PrimaryRegion } from '../../lib/aws';
import { exampleConfig } from '../../examples/aws/app';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { errorOf, exampleContext } from '../aws/helpers';
import { AllowedChange, compareStateful, loadReplacementSpec, ReplacementSpec, StatefulChange, synthesize } from './aws-compare';

/** What follows the writer on purpose. */
const ROLE_BOUND: readonly AllowedChange[] = [{
  type: 'AWS::RDS::DBClusterParameterGroup',
  property: 'Parameters',
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery
  reason: 'rds.global_db_rpo belongs to the writer\'s parameter group only: AWS recommends the default in a secondary\'s group (a failover to it could pause transactions). Parameters is an in-place update.',
}];

const builders: Record<number, (app: App) => unknown> = { 2: buildPhase2, 3: buildPhase3, 4: buildPhase4 };

function synth(phase: number, context: Record<string, unknown>) {
  const app = new App({ context: exampleContext(context) });
  builders[phase](app);
  return synthesize(app);
}

const describeChanges = (changes: readonly StatefulChange[]) => changes.map((c) => `${c.kind}: ${c.message}`);

let spec: ReplacementSpec;
beforeAll(async () => {
  spec = await loadReplacementSpec();
});

describe.each([2, 3, 4])('example phase %d, two regions: writer us-east-1 → eu-west-1 (origin pinned to us-east-1)', (phase) => {
  let before: ReturnType<typeof synth>;
  let after: ReturnType<typeof synth>;
  beforeAll(() => {
    before = synth(phase, { primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
    after = synth(phase, { primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' });
  });

  test('the same stacks, named by region, in the same regions', () => {
    const names = (s: typeof before) => Object.values(s).map((x) => `${x.name} ${x.region}`).sort();
    expect(names(after)).toEqual(names(before));
    expect(Object.keys(before)).toEqual(expect.arrayContaining([`Phase${phase}-us-east-1`, `Phase${phase}-eu-west-1`]));
  });

  test('no stateful resource is removed or replaced; the only updates are role-bound', () => {
    const changes = compareStateful(before, after, spec, ROLE_BOUND);
    expect(describeChanges(changes.filter((c) => c.kind !== 'updated'))).toEqual([]);
    const unexpected = changes.filter((c) => !ROLE_BOUND.some((a) => a.type === c.type && a.property === c.property));
    expect(describeChanges(unexpected)).toEqual([]);
    // Phase 2 declares no RPO: nothing at all changes; phases 3–4 move rds.global_db_rpo from us-east-1's group to eu-west-1's.
    expect(changes.map((c) => `${c.stack} ${c.type} ${c.property}`).sort()).toEqual(phase === 2 ? [] : [
      `Phase${phase}-eu-west-1 AWS::RDS::DBClusterParameterGroup Parameters`,
      `Phase${phase}-us-east-1 AWS::RDS::DBClusterParameterGroup Parameters`,
    ]);
  });

  test('nothing else changes either: no resource of any type in any stack, but the role-bound ones', async () => {
    const types = [...new Set(Object.values(before).flatMap((x) => Object.values(x.resources).map((r) => r.Type)))];
    const changes = compareStateful(before, after, await loadReplacementSpec(types), ROLE_BOUND, types);
    expect(describeChanges(changes.filter((c) => !ROLE_BOUND.some((a) => a.type === c.type && a.property === c.property)))).toEqual([]);
    const added = Object.values(after).flatMap((x) => Object.keys(x.resources).filter((id) => !before[x.name]?.resources[id]));
    expect(added).toEqual([]);
  });

  test('and back: failback to us-east-1 restores every template exactly', () => {
    const back = synth(phase, { primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
    expect(compareStateful(before, back, spec)).toEqual([]);
    for (const name of Object.keys(before)) expect(back[name].resources).toEqual(before[name].resources);
  });
});

describe('example phase 4 with three regions: writer us-east-1 → eu-west-1 → us-east-1', () => {
  const regions = { primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1,ap-southeast-2' };
  test('no stateful resource is removed or replaced; only the RPO parameter moves', () => {
    const before = synth(4, regions);
    const after = synth(4, { primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1,ap-southeast-2' });
    expect(Object.keys(after).sort()).toEqual(['Phase4-Routing', 'Phase4-ap-southeast-2', 'Phase4-eu-west-1', 'Phase4-us-east-1']);
    const changes = compareStateful(before, after, spec, ROLE_BOUND);
    expect(describeChanges(changes.filter((c) => c.kind !== 'updated'))).toEqual([]);
    expect(changes.map((c) => `${c.stack} ${c.type} ${c.property}`).sort()).toEqual([
      'Phase4-eu-west-1 AWS::RDS::DBClusterParameterGroup Parameters',
      'Phase4-us-east-1 AWS::RDS::DBClusterParameterGroup Parameters',
    ]);
  });
});

describe('the comparison can fail', () => {
  test('without a pinned origin the swap moves the primary database to another stack: every stateful resource is reported', () => {
    const before = synth(2, { primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
    // originRegion undefined: the origin follows primaryRegion, as every earlier version did.
    const after = synth(2, { primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1', originRegion: undefined });
    const changes = compareStateful(before, after, spec);
    const replaced = changes.filter((c) => c.kind !== 'updated');
    expect(replaced.length).toBeGreaterThan(10);
    expect(replaced.map((c) => c.type)).toEqual(expect.arrayContaining(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::GlobalCluster', 'AWS::SecretsManager::Secret']));
    expect(replaced.find((c) => c.type === 'AWS::RDS::GlobalCluster')!.message).toMatch(/^stack Phase2-us-east-1 \(us-east-1\): AWS::RDS::GlobalCluster \S+: /);
  });

  test('a changed create-only property is named with the stack, the resource and the property', () => {
    const before = synth(2, { primaryRegion: 'us-east-1', replicaRegions: 'eu-west-1' });
    const after = JSON.parse(JSON.stringify(before)) as typeof before;
    const stack = after['Phase2-eu-west-1'];
    const [id] = Object.entries(stack.resources).find(([, r]) => r.Type === 'AWS::RDS::DBCluster')!;
    (stack.resources[id].Properties as Record<string, unknown>).KmsKeyId = 'arn:aws:kms:eu-west-1:111111111111:key/other';
    const changes = compareStateful(before, after, spec);
    expect(describeChanges(changes)).toEqual([
      expect.stringMatching(new RegExp(`^replaced: stack Phase2-eu-west-1 \\(eu-west-1\\): AWS::RDS::DBCluster ${id}: KmsKeyId .* → "arn:aws:kms:eu-west-1:111111111111:key/other" \\(causesReplacement: yes\\)$`)),
    ]);
  });
});

describe('bad role swaps are refused at synth', () => {
  test('a swap that leaves the origin region out of the deployment', () => {
    expect(errorOf(() => synth(2, { primaryRegion: 'eu-west-1', replicaRegions: 'ap-southeast-2' }))).toBe(
      "LadderDeployment 'Phase2': originRegion 'us-east-1' is not a region of the deployment (['eu-west-1', 'ap-southeast-2']); set originRegion to the region the global database was created in (its PrimaryRegion stack), and list that region in primaryRegion or replicaRegions — a deployed region stays in the deployment after a failover",
    );
  });

  test('a writer that is not a region of the deployment (PrimaryRegion.writerRegion)', () => {
    const app = new App({ context: exampleContext() });
    const stack = new Stack(app, 'Orders-us-east-1', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(errorOf(() => new PrimaryRegion(stack, 'Database', { replicaRegions: ['eu-west-1'], writerRegion: 'ap-southeast-2', globalClusterIdentifier: 'orders' }))).toBe(
      "PrimaryRegion 'Orders-us-east-1/Database': writerRegion 'ap-southeast-2' is not a region of the deployment (this region 'us-east-1', replicaRegions ['eu-west-1']); set writerRegion to the region that holds the writer after the switchover or failover: 'us-east-1' or 'eu-west-1' (the writer can only move to a secondary of the global database)",
    );
  });

  test('a swap to a headless secondary', () => {
    const app = new App({ context: exampleContext({ primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' }) });
    expect(errorOf(() => new LadderDeployment(app, 'Orders', {
      phase: 2, ...exampleConfig(app), replica: { instances: 0 },
    }))).toBe(
      "ReadReplicaRegion 'Orders-eu-west-1/Database': instances 0 (headless) in 'eu-west-1', but the primary's writerRegion says 'eu-west-1' holds the writer: a headless secondary has no instance to promote, so Aurora cannot move the writer here; give this region instances (1 or more) and deploy before the switchover or failover, or set writerRegion to the region that really holds the writer",
    );
  });

  test('a writer outside the write route (three regions, the standby is eu-west-1)', () => {
    expect(errorOf(() => synth(4, { primaryRegion: 'ap-southeast-2', replicaRegions: 'eu-west-1,us-east-1' }))).toBe(
      "FailoverRunbook 'Phase4-Routing/Runbook': the primary's writerRegion 'ap-southeast-2' is not in the write route (PRIMARY us-east-1, SECONDARY eu-west-1), so the runbook has no region to fail over to from it; set the GlobalRouter's standbyRegion to 'ap-southeast-2' (the SECONDARY write record moves there; no database changes), or set writerRegion to the region that really holds the writer",
    );
  });
});
