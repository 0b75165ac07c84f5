/**
 * Issue 16 item 3: each example phase deploys on its own with one command
 * (`cdk deploy --all -c phase=N`), fits a default account next to the default
 * VPC and one more VPC of the company's, and the quotas it consumes are the
 * ones its docs/aws/phase-N.md page states.
 *
 * Default quotas (per account and Region):
 * - VPCs per Region 5, NAT gateways per Availability Zone 5:
 *   https://docs.aws.amazon.com/general/latest/gr/vpc-service.html
 * - Elastic IP addresses per Region 5: https://docs.aws.amazon.com/general/latest/gr/ec2-service.html
 * - DB clusters 40, DB instances 40 per Region:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/CHAP_Limits.html
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { buildExamples, selectedPhases } from '../../examples/aws/app';
import { errorOf, exampleContext } from '../aws/helpers';

type Usage = Record<string, Record<Quota, number>>;
type Quota = 'vpcs' | 'eips' | 'natGateways' | 'dbClusters' | 'dbInstances';

const COUNTED: Record<string, Quota> = {
  'AWS::EC2::VPC': 'vpcs',
  'AWS::EC2::EIP': 'eips',
  'AWS::EC2::NatGateway': 'natGateways',
  'AWS::RDS::DBCluster': 'dbClusters',
  'AWS::RDS::DBInstance': 'dbInstances',
};
const DEFAULT_QUOTAS: Record<Quota, number> = { vpcs: 5, eips: 5, natGateways: 5, dbClusters: 40, dbInstances: 40 };
/** VPCs (with their Elastic IP and NAT gateway) an account already has in a Region: the default VPC and one of the company's. */
const ALREADY_THERE: Record<Quota, number> = { vpcs: 2, eips: 1, natGateways: 1, dbClusters: 0, dbInstances: 0 };

function examples(context: Record<string, unknown> = {}): Stack[] {
  // As `cdk synth` sees it: cdk.json's context (the pinned origin) and cdk.context.json.
  const app = new App({ context: exampleContext(context) });
  buildExamples(app);
  return app.node.children.filter((c): c is Stack => c instanceof Stack);
}

/** Per-Region counts of quota-bound resources, from the constructs (no synth needed). */
function usage(stacks: Stack[]): Usage {
  const out: Usage = {};
  for (const stack of stacks) {
    for (const c of stack.node.findAll()) {
      const quota = c instanceof CfnResource ? COUNTED[c.cfnResourceType] : undefined;
      if (!quota) continue;
      out[stack.region] ??= { vpcs: 0, eips: 0, natGateways: 0, dbClusters: 0, dbInstances: 0 };
      out[stack.region][quota] += 1;
    }
  }
  return out;
}

/** The "Quotas" table of docs/aws/phase-N.md: Region | VPCs | Elastic IPs | NAT gateways | DB clusters | DB instances. */
function documented(phase: number): Usage {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'aws', `phase-${phase}.md`), 'utf8');
  const section = page.split(/^## /m).find((s) => s.startsWith('Quotas'));
  if (!section) throw new Error(`docs/aws/phase-${phase}.md has no "## Quotas" section`);
  const rows = section.split('\n').filter((l) => /^\|\s*[a-z]{2}-[a-z]+-\d/.test(l));
  return Object.fromEntries(rows.map((row) => {
    const cells = row.split('|').slice(1, -1).map((c) => c.trim());
    const [vpcs, eips, natGateways, dbClusters, dbInstances] = cells.slice(1).map(Number);
    return [cells[0].split(/\s/)[0], { vpcs, eips, natGateways, dbClusters, dbInstances }];
  }));
}

describe.each([1, 2, 3, 4, 5])('example phase %i on its own', (phase) => {
  let stacks: Stack[];
  beforeAll(() => { stacks = examples({ phase: String(phase) }); });

  test('-c phase=N builds only that phase, and no stack of it depends on another phase', () => {
    expect(stacks.length).toBeGreaterThan(0);
    expect(stacks.map((s) => s.stackName).filter((n) => !n.startsWith(`Phase${phase}-`))).toEqual([]);
    const names = new Set(stacks.map((s) => s.stackName));
    expect(stacks.flatMap((s) => s.dependencies.map((d) => d.stackName)).filter((n) => !names.has(n))).toEqual([]);
  });

  test('the quotas it consumes are the ones docs/aws/phase-N.md states', () => {
    expect(usage(stacks)).toEqual(documented(phase));
  });

  test('it fits the default quotas of every Region next to the default VPC and one more VPC', () => {
    const over = Object.entries(usage(stacks)).flatMap(([region, used]) =>
      (Object.keys(DEFAULT_QUOTAS) as Quota[])
        .filter((q) => used[q] + ALREADY_THERE[q] > DEFAULT_QUOTAS[q])
        .map((q) => `${region} ${q}: ${used[q]} + ${ALREADY_THERE[q]} already there > ${DEFAULT_QUOTAS[q]}`));
    expect(over).toEqual([]);
  });
});

