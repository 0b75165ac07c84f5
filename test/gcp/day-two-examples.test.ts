/**
 * Issue 10 on Google Cloud, proved on every example:
 *
 * - role swap: the deployment with writer A, then with writer B (same
 *   regions, GCP_PRIMARY_REGION / GCP_REPLICA_REGIONS swapped): every
 *   stateful resource stays in the same stack under the same address, no
 *   ForceNew argument changes (of any resource), and what does change on the
 *   Cloud SQL instances is exactly the role-bound list, in place;
 * - ladder climb: phase N → N+1 (N = 1..4, the same deployment) replaces
 *   nothing — a new region, router or runbook is an addition.
 *
 * findReplacements (lib/core/role-swap.ts) names the stack, resource,
 * argument and values of anything a deploy would replace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { changedProperties, DeployedResource, findReplacements, formatReplacementFindings } from '../../lib/core';
import { DeploymentNetwork, GCP_REPLACEMENT_RULES, GeoPartitionedDatabase, PrimaryRegion, ReadReplicaRegion, RouterTarget, terraformResources } from '../../lib/gcp';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { buildGcpDeployment, GcpDeploymentSpec } from '../../examples/gcp/deployment';
import { buildGcpPhase5 } from '../../examples/gcp/phase-5';
import { errorOf, PROJECT } from './helpers';

type Env = Record<string, string>;

function synthDeployment(env: Env, spec: GcpDeploymentSpec): DeployedResource[] {
  const app = new App({ outdir: 'cdktf.out', stackTraces: false });
  const d = buildGcpDeployment(app, readGcpExampleConfig(env), spec);
  return terraformResources(Object.fromEntries(d.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])));
}

const stacksOf = (rs: DeployedResource[]) => [...new Set(rs.map((r) => r.stack))].sort();

/** What a role swap may change on a Cloud SQL instance, in place (lib/gcp/private/instance-settings.ts). */
const ROLE_BOUND = [
  /^master_instance_name$/,
  /^replication_cluster(\.|$)/,
  /^settings\.backup_configuration(\.|$)/,
  /^settings\.availability_type$/,
  /^lifecycle\.postcondition$/,
  /^depends_on$/,
];

function expectNoReplacement(before: DeployedResource[], after: DeployedResource[]): void {
  const findings = findReplacements(before, after, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true });
  expect(formatReplacementFindings(findings)).toBe('');
}

const TWO = { GCP_PRIMARY_REGION: 'us-central1', GCP_REPLICA_REGIONS: 'europe-west1' };
const TWO_SWAPPED = { GCP_PRIMARY_REGION: 'europe-west1', GCP_REPLICA_REGIONS: 'us-central1' };

describe.each([2, 3, 4] as const)('phase %i: a role swap after a switchover or failover', (phase) => {
  const spec = { phase, name: `orders-p${phase}`, stackPrefix: `gcp-phase${phase}` };
  const a = synthDeployment(TWO, spec);
  const b = synthDeployment(TWO_SWAPPED, spec);

  test('the same stacks, named by region (never by role)', () => {
    expect(stacksOf(b)).toEqual(stacksOf(a));
    expect(stacksOf(a).filter((s) => /primary|replica/.test(s))).toEqual([]);
  });

  test('replaces nothing: same stack, same address, no ForceNew argument changed', () => {
    expectNoReplacement(a, b);
  });

  test('each instance keeps its name and region in its region\'s stack; only role-bound arguments change, in place', () => {
    const instances = (rs: DeployedResource[]) => rs.filter((r) => r.type === 'google_sql_database_instance');
    expect(instances(a).map((r) => [r.stack, r.properties.name, r.properties.region])).toEqual([
      [`gcp-phase${phase}-us-central1`, `orders-p${phase}`, 'us-central1'],
      [`gcp-phase${phase}-europe-west1`, `orders-p${phase}-europe-west1`, 'europe-west1'],
    ]);
    for (const before of instances(a)) {
      const after = instances(b).find((r) => r.stack === before.stack && r.address === before.address)!;
      const changed = changedProperties(before.properties, after.properties);
      expect(changed.filter((p) => !ROLE_BOUND.some((re) => re.test(p)))).toEqual([]);
      expect(changed).toContain('master_instance_name');
    }
    const usAfter = instances(b).find((r) => r.properties.region === 'us-central1')!;
    expect(usAfter.properties.master_instance_name).toBe(`orders-p${phase}-europe-west1`);
  });
});

