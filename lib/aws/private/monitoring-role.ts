import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag';

/**
 * Role for RDS Enhanced Monitoring, with the permissions of the AWS managed
 * policy AmazonRDSEnhancedMonitoringRole narrowed to this account, this region
 * and the one log group RDS writes OS metrics to (RDSOSMetrics):
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Monitoring.OS.Enabling.html
 */
export function createMonitoringRole(scope: Construct, id = 'MonitoringRole'): iam.Role {
  const stack = Stack.of(scope);
  const logGroup = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'RDSOSMetrics', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
    description: 'RDS Enhanced Monitoring: write OS metrics to the RDSOSMetrics log group',
    inlinePolicies: {
      EnhancedMonitoring: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
            resources: [logGroup],
          }),
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
            resources: [`${logGroup}:log-stream:*`],
          }),
        ],
      }),
    },
  });
  acknowledgeWildcardResources(role, ['arn:{partition}:logs:{region}:{account}:log-group:RDSOSMetrics:log-stream:*'],
    'RDS names each OS-metrics log stream after the instance resource id, known only at runtime; the policy is limited to the RDSOSMetrics log group of this account and region.');
  return role;
}
