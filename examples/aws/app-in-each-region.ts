/**
 * An application in every region of a deployment (issue 22), connecting to
 * the database of its own region, and nothing to change after a failover:
 *
 *   Connect-<region>        the database of each region (a phase-2 LadderDeployment
 *                           with discovery records /multiregion/connect-example/<region>/database)
 *   ConnectApp-<region>     a Lambda service in the region's database VPC: it reads
 *                           its region's record at run time, reads through the local
 *                           reader endpoint, writes through the global writer endpoint
 *   ConnectGrants-<region>  `rds-db:connect` on the region's cluster for every
 *                           region's service role (any region can hold the writer,
 *                           and a token is checked by the cluster that receives it)
 *
 * The application stacks use only `DatabaseConnection.fromRegion` (values
 * resolved at deploy time from the region's parameter): no cross-stack
 * export, no context lookup, and nothing that names the writer's region.
 * Stacks are created for the regions sorted by name, so the set does not
 * change when the writer moves (-c primaryRegion=eu-west-1 -c replicaRegions=us-east-1).
 */
import { Annotations, App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DatabaseConnection, LadderDeployment } from '../../lib/aws';
import { exampleConfig } from './app';

/** The database user every service logs in as (CREATE USER app_user; GRANT rds_iam TO app_user;). */
export const APP_DB_USER = 'app_user';

/**
 * The service: reads the record and works out how to connect. A real
 * service bundles a driver (`pg`) and `@aws-sdk/rds-signer` and connects with
 * a token signed for the endpoint's region (docs/connect-your-app.md):
 * readerEndpoint → this region; writerEndpoint → the region in the CNAME it
 * resolves to (the writer's, whichever it is).
 */
const HANDLER = `
const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
const dns = require('dns').promises;
const ssm = new SSMClient({});
exports.handler = async () => {
  const out = await ssm.send(new GetParameterCommand({ Name: process.env.DISCOVERY_PARAMETER }));
  const record = JSON.parse(out.Parameter.Value);
  let writerRegion = 'unknown';
  try {
    const [cname] = await dns.resolveCname(record.writerEndpoint);
    const m = /\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.rds\\.amazonaws\\.com$/.exec(cname);
    if (m) writerRegion = m[1];
  } catch (e) { /* not resolvable from here: sign for each of record.regions in turn */ }
  return {
    reads: { host: record.readerEndpoint, port: record.port, user: process.env.DB_USER, signingRegion: record.region },
    writes: { host: record.writerEndpoint, port: record.port, user: process.env.DB_USER, signingRegion: writerRegion },
    tls: record.tls,
  };
};
`;

/** The stacks of the example. */
export interface AppInEachRegion {
  readonly deployment: LadderDeployment;
  /** ConnectApp-<region>, by region. */
  readonly appStacks: Readonly<Record<string, Stack>>;
  /** ConnectGrants-<region>, by region. */
  readonly grantStacks: Readonly<Record<string, Stack>>;
  /** The service of each region. */
  readonly services: Readonly<Record<string, lambda.Function>>;
}

/** A role name that does not depend on the writer: one per region. */
export function serviceRoleName(prefix: string, region: string): string {
  return `${prefix.toLowerCase()}-service-${region}`;
}

export function buildAppInEachRegion(app: App, name = 'Connect'): AppInEachRegion {
  const config = exampleConfig(app);
  const deployment = new LadderDeployment(app, name, {
    phase: 2,
    ...config,
    discoveryName: 'connect-example',
  });
  const discovery = deployment.discovery!;
  const regions = [...discovery.regions];
  const databases = [deployment.primary, ...deployment.replicas];
  const vpcOf = (region: string) => databases.find((d) => d.region === region)!.vpc;

  const appStacks: Record<string, Stack> = {};
  const services: Record<string, lambda.Function> = {};
  for (const region of regions) {
    const stack = new Stack(app, `${name}App-${region}`, {
      env: { account: config.account, region },
      description: `multiregion-constructs example: a service in ${region} connected to its region's database`,
    });
    stack.addStackDependency(deployment.stacksByRegion[region], 'the discovery record must exist before the service reads it');
    // The service runs in the database's VPC (same region): its subnets are the
    // only same-region references, and a strong reference is what they need.
    Annotations.of(stack).acknowledgeWarning('@aws-cdk/core:crossStackReferencesDefaultStrong', 'the service uses the VPC of its region\'s database stack; a strong reference keeps the subnets while the service uses them');
    const db = DatabaseConnection.fromRegion(stack, 'Database', { deployment: discovery });
    const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(stack, 'ServiceRole', {
      roleName: serviceRoleName(name, region),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `The ${region} service of the ${name} example`,
      // A function in a VPC needs network interfaces and logs: the AWS managed
      // policy for exactly that (its ec2:*NetworkInterface actions take no
      // resource-level ARNs) — https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: 'Lambda in a VPC: network interfaces and logs, the permissions AWS documents for it; every data permission of the service is an exact-resource statement',
    });
    const service = new lambda.Function(stack, 'Service', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      timeout: Duration.seconds(10),
      role,
      logGroup,
      vpc: vpcOf(region),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      environment: { DISCOVERY_PARAMETER: db.parameterName, DB_USER: APP_DB_USER },
    });
    db.connections.allowDefaultPortFrom(service, `The ${name} service in ${region}`);
    db.grantReadRecord(service);
    appStacks[region] = stack;
    services[region] = service;
  }

  const grantStacks: Record<string, Stack> = {};
  for (const region of regions) {
    const stack = new Stack(app, `${name}Grants-${region}`, {
      env: { account: config.account, region },
      description: `multiregion-constructs example: IAM database logins on the ${region} cluster for every region's service`,
    });
    const db = DatabaseConnection.fromRegion(stack, 'Database', { deployment: discovery });
    for (const from of regions) {
      stack.addStackDependency(appStacks[from], `the ${from} service role must exist before a policy is attached to it`);
      db.grantConnect(iam.Role.fromRoleName(stack, `Service-${from}`, serviceRoleName(name, from)), APP_DB_USER);
    }
    grantStacks[region] = stack;
  }
  return { deployment, appStacks, grantStacks, services };
}
