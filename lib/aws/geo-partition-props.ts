/** The partition and deployment types of {@link GeoPartitionedDatabase} (geo-partitioned-database.ts). */
import type { Duration, StackProps } from 'aws-cdk-lib';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type { PartitionSpec, RecoveryObjectives } from '../core';
import type { PartitionSource } from '../router/partitions';
import type { FailoverDecision, FailoverEngine } from './failover-runbook';
import type { GraphqlEdgeRouterProps } from './graphql-edge-router';
import type { PrimaryRegionProps } from './primary-region';
import type { ReadReplicaRegionProps } from './read-replica-region';
import type { RegionEndpoint } from './router-target';

/** One partition of a {@link GeoPartitionedDatabase}: core's partition and what Aurora adds. */
export interface GeoPartitionSpec extends PartitionSpec {
  /**
   * Prefix of the partition's stack names: `<prefix>-<region>` for each of
   * its regions and `<prefix>-Routing` for its router and runbook (the names
   * of a phase-3/4 `LadderDeployment` and its routing stack). To climb from
   * phase 4 without replacing anything, give the first partition the phase-4
   * deployment's prefix: its stacks, cluster and secret stay as they are
   * (docs/aws/phase-5.md, "Climbing from phase 4").
   * @default `<stackPrefix>-<name>`
   */
  readonly stackPrefix?: string;
  /**
   * Identifier of the partition's Aurora global cluster (each region's
   * cluster is `<id>-<region>`). Create-only: never change it after deployment.
   * @default `<partition stack prefix, lowercased>-global` (the LadderDeployment default)
   */
  readonly globalClusterIdentifier?: string;
  /**
   * The region the partition's global database was created in (its
   * PrimaryRegion stack). `homeRegion` is a role — after a failover inside
   * the partition it names the new writer, and the former home goes into
   * `replicaRegions` — while this one never changes (docs/aws/day-two.md).
   * @default homeRegion
   */
  readonly originRegion?: string;
}

/** The partition-aware GraphQL entry point of a {@link GeoPartitionedDatabase}. */
export interface GeoPartitionGraphqlOptions extends Omit<GraphqlEdgeRouterProps, 'writeHost' | 'readHost' | 'partitioning' | 'hostedZone' | 'domainName'> {
  /**
   * Where a request's partition key comes from: a header or cookie that a
   * trusted layer in front sets (CloudFront passes what the viewer sent, so
   * only a viewer-request function or an authenticating layer makes it
   * trustworthy), a GraphQL variable, or a claim of a JWT verified against
   * `keys` (never an unverified claim: it would let any client choose where
   * its writes land).
   */
  readonly source: PartitionSource;
  /**
   * The hostname clients use.
   * @default `api.<zone name>`
   */
  readonly domainName?: string;
  /**
   * Partition whose read route answers CORS preflights that carry no partition key.
   * @default - none: refused like any request without a partition
   */
  readonly preflightPartition?: string;
}

/** Properties of {@link GeoPartitionedDatabase}. */
export interface GeoPartitionedDatabaseProps {
  /** The partitions: a name, one home region, replica regions (the first is the standby) and the residency of each. */
  readonly partitions: readonly GeoPartitionSpec[];
  /**
   * The existing public hosted zone of the per-partition records, by id and
   * name (imported in each partition's routing stack, no lookup).
   */
  readonly zone: route53.HostedZoneAttributes;
  /**
   * The application endpoint of each region. A partition's records use only
   * the endpoints of its own regions (inside its residency); every region of
   * every partition needs one.
   */
  readonly endpoints: readonly RegionEndpoint[];
  /** AWS account of every stack. @default - environment-agnostic account */
  readonly account?: string;
  /**
   * Prefix of the default partition stack prefixes (`<stackPrefix>-<partition>`).
   * @default the construct id
   */
  readonly stackPrefix?: string;
  /**
   * Region of each partition's routing stack (Route 53 records, health checks
   * and their alarms, the failover runbook's plan, the GraphQL edge entry
   * point). It holds no data. Route 53 publishes health-check metrics only in
   * us-east-1, so another region needs `healthCheckAlarms: false` on the
   * routers, which this construct does not expose: in practice us-east-1.
   * @default 'us-east-1'
   */
  readonly routingRegion?: string;
  /**
   * Label after the partition in the record names: `write.<partition>.<label>`, `read.<partition>.<label>`.
   * @default - none (`write.<partition>.<zone>`)
   */
  readonly recordLabel?: string;
  /**
   * Availability zones of the VPCs, by region: a listed region needs no
   * lookup, so synth needs no AWS credentials.
   * @default - looked up by the CDK CLI (cdk.context.json)
   */
  readonly availabilityZones?: Readonly<Record<string, readonly string[]>>;
  /**
   * Extra props of every partition's PrimaryRegion.
   * @default {}
   */
  readonly primary?: Omit<PrimaryRegionProps, 'replicaRegions' | 'phase' | 'writerRegion' | 'writeMode' | 'residency' | 'globalClusterIdentifier' | 'recoveryObjectives'>;
  /**
   * Extra props of every ReadReplicaRegion.
   * @default {}
   */
  readonly replica?: Omit<ReadReplicaRegionProps, 'primary'>;
  /**
   * Recovery objectives every partition declares (checked by its runbook).
   * @default - none
   */
  readonly recoveryObjectives?: RecoveryObjectives;
  /**
   * The engine of every partition's FailoverRunbook. `'stepfunctions'` puts
   * the automation in the partition's own regions only.
   * @default 'region-switch'
   */
  readonly failoverEngine?: FailoverEngine;
  /**
   * Who decides a failover of a partition (FailoverRunbookProps.decision).
   * @default 'manual'
   */
  readonly failoverDecision?: FailoverDecision;
  /**
   * How long a person needs to decide (FailoverRunbookProps.decisionTime).
   * @default - FailoverRunbook's default
   */
  readonly decisionTime?: Duration;
  /**
   * With `failoverDecision: 'automatic'`: the automation may fail over with data loss (FailoverRunbookProps.automaticFailoverAllowsDataLoss).
   * @default false
   */
  readonly automaticFailoverAllowsDataLoss?: boolean;
  /**
   * See FailoverRunbookProps.acceptRpoGuardWriteStalls (a declared RPO with one secondary).
   * @default false
   */
  readonly acceptRpoGuardWriteStalls?: boolean;
  /**
   * Write `<cdk.out>/router/<stackPrefix>-partitions.json` (the GraphQL
   * router's partition map, `multiregion-router --partitions`) and
   * `<cdk.out>/runbooks/<prefix>-partitions.md` (every partition, its
   * runbook, the blast radius and the conflict model). Each partition's
   * FailoverRunbook writes its own runbook either way.
   * @default true
   */
  readonly writeFiles?: boolean;
  /**
   * One GraphQL entry point at the edge for every partition (CloudFront +
   * Lambda@Edge + WAF, as GlobalRouter's `graphql`): each request goes to its
   * partition's `write.<partition>` or `read.<partition>`; a request whose
   * partition is missing or unknown is refused at the edge. It is built under
   * the first partition's router (`<first routing stack>/Router/Graphql`, the
   * path of a phase-4 GlobalRouter's `graphql`, so a climb keeps the
   * distribution), which must be in us-east-1.
   * @default - none: run the Node router with the partition map (`--partitions`)
   */
  readonly graphql?: GeoPartitionGraphqlOptions;
  /** Props applied to every stack (tags, synthesizer…). @default {} */
  readonly stackProps?: Omit<StackProps, 'env'>;
}
