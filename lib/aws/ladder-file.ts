/**
 * A {@link LadderDeployment} built from a configuration file
 * (multiregion.yaml, docs/config.md): the database stacks and, from phase 3,
 * the us-east-1 routing stack with its {@link GlobalRouter} and
 * {@link FailoverRunbook}; phase 5 a GeoPartitionedDatabase or an
 * ActiveActiveDatabase (ladder-file-phase5.ts) — what examples/aws/phase-N.ts build in code.
 *
 * Deployment-time context keys still win over the file (docs/config.md,
 * "Precedence"): `primaryRegion`, `replicaRegions`, `originRegion`,
 * `account`, `availabilityZones`, `stackNaming`, `hostedZoneId`,
 * `domainName`, `appEndpoints` and `failoverEngine` (phase 5: `account`,
 * `availabilityZones`, `hostedZoneId`, `domainName`, `appEndpoints`,
 * `failoverEngine` and `dsqlClusterIdentifiers`; a partition's roles are the file's).
 */
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { combinedResidency } from '../config/layout';
import { loadDeploymentConfig } from '../config/load';
import type { DeploymentConfig } from '../config/types';
import { ConfigProblem, MultiRegionConfigError, show, throwIfProblems } from '../core';
import { FailoverEngine, FailoverRunbook } from './failover-runbook';
import { GlobalRouter } from './global-router';
import { DeploymentMonitoring } from './monitoring';
import { LadderConfig, LadderDeployment, LadderDeploymentProps, LadderStackNaming, readLadderConfig } from './ladder-app';
import { RouterTarget } from './router-target';
import { phase5FromConfig } from './ladder-file-phase5';
import type { ActiveActiveDatabase } from './active-active-database';
import type { GeoPartitionedDatabase } from './geo-partitioned-database';

/** Options of {@link LadderDeployment.fromFile}. */
export interface LadderFileOptions {
  /**
   * Read the deployment-time context keys (`-c primaryRegion=…`,
   * `-c replicaRegions=…`, `-c originRegion=…`, `-c account=…`,
   * `-c availabilityZones=…`, `-c stackNaming=…`, `-c hostedZoneId=…`,
   * `-c domainName=…`, `-c appEndpoints=…`, `-c failoverEngine=…`) over the file's values.
   * @default true
   */
  readonly contextOverrides?: boolean;
  /**
   * Zones of a region that neither the file nor context lists (for example
   * placeholders of an account that is never deployed). Return undefined to
   * let the CDK CLI look them up.
   * @default - looked up by the CDK CLI (cdk.context.json)
   */
  readonly fallbackAvailabilityZones?: (region: string, account: string | undefined) => readonly string[] | undefined;
  /** Props applied to every stack (tags, synthesizer…). @default {} */
  readonly stackProps?: LadderDeploymentProps['stackProps'];
}

/** What {@link LadderDeployment.fromFile} built. */
export interface LadderFromFile {
  /** The validated file. */
  readonly config: DeploymentConfig;
  /** Phases 1–4: the database stacks, one per region. @default - none in phase 5 */
  readonly ladder?: LadderDeployment;
  /** Phase 5, `mode: geo-partitioned`: the partitions (each its own global database, router and runbook). @default - none otherwise */
  readonly partitioned?: GeoPartitionedDatabase;
  /** Phase 5, `mode: active-active`: the Aurora DSQL peered clusters. @default - none otherwise */
  readonly activeActive?: ActiveActiveDatabase;
  /**
   * Phase 5 geo-partitioned: one dashboard, alarm topics and "region R
   * degraded" alarms per partition, in its routing stack (phases 2–4:
   * `monitoring`). @default - none otherwise
   */
  readonly partitionMonitoring?: readonly DeploymentMonitoring[];
  /** Phase 3 on: the us-east-1 stack of the routes and the failover runbook. @default - none before phase 3 */
  readonly routingStack?: Stack;
  /** Phase 3 on: the write route (and, phase 4, the read route). @default - none before phase 3 */
  readonly router?: GlobalRouter;
  /** Phase 3 on: the failover runbook. @default - none before phase 3 */
  readonly runbook?: FailoverRunbook;
  /**
   * Phase 2 on: the dashboard, the alarm topics (subscribed to `alerts.email`) and
   * the "region R degraded" alarms, in the origin Region's stack before phase 3 and
   * in the routing stack from phase 3. @default - none in phase 1
   */
  readonly monitoring?: DeploymentMonitoring;
  /** Every stack built, database stacks first (phase 5: partition by partition, each routing stack after its regions). */
  readonly stacks: readonly Stack[];
}

