/**
 * An application in every region on Google Cloud (issue 22): a Cloud Run
 * service per region connecting to its region's Cloud SQL instance with the
 * Cloud SQL Node.js Connector (private IP, IAM database authentication), and
 * nothing to change after a failover.
 *
 *   gcp-connect-network, gcp-connect-<region>   a phase-2 deployment (deployment.ts); each
 *                                               region's stack also holds its discovery secret
 *                                               multiregion-connect-example-<region>-database
 *   gcp-connect-users                           the service account, its database user and the two
 *                                               Cloud SQL roles conditioned to the deployment's instances
 *   gcp-connect-app-<region>                    a subnet for Direct VPC egress and the Cloud Run service,
 *                                               its record mounted as DB_RECORD (secret_key_ref)
 *
 * Regions are taken sorted: the set of stacks, the records and the grants do
 * not depend on which region writes (test/gcp/connect.test.ts swaps them).
 */
import { App, TerraformStack } from 'cdktf';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { DatabaseDiscovery, DatabaseUsers, discoverySecretFor, useGoogleProvider } from '../../lib/gcp';
import { dependOnServices, GCP_SERVICES, requireServices } from '../../lib/gcp/private/services';
import { GcpExampleConfig, guardPlaceholders, useStateBucket } from './config';
import { buildGcpDeployment } from './deployment';

export const CONNECT_DISCOVERY_NAME = 'connect-example';

/** The stacks of the example. */
export interface GcpAppInEachRegion {
  readonly stacks: TerraformStack[];
  readonly users: DatabaseUsers;
  readonly discovery: Readonly<Record<string, DatabaseDiscovery>>;
  readonly services: Readonly<Record<string, CloudRunV2Service>>;
  readonly serviceAccountEmail: string;
}

export function buildGcpAppInEachRegion(app: App, config: GcpExampleConfig): GcpAppInEachRegion {
  const d = buildGcpDeployment(app, config, { phase: 2, name: 'orders-conn', stackPrefix: 'gcp-connect' });
  const databases = [d.primary, ...d.replicas];
  const regions = databases.map((db) => db.region).sort();

  const usersStack = new TerraformStack(app, 'gcp-connect-users');
  for (const s of d.stacks) usersStack.addDependency(s);
  useGoogleProvider(usersStack, { project: config.project, region: config.firstPrimaryRegion, versionConstraint: config.providerVersion });
  const accountId = 'connect-app';
  const serviceAccountEmail = `${accountId}@${config.project}.iam.gserviceaccount.com`;
  const account = new ServiceAccount(usersStack, 'ServiceAccount', {
    project: config.project,
    accountId,
    displayName: 'The connect example service, in every region',
  });
  dependOnServices(account, requireServices(usersStack, config.project, [GCP_SERVICES.iam]));
  const users = new DatabaseUsers(usersStack, 'Users', { primary: d.primary, iamUsers: [] });
  const grant = users.grantConnect(serviceAccountEmail);
  for (const b of grant.bindings) b.node.addDependency(account);
  grant.user.node.addDependency(account);

  const discovery: Record<string, DatabaseDiscovery> = {};
  for (const db of databases) {
    const record = new DatabaseDiscovery(db, 'Discovery', { name: CONNECT_DISCOVERY_NAME });
    discovery[db.region] = record;
  }

  const services: Record<string, CloudRunV2Service> = {};
  const appStacks = regions.map((region, i) => {
    const stack = new TerraformStack(app, `gcp-connect-app-${region}`);
    stack.addDependency(usersStack);
    useGoogleProvider(stack, { project: config.project, region, versionConstraint: config.providerVersion });
    // The reader of the record is granted in the app's stack, on the region's secret only.
    discovery[region].grantRead(serviceAccountEmail, stack);
    // Direct VPC egress needs a subnet in the region; ranges by the region's place among the sorted regions.
    const subnet = new ComputeSubnetwork(stack, 'Subnet', {
      project: config.project,
      region,
      name: `connect-app-${region}`,
      network: d.network.network,
      ipCidrRange: `10.${200 + i}.0.0/24`,
      privateIpGoogleAccess: true,
    });
    services[region] = new CloudRunV2Service(stack, 'Service', {
      project: config.project,
      location: region,
      name: 'connect-app',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      deletionProtection: false,
      template: {
        serviceAccount: serviceAccountEmail,
        vpcAccess: { egress: 'PRIVATE_RANGES_ONLY', networkInterfaces: [{ network: d.network.network, subnetwork: subnet.id }] },
        containers: [{
          // Replace with the application's image (see docs/connect-your-app.md for the connector code).
          image: 'us-docker.pkg.dev/cloudrun/container/hello',
          env: [
            { name: 'DB_RECORD', valueSource: { secretKeyRef: { secret: discoverySecretFor(discovery[region].deployment, region), version: 'latest' } } },
            { name: 'DB_USER', value: grant.dbUser },
          ],
        }],
      },
    });
    dependOnServices(subnet, requireServices(stack, config.project, [GCP_SERVICES.compute]));
    dependOnServices(services[region], requireServices(stack, config.project, [GCP_SERVICES.run]));
    guardPlaceholders(stack, config);
    useStateBucket(stack, config);
    return stack;
  });
  guardPlaceholders(usersStack, config);
  useStateBucket(usersStack, config);
  return { stacks: [...d.stacks, usersStack, ...appStacks], users, discovery, services, serviceAccountEmail };
}
