/**
 * The synth-time checks of PrimaryRegion's props, on the resolved values
 * (defaults applied): one list of problems, reported together.
 */
import {
  checkWriteMode, ConfigProblem, EngineFamily, Phase, show, TopologySpec, validateHardening, validateTopology,
} from '../../core';
import type { MaintenanceWindow, PrimaryRegionProps } from '../primary-region';
import { CLOUD_SQL_LIMITS, GCP_PROFILE, GCP_WORDS, GCP_WRITE_MODE_WORDS } from './gcp-profile';
import { INSTANCE_NAME, MAX_INSTANCE_NAME } from './names';
import { checkBackupsCoverLogs, checkIamUsers, checkPublicIp, checkTier, Edition, renameRegionProblems } from './sql-rules';

/** PrimaryRegion's props with the defaults applied. */
export interface ResolvedPrimary {
  readonly spec: TopologySpec;
  readonly phase: Phase | number;
  readonly engine: EngineFamily;
  readonly edition: Edition;
  readonly replicaRegions: readonly string[];
  readonly availability: 'REGIONAL' | 'ZONAL';
  readonly backups: boolean;
  readonly pitr: boolean;
  readonly logDays: number;
  readonly retention: number;
  readonly deletionProtection: boolean;
  readonly retainBackups: boolean;
  readonly dataLossAllowed: boolean;
  readonly instanceName: string;
  readonly databaseVersion: string;
  readonly window: MaintenanceWindow;
  readonly tier: string;
}

/** Every problem of the props, at once. */
export function primaryProblems(props: PrimaryRegionProps, r: ResolvedPrimary): ConfigProblem[] {
  const {
    spec, phase, engine, edition, replicaRegions, availability, backups, pitr, logDays, retention,
    deletionProtection, retainBackups, dataLossAllowed, instanceName, databaseVersion, window, tier,
  } = r;
    const problems: ConfigProblem[] = [
      ...renameRegionProblems(validateTopology(spec, GCP_PROFILE)),
      ...validateHardening({
        instanceCount: availability === 'ZONAL' ? 1 : 2,
        singleInstanceAllowed: props.allowSingleZone ?? false,
        backupRetentionDays: retention,
        pointInTimeRecovery: pitr,
        deletionProtection,
        deletesDataOnRemoval: !retainBackups,
        dataLossOnDeleteAllowed: dataLossAllowed,
        storageEncrypted: true,
      }, ([1, 2, 3, 4, 5].includes(phase) ? phase : 1) as Phase, GCP_PROFILE, GCP_WORDS)
        .map((p) => p.property === 'availabilityType'
          ? { ...p, message: "availabilityType 'ZONAL' gives no standby in another zone, which every phase requires", fix: "set availabilityType to 'REGIONAL', or set allowSingleZone: true to accept an outage when the zone fails" }
          : p),
      ...checkPublicIp(props.authorizedNetworks ?? [], props.allowPublicIp ?? false),
      ...checkIamUsers(props.iamDatabaseUsers ?? []),
    ];
    if (!backups) {
      problems.push({
        property: 'backups',
        message: `backups is false, but phase ${phase} requires automated backups (and point-in-time recovery needs them)`,
        fix: 'remove backups: false (backups are on by default)',
      });
    }
    const maxLog = CLOUD_SQL_LIMITS.maxLogRetentionDays[edition] ?? 7;
    if (!Number.isInteger(logDays) || logDays < 7) {
      problems.push({
        property: 'transactionLogRetentionDays',
        message: `transactionLogRetentionDays ${show(logDays)} is below the phase-${phase} minimum of 7 days of point-in-time recovery`,
        fix: 'set transactionLogRetentionDays to 7 or more',
      });
    } else if (logDays > maxLog) {
      problems.push({
        property: 'transactionLogRetentionDays',
        message: `transactionLogRetentionDays ${logDays} is above the ${maxLog}-day maximum of Cloud SQL ${edition} (${CLOUD_SQL_LIMITS.logRetentionSource})`,
        fix: edition === 'ENTERPRISE' ? "set transactionLogRetentionDays to 7, or use edition 'ENTERPRISE_PLUS' (up to 35)" : `set transactionLogRetentionDays to ${maxLog} or less`,
      });
    }
    // The relation between the two, once each is valid on its own (one fix at a time).
    const logDaysValid = Number.isInteger(logDays) && logDays >= 7 && logDays <= maxLog;
    if (logDaysValid && retention >= 1 && retention <= CLOUD_SQL_LIMITS.maxRetainedBackups) problems.push(...checkBackupsCoverLogs(retention, logDays));
    if (!['ENTERPRISE', 'ENTERPRISE_PLUS'].includes(edition)) {
      problems.push({ property: 'edition', message: `edition ${show(edition)} is not a Cloud SQL edition`, fix: "set edition to 'ENTERPRISE' or 'ENTERPRISE_PLUS'" });
    }
    const expectedPrefix = engine === 'mysql' ? 'MYSQL_' : 'POSTGRES_';
    if (!databaseVersion.startsWith(expectedPrefix)) {
      problems.push({
        property: 'databaseVersion',
        message: `databaseVersion ${show(databaseVersion)} does not match engine ${show(engine)}`,
        fix: `use a ${expectedPrefix}* version, e.g. '${engine === 'mysql' ? 'MYSQL_8_0' : 'POSTGRES_16'}'`,
      });
    }
    if (!INSTANCE_NAME.test(instanceName) || instanceName.length > MAX_INSTANCE_NAME) {
      problems.push({
        property: 'instanceName',
        message: `instanceName ${show(instanceName)} is not a valid Cloud SQL instance name`,
        fix: `use 2–${MAX_INSTANCE_NAME} lowercase letters, digits and hyphens, starting with a letter (replicas append '-<region>')`,
      });
    }
    if (!Number.isInteger(window.day) || window.day < 1 || window.day > 7 || !Number.isInteger(window.hour) || window.hour < 0 || window.hour > 23) {
      problems.push({
        property: 'maintenanceWindow',
        message: `maintenanceWindow ${show(window)} is not a day 1–7 and an hour 0–23`,
        fix: 'set maintenanceWindow to e.g. { day: 7, hour: 5 } (Sunday 05:00 UTC)',
      });
    }
    problems.push(...checkTier(tier, edition));
    problems.push(...writeModeProblems(props.writeMode, phase));
    problems.push(...instanceNamesProblems(props, replicaRegions, instanceName));
    const key = props.encryptionKeyNames?.[props.region];
    if (props.encryptionKeyName !== undefined && key !== undefined && key !== props.encryptionKeyName) {
      problems.push({
        property: 'encryptionKeyName',
        message: `encryptionKeyName ${show(props.encryptionKeyName)} differs from encryptionKeyNames.${props.region} ${show(key)}`,
        fix: 'remove encryptionKeyName and keep the key in encryptionKeyNames only',
      });
    }
    if (props.drReplicaDesignated && props.drReplicaRegion === undefined) {
      problems.push({
        property: 'drReplicaDesignated',
        message: 'drReplicaDesignated is true, but there is no drReplicaRegion to designate',
        fix: 'set drReplicaRegion to the region of the DR replica, or remove drReplicaDesignated',
      });
    }
    if (props.drReplicaRegion !== undefined) {
      if (edition !== 'ENTERPRISE_PLUS') {
        problems.push({
          property: 'drReplicaRegion',
          message: `drReplicaRegion ${show(props.drReplicaRegion)} needs Cloud SQL Enterprise Plus, but edition is ${show(edition)}`,
          fix: "set edition: 'ENTERPRISE_PLUS', or remove drReplicaRegion and fail over by promoting the replica",
        });
      }
      if (!replicaRegions.includes(props.drReplicaRegion)) {
        problems.push({
          property: 'drReplicaRegion',
          message: `drReplicaRegion ${show(props.drReplicaRegion)} is not one of replicaRegions ${show(replicaRegions)}`,
          fix: 'add it to replicaRegions, or choose one of them',
        });
      }
    }
  return problems;
}

