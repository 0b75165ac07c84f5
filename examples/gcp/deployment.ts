/**
 * One deployment of the ladder on Google Cloud, at any phase, with stacks
 * named by REGION, never by role (docs/day-two.md):
 *
 *   <prefix>-network          the VPC network + private service access (global: no region's role owns it)
 *   <prefix>-<region>         one per region: its Cloud SQL instance, primary or replica
 *   <prefix>-router           phases 3–4: the DNS records (write failover policy, phase-4 read geo policy)
 *   <prefix>-runbook          phases 3–4: the failover workflow, outside the primary's region
 *
 * Swapping GCP_PRIMARY_REGION and GCP_REPLICA_REGIONS after a switchover or
 * failover keeps every instance in its region's stack, under the same
 * address, with the same name: only role-bound arguments change, in place
 * (test/gcp/day-two-examples.test.ts checks it for every phase).
 *
 * The stacks are the library's LadderDeployment (lib/gcp/ladder-deployment.ts);
 * this file adds what only the examples have: the placeholder guard on
 * every stack and the state bucket of GcpExampleConfig.
 */
import { App, TerraformStack } from 'cdktf';
import { DeploymentMonitoring, DeploymentNetwork, FailoverRunbook, GlobalRouter, LadderDeployment, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { GcpExampleConfig, guardPlaceholders } from './config';

export interface GcpDeploymentSpec {
  readonly phase: 1 | 2 | 3 | 4;
  /** Base of the instance names, e.g. `orders-p3`. */
  readonly name: string;
  /** Prefix of the stack names, e.g. `gcp-phase3`. */
  readonly stackPrefix: string;
  /**
   * Label of the record names: `write.<label>.<zone>`, `read.<label>.<zone>`.
   * @default `p<phase>` (each example phase its own names, so all can be applied in one zone)
   */
  readonly dnsLabel?: string;
}

export interface GcpDeployment {
  readonly stacks: TerraformStack[];
  readonly network: DeploymentNetwork;
  readonly primary: PrimaryRegion;
  readonly replicas: ReadReplicaRegion[];
  readonly router?: GlobalRouter;
  readonly runbook?: FailoverRunbook;
  /** Phases 2+: the dashboard and the routed alert policies (in the network stack, which no role owns). */
  readonly monitoring?: DeploymentMonitoring;
}

export function buildGcpDeployment(app: App, config: GcpExampleConfig, spec: GcpDeploymentSpec): GcpDeployment {
  const { phase } = spec;
  const label = spec.dnsLabel ?? `p${phase}`;
  const ladder = new LadderDeployment(app, spec.stackPrefix, {
    project: config.project,
    phase,
    name: spec.name,
    stackPrefix: spec.stackPrefix,
    primaryRegion: config.primaryRegion,
    replicaRegions: config.replicaRegions,
    originRegion: config.firstPrimaryRegion,
    drReplicaDesignated: config.drReplicaDesignated,
    notificationChannels: config.notificationChannels,
    providerVersionConstraint: config.providerVersion,
    stateBucket: config.stateBucket,
    ...(phase >= 3 ? {
      zone: { name: config.dnsZone, dnsName: config.dnsName },
      endpoints: config.endpoints,
      // Each phase its own names: phases 3 and 4 can be applied in one project and zone.
      writeRecordName: `write.${label}`,
      readRecordName: `read.${label}`,
    } : {}),
    // The router's stack also guards the DNS zone and name.
    stackHook: (stack, kind) => { guardPlaceholders(stack, config, kind === 'router'); },
  });
  return { stacks: [...ladder.stacks], network: ladder.network, primary: ladder.primary, replicas: [...ladder.replicas], router: ladder.router, runbook: ladder.runbook, monitoring: ladder.monitoring };
}
