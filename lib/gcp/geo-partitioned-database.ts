import { TerraformStack } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { blastRadius, CONFLICT_MODELS, Partition, partitionOutputFiles, partitionRegions, partitionUpstreamMap, RecoveryObjectives, RegionBlastRadius, renderBlastRadiusMarkdown, renderConflictModelMarkdown, residencyAllows, resolvePartitions, throwIfMissing, throwIfProblems, writeOutputFiles } from '../core';
import { FailoverRunbook } from './failover-runbook';
import type { GeoPartitionSpec, NetworkRef } from './geo-partition-props';
import { GlobalRouter, ManagedZoneRef, RegionEndpoint } from './global-router';
import { PrimaryRegion } from './primary-region';
import { CLOUD_SQL_REGIONS } from './private/gcp-profile';
import { defaultInstanceName, geoPartitionProblems } from './private/partition-rules';
import { Edition } from './private/sql-rules';
import { ReadReplicaRegion } from './read-replica-region';
import type { PartitionUpstreams } from '../router/partitions';

export type { GeoPartitionSpec, NetworkRef } from './geo-partition-props';

/**
 * Three health-check source regions inside the partition's residency (its
 * own regions first), or undefined (the router's default, three continents)
 * when the rule allows fewer than three Cloud SQL regions or there is no rule.
 */
function healthCheckRegionsInside(p: Partition): { sourceRegions: string[] } | undefined {
  if (!p.residency) return undefined;
  const own = [p.homeRegion, ...p.replicaRegions];
  const inside = [...own, ...CLOUD_SQL_REGIONS.filter((r) => !own.includes(r) && residencyAllows(p.residency, r))];
  return inside.length >= 3 ? { sourceRegions: inside.slice(0, 3) } : undefined;
}

/** Properties of {@link GeoPartitionedDatabase}. */
export interface GeoPartitionedDatabaseProps {
  /** Project of every resource. */
  readonly project: string;
  /** The partitions: a name, one home region, replica regions (the first is the standby) and the residency of each. */
  readonly partitions: readonly GeoPartitionSpec[];
  /**
   * The VPC network every instance takes its private IP from, e.g. a
   * {@link DeploymentNetwork} (in a stack of its own, which every data stack then depends on).
   */
  readonly network: NetworkRef;
  /** The existing Cloud DNS managed zone of the per-partition records. */
  readonly zone: ManagedZoneRef;
  /**
   * The application endpoint of each region. A partition's records use only
   * the endpoints of its own regions (inside its residency); every region of
   * every partition needs one.
   */
  readonly endpoints: readonly RegionEndpoint[];
  /**
   * Prefix of the stack names: `<prefix>-<partition>-<region>`, `<prefix>-<partition>-router`, `<prefix>-<partition>-runbook`.
   * @default the construct id
   */
  readonly stackPrefix?: string;
  /**
   * The name of each stack, by partition and part (a region, `'router'` or
   * `'runbook'`), e.g. to keep the stacks of an existing phase-4 deployment
   * when it becomes the first partition (docs/gcp/phase-5.md, "Climbing from
   * phase 4"). Never derive it from a role.
   * @default `<stackPrefix>-<partition>-<part>`
   */
  readonly stackName?: (partition: string, part: string) => string;
  /**
   * Base of the instance and workflow names: `<namePrefix>-<partition>-<region>`.
   * @default the stack prefix, lowercased
   */
  readonly namePrefix?: string;
  /**
   * Label after the partition in the record names: `write.<partition>.<label>`, `read.<partition>.<label>`.
   * @default - none (`write.<partition>.<zone>`)
   */
  readonly recordLabel?: string;
  /**
   * Cloud SQL edition of every partition. Enterprise Plus makes each
   * partition's standby its DR replica (switchover without data loss).
   * @default 'ENTERPRISE'
   */
  readonly edition?: Edition;
  /**
   * How each partition's primary designates its DR replica (Enterprise Plus only; see PrimaryRegionProps.drReplicaDesignated).
   * @default - automatic
   */
  readonly drReplicaDesignated?: boolean;
  /**
   * Machine tier of every instance.
   * @default the PrimaryRegion default of the edition
   */
  readonly tier?: string;
  /**
   * Notification channels (ids) of every alert.
   * @default [] (incidents only appear in the console)
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Replica-lag alert threshold of every replica, seconds.
   * @default 30
   */
  readonly replicationLagAlarmThresholdSeconds?: number;
  /**
   * Recovery objectives every partition declares (checked by each partition's runbook).
   * @default - none
   */
  readonly recoveryObjectives?: RecoveryObjectives;
  /**
   * Write `<outdir>/router/<stackPrefix>-partitions.json` at synth: the
   * partition map of the GraphQL router (`multiregion-router --partitions`),
   * and `<outdir>/runbooks/<namePrefix>-partitions.md`: the blast radius and
   * the conflict model.
   * @default true
   */
  readonly writeFiles?: boolean;
  /**
   * Google provider version constraint of every stack.
   * @default '6.50.0'
   */
  readonly providerVersionConstraint?: string;
}