/**
 * Phase 5 needs an explicit write mode (core's rule: present, known, never
 * last-write-wins); a Cloud SQL primary can only be a partition's home.
 */
function writeModeProblems(writeMode: unknown, phase: Phase | number): ConfigProblem[] {
  if (phase !== 5) {
    return writeMode === undefined ? [] : [{
      property: 'writeMode',
      message: `writeMode ${show(writeMode)} is set, but phase ${phase} writes in one region`,
      fix: 'remove writeMode, or set phase: 5',
    }];
  }
  const problems = checkWriteMode(writeMode, GCP_PROFILE, GCP_WRITE_MODE_WORDS, 'writeMode');
  if (problems.length === 0 && writeMode === 'active-active') {
    problems.push({
      property: 'writeMode',
      message: "writeMode 'active-active' needs a writer in several regions, but a Cloud SQL instance is the only writer of its data (its replicas are read-only)",
      fix: "use ActiveActiveDatabase (Cloud Spanner, multi-region configuration) for strongly consistent writes in several regions, or split the data into partitions with GeoPartitionedDatabase (writeMode 'geo-partitioned', one home region per partition)",
    });
  }
  return problems;
}

/**
 * `instanceNames` is the deployment's role-free list of regions: the primary
 * region and every replica region must be in it, with valid, distinct names.
 */
function instanceNamesProblems(props: PrimaryRegionProps, replicaRegions: readonly string[], instanceName: string): ConfigProblem[] {
  const names = props.instanceNames;
  if (names === undefined) return [];
  const problems: ConfigProblem[] = [];
  const known = Object.keys(names);
  if (!(props.region in names)) {
    problems.push({
      property: 'region',
      message: `region ${show(props.region)} is not a region of this deployment (instanceNames has ${known.join(', ') || 'none'}): making it the primary would create a new, empty primary instead of moving the writes`,
      fix: `to swap roles, make one of ${known.join(', ')} the primary; to move writes to ${props.region}, first add it as a replica region (with its name in instanceNames), let it catch up, then switch over`,
    });
  }
  const missing = replicaRegions.filter((r) => !(r in names));
  if (missing.length > 0) {
    problems.push({
      property: 'instanceNames',
      message: `instanceNames has no name for the replica region(s) ${show(missing)}`,
      fix: `add ${missing.map((r) => `'${r}': '<name>'`).join(', ')} to instanceNames (a new region gets a new name; an existing one keeps its name)`,
    });
  }
  for (const [region, name] of Object.entries(names)) {
    if (!INSTANCE_NAME.test(name) || name.length > MAX_INSTANCE_NAME + 25) {
      problems.push({ property: `instanceNames.${region}`, message: `instanceNames.${region} ${show(name)} is not a valid Cloud SQL instance name`, fix: 'use lowercase letters, digits and hyphens, starting with a letter' });
    }
  }
  const dup = Object.values(names).find((n, i, all) => all.indexOf(n) !== i);
  if (dup) problems.push({ property: 'instanceNames', message: `instanceNames gives ${show(dup)} to two regions`, fix: 'give every region its own instance name' });
  if (props.instanceName !== undefined && names[props.region] !== undefined && names[props.region] !== instanceName) {
    problems.push({
      property: 'instanceName',
      message: `instanceName ${show(props.instanceName)} differs from instanceNames.${props.region} ${show(names[props.region])}`,
      fix: 'remove instanceName and keep the name in instanceNames only',
    });
  }
  return problems;
}
