/**
 * How applications connect on Google Cloud (issue 22): IAM database
 * authentication (the `cloudsql.iam_authentication` flag the instances carry
 * by default, private/sql-rules.ts), a database user per service account with
 * the two IAM roles it needs conditioned to the deployment's instances, and a
 * role-agnostic discovery record per region.
 *
 * Role-agnostic: a record and a grant name instances by REGION
 * (`PrimaryRegion.instanceNameOf`), sorted, so a switchover or a failover
 * (GCP_PRIMARY_REGION swapped) changes neither (test/gcp/connect.test.ts).
 */
import { Fn, TerraformStack } from 'cdktf';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Construct, IConstruct } from 'constructs';
import { ConfigProblem, ProblemSource, show, throwIfProblems } from '../core';
import type { PrimaryRegion } from './primary-region';
import type { ReadReplicaRegion } from './read-replica-region';
import { iamAuthFlag, iamDatabaseUser } from './private/sql-rules';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';

const SERVICE_ACCOUNT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The discovery secret's id of `deployment` in `region`: `multiregion-<deployment>-<region>-database`. */
export function discoverySecretId(deployment: string, region: string): string {
  return `multiregion-${deployment}-${region}-database`;
}

/** What an application needs to find a deployment's record (plain values, usable from any Terraform configuration). */
export interface DiscoveryDeploymentRef {
  /** The deployment's discovery name. */
  readonly name: string;
  /** Every region of the deployment. */
  readonly regions: readonly string[];
}

/**
 * The discovery secret's id of `deployment` in `region`, for an application
 * in that region (Cloud Run `secret_key_ref`, or `gcloud secrets versions
 * access latest --secret <id>`). Refuses a region outside the deployment.
 */
export function discoverySecretFor(deployment: DiscoveryDeploymentRef, region: string, source: ProblemSource = { construct: 'DatabaseDiscovery', path: 'lookup' }): string {
  if (!deployment.regions.includes(region)) {
    throwIfProblems(source, [{
      property: 'region',
      message: `region ${show(region)} is not a region of the deployment ${show(deployment.name)} (${show([...deployment.regions].sort())})`,
      fix: `look up one of ${[...deployment.regions].sort().join(', ')}: an application reads the record of its own region`,
    }]);
  }
  return discoverySecretId(deployment.name, region);
}

/** Every region's instance name of the deployment, sorted by region (never in role order). */
function instancesByRegion(primary: PrimaryRegion): { region: string; instance: string }[] {
  return [primary.region, ...primary.topology.replicaRegions].sort().map((region) => ({ region, instance: primary.instanceNameOf(region) }));
}

/**
 * The IAM condition that limits a Cloud SQL role to the deployment's
 * instances (every region's, whichever writes):
 * https://cloud.google.com/sql/docs/postgres/iam-conditions
 * (`resource.name == 'projects/<p>/instances/<name>' && resource.type == 'sqladmin.googleapis.com/Instance'`,
 * as in terraform-google-modules/terraform-docs-samples cloud_sql/instance_iam_condition).
 */
export function instanceCondition(primary: PrimaryRegion): string {
  const names = instancesByRegion(primary).map(({ instance }) => `resource.name == 'projects/${primary.project}/instances/${instance}'`);
  return `resource.type == 'sqladmin.googleapis.com/Instance' && (${names.join(' || ')})`;
}

/** Problems of grantConnect(serviceAccount) on `primary`'s deployment. */
export function grantConnectProblems(primary: PrimaryRegion, serviceAccount: string, property = 'serviceAccount'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const [flag] = Object.keys(iamAuthFlag(primary.engine));
  if (primary.databaseFlags[flag] !== 'on') {
    problems.push({
      property: `databaseFlags.${flag}`,
      message: `grantConnect(${show(serviceAccount)}) needs IAM database authentication, but the database flag ${flag} is ${show(primary.databaseFlags[flag] ?? 'unset')} on '${primary.node.path}'`,
      fix: `remove the override of ${flag} from databaseFlags (the library sets it 'on'), or connect with a password user instead`,
    });
  }
  if (!SERVICE_ACCOUNT.test(serviceAccount)) {
    problems.push({
      property,
      message: `${property} ${show(serviceAccount)} is not the email of a service account (<name>@<project>.iam.gserviceaccount.com)`,
      fix: "pass the service account's bare email, e.g. 'orders-app@my-project.iam.gserviceaccount.com' (a user is added with DatabaseUsers iamUsers)",
    });
  }
  return problems;
}