/** One partition as built: its primary (home region), replicas, router and runbook, each in its own stack. */
export interface GeoPartition {
  readonly name: string;
  /** The partition with defaults resolved (standby region, residency). */
  readonly partition: Partition;
  readonly primary: PrimaryRegion;
  readonly replicas: readonly ReadReplicaRegion[];
  readonly router: GlobalRouter;
  readonly runbook: FailoverRunbook;
  /** The partition's stacks: one per region (home first), the router's and the runbook's. */
  readonly stacks: readonly TerraformStack[];
}

/**
 * Phase 5, geo-partitioned writes on Google Cloud: each partition of the data
 * has one home region and is its own phase-4 deployment — a Cloud SQL
 * {@link PrimaryRegion} there (hardened as in phase 1, `writeMode:
 * 'geo-partitioned'`), {@link ReadReplicaRegion}s only where its residency
 * allows (replica-lag alerts on each), a {@link GlobalRouter} with
 * `write.<partition>` (primary-backup: home, then the standby) and
 * `read.<partition>` (geo) records over its own regions only, and a
 * {@link FailoverRunbook} (Workflows, deployed only in its regions) that can
 * move its writes only to its own replicas. Stacks are named by partition
 * and region, never by role (docs/day-two.md): a switchover inside a
 * partition is a configuration swap that replaces nothing.
 *
 * Put it directly in the `App`: it creates the stacks as the App's children.
 */