/** Loads, validates and builds `file` into `scope` (an App or a Stage). */
export function ladderFromFile(scope: Construct, file: string, options: LadderFileOptions = {}): LadderFromFile {
  const { config } = loadDeploymentConfig(file);
  return ladderFromConfig(scope, config, options);
}

/** Builds a validated configuration into `scope`. */
export function ladderFromConfig(scope: Construct, config: DeploymentConfig, options: LadderFileOptions = {}): LadderFromFile {
  const source = { construct: 'LadderDeployment', path: config.file };
  if (config.cloud !== 'aws') {
    throw new MultiRegionConfigError(source, [{
      property: 'cloud',
      message: `cloud ${show(config.cloud)} is not built by the AWS LadderDeployment`,
      fix: "build it with LadderDeployment.fromFile of 'multiregion-constructs/gcp' (or `multiregion synth`, which picks the cloud from the file)",
    }]);
  }
  const useContext = options.contextOverrides !== false;
  const fromFile: LadderConfig = {
    account: config.account,
    primaryRegion: config.primaryRegion,
    replicaRegions: config.replicaRegions,
    ...(config.originExplicit && config.origin ? { originRegion: config.origin } : {}),
    availabilityZones: Object.fromEntries(config.regions.filter((r) => r.availabilityZones).map((r) => [r.name, r.availabilityZones!])),
  };
  const resolved = useContext ? readLadderConfig(scope, fromFile) : fromFile;
  const context = (key: string): unknown => (useContext ? scope.node.tryGetContext(key) : undefined);
  const regions = [resolved.primaryRegion, ...(resolved.replicaRegions ?? [])];
  const zonesOf = (of: readonly string[]) => {
    const zones: Record<string, readonly string[]> = {};
    for (const region of of) {
      const fallback = options.fallbackAvailabilityZones?.(region, resolved.account);
      if (fallback && !resolved.availabilityZones?.[region]) zones[region] = fallback;
    }
    return zones;
  };
  const zones = zonesOf(regions);
  if (config.phase === 5) {
    const built = phase5FromConfig(scope, {
      config,
      account: resolved.account,
      availabilityZones: { ...zonesOf(config.regions.map((r) => r.name)), ...resolved.availabilityZones },
      context,
      endpoints: endpointsOf(config, config.regions.map((r) => r.name), context('appEndpoints'), source),
      stackProps: options.stackProps,
      source,
    });
    const on = (built.partitioned ?? built.activeActive)!;
    if (config.alerts.snsTopicArn) Annotations.of(on).addWarningV2('multiregion-constructs:alerts-topic-not-wired', snsTopicWarning(config.file));
    if (built.activeActive && config.alerts.email.length > 0) {
      Annotations.of(on).addWarningV2('multiregion-constructs:alerts-email-not-wired', `alerts.email in ${config.file} is not used by mode active-active: the Aurora DSQL clusters get no alarm topics from the file; `
        + 'alarm on the AWS/AuroraDSQL metrics yourself, or list alerts.email in a geo-partitioned file.');
    }
    return { config, ...built };
  }
  const stackNaming = context('stackNaming') as LadderStackNaming | undefined;
  const lag = Duration.seconds(config.replication.lagAlarmSeconds);
  const engine = config.database.engine === 'mysql'
    // Aurora MySQL 3 (MySQL 8 compatible), pinned so every region runs the same version.
    ? rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_2 })
    : undefined;
  const backupRetention = config.database.backupRetentionDays === undefined ? undefined : Duration.days(config.database.backupRetentionDays);
  const residency = combinedResidency(config);
  const objectives = config.objectives.rtoSeconds !== undefined || config.objectives.rpoSeconds !== undefined
    ? { rtoSeconds: config.objectives.rtoSeconds, rpoSeconds: config.objectives.rpoSeconds }
    : undefined;
  const ladder = new LadderDeployment(scope, config.stackPrefix, {
    ...resolved,
    availabilityZones: { ...zones, ...resolved.availabilityZones },
    phase: config.phase,
    ...(stackNaming !== undefined ? { stackNaming } : {}),
    headlessRegions: config.regions.filter((r) => !r.hasInstances).map((r) => r.name),
    stackProps: options.stackProps,
    primary: {
      globalClusterIdentifier: config.database.id,
      replicationLagAlarmThreshold: lag,
      ...(engine ? { engine } : {}),
      ...(backupRetention ? { backupRetention } : {}),
      ...(residency ? { residency } : {}),
      ...(objectives ? { recoveryObjectives: objectives } : {}),
    },
    replica: {
      replicationLagAlarmThreshold: lag,
      ...(engine ? { engine } : {}),
      ...(backupRetention ? { backupRetention } : {}),
    },
  });
  if (config.alerts.snsTopicArn) {
    // A CloudWatch alarm can notify only a topic in its own Region, and the file names one topic.
    Annotations.of(ladder).addWarningV2('multiregion-constructs:alerts-topic-not-wired', snsTopicWarning(config.file));
  }
  const dataStacks = [ladder.primaryStack, ...ladder.replicaStacks];
  const alarmEmails = config.alerts.email;
  if (config.phase < 3 || !config.routing) {
    // Dashboard, alarm topics and "region R degraded" alarms, in the origin Region's stack (as the examples).
    const monitoring = config.phase >= 2 ? new DeploymentMonitoring(ladder.primaryStack, 'Monitoring', { primary: ladder.primary, replicas: ladder.replicas, alarmEmails }) : undefined;
    return { config, ladder, stacks: dataStacks, monitoring };
  }

  const routing = config.routing;
  const failoverEngine = (context('failoverEngine') ?? config.failover.engine ?? 'region-switch') as FailoverEngine;
  // Route 53 is global and its health-check metrics live in us-east-1: the
  // routing stack stays there whatever the database regions are.
  const routingStack = new Stack(scope, `${config.stackPrefix}-Routing`, {
    ...options.stackProps,
    env: { account: resolved.account, region: 'us-east-1' },
    description: `multiregion-constructs phase ${config.phase}: ${config.phase >= 4 ? 'read and write routes' : `write route and ${failoverEngine === 'region-switch' ? 'Region switch plan' : 'failover state machines'}`}`,
  });
  const zone = route53.HostedZone.fromHostedZoneAttributes(routingStack, 'Zone', {
    hostedZoneId: String(context('hostedZoneId') ?? routing.hostedZoneId),
    zoneName: String(context('domainName') ?? routing.zone),
  });
  const endpoints = endpointsOf(config, regions, context('appEndpoints'), source);
  const router = new GlobalRouter(routingStack, 'Router', {
    zone,
    primary: ladder.primary,
    replicas: ladder.replicas,
    endpoints: endpoints.map(([region, host]) => ({ region, target: RouterTarget.fromHostname(host) })),
    // The file's standby, while the writer is the file's (a role swap in context leaves the router's default).
    ...(config.standbyRegion && resolved.primaryRegion === config.primaryRegion ? { standbyRegion: config.standbyRegion } : {}),
    writeRecordName: routing.writeName,
    ...(config.phase >= 4 ? { readRecordName: routing.readName } : {}),
    healthCheck: { interval: Duration.seconds(routing.healthCheck.intervalSeconds), failureThreshold: routing.healthCheck.failureThreshold, path: routing.healthCheck.path },
    recordTtl: Duration.seconds(routing.ttlSeconds),
    ...(routing.graphql ? { graphql: {} } : {}),
  });
  const runbook = new FailoverRunbook(routingStack, 'Runbook', {
    primary: ladder.primary,
    replicas: ladder.replicas,
    router,
    engine: failoverEngine,
    decision: config.failover.decision,
    decisionTime: Duration.seconds(config.failover.decisionTimeSeconds),
    automaticFailoverAllowsDataLoss: config.failover.allowDataLoss,
    acceptRpoGuardWriteStalls: config.objectives.acceptRpoGuardWriteStalls,
  });
  // In the routing stack: it deploys after every database stack and holds the health checks and the runbook.
  const monitoring = new DeploymentMonitoring(routingStack, 'Monitoring', { primary: ladder.primary, replicas: ladder.replicas, router, runbook, alarmEmails });
  return { config, ladder, routingStack, router, runbook, monitoring, stacks: [...dataStacks, routingStack] };
}

function snsTopicWarning(file: string): string {
  return `alerts.snsTopicArn in ${file} is not used on AWS: an alarm can notify only a topic in its own Region, `
    + 'so each Region gets its own encrypted alarm topic (DeploymentMonitoring); subscribe your topic or endpoint to those, or list alerts.email.';
}

/** Each region's endpoint: `-c appEndpoints` (a JSON map region → hostname) over the file's `endpoint`. */
function endpointsOf(config: DeploymentConfig, regions: readonly string[], raw: unknown, source: { construct: string; path: string }): [string, string][] {
  let given: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  try {
    given = typeof raw === 'string' ? JSON.parse(raw) : ((raw as Record<string, string> | undefined) ?? {});
  } catch {
    problems.push({ property: 'appEndpoints', message: `context appEndpoints ${show(raw)} is not JSON`, fix: 'pass -c appEndpoints=\'{"us-east-1":"app.us-east-1.example.com"}\'' });
  }
  throwIfProblems(source, problems);
  const inFile = Object.fromEntries(config.regions.filter((r) => r.endpoint).map((r) => [r.name, r.endpoint!]));
  return regions.filter((r) => given[r] ?? inFile[r]).map((r) => [r, given[r] ?? inFile[r]]);
}
