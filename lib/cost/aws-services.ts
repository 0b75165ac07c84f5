/**
 * Everything on AWS but the database: the network the examples create (NAT
 * gateways, public IPv4 addresses), keys and secrets, Route 53 (zones,
 * queries by routing policy, health checks priced the way Route 53 prices
 * them: a basic check plus each optional feature), CloudWatch, Step
 * Functions, ARC Region switch, and the GraphQL edge (CloudFront, Lambda@Edge,
 * WAF). Types that cost nothing by themselves are explained, not priced.
 *
 * Health-check pricing by endpoint kind and optional feature (HTTPS, string
 * matching, fast interval, latency measurement):
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 * ("If you specify a non-AWS endpoint, an additional charge applies").
 */
import { Pricer, PricerContext, PricerSet, refOf } from './pricing';

const nat: Pricer = (ctx) => {
  const gb = ctx.usage.num('nat.processedGbPerMonth', ctx.stack.name);
  ctx.charge({ key: 'natGateway.hour', item: 'NAT gateway hours', quantity: ctx.hoursPerMonth });
  ctx.charge({ key: 'natGateway.gb', item: 'NAT gateway data processed', quantity: gb.value, assumed: [gb.assumed] });
};

const eip: Pricer = (ctx) => ctx.charge({ key: 'publicIpv4.hour', item: 'Public IPv4 address (Elastic IP)', quantity: ctx.hoursPerMonth });

const kmsKey: Pricer = (ctx) => ctx.charge({
  key: 'kms.key', item: 'KMS customer managed key', quantity: 1,
  note: ctx.resource.props.EnableKeyRotation ? 'first year; each automatic rotation adds a backing key billed like a key' : undefined,
});

const secret: Pricer = (ctx) => {
  ctx.charge({ key: 'secretsManager.secret', item: 'Secrets Manager secret', quantity: 1 });
  for (const replica of (ctx.resource.props.ReplicaRegions ?? []) as { Region?: string }[]) {
    if (replica.Region) ctx.charge({ key: 'secretsManager.replica', item: 'Secrets Manager replica secret', quantity: 1, region: replica.Region });
  }
};

const hostedZone: Pricer = (ctx) => ctx.charge({ key: 'route53.hostedZone', item: 'Route 53 hosted zone', quantity: 1 });

/** Queries for one record name, split evenly over the record sets that answer for it. */
function recordQueries(ctx: PricerContext, record: Record<string, unknown>, siblings: number): void {
  if (record.AliasTarget !== undefined) {
    ctx.notPriced('free', 'alias records to AWS resources (CloudFront, load balancers): their queries are free');
    return;
  }
  const policy = record.Region !== undefined ? 'latency' : record.GeoLocation !== undefined || record.GeoProximityLocation !== undefined ? 'geo' : 'standard';
  const q = ctx.usage.num('dns.queriesPerMonthMillions', ctx.stack.name);
  ctx.charge({
    key: `route53.queries.${policy}`, item: `Route 53 queries (${policy === 'standard' ? 'standard/failover' : `${policy}-based`})`,
    quantity: q.value / siblings, assumed: [q.assumed],
    note: siblings > 1 ? `${q.value} M queries for ${String(record.Name)} shared by ${siblings} record sets` : undefined,
  });
}

const recordSet: Pricer = (ctx) => {
  const p = ctx.resource.props;
  const siblings = ctx.stack.resources.filter((r) => r.type === 'AWS::Route53::RecordSet' && r.props.Name === p.Name && r.props.Type === p.Type).length;
  recordQueries(ctx, p, Math.max(1, siblings));
};

const recordSetGroup: Pricer = (ctx) => {
  const sets = (ctx.resource.props.RecordSets ?? []) as Record<string, unknown>[];
  for (const s of sets) recordQueries(ctx, s, Math.max(1, sets.filter((o) => o.Name === s.Name && o.Type === s.Type).length));
};