export class GeoPartitionedDatabase extends Construct {
  /** The partitions, in the order given. */
  public readonly partitions: readonly GeoPartition[];
  /** Every stack this construct created. */
  public readonly stacks: readonly TerraformStack[];
  /** Prefix of the stack names. */
  public readonly stackPrefix: string;
  /** Base of the instance and workflow names. */
  public readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: GeoPartitionedDatabaseProps) {
    super(scope, id);
    const source = { construct: 'GeoPartitionedDatabase', path: this.node.path };
    throwIfMissing(source, props, {
      project: "the project id, e.g. 'my-project'",
      partitions: "the partitions, e.g. [{ name: 'eu', homeRegion: 'europe-west1', replicaRegions: ['europe-west4'] }]",
      network: 'the VPC network, e.g. a DeploymentNetwork in a stack of its own',
      zone: "the Cloud DNS zone of the records: { name: 'prod-zone', dnsName: 'example.com.' }",
      endpoints: "the application endpoint of each region: [{ region: 'europe-west1', target: RouterTarget.fromIpAddress('203.0.113.10') }, ...]",
    });
    const prefix = props.stackPrefix ?? id;
    const namePrefix = props.namePrefix ?? prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    this.stackPrefix = prefix;
    this.namePrefix = namePrefix;
    throwIfProblems(source, geoPartitionProblems(props, namePrefix));

    const resolved = resolvePartitions(props.partitions);
    const edition = props.edition ?? 'ENTERPRISE';
    const networkStack = props.network instanceof Construct ? TerraformStack.of(props.network) : undefined;
    const stacks: TerraformStack[] = [];
    const stackName = props.stackName ?? ((partition: string, part: string) => `${prefix}-${partition}-${part}`);
    const newStack = (partition: string, part: string) => {
      const stack = new TerraformStack(scope, stackName(partition, part));
      stacks.push(stack);
      return stack;
    };
    this.partitions = props.partitions.map((spec, i) => {
      const p = resolved[i];
      const regions = [p.homeRegion, ...p.replicaRegions];
      const instanceNames = Object.fromEntries(regions.map((r) => [r, spec.instanceNames?.[r] ?? defaultInstanceName(namePrefix, p.name, r)]));
      const regionStacks = new Map(regions.map((r) => [r, newStack(p.name, r)]));
      if (networkStack) for (const s of regionStacks.values()) s.addDependency(networkStack);
      const homeStack = regionStacks.get(p.homeRegion)!;
      const enterprisePlus = edition === 'ENTERPRISE_PLUS';
      const primary = new PrimaryRegion(homeStack, 'Database', {
        project: props.project,
        region: p.homeRegion,
        replicaRegions: p.replicaRegions,
        phase: 5,
        writeMode: 'geo-partitioned',
        residency: p.residency,
        instanceNames,
        encryptionKeyNames: spec.encryptionKeyNames,
        network: props.network.network,
        allocatedIpRange: props.network.allocatedIpRange,
        edition,
        tier: props.tier,
        labels: { mrc_partition: p.name },
        notificationChannels: props.notificationChannels,
        recoveryObjectives: props.recoveryObjectives,
        providerVersionConstraint: props.providerVersionConstraint,
        ...(enterprisePlus ? { drReplicaRegion: p.standbyRegion, drReplicaDesignated: props.drReplicaDesignated } : {}),
      });
      const replicas = p.replicaRegions.map((region) => {
        const stack = regionStacks.get(region)!;
        stack.addDependency(homeStack);
        return new ReadReplicaRegion(stack, 'Database', {
          primary,
          region,
          disasterRecovery: enterprisePlus && region === p.standbyRegion,
          replicationLagAlarmThresholdSeconds: props.replicationLagAlarmThresholdSeconds,
          providerVersionConstraint: props.providerVersionConstraint,
        });
      });
      const label = props.recordLabel ? `.${props.recordLabel}` : '';
      const routerStack = newStack(p.name, 'router');
      const router = new GlobalRouter(routerStack, 'Router', {
        primary,
        zone: props.zone,
        // Only the partition's own regions: its records never point outside its residency.
        endpoints: props.endpoints.filter((e) => regions.includes(e.region)),
        writeRecordName: `write.${p.name}${label}`,
        readRecordName: `read.${p.name}${label}`,
        // Probes carry no data, but a partition kept in its residency is probed from there too when it can be.
        healthCheck: healthCheckRegionsInside(p),
      });
      const runbookStack = newStack(p.name, 'runbook');
      runbookStack.addDependency(routerStack);
      const runbook = new FailoverRunbook(runbookStack, 'Runbook', {
        primary,
        replicas,
        router,
        // Role-free (sorted) and inside the residency: the partition's own regions.
        regions: spec.runbookRegions ?? [...regions].sort(),
        workflowName: `${namePrefix}-${p.name}-failover`,
      });
      return { name: p.name, partition: p, primary, replicas, router, runbook, stacks: [...regionStacks.values(), routerStack, runbookStack] };
    });
    this.stacks = stacks;

    if ((props.writeFiles ?? true) && this.partitions.length > 0) {
      // Files next to the stacks, written at synth (addCustomSynthesis runs for
      // constructs inside a stack: this one adds nothing to the Terraform JSON).
      const anchor = new Construct(this.partitions[0].router, 'PartitionFiles');
      addCustomSynthesis(anchor, {
        onSynthesize: (session) => {
          writeOutputFiles(session.outdir, partitionOutputFiles(this));
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
   * of a partition go only to its own read record, whose geo policy lists
   * only its regions.
   */
  public partitionRouterConfig(scheme: 'https' | 'http' = 'https'): Record<string, PartitionUpstreams> {
    return partitionUpstreamMap(this.partitions.map((p) => ({ name: p.name, writeHostname: p.router.writeHostname, readHostname: p.router.readHostname })), scheme);
  }

  /** File name of the router's partition map under `<outdir>/router/`. */
  public get routerConfigFileName(): string {
    return `${this.stackPrefix}-partitions.json`;
  }

  /** File name of the overview under `<outdir>/runbooks/`. */
  public get overviewFileName(): string {
    return `${this.namePrefix}-partitions.md`;
  }

  /** The partitions, their runbooks, the blast radius and the conflict model, as Markdown. */
  public get overviewMarkdown(): string {
    return [
      `# Geo-partitioned writes (${this.namePrefix})`,
      '',
      'Each partition has one home region; its writes go only there (`write.<partition>`), its reads to its own regions (`read.<partition>`).',
      '',
      '| partition | home (writes) | standby | read copies | residency | runbook |',
      '|---|---|---|---|---|---|',
      ...this.partitions.map((p) => `| ${p.name} | ${p.partition.homeRegion} | ${p.partition.standbyRegion ?? '—'} | ${p.partition.replicaRegions.join(', ')} | ${p.partition.residency ? `${p.partition.residency.name} (${p.partition.residency.allowedRegions.join(', ')})` : 'any region'} | [${p.runbook.runbookFileName}](${p.runbook.runbookFileName}) |`),
      '',
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
