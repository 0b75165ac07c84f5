import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion, ReadReplicaRegionProps } from '../../lib/aws';
import { errorOf, stacks } from './helpers';

function build(
  replicaProps: Partial<ReadReplicaRegionProps> = {},
  primaryProps: PrimaryRegionProps = { replicaRegions: ['eu-west-1'], globalClusterIdentifier: 'orders' },
  replicaRegion = 'eu-west-1',
) {
  const { stacks: [primaryStack, replicaStack] } = stacks('us-east-1', replicaRegion);
  const primary = new PrimaryRegion(primaryStack, 'Database', primaryProps);
  const replica = new ReadReplicaRegion(replicaStack, 'Database', { primary, ...replicaProps });
  return { primaryStack, replicaStack, primary, replica };
}

describe('ReadReplicaRegion defaults', () => {
  const { primaryStack, replicaStack, replica } = build();
  const template = Template.fromStack(replicaStack);

  test('joins the global cluster with the same engine, its own key, and no credentials', () => {
    const clusters = template.findResources('AWS::RDS::DBCluster');
    const [cluster] = Object.values(clusters);
    expect(Object.keys(clusters)).toHaveLength(1);
    expect(cluster.Properties).toMatchObject({
      DBClusterIdentifier: 'orders-eu-west-1',
      GlobalClusterIdentifier: 'orders',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.9',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseKey/), 'Arn'] },
      DeletionProtection: true,
      EnableIAMDatabaseAuthentication: true,
      BackupRetentionPeriod: 14,
    });
    for (const forbidden of ['MasterUsername', 'MasterUserPassword', 'ManageMasterUserPassword', 'MasterUserSecret']) {
      expect(cluster.Properties[forbidden]).toBeUndefined();
    }
    expect(cluster.DeletionPolicy).toBe('Snapshot');
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('the key lives in the replica region, rotates, and is retained', () => {
    template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
  });

  test('TLS enforced in the secondary too', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Family: 'aurora-postgresql16', Parameters: { 'rds.force_ssl': '1' } });
  });

  test('one private reader with Performance Insights', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({
        DBInstanceIdentifier: 'orders-eu-west-1-1',
        DBInstanceClass: 'db.r6g.large',
        PubliclyAccessible: false,
        EnablePerformanceInsights: true,
        AvailabilityZone: 'eu-west-1a',
      }),
      // The cluster holds the data and is snapshotted; CloudFormation takes no
      // final snapshot of a cluster member, so the instance does not claim one.
      DeletionPolicy: 'Delete',
    });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' });
    expect(replica.servesReads).toBe(true);
  });

  test('readers go only to zones that have a database subnet', () => {
    const { stacks: [primaryStack, replicaStack] } = stacks('us-east-1', 'eu-west-1');
    const primary = new PrimaryRegion(primaryStack, 'Database', { replicaRegions: ['eu-west-1'], globalClusterIdentifier: 'orders' });
    const vpc = new ec2.Vpc(replicaStack, 'Mine', { maxAzs: 3, natGateways: 1 });
    const [a, b] = vpc.availabilityZones;
    const data = [a, b].map((az, i) => new ec2.Subnet(replicaStack, `Data${i}`, { vpcId: vpc.vpcId, availabilityZone: az, cidrBlock: `10.0.${240 + i}.0/24` }));
    const withData = Object.assign(Object.create(Object.getPrototypeOf(vpc)), vpc, { isolatedSubnets: data }) as ec2.Vpc;
    new ReadReplicaRegion(replicaStack, 'Database', { primary, vpc: withData, instances: 3 });
    const zones = Object.values(Template.fromStack(replicaStack).findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone);
    expect(zones.sort()).toEqual([a, a, b]); // never the third zone, which has no database subnet
  });

  test('a replication-lag alarm on the secondary cluster', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraGlobalDBReplicationLag',
      Namespace: 'AWS/RDS',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-eu-west-1' }],
      Threshold: 30000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(replica.metricRpoLag().metricName).toBe('AuroraGlobalDBRPOLag');
  });

  test('deploys after the primary, without cross-region references', () => {
    expect(replicaStack.dependencies).toContain(primaryStack);
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/Fn::ImportValue|ExportsReader|CrossRegion/);
  });
});

