/**
 * The whole validation of a parsed file: its version, its structure
 * (walk.ts), then the rules (rules-*.ts), then the typed configuration with
 * every default resolved. Problems come back all at once, by path; load.ts
 * puts them at their line and column.
 */
import { isPhase, Phase, show, WriteMode } from '../core';
import { API_VERSION, FILE_SHAPE } from './fields';
import { AWS_FIGURES, Cloud, GCP_FIGURES } from './figures';
import { PathProblem } from './problems';
import { RawFile, RuleContext } from './raw';
import { checkDatabaseId, checkDecision, checkObjectivesAndData, checkRouting } from './rules-recovery';
import { checkOrigin, checkRegions, checkResidency, checkTopology } from './rules-regions';
import { checkPhase5 } from './rules-partitions';
import { DeploymentConfig, PartitionConfig, RegionConfig } from './types';
import { walk } from './walk';

/** What validation returns: every problem, and the configuration when there is no error. */
export interface Validation {
  readonly problems: readonly PathProblem[];
  readonly config?: DeploymentConfig;
}

/** Validates the plain value of a file (`file` names it in the result). */
export function validateValue(value: unknown, file: string): Validation {
  const root = value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  if (root && root.apiVersion !== undefined && root.apiVersion !== API_VERSION) {
    const v = root.apiVersion;
    return {
      problems: [{
        severity: 'error', path: ['apiVersion'], value: v,
        message: `apiVersion ${show(v)} is not a version this release reads`,
        fix: typeof v === 'string' && /^multiregion\/v\d+/.test(v)
          ? `set apiVersion: ${API_VERSION}, or use the release of multiregion-constructs the file was written for`
          : `set apiVersion: ${API_VERSION} (the first line of a multiregion configuration file)`,
      }],
    };
  }
  const cloud = root && (root.cloud === 'aws' || root.cloud === 'gcp') ? root.cloud as Cloud : undefined;
  const walked = walk(value, FILE_SHAPE, cloud);
  if (!root) return { problems: walked.problems };
  const raw = walked.value as RawFile;
  const ctx = new RuleContext(raw, walked.invalid, cloud);
  const phase = isPhase(raw.phase) ? raw.phase : undefined;

  const facts = checkRegions(ctx, phase);
  const origin = checkOrigin(ctx, facts, phase);
  if (phase !== undefined) {
    checkTopology(ctx, facts, phase);
    checkRouting(ctx, facts, phase);
    checkDecision(ctx, phase);
    checkObjectivesAndData(ctx, facts, phase);
  }
  checkResidency(ctx, facts, phase, phase !== 5 || raw.mode === 'active-active');
  checkPhase5(ctx, facts, phase);
  checkDatabaseId(ctx, facts);

  const problems = [...walked.problems, ...ctx.problems];
  if (problems.some((p) => p.severity === 'error') || !cloud || phase === undefined) return { problems };
  return { problems, config: resolve(raw, file, cloud, phase, origin, facts.standby) };
}