describe('all example phases at once', () => {
  test('every phase is built by default (npm run synth), and together they would not fit: the quick start deploys one phase', () => {
    const all = examples();
    expect([...new Set(all.map((s) => s.stackName.split('-')[0]))]).toEqual(['Phase1', 'Phase2', 'Phase3', 'Phase4', 'Phase5', 'Connect', 'ConnectApp', 'ConnectGrants']);
    // Five VPCs of the phases and one of the application in each region in us-east-1,
    // plus the default VPC, exceed the default quota of 5: `cdk deploy --all` fails.
    // Hence -c phase=N (or -c phase=connect).
    expect(usage(all)['us-east-1'].vpcs).toBe(6);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/cdk deploy --all -c phase=\d/);
  });

  test('a phase that is not an example is a clear error', () => {
    expect(selectedPhases(new App({ context: { phase: '2,4' } }))).toEqual([2, 4]);
    expect(errorOf(() => selectedPhases(new App({ context: { phase: '6' } })))).toBe(
      "Examples 'App': context phase '6' is not an example phase; pass -c phase=1, 2, 3, 4 or 5 (or a list such as -c phase=1,2), -c phase=connect for the application in each region, or leave it out to build every example",
    );
  });
});

describe('the application in each region on its own (-c phase=connect)', () => {
  const stacks = examples({ phase: 'connect' });

  test('only its stacks, depending on nothing outside them', () => {
    expect(stacks.map((s) => s.stackName).sort()).toEqual([
      'Connect-eu-west-1', 'Connect-us-east-1', 'ConnectApp-eu-west-1', 'ConnectApp-us-east-1', 'ConnectGrants-eu-west-1', 'ConnectGrants-us-east-1',
    ]);
    const names = new Set(stacks.map((s) => s.stackName));
    expect(stacks.flatMap((s) => s.dependencies.map((d) => d.stackName)).filter((n) => !names.has(n))).toEqual([]);
  });

  test('it fits the default quotas of every Region next to the default VPC and one more VPC', () => {
    expect(usage(stacks)).toEqual({
      'us-east-1': { vpcs: 1, eips: 1, natGateways: 1, dbClusters: 1, dbInstances: 2 },
      'eu-west-1': { vpcs: 1, eips: 1, natGateways: 1, dbClusters: 1, dbInstances: 1 },
    });
  });
});

describe("the README's synth commands, offline (issue 18 item 2)", () => {
  const subnetZones = (stacks: Stack[], name: string) => [...new Set(stacks.find((s) => s.stackName === name)!.node.findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === 'AWS::EC2::Subnet')
    .map((c) => (c as unknown as { availabilityZone: string }).availabilityZone))].sort();

  test('-c primaryRegion=sa-east-1 -c originRegion=sa-east-1 with the placeholder account needs no lookup', () => {
    const stacks = examples({ phase: '2', primaryRegion: 'sa-east-1', originRegion: 'sa-east-1' });
    expect(subnetZones(stacks, 'Phase2-sa-east-1')).toEqual(['sa-east-1a', 'sa-east-1b', 'sa-east-1c']);
  });

  test('-c account=… with -c availabilityZones=… needs no lookup', () => {
    const stacks = examples({ phase: '2', account: '123456789012', availabilityZones: 'us-east-1a,us-east-1b,us-east-1c,eu-west-1b,eu-west-1c' });
    expect(subnetZones(stacks, 'Phase2-us-east-1')).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(subnetZones(stacks, 'Phase2-eu-west-1')).toEqual(['eu-west-1b', 'eu-west-1c']);
  });

  test('-c account=… alone, under the CDK CLI without credentials, stops at once and says why and what to do', () => {
    const saved = { outdir: process.env.CDK_OUTDIR, account: process.env.CDK_DEFAULT_ACCOUNT };
    process.env.CDK_OUTDIR = path.join(__dirname, 'not-written');
    delete process.env.CDK_DEFAULT_ACCOUNT;
    try {
      expect(errorOf(() => examples({ phase: '1', account: '123456789012' }))).toMatch(
        /^PrimaryRegion 'Phase1-us-east-1\/Database': availabilityZones is not set, so the availability zones of account 123456789012 in us-east-1 must be looked up .* and the CDK CLI found no AWS credentials to do it; either pass availabilityZones/,
      );
    } finally {
      if (saved.outdir === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = saved.outdir;
      if (saved.account !== undefined) process.env.CDK_DEFAULT_ACCOUNT = saved.account;
    }
  });
});
