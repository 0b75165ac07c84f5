import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { FailoverRunbook } from '../failover-runbook';
import type { GlobalRouter } from '../global-router';
import type { PrimaryRegion } from '../primary-region';
import type { ReadReplicaRegion } from '../read-replica-region';
import { auroraClusterMetric, AuroraClusterMetricName, writerRoleMetric } from './aurora-metrics';
import { globalLagMetric } from './metrics';

/** One database region of a monitored deployment. */
export interface MonitoredRegion {
  readonly region: string;
  readonly db: PrimaryRegion | ReadReplicaRegion;
  readonly lagThreshold: Duration;
  /** Replication lag into this region's cluster, in its region; undefined for a database that is not global. */
  readonly lagMetric?: cloudwatch.Metric;
}

export interface WidgetInput {
  readonly deployment: string;
  readonly regions: readonly MonitoredRegion[];
  readonly router?: GlobalRouter;
  readonly runbook?: FailoverRunbook;
  readonly runbookUrl?: string;
  readonly docsUrl: string;
  readonly rpoSeconds?: number;
  readonly dashboardRegion: string;
}

const ROUTE53_METRICS_REGION = 'us-east-1';
const WIDE = 24;

function graph(title: string, metrics: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6, ...extra });
}

function perRegion(regions: readonly MonitoredRegion[], name: AuroraClusterMetricName, label: (r: string) => string): cloudwatch.Metric[] {
  return regions.map((r) => auroraClusterMetric(name, r.db.clusterIdentifier, r.region, { label: label(r.region) }));
}

/**
 * The widgets of the deployment dashboard, row by row. Every metric names its
 * region: a CloudWatch dashboard shows metrics of any Region
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_xaxr_dashboard.html).
 */
