import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion } from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf } from './helpers';

/** Every DBClusterIdentifier and DBInstanceIdentifier in a template. */
function identifiers(stack: Stack): string[] {
  const t = Template.fromStack(stack);
  return [
    ...Object.values(t.findResources('AWS::RDS::DBCluster')).map((r) => r.Properties.DBClusterIdentifier as string),
    ...Object.values(t.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.DBInstanceIdentifier as string),
  ];
}

/** A primary and its replicas, under the given stack name prefix and construct id. */
function deployment(opts: { primaryRegion: string; replicas?: Record<string, number>; stackName?: string; id?: string; props?: PrimaryRegionProps }) {
  const app = new App({ context: contextFile() });
  const replicas = opts.replicas ?? {};
  const pStack = new Stack(app, opts.stackName ?? `S-${opts.primaryRegion}`, { env: { account: ACCOUNT, region: opts.primaryRegion } });
  const primary = new PrimaryRegion(pStack, opts.id ?? 'Database', { replicaRegions: Object.keys(replicas), ...opts.props });
  const replicaRegions = Object.entries(replicas).map(([region, instances]) =>
    new ReadReplicaRegion(new Stack(app, `R-${region}`, { env: { account: ACCOUNT, region } }), 'Database', { primary, instances }));
  return { app, primary, replicas: replicaRegions };
}

describe('identifiers RDS derives from the global cluster identifier', () => {
  const LONG_STACK = 'OrdersPlatformProductionPrimaryStack-ap-southeast-2';
  const LONG_ID = 'CustomerOrdersDatabase';

  test('a default identifier under a long path in ap-southeast-2 fits every identifier (it gave 63 and 65 characters before)', () => {
    const { primary, replicas } = deployment({ primaryRegion: 'ap-southeast-2', replicas: { 'ap-northeast-1': 2 }, stackName: LONG_STACK, id: LONG_ID });
    // The identifier earlier versions derived here, 48 characters, never deployed: the instance was 65.
    expect(primary.globalClusterIdentifier).not.toBe('mrc-ordersplatformprodmerordersdatabase-2946c5d3');
    expect(primary.globalClusterIdentifier!.length).toBeLessThanOrEqual(45);
    expect(primary.globalClusterIdentifier).toMatch(/^mrc-[a-z0-9-]+-[0-9a-f]{8}$/);
    const all = [...identifiers(Stack.of(primary)), ...identifiers(Stack.of(replicas[0]))];
    expect(all).toHaveLength(2 + 1 + 2 + 1);
    for (const id of all) expect([id, id.length <= 63]).toEqual([id, true]);
  });

  test('a default identifier that is valid today stays byte-identical (no cluster or instance is renamed)', () => {
    const small = deployment({ primaryRegion: 'us-east-1', replicas: { 'eu-west-1': 1 } });
    expect(small.primary.globalClusterIdentifier).toBe('mrc-suseast1-database-e900c83f');
    expect(identifiers(Stack.of(small.primary)).sort()).toEqual([
      'mrc-suseast1-database-e900c83f-us-east-1', 'mrc-suseast1-database-e900c83f-us-east-1-1', 'mrc-suseast1-database-e900c83f-us-east-1-2',
    ]);
    // 48 characters: fits in us-east-1 (instances 60 characters), so it was deployable and stays.
    const long = deployment({
      primaryRegion: 'us-east-1', replicas: { 'eu-west-1': 1 }, stackName: 'OrdersPlatformProductionPrimaryStack-us-east-1', id: LONG_ID,
    });
    expect(long.primary.globalClusterIdentifier).toBe('mrc-ordersplatformprodmerordersdatabase-1e762a8c');
    expect(identifiers(Stack.of(long.replicas[0]))).toEqual([
      'mrc-ordersplatformprodmerordersdatabase-1e762a8c-eu-west-1', 'mrc-ordersplatformprodmerordersdatabase-1e762a8c-eu-west-1-1',
    ]);
  });

  test('adding a 14-character replica region to that deployment keeps the primary\'s names and shortens only what never fitted', () => {
    const before = deployment({ primaryRegion: 'us-east-1', stackName: 'OrdersPlatformProductionPrimaryStack-us-east-1', id: LONG_ID });
    const after = deployment({
      primaryRegion: 'us-east-1', replicas: { 'ap-southeast-2': 2 }, stackName: 'OrdersPlatformProductionPrimaryStack-us-east-1', id: LONG_ID,
    });
    expect(after.primary.identifiers.globalId).toBe(before.primary.identifiers.globalId);
    expect(identifiers(Stack.of(after.primary))).toEqual(identifiers(Stack.of(before.primary)));
    const replica = identifiers(Stack.of(after.replicas[0]));
    // The cluster identifier fits exactly (63) and is kept; its instances (65) are shortened with a hash.
    expect(replica[0]).toBe('mrc-ordersplatformprodmerordersdatabase-1e762a8c-ap-southeast-2');
    expect(replica[0]).toHaveLength(63);
    expect(replica.slice(1)).toEqual([expect.stringMatching(/^mrc-ordersplatform[a-z0-9-]*-[0-9a-f]{8}-1$/), expect.stringMatching(/-2$/)]);
    for (const id of replica) expect(id.length).toBeLessThanOrEqual(63);
    expect(after.replicas[0].clusterIdentifier).toBe(replica[0]);
    expect(after.primary.clusterIdentifierIn('ap-southeast-2')).toBe(replica[0]);
  });

  test('an explicit identifier too long for one of the regions is refused at synth with the longest it can be', () => {
    const id = 'orders-platform-production-customer-database-01'; // 47 characters
    expect(errorOf(() => deployment({ primaryRegion: 'us-east-1', replicas: { 'ap-southeast-2': 1 }, props: { globalClusterIdentifier: id } }))).toBe(
      "PrimaryRegion 'S-us-east-1/Database': globalClusterIdentifier 'orders-platform-production-customer-database-01' (47 characters) gives the "
      + "instance identifier in ap-southeast-2 'orders-platform-production-customer-database-01-ap-southeast-2-1' of 64 characters; "
      + 'RDS allows 63 (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html); '
      + 'use a globalClusterIdentifier of at most 46 characters for these regions '
      + '(for a database already deployed under this name, keep the name and add no region with a longer name)',
    );
    // The same identifier is fine where every region name is short enough.
    expect(() => deployment({ primaryRegion: 'us-east-1', replicas: { 'eu-west-1': 1 }, props: { globalClusterIdentifier: id } })).not.toThrow();
  });

  test('a replica with ten instances checks its own two-digit instance identifiers', () => {
    const id = 'orders-platform-production-customer-database12'; // 46: '-ap-southeast-2-1' fits, '-10' does not
    expect(errorOf(() => deployment({ primaryRegion: 'us-east-1', replicas: { 'ap-southeast-2': 10 }, props: { globalClusterIdentifier: id } }))).toContain(
      "ReadReplicaRegion 'R-ap-southeast-2/Database': primary.globalClusterIdentifier 'orders-platform-production-customer-database12' (46 characters) gives the instance identifier in ap-southeast-2 'orders-platform-production-customer-database12-ap-southeast-2-10' of 64 characters",
    );
  });
});
