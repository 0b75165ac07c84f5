import { ConfigProblem, EngineFamily, show } from '../../core';

/** Cloud SQL edition. */
export type Edition = 'ENTERPRISE' | 'ENTERPRISE_PLUS';

/** A network allowed to reach a public IP. */
export interface AuthorizedNetwork {
  /** A label. @default - none */
  readonly name?: string;
  /** CIDR block, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
}

/** Default machine tier of an edition. */
export function defaultTier(edition: Edition): string {
  return edition === 'ENTERPRISE_PLUS' ? 'db-perf-optimized-N-2' : 'db-custom-2-7680';
}

/**
 * A machine tier that the edition does not offer fails at apply time.
 * Enterprise Plus runs the N2 (`db-perf-optimized-N-*`) and C4A series;
 * Enterprise runs shared-core (`db-f1-micro`, `db-g1-small`), dedicated-core
 * (`db-custom-*`, `db-n1-*`) and N4 machines.
 * https://cloud.google.com/sql/docs/postgres/machine-series-overview
 * Only the tier families known to belong to the other edition are rejected,
 * so new series pass.
 */
export function checkTier(tier: string, edition: Edition, property = 'tier'): ConfigProblem[] {
  const enterpriseOnly = /^(db-custom-|db-n1-|db-f1-micro$|db-g1-small$)/.test(tier);
  const plusOnly = /^(db-perf-optimized-|db-c4a-)/.test(tier);
  if (edition === 'ENTERPRISE_PLUS' && enterpriseOnly) {
    return [{
      property,
      message: `${property} ${show(tier)} is a Cloud SQL Enterprise machine type, but edition is 'ENTERPRISE_PLUS'`,
      fix: `use a performance-optimized tier such as '${defaultTier('ENTERPRISE_PLUS')}', or edition 'ENTERPRISE'`,
    }];
  }
  if (edition === 'ENTERPRISE' && plusOnly) {
    return [{
      property,
      message: `${property} ${show(tier)} is a Cloud SQL Enterprise Plus machine type, but edition is 'ENTERPRISE'`,
      fix: `use a tier such as '${defaultTier('ENTERPRISE')}', or edition 'ENTERPRISE_PLUS'`,
    }];
  }
  return [];
}

/**
 * The flag that turns on IAM database authentication (log in with an IAM
 * token, no password): `cloudsql.iam_authentication` on PostgreSQL,
 * `cloudsql_iam_authentication` on MySQL.
 * https://cloud.google.com/sql/docs/postgres/create-edit-iam-instances
 * https://cloud.google.com/sql/docs/mysql/create-edit-iam-instances
 */
export function iamAuthFlag(engine: EngineFamily): Record<string, string> {
  return engine === 'mysql' ? { cloudsql_iam_authentication: 'on' } : { 'cloudsql.iam_authentication': 'on' };
}

/**
 * Flags set by default: IAM database authentication and logging.
 * PostgreSQL: https://cloud.google.com/sql/docs/postgres/flags
 * MySQL: https://cloud.google.com/sql/docs/mysql/flags
 */
export function sqlFlags(engine: EngineFamily): Record<string, string> {
  if (engine === 'mysql') {
    return {
      ...iamAuthFlag(engine),
      slow_query_log: 'on',
      long_query_time: '1',
      log_output: 'FILE',
    };
  }
  return {
    ...iamAuthFlag(engine),
    log_checkpoints: 'on',
    log_connections: 'on',
    log_disconnections: 'on',
    log_lock_waits: 'on',
    log_min_duration_statement: '1000',
    log_temp_files: '0',
  };
}

/**
 * Cloud SQL deletes transaction logs together with the automated backup they
 * start from, so it rejects a backup configuration that keeps fewer backups
 * than days of logs: "Invalid request: backup retention should be >
 * transaction log retention" (HTTP 400 from instances.insert / patch). With
 * count-based retention (`retentionUnit: COUNT`, one automated backup a day)
 * the rule is `retainedBackups > transactionLogRetentionDays`, strictly.
 * Logs are purged once a day, and Cloud SQL recommends "setting the number of
 * backups to one more than the days of log retention":
 * https://cloud.google.com/sql/docs/sqlserver/backup-recovery/pitr (Log storage for PITR),
 * https://cloud.google.com/sql/docs/postgres/backup-recovery/backups (retained backups 1–365).
 */
export function checkBackupsCoverLogs(retainedBackups: number, logDays: number, property = 'backupRetentionDays'): ConfigProblem[] {
  if (!Number.isInteger(retainedBackups) || !Number.isInteger(logDays) || retainedBackups > logDays) return [];
  return [{
    property,
    message: `${property} ${retainedBackups} does not exceed transactionLogRetentionDays ${logDays}: Cloud SQL deletes transaction logs with the backup they start from and rejects the settings ("backup retention should be > transaction log retention")`,
    fix: `set ${property} to ${logDays + 1} or more (${defaultRetainedBackups(logDays)} keeps a week of margin), or lower transactionLogRetentionDays below ${retainedBackups}`,
  }];
}

/** Default automated backups kept: a week more than the days of logs, and at least 14. */
export function defaultRetainedBackups(logDays: number): number {
  return Math.max(14, logDays + 7);
}

/** A public IP needs an explicit opt-in. */
export function checkPublicIp(networks: readonly AuthorizedNetwork[], allowed: boolean, property = 'authorizedNetworks'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (networks.length > 0 && !allowed) {
    problems.push({
      property,
      message: `${property} ${show(networks.map((n) => n.cidr))} would give the instance a public IP`,
      fix: 'connect through private IP (the default), or set allowPublicIp: true to accept a public IP',
    });
  }
  networks.forEach((n, i) => {
    if (n.cidr === '0.0.0.0/0') {
      problems.push({
        property: `${property}[${i}]`,
        message: `${property}[${i}] '0.0.0.0/0' opens the database to the whole internet`,
        fix: 'list the narrowest CIDR blocks your clients use',
      });
    }
  });
  return problems;
}

/**
 * The core validators name the primary region `primaryRegion`; on Google
 * Cloud the property is `region`.
 */
export function renameRegionProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.map((p) => p.property === 'primaryRegion'
    ? { ...p, property: 'region', message: p.message.replace(/^primaryRegion/, 'region') }
    : p);
}