describe('ReadReplicaRegion options', () => {
  test('headless (0 instances) is a pilot light that cannot serve reads', () => {
    const { replicaStack, replica } = build({ instances: 0 });
    Template.fromStack(replicaStack).resourceCountIs('AWS::RDS::DBInstance', 0);
    expect(replica.servesReads).toBe(false);
  });
  test('global write forwarding when asked', () => {
    const { replicaStack } = build({ enableWriteForwarding: true, instances: 2 });
    const t = Template.fromStack(replicaStack);
    t.hasResourceProperties('AWS::RDS::DBCluster', { EnableGlobalWriteForwarding: true });
    const zones = Object.values(t.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone);
    expect(zones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });
  test('MySQL secondary follows the primary engine', () => {
    const engine = rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 });
    const { replicaStack } = build({}, { replicaRegions: ['eu-west-1'], engine });
    Template.fromStack(replicaStack).hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-mysql', EngineVersion: '8.0.mysql_aurora.3.08.2', Port: 3306,
    });
  });
});

describe('ReadReplicaRegion bad input', () => {
  test('a replica whose engine differs from the primary', () => {
    expect(errorOf(() => build({ engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 }) }))).toBe(
      "ReadReplicaRegion 'S-eu-west-1/Database': engine aurora-mysql 8.0.mysql_aurora.3.08.2 differs from the primary's aurora-postgresql 16.9; leave engine unset: a global secondary always runs the primary's engine and version",
    );
  });
  test('a replica in the primary region', () => {
    const { stacks: [stack] } = stacks('us-east-1');
    const primary = new PrimaryRegion(stack, 'Primary', { replicaRegions: ['eu-west-1'], globalClusterIdentifier: 'orders' });
    expect(errorOf(() => new ReadReplicaRegion(stack, 'Replica', { primary }))).toBe(
      "ReadReplicaRegion 'S-us-east-1/Replica': env.region 'us-east-1' is the primary's region; put the replica in a stack of another region",
    );
  });
  test('a replica in a region the primary does not list', () => {
    expect(errorOf(() => build({}, { replicaRegions: ['eu-west-1'], globalClusterIdentifier: 'orders' }, 'eu-central-1'))).toBe(
      "ReadReplicaRegion 'S-eu-central-1/Database': env.region 'eu-central-1' is not one of the primary's replicaRegions (['eu-west-1']); add 'eu-central-1' to the PrimaryRegion's replicaRegions, so its secret is replicated here",
    );
  });
  test('a replica of a single-region primary', () => {
    expect(errorOf(() => build({}, {}, 'eu-west-1'))).toContain(
      "ReadReplicaRegion 'S-eu-west-1/Database': primary 'S-us-east-1/Database' is not a global database; give the PrimaryRegion replicaRegions (or globalDatabase: true)",
    );
  });
  test('a replica region that residency rules forbid is rejected where the regions are listed', () => {
    expect(errorOf(() => build({}, { replicaRegions: ['us-west-2'], residency: { name: 'EU only', allowedRegions: ['eu-*', 'us-east-1'] } }, 'us-west-2'))).toBe(
      "PrimaryRegion 'S-us-east-1/Database': replicaRegions[0] 'us-west-2' may not hold a copy of the data under the residency rule 'EU only' (allowed: eu-*, us-east-1); choose a region the rule allows, or change residency.allowedRegions if the rule permits it",
    );
  });
  test('bad instance count, instance class, retention, deletion protection', () => {
    expect(errorOf(() => build({ instances: 17 }))).toContain("instances 17 is outside 0–16; set instances to 0 (headless) up to 16");
    expect(errorOf(() => build({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM) }))).toContain(
      'instanceType db.t3.medium is not a memory-optimized class, which Aurora Global Database requires',
    );
    expect(errorOf(() => build({ backupRetention: Duration.days(1) }))).toContain(
      'backupRetention 1 day is outside the 7–35 days the ladder and Aurora allow; set backupRetention between Duration.days(7) and Duration.days(35)',
    );
    expect(errorOf(() => build({ deletionProtection: false }))).toContain(
      'deletionProtection is false: the secondary may become the primary after a failover and hold the only copy; remove deletionProtection: false',
    );
  });
});
