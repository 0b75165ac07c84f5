import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigProblem } from '../../core';

/**
 * The default network: 3 zones, public subnets only for NAT, private subnets
 * with egress (secret rotation reaches Secrets Manager), isolated subnets for
 * the database, and VPC flow logs.
 */
export function createNetwork(scope: Construct): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 3,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const flowLogs = new logs.LogGroup(scope, 'FlowLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
  return vpc;
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
