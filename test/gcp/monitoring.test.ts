import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, TerraformStack } from 'cdktf';
import { buildGcpExamples } from '../../examples/gcp/main';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { DeploymentMonitoring, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { errorOf, PROJECT, TfJson, warningsOf } from './helpers';

const CHANNEL = 'projects/example-project/notificationChannels/1234567890';

interface Tile { widget: { title?: string; text?: { content: string }; xyChart?: { dataSets: { timeSeriesQuery: { timeSeriesFilter: { filter: string } } }[]; thresholds?: { value: number; label: string }[] }; logsPanel?: { filter: string } } }

/** The tiles of a dashboard resource (its JSON is escaped for Terraform: `$${` stands for `${`). */
function tilesOf(dashboard: { dashboard_json: string }): Tile[] {
  return (JSON.parse(dashboard.dashboard_json.replace(/\$\$\{/g, '${')) as { mosaicLayout: { tiles: Tile[] } }).mosaicLayout.tiles;
}

const filters = (t: Tile) => (t.widget.xyChart?.dataSets ?? []).map((d) => d.timeSeriesQuery.timeSeriesFilter.filter);

describe('Google Cloud examples phases 2-5: a dashboard per deployment, every alert policy routed and documented', () => {
  let stacks: Record<string, TfJson>;
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-gcp-monitoring-'));
    const app = new App({ outdir });
    buildGcpExamples(app, readGcpExampleConfig({ GCP_NOTIFICATION_CHANNEL: CHANNEL }));
    stacks = {};
    for (const child of app.node.children) {
      if (child instanceof TerraformStack) stacks[child.node.id] = JSON.parse(Testing.synth(child, true)) as TfJson;
    }
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('one dashboard per deployment (per partition in phase 5), in the network stack; none in phase 1', () => {
    const dashboards = Object.entries(stacks).flatMap(([name, s]) => Object.keys(s.resource?.google_monitoring_dashboard ?? {}).map((id) => `${name} ${id}`));
    expect(dashboards.sort()).toEqual([
      // The application in each region's deployment (a phase-2 LadderDeployment).
      'gcp-connect-network Monitoring_Dashboard_DA10F213',
      'gcp-phase2-network Monitoring_Dashboard_DA10F213',
      'gcp-phase3-network Monitoring_Dashboard_DA10F213',
      'gcp-phase4-network Monitoring_Dashboard_DA10F213',
      'gcp-phase5-network Monitoring-eu_Dashboard_2411EB3E',
      'gcp-phase5-network Monitoring-us_Dashboard_3E79C7F0',
    ]);
  });

  test.each([2, 3, 4])('phase %d: replica lag per instance, CPU / memory / connections per instance', (phase) => {
    const tiles = tilesOf(Object.values(stacks[`gcp-phase${phase}-network`].resource.google_monitoring_dashboard)[0]);
    const byTitle = (start: string) => tiles.find((t) => t.widget.title?.startsWith(start))!;
    const db = (name: string) => `resource.type="cloudsql_database" AND resource.labels.database_id="example-project:${name}"`;
    const names = [`orders-p${phase}-europe-west1`, `orders-p${phase}`]; // by region: europe-west1, us-central1
    expect(filters(byTitle('Replica lag'))).toEqual(names.map((n) => `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND ${db(n)}`));
    expect(filters(byTitle('CPU utilization'))).toEqual(names.map((n) => `metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND ${db(n)}`));
    expect(filters(byTitle('Memory utilization'))).toEqual(names.map((n) => `metric.type="cloudsql.googleapis.com/database/memory/utilization" AND ${db(n)}`));
    expect(filters(byTitle('Connections'))).toEqual(names.map((n) => `metric.type="cloudsql.googleapis.com/database/postgresql/num_backends" AND ${db(n)}`));
    expect(byTitle('Replica lag').widget.xyChart!.thresholds).toEqual([{ value: 30, label: 'lag alert threshold', color: 'RED', direction: 'ABOVE' }]);
  });

  test.each([3, 4])('phase %d: the DNS health check\'s transitions and the failover workflow\'s executions', (phase) => {
    const tiles = tilesOf(Object.values(stacks[`gcp-phase${phase}-network`].resource.google_monitoring_dashboard)[0]);
    const hc = tiles.find((t) => t.widget.logsPanel)!;
    expect(hc.widget.logsPanel!.filter).toBe('logName="projects/example-project/logs/compute.googleapis.com%2Fhealthchecks"');
    const wf = tiles.find((t) => t.widget.title?.startsWith('Failover workflow'))!;
    expect(filters(wf)).toEqual([`metric.type="workflows.googleapis.com/finished_execution_count" AND resource.type="workflows.googleapis.com/Workflow" AND resource.labels.workflow_id="orders-p${phase}-failover"`]);
    // The health check logs its transitions (logging on).
    expect(Object.values(stacks[`gcp-phase${phase}-router`].resource.google_compute_health_check)[0]).toEqual(expect.objectContaining({ log_config: { enable: true } }));
  });

  test.each([2, 3, 4, 5])('phase %d: every alert policy notifies the channel and its documentation names the runbook section', (phase) => {
    const policies = Object.entries(stacks).filter(([name]) => name.startsWith(`gcp-phase${phase}-`))
      .flatMap(([name, s]) => Object.entries(s.resource?.google_monitoring_alert_policy ?? {}).map(([id, p]): Record<string, any> => ({ where: `${name} ${id}`, ...(p as Record<string, any>) })));
    expect(policies.length).toBeGreaterThanOrEqual(phase === 2 ? 5 : 6);
    for (const p of policies) {
      expect({ where: p.where, channels: p.notification_channels }).toEqual({ where: p.where, channels: [CHANNEL] });
      expect({ where: p.where, doc: p.documentation.content }).toEqual({
        where: p.where,
        doc: phase === 2 || p.where.startsWith('gcp-phase5-spanner ')
          ? expect.stringMatching(/\n\n\*\*Runbook:\*\* \[this alert explained\]\(https:\/\/\S+\/docs\/monitoring\.md#gcp-[a-z-]+\)$/)
          : expect.stringMatching(/\n\n\*\*Runbook:\*\* \[(Which procedure|Recovery objectives)\]\(runbooks\/orders-p\d(-[a-z]+)?-failover\.md#(which-procedure|recovery-objectives)\) · \[this alert explained\]\(https:\/\/\S+#gcp-[a-z-]+\)$/),
      });
    }
  });

  test('phases 3-5: an alert on a failed execution of each failover workflow', () => {
    const wf = Object.values(stacks['gcp-phase5-network'].resource.google_monitoring_alert_policy).map((p: any) => p.conditions[0].condition_threshold.filter).sort();
    expect(wf).toEqual(['eu', 'us'].map((p) => `resource.type = "workflows.googleapis.com/Workflow" AND resource.labels.workflow_id = "orders-p5-${p}-failover" AND metric.type = "workflows.googleapis.com/finished_execution_count" AND metric.labels.status = "FAILED"`));
  });
});

describe('DeploymentMonitoring (Google Cloud): bad input', () => {
  function deployment(channels?: string[]) {
    const app = Testing.app();
    const p = new TerraformStack(app, 'primary');
    const primary = new PrimaryRegion(p, 'Database', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], notificationChannels: channels });
    const replica = new ReadReplicaRegion(new TerraformStack(app, 'replica'), 'Database', { primary, region: 'europe-west1' });
    return { app, primary, replica, stack: new TerraformStack(app, 'monitoring') };
  }

  test('a notification channel id in the wrong format', () => {
    const d = deployment();
    expect(errorOf(() => new DeploymentMonitoring(d.stack, 'Monitoring', {
      primary: d.primary, replicas: [d.replica], notificationChannels: ['1234567890', `projects/${PROJECT}/notificationChannels/42`],
    }))).toBe(`DeploymentMonitoring 'monitoring/Monitoring': notificationChannels[0] '1234567890' is not a notification channel name; give the channel's full resource name, projects/${PROJECT}/notificationChannels/<numeric id> (gcloud beta monitoring channels list --format='value(name)')`);
  });

  test('a channel id that is not numeric, in the primary\'s channels (the default)', () => {
    const d = deployment([`projects/${PROJECT}/notificationChannels/oncall`]);
    expect(errorOf(() => new DeploymentMonitoring(d.stack, 'Monitoring', { primary: d.primary, replicas: [d.replica] })))
      .toMatch(/^DeploymentMonitoring 'monitoring\/Monitoring': notificationChannels\[0\] 'projects\/test-project\/notificationChannels\/oncall' is not a notification channel name; /);
  });

  test('no channel at all: a warning, and the alert policies keep none', () => {
    const d = deployment();
    const m = new DeploymentMonitoring(d.stack, 'Monitoring', { primary: d.primary, replicas: [d.replica] });
    expect(warningsOf(m)).toEqual([expect.stringContaining('notificationChannels is empty (and so are the primary\'s), so alerts only show in the console')]);
    const replica = JSON.parse(Testing.synth(TerraformStack.of(d.replica), true)) as TfJson;
    for (const p of Object.values(replica.resource.google_monitoring_alert_policy)) expect((p as any).notification_channels).toEqual([]);
  });
});
