import { Annotations, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigProblem, show } from '../../core';

/** What a construct that may create its own network is given. */
export interface NetworkProps {
  /** The user's VPC, if any. */
  readonly vpc?: ec2.IVpc;
  /** Availability zones for the VPC the construct creates, if given. */
  readonly availabilityZones?: readonly string[];
}

/** cfn-lint's "Avoid hardcoding availability zones", as aws-cdk-lib's template validation reports it. */
const LITERAL_AZ_RULE = 'CloudFormation-Validate::W3010';

/**
 * The default network: public subnets only for NAT, private subnets with
 * egress (secret rotation reaches Secrets Manager), isolated subnets for the
 * database, and VPC flow logs. Over the `availabilityZones` given (no
 * lookup), or the first 3 of the account's zones (looked up by the CDK CLI
 * and kept in cdk.context.json).
 */
export function createNetwork(scope: Construct, availabilityZones?: readonly string[]): ec2.Vpc {
  const stack = Stack.of(scope);
  const subnetConfiguration = [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
    { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
  ];
  let vpc: ec2.Vpc;
  if (availabilityZones) {
    const zones = [...availabilityZones];
    vpc = withStackZones(stack, zones, () => new ec2.Vpc(scope, 'Vpc', { availabilityZones: zones, natGateways: 1, subnetConfiguration }));
    acknowledgeLiteralZones(scope, 'the availabilityZones given to this construct');
  } else {
    const key = zoneLookupKey(stack);
    if (key && scope.node.tryGetContext(key) === undefined) {
      // Outside the CDK CLI (tests, plain node) nothing does the lookup: aws-cdk-lib builds on placeholder zones.
      const problem = zoneLookupProblem(stack, key, false);
      Annotations.of(scope).addWarningV2('multiregion-constructs:availabilityZoneLookup', `${problem.message}; until then the VPC uses placeholder zones (dummy1a, dummy1b, dummy1c); ${problem.fix}`);
    }
    vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 3, natGateways: 1, subnetConfiguration });
  }
  const flowLogs = new logs.LogGroup(scope, 'FlowLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
  return vpc;
}

/**
 * Problems with the network props: a user VPC that cannot hold the database,
 * availability zones that are not zones of the stack's region, and — when
 * the zones must be looked up but the CDK CLI has no credentials to do it —
 * the lookup, with the two ways around it.
 */
export function checkNetwork(scope: Construct, props: NetworkProps, rotation: boolean): ConfigProblem[] {
  if (props.vpc) {
    const problems = checkVpc(props.vpc, rotation);
    if (props.availabilityZones) {
      problems.push({
        property: 'availabilityZones',
        message: `availabilityZones ${show(props.availabilityZones)} is set together with vpc, but it only shapes the VPC the construct creates`,
        fix: 'remove availabilityZones (the subnets of your VPC decide the zones)',
      });
    }
    return problems;
  }
  const stack = Stack.of(scope);
  if (props.availabilityZones) return checkZones(stack.region, props.availabilityZones);
  const key = zoneLookupKey(stack);
  // The CDK CLI sets CDK_OUTDIR for the app it runs, and CDK_DEFAULT_ACCOUNT only
  // when it found credentials: without them, the lookup it is about to attempt
  // fails after the SDK's credential chain times out, with an error that names
  // neither the construct nor a way out.
  const cliWithoutCredentials = process.env.CDK_OUTDIR !== undefined && !process.env.CDK_DEFAULT_ACCOUNT;
  if (key && cliWithoutCredentials && scope.node.tryGetContext(key) === undefined) {
    return [zoneLookupProblem(stack, key, true)];
  }
  return [];
}

/**
 * Zones the database instances can be placed in: those of the selected
 * subnets (an instance in a zone without one of its subnets fails to create).
 * Literal zones there come from the user's VPC or the zones they gave, so the
 * template validator's "avoid hardcoding availability zones" is acknowledged
 * for this construct's resources.
 */
export function placementZones(scope: Construct, subnets: ec2.SelectedSubnets): string[] {
  const zones = [...new Set(subnets.availabilityZones)];
  if (zones.some((z) => !Token.isUnresolved(z))) acknowledgeLiteralZones(scope, "the zones of the VPC's database subnets");
  return zones;
}

/**
 * Problems with a user-supplied VPC: the database needs private subnets in at
 * least two availability zones (an RDS subnet group requirement), and secret
 * rotation needs private subnets with egress to reach Secrets Manager.
 */
