/**
 * The alerts of an active-active Spanner database: high-priority CPU of the
 * leader region, and commit latency.
 */
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';

/**
 * CPU utilization by priority, a fraction of the instance's CPU
 * (https://cloud.google.com/spanner/docs/cpu-utilization: "CPU utilization by
 * priority … Use this metric to create alerts").
 */
export const SPANNER_CPU_METRIC = 'spanner.googleapis.com/instance/cpu/utilization_by_priority';
/** Server-side latency of API requests, a distribution in seconds, by method (`Commit`) and database. */
export const SPANNER_LATENCY_METRIC = 'spanner.googleapis.com/api/request_latencies';

/**
 * Recommended maximum high-priority CPU per region of a dual-region or
 * multi-region instance: 45% ("These numbers are to ensure that your instance
 * has enough compute capacity to continue to serve your traffic in the event
 * of the loss of … an entire region"; single region: 65%).
 * https://cloud.google.com/spanner/docs/cpu-utilization#recommended-max
 */
export const SPANNER_MULTI_REGION_MAX_HIGH_PRIORITY_CPU_PERCENT = 45;

interface SpannerAlertOptions {
  readonly project: string;
  readonly instanceName: string;
  readonly notificationChannels: readonly string[];
}

/** Alert when the high-priority CPU of the leader region stays above `thresholdPercent` for 10 minutes. */
export function leaderCpuAlert(scope: Construct, id: string, o: SpannerAlertOptions & { readonly leaderRegion: string; readonly thresholdPercent: number }): MonitoringAlertPolicy {
  return new MonitoringAlertPolicy(scope, id, {
    project: o.project,
    displayName: `Spanner ${o.instanceName}: high-priority CPU in leader region ${o.leaderRegion} above ${o.thresholdPercent}%`,
    combiner: 'OR',
    severity: 'WARNING',
    notificationChannels: [...o.notificationChannels],
    conditions: [{
      displayName: `${o.instanceName} ${o.leaderRegion} high-priority CPU > ${o.thresholdPercent}%`,
      conditionThreshold: {
        filter: `resource.type = "spanner_instance" AND resource.labels.instance_id = "${o.instanceName}" AND resource.labels.location = "${o.leaderRegion}" AND metric.type = "${SPANNER_CPU_METRIC}" AND metric.labels.priority = "high"`,
        comparison: 'COMPARISON_GT',
        // The metric is a fraction (1.0 = 100%).
        thresholdValue: o.thresholdPercent / 100,
        duration: '600s',
        aggregations: [{
          alignmentPeriod: '60s',
          perSeriesAligner: 'ALIGN_MEAN',
          // User and system high-priority work, every database: the region's total.
          crossSeriesReducer: 'REDUCE_SUM',
          groupByFields: ['resource.label.location'],
        }],
      },
    }],
    documentation: {
      mimeType: 'text/markdown',
      content: `High-priority CPU of \`${o.instanceName}\` in its leader region ${o.leaderRegion} is above ${o.thresholdPercent}% for 10 minutes. Google recommends at most 45% per region for dual-region and multi-region instances, so that the other read-write region can take the leader's work if ${o.leaderRegion} is lost (https://cloud.google.com/spanner/docs/cpu-utilization). Add compute capacity (processingUnits or the autoscaler's maximum), or find the hot queries and commits in Query insights.`,
    },
  });
}

/** Alert when the 99th percentile of commit latency stays above `thresholdMs` for 10 minutes. */
export function commitLatencyAlert(scope: Construct, id: string, o: SpannerAlertOptions & { readonly databaseName: string; readonly thresholdMs: number; readonly leaderRegion: string }): MonitoringAlertPolicy {
  return new MonitoringAlertPolicy(scope, id, {
    project: o.project,
    displayName: `Spanner ${o.instanceName}/${o.databaseName}: p99 commit latency above ${o.thresholdMs} ms`,
    combiner: 'OR',
    severity: 'WARNING',
    notificationChannels: [...o.notificationChannels],
    conditions: [{
      displayName: `${o.databaseName} p99 Commit latency > ${o.thresholdMs} ms`,
      conditionThreshold: {
        filter: `resource.type = "spanner_instance" AND resource.labels.instance_id = "${o.instanceName}" AND metric.type = "${SPANNER_LATENCY_METRIC}" AND metric.labels.method = "Commit" AND metric.labels.database = "${o.databaseName}"`,
        comparison: 'COMPARISON_GT',
        // The metric is in seconds.
        thresholdValue: o.thresholdMs / 1000,
        duration: '600s',
        aggregations: [{
          alignmentPeriod: '60s',
          perSeriesAligner: 'ALIGN_DELTA',
          crossSeriesReducer: 'REDUCE_PERCENTILE_99',
          groupByFields: ['metric.label.database'],
        }],
      },
    }],
    documentation: {
      mimeType: 'text/markdown',
      content: `The 99th percentile of commit latency of \`${o.instanceName}/${o.databaseName}\` is above ${o.thresholdMs} ms for 10 minutes. A commit waits for a quorum of the configuration's voting regions and is led from ${o.leaderRegion}: check the leader distribution (instance/leader_percentage_by_region: did leadership move out of ${o.leaderRegion}?), lock contention (aborted transactions) and CPU.`,
    },
  });
}
