import { CloudProfile, DatabaseHardening, HardeningVocabulary, validateHardening } from '../../lib/core';

const profile = { maxBackupRetentionDays: 35 } as CloudProfile;
const words: HardeningVocabulary = {
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
const good: DatabaseHardening = {
  instanceCount: 2,
  singleInstanceAllowed: false,
  backupRetentionDays: 14,
  pointInTimeRecovery: true,
  deletionProtection: true,
  deletesDataOnRemoval: false,
  dataLossOnDeleteAllowed: false,
  storageEncrypted: true,
};
const check = (overrides: Partial<DatabaseHardening>) =>
  validateHardening({ ...good, ...overrides }, 1, profile, words).map((p) => `${p.message}; ${p.fix}`);

test('hardened defaults pass', () => {
  expect(check({})).toEqual([]);
});

test('backup retention below 7 and above 35 days', () => {
  expect(check({ backupRetentionDays: 0 })).toEqual([
    'backupRetention 0 days is below the phase-1 minimum of 7; set backupRetention to Duration.days(7) or more',
  ]);
  expect(check({ backupRetentionDays: 36 })).toEqual([
    'backupRetention 36 days is above the 35-day maximum the service allows; set backupRetention to Duration.days(35) or less, and keep longer-lived copies with snapshots or a backup vault',
  ]);
  expect(check({ backupRetentionDays: 7 })).toEqual([]);
  expect(check({ backupRetentionDays: 35 })).toEqual([]);
});

test('a single instance needs the explicit opt-out', () => {
  expect(check({ instanceCount: 1 })).toEqual([
    'instances 1 gives no standby in another availability zone, which phase 1 requires (a writer and at least one reader in another zone); set instances to 2 or more, or set allowSingleInstance: true to accept an outage when the zone fails',
  ]);
  expect(check({ instanceCount: 1, singleInstanceAllowed: true })).toEqual([]);
  expect(check({ instanceCount: 0, singleInstanceAllowed: true })[0]).toMatch(/^instances 0 is not a positive whole number/);
});

test('point-in-time recovery and encryption cannot be turned off', () => {
  expect(check({ pointInTimeRecovery: false })).toEqual([
    'pointInTimeRecovery is off, but phase 1 requires point-in-time recovery; remove pointInTimeRecovery: false (it is on by default)',
  ]);
  expect(check({ storageEncrypted: false })).toEqual([
    'storageEncrypted is false: the database would be stored unencrypted; remove storageEncrypted: false; storage is encrypted with a customer-managed key by default',
  ]);
});

test('data loss on delete needs an opt-in that names it', () => {
  expect(check({ deletionProtection: false })).toEqual([
    'deletionProtection is false: one delete call would destroy the database; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data',
  ]);
  expect(check({ deletesDataOnRemoval: true })).toEqual([
    'removalPolicy DESTROY deletes the data (no final snapshot) when the resource is removed; keep the default (snapshot), or set allowDataLossOnDelete: true to accept losing the data',
  ]);
  expect(check({ deletionProtection: false, deletesDataOnRemoval: true, dataLossOnDeleteAllowed: true })).toEqual([]);
});
