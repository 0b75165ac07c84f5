import { Annotations, Aspects, IAspect, TerraformStack } from 'cdktf';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { Construct, IConstruct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../core';
import { FailoverRunbook } from './failover-runbook';
import { GlobalRouter } from './global-router';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { deploymentDashboard, WORKFLOW_FINISHED_METRIC } from './private/dashboard-json';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { escapeForTerraform } from './private/workflow-parts';
import { useGoogleProvider } from './provider';

/** Properties of {@link DeploymentMonitoring}. */
export interface DeploymentMonitoringProps {
  /** The primary region's database. */
  readonly primary: PrimaryRegion;
  /**
   * The replicas.
   * @default [] (a single region)
   */
  readonly replicas?: readonly ReadReplicaRegion[];
  /**
   * The DNS router: its health check's transitions on the dashboard (health-check logging is turned on).
   * @default - no routing tile
   */
  readonly router?: GlobalRouter;
  /**
   * The failover runbook: its workflow's executions on the dashboard, an alert
   * on a failed execution, and the runbook file the alert documentation links.
   * @default - no workflow tile; documentation links point to docs/monitoring.md
   */
  readonly runbook?: FailoverRunbook;
  /**
   * Notification channels every alert policy of the deployment notifies
   * (added to the channels a policy already has), as
   * `projects/<project>/notificationChannels/<numeric id>`. Empty is
   * allowed (with a warning): alerts then only show in the console.
   * @default the primary's notificationChannels
   */
  readonly notificationChannels?: readonly string[];
  /**
   * Where the on-call engineer opens the generated runbook; documentation links append `#<section>`.
   * @default `runbooks/<runbook file>` (as written next to the synthesized stacks)
   */
  readonly runbookUrl?: string;
  /**
   * Where docs/monitoring.md of this library is read.
   * @default 'https://github.com/multiregion-constructs/multiregion-constructs/blob/main/docs/monitoring.md'
   */
  readonly docsUrl?: string;
  /**
   * Display name of the dashboard.
   * @default `<primary instance name>: multi-region overview`
   */
  readonly dashboardName?: string;
  /**
   * Region of the `google` provider this construct creates when its stack has none.
   * @default the primary's region (pass a region that does not change with the roles, e.g. the first primary's)
   */
  readonly providerRegion?: string;
  /**
   * More stacks whose alert policies are routed and documented, besides
   * those of primary, replicas, router, runbook and this construct (e.g. a
   * Spanner database's stack); their documentation links docs/monitoring.md,
   * not this deployment's runbook.
   * @default []
   */
  readonly additionalStacks?: readonly TerraformStack[];
}

const DEFAULT_DOCS = 'https://github.com/multiregion-constructs/multiregion-constructs/blob/main/docs/monitoring.md';
/**
 * A notification channel's resource name: `projects/[PROJECT_ID_OR_NUMBER]/notificationChannels/[CHANNEL_ID]`
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.notificationChannels), the channel id a number.
 */
const CHANNEL = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9]|\d+)\/notificationChannels\/\d+$/;

/** Sections of the generated runbook (lib/core/runbook.ts) and anchors of docs/monitoring.md, by alert kind. */
function guideFor(displayName: string): { section: string; anchor: string } {
  if (/lag above/i.test(displayName)) return { section: 'Recovery objectives', anchor: 'gcp-replica-lag' };
  if (/is down/i.test(displayName)) return { section: 'Which procedure', anchor: 'gcp-instance-down' };
  if (/split brain/i.test(displayName)) return { section: 'Which procedure', anchor: 'gcp-split-brain' };
  if (/workflow/i.test(displayName)) return { section: 'Which procedure', anchor: 'gcp-workflow-failed' };
  if (/^Spanner .*CPU/i.test(displayName)) return { section: 'Which procedure', anchor: 'gcp-spanner-cpu' };
  if (/^Spanner .*commit latency/i.test(displayName)) return { section: 'Which procedure', anchor: 'gcp-spanner-commit-latency' };
  return { section: 'Which procedure', anchor: 'gcp-other-alerts' };
}

