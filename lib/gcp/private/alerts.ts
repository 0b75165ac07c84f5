import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';

/** Metric of the replication lag of a Cloud SQL replica, seconds. */
export const REPLICA_LAG_METRIC = 'cloudsql.googleapis.com/database/replication/replica_lag';
/** Metric that is 1 while a Cloud SQL instance is up. */
export const INSTANCE_UP_METRIC = 'cloudsql.googleapis.com/database/up';

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
