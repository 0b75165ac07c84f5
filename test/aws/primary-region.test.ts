import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { App, Stack } from 'aws-cdk-lib';
import { PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion } from '../../lib/aws';
import { errorOf, stacks } from './helpers';

function primary(props: PrimaryRegionProps = {}, region = 'us-east-1') {
  const { stacks: [stack] } = stacks(region);
  const construct = new PrimaryRegion(stack, 'Database', props);
  return { stack, construct };
}

describe('PrimaryRegion phase 1 defaults', () => {
  const { stack, construct } = primary();
  const template = Template.fromStack(stack);

  test('Aurora PostgreSQL 16.9, encrypted with a customer-managed key', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.9',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      CopyTagsToSnapshot: true,
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('14-day backups, deletion protection, snapshot on removal', () => {
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ BackupRetentionPeriod: 14, DeletionProtection: true }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('TLS enforced by the cluster parameter group', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql16',
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  test('a writer and a reader in different availability zones, private, with Performance Insights', () => {
    const instances = template.findResources('AWS::RDS::DBInstance');
    const props = Object.values(instances).map((r) => r.Properties);
    expect(props).toHaveLength(2);
    const zones = props.map((p) => p.AvailabilityZone);
    expect(zones).toEqual(['us-east-1a', 'us-east-1b']);
    for (const p of props) {
      expect(p.PubliclyAccessible).toBe(false);
      expect(p.EnablePerformanceInsights).toBe(true);
      expect(p.PerformanceInsightsKMSKeyId).toBeDefined();
      expect(p.MonitoringInterval).toBe(60);
      expect(p.DBInstanceClass).toBe('db.r6g.large');
    }
    expect(props.map((p) => p.DBInstanceIdentifier).sort()).toEqual([
      `${construct.clusterIdentifier}-1`, `${construct.clusterIdentifier}-2`,
    ]);
  });

  test('credentials in Secrets Manager, encrypted with the key, rotated every 30 days', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseKey'), 'Arn'] },
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"dbadmin"}' }),
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  test('no global cluster in phase 1 and no public database endpoint', () => {
    template.resourceCountIs('AWS::RDS::GlobalCluster', 0);
    expect(construct.globalClusterIdentifier).toBeUndefined();
    expect(construct.globalWriterEndpoint).toBeUndefined();
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('DatabaseVpcDataSubnet') }]),
    });
  });

  test('VPC flow logs on, enhanced monitoring role without AWS managed policies', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] } },
    });
    const [role] = Object.values(roles);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const actions = role.Properties.Policies[0].PolicyDocument.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(actions.every((a: string) => a.startsWith('logs:') && !a.includes('*'))).toBe(true);
  });

  test('exposes typed attributes', () => {
    expect(construct.cluster).toBeInstanceOf(rds.DatabaseCluster);
    expect(construct.secret).toBeDefined();
    expect(construct.securityGroup).toBeDefined();
    expect(construct.region).toBe('us-east-1');
    expect(construct.topology).toMatchObject({ primaryRegion: 'us-east-1', replicaRegions: [], phase: 1, engine: 'postgresql' });
    expect(stack.resolve(construct.writerEndpoint)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DatabaseCluster/), 'Endpoint.Address'] });
    expect(stack.resolve(construct.readerEndpoint)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DatabaseCluster/), 'ReadEndpoint.Address'] });
  });
});