/** What {@link grantConnectTo} made. */
export interface ConnectGrant {
  /** The `CLOUD_IAM_SERVICE_ACCOUNT` database user. */
  readonly user: SqlUser;
  /** `roles/cloudsql.client` and `roles/cloudsql.instanceUser`, conditioned to the deployment's instances. */
  readonly bindings: readonly ProjectIamMember[];
  /** The database user name (the email without `.gserviceaccount.com` on PostgreSQL). */
  readonly dbUser: string;
}

/**
 * The database user of `serviceAccount` and the two roles a connection with
 * IAM authentication needs (https://cloud.google.com/sql/docs/postgres/iam-logins:
 * Cloud SQL Client to connect through the connector or Auth Proxy, Cloud SQL
 * Instance User to log in), created in `scope` (a stack no region's role
 * owns; see DatabaseUsers).
 */
export function grantConnectTo(scope: Construct, primary: PrimaryRegion, serviceAccount: string, source: ProblemSource, existing?: SqlUser): ConnectGrant {
  throwIfProblems(source, grantConnectProblems(primary, serviceAccount));
  const user = iamDatabaseUser(serviceAccount, primary.engine);
  const sqlUser = existing ?? new SqlUser(scope, `IamUser-${serviceAccount}`, {
    project: primary.project,
    instance: primary.instanceName,
    name: user.name,
    type: user.type,
    deletionPolicy: primary.engine === 'postgresql' ? 'ABANDON' : undefined,
    lifecycle: { ignoreChanges: ['instance'] },
  });
  const condition = {
    // Named after the first region's instance (sorted), never the writer's.
    title: `${instancesByRegion(primary)[0].instance}-instances`.slice(0, 100),
    description: 'Only the instances of this deployment, in every region',
    expression: instanceCondition(primary),
  };
  const bindings = ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'].map((role) => new ProjectIamMember(scope, `${role.split('/')[1]}-${serviceAccount}`, {
    project: primary.project,
    role,
    member: `serviceAccount:${serviceAccount}`,
    condition,
  }));
  // The new resources wait for their APIs (a fresh project has them off).
  const services = requireServices(scope, primary.project, [GCP_SERVICES.sqlAdmin, GCP_SERVICES.iam]);
  for (const r of [...(existing ? [] : [sqlUser]), ...bindings]) dependOnServices(r, services);
  return { user: sqlUser, bindings, dbUser: user.name };
}

/** Properties of {@link DatabaseDiscovery} (Google Cloud). */
export interface DatabaseDiscoveryProps {
  /** The deployment's discovery name: lower-case letters, digits and `-`, at most 40 characters; unique per project. */
  readonly name: string;
  /**
   * The database applications use.
   * @default - none in the record
   */
  readonly databaseName?: string;
}

const REGISTRY = Symbol.for('multiregion-constructs.gcp.discovery-names');

/**
 * The discovery record of one region's instance: a Secret Manager secret
 * `multiregion-<name>-<region>-database`, stored in that region only, whose
 * latest version is JSON with the instance connection name, the private IP,
 * the port, the database, the IAM user convention and every region of the
 * deployment. Why a secret and not Terraform outputs: an application reads
 * it without access to the database's Terraform state, Cloud Run mounts it
 * as an environment variable (`secret_key_ref`), and access is one IAM
 * binding on one secret (docs/connect-your-app.md).
 * Create it as a child of the region's database, in the database's stack.
 */
export class DatabaseDiscovery extends Construct {
  /** The secret. */
  public readonly secret: SecretManagerSecret;
  /** Its id. */
  public readonly secretId: string;
  /** The record (the private IP is a Terraform reference). */
  public readonly record: Readonly<Record<string, unknown>>;
  /** What applications pass to {@link discoverySecretFor}. */
  public readonly deployment: DiscoveryDeploymentRef;
  private readonly project: string;