/** The configuration with every default resolved (call only without errors). */
function resolve(raw: RawFile, file: string, cloud: Cloud, phase: Phase, origin: string | undefined, standby: string | undefined): DeploymentConfig {
  const aws = cloud === 'aws';
  const regions: RegionConfig[] = raw.regions!.map((r) => ({
    name: r!.name!,
    role: r!.role!,
    ...(r!.endpoint !== undefined ? { endpoint: r!.endpoint } : {}),
    ...(r!.availabilityZones !== undefined ? { availabilityZones: [...r!.availabilityZones] } : {}),
    hasInstances: r!.role !== 'headless',
  }));
  const primaryRegion = regions.find((r) => r.role === 'primary')?.name ?? regions[0].name;
  const replicaRegions = regions.filter((r) => r.name !== primaryRegion).map((r) => r.name);
  const routing = raw.routing;
  const name = raw.name!;
  const classes = new Map((raw.residency ?? []).map((c) => [c!.class!, c!]));
  const partitions: PartitionConfig[] | undefined = raw.mode === 'geo-partitioned' && raw.partitions
    ? raw.partitions.map((p) => {
      const c = p!.residency !== undefined ? classes.get(p!.residency) : undefined;
      return {
        name: p!.name!,
        homeRegion: p!.homeRegion!,
        replicaRegions: [...(p!.replicaRegions ?? [])],
        ...(p!.replicaRegions?.[0] !== undefined ? { standbyRegion: p!.replicaRegions[0] } : {}),
        origin: p!.origin ?? p!.homeRegion!,
        ...(c ? { residency: { name: c.class!, allowedRegions: [...c.allowedRegions as string[]] } } : {}),
        ...(p!.stackPrefix !== undefined ? { stackPrefix: p!.stackPrefix } : {}),
      };
    })
    : undefined;
  return {
    apiVersion: 'multiregion/v1',
    file,
    name,
    stackPrefix: raw.stackPrefix ?? name,
    cloud,
    ...(aws ? { account: raw.account } : { project: raw.project }),
    phase,
    database: {
      id: raw.database?.id ?? name,
      engine: raw.database?.engine ?? 'postgresql',
      ...(aws ? {} : { edition: raw.database?.edition ?? (phase >= 3 ? 'ENTERPRISE_PLUS' : 'ENTERPRISE') }),
      ...(raw.database?.backupRetention !== undefined ? { backupRetentionDays: raw.database.backupRetention / 86400 } : {}),
    },
    regions,
    primaryRegion,
    origin,
    originExplicit: raw.origin !== undefined,
    replicaRegions,
    ...(phase >= 2 && phase <= 4 && standby !== undefined ? { standbyRegion: standby } : {}),
    readRegions: phase >= 4 ? [primaryRegion, ...regions.filter((r) => r.name !== primaryRegion && r.hasInstances && r.endpoint !== undefined).map((r) => r.name)] : [],
    objectives: {
      ...(raw.objectives?.rto !== undefined ? { rtoSeconds: raw.objectives.rto } : {}),
      ...(raw.objectives?.rpo !== undefined ? { rpoSeconds: raw.objectives.rpo } : {}),
      acceptRpoGuardWriteStalls: raw.objectives?.acceptRpoGuardWriteStalls ?? false,
    },
    replication: { lagAlarmSeconds: raw.replication?.lagAlarm ?? (aws ? AWS_FIGURES.lagAlarmSeconds : GCP_FIGURES.lagAlarmSeconds) },
    ...(routing ? {
      routing: {
        zone: routing.zone!.replace(/\.$/, ''),
        ...(aws ? { hostedZoneId: routing.hostedZoneId } : { managedZone: routing.managedZone }),
        strategy: routing.strategy ?? (aws ? 'latency' : 'geolocation'),
        writeName: routing.writeName ?? 'write',
        readName: routing.readName ?? 'read',
        ttlSeconds: routing.ttl ?? (aws ? AWS_FIGURES.ttlSeconds : GCP_FIGURES.ttlSeconds),
        healthCheck: {
          intervalSeconds: routing.healthCheck?.interval ?? (aws ? AWS_FIGURES.healthCheckIntervalSeconds : GCP_FIGURES.healthCheckIntervalSeconds),
          failureThreshold: routing.healthCheck?.failureThreshold ?? (aws ? AWS_FIGURES.failureThreshold : GCP_FIGURES.failureThreshold),
          path: routing.healthCheck?.path ?? (aws ? AWS_FIGURES.healthCheckPath : GCP_FIGURES.healthCheckPath),
        },
        graphql: routing.graphql ?? false,
        ...(routing.partitionKey ? { partitionKey: { from: routing.partitionKey.from!, name: routing.partitionKey.name! } } : {}),
      },
    } : {}),
    residency: (raw.residency ?? []).map((c) => ({ class: c!.class!, allowedRegions: [...c!.allowedRegions as string[]] })),
    alerts: {
      email: [...(raw.alerts?.email ?? [])],
      ...(raw.alerts?.snsTopicArn !== undefined ? { snsTopicArn: raw.alerts.snsTopicArn } : {}),
      notificationChannels: [...(raw.alerts?.notificationChannels ?? [])],
    },
    failover: {
      decision: raw.failover?.decision ?? 'manual',
      decisionTimeSeconds: raw.failover?.decisionTime ?? AWS_FIGURES.humanDecisionSeconds,
      allowDataLoss: raw.failover?.allowDataLoss ?? false,
      ...(aws ? { engine: raw.failover?.engine ?? 'region-switch' } : {}),
    },
    ...(phase === 5 ? { mode: raw.mode as WriteMode } : {}),
    ...(raw.witnessRegion !== undefined ? { witnessRegion: raw.witnessRegion } : {}),
    ...(partitions ? { partitions } : {}),
    ...(raw.stateBucket ? { stateBucket: { name: raw.stateBucket.name!, location: raw.stateBucket.location! } } : {}),
  };
}
