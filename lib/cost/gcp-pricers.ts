/**
 * Google Cloud, from the Terraform JSON: Cloud SQL vCPU and memory by
 * edition and Region (regional HA doubles them, and the disk), SSD storage,
 * backups, cross-region replicas and their inter-region egress, Cloud DNS
 * zones and queries, Workflows steps, and Cloud Monitoring alerting
 * ($1.50 per condition and $0.35 per million time series returned:
 * https://cloud.google.com/monitoring/alerts/cost-control); Cloud Spanner
 * compute per node-hour and storage per GB-month of its instance
 * configuration (`spanner.<edition>.nodeHour`, `spanner.storage` under the
 * configuration's name, e.g. `eur3`, not a region).
 */
import { Pricer, PricerContext, PricerSet } from './pricing';

/** vCPUs and memory of a Cloud SQL tier, or undefined for a tier the estimator cannot size. */
export function sqlMachine(tier: string): { vcpu: number; memoryGb: number } | undefined {
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (custom) return { vcpu: Number(custom[1]), memoryGb: Number(custom[2]) / 1024 };
  // Enterprise Plus performance-optimized N2 shapes: 8 GB of memory per vCPU (db-perf-optimized-N-2 = 2 vCPU, 16 GB).
  const perf = /^db-perf-optimized-N-(\d+)$/.exec(tier);
  if (perf) return { vcpu: Number(perf[1]), memoryGb: Number(perf[1]) * 8 };
  const n1 = /^db-n1-(standard|highmem)-(\d+)$/.exec(tier);
  if (n1) return { vcpu: Number(n1[2]), memoryGb: Number(n1[2]) * (n1[1] === 'standard' ? 3.75 : 6.5) };
  return undefined;
}

const continent = (region: string) => (/^(us|northamerica|southamerica)-/.test(region) ? 'americas' : region.split('-')[0]);

/** The instance a replica replicates from, by name, anywhere in the outputs read. */
function masterRegion(ctx: PricerContext, name: string): string | undefined {
  for (const s of ctx.allStacks) {
    for (const r of s.resources) {
      if (r.type === 'google_sql_database_instance' && r.props.name === name) return String(r.props.region ?? s.region);
    }
  }
  return undefined;
}

const sqlInstance: Pricer = (ctx) => {
  const p = ctx.resource.props;
  const settings = (p.settings ?? {}) as Record<string, unknown>;
  const tier = String(settings.tier ?? '');
  const edition = settings.edition === 'ENTERPRISE_PLUS' ? 'enterprisePlus' : 'enterprise';
  const editionName = edition === 'enterprisePlus' ? 'Enterprise Plus' : 'Enterprise';
  const ha = settings.availability_type === 'REGIONAL';
  const haFactor = ha ? ctx.factor('cloudsql.haFactor') ?? 2 : undefined;
  const suffix = ha ? ', HA' : '';
  const machine = sqlMachine(tier);
  const hours = ctx.hoursPerMonth;
  if (!machine) {
    ctx.notPriced('unknown', `Cloud SQL machine type ${tier || '(none)'} is not in the price table (shared-core and unknown tiers are not priced)`);
  } else {
    ctx.charge({
      key: `cloudsql.${edition}.vcpu`, item: `Cloud SQL ${editionName} vCPU${suffix}`, quantity: machine.vcpu * hours, factor: haFactor,
      note: `${tier}: ${machine.vcpu} vCPU × ${hours} h${ha ? ' × 2 (HA)' : ''}`,
      missing: `Cloud SQL ${editionName} vCPU (${tier}) has no price for ${ctx.region}`,
    });
    ctx.charge({
      key: `cloudsql.${edition}.memory`, item: `Cloud SQL ${editionName} memory${suffix}`, quantity: machine.memoryGb * hours, factor: haFactor,
      note: `${tier}: ${machine.memoryGb} GB × ${hours} h${ha ? ' × 2 (HA)' : ''}`,
      missing: `Cloud SQL ${editionName} memory (${tier}) has no price for ${ctx.region}`,
    });
  }
  const stack = ctx.stack.name;
  const data = ctx.usage.num('database.storageGb', stack);
  const changed = ctx.usage.num('database.changedGbPerMonth', stack);
  const disk = Math.max(Number(settings.disk_size ?? 10), data.value);
  if ((settings.disk_type ?? 'PD_SSD') === 'PD_SSD') {
    ctx.charge({
      key: 'cloudsql.storage.ssd', item: `Cloud SQL SSD storage${suffix}`, quantity: disk, factor: haFactor, assumed: [data.assumed],
      note: `the larger of disk_size (${Number(settings.disk_size ?? 10)} GB) and the data (${data.value} GB)`,
    });
  } else {
    ctx.notPriced('unknown', `Cloud SQL disk type ${String(settings.disk_type)} is not in the price table`);
  }
  const backup = (settings.backup_configuration ?? {}) as Record<string, unknown>;
  if (backup.enabled === true) {
    const retained = Number((backup.backup_retention_settings as { retained_backups?: number } | undefined)?.retained_backups ?? 7);
    ctx.charge({
      key: 'cloudsql.backup', item: 'Cloud SQL backups', quantity: data.value + (changed.value / 30) * retained, assumed: [data.assumed, changed.assumed],
      note: `one full copy and ${retained} daily increments`,
    });
  }
  if (typeof p.master_instance_name === 'string') {
    const from = masterRegion(ctx, p.master_instance_name);
    const here = String(p.region ?? ctx.region);
    if (from === undefined) {
      ctx.notPriced('unknown', `replication egress from ${p.master_instance_name}: the primary is not in the outputs read`);
    } else if (from !== here) {
      const same = continent(from) === continent(here);
      ctx.charge({
        key: same ? 'network.interRegion.sameContinent' : 'network.interRegion.interContinent',
        item: `Cloud SQL replication egress (${same ? 'same continent' : 'between continents'})`, quantity: changed.value,
        assumed: [changed.assumed], note: `${from} → ${here}`,
      });
    }
  }
};