  constructor(database: PrimaryRegion | ReadReplicaRegion, id: string, props: DatabaseDiscoveryProps) {
    super(database, id);
    const primary = 'primary' in database ? database.primary : database;
    const source = { construct: 'DatabaseDiscovery', path: this.node.path };
    const problems: ConfigProblem[] = [];
    if (!NAME.test(props.name)) {
      problems.push({ property: 'name', message: `name ${show(props.name)} is not 1–40 lower-case letters, digits or '-'`, fix: "use a name such as 'orders' (the secret is multiregion-orders-<region>-database)" });
    }
    const key = `${primary.project}|${props.name}`;
    const root = this.node.root as unknown as Record<symbol, Map<string, { primary: IConstruct; regions: Set<string> }> | undefined>;
    if (!root[REGISTRY]) Object.defineProperty(root, REGISTRY, { value: new Map(), enumerable: false });
    const known = root[REGISTRY]!.get(key);
    if (known && known.primary !== primary) {
      problems.push({
        property: 'name',
        message: `name ${show(props.name)} is already the discovery name of the deployment of '${known.primary.node.path}' in project ${primary.project}`,
        fix: 'give each deployment of a project its own discovery name: both would write the same secrets',
      });
    } else if (known?.regions.has(database.region)) {
      problems.push({ property: 'name', message: `name ${show(props.name)} already has a record in ${show(database.region)}`, fix: 'publish one record per region' });
    }
    throwIfProblems(source, problems);
    if (known) known.regions.add(database.region);
    else root[REGISTRY]!.set(key, { primary, regions: new Set([database.region]) });

    this.project = primary.project;
    this.secretId = discoverySecretId(props.name, database.region);
    this.deployment = { name: props.name, regions: instancesByRegion(primary).map((r) => r.region) };
    const iamUser = primary.engine === 'postgresql'
      ? '<service account email without .gserviceaccount.com> (CLOUD_IAM_SERVICE_ACCOUNT, made by DatabaseUsers.grantConnect)'
      : '<service account email> (Cloud SQL shortens it to the part before @)';
    this.record = {
      schemaVersion: 1,
      deployment: props.name,
      region: database.region,
      regions: instancesByRegion(primary).map((r) => r.region),
      engine: primary.engine,
      databaseVersion: primary.databaseVersion,
      instanceName: database.instanceName,
      instanceConnectionName: database.connectionName,
      privateIp: database.privateIp,
      port: primary.engine === 'mysql' ? 3306 : 5432,
      databaseName: props.databaseName ?? null,
      iamAuthentication: { enabled: true, user: iamUser, connector: 'Cloud SQL Node.js Connector or Auth Proxy: ipType PRIVATE, authType IAM' },
      tls: { mode: 'the connector and Auth Proxy verify the server with the instance certificate; direct clients use sslmode verify-ca with the server CA (gcloud sql instances describe)' },
    };
    this.secret = new SecretManagerSecret(this, 'Secret', {
      project: primary.project,
      secretId: this.secretId,
      // Stored in the region it describes only: a record is region-local, like the data it leads to.
      replication: { userManaged: { replicas: [{ location: database.region }] } },
      labels: { 'multiregion-deployment': props.name, 'multiregion-region': database.region },
    });
    new SecretManagerSecretVersion(this, 'Version', {
      secret: this.secret.id,
      secretData: Fn.jsonencode(this.record),
    });
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.secretManager]));
  }

  /**
   * `roles/secretmanager.secretAccessor` on this record only, created in
   * `scope` (e.g. the application's stack of the region; the secret is named
   * by its plain id, so no cross-stack reference).
   */
  public grantRead(serviceAccount: string, scope: Construct = this): SecretManagerSecretIamMember {
    const member = new SecretManagerSecretIamMember(scope, `DiscoveryReader-${this.secretId}-${serviceAccount}`, {
      project: this.project,
      secretId: this.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${serviceAccount}`,
    });
    dependOnServices(member, requireServices(scope, this.project, [GCP_SERVICES.secretManager]));
    return member;
  }

  /** The stack that holds the record (the region's). */
  public get stack(): TerraformStack {
    return TerraformStack.of(this);
  }
}
