/**
 * The AWS runbook's "deployment state" section: where each stack's state is
 * (CloudFormation keeps a stack's state in the stack's own Region) and, for
 * the loss of each Region the deployment uses, what can still be changed and
 * what must not be tried. docs/aws/outage.md explains the same for the
 * examples, with AWS's sources.
 */
import { RunbookDeploymentState, RunbookOutage, RunbookOutageItem } from '../../core';

/** A CloudFormation stack of the deployment. */
export interface DeploymentStack {
  readonly name: string;
  readonly region: string;
  /** What the stack holds, a few words (e.g. `primary database`). */
  readonly holds: string;
}

/** What the section is built from. */
export interface AwsOutageInput {
  readonly account: string;
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  readonly stacks: readonly DeploymentStack[];
  /** How to fail over from the standby Region, the command a person runs there. */
  readonly failoverCommand: string;
}

/** Route 53, CloudFront (with Lambda@Edge and its WAF) and IAM have their control plane here. */
const GLOBAL_CONTROL_PLANE_REGION = 'us-east-1';
const FAULT_ISOLATION_DOC = 'https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html';

const deploy = (s: DeploymentStack) => `npx cdk deploy --exclusively ${s.name}`;

/** The deployment-state section of the AWS runbook. */
export function awsDeploymentState(i: AwsOutageInput): RunbookDeploymentState {
  const locations = i.stacks.map((s) => ({
    label: `CloudFormation stack ${s.name} (${s.holds})`,
    value: `${s.region}: CloudFormation in ${s.region}; templates and assets in the CDK bootstrap bucket of aws://${i.account}/${s.region}`,
  }));
  const regions = [...new Set([i.primaryRegion, i.standbyRegion, ...i.stacks.map((s) => s.region), GLOBAL_CONTROL_PLANE_REGION])];
  return { locations, outages: regions.map((r) => outage(i, r)) };
}

function outage(i: AwsOutageInput, lost: string): RunbookOutage {
  const frozen = i.stacks.filter((s) => s.region === lost);
  const deployable = i.stacks.filter((s) => s.region !== lost);
  const works: RunbookOutageItem[] = [];
  const doesNotWork: RunbookOutageItem[] = [];
  if (deployable.length > 0) {
    works.push({
      what: `Deploying ${deployable.map((s) => s.name).join(', ')}, one stack at a time, only when a change is needed — read the change set first`,
      why: `their CloudFormation and CDK bootstrap are in ${[...new Set(deployable.map((s) => s.region))].join(', ')}`,
      commands: deployable.map((s) => ({ command: deploy(s) })),
    });
  }
  if (frozen.length > 0) {
    doesNotWork.push({
      what: `Deploying, updating or deleting ${frozen.map((s) => s.name).join(', ')} (and \`cdk deploy --all\`)`,
      why: `CloudFormation in ${lost} holds their state and does not answer; a deployment started before the Region is fully back can leave a stack in a failed state`,
    });
  }
  if (lost === i.primaryRegion) {
    works.push({
      what: `The failover, run from ${i.standbyRegion}`,
      why: `it calls RDS (and the failover engine) in ${i.standbyRegion} only`,
      commands: [{ command: i.failoverCommand }],
    });
    doesNotWork.push({
      what: `A switchover, or deploying the database stacks to "match" the new writer`,
      why: `a switchover needs ${lost}'s database to answer; the templates keep describing the Regions as deployed, which is correct — fail back (a switchover) once ${lost} has rejoined`,
    });
  } else if (lost === i.standbyRegion) {
    doesNotWork.push({
      what: `A switchover or failover to ${lost}`,
      why: `${lost} is the standby; writes stay in ${i.primaryRegion}`,
    });
  }
  if (lost === GLOBAL_CONTROL_PLANE_REGION) {
    works.push({
      what: 'Route 53 DNS answers and health checks, CloudFront and Lambda@Edge serving from the edge, IAM authentication',
      why: `data planes, served outside ${lost} (${FAULT_ISOLATION_DOC})`,
    });
    doesNotWork.push({
      what: 'Editing Route 53 records or health checks, the CloudFront distribution, its WAF web ACL or Lambda@Edge code; creating IAM roles or policies',
      why: `their control planes are in ${lost} (${FAULT_ISOLATION_DOC}); no procedure of this runbook needs them`,
    });
  }
  return { region: lost, works, doesNotWork };
}
