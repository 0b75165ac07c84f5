/**
 * LadderDeployment on day two (issue 10): stacks named by region, the origin
 * pinned (a warning until it is), 0.1's names kept with stackNaming 'by-role'.
 */
import { App } from 'aws-cdk-lib';
import { LadderDeployment, LadderDeploymentProps, readLadderConfig } from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf } from './helpers';

function ladder(props: Partial<LadderDeploymentProps> = {}, context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...contextFile(), ...context } });
  const l = new LadderDeployment(app, 'Orders', {
    phase: 2, account: ACCOUNT, primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], ...props,
  });
  return { app, l };
}

test('stacks are named by region; the origin holds the PrimaryRegion whichever region writes', () => {
  const { l } = ladder({ primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], originRegion: 'us-east-1' });
  expect([l.primaryStack.stackName, ...l.replicaStacks.map((s) => s.stackName)]).toEqual(['Orders-us-east-1', 'Orders-eu-west-1']);
  expect([l.originRegion, l.writerRegion, l.primary.writerRegion]).toEqual(['us-east-1', 'eu-west-1', 'eu-west-1']);
  expect(Object.keys(l.stacksByRegion)).toEqual(['us-east-1', 'eu-west-1']);
});

test('a multi-region deployment without a pinned origin warns at synth, naming the fix; a pinned one does not', () => {
  const unpinned = ladder();
  // The warning is on the LadderDeployment construct; synth prints it with the others.
  const warnings = unpinned.l.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
  expect(warnings).toEqual([expect.stringMatching(/^originRegion is not set, so the origin is primaryRegion \(us-east-1\)\. .*Pin it now: originRegion: 'us-east-1' \(or -c originRegion=us-east-1, or cdk\.json context\)\. .*stackNaming: 'by-role'/)]);
  const pinned = ladder({ originRegion: 'us-east-1' });
  expect(pinned.l.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
  // A single region needs no origin.
  const single = ladder({ phase: 1, replicaRegions: [] });
  expect(single.l.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
});

test('stackNaming by-role keeps the names and descriptions of 0.1, with a deprecation warning', () => {
  const { l } = ladder({ stackNaming: 'by-role', originRegion: 'us-east-1', primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'] });
  expect([l.primaryStack.stackName, l.primaryStack.region, l.replicaStacks[0].stackName]).toEqual(['Orders-Primary', 'us-east-1', 'Orders-Replica-eu-west-1']);
  expect(l.primaryStack.templateOptions.description).toBe('multiregion-constructs phase 2: primary region us-east-1');
  expect(l.replicaStacks[0].templateOptions.description).toBe('multiregion-constructs phase 2: read replica region eu-west-1 of us-east-1');
  expect(l.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data))).toEqual([
    expect.stringMatching(/^stackNaming 'by-role' is deprecated: Orders-Primary is the origin region us-east-1, whichever region writes\./),
  ]);
});

test('bad stackNaming is refused', () => {
  expect(errorOf(() => ladder({ stackNaming: 'by-writer' as never, originRegion: 'us-east-1' }))).toBe(
    "LadderDeployment 'Orders': stackNaming 'by-writer' is not a naming scheme; set stackNaming to 'by-region' (new deployments) or 'by-role' (a deployment created with <prefix>-Primary / <prefix>-Replica-<region> stacks)",
  );
});

test('a role swap keeps the PrimaryRegion\'s replica order: the old writer takes the new writer\'s place', () => {
  const before = ladder({ replicaRegions: ['eu-west-1', 'ap-southeast-2'], originRegion: 'us-east-1' }).l;
  const after = ladder({ primaryRegion: 'ap-southeast-2', replicaRegions: ['eu-west-1', 'us-east-1'], originRegion: 'us-east-1' }).l;
  expect(after.primary.topology.replicaRegions).toEqual(before.primary.topology.replicaRegions);
  expect(after.replicaStacks.map((s) => s.stackName)).toEqual(['Orders-eu-west-1', 'Orders-ap-southeast-2']);
});

test('readLadderConfig reads originRegion from context', () => {
  const app = new App({ context: { originRegion: 'us-east-1', primaryRegion: 'eu-west-1', replicaRegions: 'us-east-1' } });
  expect(readLadderConfig(app, { primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] })).toEqual({
    account: process.env.CDK_DEFAULT_ACCOUNT, primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], originRegion: 'us-east-1',
  });
});
