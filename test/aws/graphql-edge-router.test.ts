import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GraphqlEdgeRouter, GraphqlEdgeRouterProps } from '../../lib/aws';
import { buildEdgeBundle } from '../../lib/aws/private/edge-bundle';
import { errorOf, stacks } from './helpers';

function build(props: Partial<GraphqlEdgeRouterProps> = {}, region = 'us-east-1') {
  const { app, stacks: [stack] } = stacks(region);
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  const router = new GraphqlEdgeRouter(stack, 'Graphql', {
    writeHost: 'write.example.com', readHost: 'read.example.com', domainName: 'api.example.com', hostedZone, ...props,
  });
  return { app, stack, router };
}

describe('GraphqlEdgeRouter', () => {
  const { app, stack } = build({ readYourWritesWindow: Duration.seconds(3) });
  const template = Template.fromStack(stack);

  test('origin-request function sees the body; nothing is cached; TLS 1.2+; logging and WAF on', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['api.example.com'],
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
        DefaultCacheBehavior: Match.objectLike({
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          ViewerProtocolPolicy: 'https-only',
          LambdaFunctionAssociations: [
            { EventType: 'origin-request', IncludeBody: true, LambdaFunctionARN: Match.anyValue() },
            { EventType: 'origin-response', LambdaFunctionARN: Match.anyValue() },
          ],
        }),
        Origins: [Match.objectLike({
          DomainName: 'write.example.com',
          CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
        })],
      }),
    });
  });

  test('Lambda@Edge functions: Node 22, the router handler, a role for edgelambda without managed policies', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'router/edge-handler.handler', Runtime: 'nodejs22.x' });
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'router/edge-handler.responseHandler' });
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('edgelambda.amazonaws.com');
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.sort()).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  test('WAF: IP reputation, known bad inputs, per-IP rate limit; not the 8 KB body-size rule', () => {
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.Rules.map((r: { Name: string }) => r.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'RateLimitPerIp',
    ]);
    expect(JSON.stringify(acl)).not.toContain('AWSManagedRulesCommonRuleSet');
    expect(acl.Properties.Rules[2].Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP' });
  });

  test('one hostname for clients: DNS-validated certificate and alias records', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'api.example.com', ValidationMethod: 'DNS' });
    template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('GraphqlEdgeRouter code bundle', () => {
  const dir = buildEdgeBundle({ writeHost: 'write.example.com', readHost: 'read.example.com', graphqlPath: '/graphql' }, fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-edge-test-')));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The bundle is self-contained: load its handler from the bundle directory.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const edge = require(path.join(dir, 'router', 'edge-handler.js'));

  const event = (method: string, body?: string) => ({
    Records: [{
      cf: {
        config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'origin-request', requestId: 'r' },
        request: {
          clientIp: '127.0.0.1', method, uri: '/graphql', querystring: '',
          headers: { host: [{ key: 'Host', value: 'write.example.com' }], 'content-type': [{ key: 'Content-Type', value: 'application/json' }] },
          body: body === undefined ? undefined : { action: 'read-only', data: Buffer.from(body).toString('base64'), encoding: 'base64', inputTruncated: false },
          origin: { custom: { domainName: 'write.example.com', port: 443, protocol: 'https', path: '', sslProtocols: ['TLSv1.2'], readTimeout: 30, keepaliveTimeout: 5, customHeaders: {} } },
        },
      },
    }],
  });

  test('contains the router, its core dependency, graphql and the config; no TypeScript', () => {
    expect(fs.existsSync(path.join(dir, 'router', 'router-config.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'core', 'errors.js'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'node_modules', 'graphql', 'package.json'))).toBe(true);
    const files = fs.readdirSync(path.join(dir, 'router'));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  test('the bundled handler sends a query to the read host and a mutation to the write host', async () => {
    const read = await edge.handler(event('POST', JSON.stringify({ query: '{ orders { id } }' })));
    expect(read.origin.custom.domainName).toBe('read.example.com');
    expect(read.headers.host[0].value).toBe('read.example.com');
    const write = await edge.handler(event('POST', JSON.stringify({ query: 'mutation { placeOrder { id } }' })));
    expect(write.origin.custom.domainName).toBe('write.example.com');
  });
});

describe('GraphqlEdgeRouter bad input', () => {
  test('a stack outside us-east-1', () => {
    expect(errorOf(() => build({}, 'eu-west-1'))).toBe(
      "GraphqlEdgeRouter 'S-eu-west-1/Graphql': env.region 'eu-west-1' cannot hold Lambda@Edge functions, CloudFront certificates or CloudFront web ACLs; put the GraphqlEdgeRouter (or GlobalRouter with graphql) in a stack with env: { region: 'us-east-1' }",
    );
  });
  test('a rate limit AWS WAF does not accept (10 to 2,000,000,000)', () => {
    expect(errorOf(() => build({ rateLimitPer5Minutes: 5 }))).toBe(
      "GraphqlEdgeRouter 'S-us-east-1/Graphql': rateLimitPer5Minutes 5 is outside the 10–2000000000 requests per 5 minutes AWS WAF accepts; set rateLimitPer5Minutes to a whole number from 10 to 2000000000",
    );
    expect(errorOf(() => build({ rateLimitPer5Minutes: 2.5e9 }))).toContain('rateLimitPer5Minutes 2500000000 is outside');
    const { stack } = build({ rateLimitPer5Minutes: 10 });
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({ Statement: { RateBasedStatement: { Limit: 10, AggregateKeyType: 'IP' } } })]),
    });
  });
  test('the same host for reads and writes, and a host with a scheme', () => {
    expect(errorOf(() => build({ readHost: 'write.example.com' }))).toBe(
      "GraphqlEdgeRouter 'S-us-east-1/Graphql': readHost 'write.example.com' equals writeHost, so reads and writes cannot be told apart; use GlobalRouter's latency-routed read hostname for readHost",
    );
    expect(errorOf(() => build({ writeHost: 'https://write.example.com' }))).toContain(
      "GraphqlEdgeRouter 'S-us-east-1/Graphql': writeHost 'https://write.example.com' is not a bare hostname",
    );
  });
});