const alertPolicy: Pricer = (ctx) => {
  const conditions = ((ctx.resource.props.conditions ?? []) as unknown[]).length || 1;
  const series = ctx.usage.num('alerts.timeSeriesPerMonth', ctx.stack.name);
  ctx.charge({ key: 'monitoring.alertCondition', item: 'Cloud Monitoring alert condition', quantity: conditions });
  ctx.charge({
    key: 'monitoring.timeSeriesReturned', item: 'Cloud Monitoring alert time series returned', quantity: (conditions * series.value) / 1e6,
    assumed: [series.assumed],
  });
};

const workflow: Pricer = (ctx) => {
  const runs = ctx.usage.num('runbook.executionsPerMonth', ctx.stack.name);
  const steps = ctx.usage.num('runbook.stepsPerExecution', ctx.stack.name);
  ctx.charge({
    key: 'workflows.internalStep', item: 'Workflows internal steps', quantity: (runs.value * steps.value) / 1000,
    assumed: [runs.assumed, steps.assumed], note: `${runs.value} executions × ${steps.value} steps (calls to Google APIs are internal steps)`,
  });
};

const recordSet: Pricer = (ctx) => {
  const q = ctx.usage.num('dns.queriesPerMonthMillions', ctx.stack.name);
  const policy = (ctx.resource.props.routing_policy ?? undefined) as Record<string, unknown> | undefined;
  ctx.charge({
    key: 'dns.queries', item: `Cloud DNS queries${policy ? ' (routing policy)' : ''}`, quantity: q.value, assumed: [q.assumed],
  });
};

const globalAddress: Pricer = (ctx) => {
  if (ctx.resource.props.address_type === 'EXTERNAL') ctx.notPriced('unknown', 'external static IP address: not in the price table');
  else ctx.notPriced('free', 'an internal range reserved for private services access has no charge');
};

const SPANNER_EDITIONS: Readonly<Record<string, { key: string; name: string }>> = {
  ENTERPRISE_PLUS: { key: 'enterprisePlus', name: 'Enterprise Plus' },
  ENTERPRISE: { key: 'enterprise', name: 'Enterprise' },
  STANDARD: { key: 'standard', name: 'Standard' },
};

/**
 * Spanner compute: nodes (1000 processing units) × hours at the price of the
 * instance's edition and configuration. With autoscaling, the minimum (what
 * an idle instance costs). https://cloud.google.com/spanner/pricing
 */
