import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Duration } from 'aws-cdk-lib';
import { CloudProfile, HardeningVocabulary, WriteModeVocabulary } from '../../core';

/**
 * AWS region naming and Aurora limits.
 *
 * - Up to 10 secondary regions per Aurora global database:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 * - Automated backup retention 1–35 days:
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.html
 */
export const AWS_PROFILE: CloudProfile = {
  cloud: 'aws',
  regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  regionExample: 'us-east-1',
  knownRegions: RegionInfo.regions.map((r) => r.name),
  maxReplicaRegions: 10,
  maxReplicaRegionsSource:
    'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html',
  maxBackupRetentionDays: 35,
};

/** How AWS users write the hardening properties. */
export const AWS_WORDS: HardeningVocabulary = {
  instanceCount: 'instances',
  singleInstanceOptIn: 'allowSingleInstance',
  backupRetention: 'backupRetention',
  days: (n) => `Duration.days(${n})`,
  pointInTimeRecovery: 'pointInTimeRecovery',
  deletionProtection: 'deletionProtection',
  removal: 'removalPolicy DESTROY',
  dataLossOptIn: 'allowDataLossOnDelete',
  storageEncrypted: 'storageEncrypted',
};

/** Whole days in a Duration (Aurora counts retention in days). */
export function wholeDays(d: Duration): number {
  return d.toHours() / 24;
}

/** How phase-5 messages name the AWS engines of each write mode. */
export const AWS_WRITE_MODE_WORDS: WriteModeVocabulary = {
  activeActiveEngine: 'Aurora DSQL, ActiveActiveDatabase',
  partitionEngine: 'Aurora Global Database, GeoPartitionedDatabase',
  cloudName: 'AWS',
};