function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/**
 * Adds the channels to every alert policy and appends, to its documentation,
 * the runbook section to open. An aspect, so policies created after this
 * construct are covered too.
 */
class RouteAlertPolicies implements IAspect {
  private readonly done = new WeakSet<IConstruct>();
  constructor(private readonly channels: readonly string[], private readonly runbookUrl: string | undefined, private readonly docsUrl: string) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof MonitoringAlertPolicy) || this.done.has(node)) return;
    this.done.add(node);
    const current = node.notificationChannelsInput ?? [];
    node.notificationChannels = [...new Set([...current, ...this.channels])];
    const name = typeof node.displayNameInput === 'string' ? node.displayNameInput : '';
    const g = guideFor(name);
    const where = this.runbookUrl
      ? `\n\n**Runbook:** [${g.section}](${this.runbookUrl}#${anchorOf(g.section)}) · [this alert explained](${this.docsUrl}#${g.anchor})`
      : `\n\n**Runbook:** [this alert explained](${this.docsUrl}#${g.anchor})`;
    const content = node.documentation.contentInput;
    node.putDocumentation({ mimeType: 'text/markdown', content: `${content ?? `Alert of the multi-region deployment: ${name}.`}${where}` });
  }
}

/**
 * One screen and routed alerts for a multi-region deployment on Google
 * Cloud: a `google_monitoring_dashboard` (replica lag per replica against the
 * lag threshold and the declared RPO, CPU / memory / connections per
 * instance, the DNS health check's transitions, the failover workflow's
 * executions), an alert on a failed workflow execution, and every alert
 * policy of the deployment's stacks sent to the notification channels with
 * a documentation link to the runbook section.
 *
 * Uses plain names only (instances, workflow, health check), so it can live
 * in any stack of the deployment — a stack whose role does not change (the
 * network's) keeps it in place through a switchover.
 */
export class DeploymentMonitoring extends Construct {
  /**
   * Routes every alert policy of `stack` (another database's, e.g. a Spanner
   * ledger with no failover runbook) to `notificationChannels`, appending the
   * link that explains each alert; what DeploymentMonitoring does for
   * `additionalStacks`.
   */
  public static routeAlerts(stack: TerraformStack, options: { readonly notificationChannels?: readonly string[]; readonly docsUrl?: string } = {}): void {
    Aspects.of(stack).add(new RouteAlertPolicies(options.notificationChannels ?? [], undefined, options.docsUrl ?? DEFAULT_DOCS));
  }

  /** The dashboard. */
  public readonly dashboard: MonitoringDashboard;
  /** Alert on a failed execution of the failover workflow (with a runbook). */
  public readonly workflowFailedAlert?: MonitoringAlertPolicy;
  /** The channels every alert policy notifies. */
  public readonly notificationChannels: readonly string[];