test('phase 4 with three regions: a swap to either replica replaces nothing', () => {
  const spec = { phase: 4 as const, name: 'orders-p4', stackPrefix: 'gcp-phase4' };
  const regions = ['us-central1', 'europe-west1', 'asia-southeast1'];
  const env = (primary: string): Env => ({ GCP_REGIONS: regions.join(','), GCP_PRIMARY_REGION: primary, GCP_REPLICA_REGIONS: regions.filter((r) => r !== primary).join(',') });
  const a = synthDeployment(env('us-central1'), spec);
  for (const primary of ['europe-west1', 'asia-southeast1']) {
    const b = synthDeployment(env(primary), spec);
    expect(stacksOf(b)).toEqual(stacksOf(a));
    expectNoReplacement(a, b);
    // And back: the failback is a swap too.
    expectNoReplacement(b, a);
  }
});

describe('phase 5: a switchover inside a partition, then the swap of its regions in GCP_PARTITIONS, replaces nothing', () => {
  const synth5 = (partitions: string) => {
    const app = new App({ outdir: 'cdktf.out', stackTraces: false });
    const p5 = buildGcpPhase5(app, readGcpExampleConfig({ GCP_PARTITIONS: partitions }));
    return terraformResources(Object.fromEntries(p5.stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])));
  };
  const a = synth5('eu=europe-west1+europe-west4,us=us-central1+us-east1');

  test.each([
    ['eu', 'eu=europe-west4+europe-west1,us=us-central1+us-east1'],
    ['us', 'eu=europe-west1+europe-west4,us=us-east1+us-central1'],
  ])('partition %s: same stacks, same addresses, no ForceNew argument of any resource changed; the other partition and the Spanner ledger do not change at all', (partition, swapped) => {
    const b = synth5(swapped);
    expect(stacksOf(b)).toEqual(stacksOf(a));
    expectNoReplacement(a, b);
    expectNoReplacement(b, a);
    const other = partition === 'eu' ? 'us' : 'eu';
    const untouched = (rs: DeployedResource[]) => rs.filter((r) => r.stack.startsWith(`gcp-phase5-${other}-`) || r.stack === 'gcp-phase5-spanner');
    expect(untouched(b)).toEqual(untouched(a));
  });
});

describe('the ladder climb: phase N → N+1 replaces nothing (the same deployment)', () => {
  const synth = (phase: 1 | 2 | 3 | 4) => synthDeployment(TWO, { phase, name: 'orders', stackPrefix: 'gcp-orders', dnsLabel: 'orders' });
  const phases = [synth(1), synth(2), synth(3), synth(4)];

  test.each([1, 2, 3])('phase %i → the next', (n) => {
    const [before, after] = [phases[n - 1], phases[n]];
    expectNoReplacement(before, after);
    // Only additions: every stack of phase N is still there.
    expect(stacksOf(after)).toEqual(expect.arrayContaining(stacksOf(before)));
  });

  test('phase 4 → 5: the deployment becomes the first partition (its stacks, names and network kept), a second partition is added; nothing stateful is replaced', () => {
    const app = new App({ outdir: 'cdktf.out', stackTraces: false });
    const network = new DeploymentNetwork(new TerraformStack(app, 'gcp-orders-network'), 'Network', {
      project: 'example-project', networkName: 'orders-vpc', rangeName: 'orders-psa', providerRegion: 'us-central1',
    });
    const regions = ['us-central1', 'europe-west1', 'asia-southeast1', 'asia-northeast1'];
    const db = new GeoPartitionedDatabase(app, 'orders', {
      project: 'example-project', network, zone: { name: 'example-zone', dnsName: 'example.com.' }, edition: 'ENTERPRISE_PLUS', writeFiles: false,
      endpoints: regions.map((region, i) => ({ region, target: RouterTarget.fromIpAddress(`203.0.113.${10 + i}`) })),
      partitions: [
        { name: 'us', homeRegion: 'us-central1', replicaRegions: ['europe-west1'], instanceNames: { 'us-central1': 'orders', 'europe-west1': 'orders-europe-west1' } },
        { name: 'apac', homeRegion: 'asia-southeast1', replicaRegions: ['asia-northeast1'] },
      ],
      // The phase-4 deployment's region stacks are the first partition's.
      stackName: (partition, part) => (partition === 'us' && part.includes('-') ? `gcp-orders-${part}` : `gcp-orders-${partition}-${part}`),
    });
    const stacks = [TerraformStack.of(network), ...db.stacks];
    const after = terraformResources(Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))])));
    const before = phases[3];
    expect(formatReplacementFindings(findReplacements(before, after, GCP_REPLACEMENT_RULES))).toBe('');
    // What changes is routing: the partition's records and workflow are new (write.us.<zone>); the phase-4
    // router and runbook stacks are retired once clients use the router's partition map (docs/gcp/phase-5.md).
    expect(stacksOf(before).filter((s) => !stacksOf(after).includes(s))).toEqual(['gcp-orders-router', 'gcp-orders-runbook']);
  });
});

