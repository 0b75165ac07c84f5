import { Aws, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/** Plan name rule from the StartPlanExecution API (plan ARN pattern): 1–32 letters, digits, inner hyphens. */
export const PLAN_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;

/** Largest recoveryTimeObjectiveMinutes CreatePlan accepts (one week). */
export const RTO_MINUTES_MAX = 10080;

export interface RegionSwitchPlanOptions {
  readonly name: string;
  readonly globalClusterIdentifier: string;
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  /** Cluster identifier per plan region. */
  readonly clusterIdentifiers: Readonly<Record<string, string>>;
  readonly hostedZoneId: string;
  /** Write record name (FQDN without trailing dot). */
  readonly recordName: string;
  /** Write record set identifier per region. */
  readonly setIdentifiers: Readonly<Record<string, string>>;
  readonly rtoMinutes: number;
  readonly timeoutMinutes: number;
  /** The records the plan's Route 53 block switches: the plan is created after them. */
  readonly records: readonly IConstruct[];
  /**
   * An alarm whose ALARM state activates the standby region (decision
   * 'automatic'): associated with the plan as a trigger alarm.
   * @default - no trigger: a person executes the plan
   */
  readonly trigger?: { readonly alarmArn: string; readonly alarmName: string; readonly minDelayMinutes: number; readonly targetRegion: string };
  /**
   * A router whose PRIMARY write record should also need the plan's Route 53
   * health check of `primaryRegion`, wired from the plan's `PlanHealthChecks`
   * attribute in the same deploy (see {@link regionSwitchCheckId}).
   * @default - not wired
   */
  readonly attachHomeCheckTo?: { attachRegionSwitchPlan(plan: arc.CfnPlan, region: string): boolean };
}

/** Key of the trigger alarm in the plan's associated alarms. */
export const TRIGGER_ALARM_KEY = 'primary-endpoint-down';

/**
 * An ARC Region switch plan (active/passive) with, for each region, an
 * "activate" workflow: Aurora Global Database block (switchover when graceful,
 * failover only in an ungraceful execution), then Route 53 health check block.
 *
 * - Aurora block: behavior `switchoverOnly` "calls SwitchoverGlobalCluster for
 *   a zero-data-loss switchover during graceful execution"; `ungraceful:
 *   failover` makes an ungraceful execution fail over
 *   (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_GlobalAuroraConfiguration.html,
 *   https://docs.aws.amazon.com/r53recovery/latest/dg/aurora-global-database-block.html).
 * - Route 53 block: Region switch creates one health check per region and sets
 *   their state on execution; record sets are mapped to regions by set
 *   identifier (https://docs.aws.amazon.com/r53recovery/latest/dg/route53-health-check-block.html).
 *
 * The execution role has exactly the actions and resources of the sample
 * policies, narrowed to this deployment where the sample names resources:
 * - https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_aurora.html
 *   (rds:DescribeGlobalClusters and rds:DescribeDBClusters on "*", as the
 *   sample grants them: Region switch evaluates the plan's permissions
 *   regularly and does not document which describe calls it makes;
 *   rds:FailoverGlobalCluster and rds:SwitchoverGlobalCluster on the global
 *   cluster and the cluster of each plan Region)
 * - https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_route53.html
 *   (route53:ListResourceRecordSets on the hosted zone)
 * - trust: https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_trust_policy.html
 * - base permissions every plan execution role needs ("Complete plan
 *   execution role permissions",
 *   https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_complete_policy.html):
 *   iam:SimulatePrincipalPolicy on the execution role itself (plan
 *   evaluation simulates the role's policies), and
 *   arc-region-switch:GetPlan, GetPlanExecution and ListPlanExecutions —
 *   the sample grants those on "*"; here they are limited to this plan, whose
 *   ARN ends in a suffix CloudFormation assigns: plan/<name>:<suffix> in the
 *   API reference, plan/<name>/<suffix> in the child-plan sample policy, and
 *   a Region in some samples and not others, so both forms with any Region
 *   (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Plan.html,
 *   https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_plan_execution.html).
 *   They live in a separate policy: the role's own ARN in its inline policy
 *   would be a circular reference.
 */
export function createRegionSwitchPlan(scope: Construct, o: RegionSwitchPlanOptions): { plan: arc.CfnPlan; role: iam.Role } {
  const account = Stack.of(scope).account;
  const regions = [o.primaryRegion, o.standbyRegion];
  const clusterArns = regions.map((r) => `arn:${Aws.PARTITION}:rds:${r}:${account}:cluster:${o.clusterIdentifiers[r]}`);
  const globalArn = `arn:${Aws.PARTITION}:rds::${account}:global-cluster:${o.globalClusterIdentifier}`;
  const role = new iam.Role(scope, 'PlanExecutionRole', {
    assumedBy: new iam.ServicePrincipal('arc-region-switch.amazonaws.com'),
    description: `Executes the Region switch plan ${o.name} for ${o.globalClusterIdentifier}`,
    inlinePolicies: {
      AuroraGlobalDatabaseBlock: new iam.PolicyDocument({
        statements: [
          // As the sample policy: read-only describe calls on "*".
          new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'], resources: ['*'] }),
          new iam.PolicyStatement({ actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'], resources: [globalArn, ...clusterArns] }),
        ],
      }),
      Route53HealthCheckBlock: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({
          actions: ['route53:ListResourceRecordSets'],
          resources: [`arn:${Aws.PARTITION}:route53:::hostedzone/${o.hostedZoneId}`],
        })],
      }),
    },
  });

  const planArns = [':', '/'].map((sep) => `arn:${Aws.PARTITION}:arc-region-switch:*:${account}:plan/${o.name}${sep}*`);
  const base = new iam.Policy(scope, 'PlanExecutionBasePolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['iam:SimulatePrincipalPolicy'], resources: [role.roleArn] }),
      new iam.PolicyStatement({
        actions: ['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'],
        resources: planArns,
      }),
      // Triggers: "Region switch assumes the execution role to read the
      // CloudWatch alarms that the triggers use and to start the plan
      // execution when the trigger conditions are met"
      // (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_trust_policy.html);
      // alarm actions as the CloudWatch alarm sample policy, on this alarm only
      // (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_cloudwatch.html).
      ...(o.trigger ? [
        new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], resources: [o.trigger.alarmArn] }),
        new iam.PolicyStatement({ actions: ['arc-region-switch:StartPlanExecution'], resources: planArns }),
      ] : []),
    ],
  });
  const shown = (arn: string) => arn.replace(Aws.PARTITION, '<AWS::Partition>').replace(account, Token.isUnresolved(account) ? '<AWS::AccountId>' : account);
  for (const arn of planArns) {
    Validations.of(base).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${shown(arn)}]`,
      reason: 'This plan only: its ARN ends in a suffix CloudFormation assigns, written plan/<name>:<suffix> or plan/<name>/<suffix> and with or without a Region in AWS\'s own references; the documented base policy grants these read actions on "*": https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_complete_policy.html',
    });
  }

  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'rds:DescribeGlobalClusters and rds:DescribeDBClusters (read-only) on "*" exactly as the Aurora Global Database execution block sample policy grants them, so Region switch plan evaluation and execution find the permissions they check: https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_aurora.html',
  });

  const steps = (target: string): arc.CfnPlan.StepProperty[] => [{
    name: 'aurora-global-database',
    description: `Move the writer of ${o.globalClusterIdentifier} to ${target}: switchover when graceful, failover (data loss) only when ungraceful`,
    executionBlockType: 'AuroraGlobalDatabase',
    executionBlockConfiguration: {
      globalAuroraConfig: {
        behavior: 'switchoverOnly',
        ungraceful: { ungraceful: 'failover' },
        globalClusterIdentifier: o.globalClusterIdentifier,
        databaseClusterArns: clusterArns,
        timeoutMinutes: o.timeoutMinutes,
      },
    },
  }, {
    name: 'route53-write-route',
    description: `Turn the Region switch health checks of ${o.recordName} to ${target}`,
    executionBlockType: 'Route53HealthCheck',
    executionBlockConfiguration: {
      route53HealthCheckConfig: {
        hostedZoneId: o.hostedZoneId,
        recordName: o.recordName,
        recordSets: regions.map((r) => ({ recordSetIdentifier: o.setIdentifiers[r], region: r })),
        timeoutMinutes: 10,
      },
    },
  }];

  const plan = new arc.CfnPlan(scope, 'Plan', {
    name: o.name,
    description: `Active/passive recovery of ${o.globalClusterIdentifier} between ${regions.join(' and ')} (multiregion-constructs)`,
    executionRole: role.roleArn,
    recoveryApproach: 'activePassive',
    primaryRegion: o.primaryRegion,
    regions,
    // CreatePlan: recoveryTimeObjectiveMinutes 1–10080
    // (https://docs.aws.amazon.com/arc-region-switch/latest/api/API_CreatePlan.html).
    recoveryTimeObjectiveMinutes: Math.min(RTO_MINUTES_MAX, Math.max(1, Math.ceil(o.rtoMinutes))),
    ...(o.trigger ? {
      associatedAlarms: { [TRIGGER_ALARM_KEY]: { alarmType: 'trigger', resourceIdentifier: o.trigger.alarmArn } },
      triggers: [{
        action: 'activate',
        targetRegion: o.trigger.targetRegion,
        description: `${o.trigger.alarmName} in ALARM: activate ${o.trigger.targetRegion}`,
        conditions: [{ associatedAlarmName: TRIGGER_ALARM_KEY, condition: 'red' }],
        minDelayMinutesBetweenExecutions: o.trigger.minDelayMinutes,
      }],
    } : {}),
    workflows: regions.map((r) => ({
      workflowTargetAction: 'activate',
      workflowTargetRegion: r,
      workflowDescription: `Activate ${r}: database first, then traffic`,
      steps: steps(r),
    })),
  });
  // Created after the role can be evaluated. When the PRIMARY write record
  // takes the plan's health check (below), the records come after the plan;
  // otherwise the plan is created after the records it switches.
  const attached = o.attachHomeCheckTo?.attachRegionSwitchPlan(plan, o.primaryRegion) ?? false;
  plan.node.addDependency(base, ...(attached ? [] : o.records));
  return { plan, role };
}

/**
 * The id of the Route 53 health check the plan's Route 53 block created for
 * `region`, as a CloudFormation expression, so a record can carry it in the
 * deploy that creates the plan.
 *
 * `AWS::ARCRegionSwitch::Plan` returns `PlanHealthChecks`, a list of strings
 * (aws-service-spec; the nested `Route53HealthChecks` and
 * `HealthChecksForPlan` attributes are deprecated). Each entry is
 * `<hostedZoneId>:<recordName>:<region>:<healthCheckId>` and the order of the
 * list is not documented, so the entry is found by its region, not its
 * position: the list is joined with `,`, split at `:<region>:` (a hosted zone
 * id and a DNS name hold no colon, so only the region field matches), and the
 * id is what follows, up to the next `,`. Fn::Split, Fn::Select and Fn::Join
 * may take Fn::GetAtt and each other
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-split.html).
 * A plan with no check for `region` fails the deploy at Fn::Select.
 */
export function regionSwitchCheckId(plan: arc.CfnPlan, region: string): string {
  const joined = Fn.join(',', plan.attrPlanHealthChecks);
  const afterRegion = Fn.select(1, Fn.split(`:${region}:`, joined));
  return Fn.select(0, Fn.split(',', afterRegion));
}
