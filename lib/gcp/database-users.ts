import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core';
import { ConnectGrant, grantConnectTo } from './connections';
import { PrimaryRegion } from './primary-region';
import { checkIamUsers, iamDatabaseUser } from './private/sql-rules';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { useGoogleProvider } from './provider';

/** Properties of {@link DatabaseUsers}. */
export interface DatabaseUsersProps {
  /** The primary: users are created on the instance that takes writes, and replicate to the others. */
  readonly primary: PrimaryRegion;
  /**
   * Google users and service accounts (bare emails), created as database
   * users with IAM database authentication (no password anywhere). They also
   * need `roles/cloudsql.instanceUser` (and `roles/cloudsql.client`) in IAM.
   */
  readonly iamUsers: readonly string[];
}

/**
 * The deployment's IAM database users, in a stack no region's role owns
 * (e.g. `orders-users`, applied after the region stacks).
 *
 * Users belong to the whole replication cluster, not to a region: Cloud SQL
 * replicates them to every replica. A `google_sql_user` names the instance
 * it is created on, and `instance` is ForceNew, so users declared in the
 * primary's stack (PrimaryRegion `iamDatabaseUsers`) would move to another
 * stack after a role swap. Here each user keeps its stack and address, and
 * `instance` is set at creation (the writer then) and ignored afterwards
 * (`lifecycle.ignore_changes`): a role swap changes nothing, and a new user
 * is created on the writer of the day.
 */
export class DatabaseUsers extends Construct {
  /** The users, without passwords. */
  public readonly users: readonly SqlUser[];
  private readonly primary: PrimaryRegion;
  private readonly byEmail = new Map<string, SqlUser>();

  constructor(scope: Construct, id: string, props: DatabaseUsersProps) {
    super(scope, id);
    const { primary } = props;
    this.primary = primary;
    throwIfProblems({ construct: 'DatabaseUsers', path: this.node.path }, checkIamUsers(props.iamUsers, 'iamUsers'));
    useGoogleProvider(this, { project: primary.project, region: primary.region });
    const engine = primary.topology.engine;
    this.users = props.iamUsers.map((email) => {
      const user = iamDatabaseUser(email, engine);
      return new SqlUser(this, `IamUser-${email}`, {
        project: primary.project,
        // A plain name: the primary may live in another state.
        instance: primary.instanceName,
        name: user.name,
        type: user.type,
        // PostgreSQL refuses to drop a role that owns objects or holds grants:
        // removing it from the configuration only forgets it.
        deletionPolicy: engine === 'postgresql' ? 'ABANDON' : undefined,
        // The writer of the day at creation; a role swap must not replace the user.
        lifecycle: { ignoreChanges: ['instance'] },
      });
    });
    props.iamUsers.forEach((email, i) => this.byEmail.set(email, this.users[i]));
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.sqlAdmin]));
  }

  /**
   * Lets `serviceAccount` connect with IAM database authentication to every
   * region's instance, whichever writes: a `CLOUD_IAM_SERVICE_ACCOUNT` database
   * user (created here once, or the one of `iamUsers`), and
   * `roles/cloudsql.client` + `roles/cloudsql.instanceUser` on the project,
   * conditioned to this deployment's instances (docs/connect-your-app.md).
   */
  public grantConnect(serviceAccount: string): ConnectGrant {
    const grant = grantConnectTo(this, this.primary, serviceAccount, { construct: 'DatabaseUsers', path: this.node.path }, this.byEmail.get(serviceAccount));
    this.byEmail.set(serviceAccount, grant.user);
    return grant;
  }
}