describe('the check can fail (so the tests above mean something)', () => {
  test('stacks named by role: a swap moves the instances to other stacks and changes their region, and each finding names it', () => {
    const roleNamed = (primaryRegion: string, replicaRegion: string) => {
      const app = new App();
      const primaryStack = new TerraformStack(app, 'orders-primary');
      const primary = new PrimaryRegion(primaryStack, 'Database', { project: PROJECT, region: primaryRegion, replicaRegions: [replicaRegion], instanceName: 'orders', network: `projects/${PROJECT}/global/networks/n` });
      const replicaStack = new TerraformStack(app, `orders-replica-${replicaRegion}`);
      new ReadReplicaRegion(replicaStack, 'Database', { primary, region: replicaRegion });
      return terraformResources({ [primaryStack.node.id]: JSON.parse(Testing.synth(primaryStack)), [replicaStack.node.id]: JSON.parse(Testing.synth(replicaStack)) });
    };
    const findings = findReplacements(roleNamed('us-central1', 'europe-west1'), roleNamed('europe-west1', 'us-central1'), GCP_REPLACEMENT_RULES);
    const messages = formatReplacementFindings(findings);
    expect(messages).toContain("create-only property region changes from 'us-central1' to 'europe-west1'");
    expect(messages).toContain("google_sql_database_instance orders-replica-europe-west1/google_sql_database_instance.Database_Instance_02E622FB ('orders-europe-west1') is gone after the change: a deploy would delete it");
    expect(findings.every((f) => f.type === 'google_sql_database_instance')).toBe(true);
  });
});