describe('PrimaryRegion with replica regions', () => {
  const { stack, construct } = primary({ replicaRegions: ['eu-west-1', 'ap-southeast-2'], globalClusterIdentifier: 'orders' });
  const template = Template.fromStack(stack);

  test('creates the global cluster from the existing cluster, protected and retained', () => {
    template.hasResource('AWS::RDS::GlobalCluster', {
      Properties: {
        GlobalClusterIdentifier: 'orders',
        SourceDBClusterIdentifier: { 'Fn::Join': Match.anyValue() },
        DeletionProtection: true,
      },
      DeletionPolicy: 'Retain',
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^DatabaseCluster')]),
    });
    expect(construct.globalClusterIdentifier).toBe('orders');
    expect(construct.clusterIdentifier).toBe('orders-us-east-1');
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'orders-us-east-1' });
  });

  test('exposes the global writer endpoint, read at deploy time (GetAtt GlobalEndpoint.Address is not in the CloudFormation schema)', () => {
    // A fresh stack: the lookup is created on first use, before synthesis.
    const { stack, construct } = primary({ replicaRegions: ['eu-west-1', 'ap-southeast-2'], globalClusterIdentifier: 'orders' });
    const resolved = JSON.stringify(stack.resolve(construct.globalWriterEndpoint));
    expect(resolved).not.toContain('GlobalEndpoint.Address');
    expect(resolved).toMatch(/"Fn::GetAtt":\["DatabaseRemoteFactsGlobalWriterEndpoint[0-9A-F]+","GlobalClusters\.0\.Endpoint"\]/);
    const after = Template.fromStack(stack);
    const lookups = after.findResources('Custom::AWS');
    const [create] = Object.values(lookups).map((r) => JSON.parse((r as { Properties: { Create: string } }).Properties.Create));
    expect(create).toMatchObject({ service: 'RDS', action: 'describeGlobalClusters', region: 'us-east-1', parameters: { GlobalClusterIdentifier: 'orders' } });
    // Exactly one global cluster may be described, and nothing else.
    const policies = Object.values(after.findResources('AWS::IAM::Policy')).map((r) => JSON.stringify(r)).filter((t) => t.includes('rds:DescribeGlobalClusters'));
    expect(policies).toHaveLength(1);
    expect(policies[0]).toContain(':global-cluster:orders');
    expect(policies[0]).not.toMatch(/"Action":"rds:\*"|"Resource":"\*"/);
  });

  test('replicates the secret to every replica region', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'orders/master',
      ReplicaRegions: [{ Region: 'eu-west-1' }, { Region: 'ap-southeast-2' }],
    });
  });

  test('lag metrics point at the secondary cluster in its region', () => {
    const lag = construct.metricReplicationLag('eu-west-1');
    expect(lag.metricName).toBe('AuroraGlobalDBReplicationLag');
    expect(lag.namespace).toBe('AWS/RDS');
    expect(lag.dimensions).toEqual({ DBClusterIdentifier: 'orders-eu-west-1' });
    expect(lag.region).toBe('eu-west-1');
    expect(lag.statistic).toBe('Maximum');
    expect(construct.metricRpoLag('eu-west-1').metricName).toBe('AuroraGlobalDBRPOLag');
  });

  test('globalDatabase: true makes a global cluster without replicas', () => {
    const { stack: s2 } = primary({ globalDatabase: true });
    Template.fromStack(s2).resourceCountIs('AWS::RDS::GlobalCluster', 1);
  });

  test('phase-1 primary has no lag metric', () => {
    const { construct: single } = primary();
    expect(errorOf(() => single.metricReplicationLag('eu-west-1'))).toMatch(/is not global, so it has no replication lag/);
  });
});

describe('PrimaryRegion MySQL and a user VPC', () => {
  test('Aurora MySQL 3 enforces TLS and exports audit logs', () => {
    const { stack } = primary({ engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 }), instances: 3 });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ require_secure_transport: 'ON', server_audit_logging: '1' }),
    });
    t.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['audit', 'error', 'slowquery'] });
    const zones = Object.values(t.findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone);
    expect(new Set(zones).size).toBe(3);
  });

  test('instances go only to zones that have a database subnet', () => {
    const { stacks: [stack] } = stacks('us-east-1');
    // 3 zones, but the isolated (database) subnets only in the first 2.
    const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 3, natGateways: 1 });
    const [a, b] = vpc.availabilityZones;
    const data = [a, b].map((az, i) => new ec2.Subnet(stack, `Data${i}`, { vpcId: vpc.vpcId, availabilityZone: az, cidrBlock: `10.0.${240 + i}.0/24` }));
    const withData = Object.assign(Object.create(Object.getPrototypeOf(vpc)), vpc, { isolatedSubnets: data }) as ec2.Vpc;
    new PrimaryRegion(stack, 'Database', { vpc: withData, instances: 3 });
    const zones = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance')).map((r) => r.Properties.AvailabilityZone);
    expect(zones.sort()).toEqual([a, a, b]); // never the third zone, which has no database subnet
    expect(vpc.availabilityZones).toHaveLength(3);
  });

  test('uses the given VPC and creates none', () => {
    const { stacks: [stack] } = stacks('us-east-1');
    const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 2 });
    new PrimaryRegion(stack, 'Database', { vpc });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPC', 1);
  });
});

