import { App, TerraformStack, Testing } from 'cdktf';
import { GlobalRouter, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { PROJECT } from './helpers';

function services(stack: TerraformStack): Record<string, any> {
  return Object.fromEntries(Object.values(JSON.parse(Testing.synth(stack)).resource.google_project_service ?? {}).map((s: any) => [s.service, s]));
}

describe('APIs enabled by the stacks', () => {
  const app = new App();
  const primaryStack = new TerraformStack(app, 'Primary');
  const primary = new PrimaryRegion(primaryStack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders' });
  const replicaStack = new TerraformStack(app, 'Replica');
  new ReadReplicaRegion(replicaStack, 'Db', { primary, region: 'europe-west1' });

  test('the same service in two stacks of one project: each declares it, neither can disable it', () => {
    const a = services(primaryStack);
    const b = services(replicaStack);
    expect(Object.keys(a).sort()).toEqual([
      'cloudresourcemanager.googleapis.com', 'compute.googleapis.com', 'monitoring.googleapis.com', 'servicenetworking.googleapis.com', 'sqladmin.googleapis.com',
    ]);
    expect(Object.keys(b).sort()).toEqual(['cloudresourcemanager.googleapis.com', 'monitoring.googleapis.com', 'sqladmin.googleapis.com']);
    for (const s of [...Object.values(a), ...Object.values(b)]) expect(s).toMatchObject({ project: PROJECT, disable_on_destroy: false, disable_dependent_services: false });
  });

  test('two constructs in one stack share one service resource each', () => {
    const stack = new TerraformStack(new App(), 'One');
    const p = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], instanceName: 'orders', edition: 'ENTERPRISE_PLUS' });
    new ReadReplicaRegion(stack, 'Replica', { primary: p, region: 'europe-west1' });
    new GlobalRouter(stack, 'Router', { primary: p, managedZone: 'z', zoneDnsName: 'example.com.', targets: [{ region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }] });
    const json = JSON.parse(Testing.synth(stack));
    const names = Object.values(json.resource.google_project_service).map((s: any) => s.service).sort();
    expect(names).toEqual([...new Set(names)]);
    // Enterprise Plus: the PSA write endpoint is a Cloud DNS name.
    expect(names).toContain('dns.googleapis.com');
  });

  test('a user network: no compute or service networking API from the primary', () => {
    const stack = new TerraformStack(new App(), 'Own');
    new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', instanceName: 'orders', network: `projects/${PROJECT}/global/networks/shared` });
    expect(Object.keys(services(stack)).sort()).toEqual(['cloudresourcemanager.googleapis.com', 'monitoring.googleapis.com', 'sqladmin.googleapis.com']);
  });
});
