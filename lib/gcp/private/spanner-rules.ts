/**
 * The synth-time checks of ActiveActiveDatabase's props, on the resolved
 * values: one list of problems, reported together.
 */
import { ConfigProblem, LADDER, show } from '../../core';
import type { ActiveActiveDatabaseProps } from '../active-active-database-props';
import { GCP_PROFILE } from './gcp-profile';
import { chooseConfig, configRegions, durationSeconds, processingUnitsProblems, SpannerInstanceConfigDescription } from './spanner-configs';

/** The props with defaults applied, and the chosen configuration. */
export interface ResolvedSpanner {
  readonly config?: SpannerInstanceConfigDescription;
  readonly defaultLeader?: string;
  readonly instanceName: string;
  readonly databaseName: string;
  readonly edition: string;
  readonly versionRetentionPeriod: string;
  readonly backupRetentionDays: number;
  readonly backupCron: string;
  readonly deletionProtection: boolean;
}

const INSTANCE_ID = /^[a-z][-a-z0-9]*[a-z0-9]$/;
const DATABASE_ID = /^[a-z][a-z0-9_-]*[a-z0-9]$/;

/** Resolves the configuration and the leader, and returns every problem of the props. */
export function spannerProblems(props: ActiveActiveDatabaseProps, defaults: { instanceName: string }): { resolved: ResolvedSpanner; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const regions = props.regions ?? [];
  regions.forEach((r, i) => {
    if (typeof r !== 'string' || !GCP_PROFILE.regionPattern.test(r)) {
      problems.push({ property: `regions[${i}]`, message: `regions[${i}] ${show(r)} is not a valid Google Cloud region name`, fix: "use a region name such as 'europe-west1'" });
    }
  });
  const askedLeader = props.defaultLeader ?? regions[0];
  const leaderProperty = props.defaultLeader !== undefined ? 'defaultLeader' : 'regions[0]';
  const config = problems.length > 0 ? undefined : chooseConfig({
    instanceConfig: props.instanceConfig,
    customInstanceConfig: props.customInstanceConfig,
    regions,
    residency: props.residency,
    leader: askedLeader,
    leaderProperty,
  }, problems);
  const defaultLeader = askedLeader ?? config?.readWriteRegions[0];
  const resolved: ResolvedSpanner = {
    config,
    defaultLeader,
    instanceName: props.instanceName ?? defaults.instanceName,
    databaseName: props.databaseName ?? 'main',
    edition: props.edition ?? 'ENTERPRISE_PLUS',
    versionRetentionPeriod: props.versionRetentionPeriod ?? '7d',
    backupRetentionDays: props.backupRetentionDays ?? 14,
    backupCron: props.backupCron ?? '0 3 * * *',
    deletionProtection: props.deletionProtection ?? true,
  };

  if (config) {
    (props.formerDefaultLeaders ?? []).forEach((l, i) => {
      if (!config.readWriteRegions.includes(l)) {
        problems.push({
          property: `formerDefaultLeaders[${i}]`,
          message: `formerDefaultLeaders[${i}] ${show(l)} is not a read-write region of ${config.name} (${config.readWriteRegions.join(', ')}), so it cannot have been a default leader of this database`,
          fix: 'list the default leaders this database really had, oldest first (they are the DDL statements already applied)',
        });
      }
    });
    problems.push(...encryptionProblems(props.encryptionKeyNames, config));
  }
  if (resolved.edition !== 'ENTERPRISE_PLUS') {
    problems.push({
      property: 'edition',
      message: `edition ${show(resolved.edition)} cannot run a dual-region or multi-region configuration: those are Enterprise Plus only (https://cloud.google.com/spanner/docs/editions-overview)`,
      fix: "remove edition (the default is 'ENTERPRISE_PLUS')",
    });
  }
  if (typeof resolved.instanceName !== 'string' || !INSTANCE_ID.test(resolved.instanceName) || resolved.instanceName.length < 6 || resolved.instanceName.length > 30) {
    problems.push({ property: 'instanceName', message: `instanceName ${show(resolved.instanceName)} is not a Spanner instance id`, fix: 'use 6–30 lowercase letters, digits and hyphens, starting with a letter' });
  }
  if (typeof resolved.databaseName !== 'string' || !DATABASE_ID.test(resolved.databaseName) || resolved.databaseName.length > 30) {
    problems.push({ property: 'databaseName', message: `databaseName ${show(resolved.databaseName)} is not a Spanner database id`, fix: 'use 2–30 lowercase letters, digits, hyphens and underscores, starting with a letter' });
  }
  if (props.processingUnits !== undefined && props.autoscaling !== undefined) {
    problems.push({ property: 'processingUnits', message: 'processingUnits and autoscaling are both set', fix: 'set a fixed processingUnits or autoscaling limits, not both' });
  }
  if (props.autoscaling) {
    const a = props.autoscaling;
    problems.push(...processingUnitsProblems('autoscaling.minProcessingUnits', a.minProcessingUnits));
    problems.push(...processingUnitsProblems('autoscaling.maxProcessingUnits', a.maxProcessingUnits));
    if (a.minProcessingUnits > a.maxProcessingUnits) {
      problems.push({ property: 'autoscaling.maxProcessingUnits', message: `autoscaling.maxProcessingUnits ${a.maxProcessingUnits} is below minProcessingUnits ${a.minProcessingUnits}`, fix: 'set maxProcessingUnits to minProcessingUnits or more' });
    }
    for (const key of ['highPriorityCpuUtilizationPercent', 'storageUtilizationPercent'] as const) {
      const v = a[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 10 && v <= 99)) {
        problems.push({ property: `autoscaling.${key}`, message: `autoscaling.${key} ${show(v)} is not a whole percentage between 10 and 99`, fix: `remove it (default ${key === 'storageUtilizationPercent' ? 90 : 45})` });
      }
    }
  } else {
    problems.push(...processingUnitsProblems('processingUnits', props.processingUnits ?? 1000));
  }
  const retention = durationSeconds(resolved.versionRetentionPeriod);
  if (retention === undefined || retention < 3600 || retention > 7 * 86400) {
    problems.push({
      property: 'versionRetentionPeriod',
      message: `versionRetentionPeriod ${show(resolved.versionRetentionPeriod)} is not a point-in-time recovery window Spanner allows (1 hour to 7 days, written like '7d', '72h', '1440m' or '86400s')`,
      fix: "set versionRetentionPeriod to e.g. '7d' (the default)",
    });
  }
  const minDays = LADDER[5].minBackupRetentionDays;
  if (!Number.isInteger(resolved.backupRetentionDays) || resolved.backupRetentionDays < minDays || resolved.backupRetentionDays > 366) {
    problems.push({
      property: 'backupRetentionDays',
      message: `backupRetentionDays ${show(resolved.backupRetentionDays)} is outside ${minDays} (the ladder's minimum) to 366 (Spanner's maximum backup retention)`,
      fix: 'set backupRetentionDays to 14 (the default) or another whole number of days from 7 to 366',
    });
  }
  if (typeof resolved.backupCron !== 'string' || resolved.backupCron.trim().split(/\s+/).length !== 5) {
    problems.push({ property: 'backupCron', message: `backupCron ${show(resolved.backupCron)} is not a cron expression of five fields`, fix: "use e.g. '0 3 * * *' (daily at 03:00 UTC)" });
  }
  if (!resolved.deletionProtection && !(props.allowDataLossOnDelete ?? false)) {
    problems.push({
      property: 'deletionProtection',
      message: 'deletionProtection is false: one delete (of the database, or of the instance with it) would destroy every region\'s copy at once, since all of them are one database',
      fix: 'remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data',
    });
  }
  for (const [key, value] of [['cpuAlarmThresholdPercent', props.cpuAlarmThresholdPercent], ['commitLatencyThresholdMs', props.commitLatencyThresholdMs]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0 && (key !== 'cpuAlarmThresholdPercent' || value <= 100))) {
      problems.push({ property: key, message: `${key} ${show(value)} is not a positive ${key === 'cpuAlarmThresholdPercent' ? 'percentage up to 100' : 'number of milliseconds'}`, fix: `remove ${key} to use the default` });
    }
  }
  return { resolved, problems };
}

