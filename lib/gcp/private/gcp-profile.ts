import { CloudProfile, HardeningVocabulary, WriteModeVocabulary } from '../../core';

/**
 * Google Cloud regions where Cloud SQL runs, as known to this release.
 * Source: https://cloud.google.com/sql/docs/postgres/locations
 */
export const CLOUD_SQL_REGIONS: readonly string[] = [
  'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1',
  'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6',
  'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1',
  'us-west1', 'us-west2', 'us-west3', 'us-west4',
];

/**
 * Limits of Cloud SQL, with their sources.
 *
 * - Read replicas per primary: 10 for MySQL and PostgreSQL ("You can have up
 *   to 10 read replicas per primary instance"; the SQL Server page states 8).
 *   https://cloud.google.com/sql/docs/postgres/replication
 * - Automated backups retained: 1 to 365.
 *   https://cloud.google.com/sql/docs/postgres/backup-recovery/backups
 * - Transaction log (PITR) retention: 1–7 days on Enterprise, 1–35 days on
 *   Enterprise Plus. https://cloud.google.com/sql/docs/postgres/backup-recovery/pitr
 */
export const CLOUD_SQL_LIMITS = {
  maxReadReplicas: 10,
  maxReadReplicasSource: 'https://cloud.google.com/sql/docs/postgres/replication',
  maxRetainedBackups: 365,
  retainedBackupsSource: 'https://cloud.google.com/sql/docs/postgres/backup-recovery/backups',
  maxLogRetentionDays: { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 },
  logRetentionSource: 'https://cloud.google.com/sql/docs/postgres/backup-recovery/pitr',
} as const;

/** Google Cloud region naming and Cloud SQL limits, for the core validators. */
export const GCP_PROFILE: CloudProfile = {
  cloud: 'gcp',
  regionPattern: /^[a-z]+-[a-z]+\d{1,2}$/,
  regionExample: 'us-central1',
  knownRegions: CLOUD_SQL_REGIONS,
  maxReplicaRegions: CLOUD_SQL_LIMITS.maxReadReplicas,
  maxReplicaRegionsSource: CLOUD_SQL_LIMITS.maxReadReplicasSource,
  maxBackupRetentionDays: CLOUD_SQL_LIMITS.maxRetainedBackups,
};

/** How Google Cloud users write the hardening properties of {@link PrimaryRegionProps}. */
export const GCP_WORDS: HardeningVocabulary = {
  instanceCount: 'availabilityType',
  singleInstanceOptIn: 'allowSingleZone',
  backupRetention: 'backupRetentionDays',
  days: (n) => `${n}`,
  pointInTimeRecovery: 'pointInTimeRecovery',
  deletionProtection: 'deletionProtection',
  removal: 'retainBackupsOnDelete false',
  dataLossOptIn: 'allowDataLossOnDelete',
  storageEncrypted: 'storageEncrypted',
};

/** How phase-5 messages name the Google Cloud engines of each write mode. */
export const GCP_WRITE_MODE_WORDS: WriteModeVocabulary = {
  activeActiveEngine: 'Cloud Spanner, ActiveActiveDatabase',
  partitionEngine: 'Cloud SQL, GeoPartitionedDatabase',
  cloudName: 'Google Cloud',
};
