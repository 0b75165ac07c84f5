/**
 * Issue 18 items 2, 7 and 10: synth for your own account without an
 * availability-zone lookup, a clear message where a lookup would be needed,
 * no "avoid hardcoding availability zones" noise for zones the user chose,
 * and a VPC per region through LadderDeployment.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LadderDeployment, PrimaryRegion, readLadderConfig, ReadReplicaRegion } from '../../lib/aws';
import { errorOf } from './helpers';

const ACCOUNT = '123456789012'; // no zones for it in any context: every test here starts without them

function env(region: string) {
  return { account: ACCOUNT, region };
}

/** Zones used by the template's subnets and database instances. */
function zonesOf(t: Template): { subnets: string[]; instances: string[] } {
  const zone = (type: string) => Object.values(t.findResources(type)).map((r) => r.Properties.AvailabilityZone as string);
  return { subnets: [...new Set(zone('AWS::EC2::Subnet'))].sort(), instances: zone('AWS::RDS::DBInstance') };
}

/** A VPC imported by attributes: literal zones, no lookup. */
function importedVpc(stack: Stack, zones: string[]): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: zones,
    privateSubnetIds: zones.map((_, i) => `subnet-0123456789abcdef${i}`),
    privateSubnetRouteTableIds: zones.map((_, i) => `rtb-0123456789abcdef${i}`),
  });
}