/** Keys must cover every region of the configuration, each in its own region. */
function encryptionProblems(keys: Readonly<Record<string, string>> | undefined, config: SpannerInstanceConfigDescription): ConfigProblem[] {
  if (keys === undefined) return [];
  const regions = configRegions(config).map((r) => r.region);
  const problems: ConfigProblem[] = [];
  const missing = regions.filter((r) => keys[r] === undefined);
  if (missing.length > 0) {
    problems.push({
      property: 'encryptionKeyNames',
      message: `encryptionKeyNames has no key for ${missing.join(', ')} of ${config.name}; the keys of a multi-region database must cover every region of its configuration`,
      fix: `add a key in each of ${missing.join(', ')} (projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>), or remove encryptionKeyNames for Google-managed encryption`,
    });
  }
  for (const [region, key] of Object.entries(keys)) {
    if (!regions.includes(region)) {
      problems.push({ property: `encryptionKeyNames.${region}`, message: `encryptionKeyNames.${region} is for a region that is not in ${config.name} (${regions.join(', ')})`, fix: `remove it` });
    } else if (typeof key !== 'string' || !key.includes(`/locations/${region}/`)) {
      problems.push({ property: `encryptionKeyNames.${region}`, message: `encryptionKeyNames.${region} ${show(key)} is not a key in ${region}`, fix: `use a key of a key ring in ${region}: projects/<p>/locations/${region}/keyRings/<ring>/cryptoKeys/<key>` });
    }
  }
  return problems;
}