describe('PrimaryRegion bad input', () => {
  const msg = (props: PrimaryRegionProps, region = 'us-east-1') => errorOf(() => primary(props, region));

  test('replica region equal to the primary', () => {
    expect(msg({ replicaRegions: ['us-east-1'] })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': replicaRegions[0] 'us-east-1' is the primary region; a replica must be in another region: remove it or choose a different region",
    );
  });
  test('a region listed twice', () => {
    expect(msg({ replicaRegions: ['eu-west-1', 'eu-west-1'] })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': replicaRegions[1] 'eu-west-1' is listed twice; list each replica region once",
    );
  });
  test('a malformed region name', () => {
    expect(msg({ replicaRegions: ['eu_west_1'] })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': replicaRegions[0] 'eu_west_1' is not a valid AWS region name; use a region name such as 'us-east-1'",
    );
  });
  test('backup retention below 7 and above 35 days', () => {
    expect(msg({ backupRetention: Duration.days(3) })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': backupRetention 3 days is below the phase-1 minimum of 7; set backupRetention to Duration.days(7) or more",
    );
    expect(msg({ backupRetention: Duration.days(40) })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': backupRetention 40 days is above the 35-day maximum the service allows; set backupRetention to Duration.days(35) or less, and keep longer-lived copies with snapshots or a backup vault",
    );
  });
  test('an engine version Aurora Global Database does not support', () => {
    expect(msg({
      replicaRegions: ['eu-west-1'],
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.of('13.2', '13') }),
    })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': engine aurora-postgresql 13.2 does not support Aurora Global Database; use Aurora PostgreSQL 13.3 or later",
    );
    expect(msg({
      globalDatabase: true,
      engine: rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_2_11_2 }),
    })).toMatch(/engine aurora-mysql 5\.7\.mysql_aurora\.2\.11\.2 does not support Aurora Global Database; use Aurora MySQL version 3\.01\.0 or later/);
    // The same old version is fine for a single-region cluster.
    expect(() => primary({ engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.of('13.2', '13') }) })).not.toThrow();
  });
  test('an instance class Aurora Global Database does not support', () => {
    expect(msg({ replicaRegions: ['eu-west-1'], instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': instanceType db.t4g.medium is not a memory-optimized class, which Aurora Global Database requires; use a db.r* or db.x* class such as InstanceType.of(InstanceClass.R6G, InstanceSize.LARGE)",
    );
  });
  test('more secondary regions than Aurora allows (10)', () => {
    const eleven = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
      'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ca-central-1'];
    expect(msg({ replicaRegions: eleven })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': replicaRegions lists 11 regions, more than the 10 secondary regions AWS allows (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html); keep at most 10 replica regions",
    );
  });
  test('more primary readers plus secondary regions than a global database allows (15)', () => {
    const eleven = ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
      'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
    expect(msg({ replicaRegions: eleven, instances: 7 })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': instances 7 (6 readers) with 10 replica regions exceeds the 15 readers plus secondary regions an Aurora global database primary allows; set instances to 6 or fewer, or list fewer replicaRegions",
    );
    expect(() => primary({ replicaRegions: eleven, instances: 6 })).not.toThrow();
    // A single-region cluster may use all 15 readers.
    expect(() => primary({ instances: 16 })).not.toThrow();
  });
  test('storage encryption turned off', () => {
    expect(msg({ storageEncrypted: false })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': storageEncrypted is false: the database would be stored unencrypted; remove storageEncrypted: false; storage is encrypted with a customer-managed key by default",
    );
  });
  test('fewer than 2 instances without the single-AZ opt-out', () => {
    expect(msg({ instances: 1 })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': instances 1 gives no standby in another availability zone, which phase 1 requires (a writer and at least one reader in another zone); set instances to 2 or more, or set allowSingleInstance: true to accept an outage when the zone fails",
    );
    const { stack } = primary({ instances: 1, allowSingleInstance: true });
    Template.fromStack(stack).resourceCountIs('AWS::RDS::DBInstance', 1);
  });
  test('a replica region that residency rules forbid', () => {
    expect(msg({ replicaRegions: ['us-east-1'], residency: { name: 'EU only', allowedRegions: ['eu-*'] } }, 'eu-west-1')).toBe(
      "PrimaryRegion 'S-eu-west-1/Database': replicaRegions[0] 'us-east-1' may not hold a copy of the data under the residency rule 'EU only' (allowed: eu-*); choose a region the rule allows, or change residency.allowedRegions if the rule permits it",
    );
  });
  test('removal policy DESTROY or no deletion protection without the data-loss opt-in', () => {
    expect(msg({ removalPolicy: RemovalPolicy.DESTROY })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': removalPolicy DESTROY deletes the data (no final snapshot) when the resource is removed; keep the default (snapshot), or set allowDataLossOnDelete: true to accept losing the data",
    );
    expect(msg({ deletionProtection: false })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': deletionProtection is false: one delete call would destroy the database; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data",
    );
    const { stack } = primary({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, allowDataLossOnDelete: true });
    Template.fromStack(stack).hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete' });
  });
  test('an invalid global cluster identifier', () => {
    expect(msg({ globalDatabase: true, globalClusterIdentifier: 'Orders_DB' })).toBe(
      "PrimaryRegion 'S-us-east-1/Database': globalClusterIdentifier 'Orders_DB' is not a valid identifier; use 1–63 lowercase letters, digits and single hyphens, starting with a letter (the region and the instance number are appended, so regions need room too)",
    );
  });
  test('a stack without an explicit region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    expect(errorOf(() => new PrimaryRegion(stack, 'Database'))).toBe(
      "PrimaryRegion 'Agnostic/Database': env.region is not set on the stack 'Agnostic', so replica regions cannot be checked against it; create the stack with env: { region: 'us-east-1' } (and an account)",
    );
  });
});