describe('availabilityZones: synth for a real account with no lookup and no credentials', () => {
  test('PrimaryRegion and ReadReplicaRegion build their VPC over the given zones; nothing is left to look up', () => {
    const app = new App();
    const sa = new Stack(app, 'Sa', { env: env('sa-east-1') });
    const us = new Stack(app, 'Us', { env: env('us-west-2') });
    const primary = new PrimaryRegion(sa, 'Database', {
      replicaRegions: ['us-west-2'], globalClusterIdentifier: 'orders',
      availabilityZones: ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'],
    });
    new ReadReplicaRegion(us, 'Database', { primary, instances: 2, availabilityZones: ['us-west-2b', 'us-west-2d'] });
    expect(zonesOf(Template.fromStack(sa))).toEqual({ subnets: ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'], instances: ['sa-east-1a', 'sa-east-1b'] });
    expect(zonesOf(Template.fromStack(us))).toEqual({ subnets: ['us-west-2b', 'us-west-2d'], instances: ['us-west-2b', 'us-west-2d'] });
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  test('the stack answers its own availability zones again after the VPC is built', () => {
    const app = new App({ context: { [`availability-zones:account=${ACCOUNT}:region=eu-west-1`]: ['eu-west-1a', 'eu-west-1b'] } });
    const stack = new Stack(app, 'Eu', { env: env('eu-west-1') });
    new PrimaryRegion(stack, 'Database', { availabilityZones: ['eu-west-1b', 'eu-west-1c'] });
    expect(stack.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('bad zones are synth-time errors naming the property and the fix', () => {
    const make = (region: string, availabilityZones: string[], vpc?: boolean) => {
      const stack = new Stack(new App(), 'S', { env: env(region) });
      return errorOf(() => new PrimaryRegion(stack, 'Database', {
        availabilityZones, vpc: vpc ? importedVpc(stack, ['us-east-1a', 'us-east-1b']) : undefined,
      }));
    };
    expect(make('us-east-1', ['use1-az1', 'use1-az2'])).toBe(
      "PrimaryRegion 'S/Database': availabilityZones ['use1-az1', 'use1-az2'] are not zone names of 'us-east-1', the stack's region; use zone names (not zone IDs) of us-east-1 as `aws ec2 describe-availability-zones --region us-east-1` lists them for your account, e.g. ['us-east-1a', 'us-east-1b', 'us-east-1c']",
    );
    expect(make('us-east-1', ['us-east-1a'])).toBe(
      "PrimaryRegion 'S/Database': availabilityZones ['us-east-1a'] has fewer than the 2 zones a database subnet group needs; list 2 or more distinct zones, e.g. ['us-east-1a', 'us-east-1b', 'us-east-1c']",
    );
    expect(make('eu-west-1', ['eu-west-1a', 'eu-west-1a'])).toBe(
      "PrimaryRegion 'S/Database': availabilityZones ['eu-west-1a', 'eu-west-1a'] lists a zone twice; list 2 or more distinct zones, e.g. ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']",
    );
    expect(make('us-east-1', ['us-east-1a', 'us-east-1b'], true)).toBe(
      "PrimaryRegion 'S/Database': availabilityZones ['us-east-1a', 'us-east-1b'] is set together with vpc, but it only shapes the VPC the construct creates; remove availabilityZones (the subnets of your VPC decide the zones)",
    );
  });
});

describe('when the zones must be looked up', () => {
  const saved = { outdir: process.env.CDK_OUTDIR, account: process.env.CDK_DEFAULT_ACCOUNT };
  afterEach(() => {
    for (const [key, value] of [['CDK_OUTDIR', saved.outdir], ['CDK_DEFAULT_ACCOUNT', saved.account]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  test('under the CDK CLI without credentials: what is looked up, why, and the two ways out — before the CLI times out', () => {
    process.env.CDK_OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-cli-')); // what the CLI sets for the app
    fs.rmSync(process.env.CDK_OUTDIR, { recursive: true });
    delete process.env.CDK_DEFAULT_ACCOUNT; // the CLI sets it only when it found credentials
    const stack = new Stack(new App({ outdir: path.join(os.tmpdir(), 'unused') }), 'Orders', { env: env('sa-east-1') });
    expect(errorOf(() => new PrimaryRegion(stack, 'Database'))).toBe(
      "PrimaryRegion 'Orders/Database': availabilityZones is not set, so the availability zones of account 123456789012 in sa-east-1 must be looked up "
      + "(ec2:DescribeAvailabilityZones, cached as 'availability-zones:account=123456789012:region=sa-east-1' in cdk.context.json) to place the VPC's subnets and the database instances, "
      + 'and the CDK CLI found no AWS credentials to do it; '
      + "either pass availabilityZones (e.g. ['sa-east-1a', 'sa-east-1b', 'sa-east-1c']; the names your account has are listed by `aws ec2 describe-availability-zones --region sa-east-1`), "
      + 'or let the CDK CLI look them up once with credentials for account 123456789012 and commit the cdk.context.json it writes '
      + '(or add "availability-zones:account=123456789012:region=sa-east-1": ["sa-east-1a", "sa-east-1b", "sa-east-1c"] to cdk.context.json yourself)',
    );
  });

  test('under the CDK CLI with credentials, the CLI looks the zones up as usual', () => {
    process.env.CDK_OUTDIR = path.join(os.tmpdir(), 'unused');
    process.env.CDK_DEFAULT_ACCOUNT = ACCOUNT;
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-cli-')) });
    new PrimaryRegion(new Stack(app, 'Orders', { env: env('sa-east-1') }), 'Database');
    expect(app.synth().manifest.missing?.map((m) => m.key)).toEqual([`availability-zones:account=${ACCOUNT}:region=sa-east-1`]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('outside the CLI (tests): a warning on the construct says the zones are placeholders and how to fix it', () => {
    delete process.env.CDK_OUTDIR;
    const stack = new Stack(new App(), 'Orders', { env: env('sa-east-1') });
    new PrimaryRegion(stack, 'Database');
    Annotations.fromStack(stack).hasWarning('/Orders/Database', Match.stringLikeRegexp(
      'availabilityZones is not set.*until then the VPC uses placeholder zones \\(dummy1a, dummy1b, dummy1c\\); either pass availabilityZones'));
    // With the zones in context there is nothing to warn about.
    const known = new Stack(new App({ context: { [`availability-zones:account=${ACCOUNT}:region=sa-east-1`]: ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'] } }), 'Orders', { env: env('sa-east-1') });
    new PrimaryRegion(known, 'Database');
    expect(Annotations.fromStack(known).findWarning('*', Match.stringLikeRegexp('availabilityZones'))).toEqual([]);
  });
});

describe('no "avoid hardcoding availability zones" (W3010) noise for zones the user chose', () => {
  const saved = process.env.CDK_VALIDATION;
  afterAll(() => { process.env.CDK_VALIDATION = saved; });

  /** W3010 findings of aws-cdk-lib's template validation, by construct path (one synth: the validation is slow). */
  function literalZoneFindings(builds: Record<string, (stack: Stack) => void>): string[] {
    process.env.CDK_VALIDATION = 'true';
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-w3010-'));
    try {
      const app = new App({ outdir });
      for (const [id, build] of Object.entries(builds)) build(new Stack(app, id, { env: env('us-east-1') }));
      jest.spyOn(console, 'error').mockImplementation(() => undefined);
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      app.synth();
      jest.restoreAllMocks();
      const file = path.join(outdir, 'validation-report.json');
      if (!fs.existsSync(file)) return [];
      const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] };
      return report.pluginReports.flatMap((p) => p.violations).filter((v) => v.ruleName === 'W3010')
        .flatMap((v) => v.violatingConstructs.map((c) => c.constructPath)).sort();
    } finally {
      process.env.CDK_VALIDATION = saved;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  test('the user\'s VPC or availabilityZones: no W3010 on the subnets or instances; a literal zone elsewhere is still reported', () => {
    expect(literalZoneFindings({
      UserVpc: (stack) => {
        new PrimaryRegion(stack, 'Database', { vpc: importedVpc(stack, ['us-east-1a', 'us-east-1b']) });
        // The probe proves the check can fail: a literal zone outside the library's constructs is reported.
        new ec2.CfnSubnet(stack, 'Probe', { vpcId: 'vpc-0123456789abcdef0', cidrBlock: '10.0.0.0/24', availabilityZone: 'us-east-1c' });
      },
      GivenZones: (stack) => {
        new PrimaryRegion(stack, 'Database', { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
      },
    })).toEqual(['UserVpc/Probe']);
  });
});

describe('LadderDeployment: a network per region, and zones from configuration', () => {
  test('network(stack, region) gives each replica region its own VPC, built or imported in that region\'s stack', () => {
    const app = new App();
    const seen: string[] = [];
    const ladder = new LadderDeployment(app, 'Orders', {
      phase: 2, account: ACCOUNT, primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'ap-southeast-2'],
      network: (stack, region) => {
        seen.push(`${stack.stackName}:${region}`);
        return region === 'us-east-1'
          ? { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }
          : { vpc: importedVpc(stack, [`${region}a`, `${region}b`]) };
      },
    });
    expect(seen).toEqual(['Orders-us-east-1:us-east-1', 'Orders-eu-west-1:eu-west-1', 'Orders-ap-southeast-2:ap-southeast-2']);
    expect(ladder.replicas.map((r) => Stack.of(r.vpc).stackName)).toEqual(['Orders-eu-west-1', 'Orders-ap-southeast-2']);
    const eu = Template.fromStack(ladder.replicaStacks[0]);
    eu.resourceCountIs('AWS::EC2::VPC', 0);
    eu.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
    expect(zonesOf(Template.fromStack(ladder.primaryStack)).subnets).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  test('-c availabilityZones=… gives every region its zones, grouped by the region in their names', () => {
    const app = new App({ context: { account: ACCOUNT, primaryRegion: 'sa-east-1', replicaRegions: 'us-west-2', availabilityZones: 'sa-east-1a,sa-east-1c,us-west-2a,us-west-2b,us-west-2c' } });
    const config = readLadderConfig(app, { primaryRegion: 'us-east-1' });
    expect(config.availabilityZones).toEqual({ 'sa-east-1': ['sa-east-1a', 'sa-east-1c'], 'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'] });
    const ladder = new LadderDeployment(app, 'Orders', { phase: 2, ...config });
    expect(zonesOf(Template.fromStack(ladder.primaryStack)).subnets).toEqual(['sa-east-1a', 'sa-east-1c']);
    expect(zonesOf(Template.fromStack(ladder.replicaStacks[0])).subnets).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    expect(app.synth().manifest.missing ?? []).toEqual([]);
    expect(errorOf(() => readLadderConfig(new App({ context: { availabilityZones: 'use1-az1,use1-az2' } }), { primaryRegion: 'us-east-1' }))).toBe(
      "LadderConfig 'App': context availabilityZones 'use1-az1,use1-az2' is not a list of availability zone names (['use1-az1', 'use1-az2']); pass -c availabilityZones=us-east-1a,us-east-1b,us-east-1c,eu-west-1a,eu-west-1b,eu-west-1c (zone names, not zone IDs)",
    );
  });
});