const healthCheck: Pricer = (ctx) => {
  const cfg = (ctx.resource.props.HealthCheckConfig ?? {}) as Record<string, unknown>;
  const type = String(cfg.Type ?? '');
  if (['CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'].includes(type)) {
    ctx.charge({ key: 'route53.healthCheck.aws', item: `Route 53 health check (${type.toLowerCase().replace('_', ' ')})`, quantity: 1 });
    return;
  }
  const inAws = ctx.usage.bool('healthChecks.endpointsInAws', ctx.stack.name);
  const kind = inAws.value ? 'aws' : 'nonAws';
  const label = inAws.value ? 'AWS endpoint' : 'non-AWS endpoint';
  ctx.charge({ key: `route53.healthCheck.${kind}`, item: `Route 53 health check (${label})`, quantity: 1, assumed: [inAws.assumed] });
  const features = [
    type.startsWith('HTTPS') ? 'HTTPS' : undefined,
    type.endsWith('STR_MATCH') ? 'string matching' : undefined,
    Number(cfg.RequestInterval ?? 30) === 10 ? 'fast interval' : undefined,
    cfg.MeasureLatency === true ? 'latency measurement' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (features.length > 0) {
    ctx.charge({
      key: `route53.healthCheck.feature.${kind}`, item: `Route 53 health-check optional features (${label})`,
      quantity: features.length, assumed: [inAws.assumed], note: features.join(', '),
    });
  }
};

const alarm: Pricer = (ctx) => {
  const p = ctx.resource.props;
  const metrics = (p.Metrics ?? []) as { MetricStat?: { Period?: number } }[];
  const count = metrics.length > 0 ? metrics.filter((m) => m.MetricStat).length || 1 : 1;
  const period = Number(p.Period ?? metrics.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60);
  const high = period < 60;
  ctx.charge({
    key: high ? 'cloudwatch.alarm.highResolution' : 'cloudwatch.alarm.standard',
    item: `CloudWatch alarm (${high ? 'high resolution' : 'standard resolution'})`, quantity: count,
  });
};

const logGroup: Pricer = (ctx) => {
  const gb = ctx.usage.num('logs.ingestedGbPerMonth', ctx.stack.name);
  const days = ctx.resource.props.RetentionInDays;
  const months = days === undefined ? 12 : Math.min(Number(days) / 30, 12);
  ctx.charge({ key: 'logs.ingestion', item: 'CloudWatch Logs ingestion', quantity: gb.value, assumed: [gb.assumed] });
  ctx.charge({
    key: 'logs.storage', item: 'CloudWatch Logs storage', quantity: gb.value * months, assumed: [gb.assumed],
    note: `steady state: ${days === undefined ? 'never expires, a year shown' : `${days} days`} of logs kept`,
  });
};

const stateMachine: Pricer = (ctx) => {
  if (ctx.resource.props.StateMachineType === 'EXPRESS') {
    ctx.notPriced('usage-only', 'Express workflows are billed by requests and duration, which the price table does not hold');
    return;
  }
  const runs = ctx.usage.num('runbook.executionsPerMonth', ctx.stack.name);
  const steps = ctx.usage.num('runbook.stepsPerExecution', ctx.stack.name);
  ctx.charge({
    key: 'stepFunctions.transition', item: 'Step Functions state transitions', quantity: (runs.value * steps.value) / 1000,
    assumed: [runs.assumed, steps.assumed], note: `${runs.value} executions × ${steps.value} transitions`,
  });
};

function edgeRequests(ctx: PricerContext): { millions: number; assumed?: string } {
  const r = ctx.usage.num('edge.requestsPerMonthMillions', ctx.stack.name);
  return { millions: r.value, assumed: r.assumed };
}

const distribution: Pricer = (ctx) => {
  const r = edgeRequests(ctx);
  const kb = ctx.usage.num('edge.responseKb', ctx.stack.name);
  ctx.charge({ key: 'cloudfront.requests.https', item: 'CloudFront HTTPS requests', quantity: (r.millions * 1e6) / 1e4, assumed: [r.assumed] });
  ctx.charge({
    key: 'cloudfront.dataTransferOut', item: 'CloudFront data transfer out', quantity: (r.millions * 1e6 * kb.value) / (1024 * 1024),
    assumed: [r.assumed, kb.assumed],
  });
};

/** True when a CloudFront distribution of the stack runs this function at the edge (directly or through a version). */
function isEdgeFunction(ctx: PricerContext): boolean {
  const id = ctx.resource.id;
  const versions = new Set(ctx.stack.resources.filter((r) => r.type === 'AWS::Lambda::Version' && refOf(r.props.FunctionName) === id).map((r) => r.id));
  return ctx.stack.resources.some((r) => r.type === 'AWS::CloudFront::Distribution' && JSON.stringify(r.props).match(/"LambdaFunctionARN":\{"Ref":"([^"]+)"\}/g)
    ?.some((m) => { const ref = /"Ref":"([^"]+)"/.exec(m)?.[1] ?? ''; return ref === id || versions.has(ref); }));
}

const lambdaFunction: Pricer = (ctx) => {
  if (!isEdgeFunction(ctx)) {
    ctx.notPriced('usage-only', 'Lambda invocations and duration; no usage key prices regional Lambda functions');
    return;
  }
  const r = edgeRequests(ctx);
  const ms = ctx.usage.num('edge.functionMs', ctx.stack.name);
  const memoryGb = Number(ctx.resource.props.MemorySize ?? 128) / 1024;
  ctx.charge({ key: 'lambdaEdge.requests', item: 'Lambda@Edge requests', quantity: r.millions, assumed: [r.assumed] });
  ctx.charge({
    key: 'lambdaEdge.duration', item: 'Lambda@Edge duration', quantity: r.millions * 1e6 * (ms.value / 1000) * memoryGb,
    assumed: [r.assumed, ms.assumed], note: `${ms.value} ms × ${memoryGb * 1024} MB per request`,
  });
};

const webAcl: Pricer = (ctx) => {
  const rules = ((ctx.resource.props.Rules ?? []) as unknown[]).length;
  const r = edgeRequests(ctx);
  ctx.charge({ key: 'waf.webAcl', item: 'WAF web ACL', quantity: 1 });
  if (rules > 0) ctx.charge({ key: 'waf.rule', item: 'WAF rules and managed rule groups', quantity: rules });
  ctx.charge({ key: 'waf.requests', item: 'WAF requests inspected', quantity: r.millions, assumed: [r.assumed] });
};

const arcPlan: Pricer = (ctx) => ctx.charge({
  key: 'arcRegionSwitch.plan', item: 'ARC Region switch plan', quantity: 1,
  missing: 'ARC Region switch plan: no price in the table (not found in stored pages); add "arcRegionSwitch.plan" with --prices',
});

const FREE = (detail: string) => ({ reason: 'free' as const, detail });
const USAGE = (detail: string) => ({ reason: 'usage-only' as const, detail });

/** AWS pricers (all but the database) and the types explained instead. */
export const AWS_SERVICES: PricerSet = {
  priced: {
    'AWS::EC2::NatGateway': nat,
    'AWS::EC2::EIP': eip,
    'AWS::KMS::Key': kmsKey,
    'AWS::SecretsManager::Secret': secret,
    'AWS::Route53::HostedZone': hostedZone,
    'AWS::Route53::RecordSet': recordSet,
    'AWS::Route53::RecordSetGroup': recordSetGroup,
    'AWS::Route53::HealthCheck': healthCheck,
    'AWS::CloudWatch::Alarm': alarm,
    'AWS::CloudWatch::CompositeAlarm': (ctx) => ctx.charge({ key: 'cloudwatch.alarm.composite', item: 'CloudWatch composite alarm', quantity: 1 }),
    'AWS::CloudWatch::Dashboard': (ctx) => ctx.charge({ key: 'cloudwatch.dashboard', item: 'CloudWatch dashboard', quantity: 1 }),
    'AWS::Logs::LogGroup': logGroup,
    'AWS::StepFunctions::StateMachine': stateMachine,
    'AWS::ARCRegionSwitch::Plan': arcPlan,
    'AWS::CloudFront::Distribution': distribution,
    'AWS::Lambda::Function': lambdaFunction,
    'AWS::WAFv2::WebACL': webAcl,
  },
  explained: {
    'AWS::CDK::Metadata': FREE('CDK metadata, not a billed resource'),
    'AWS::EC2::VPC': FREE('no charge for the VPC itself'),
    'AWS::EC2::Subnet': FREE('no charge'),
    'AWS::EC2::RouteTable': FREE('no charge'),
    'AWS::EC2::Route': FREE('no charge'),
    'AWS::EC2::SubnetRouteTableAssociation': FREE('no charge'),
    'AWS::EC2::InternetGateway': FREE('no charge (data transfer is billed where it leaves)'),
    'AWS::EC2::VPCGatewayAttachment': FREE('no charge'),
    'AWS::EC2::SecurityGroup': FREE('no charge'),
    'AWS::EC2::SecurityGroupIngress': FREE('no charge'),
    'AWS::EC2::SecurityGroupEgress': FREE('no charge'),
    'AWS::EC2::FlowLog': FREE('no charge of its own; the log volume is priced as ingestion into its log group'),
    'AWS::IAM::Role': FREE('IAM has no charge'),
    'AWS::IAM::Policy': FREE('IAM has no charge'),
    'AWS::IAM::ManagedPolicy': FREE('IAM has no charge'),
    'AWS::SecretsManager::SecretTargetAttachment': FREE('configuration only'),
    'AWS::SecretsManager::RotationSchedule': FREE('no charge of its own; rotation calls are API usage'),
    'AWS::SecretsManager::ResourcePolicy': FREE('configuration only'),
    'AWS::SNS::TopicPolicy': FREE('configuration only'),
    'AWS::S3::BucketPolicy': FREE('configuration only'),
    'AWS::Lambda::Version': FREE('a version costs nothing; invocations are priced on the function'),
    'AWS::Lambda::Permission': FREE('configuration only'),
    'AWS::CertificateManager::Certificate': FREE('public ACM certificates have no charge'),
    // https://aws.amazon.com/systems-manager/pricing/ (Parameter Store: standard parameters, standard throughput).
    'AWS::SSM::Parameter': FREE('a standard-tier parameter (the discovery record) has no charge at standard throughput'),
    'Custom::AWS': FREE('a CloudFormation custom resource (a deploy-time SDK call); its provider Lambda function is priced on its own'),
    'AWS::SNS::Topic': USAGE('SNS publishes and deliveries; no usage key for notifications'),
    // Phase 5, active-active: no instance to price, only what the workload uses.
    'AWS::DSQL::Cluster': USAGE('Aurora DSQL bills Distributed Processing Units and storage GB-months in each Region of the cluster (https://aws.amazon.com/rds/aurora/dsql/pricing/): both follow the workload, and the price table has no key for them'),
    'AWS::S3::Bucket': USAGE('S3 storage and requests (access logs here); no usage key for them'),
  },
};