describe('PrimaryRegion with a VPC that cannot hold it', () => {
  test('a VPC with public subnets only', () => {
    const { stacks: [stack] } = stacks('us-east-1');
    const vpc = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(errorOf(() => new PrimaryRegion(stack, 'Database', { vpc }))).toBe([
      '2 configuration problems:',
      "- PrimaryRegion 'S-us-east-1/Database': vpc has private subnets in 0 availability zones, but the database needs private (isolated or with egress) subnets in at least 2; give the VPC private subnets in 2 or more zones (public subnets are never used for the database)",
      "- PrimaryRegion 'S-us-east-1/Database': secretRotation is on, but vpc has no private subnets with egress for the rotation function to reach Secrets Manager; add PRIVATE_WITH_EGRESS subnets (or VPC endpoints and such subnets), or set secretRotation: Duration.days(0) and rotate another way",
    ].join('\n'));
  });
  test('isolated subnets only: fine without rotation, rejected with it', () => {
    const { stacks: [stack] } = stacks('us-east-1');
    const vpc = new ec2.Vpc(stack, 'Isolated', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(errorOf(() => new PrimaryRegion(stack, 'Database', { vpc }))).toContain('secretRotation is on, but vpc has no private subnets with egress');
    new PrimaryRegion(stack, 'NoRotation', { vpc, secretRotation: Duration.days(0) });
    Template.fromStack(stack).resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('engine version policy of a global database', () => {
  /** DBInstance properties by logical id. */
  const instances = (stack: Stack) => Object.fromEntries(Object.entries(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'))
    .map(([id, r]) => [id, r.Properties as Record<string, unknown>]));

  test('automatic minor version upgrades are off on every instance of a global database (pinned version), on in a single region', () => {
    const single = primary();
    for (const p of Object.values(instances(single.stack))) expect(p.AutoMinorVersionUpgrade).toBe(true);
    const { stack, construct } = primary({ replicaRegions: ['eu-west-1'], globalClusterIdentifier: 'orders' });
    const replicaStack = new Stack(stack.node.root as App, 'R', { env: { account: '111111111111', region: 'eu-west-1' } });
    new ReadReplicaRegion(replicaStack, 'Database', { primary: construct, instances: 2 });
    for (const p of Object.values(instances(stack))) expect(p.AutoMinorVersionUpgrade).toBe(false);
    const replicas = Object.values(instances(replicaStack));
    expect(replicas).toHaveLength(2);
    for (const p of replicas) expect(p.AutoMinorVersionUpgrade).toBe(false);
  });

  test('day two: climbing from phase 1 to phase 2 changes only AutoMinorVersionUpgrade on the instances (an in-place update); cluster and instances keep their logical ids and identifiers', () => {
    // AWS::RDS::DBInstance AutoMinorVersionUpgrade — Update requires: No interruption
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html).
    const before = primary({ globalClusterIdentifier: 'orders' });
    const after = primary({ globalClusterIdentifier: 'orders', replicaRegions: ['eu-west-1'] });
    const b = instances(before.stack);
    const a = instances(after.stack);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const id of Object.keys(b)) {
      const changed = [...new Set([...Object.keys(a[id]), ...Object.keys(b[id])])]
        .filter((k) => JSON.stringify(a[id][k]) !== JSON.stringify(b[id][k]));
      expect([id, changed]).toEqual([id, ['AutoMinorVersionUpgrade']]);
    }
    const clusters = (s: Stack) => Template.fromStack(s).findResources('AWS::RDS::DBCluster');
    expect(Object.keys(clusters(after.stack))).toEqual(Object.keys(clusters(before.stack)));
    expect(Object.values(clusters(after.stack))[0].Properties.DBClusterIdentifier).toBe('orders-us-east-1');
  });
});
