import { CONNECTIONS_METRIC, REPLICA_LAG_METRIC } from './alerts';
import { EngineFamily } from '../../core';

/** Cloud SQL metrics on the dashboard (https://cloud.google.com/sql/docs/postgres/admin-api/metrics). */
export const CPU_METRIC = 'cloudsql.googleapis.com/database/cpu/utilization';
export const MEMORY_METRIC = 'cloudsql.googleapis.com/database/memory/utilization';
/** Workflows executions by status (resource workflows.googleapis.com/Workflow, label workflow_id; https://cloud.google.com/workflows/docs/monitor). */
export const WORKFLOW_FINISHED_METRIC = 'workflows.googleapis.com/finished_execution_count';
/** Health checks log each endpoint's health transition under this log, when their logging is on (https://cloud.google.com/load-balancing/docs/health-check-logging). */
export const HEALTH_CHECK_LOG = 'compute.googleapis.com%2Fhealthchecks';

export interface DashboardInstance {
  readonly region: string;
  readonly instanceName: string;
}

export interface DashboardInput {
  readonly title: string;
  readonly project: string;
  readonly engine: EngineFamily;
  readonly instances: readonly DashboardInstance[];
  readonly lagThresholdSeconds?: number;
  readonly rpoSeconds?: number;
  readonly healthCheckName?: string;
  readonly workflowName?: string;
  readonly runbookUrl?: string;
  readonly docsUrl: string;
}

/** One tile of a mosaic layout (12 columns wide). */
interface Tile { xPos: number; yPos: number; width: number; height: number; widget: Record<string, unknown> }

function sqlFilter(metric: string, project: string, instanceName: string): string {
  return `metric.type="${metric}" AND resource.type="cloudsql_database" AND resource.labels.database_id="${project}:${instanceName}"`;
}

function series(filter: string, aligner: string, legend: string, reducer?: string): Record<string, unknown> {
  return {
    timeSeriesQuery: {
      timeSeriesFilter: {
        filter,
        aggregation: { alignmentPeriod: '60s', perSeriesAligner: aligner, ...(reducer ? { crossSeriesReducer: reducer } : {}) },
      },
    },
    plotType: 'LINE',
    legendTemplate: legend,
  };
}

function chart(title: string, dataSets: Record<string, unknown>[], thresholds: { value: number; label: string }[] = []): Record<string, unknown> {
  return {
    title,
    xyChart: {
      dataSets,
      ...(thresholds.length > 0 ? { thresholds: thresholds.map((t) => ({ value: t.value, label: t.label, color: 'RED', direction: 'ABOVE' })) } : {}),
    },
  };
}

/**
 * The deployment's dashboard as the JSON `google_monitoring_dashboard` takes
 * (`dashboard_json`, the Dashboard resource of the Monitoring API): a mosaic
 * of tiles, row by row.
 */
export function deploymentDashboard(i: DashboardInput): Record<string, unknown> {
  const tiles: Tile[] = [];
  // By region, not by role: a switchover leaves the dashboard as it is.
  const instances = [...i.instances].sort((a, b) => a.region.localeCompare(b.region));
  let y = 0;
  const row = (widgets: Record<string, unknown>[], height = 4) => {
    const width = Math.floor(12 / widgets.length);
    widgets.forEach((widget, k) => tiles.push({ xPos: k * width, yPos: y, width, height, widget }));
    y += height;
  };
  const links = [
    ...(i.runbookUrl ? [`[Failover runbook](${i.runbookUrl}) (generated)`] : []),
    `[What each alert means](${i.docsUrl})`,
  ];
  row([{
    title: i.title,
    text: {
      format: 'MARKDOWN',
      content: [
        `Instances: ${instances.map((x) => `\`${x.instanceName}\` (${x.region})`).join(', ')}.`,
        'The primary reports no replica lag: the instance missing under "Replica lag" is the writer (or a broken replica: its lag alert says so).',
        links.join(' · '),
      ].join('\n\n'),
    },
  }], 2);

  const replicas = instances;
  const thresholds = [
    ...(i.lagThresholdSeconds !== undefined ? [{ value: i.lagThresholdSeconds, label: 'lag alert threshold' }] : []),
    ...(i.rpoSeconds !== undefined ? [{ value: i.rpoSeconds, label: `declared RPO ${i.rpoSeconds} s` }] : []),
  ];
  row([chart('Replica lag per replica (s)',
    replicas.map((x) => series(sqlFilter(REPLICA_LAG_METRIC, i.project, x.instanceName), 'ALIGN_MAX', `${x.instanceName} (${x.region})`)),
    thresholds)]);
  const perInstance = (metric: string, aligner: string, reducer?: string) => instances.map((x) =>
    series(sqlFilter(metric, i.project, x.instanceName), aligner, `${x.instanceName} (${x.region})`, reducer));
  row([
    chart('CPU utilization per instance', perInstance(CPU_METRIC, 'ALIGN_MEAN')),
    chart('Memory utilization per instance', perInstance(MEMORY_METRIC, 'ALIGN_MEAN')),
    chart('Connections per instance', perInstance(CONNECTIONS_METRIC[i.engine], 'ALIGN_MEAN', 'REDUCE_SUM')),
  ]);

  const last: Record<string, unknown>[] = [];
  if (i.healthCheckName) {
    last.push({
      title: `DNS health check ${i.healthCheckName}: endpoint health transitions (health-check logs of the project)`,
      logsPanel: {
        filter: `logName="projects/${i.project}/logs/${HEALTH_CHECK_LOG}"`,
        resourceNames: [`projects/${i.project}`],
      },
    });
  }
  if (i.workflowName) {
    last.push(chart(`Failover workflow ${i.workflowName}: finished executions by status`, [{
      ...series(`metric.type="${WORKFLOW_FINISHED_METRIC}" AND resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="${i.workflowName}"`,
        'ALIGN_SUM', '${metric.labels.status} (${resource.labels.location})'),
      plotType: 'STACKED_BAR',
    }]));
  }
  if (last.length > 0) row(last);
  return { displayName: i.title, mosaicLayout: { columns: 12, tiles } };
}
