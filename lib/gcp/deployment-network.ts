import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Construct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../core';
import { deterministicName, trimName } from './private/names';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { useGoogleProvider } from './provider';

/** Properties of {@link DeploymentNetwork}. */
export interface DeploymentNetworkProps {
  /** Project of the network. */
  readonly project: string;
  /**
   * Network name. It must not change after deployment (ForceNew).
   * @default derived from the construct path
   */
  readonly networkName?: string;
  /**
   * Name of the range (global address) reserved for private service access;
   * Cloud SQL takes every instance's private IP from it.
   * @default `<networkName>-psa`
   */
  readonly rangeName?: string;
  /**
   * Size of the reserved range, as a prefix length (16 = 65 536 addresses).
   * @default 16
   */
  readonly prefixLength?: number;
  /**
   * Default region of the stack's provider. A VPC network is global; this
   * only sets the provider block.
   * @default 'us-central1'
   */
  readonly providerRegion?: string;
  /**
   * Google provider version constraint of this stack.
   * @default '6.50.0'
   */
  readonly providerVersionConstraint?: string;
}

/**
 * The deployment's VPC network with private service access — the network
 * every Cloud SQL instance of the deployment takes its private IP from.
 *
 * A Google VPC network is global and belongs to no region: put it in a stack
 * of its own (e.g. `orders-network`), so that no region's role owns it. When
 * the primary's stack created it (PrimaryRegion without `network`), a role
 * swap would move it to another stack, which Terraform does by destroying it.
 * Pass {@link network} and {@link allocatedIpRange} to PrimaryRegion.
 */
export class DeploymentNetwork extends Construct {
  /** `projects/<project>/global/networks/<name>` (a plain string, usable from any stack). */
  public readonly network: string;
  /** Network name. */
  public readonly networkName: string;
  /** Name of the private service access range. */
  public readonly allocatedIpRange: string;
  /** The network resource. */
  public readonly computeNetwork: ComputeNetwork;
  /** The reserved range. */
  public readonly range: ComputeGlobalAddress;
  /** The private service access connection. */
  public readonly connection: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: DeploymentNetworkProps) {
    super(scope, id);
    const networkName = props.networkName ?? deterministicName(this, 'mrc-vpc', 60);
    const rangeName = props.rangeName ?? trimName(`${networkName}-psa`, 63);
    const prefixLength = props.prefixLength ?? 16;
    const name = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
    const problems: ConfigProblem[] = [];
    for (const [property, value] of [['networkName', networkName], ['rangeName', rangeName]] as const) {
      if (!name.test(value) || value.length > 63) {
        problems.push({ property, message: `${property} ${show(value)} is not a valid Compute Engine resource name`, fix: 'use 1–63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen' });
      }
    }
    if (!Number.isInteger(prefixLength) || prefixLength < 8 || prefixLength > 24) {
      // Private service access needs at least a /24: https://cloud.google.com/vpc/docs/configure-private-services-access
      problems.push({ property: 'prefixLength', message: `prefixLength ${show(prefixLength)} is not between 8 and 24`, fix: 'keep the default 16, or choose a /24 or larger range' });
    }
    throwIfProblems({ construct: 'DeploymentNetwork', path: this.node.path }, problems);

    useGoogleProvider(this, { project: props.project, region: props.providerRegion ?? 'us-central1', versionConstraint: props.providerVersionConstraint });
    const created = createPrivateServiceNetwork(this, { project: props.project, networkName, rangeName, prefixLength });
    this.computeNetwork = created.network;
    this.range = created.range;
    this.connection = created.connection;
    this.networkName = networkName;
    this.network = `projects/${props.project}/global/networks/${networkName}`;
    this.allocatedIpRange = rangeName;
    dependOnServices(this, requireServices(this, props.project, [GCP_SERVICES.compute, GCP_SERVICES.serviceNetworking]));
  }
}

/**
 * A VPC network (custom subnets, global routing), a /N range reserved for
 * private service access and the peering to Cloud SQL's service producer
 * network, as children `Network`, `PrivateServiceRange` and
 * `PrivateServiceAccess` of `scope` (PrimaryRegion keeps these ids so its
 * addresses never change).
 */
export function createPrivateServiceNetwork(scope: Construct, o: { project?: string; networkName: string; rangeName: string; prefixLength?: number }) {
  const network = new ComputeNetwork(scope, 'Network', {
    project: o.project,
    name: o.networkName,
    autoCreateSubnetworks: false,
    routingMode: 'GLOBAL',
  });
  const range = new ComputeGlobalAddress(scope, 'PrivateServiceRange', {
    project: o.project,
    name: o.rangeName,
    purpose: 'VPC_PEERING',
    addressType: 'INTERNAL',
    prefixLength: o.prefixLength ?? 16,
    network: network.id,
  });
  const connection = new ServiceNetworkingConnection(scope, 'PrivateServiceAccess', {
    network: network.id,
    service: 'servicenetworking.googleapis.com',
    reservedPeeringRanges: [range.name],
    // Keep the peering when the stack is destroyed while instances still use it.
    deletionPolicy: 'ABANDON',
  });
  return { network, range, connection };
}
