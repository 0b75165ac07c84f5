/**
 * Issue 22, AWS: connections, grantConnect, grantSecretRead on both region
 * constructs, the discovery record and DatabaseConnection.fromRegion, and
 * every bad input with its message.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseConnection, discoveryParameterName, LadderDeployment } from '../../lib/aws';
import { ACCOUNT, contextFile, errorOf } from './helpers';
import { evaluate, resolveRecord } from './cfn-eval';

function deployment(opts: { discoveryName?: string; prefix?: string; app?: App } = {}) {
  const app = opts.app ?? new App({ context: contextFile() });
  const d = new LadderDeployment(app, opts.prefix ?? 'Orders', {
    phase: 2, account: ACCOUNT, primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], originRegion: 'us-east-1',
    discoveryName: opts.discoveryName,
  });
  return { app, d };
}

const lambdaRole = (scope: Stack, id = 'AppRole') => new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

function statementsOf(stack: Stack): { Action: unknown; Resource: unknown; Condition?: unknown }[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith('AppRole'))
    .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]));
}

describe('grantConnect', () => {
  test('primary: rds-db:connect on its own cluster resource id for that user only', () => {
    const { d } = deployment();
    const role = lambdaRole(d.primaryStack);
    d.primary.grantConnect(role, 'app_user');
    const clusterId = Object.keys(Template.fromStack(d.primaryStack).findResources('AWS::RDS::DBCluster'))[0];
    expect(statementsOf(d.primaryStack)).toEqual([{
      Action: 'rds-db:connect',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:us-east-1:111111111111:dbuser:', { 'Fn::GetAtt': [clusterId, 'DBClusterResourceId'] }, '/app_user']] },
    }]);
  });

  test("replica: the secondary's own cluster resource id (not the primary's)", () => {
    const { d } = deployment();
    const stack = d.replicaStacks[0];
    d.replicas[0].grantConnect(lambdaRole(stack), 'app_user');
    const clusterId = Object.keys(Template.fromStack(stack).findResources('AWS::RDS::DBCluster'))[0];
    expect(statementsOf(stack)).toEqual([{
      Action: 'rds-db:connect',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:eu-west-1:111111111111:dbuser:', { 'Fn::GetAtt': [clusterId, 'DBClusterResourceId'] }, '/app_user']] },
    }]);
  });
});

describe('grantSecretRead', () => {
  test('primary: the secret ARN and kms:Decrypt on its key through Secrets Manager in the region only', () => {
    const { d } = deployment();
    d.primary.grantSecretRead(lambdaRole(d.primaryStack));
    const t = Template.fromStack(d.primaryStack);
    const attachment = Object.keys(t.findResources('AWS::SecretsManager::SecretTargetAttachment'))[0];
    const key = Object.keys(t.findResources('AWS::KMS::Key'))[0];
    expect(statementsOf(d.primaryStack)).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: attachment } },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [key, 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } },
    ]);
  });

  test('replica: the ARN of the copy in its region (read at deploy time), no KMS grant (aws/secretsmanager)', () => {
    const { d } = deployment();
    const stack = d.replicaStacks[0];
    d.replicas[0].grantSecretRead(lambdaRole(stack));
    const t = Template.fromStack(stack);
    const lookup = Object.entries(t.findResources('Custom::AWS')).find(([, r]) => JSON.parse(r.Properties.Create).action === 'describeSecret')!;
    expect(JSON.parse(lookup[1].Properties.Create)).toEqual({
      service: 'SecretsManager', action: 'describeSecret', parameters: { SecretId: 'orders-global/master' },
      physicalResourceId: { id: 'orders-global/master-eu-west-1' }, outputPaths: ['ARN'],
    });
    expect(statementsOf(stack)).toEqual([
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [lookup[0], 'ARN'] } },
    ]);
    // The lookup's own permission: one action on the secret's name and its 6-character suffix.
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'secretsmanager:DescribeSecret', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:orders-global/master-??????']] } }] },
    });
  });
});

describe('connections', () => {
  test.each([['primary', 0], ['replica', 1]])('%s: allowDefaultPortFrom opens the database port from the service', (_, i) => {
    const { d } = deployment();
    const db = i === 0 ? d.primary : d.replicas[0];
    const stack = Stack.of(db);
    const sg = new ec2.SecurityGroup(stack, 'ServiceSg', { vpc: db.vpc });
    db.connections.allowDefaultPortFrom(sg, 'service');
    const t = Template.fromStack(stack);
    // The primary's port is the cluster's (an attribute), the replica's the engine's default it is created with.
    const port = i === 0 ? { 'Fn::GetAtt': [Object.keys(t.findResources('AWS::RDS::DBCluster'))[0], 'Endpoint.Port'] } : 5432;
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: port, ToPort: port, IpProtocol: 'tcp', Description: 'service',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceSg'), 'GroupId'] },
    });
  });
});

describe('the discovery record', () => {
  test('one parameter per region, JSON with the facts of the region (the global writer endpoint in both)', () => {
    const { d } = deployment({ discoveryName: 'orders' });
    const us = resolveRecord(d.primaryStack);
    const eu = resolveRecord(d.replicaStacks[0]);
    expect(us.name).toBe('/multiregion/orders/us-east-1/database');
    expect(eu.name).toBe(discoveryParameterName('orders', 'eu-west-1'));
    expect(eu.record).toMatchObject({
      schemaVersion: 1, deployment: 'orders', region: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'],
      engine: 'aurora-postgresql', engineVersion: '16.9', port: 5432, databaseName: null,
      clusterIdentifier: 'orders-global-eu-west-1', secretKmsKeyArn: null,
      tls: { caIdentifier: 'rds-ca-rsa2048-g1', caBundleUrl: 'https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem', sslMode: 'verify-full' },
    });
    // Deploy-time values, shown as <resource.attribute>: both regions read the global writer endpoint.
    expect(us.record.writerEndpoint).toMatch(/^<DatabaseRemoteFactsGlobalWriterEndpoint\w+\.GlobalClusters\.0\.Endpoint>$/);
    expect(eu.record.writerEndpoint).toMatch(/^<DatabaseRemoteFactsGlobalWriterEndpoint\w+\.GlobalClusters\.0\.Endpoint>$/);
    expect(eu.record.readerEndpoint).toMatch(/^<DatabaseCluster\w+\.ReadEndpoint\.Address>$/);
    expect(us.record.secretKmsKeyArn).toMatch(/^<DatabaseKey\w+\.Arn>$/);
    // The writer endpoint lookup asks the origin region for the global cluster, after it exists.
    const t = Template.fromStack(d.primaryStack);
    const [id, lookup] = Object.entries(t.findResources('Custom::AWS')).find(([, r]) => JSON.parse(r.Properties.Create).action === 'describeGlobalClusters')!;
    expect(JSON.parse(lookup.Properties.Create)).toMatchObject({ region: 'us-east-1', parameters: { GlobalClusterIdentifier: 'orders-global' } });
    expect(lookup.DependsOn).toEqual(expect.arrayContaining([Object.keys(t.findResources('AWS::RDS::GlobalCluster'))[0]]));
    expect(id).toMatch(/^DatabaseRemoteFacts/);
  });

  test('the lookup cuts each field out of the record at deploy time (evaluated on a resolved record)', () => {
    const { app, d } = deployment({ discoveryName: 'orders' });
    const stack = new Stack(app, 'App-eu', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const db = DatabaseConnection.fromRegion(stack, 'Db', { deployment: d.discovery! });
    const role = lambdaRole(stack);
    db.grantConnect(role, 'app_user');
    db.grantSecretRead(role);
    db.grantReadRecord(role);
    const ingress = new ec2.SecurityGroup(stack, 'Sg', { vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] }) });
    db.connections.allowDefaultPortFrom(ingress);
    const recordJson = JSON.stringify(resolveRecord(d.replicaStacks[0], {
      'GlobalClusters.0.Endpoint': 'orders-global.global-abc.global.rds.amazonaws.com',
      'ReadEndpoint.Address': 'orders-global-eu-west-1.cluster-ro-xyz.eu-west-1.rds.amazonaws.com',
      ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-global/master-AbCdEf',
      DBClusterResourceId: 'cluster-EU123', GroupId: 'sg-0eu',
    }).record);
    const template = Template.fromStack(stack).toJSON();
    const params = Object.entries(template.Parameters as Record<string, { Type: string; Default?: string }>).filter(([, p]) => p.Type === 'AWS::SSM::Parameter::Value<String>' && p.Default === '/multiregion/orders/eu-west-1/database');
    expect(params).toHaveLength(1);
    const env = { [params[0][0]]: recordJson, 'AWS::Partition': 'aws' };
    const statements = statementsOf(stack).map((s) => evaluate(s, env));
    expect(statements).toEqual([
      { Action: 'rds-db:connect', Effect: 'Allow', Resource: 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:cluster-EU123/app_user' },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-global/master-AbCdEf' },
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/multiregion/orders/eu-west-1/database' },
    ]);
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress'))[0];
    expect(evaluate(rule.Properties.GroupId, env)).toBe('sg-0eu');
    expect(rule.Properties.FromPort).toBe(5432);
  });

  test('the lookup in the origin region also grants kms:Decrypt on the key named in the record', () => {
    const { app, d } = deployment({ discoveryName: 'orders' });
    const stack = new Stack(app, 'App-us', { env: { account: ACCOUNT, region: 'us-east-1' } });
    DatabaseConnection.fromRegion(stack, 'Db', { deployment: d.discovery! }).grantSecretRead(lambdaRole(stack));
    const recordJson = JSON.stringify(resolveRecord(d.primaryStack, { Arn: 'arn:aws:kms:us-east-1:111111111111:key/k-1' }).record);
    const parameters = Template.fromStack(stack).toJSON().Parameters as Record<string, { Default?: string }>;
    const param = Object.keys(parameters).find((p) => parameters[p].Default === '/multiregion/orders/us-east-1/database')!;
    const [, kmsStatement] = statementsOf(stack).map((s) => evaluate(s, { [param]: recordJson, 'AWS::Partition': 'aws' }));
    expect(kmsStatement).toEqual({ Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:111111111111:key/k-1', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } } });
  });
});

describe('bad input', () => {
  test('grantConnect with IAM authentication turned off (before the grant: at once)', () => {
    const { d } = deployment();
    (d.primary.cluster.node.defaultChild as rds.CfnDBCluster).enableIamDatabaseAuthentication = false;
    expect(errorOf(() => d.primary.grantConnect(lambdaRole(d.primaryStack), 'app_user'))).toBe(
      "PrimaryRegion 'Orders-us-east-1/Database': grantConnect(…, 'app_user') needs IAM database authentication, but enableIamDatabaseAuthentication is false on the cluster; leave IAM authentication on (remove the override of enableIamDatabaseAuthentication), or connect with the secret (grantSecretRead) instead of grantConnect");
  });

  test('grantConnect with IAM authentication turned off after the grant: synth fails', () => {
    const { app, d } = deployment();
    d.replicas[0].grantConnect(lambdaRole(d.replicaStacks[0]), 'app_user');
    d.replicas[0].cluster.enableIamDatabaseAuthentication = false;
    expect(errorOf(() => app.synth())).toContain(
      "ReadReplicaRegion 'Orders-eu-west-1/Database': grantConnect(…, 'app_user') needs IAM database authentication, but enableIamDatabaseAuthentication is false on the cluster; leave IAM authentication on");
  });

  test.each([
    ['App-User', "dbUser 'App-User' is not a valid PostgreSQL user name (lower-case letter or _ first, then lower-case letters, digits or _ or $; at most 63 characters); use a name such as 'app_reader', and create it in the database with that exact name"],
    ['1app', "dbUser '1app' is not a valid PostgreSQL user name"],
    ['a'.repeat(64), 'at most 63 characters'],
    ['dbadmin', "dbUser 'dbadmin' is the master user; create an application user (CREATE USER app_user; GRANT rds_iam TO app_user) and grant that one"],
    ['pg_app', "dbUser 'pg_app' starts with a prefix PostgreSQL or Aurora reserve for their own roles; choose a name without the 'pg_' or 'rds_' prefix"],
  ])('grantConnect with database user %s', (user, message) => {
    const { d } = deployment();
    const e = errorOf(() => d.primary.grantConnect(lambdaRole(d.primaryStack), user));
    expect(e).toMatch(/^PrimaryRegion 'Orders-us-east-1\/Database': dbUser /);
    expect(e).toContain(message);
  });

  test('a grantee in another region than the database', () => {
    const { d } = deployment();
    expect(errorOf(() => d.replicas[0].grantConnect(lambdaRole(d.primaryStack), 'app_user'))).toBe(
      "ReadReplicaRegion 'Orders-eu-west-1/Database': grantee 'Orders-us-east-1/AppRole' is in 'us-east-1', but the database resource it is granted on is in 'eu-west-1'; grant the database of us-east-1 (its own region), or import the role in a stack of eu-west-1 (iam.Role.fromRoleArn) and grant there (docs/connect-your-app.md)");
    expect(errorOf(() => d.primary.grantSecretRead(lambdaRole(d.replicaStacks[0])))).toContain("grantee 'Orders-eu-west-1/AppRole' is in 'eu-west-1', but the database resource it is granted on is in 'us-east-1'");
  });

  test('a role imported in the database region is granted there (the documented way for other regions)', () => {
    const { d } = deployment();
    const imported = iam.Role.fromRoleName(d.replicaStacks[0], 'UsService', 'orders-service-us-east-1');
    d.replicas[0].grantConnect(imported, 'app_user');
    Template.fromStack(d.replicaStacks[0]).hasResourceProperties('AWS::IAM::Policy', { Roles: ['orders-service-us-east-1'], PolicyDocument: { Statement: [Match.objectLike({ Action: 'rds-db:connect' })] } });
  });

  test('a discovery lookup for a region outside the deployment lists its regions', () => {
    const { app, d } = deployment({ discoveryName: 'orders' });
    const stack = new Stack(app, 'App-ap', { env: { account: ACCOUNT, region: 'ap-southeast-2' } });
    expect(errorOf(() => DatabaseConnection.fromRegion(stack, 'Db', { deployment: d.discovery! }))).toBe(
      "DatabaseConnection 'App-ap/Db': region 'ap-southeast-2' is not a region of the deployment 'orders' (['eu-west-1', 'us-east-1']); look up one of eu-west-1, us-east-1, from a stack in that region");
    const eu = new Stack(app, 'App-eu', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(errorOf(() => DatabaseConnection.fromRegion(eu, 'Db', { deployment: d.discovery!, region: 'us-east-1' }))).toBe(
      "DatabaseConnection 'App-eu/Db': region 'us-east-1' differs from the stack's region 'eu-west-1': a parameter is read in its own region; look up 'eu-west-1' (the database of the stack's region), or move the stack to us-east-1");
  });

  test('two deployments with the same discovery name in one account', () => {
    const { app } = deployment({ discoveryName: 'orders' });
    expect(errorOf(() => deployment({ app, prefix: 'Billing', discoveryName: 'orders' }))).toBe(
      "PrimaryRegion 'Billing-us-east-1/Database': discoveryName 'orders' is already the name of the deployment 'Orders-us-east-1/Database' (database 'orders-global') in account 111111111111; give each deployment of an account its own discoveryName: both would write the same parameters");
    // Another account may reuse it.
    const other = new LadderDeployment(app, 'Other', { phase: 1, account: '222222222222', primaryRegion: 'us-east-1', discoveryName: 'orders', availabilityZones: { 'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'] } });
    expect(other.discovery?.regions).toEqual(['us-east-1']);
  });

  test('a discovery name that is not a parameter path segment', () => {
    expect(errorOf(() => deployment({ discoveryName: 'orders/eu' }))).toBe(
      "PrimaryRegion 'Orders-us-east-1/Database': discoveryName 'orders/eu' is not 1–64 letters, digits, '-', '_' or '.'; use a name such as 'orders' (it becomes the SSM parameter path /multiregion/orders/<region>/database)");
  });
});