describe('bad input: a role swap to a region that is not a region of the deployment', () => {
  test('GCP_REGIONS: the primary outside the deployment is refused at synth, naming the region and the fix', () => {
    expect(errorOf(() => readGcpExampleConfig({ GCP_REGIONS: 'us-central1,europe-west1', GCP_PRIMARY_REGION: 'asia-southeast1', GCP_REPLICA_REGIONS: 'us-central1,europe-west1' }))).toBe(
      "GcpExampleConfig 'examples/gcp/config.ts': asia-southeast1 is not a region of this deployment (GCP_REGIONS us-central1,europe-west1): making it the primary would create a new, empty primary instead of moving the writes; to swap roles, choose the primary among us-central1, europe-west1 and list the others in GCP_REPLICA_REGIONS; to add a region, add it to GCP_REGIONS and GCP_REPLICA_REGIONS first (a new replica), then switch over",
    );
  });

  test('GCP_REGIONS: a swap that drops a region is refused (its instance would be deleted)', () => {
    expect(errorOf(() => readGcpExampleConfig({ GCP_REGIONS: 'us-central1,europe-west1,asia-southeast1', GCP_PRIMARY_REGION: 'europe-west1', GCP_REPLICA_REGIONS: 'us-central1' }))).toBe(
      "GcpExampleConfig 'examples/gcp/config.ts': GCP_REPLICA_REGIONS leaves out asia-southeast1 of GCP_REGIONS: their instances would be deleted; list every region of GCP_REGIONS other than the primary in GCP_REPLICA_REGIONS (us-central1,asia-southeast1), or remove the region from GCP_REGIONS to retire it on purpose",
    );
  });

  test('PrimaryRegion instanceNames: a primary region without a name is not part of the deployment', () => {
    const make = () => new PrimaryRegion(new TerraformStack(new App(), 'S'), 'Database', {
      project: PROJECT, region: 'asia-southeast1', replicaRegions: ['us-central1'],
      instanceNames: { 'us-central1': 'orders', 'europe-west1': 'orders-europe-west1' },
    });
    expect(errorOf(make)).toBe(
      "PrimaryRegion 'S/Database': region 'asia-southeast1' is not a region of this deployment (instanceNames has us-central1, europe-west1): making it the primary would create a new, empty primary instead of moving the writes; to swap roles, make one of us-central1, europe-west1 the primary; to move writes to asia-southeast1, first add it as a replica region (with its name in instanceNames), let it catch up, then switch over",
    );
  });

  test('PrimaryRegion instanceNames: every replica region needs its name, names are distinct, instanceName agrees (and a key agrees with encryptionKeyNames)', () => {
    const make = (props: object) => () => new PrimaryRegion(new TerraformStack(new App(), 'S'), 'Database', {
      project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], ...props,
    });
    expect(errorOf(make({ instanceNames: { 'us-central1': 'orders' } }))).toBe(
      "PrimaryRegion 'S/Database': instanceNames has no name for the replica region(s) ['europe-west1']; add 'europe-west1': '<name>' to instanceNames (a new region gets a new name; an existing one keeps its name)",
    );
    expect(errorOf(make({ instanceNames: { 'us-central1': 'orders', 'europe-west1': 'orders' } }))).toBe(
      "PrimaryRegion 'S/Database': instanceNames gives 'orders' to two regions; give every region its own instance name",
    );
    expect(errorOf(make({ encryptionKeyName: 'k1', encryptionKeyNames: { 'us-central1': 'k2' } }))).toBe(
      "PrimaryRegion 'S/Database': encryptionKeyName 'k1' differs from encryptionKeyNames.us-central1 'k2'; remove encryptionKeyName and keep the key in encryptionKeyNames only",
    );
    expect(errorOf(make({ instanceName: 'other', instanceNames: { 'us-central1': 'orders', 'europe-west1': 'orders-eu' } }))).toBe(
      "PrimaryRegion 'S/Database': instanceName 'other' differs from instanceNames.us-central1 'orders'; remove instanceName and keep the name in instanceNames only",
    );
  });

  test('with instanceNames, a replica is named by its region whatever the role', () => {
    const names = { 'us-central1': 'orders', 'europe-west1': 'orders-europe-west1' };
    const stack = new TerraformStack(new App(), 'S');
    const primary = new PrimaryRegion(stack, 'Database', { project: PROJECT, region: 'europe-west1', replicaRegions: ['us-central1'], instanceNames: names, network: `projects/${PROJECT}/global/networks/n` });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'us-central1' });
    expect([primary.instanceName, replica.instanceName]).toEqual(['orders-europe-west1', 'orders']);
  });
});

test('docs/day-two.md: every address of the migration commands exists, in the old layout (left) or the new one (right)', () => {
  const md = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'day-two.md'), 'utf8');
  const migration = md.slice(md.indexOf('### Migrating a deployment of the examples'), md.indexOf('### With the constructs directly'));
  const cited = [...new Set([...migration.matchAll(/\b(google_[a-z_]+\.[A-Za-z0-9_]+)\b/g)].map((m) => m[1]))];
  expect(cited.length).toBeGreaterThanOrEqual(7);
  // The old layout: PrimaryRegion with its own network, construct id 'Database', as the examples had it.
  const old = new TerraformStack(new App(), 'gcp-phase3-primary');
  new PrimaryRegion(old, 'Database', { project: 'example-project', region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders-p3' });
  const oldAddresses = terraformResources({ old: JSON.parse(Testing.synth(old)) }).map((r) => r.address);
  const now = synthDeployment(TWO, { phase: 3, name: 'orders-p3', stackPrefix: 'gcp-phase3' }).map((r) => r.address);
  expect(cited.filter((a) => !oldAddresses.includes(a) && !now.includes(a))).toEqual([]);
  // Each state mv goes from an old address to a new one.
  for (const m of migration.matchAll(/state mv (\S+) (\S+)/g)) expect([oldAddresses.includes(m[1]), now.includes(m[2])]).toEqual([true, true]);
});
