import { attachCustomSynthesis, Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { blastRadius, CONFLICT_MODELS, Partition, partitionOutputFiles, partitionRegions, partitionUpstreamMap, RegionBlastRadius, renderBlastRadiusMarkdown, renderConflictModelMarkdown, resolvePartitions, throwIfMissing, throwIfProblems, writeOutputFiles } from '../core';
import type { PartitionUpstreams } from '../router/partitions';
import { FailoverRunbook } from './failover-runbook';
import type { GeoPartitionedDatabaseProps } from './geo-partition-props';
import { GlobalRouter } from './global-router';
import { GraphqlEdgeRouter } from './graphql-edge-router';
import { AURORA_TYPICAL_LAG_SECONDS } from './private/aws-recovery';
import { LadderDeployment } from './ladder-app';
import { PrimaryRegion } from './primary-region';
import { geoPartitionProblems, partitionGlobalId, partitionStackPrefix } from './private/partition-rules';
import { ReadReplicaRegion } from './read-replica-region';

export type { GeoPartitionedDatabaseProps, GeoPartitionGraphqlOptions, GeoPartitionSpec } from './geo-partition-props';

/** One partition as built: its global database (one stack per region), router and runbook. */
export interface GeoPartition {
  readonly name: string;
  /** The partition with defaults resolved (standby region, residency). */
  readonly partition: Partition;
  /** The partition's stacks by region, named by region (LadderDeployment). */
  readonly database: LadderDeployment;
  /** The origin region's database: the partition's Aurora global database. */
  readonly primary: PrimaryRegion;
  readonly replicas: readonly ReadReplicaRegion[];
  /** `write.<partition>` (failover records: home, then the standby) and `read.<partition>` (latency records over its regions). */
  readonly router: GlobalRouter;
  /** Switchover and failover of this partition only, to its own regions. */
  readonly runbook: FailoverRunbook;
  /** The stack of the router and the runbook. */
  readonly routingStack: Stack;
  /** The partition's stacks: one per region (origin first), then the routing stack. */
  readonly stacks: readonly Stack[];
}

/**
 * Phase 5, geo-partitioned writes on AWS: each partition of the data has one
 * home region and is its own phase-4 deployment — an Aurora global database
 * whose {@link PrimaryRegion} (`phase: 5`, `writeMode: 'geo-partitioned'`) is
 * in its home region and whose {@link ReadReplicaRegion}s are only where its
 * residency allows, a {@link GlobalRouter} with `write.<partition>` and
 * `read.<partition>` records over its own regions only, and a
 * {@link FailoverRunbook} that can move its writes only to its own standby.
 * Stacks are named by partition and region, never by role
 * (docs/aws/day-two.md): a switchover inside a partition replaces nothing.
 *
 * Put it directly in the `App` (or a `Stage`): it creates the stacks as its siblings.
 */
export class GeoPartitionedDatabase extends Construct {
  /** The partitions, in the order given. */
  public readonly partitions: readonly GeoPartition[];
  /** Every stack this construct created. */
  public readonly stacks: readonly Stack[];
  /** Prefix of the default partition stack prefixes. */
  public readonly stackPrefix: string;
  /** The partition-aware GraphQL edge entry point, when `graphql` is set. */
  public readonly graphql?: GraphqlEdgeRouter;

  constructor(scope: Construct, id: string, props: GeoPartitionedDatabaseProps) {
    super(scope, id);
    const source = { construct: 'GeoPartitionedDatabase', path: this.node.path };
    throwIfMissing(source, props, {
      partitions: "the partitions, e.g. [{ name: 'eu', homeRegion: 'eu-central-1', replicaRegions: ['eu-west-1'], residency }]",
      zone: "the hosted zone of the records: { hostedZoneId: 'Z0123456789', zoneName: 'example.com' }",
      endpoints: "the application endpoint of each region: [{ region: 'eu-central-1', target: RouterTarget.fromHostname('app.eu-central-1.example.com') }, ...]",
    });
    const prefix = props.stackPrefix ?? id;
    this.stackPrefix = prefix;
    throwIfProblems(source, geoPartitionProblems(props, prefix));

    const resolved = resolvePartitions(props.partitions);
    const label = props.recordLabel ? `.${props.recordLabel}` : '';
    this.partitions = props.partitions.map((spec, i) => {
      const p = resolved[i];
      const regions = [p.homeRegion, ...p.replicaRegions];
      const partitionPrefix = partitionStackPrefix(prefix, spec);
      const database = new LadderDeployment(scope, `${id}-${p.name}-Partition`, {
        phase: 5,
        stackPrefix: partitionPrefix,
        account: props.account,
        primaryRegion: p.homeRegion,
        replicaRegions: p.replicaRegions,
        // Unset: the home region, with LadderDeployment's warning to pin it before the first failover.
        originRegion: spec.originRegion,
        availabilityZones: props.availabilityZones,
        stackProps: props.stackProps,
        primary: {
          ...props.primary,
          writeMode: 'geo-partitioned',
          residency: p.residency,
          globalClusterIdentifier: partitionGlobalId(partitionPrefix, spec),
          recoveryObjectives: props.recoveryObjectives,
        },
        replica: props.replica,
      });
      const routingStack = new Stack(scope, `${partitionPrefix}-Routing`, {
        ...props.stackProps,
        env: { account: props.account, region: props.routingRegion ?? 'us-east-1' },
        description: `multiregion-constructs phase 5: write and read routes and failover runbook of partition ${p.name}`,
      });
      const router = new GlobalRouter(routingStack, 'Router', {
        zone: route53.HostedZone.fromHostedZoneAttributes(routingStack, 'Zone', props.zone),
        primary: database.primary,
        replicas: database.replicas,
        // Only the partition's own regions: its records never point outside its residency.
        endpoints: props.endpoints.filter((e) => regions.includes(e.region)),
        writeRecordName: `write.${p.name}${label}`,
        readRecordName: `read.${p.name}${label}`,
        // The SECONDARY write record: the origin's first replica region (the
        // partition's standby; after a role swap, the region that writes).
        standbyRegion: database.primary.topology.replicaRegions[0],
      });
      const runbook = new FailoverRunbook(routingStack, 'Runbook', {
        primary: database.primary,
        replicas: database.replicas,
        router,
        engine: props.failoverEngine,
        decision: props.failoverDecision,
        decisionTime: props.decisionTime,
        automaticFailoverAllowsDataLoss: props.automaticFailoverAllowsDataLoss,
        acceptRpoGuardWriteStalls: props.acceptRpoGuardWriteStalls,
      });
      const stacks = [database.primaryStack, ...database.replicaStacks, routingStack];
      return { name: p.name, partition: p, database, primary: database.primary, replicas: database.replicas, router, runbook, routingStack, stacks };
    });
    this.stacks = this.partitions.flatMap((p) => p.stacks);

    if (props.graphql) {
      const { source, domainName, preflightPartition, readYourWritesWindow, ...rest } = props.graphql;
      const first = this.partitions[0].router;
      const rpo = props.recoveryObjectives?.rpoSeconds;
      // Under the first partition's router: the construct path of a phase-4
      // GlobalRouter's `graphql`, so climbing keeps the distribution and its alias.
      this.graphql = new GraphqlEdgeRouter(first, 'Graphql', {
        ...rest,
        hostedZone: first.zone,
        domainName: domainName ?? `api.${first.zone.zoneName}`,
        // As GlobalRouter: the replication-lag bound (declared RPO, or Aurora's typical lag).
        readYourWritesWindow: readYourWritesWindow ?? Duration.seconds(Math.max(AURORA_TYPICAL_LAG_SECONDS, rpo ?? 0)),
        partitioning: {
          partitions: Object.fromEntries(this.partitions.map((p) => [p.name, { writeHost: p.router.writeHostname!, readHost: p.router.readHostname! }])),
          source,
          ...(preflightPartition !== undefined ? { preflightPartition } : {}),
        },
      });
    }

    if (props.writeFiles ?? true) {
      const files = () => partitionOutputFiles(this);
      // Written into the cloud assembly at synth, next to the templates and the partitions' runbooks.
      attachCustomSynthesis(this, {
        onSynthesize(session) {
          writeOutputFiles(session.outdir, files());
        },
      });
    }
  }

  /** The partitions with defaults resolved (core's model). */
  public get partitionModel(): Partition[] {
    return this.partitions.map((p) => p.partition);
  }

  /** Every region that holds a copy of some partition. */
  public get regions(): string[] {
    return partitionRegions(this.partitionModel);
  }

  /** For each region: which partitions fail over, lose writes, keep reads elsewhere or are unaffected if it is lost (core's model). */
  public blastRadius(): RegionBlastRadius[] {
    return blastRadius(this.partitionModel);
  }

  /**
   * The partition map of the GraphQL router (lib/router, `--partitions <file>`):
   * partition name → its write hostname and read hostname as base URLs. Reads
   * of a partition go only to its own read record, whose latency records list
   * only its regions.
   */
  public partitionRouterConfig(scheme: 'https' | 'http' = 'https'): Record<string, PartitionUpstreams> {
    return partitionUpstreamMap(this.partitions.map((p) => ({ name: p.name, writeHostname: p.router.writeHostname!, readHostname: p.router.readHostname! })), scheme);
  }

  /** File name of the router's partition map under `<cdk.out>/router/`. */
  public get routerConfigFileName(): string {
    return `${this.stackPrefix}-partitions.json`;
  }

  /** File name of the overview under `<cdk.out>/runbooks/`. */
  public get overviewFileName(): string {
    return `${this.stackPrefix.toLowerCase()}-partitions.md`;
  }

  /** The partitions, a section per partition, the blast radius and the conflict model, as Markdown. */
  public get overviewMarkdown(): string {
    const residency = (p: Partition) => (p.residency ? `${p.residency.name} (${p.residency.allowedRegions.join(', ')})` : 'any region');
    return [
      `# Geo-partitioned writes (${this.stackPrefix})`,
      '',
      'Each partition is its own Aurora global database with one home region; its writes go only there (`write.<partition>`), its reads to its own regions (`read.<partition>`).',
      '',
      '| partition | home (writes) | standby | read copies | residency | global cluster |',
      '|---|---|---|---|---|---|',
      ...this.partitions.map((p) => `| ${p.name} | ${p.partition.homeRegion} | ${p.partition.standbyRegion ?? '—'} | ${p.partition.replicaRegions.join(', ')} | ${residency(p.partition)} | ${p.primary.globalClusterIdentifier} |`),
      '',
      ...this.partitions.flatMap((p) => [
        `## Partition ${p.name}`,
        '',
        `- Writes: \`${p.router.writeHostname}\` → ${p.router.primaryRegion} (PRIMARY record), ${p.router.standbyRegion} (SECONDARY); the writer is in ${p.primary.writerRegion} today.`,
        `- Reads: \`${p.router.readHostname}\` → ${p.router.readRegions.join(', ')} (latency records, its own regions only).`,
        `- Stacks: ${p.stacks.map((s) => `${s.stackName} (${s.region})`).join(', ')}.`,
        `- Failover: runbook [${p.runbook.runbookFileName}](${p.runbook.runbookFileName}) (${p.runbook.engine}); it moves writes only between ${[...new Set([p.router.primaryRegion, p.router.standbyRegion!])].join(' and ')}, inside the partition's residency (${residency(p.partition)}).`,
        `- Estimated failover: RTO ${Math.round(p.runbook.estimates.failover.rtoSeconds / 60)} min, RPO ${p.runbook.estimates.failover.rpoSeconds} s (the partition's own; no other partition moves).`,
        '',
      ]),
      '## If a region is lost',
      '',
      renderBlastRadiusMarkdown(this.blastRadius()),
      '',
      'Fail over each partition in the "fail over" column with its own runbook; the others need nothing.',
      '',
      '## Conflicts',
      '',
      renderConflictModelMarkdown(CONFLICT_MODELS['geo-partitioned']),
      '',
    ].join('\n');
  }
}