export function deploymentWidgets(i: WidgetInput): cloudwatch.IWidget[] {
  const rows: cloudwatch.IWidget[] = [];
  const global = i.regions.length > 1 || i.regions[0]?.lagMetric !== undefined;
  rows.push(new cloudwatch.Row(new cloudwatch.TextWidget({ width: WIDE, height: 4, markdown: header(i) })));

  // Which region writes now: the writer-role signal has data only there.
  rows.push(new cloudwatch.Row(
    new cloudwatch.SingleValueWidget({
      title: 'Writer now: the region with data points (CPUUtilization Role=WRITER, sample count per 5 min)',
      metrics: i.regions.map((r) => writerRoleMetric(r.db.clusterIdentifier, r.region, { period: Duration.minutes(5) })),
      width: WIDE, height: 4,
    }),
  ));

  if (global) {
    const rpoLine = i.rpoSeconds !== undefined
      ? [{ value: i.rpoSeconds * 1000, label: `declared RPO ${i.rpoSeconds} s`, color: '#d62728' }]
      : [];
    rows.push(new cloudwatch.Row(
      graph('AuroraGlobalDBReplicationLag into each secondary (ms)',
        i.regions.map((r) => globalLagMetric('AuroraGlobalDBReplicationLag', r.db.clusterIdentifier, r.region, {})
          .with({ label: `into ${r.region}` })),
        { leftAnnotations: [{ value: Math.min(...i.regions.map((r) => r.lagThreshold.toMilliseconds())), label: 'lag alarm threshold', color: '#ff7f0e' }] }),
      graph('AuroraGlobalDBRPOLag per secondary (ms): data a failover there would lose',
        i.regions.map((r) => globalLagMetric('AuroraGlobalDBRPOLag', r.db.clusterIdentifier, r.region, {}).with({ label: `${r.region}` })),
        { leftAnnotations: rpoLine }),
      graph('Replicated write I/O and data transfer into each secondary',
        perRegion(i.regions, 'AuroraGlobalDBReplicatedWriteIO', (r) => `write I/O into ${r}`),
        { right: perRegion(i.regions, 'AuroraGlobalDBDataTransferBytes', (r) => `bytes into ${r}`) }),
    ));
  }

  rows.push(new cloudwatch.Row(
    graph('CPU per region (%)', perRegion(i.regions, 'CPUUtilization', (r) => r)),
    graph('Database connections per region', perRegion(i.regions, 'DatabaseConnections', (r) => r)),
    graph('Commit latency per region (ms)', perRegion(i.regions, 'CommitLatency', (r) => r)),
  ));

  const router = i.router;
  if (router && Object.keys(router.healthChecks).length > 0) {
    // Route 53 publishes HealthCheckStatus (1 healthy, 0 unhealthy) in us-east-1 only.
    const status = Object.entries(router.healthChecks).map(([region, check]) => new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: check.healthCheckId },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
      region: ROUTE53_METRICS_REGION,
      label: `${region} (${router.endpointHostnames[region]})`,
    }));
    rows.push(new cloudwatch.Row(graph('Route 53 health check per endpoint (1 healthy, 0 failing)', status,
      { width: WIDE, leftYAxis: { min: 0, max: 1 } })));
  }

  const runbook = i.runbook;
  if (runbook && runbook.engine === 'stepfunctions') {
    rows.push(new cloudwatch.Row(...Object.entries(runbook.regional).map(([region, e]) => {
      const names = [e.switchoverName, e.failoverName, ...(e.drillName ? [e.drillName] : [])];
      const metrics = names.flatMap((name) => (['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed'] as const).map((m) => new cloudwatch.Metric({
        namespace: 'AWS/States',
        metricName: m,
        dimensionsMap: { StateMachineArn: `arn:${Aws.PARTITION}:states:${region}:${Aws.ACCOUNT_ID}:stateMachine:${name}` },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
        region,
        label: `${name.slice(i.deployment.length + 1) || name} ${m.replace('Executions', '').toLowerCase()}`,
      })));
      return graph(`Runbook executions run from ${region} (Step Functions)`, metrics, { width: Math.max(6, Math.floor(WIDE / Object.keys(runbook.regional).length)) });
    })));
  }

  const edge = router?.graphql;
  if (edge) {
    // CloudFront publishes distribution metrics in us-east-1 with Region=Global;
    // OriginLatency needs the distribution's additional metrics turned on.
    const cf = (metricName: string, statistic: string, label: string) => new cloudwatch.Metric({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensionsMap: { DistributionId: edge.distribution.distributionId, Region: 'Global' },
      statistic, period: Duration.minutes(1), region: 'us-east-1', label,
    });
    rows.push(new cloudwatch.Row(
      graph('Edge router: requests', [cf('Requests', cloudwatch.Stats.SUM, 'requests')]),
      graph('Edge router: error rates (%)', [cf('4xxErrorRate', cloudwatch.Stats.AVERAGE, '4xx'), cf('5xxErrorRate', cloudwatch.Stats.AVERAGE, '5xx')]),
      graph('Edge router: origin latency (ms, p90; needs CloudFront additional metrics)', [cf('OriginLatency', cloudwatch.Stats.p(90), 'origin latency p90')]),
    ));
  }
  return rows;
}

function header(i: WidgetInput): string {
  const lines = [
    `# ${i.deployment}: multi-region overview`,
    `Regions: ${i.regions.map((r) => r.region).join(', ')} (the writer is the region with a value under "Writer now"). Each alarm names the runbook section to open; "region R degraded" alarms summarise a region.`,
  ];
  const links = [`[What each alarm means](${i.docsUrl})`];
  if (i.runbook && i.runbookUrl) links.unshift(`[Failover runbook](${i.runbookUrl}) (generated)`);
  if (i.runbook?.plan) links.push(`Region switch plan: \`${i.runbook.plan.name}\` (ARC console, Region switch; runbook section "Which procedure")`);
  if (i.runbook?.engine === 'stepfunctions') {
    const machines = Object.entries(i.runbook.regional).map(([region, e]) => `\`${e.failoverName}\` / \`${e.switchoverName}\` in ${region}`);
    links.push(`Step Functions: ${machines.join('; ')}`);
  }
  lines.push(links.join(' · '));
  return lines.join('\n\n');
}

