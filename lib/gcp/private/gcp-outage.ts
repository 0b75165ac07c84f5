/**
 * The runbook's "deployment state and what works during an outage" section
 * on Google Cloud: where each stack's Terraform state is, and what can still
 * be run while the primary region is lost.
 *
 * Facts relied on: Cloud Workflows is regional (a workflow runs where it is
 * deployed: https://cloud.google.com/workflows/docs/locations); the Cloud SQL
 * Admin API promotes a cross-region replica when the primary's region is
 * unavailable (https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas);
 * Cloud DNS is a global service whose records and routing policies keep
 * answering through a regional outage
 * (https://cloud.google.com/architecture/disaster-recovery); dual-region and
 * multi-region buckets fail over automatically
 * (https://cloud.google.com/storage/docs/locations).
 */
import { TerraformStack } from 'cdktf';
import { RunbookDeploymentState, RunbookOutageItem } from '../../core';
import { GlobalRouter } from '../global-router';
import { PrimaryRegion } from '../primary-region';
import { ReadReplicaRegion } from '../read-replica-region';
import { describeStateLocation } from '../state-backend';
import { bucketOf, locationKind } from './state-registry';

export interface OutageInput {
  readonly primary: PrimaryRegion;
  readonly replica: ReadReplicaRegion;
  readonly router?: GlobalRouter;
  readonly runbookStack: TerraformStack;
  readonly regions: readonly string[];
  readonly workflowName: string;
}

function stateIn(stack: TerraformStack, region: string): 'lost' | 'available' | 'local' {
  const b = bucketOf(stack);
  if (!b) return 'local';
  return locationKind(b.location, b.dataLocations) === 'region' && b.location.toLowerCase() === region ? 'lost' : 'available';
}

const tf = (stack: TerraformStack, verb: string) => `terraform -chdir=cdktf.out/stacks/${stack.node.id} init -input=false\nterraform -chdir=cdktf.out/stacks/${stack.node.id} ${verb}`;

/** The section for the loss of the primary region. */
export function deploymentState(i: OutageInput): RunbookDeploymentState {
  const { primary, replica, router, runbookStack } = i;
  const p = primary.project;
  const lost = primary.region;
  const stacks: { stack: TerraformStack; role: string }[] = [];
  const add = (stack: TerraformStack, role: string) => {
    const existing = stacks.find((s) => s.stack === stack);
    if (existing) existing.role = `${existing.role}, ${role}`; else stacks.push({ stack, role });
  };
  add(primary.stack, `${primary.region}, primary`);
  add(TerraformStack.of(replica), `${replica.region}, standby`);
  if (router) add(TerraformStack.of(router), 'router');
  add(runbookStack, 'runbook');
  const surviving = i.regions.filter((r) => r !== lost);

  const works: RunbookOutageItem[] = [
    {
      what: `The failover workflow ${i.workflowName} in ${surviving.join(', ')}`,
      why: `Cloud Workflows runs in the region it is deployed in, and none of its calls needs ${lost}`,
      commands: [{ command: `gcloud workflows run ${i.workflowName} --project=${p} --location=${surviving[0]} \\\n  --data='{"mode": "failover", "acceptDataLoss": true}'` }],
    },
    {
      what: `Reading and promoting the replica ${replica.instanceName} (Cloud SQL Admin API)`,
      why: `the replica is in ${replica.region}; Cloud SQL promotes a cross-region replica when its primary's region is unavailable`,
      commands: [{ command: `gcloud sql instances describe ${replica.instanceName} --project=${p} --format='value(instanceType,state)'` }],
    },
    ...(router ? [{
      what: `Reading and changing the write record ${router.writeHostname} (Cloud DNS)`,
      why: 'Cloud DNS is global: records, routing policies and health checks keep working',
      commands: [{ command: `gcloud dns record-sets describe ${router.writeHostname} --type=${router.recordType} --zone=${router.managedZone} --project=${p}` }],
    }] : []),
  ];
  const doesNotWork: RunbookOutageItem[] = [
    {
      what: `Anything on the primary ${primary.instanceName} or other resources in ${lost} (describe, patch, backups, restore, deleting it)`,
      why: `their control plane is in ${lost}; calls fail or hang. Do not delete or rebuild it during the outage`,
    },
    {
      what: `terraform plan / apply of ${primary.stack.node.id} (the stack of ${lost})`,
      why: `its resources are in ${lost}, so the refresh fails; wait for the region (then follow "The lost region is back")`,
    },
    {
      what: `terraform apply of ${TerraformStack.of(replica).node.id} before the configuration is swapped`,
      why: 'it still describes a replica: the plan would make the promoted instance a replica again, which Terraform can only do by replacing it (deletion protection refuses it). Swap the roles first (docs/day-two.md)',
    },
    ...(i.regions.includes(lost) ? [{ what: `The workflow deployed in ${lost}`, why: 'it is in the lost region: run the one in another region' }] : []),
  ];

  for (const { stack } of stacks) {
    if (stack === primary.stack) continue;
    const where = stateIn(stack, lost);
    if (where === 'available') {
      works.push({
        what: `terraform plan / apply of ${stack.node.id}`,
        why: `its state is ${describeStateLocation(stack)}, which does not depend on ${lost}${stack === TerraformStack.of(replica) ? ' (but see below: swap the configuration before applying it)' : ''}`,
        commands: [{ command: tf(stack, 'plan') }],
      });
    } else {
      doesNotWork.push({
        what: `terraform of ${stack.node.id}`,
        why: where === 'lost'
          ? `its state is in a single-region bucket in ${lost}`
          : 'its state is a local file: only where the machine that last applied it is, and not shared (use useGcsStateBackend with a dual- or multi-region bucket)',
      });
    }
  }

  return {
    locations: stacks.map(({ stack, role }) => ({ label: `Terraform state of ${stack.node.id} (${role})`, value: describeStateLocation(stack) })),
    outages: [{ region: lost, works, doesNotWork }],
  };
}
