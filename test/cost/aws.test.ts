/**
 * AWS line items for small known templates against figures computed by hand
 * from the price table (lib/cost/prices.json, version 2026-11-29):
 * us-east-1 db.r6g.large $0.26/h, eu-west-1 ACU $0.13/h, I/O-Optimized ×1.3,
 * Aurora storage $0.10 (I/O-Optimized $0.225) per GB-month, I/O $0.20 (eu-west-1
 * replicated write I/O $0.22) per million, backup $0.021/GB-month, inter-Region
 * transfer $0.02/GB, NAT $0.045/h and /GB, Route 53 health checks $0.50 (AWS) /
 * $0.75 (non-AWS) plus $1.00 / $2.00 per optional feature, latency queries $0.60/M.
 */
import { estimateCost, LineItem, NotPriced, UNKNOWN_TYPE } from '../../lib/cost';
import { auroraCluster, cdkOut, cleanup } from './fixtures';

afterAll(cleanup);

const monthly = (items: readonly LineItem[], pred: (i: LineItem) => boolean) => Math.round(items.filter(pred).reduce((a, i) => a + i.monthly, 0) * 1e6) / 1e6;
const only = (notPriced: readonly NotPriced[], type: string) => notPriced.filter((n) => n.resourceType === type);

describe('Aurora', () => {
  test('two db.r6g.large instances in us-east-1 for a month = 2 × 730 × $0.26', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.r6g.large', 2) } }));
    const instances = e.lineItems.filter((i) => i.resourceType === 'AWS::RDS::DBInstance');
    expect(instances.map((i) => [i.resource, i.item, i.quantity, i.unitPrice, i.region])).toEqual([
      ['I1', 'Aurora instance db.r6g.large', 730, 0.26, 'us-east-1'],
      ['I2', 'Aurora instance db.r6g.large', 730, 0.26, 'us-east-1'],
    ]);
    expect(monthly(instances, () => true)).toBe(379.6);
    expect(instances.every((i) => i.assumed.length === 0)).toBe(true);
  });

  test('I/O-Optimized: instances × 1.3, storage at $0.225, no I/O line', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.r6g.large', 2, { StorageType: 'aurora-iopt1' }) } }));
    expect(monthly(e.lineItems, (i) => i.resourceType === 'AWS::RDS::DBInstance')).toBe(493.48); // 2 × 730 × 0.26 × 1.3
    expect(e.lineItems.find((i) => i.item === 'Aurora storage (Aurora I/O-Optimized)')?.monthly).toBeCloseTo(22.5, 10); // 100 GB × 0.225
    expect(e.lineItems.filter((i) => i.item.startsWith('Aurora I/O'))).toEqual([]);
  });

  test('Serverless v2 is priced at its minimum ACU and marked as a floor', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'eu-west-1', resources: auroraCluster('db.serverless', 1, { ServerlessV2ScalingConfiguration: { MinCapacity: 2, MaxCapacity: 16 } }) } }));
    const acu = e.lineItems.find((i) => i.resourceType === 'AWS::RDS::DBInstance')!;
    expect(acu).toMatchObject({ item: 'Aurora Serverless v2 (minimum ACU, floor)', quantity: 1460, unitPrice: 0.13, floor: true });
    expect(acu.monthly).toBeCloseTo(189.8, 10); // 2 ACU × 730 h × 0.13
  });

  test('storage, I/O and backup beyond the free amount from the usage, marked assumed where defaulted', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.r6g.large', 1) } }), {
      usage: { database: { storageGb: 200, writeIoPerSecond: 10, readIoPerSecond: 0 } },
    });
    const by = (item: string) => e.lineItems.find((i) => i.item === item)!;
    expect(by('Aurora storage (Aurora Standard)')).toMatchObject({ quantity: 200, unitPrice: 0.1, assumed: [] });
    expect(by('Aurora I/O (Aurora Standard)').quantity).toBeCloseTo(26.28, 10); // 10/s × 730 × 3600 s = 26.28 M
    expect(by('Aurora I/O (Aurora Standard)').monthly).toBeCloseTo(5.256, 10);
    // 7 days of a 30 GB/month change rate = 7 GB beyond the free amount
    expect(by('Aurora backup storage beyond the free amount')).toMatchObject({ quantity: 7, unitPrice: 0.021, assumed: ['database.changedGbPerMonth = 30'] });
    expect(e.usage.find((u) => u.key === 'database.changedGbPerMonth')).toMatchObject({ value: 30, assumed: true });
    expect(e.usage.find((u) => u.key.startsWith('database.storageGb'))).toMatchObject({ value: 200, assumed: false });
  });

  test('a Global Database secondary adds replicated write I/O and cross-Region transfer in its Region', () => {
    const secondary = { Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'orders', BackupRetentionPeriod: 1 } } };
    const e = estimateCost(cdkOut({ Replica: { region: 'eu-west-1', resources: secondary } }), { usage: { database: { writeIoPerSecond: 10, changedGbPerMonth: 60 } } });
    const by = (item: string) => e.lineItems.find((i) => i.item === item);
    expect(by('Aurora Global Database replicated write I/O')!.monthly).toBeCloseTo(26.28 * 0.22, 10);
    expect(by('Aurora Global Database cross-Region transfer')).toMatchObject({ quantity: 60, unitPrice: 0.02, monthly: 1.2 });
    expect(by('Aurora I/O (Aurora Standard)')).toBeUndefined(); // headless: no reads, the primary's writes are the replicated I/O
  });

  test('an instance class the table lacks is listed as not priced with the class named, never zero', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'us-east-1', resources: auroraCluster('db.x2g.large', 1) } }));
    expect(e.lineItems.filter((i) => i.resourceType === 'AWS::RDS::DBInstance')).toEqual([]);
    expect(only(e.notPriced, 'AWS::RDS::DBInstance')).toEqual([{
      cloud: 'aws', resourceType: 'AWS::RDS::DBInstance', reason: 'unknown', count: 1, resources: ['Db/I1'],
      detail: 'Aurora instance class db.x2g.large is not in the price table for us-east-1',
    }]);
  });

  test('a Region the table lacks is listed as not priced with the Region named', () => {
    const e = estimateCost(cdkOut({ Db: { region: 'ap-south-2', resources: auroraCluster('db.r6g.large', 1) } }));
    expect(e.lineItems.filter((i) => i.stack === 'Db' && i.region === 'ap-south-2')).toEqual([]);
    expect(only(e.notPriced, 'AWS::RDS::DBInstance').map((n) => n.detail)).toEqual([
      "Region 'ap-south-2' is not in the price table (Aurora instance db.r6g.large)",
    ]);
    expect(e.monthlyTotal).toBe(0);
  });
});

