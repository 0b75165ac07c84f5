/**
 * Designating the Enterprise Plus DR replica on the primary
 * (`replication_cluster.failover_dr_replica_name`), and saying which apply
 * comes next.
 *
 * Why two applies of the primary's stack, whatever the tool: Cloud SQL only
 * accepts an existing replica as the DR replica, the replica is created
 * after the primary (it names it in `master_instance_name`), and Terraform
 * changes a resource once per apply — in one state the primary and its
 * replica would even form a cycle. Provider 6.50.0 does not send
 * `replication_cluster` when it creates an instance (resourceSqlDatabaseInstanceCreate
 * only sends it on update), so the designation is always an update.
 * https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery ("Designate a DR replica")
 *
 * What this library does instead of a configuration flag that must be
 * flipped between applies: by default the primary's stack reads, at plan
 * time, the Cloud SQL instances of the DR region
 * (data `google_sql_database_instances`, filter by region) and designates
 * the DR replica as soon as it exists and replicates this primary. The same
 * configuration is applied every time; the output `DrReplicaDesignation`
 * says in one line whether the designation is done or which apply is next.
 * After a role swap the same lookup designates the former primary once it
 * has become a replica of the new one (switchover, replica failover, or a
 * rebuilt replica).
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataGoogleSqlDatabaseInstances } from '@cdktf/provider-google/lib/data-google-sql-database-instances';
import { Construct } from 'constructs';
import { Edition } from './sql-rules';

/** How the primary designates its DR replica. */
export type DrDesignationMode = 'automatic' | 'always' | 'never';

export interface DrDesignation {
  readonly mode: DrDesignationMode;
  /** The value of `replication_cluster.failover_dr_replica_name` (a Terraform expression when automatic). */
  readonly failoverDrReplicaName?: string;
  /** The lookup (automatic mode). */
  readonly lookup?: DataGoogleSqlDatabaseInstances;
}

/** The designation of `drReplicaName` (in `drRegion`) on `primaryName`, and the output that says what is next. */
export function designateDrReplica(scope: Construct, o: {
  project: string;
  primaryName: string;
  drRegion: string;
  drReplicaName: string;
  mode: DrDesignationMode;
}): DrDesignation {
  const qualified = `${o.project}:${o.drReplicaName}`;
  if (o.mode === 'never') {
    new TerraformOutput(scope, 'DrReplicaDesignation', {
      value: `not designated (drReplicaDesignated: false): ${o.drReplicaName} is promoted, never switched over`,
      description: 'The Enterprise Plus DR replica designation, and which apply comes next',
    });
    return { mode: o.mode };
  }
  if (o.mode === 'always') {
    new TerraformOutput(scope, 'DrReplicaDesignation', {
      value: `designated: ${qualified} (drReplicaDesignated: true; apply fails if the replica does not exist yet)`,
      description: 'The Enterprise Plus DR replica designation, and which apply comes next',
    });
    return { mode: o.mode, failoverDrReplicaName: qualified };
  }
  const lookup = new DataGoogleSqlDatabaseInstances(scope, 'DrReplicaLookup', { project: o.project, region: o.drRegion });
  const ref = `data.google_sql_database_instances.${TerraformStack.of(scope).getLogicalId(lookup)}`;
  // True once the DR replica exists and replicates this primary.
  const exists = `contains([for i in ${ref}.instances : i.name if i.master_instance_name == ${JSON.stringify(o.primaryName)}], ${JSON.stringify(o.drReplicaName)})`;
  new TerraformOutput(scope, 'DrReplicaDesignation', {
    value: `\${${exists} ? ${JSON.stringify(`designated: ${qualified}`)} : ${JSON.stringify(nextApplyLine(o.drReplicaName, o.drRegion, o.primaryName))}}`,
    description: 'The Enterprise Plus DR replica designation, and which apply comes next',
  });
  return { mode: o.mode, lookup, failoverDrReplicaName: `\${${exists} ? ${JSON.stringify(qualified)} : ""}` };
}

/** The one line that says which apply comes next while the DR replica is missing. */
export function nextApplyLine(drReplicaName: string, drRegion: string, primaryName: string): string {
  return `not designated yet: ${drReplicaName} does not exist in ${drRegion} or does not replicate ${primaryName}. Next: apply the stack of ${drReplicaName} (${drRegion}), then apply this stack again: it designates the DR replica (Cloud SQL accepts only an existing replica)`;
}

/**
 * What the write endpoint output is, and what it does when writes move, in
 * each state. https://cloud.google.com/sql/docs/postgres/connect-to-instance-using-write-endpoint:
 * the write endpoint is redirected by a replica failover or a switchover; a
 * plain promotion makes the replica an independent primary.
 */
export function describeWriteEndpoint(edition: Edition, drDesignated: boolean, drReplicaName?: string): string {
  if (edition !== 'ENTERPRISE_PLUS') {
    return 'Private IP of this primary. It does not move: after a promotion, re-point applications to the private IP of the promoted replica.';
  }
  if (!drDesignated) {
    return `PSA write endpoint if Cloud SQL created one, else the private IP of this primary. Either stays on this instance: no DR replica is designated${drReplicaName ? ` (drReplicaDesignated is false for ${drReplicaName})` : ''}, so a failover is a plain promotion and applications must be re-pointed to the promoted replica's private IP.`;
  }
  return 'PSA write endpoint (a DNS name ending in .global.sql-psa.goog.): follows the writes through a switchover or a replica failover (promote-replica --failover) once the DR replica is designated (output DrReplicaDesignation). If the output is a private IP, Cloud SQL created no write endpoint (e.g. the Cloud DNS API was off at creation) and it does not follow: re-point applications after a failover.';
}
