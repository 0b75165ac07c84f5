import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * CloudWatch dashboard quotas: up to 500 widgets per dashboard, up to 500
 * metrics per dashboard widget, up to 2,500 metrics per dashboard across all
 * widgets (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html,
 * "Dashboards"; the body itself: "an array of between 0 and 500 widget
 * objects", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 */
export const DASHBOARD_LIMITS = {
  widgetsPerDashboard: 500,
  metricsPerWidget: 500,
  metricsPerDashboard: 2500,
} as const;

/** Metrics (and metric-math expressions) a widget puts on the dashboard: the rows of its `metrics` array. */
export function widgetMetricCount(widget: cloudwatch.IWidget): number {
  let count = 0;
  for (const json of widget.toJson() as { properties?: { metrics?: unknown[] } }[]) {
    count += json.properties?.metrics?.length ?? 0;
  }
  return count;
}

/** A page of widgets that fits one dashboard. */
export interface DashboardPage {
  readonly widgets: cloudwatch.IWidget[];
  /** Widget objects in the body (a row or column counts its members). */
  count: number;
  metrics: number;
}

/**
 * Puts `widget` on the last page if it fits the per-dashboard quotas, on a new
 * page otherwise. Returns the index of the page it went to.
 */
export function placeWidget(pages: DashboardPage[], widget: cloudwatch.IWidget, metrics: number): number {
  const count = widget.toJson().length;
  const last = pages[pages.length - 1];
  if (last && last.count + count <= DASHBOARD_LIMITS.widgetsPerDashboard && last.metrics + metrics <= DASHBOARD_LIMITS.metricsPerDashboard) {
    last.widgets.push(widget);
    last.count += count;
    last.metrics += metrics;
    return pages.length - 1;
  }
  pages.push({ widgets: [widget], count, metrics });
  return pages.length - 1;
}
