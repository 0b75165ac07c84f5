import { Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { GlobalRouter } from './global-router';
import { ConfigProblem, MultiRegionConfigError, show, throwIfProblems } from '../core';
import { validateEdgeConfig } from '../router/edge';
import type { EdgePartitionRouting } from '../router/partitions';
import { edgeCode } from './private/edge-bundle';
import { acknowledgeWildcardResources } from './private/nag';

/** Operation types a persisted-query manifest maps hashes to. */
export type PersistedOperationType = 'query' | 'mutation' | 'subscription';

/** Properties of {@link GraphqlEdgeRouter}. */
export interface GraphqlEdgeRouterProps {
  /**
   * Hostname that reaches the primary region (GlobalRouter's failover write record).
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly writeHost?: string;
  /**
   * Hostname that reaches the nearest healthy read region (GlobalRouter's latency read record).
   * Required unless `partitioning` is given (then it must be absent).
   * @default - none
   */
  readonly readHost?: string;
  /**
   * Phase 5, geo-partitioned: each partition's write and read hostnames and
   * where a request's partition key comes from (a header or cookie set by a
   * trusted layer in front, a GraphQL variable, or a claim of a JWT verified
   * against the configured keys). A request whose partition is missing or
   * unknown is refused at the edge and reaches no origin. See
   * {@link GeoPartitionedDatabase} (`graphql`).
   * @default - no partitions: `writeHost` and `readHost`
   */
  readonly partitioning?: EdgePartitionRouting;
  /** The one hostname clients use, e.g. `api.example.com`. */
  readonly domainName: string;
  /** Zone holding `domainName` (certificate validation and the alias record). */
  readonly hostedZone: route53.IHostedZone;
  /**
   * Path of the GraphQL endpoint; other paths route by HTTP method.
   * @default '/graphql'
   */
  readonly graphqlPath?: string;
  /**
   * Persisted-query manifest: sha256 hash → operation type. Unknown hashes go to the primary.
   * @default - no manifest
   */
  readonly persistedQueries?: Readonly<Record<string, PersistedOperationType>>;
  /**
   * After a write, the same client's reads go to the primary for this long
   * (read-your-own-writes). Cover the replication lag you alarm on.
   * @default Duration.seconds(5)
   */
  readonly readYourWritesWindow?: Duration;
  /**
   * Certificate for `domainName`, in us-east-1.
   * @default a new DNS-validated certificate
   */
  readonly certificate?: acm.ICertificate;
  /**
   * ARN of a WAF web ACL (scope CLOUDFRONT) to attach.
   * @default a new web ACL: AWS IP reputation and known-bad-inputs rule groups and a per-IP rate limit
   */
  readonly webAclArn?: string;
  /**
   * Requests per 5 minutes per client IP before the default web ACL blocks it
   * (10 to 2,000,000,000, the range AWS WAF accepts).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * One GraphQL entry point at the edge: a CloudFront distribution whose
 * Lambda@Edge origin-request function parses each request (body included)
 * and sends queries to the read hostname, mutations, subscriptions and
 * anything it cannot prove to be a read to the write hostname. Clients never
 * learn the database topology.
 *
 * CloudFront, Lambda@Edge, its certificate and its WAF ACL live in us-east-1:
 * put this construct in a us-east-1 stack.
 *
 * Origin requests go to `writeHost` and `readHost` with those names as TLS
 * SNI and Host: every regional endpoint behind them must serve them (see
 * {@link GlobalRouter.hostnamesServedBy}).
 *
 * Deleting: CloudFront replicates the function to its edge locations and
 * deletes the replicas only after the distribution (or the function's
 * association) is gone, "typically within a few hours"; until then Lambda
 * refuses to delete the function ("because it is a replicated function"), so
 * deleting the stack fails at the function. Delete the stack again a few
 * hours later
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-edge-delete-replicas.html).
 */
export class GraphqlEdgeRouter extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly originRequestFunction: lambda.Function;
  public readonly domainName: string;

  constructor(scope: Construct, id: string, props: GraphqlEdgeRouterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = { construct: 'GraphqlEdgeRouter', path: this.node.path };
    const problems: ConfigProblem[] = [];
    if (stack.region !== 'us-east-1') {
      problems.push({
        property: 'env.region',
        message: `env.region ${show(Token.isUnresolved(stack.region) ? '(not set)' : stack.region)} cannot hold Lambda@Edge functions, CloudFront certificates or CloudFront web ACLs`,
        fix: "put the GraphqlEdgeRouter (or GlobalRouter with graphql) in a stack with env: { region: 'us-east-1' }",
      });
    }
    if (props.writeHost !== undefined && props.writeHost === props.readHost) {
      problems.push({
        property: 'readHost',
        message: `readHost ${show(props.readHost)} equals writeHost, so reads and writes cannot be told apart`,
        fix: "use GlobalRouter's latency-routed read hostname for readHost",
      });
    }
    const rateLimit = props.rateLimitPer5Minutes ?? 2000;
    // WAF rejects a rate-based statement whose Limit is outside 10–2,000,000,000:
    // https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html
    if (props.webAclArn === undefined && (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2_000_000_000)) {
      problems.push({
        property: 'rateLimitPer5Minutes',
        message: `rateLimitPer5Minutes ${show(rateLimit)} is outside the 10–2000000000 requests per 5 minutes AWS WAF accepts`,
        fix: 'set rateLimitPer5Minutes to a whole number from 10 to 2000000000',
      });
    }
    const window = props.readYourWritesWindow ?? Duration.seconds(5);
    const config = {
      ...(props.writeHost !== undefined ? { writeHost: props.writeHost } : {}),
      ...(props.readHost !== undefined ? { readHost: props.readHost } : {}),
      ...(props.partitioning !== undefined ? { partitioning: props.partitioning } : {}),
      graphqlPath: props.graphqlPath ?? '/graphql',
      manifest: props.persistedQueries,
      readYourWrites: { windowMs: window.toMilliseconds() },
    };
    try {
      validateEdgeConfig(config);
    } catch (e) {
      if (!(e instanceof MultiRegionConfigError)) throw e;
      problems.push(...e.problems);
    }
    throwIfProblems(source, problems);

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('lambda.amazonaws.com'),
        new iam.ServicePrincipal('edgelambda.amazonaws.com'),
      ),
      description: 'GraphQL edge router: write its own logs, nothing else',
    });
    const bundle = edgeCode(this, config);
    const code = bundle.code;
    // Explicit names: the log-group ARNs in the role's policy then need no
    // reference to the functions (which would be a dependency cycle).
    const base = Names.uniqueResourceName(this, { maxLength: 48, separator: '-' });
    const requestName = `${base}-request`;
    const responseName = `${base}-response`;
    this.originRequestFunction = new lambda.Function(this, 'OriginRequest', {
      runtime: lambda.Runtime.NODEJS_22_X,
      functionName: requestName,
      handler: 'router/edge-handler.handler',
      code,
      memorySize: 256,
      timeout: Duration.seconds(5),
      role,
      description: 'Routes GraphQL queries to the read hostname and everything else to the write hostname',
    });
    const responseFunction = new lambda.Function(this, 'OriginResponse', {
      runtime: lambda.Runtime.NODEJS_22_X,
      functionName: responseName,
      handler: 'router/edge-handler.responseHandler',
      code,
      memorySize: 128,
      timeout: Duration.seconds(5),
      role,
      description: 'Sets the read-your-own-writes marker after a write',
    });
    bundle.cleanUp(); // both functions have staged the asset into cdk.out
    // Lambda@Edge writes logs in the region that ran it, as /aws/lambda/us-east-1.<name>.
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [
        `arn:${stack.partition}:logs:*:${stack.account}:log-group:/aws/lambda/us-east-1.${requestName}:*`,
        `arn:${stack.partition}:logs:*:${stack.account}:log-group:/aws/lambda/us-east-1.${responseName}:*`,
      ],
    }));
    acknowledgeWildcardResources(role, [requestName, responseName].map((n) => `arn:{partition}:logs:*:{account}:log-group:/aws/lambda/us-east-1.${n}:*`),
      'Lambda@Edge runs in every edge region and writes its log group in that region, so the region part of the log-group ARN must be a wildcard; log streams are created at runtime. Actions are limited to writing this function\'s own logs.');
    for (const fn of [this.originRequestFunction, responseFunction]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 is pinned deliberately: the newest runtime Lambda@Edge supports that the router is tested on (Node.js 20 creation is blocked from 2026-08-31, https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html).',
      });
    }

    const certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    const logBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, // CloudFront standard logs need ACLs
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the distribution\'s access logs; logging the log bucket itself would recurse.',
    });

    const webAclArn = props.webAclArn ?? this.createWebAcl(rateLimit).attrArn;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: props.partitioning
        ? `GraphQL entry point: partitions ${Object.keys(props.partitioning.partitions).join(', ')} by ${props.partitioning.source.type}`.slice(0, 128)
        : `GraphQL entry point: queries -> ${props.readHost}, writes -> ${props.writeHost}`,
      domainNames: [props.domainName],
      certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket,
      webAclId: webAclArn,
      defaultBehavior: {
        // The function rewrites the origin per request; this is the origin used
        // when the function is bypassed, so it is the safe one: the primary.
        origin: new origins.HttpOrigin(props.writeHost ?? Object.values(props.partitioning!.partitions)[0].writeHost, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Never cache: a cached query would hide a user's own write, and the
        // read-your-own-writes cookie must reach the function.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        edgeLambdas: [
          { eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, functionVersion: this.originRequestFunction.currentVersion, includeBody: true },
          { eventType: cloudfront.LambdaEdgeEventType.ORIGIN_RESPONSE, functionVersion: responseFunction.currentVersion },
        ],
      },
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'A global API entry point: which countries may call it is the application\'s decision, not this library\'s.',
    });

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AliasA', { zone: props.hostedZone, recordName: props.domainName, target });
    new route53.AaaaRecord(this, 'AliasAAAA', { zone: props.hostedZone, recordName: props.domainName, target });
    this.domainName = props.domainName;
  }

  private createWebAcl(limit: number): wafv2.CfnWebACL {
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: name },
    });
    return new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'GraphqlEdgeRouter' },
      // The common rule set is left out on purpose: its SizeRestrictions_BODY
      // rule blocks bodies over 8 KB, which legitimate GraphQL mutations exceed.
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: 'RateLimitPerIp' },
        },
      ],
    });
  }
}
