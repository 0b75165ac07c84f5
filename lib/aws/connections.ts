/**
 * How applications connect to a region's database, in the aws-cdk-lib idiom
 * (`connections`, `grantConnect`, `grantSecretRead`, as on aws-rds
 * `DatabaseCluster`), for the origin region's {@link PrimaryRegion} and every
 * {@link ReadReplicaRegion} alike: what is granted is the database OF A
 * REGION, never of a role, so a switchover or a failover changes no grant.
 *
 * Rules checked at synth (each a {@link MultiRegionConfigError}):
 * - the database user is a valid unquoted identifier of the engine and is not
 *   the master user;
 * - the grantee lives in a stack of the database's region (an IAM policy is
 *   global, but `rds-db:connect` names the cluster of one region: a grant on
 *   another region's cluster is made in that region's stack, see
 *   docs/connect-your-app.md);
 * - IAM database authentication is on for the cluster when the app is
 *   synthesized (the library turns it on; an escape hatch can turn it off).
 */
import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { ConfigProblem, EngineFamily, formatProblems, ProblemSource, show, throwIfProblems } from '../core';

/**
 * `rds-db:connect` on `arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<user>`:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_rds-db.html (resource type db-user)
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
 */
export function rdsDbUserArn(region: string, account: string, clusterResourceId: string, dbUser: string): string {
  return `arn:${Aws.PARTITION}:rds-db:${region}:${account}:dbuser:${clusterResourceId}/${dbUser}`;
}

/**
 * PostgreSQL: an unquoted identifier starts with a letter or `_`, continues
 * with letters, digits, `_` or `$`, at most 63 bytes (NAMEDATALEN - 1); role
 * names starting with `pg_` are reserved, and `rds_` roles are Aurora's own.
 * https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
 * MySQL: user names are at most 32 characters.
 * https://dev.mysql.com/doc/refman/8.0/en/user-names.html
 * Lower case only: PostgreSQL folds unquoted names to lower case, so `App`
 * in CREATE USER is `app` in the database while the token names `App`.
 */
export function dbUserProblems(dbUser: string, engine: EngineFamily | undefined, masterUsername: string, property = 'dbUser'): ConfigProblem[] {
  if (Token.isUnresolved(dbUser)) {
    return [{ property, message: `${property} is a token`, fix: 'pass the database user name as a plain string (it is part of the IAM resource ARN)' }];
  }
  const max = engine === 'mysql' ? 32 : 63;
  const pattern = engine === 'mysql' ? /^[a-z_][a-z0-9_]*$/ : /^[a-z_][a-z0-9_$]*$/;
  if (!pattern.test(dbUser) || dbUser.length > max) {
    return [{
      property,
      message: `${property} ${show(dbUser)} is not a valid ${engine === 'mysql' ? 'MySQL' : 'PostgreSQL'} user name (lower-case letter or _ first, then lower-case letters, digits or _${engine === 'mysql' ? '' : ' or $'}; at most ${max} characters)`,
      fix: "use a name such as 'app_reader', and create it in the database with that exact name",
    }];
  }
  if (dbUser === masterUsername) {
    return [{
      property,
      message: `${property} ${show(dbUser)} is the master user`,
      fix: 'create an application user (CREATE USER app_user; GRANT rds_iam TO app_user) and grant that one: the master user\'s password is in Secrets Manager and rotates',
    }];
  }
  if (engine !== 'mysql' && /^(pg_|rds_)/.test(dbUser)) {
    return [{
      property,
      message: `${property} ${show(dbUser)} starts with a prefix PostgreSQL or Aurora reserve for their own roles`,
      fix: "choose a name without the 'pg_' or 'rds_' prefix",
    }];
  }
  return [];
}

/** The region's database as the grant functions see it (plain values, tokens of this region's stack only). */
export interface ConnectTarget {
  readonly source: ProblemSource;
  /** The construct the database belongs to (its stack is the region's). */
  readonly scope: IConstruct;
  readonly region: string;
  readonly account: string;
  readonly engine: EngineFamily | undefined;
  readonly masterUsername: string;
  /** The cluster's resource id (`cluster-…`), a token of the region's stack. */
  readonly clusterResourceId: string;
  /** The L1 cluster: IAM authentication is read from it at synth. */
  readonly cfnCluster: rds.CfnDBCluster;
  /** ARN of the master secret in this region. */
  readonly secretArn: string;
  /** The customer-managed key of the secret in this region; undefined: the AWS managed key `aws/secretsmanager`. */
  readonly secretKey?: kms.IKey;
}