const spannerInstance: Pricer = (ctx) => {
  const p = ctx.resource.props;
  const config = String(p.config ?? 'unknown');
  const edition = SPANNER_EDITIONS[String(p.edition ?? 'STANDARD')] ?? SPANNER_EDITIONS.STANDARD;
  const limits = ((p.autoscaling_config ?? {}) as { autoscaling_limits?: Record<string, number> }).autoscaling_limits;
  const units = limits
    ? Number(limits.min_processing_units ?? Number(limits.min_nodes ?? 0) * 1000)
    : Number(p.processing_units ?? Number(p.num_nodes ?? 0) * 1000);
  const hours = ctx.hoursPerMonth;
  ctx.charge({
    key: `spanner.${edition.key}.nodeHour`, item: `Spanner ${edition.name} compute`, quantity: (units / 1000) * hours, region: config,
    note: `${units} processing units × ${hours} h${limits ? ' (autoscaling: at its minimum)' : ''}, configuration ${config}`,
  });
};

/** Spanner database storage (every region of the configuration holds it; one price per configuration). */
const spannerDatabase: Pricer = (ctx) => {
  const instance = ctx.find(String(ctx.resource.props.instance ?? '').replace(/^\$\{(google_spanner_instance\.[A-Za-z0-9_]+)\.name\}$/, '$1'));
  const config = String(instance?.props.config ?? 'unknown');
  const data = ctx.usage.num('database.storageGb', ctx.stack.name);
  ctx.charge({ key: 'spanner.storage', item: 'Spanner storage', quantity: data.value, assumed: [data.assumed], region: config, note: `configuration ${config}` });
};

const FREE = (detail: string) => ({ reason: 'free' as const, detail });

/** Google Cloud pricers and the types explained instead. */
export const GCP_PRICERS: PricerSet = {
  priced: {
    google_sql_database_instance: sqlInstance,
    google_monitoring_alert_policy: alertPolicy,
    google_workflows_workflow: workflow,
    google_dns_managed_zone: (ctx) => ctx.charge({ key: 'dns.managedZone', item: 'Cloud DNS managed zone', quantity: 1 }),
    google_dns_record_set: recordSet,
    google_compute_global_address: globalAddress,
    google_spanner_instance: spannerInstance,
    google_spanner_database: spannerDatabase,
    google_compute_health_check: (ctx) => ctx.charge({
      key: 'dns.healthCheck', item: 'Cloud DNS health check', quantity: 1,
      missing: 'health check used by Cloud DNS routing policies: no price in the table (not found in stored pages); add "dns.healthCheck" with --prices',
    }),
  },
  explained: {
    google_compute_network: FREE('no charge for the VPC network itself'),
    google_service_networking_connection: FREE('no charge for the peering to Google services'),
    google_service_account: FREE('IAM has no charge'),
    google_project_iam_member: FREE('IAM has no charge'),
    google_project_iam_custom_role: FREE('IAM has no charge'),
    google_dns_managed_zone_iam_member: FREE('IAM has no charge'),
    google_sql_database: FREE('a database inside an instance has no charge'),
    google_sql_user: FREE('no charge'),
    google_project_service: FREE('enabling an API has no charge; its resources are priced on their own'),
    // Google Cloud Observability is "priced by data volume or usage" (metrics ingested, API calls, alerting): a dashboard is not a billed item.
    google_monitoring_dashboard: FREE('Cloud Monitoring bills ingested data, API calls and alert policies, not dashboards (https://cloud.google.com/stackdriver/pricing)'),
    terraform_data: FREE('a Terraform-only resource (plan-time checks); nothing is created in the cloud'),
    google_storage_bucket: { reason: 'usage-only', detail: 'Terraform state bucket: billed by stored GB and operations (a few MB of state), which the price table does not hold' },
    google_compute_subnetwork: FREE('no charge for a subnet'),
    google_secret_manager_secret: FREE('no charge of its own; its versions are billed'),
    google_secret_manager_secret_iam_member: FREE('IAM has no charge'),
    google_secret_manager_secret_version: { reason: 'usage-only', detail: 'Secret Manager bills active secret versions per location and access operations (https://cloud.google.com/secret-manager/pricing): one version in one region per discovery record, which the price table does not hold' },
    google_cloud_run_v2_service: { reason: 'usage-only', detail: 'Cloud Run bills CPU, memory and requests while instances run (https://cloud.google.com/run/pricing); the example service scales to zero, and the price table holds no usage for it' },
    google_spanner_backup_schedule: { reason: 'usage-only', detail: 'Spanner backups are billed per GB-month of backup storage in the instance configuration (https://cloud.google.com/spanner/pricing), which depends on the data and the retention; the price table does not hold it' },
  },
};