describe('network, keys, secrets', () => {
  test('a NAT gateway, its Elastic IP, a KMS key and a secret with one replica', () => {
    const e = estimateCost(cdkOut({
      Net: {
        region: 'us-east-1', resources: {
          Nat: { Type: 'AWS::EC2::NatGateway' }, Ip: { Type: 'AWS::EC2::EIP' }, Key: { Type: 'AWS::KMS::Key' },
          Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: [{ Region: 'eu-west-1' }] } },
        },
      },
    }));
    expect(e.lineItems.map((i) => [i.item, i.quantity, i.unitPrice, i.region])).toEqual([
      ['NAT gateway hours', 730, 0.045, 'us-east-1'],
      ['NAT gateway data processed', 10, 0.045, 'us-east-1'],
      ['Public IPv4 address (Elastic IP)', 730, 0.005, 'us-east-1'],
      ['KMS customer managed key', 1, 1, 'us-east-1'],
      ['Secrets Manager secret', 1, 0.4, 'us-east-1'],
      ['Secrets Manager replica secret', 1, 0.4, 'eu-west-1'],
    ]);
    expect(e.monthlyTotal).toBe(38.75); // 32.85 + 0.45 + 3.65 + 1 + 0.40 + 0.40
  });
});

describe('Route 53', () => {
  const checks = {
    Https: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 10, MeasureLatency: true } } },
    Match: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTP_STR_MATCH', RequestInterval: 30 } } },
    Calc: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'CALCULATED' } } },
    Alarm: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC' } } },
  };

  test('health checks are priced as Route 53 prices them: basic check plus each optional feature', () => {
    const e = estimateCost(cdkOut({ R: { region: 'us-east-1', resources: checks } }));
    const of = (id: string) => monthly(e.lineItems, (i) => i.resource === id);
    expect(of('Https')).toBe(6.75); // non-AWS 0.75 + HTTPS, fast interval, latency 3 × 2.00
    expect(of('Match')).toBe(2.75); // 0.75 + string matching 2.00
    expect(of('Calc')).toBe(0.5);
    expect(of('Alarm')).toBe(0.5);
    expect(e.lineItems.find((i) => i.resource === 'Https' && i.item.includes('features'))?.note).toBe('HTTPS, fast interval, latency measurement');
  });

  test('endpoints in AWS (from the usage file) are cheaper', () => {
    const e = estimateCost(cdkOut({ R: { region: 'us-east-1', resources: checks } }), { usage: { healthChecks: { endpointsInAws: true } } });
    expect(monthly(e.lineItems, (i) => i.resource === 'Https')).toBe(3.5); // 0.50 + 3 × 1.00
  });

  test('latency records share the queries of their name; alias records to AWS resources are free', () => {
    const rec = (region: string) => ({ Type: 'AWS::Route53::RecordSet', Properties: { Name: 'read.example.com.', Type: 'CNAME', Region: region, SetIdentifier: region } });
    const e = estimateCost(cdkOut({
      R: {
        region: 'us-east-1', resources: {
          A: rec('us-east-1'), B: rec('eu-west-1'),
          Alias: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'api.example.com.', Type: 'A', AliasTarget: { DNSName: 'd.cloudfront.net' } } },
        },
      },
    }));
    expect(e.lineItems.map((i) => [i.resource, i.item, i.quantity, i.monthly])).toEqual([
      ['A', 'Route 53 queries (latency-based)', 5, 3],
      ['B', 'Route 53 queries (latency-based)', 5, 3],
    ]);
    expect(only(e.notPriced, 'AWS::Route53::RecordSet')).toMatchObject([{ reason: 'free', count: 1 }]);
  });
});

