import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';
import { EngineFamily } from '../../core';

/** Metric of the replication lag of a Cloud SQL replica, seconds. */
export const REPLICA_LAG_METRIC = 'cloudsql.googleapis.com/database/replication/replica_lag';
/** Metric that is 1 while a Cloud SQL instance is up. */
export const INSTANCE_UP_METRIC = 'cloudsql.googleapis.com/database/up';
/**
 * Client connections: PostgreSQL backends per database (GAUGE), MySQL
 * connections. https://cloud.google.com/sql/docs/postgres/admin-api/metrics
 */
export const CONNECTIONS_METRIC: Readonly<Record<EngineFamily, string>> = {
  postgresql: 'cloudsql.googleapis.com/database/postgresql/num_backends',
  mysql: 'cloudsql.googleapis.com/database/network/connections',
};
/** The user label that marks the split-brain guard of an instance (the workflow finds and arms it by this label). */
export const SPLIT_BRAIN_GUARD_LABEL = 'mrc_split_brain_guard';

interface AlertOptions {
  readonly project: string;
  readonly instanceName: string;
  readonly role: 'primary' | 'replica';
  readonly notificationChannels: readonly string[];
}

function databaseFilter(metric: string, project: string, instanceName: string): string {
  return `resource.type = "cloudsql_database" AND metric.type = "${metric}" AND resource.labels.database_id = "${project}:${instanceName}"`;
}

/** Alert when the instance is down (its `database/up` metric below 1) for 5 minutes. */
export function instanceDownAlert(scope: Construct, id: string, o: AlertOptions): MonitoringAlertPolicy {
  return new MonitoringAlertPolicy(scope, id, {
    project: o.project,
    displayName: `Cloud SQL ${o.role} ${o.instanceName} is down`,
    combiner: 'OR',
    severity: 'CRITICAL',
    notificationChannels: [...o.notificationChannels],
    conditions: [{
      displayName: `${o.instanceName} up < 1`,
      conditionThreshold: {
        filter: databaseFilter(INSTANCE_UP_METRIC, o.project, o.instanceName),
        comparison: 'COMPARISON_LT',
        thresholdValue: 1,
        duration: '300s',
        evaluationMissingData: 'EVALUATION_MISSING_DATA_ACTIVE',
        aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MIN' }],
      },
    }],
    documentation: {
      mimeType: 'text/markdown',
      content: `The Cloud SQL ${o.role} \`${o.project}:${o.instanceName}\` reports down. Check the instance state; if the primary region is lost, follow the failover runbook.`,
    },
  });
}

/**
 * Alert when replication lag stays above `thresholdSeconds` for 5 minutes,
 * or when the replica stops reporting it: a replica whose replication broke
 * (or that is down, or was promoted) sends no replica_lag at all, and a
 * threshold condition without data would stay silent. Missing data counts as
 * a breach (`EVALUATION_MISSING_DATA_ACTIVE`:
 * "If there is no data to evaluate the condition, then evaluate the condition as true":
 * https://cloud.google.com/ruby/docs/reference/google-cloud-monitoring-v3/latest/Google-Cloud-Monitoring-V3-AlertPolicy-Condition-EvaluationMissingData).
 */
export function replicaLagAlert(scope: Construct, id: string, o: AlertOptions & { readonly thresholdSeconds: number }): MonitoringAlertPolicy {
  return new MonitoringAlertPolicy(scope, id, {
    project: o.project,
    displayName: `Cloud SQL replica ${o.instanceName} lag above ${o.thresholdSeconds}s`,
    combiner: 'OR',
    severity: 'WARNING',
    notificationChannels: [...o.notificationChannels],
    conditions: [{
      displayName: `${o.instanceName} replica_lag > ${o.thresholdSeconds}s`,
      conditionThreshold: {
        filter: databaseFilter(REPLICA_LAG_METRIC, o.project, o.instanceName),
        comparison: 'COMPARISON_GT',
        thresholdValue: o.thresholdSeconds,
        duration: '300s',
        evaluationMissingData: 'EVALUATION_MISSING_DATA_ACTIVE',
        aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MAX' }],
      },
    }],
    documentation: {
      mimeType: 'text/markdown',
      content: `Replication lag of \`${o.project}:${o.instanceName}\` is above ${o.thresholdSeconds} s, or the replica reports no lag at all (replication stopped, replica down or promoted): a failover now would lose up to that much of the latest writes. After a failover this alert fires until the configuration is swapped (the promoted instance has no replica lag).`,
    },
  });
}

/**
 * The split-brain guard of an instance: an alert on client connections,
 * created **disabled** in the instance's own stack (both roles, the same
 * address) and labelled `mrc_split_brain_guard=<instance>`. The failover
 * workflow enables the guard of the former primary after an unplanned
 * failover, so it fires if that instance takes connections again (its
 * region came back before it was fenced, or someone restarted it).
 * Terraform never resets `enabled` (`ignore_changes`): the runtime owns it;
 * the runbook's "The lost region is back" disarms it once the instance is
 * fenced and rebuilt. Cloud SQL's own monitoring connections (database
 * `cloudsqladmin`) are left out.
 */
export function splitBrainGuard(scope: Construct, id: string, o: { project: string; instanceName: string; engine: EngineFamily; notificationChannels: readonly string[] }): MonitoringAlertPolicy {
  const metric = CONNECTIONS_METRIC[o.engine];
  const filter = `${databaseFilter(metric, o.project, o.instanceName)}${o.engine === 'postgresql' ? ' AND metric.labels.database != "cloudsqladmin"' : ''}`;
  return new MonitoringAlertPolicy(scope, id, {
    project: o.project,
    displayName: `Split brain: ${o.instanceName} takes connections after a failover`,
    combiner: 'OR',
    severity: 'CRITICAL',
    enabled: false,
    userLabels: { [SPLIT_BRAIN_GUARD_LABEL]: o.instanceName },
    notificationChannels: [...o.notificationChannels],
    conditions: [{
      displayName: `${o.instanceName} has client connections`,
      conditionThreshold: {
        filter,
        comparison: 'COMPARISON_GT',
        thresholdValue: 0,
        duration: '60s',
        aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MAX' }],
      },
    }],
    documentation: {
      mimeType: 'text/markdown',
      content: `Armed by the failover workflow after an unplanned failover away from \`${o.project}:${o.instanceName}\`. This former primary has client connections again: whatever it accepts now is on neither side of the failover (split brain). Fence it at once: \`gcloud sql instances patch ${o.instanceName} --project=${o.project} --activation-policy=NEVER\`, then follow the runbook's "The lost region is back" (export what only it has, rebuild it as a replica), which also disarms this alert.`,
    },
    lifecycle: { ignoreChanges: ['enabled'] },
  });
}