/** A Cloud SQL IAM database user: its type and the user name Cloud SQL gives it. */
export interface IamDatabaseUser {
  readonly email: string;
  readonly type: 'CLOUD_IAM_USER' | 'CLOUD_IAM_SERVICE_ACCOUNT';
  /** The database user name. */
  readonly name: string;
}

const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const SERVICE_ACCOUNT = /^[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;

/**
 * The database user of an IAM principal. PostgreSQL names a service account
 * by its email without `.gserviceaccount.com` and a user by the full email
 * (https://cloud.google.com/sql/docs/postgres/iam-logins); on MySQL the
 * provider takes the full email and Cloud SQL shortens it
 * (https://cloud.google.com/sql/docs/mysql/add-manage-iam-users).
 */
export function iamDatabaseUser(email: string, engine: EngineFamily): IamDatabaseUser {
  const sa = SERVICE_ACCOUNT.test(email);
  return {
    email,
    type: sa ? 'CLOUD_IAM_SERVICE_ACCOUNT' : 'CLOUD_IAM_USER',
    name: sa && engine === 'postgresql' ? email.replace(/\.gserviceaccount\.com$/, '') : email,
  };
}

/** IAM database users must be user or service-account emails (groups and domains are not supported). */
export function checkIamUsers(emails: readonly string[], property = 'iamDatabaseUsers'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  emails.forEach((e, i) => {
    if (!EMAIL.test(e) || /^(group|domain|user|serviceAccount):/.test(e)) {
      problems.push({
        property: `${property}[${i}]`,
        message: `${property}[${i}] ${show(e)} is not the email of a Google user or service account`,
        fix: "give the bare email, e.g. 'alice@example.com' or 'app@my-project.iam.gserviceaccount.com' (no 'user:' prefix; groups are not database users)",
      });
    }
  });
  const dup = emails.find((e, i) => emails.indexOf(e) !== i);
  if (dup) problems.push({ property, message: `${property} lists ${show(dup)} twice`, fix: 'list each principal once' });
  return problems;
}