describe('never a silent zero', () => {
  test('a type the estimator does not know is not priced (unknown); free and usage-only types say why', () => {
    const e = estimateCost(cdkOut({
      S: {
        region: 'us-east-1', resources: {
          Thing: { Type: 'AWS::Foo::Bar' }, Role: { Type: 'AWS::IAM::Role' }, Topic: { Type: 'AWS::SNS::Topic' },
          Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 128 } },
        },
      },
    }));
    expect(e.lineItems).toEqual([]);
    expect(e.notPriced.map((n) => [n.resourceType, n.reason, n.count, n.detail])).toEqual([
      ['AWS::Foo::Bar', 'unknown', 1, UNKNOWN_TYPE],
      ['AWS::Lambda::Function', 'usage-only', 1, 'Lambda invocations and duration; no usage key prices regional Lambda functions'],
      ['AWS::SNS::Topic', 'usage-only', 1, 'SNS publishes and deliveries; no usage key for notifications'],
      ['AWS::IAM::Role', 'free', 1, 'IAM has no charge'],
    ]);
  });
});

describe('edge, workflows, observability', () => {
  test('CloudFront + Lambda@Edge (through a version) + WAF at 1 M requests a month', () => {
    const e = estimateCost(cdkOut({
      Edge: {
        region: 'us-east-1', resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 256 } },
          FnVersion: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
          Dist: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { DefaultCacheBehavior: { LambdaFunctionAssociations: [{ EventType: 'origin-request', LambdaFunctionARN: { Ref: 'FnVersion' } }] } } } },
          Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'CLOUDFRONT', Rules: [{}, {}] } },
        },
      },
    }), { usage: { edge: { requestsPerMonthMillions: 1, functionMs: 50, responseKb: 1 } } });
    const by = (item: string) => e.lineItems.find((i) => i.item === item)!;
    expect(by('CloudFront HTTPS requests')).toMatchObject({ quantity: 100, unitPrice: 0.01, region: 'global' }); // 1e6 / 1e4
    expect(by('CloudFront data transfer out').monthly).toBeCloseTo((1e6 / 1024 / 1024) * 0.085, 10);
    expect(by('Lambda@Edge requests').monthly).toBeCloseTo(0.6, 10);
    expect(by('Lambda@Edge duration')).toMatchObject({ quantity: 12_500 }); // 1e6 × 0.05 s × 0.25 GB
    expect(by('Lambda@Edge duration').monthly).toBeCloseTo(12_500 * 0.00005001, 10);
    expect(monthly(e.lineItems, (i) => i.resource === 'Acl')).toBe(7.6); // 5 + 2 × 1 + 1 M × 0.60
    expect(only(e.notPriced, 'AWS::Lambda::Version')).toMatchObject([{ reason: 'free' }]);
  });

  test('Step Functions transitions, a log group, a dashboard, a hosted zone and alarms', () => {
    const e = estimateCost(cdkOut({
      Ops: {
        region: 'eu-west-1', resources: {
          Sm: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
          Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } },
          Dash: { Type: 'AWS::CloudWatch::Dashboard' },
          Zone: { Type: 'AWS::Route53::HostedZone' },
          Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 10 } },
          Both: { Type: 'AWS::CloudWatch::CompositeAlarm' },
        },
      },
    }), { usage: { runbook: { executionsPerMonth: 10, stepsPerExecution: 20 }, logs: { ingestedGbPerMonth: 2 } } });
    const of = (id: string) => monthly(e.lineItems, (i) => i.resource === id);
    expect(of('Sm')).toBe(0.005); // 200 transitions × $0.025 / 1,000
    expect(of('Logs')).toBe(1.32); // eu-west-1: 1.14 + 0.18,: 2 GB × 0.57 + 6 GB-month (90 days) × 0.03
    expect([of('Dash'), of('Zone'), of('Fast'), of('Both')]).toEqual([3, 0.5, 0.3, 0.5]);
  });
});
