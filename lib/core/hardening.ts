/**
 * Phase-1 hardening of the primary database, checked the same way on every
 * cloud. Each cloud maps its props onto {@link DatabaseHardening} and gives
 * the words its users see ({@link HardeningVocabulary}), so messages name the
 * user's own property and a fix in the user's own language (Duration.days(7)
 * on AWS, a number of days on Google Cloud).
 */
import { ConfigProblem, plural } from './errors';
import { LADDER, Phase } from './ladder';
import { CloudProfile } from './spec';

/** The hardening-relevant settings of a primary database. */
export interface DatabaseHardening {
  /** Database instances in the primary region (writer + readers). */
  readonly instanceCount: number;
  /** The user explicitly accepted a single instance (no standby in another zone). */
  readonly singleInstanceAllowed: boolean;
  /** Automated backup retention in days. */
  readonly backupRetentionDays: number;
  /** Point-in-time recovery on. */
  readonly pointInTimeRecovery: boolean;
  /** Deletion protection on. */
  readonly deletionProtection: boolean;
  /** Deleting the stack/resource would delete the data (no snapshot, no retain). */
  readonly deletesDataOnRemoval: boolean;
  /** The user explicitly accepted data loss on deletion. */
  readonly dataLossOnDeleteAllowed: boolean;
  /** Storage encrypted at rest. */
  readonly storageEncrypted: boolean;
}

/** The property names and value syntax of one cloud's props. */
export interface HardeningVocabulary {
  readonly instanceCount: string;
  readonly singleInstanceOptIn: string;
  readonly backupRetention: string;
  /** Renders a number of days the way the user writes it, e.g. `Duration.days(7)`. */
  readonly days: (n: number) => string;
  readonly pointInTimeRecovery: string;
  readonly deletionProtection: string;
  readonly removal: string;
  readonly dataLossOptIn: string;
  readonly storageEncrypted: string;
}

/** Validates hardening settings against the phase's requirements. */
export function validateHardening(
  settings: DatabaseHardening,
  phase: Phase,
  profile: CloudProfile,
  words: HardeningVocabulary,
): ConfigProblem[] {
  const def = LADDER[phase];
  const problems: ConfigProblem[] = [];
  const days = settings.backupRetentionDays;

  if (!Number.isInteger(settings.instanceCount) || settings.instanceCount < 1) {
    problems.push({
      property: words.instanceCount,
      message: `${words.instanceCount} ${settings.instanceCount} is not a positive whole number`,
      fix: `set ${words.instanceCount} to ${def.minPrimaryInstances} or more`,
    });
  } else if (settings.instanceCount < def.minPrimaryInstances && !settings.singleInstanceAllowed) {
    problems.push({
      property: words.instanceCount,
      message: `${words.instanceCount} ${settings.instanceCount} gives no standby in another availability zone, which phase ${phase} requires (a writer and at least one reader in another zone)`,
      fix: `set ${words.instanceCount} to ${def.minPrimaryInstances} or more, or set ${words.singleInstanceOptIn}: true to accept an outage when the zone fails`,
    });
  }

  if (Number.isFinite(days) && !Number.isInteger(days)) {
    // Both clouds keep backups for whole days; aws-cdk-lib would otherwise fail later without naming the property.
    problems.push({
      property: words.backupRetention,
      message: `${words.backupRetention} ${Number(days.toFixed(2))} days is not a whole number of days`,
      fix: `set ${words.backupRetention} to a whole number of days, e.g. ${words.days(Math.max(def.minBackupRetentionDays, Math.ceil(days)))}`,
    });
  } else if (!Number.isFinite(days) || days < def.minBackupRetentionDays) {
    problems.push({
      property: words.backupRetention,
      message: `${words.backupRetention} ${plural(days, 'day')} is below the phase-${phase} minimum of ${def.minBackupRetentionDays}`,
      fix: `set ${words.backupRetention} to ${words.days(def.minBackupRetentionDays)} or more`,
    });
  } else if (days > profile.maxBackupRetentionDays) {
    problems.push({
      property: words.backupRetention,
      message: `${words.backupRetention} ${plural(days, 'day')} is above the ${profile.maxBackupRetentionDays}-day maximum the service allows`,
      fix: `set ${words.backupRetention} to ${words.days(profile.maxBackupRetentionDays)} or less, and keep longer-lived copies with snapshots or a backup vault`,
    });
  }

  if (def.pointInTimeRecovery && !settings.pointInTimeRecovery) {
    problems.push({
      property: words.pointInTimeRecovery,
      message: `${words.pointInTimeRecovery} is off, but phase ${phase} requires point-in-time recovery`,
      fix: `remove ${words.pointInTimeRecovery}: false (it is on by default)`,
    });
  }

  if (!settings.storageEncrypted) {
    problems.push({
      property: words.storageEncrypted,
      message: `${words.storageEncrypted} is false: the database would be stored unencrypted`,
      fix: `remove ${words.storageEncrypted}: false; storage is encrypted with a customer-managed key by default`,
    });
  }

  if (!settings.dataLossOnDeleteAllowed) {
    if (def.deletionProtection && !settings.deletionProtection) {
      problems.push({
        property: words.deletionProtection,
        message: `${words.deletionProtection} is false: one delete call would destroy the database`,
        fix: `remove ${words.deletionProtection}: false, or set ${words.dataLossOptIn}: true to accept losing the data`,
      });
    }
    if (settings.deletesDataOnRemoval) {
      problems.push({
        property: words.removal,
        message: `${words.removal} deletes the data (no final snapshot) when the resource is removed`,
        fix: `keep the default (snapshot), or set ${words.dataLossOptIn}: true to accept losing the data`,
      });
    }
  }
  return problems;
}