  constructor(scope: Construct, id: string, props: DeploymentMonitoringProps) {
    super(scope, id);
    const primary = props.primary;
    const replicas = props.replicas ?? [];
    const channels = [...(props.notificationChannels ?? primary.notificationChannels)];
    const problems: ConfigProblem[] = [];
    channels.forEach((c, i) => {
      if (typeof c !== 'string' || !CHANNEL.test(c)) {
        problems.push({
          property: `notificationChannels[${i}]`,
          message: `notificationChannels[${i}] ${show(c)} is not a notification channel name`,
          fix: `give the channel's full resource name, projects/${primary.project}/notificationChannels/<numeric id> (gcloud beta monitoring channels list --format='value(name)')`,
        });
      }
    });
    throwIfProblems({ construct: 'DeploymentMonitoring', path: this.node.path }, problems);
    if (channels.length === 0) {
      // Not an error: a channel that does not exist fails the apply, and a
      // first deployment may come before the on-call channel does.
      Annotations.of(this).addWarning(`DeploymentMonitoring '${this.node.path}': notificationChannels is empty (and so are the primary's), so alerts only show in the console; `
        + `give projects/${primary.project}/notificationChannels/<numeric id> of an existing channel`);
    }
    this.notificationChannels = channels;
    useGoogleProvider(this, { project: primary.project, region: props.providerRegion ?? primary.region });

    const runbook = props.runbook;
    const runbookUrl = runbook ? (props.runbookUrl ?? `runbooks/${runbook.runbookFileName}`) : undefined;
    const docsUrl = props.docsUrl ?? DEFAULT_DOCS;
    if (props.router?.healthCheck) {
      // Transitions are logged only with logging on (stateless, in place).
      props.router.healthCheck.putLogConfig({ enable: true });
    }
    if (runbook) {
      this.workflowFailedAlert = new MonitoringAlertPolicy(this, 'WorkflowFailed', {
        project: primary.project,
        displayName: `Failover workflow ${runbook.workflowName} execution failed`,
        combiner: 'OR',
        severity: 'CRITICAL',
        notificationChannels: channels,
        conditions: [{
          displayName: `${runbook.workflowName} finished with status FAILED`,
          conditionThreshold: {
            filter: `resource.type = "workflows.googleapis.com/Workflow" AND resource.labels.workflow_id = "${runbook.workflowName}" AND metric.type = "${WORKFLOW_FINISHED_METRIC}" AND metric.labels.status = "FAILED"`,
            comparison: 'COMPARISON_GT',
            thresholdValue: 0,
            duration: '0s',
            aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_SUM' }],
          },
        }],
        documentation: {
          mimeType: 'text/markdown',
          content: `An execution of the failover workflow \`${runbook.workflowName}\` failed: the switchover or failover it ran did not complete. Read the execution's error in the Workflows console before running it again.`,
        },
      });
    }

    const instances = [
      { region: primary.region, instanceName: primary.instanceName },
      ...replicas.map((r) => ({ region: r.region, instanceName: r.instanceName })),
    ];
    const title = props.dashboardName ?? `${[primary, ...replicas].map((x) => x.instanceName).sort()[0]}: multi-region overview`;
    const body = deploymentDashboard({
      title,
      project: primary.project,
      engine: primary.engine,
      instances,
      lagThresholdSeconds: replicas.length > 0 ? Math.min(...replicas.map((r) => r.replicationLagAlarmThresholdSeconds)) : undefined,
      rpoSeconds: primary.topology.recoveryObjectives?.rpoSeconds,
      healthCheckName: props.router?.healthCheckName,
      workflowName: runbook?.workflowName,
      runbookUrl,
      docsUrl,
    });
    this.dashboard = new MonitoringDashboard(this, 'Dashboard', {
      project: primary.project,
      dashboardJson: escapeForTerraform(JSON.stringify(body)),
    });

    // A fresh project has the Monitoring API off: enable it before the dashboard and the alert.
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.monitoring]));

    const stacks = new Set<TerraformStack>([
      TerraformStack.of(this), TerraformStack.of(primary), ...replicas.map((r) => TerraformStack.of(r)),
      ...(props.router ? [TerraformStack.of(props.router)] : []), ...(runbook ? [TerraformStack.of(runbook)] : []),
    ]);
    const route = new RouteAlertPolicies(channels, runbookUrl, docsUrl);
    for (const s of stacks) Aspects.of(s).add(route);
    // Another database's stacks (a Spanner ledger): routed, but this runbook is not theirs.
    const others = (props.additionalStacks ?? []).filter((s) => !stacks.has(s));
    const routeOthers = new RouteAlertPolicies(channels, undefined, docsUrl);
    for (const s of others) Aspects.of(s).add(routeOthers);
  }
}