export function checkVpc(vpc: ec2.IVpc, rotation: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const data = vpc.isolatedSubnets.length > 0 ? vpc.isolatedSubnets : vpc.privateSubnets;
  const zones = new Set(data.map((s) => s.availabilityZone));
  if (zones.size < 2) {
    problems.push({
      property: 'vpc',
      message: `vpc has private subnets in ${zones.size} availability zone${zones.size === 1 ? '' : 's'}, but the database needs private (isolated or with egress) subnets in at least 2`,
      fix: 'give the VPC private subnets in 2 or more zones (public subnets are never used for the database)',
    });
  }
  if (rotation && vpc.privateSubnets.length === 0) {
    problems.push({
      property: 'secretRotation',
      message: 'secretRotation is on, but vpc has no private subnets with egress for the rotation function to reach Secrets Manager',
      fix: 'add PRIVATE_WITH_EGRESS subnets (or VPC endpoints and such subnets), or set secretRotation: Duration.days(0) and rotate another way',
    });
  }
  return problems;
}

/**
 * Zone names are the region's name and a letter (`us-east-1a`); a DB subnet
 * group needs subnets in at least 2 zones:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
 */
function checkZones(region: string, zones: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const example = Token.isUnresolved(region) ? "['us-east-1a', 'us-east-1b', 'us-east-1c']" : show(['a', 'b', 'c'].map((l) => `${region}${l}`));
  const literal = zones.filter((z) => !Token.isUnresolved(z));
  const wrong = Token.isUnresolved(region) ? [] : literal.filter((z) => !new RegExp(`^${region}[a-z]$`).test(z));
  if (wrong.length > 0) {
    problems.push({
      property: 'availabilityZones',
      message: `availabilityZones ${show(wrong)} ${wrong.length === 1 ? 'is not a zone name' : 'are not zone names'} of ${show(region)}, the stack's region`,
      fix: `use zone names (not zone IDs) of ${region} as \`aws ec2 describe-availability-zones --region ${region}\` lists them for your account, e.g. ${example}`,
    });
  }
  if (new Set(zones).size < 2 || new Set(zones).size !== zones.length) {
    problems.push({
      property: 'availabilityZones',
      message: `availabilityZones ${show(zones)} ${new Set(zones).size !== zones.length ? 'lists a zone twice' : 'has fewer than the 2 zones a database subnet group needs'}`,
      fix: `list 2 or more distinct zones, e.g. ${example}`,
    });
  }
  return problems;
}

/** The context key of the CDK's availability-zone lookup, or undefined for an environment-agnostic stack (no lookup). */
function zoneLookupKey(stack: Stack): string | undefined {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return undefined;
  return `availability-zones:account=${stack.account}:region=${stack.region}`;
}

function zoneLookupProblem(stack: Stack, key: string, noCredentials: boolean): ConfigProblem {
  const example = show(['a', 'b', 'c'].map((l) => `${stack.region}${l}`));
  return {
    property: 'availabilityZones',
    message: `availabilityZones is not set, so the availability zones of account ${stack.account} in ${stack.region} must be looked up `
      + `(ec2:DescribeAvailabilityZones, cached as '${key}' in cdk.context.json) to place the VPC's subnets and the database instances`
      + (noCredentials ? ', and the CDK CLI found no AWS credentials to do it' : ''),
    fix: `either pass availabilityZones (e.g. ${example}; the names your account has are listed by \`aws ec2 describe-availability-zones --region ${stack.region}\`), `
      + `or let the CDK CLI look them up once with credentials for account ${stack.account} and commit the cdk.context.json it writes `
      + `(or add "${key}": ${example.replace(/'/g, '"')} to cdk.context.json yourself)`,
  };
}

/**
 * Builds with `stack.availabilityZones` answering `zones`. ec2.Vpc reads
 * that property even when it is given its zones (only to compare them with
 * the looked-up list), and the read is what makes the CDK CLI look the zones
 * up: with the user's zones there is nothing to look up.
 */
function withStackZones<T>(stack: Stack, zones: string[], build: () => T): T {
  const own = Object.getOwnPropertyDescriptor(stack, 'availabilityZones');
  Object.defineProperty(stack, 'availabilityZones', { configurable: true, get: () => zones });
  try {
    return build();
  } finally {
    if (own) Object.defineProperty(stack, 'availabilityZones', own);
    else Reflect.deleteProperty(stack, 'availabilityZones');
  }
}

function acknowledgeLiteralZones(scope: Construct, origin: string): void {
  Validations.of(scope).acknowledge({ id: LITERAL_AZ_RULE, reason: `The literal availability zones are ${origin}: the only correct source for them` });
}