/** A region-bound problem with the grantee, or none. */
export function granteeRegionProblems(grantee: iam.IGrantable, region: string, property = 'grantee'): ConfigProblem[] {
  const principal = grantee.grantPrincipal;
  const construct = (principal as unknown as { node?: unknown }).node !== undefined ? principal as unknown as IConstruct
    : (grantee as unknown as { node?: unknown }).node !== undefined ? grantee as unknown as IConstruct : undefined;
  if (!construct) return [];
  const granteeRegion = Stack.of(construct).region;
  if (Token.isUnresolved(granteeRegion)) {
    return [{
      property,
      message: `${property} '${construct.node.path}' is in a stack without env.region, so it cannot be checked against the database's region ${show(region)}`,
      fix: `create the grantee's stack with env: { region: '${region}' }`,
    }];
  }
  if (granteeRegion !== region) {
    return [{
      property,
      message: `${property} '${construct.node.path}' is in ${show(granteeRegion)}, but the database resource it is granted on is in ${show(region)}`,
      fix: `grant the database of ${granteeRegion} (its own region), or import the role in a stack of ${region} (iam.Role.fromRoleArn) and grant there (docs/connect-your-app.md)`,
    }];
  }
  return [];
}

/**
 * Checks, when the app is synthesized, that IAM database authentication is
 * still on: the library turns it on, but an escape hatch
 * (`cfnCluster.enableIamDatabaseAuthentication = false`) can turn it off
 * after the grant was made, and a grant without it would be a policy nobody
 * can use.
 */
function requireIamAuthAtSynth(target: ConnectTarget, dbUser: string): void {
  target.scope.node.addValidation({
    validate: () => {
      const value = target.cfnCluster.enableIamDatabaseAuthentication;
      if (value === true || Token.isUnresolved(value)) return [];
      return formatProblems(target.source, [{
        property: 'enableIamDatabaseAuthentication',
        message: `grantConnect(…, ${show(dbUser)}) needs IAM database authentication, but enableIamDatabaseAuthentication is ${show(value)} on the cluster`,
        fix: 'leave IAM authentication on (remove the override of enableIamDatabaseAuthentication), or connect with the secret (grantSecretRead) instead of grantConnect',
      }]);
    },
  });
}

/**
 * `rds-db:connect` for `dbUser` on the region's cluster, nothing else: one
 * action, one resource ARN with the cluster resource id and the user.
 */
export function grantConnectOn(target: ConnectTarget, grantee: iam.IGrantable, dbUser: string): iam.Grant {
  const enabled = target.cfnCluster.enableIamDatabaseAuthentication;
  throwIfProblems(target.source, [
    ...(enabled === false ? [{
      property: 'enableIamDatabaseAuthentication',
      message: `grantConnect(…, ${show(dbUser)}) needs IAM database authentication, but enableIamDatabaseAuthentication is false on the cluster`,
      fix: 'leave IAM authentication on (remove the override of enableIamDatabaseAuthentication), or connect with the secret (grantSecretRead) instead of grantConnect',
    }] : []),
    ...dbUserProblems(dbUser, target.engine, target.masterUsername),
    ...granteeRegionProblems(grantee, target.region),
  ]);
  requireIamAuthAtSynth(target, dbUser);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['rds-db:connect'],
    resourceArns: [rdsDbUserArn(target.region, target.account, target.clusterResourceId, dbUser)],
  });
}

/**
 * Read the master secret in the region: `secretsmanager:GetSecretValue` and
 * `DescribeSecret` on the secret's exact ARN, and — where the secret is
 * encrypted with a customer-managed key (the origin region) — `kms:Decrypt`
 * on that key through Secrets Manager in this region only. A replica secret
 * is encrypted with the region's AWS managed key `aws/secretsmanager`, whose
 * key policy already lets principals of the account use it through Secrets
 * Manager, so nothing more is granted there:
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
 */
export function grantSecretReadOn(target: ConnectTarget, grantee: iam.IGrantable): iam.Grant {
  throwIfProblems(target.source, granteeRegionProblems(grantee, target.region));
  const grant = iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: [target.secretArn],
  });
  if (target.secretKey) {
    return grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [target.secretKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${target.region}.amazonaws.com` } },
    }));
  }
  return grant;
}
