import { App, TerraformStack, Testing, Token } from 'cdktf';
import {
  DATA_LOSS_REFUSAL, FailoverRunbook, FailoverRunbookProps, GlobalRouter, GlobalRouterProps, PrimaryRegion, PrimaryRegionProps,
  ReadReplicaRegion, ReadReplicaRegionProps,
} from '../../lib/gcp';
import { all, errorOf, only, PROJECT, TfJson } from './helpers';

function topology(primaryProps: Partial<PrimaryRegionProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'S');
  const primary = new PrimaryRegion(stack, 'Primary', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1', 'asia-southeast1'], instanceName: 'orders', ...primaryProps,
  });
  return { app, stack, primary };
}

function synth(stack: TerraformStack): TfJson {
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

describe('ReadReplicaRegion', () => {
  const { stack, primary } = topology();
  const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
  const json = synth(stack);
  const instance = all(json, 'google_sql_database_instance').find((i) => i.name === 'orders-europe-west1');

  test('a cross-region read replica of the primary, by name', () => {
    expect(instance).toMatchObject({
      master_instance_name: 'orders',
      region: 'europe-west1',
      database_version: 'POSTGRES_16',
      deletion_protection: true,
    });
    expect(instance.settings).toMatchObject({
      availability_type: 'ZONAL',
      deletion_protection_enabled: true,
      backup_configuration: { enabled: false },
      ip_configuration: { ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY', private_network: `projects/${PROJECT}/global/networks/orders-vpc` },
    });
    expect(instance.depends_on[0]).toMatch(/^google_sql_database_instance\./);
    // IAM database users (replicated from the primary) can log in to the replica too.
    expect(instance.settings.database_flags).toEqual([{ name: 'cloudsql.iam_authentication', value: 'on' }]);
  });

  test('replica lag and state alerted by default, to the primary\'s channels', () => {
    const alerts = all(json, 'google_monitoring_alert_policy').filter((a) => a.display_name.includes('orders-europe-west1'));
    const lag = alerts.find((a) => a.conditions[0].condition_threshold.filter.includes('replication/replica_lag'));
    expect(lag.conditions[0].condition_threshold).toMatchObject({
      comparison: 'COMPARISON_GT', threshold_value: 30, duration: '300s',
      // Broken replication sends no replica_lag at all: missing data is a breach, not silence.
      evaluation_missing_data: 'EVALUATION_MISSING_DATA_ACTIVE',
      filter: `resource.type = "cloudsql_database" AND metric.type = "cloudsql.googleapis.com/database/replication/replica_lag" AND resource.labels.database_id = "${PROJECT}:orders-europe-west1"`,
    });
    expect(alerts.some((a) => a.conditions[0].condition_threshold.filter.includes('database/up'))).toBe(true);
  });

  test('exposes what the router and the runbook need', () => {
    expect(replica.connectionName).toBe(`${PROJECT}:europe-west1:orders-europe-west1`);
    expect(replica.instanceName).toBe('orders-europe-west1');
    expect(replica.disasterRecovery).toBe(false);
  });

  test('an Enterprise Plus DR replica is regional', () => {
    const t = topology({ edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: true });
    new ReadReplicaRegion(t.stack, 'Replica', { primary: t.primary, region: 'europe-west1', disasterRecovery: true, notificationChannels: ['projects/p/notificationChannels/1'] });
    const j = synth(t.stack);
    const dr = all(j, 'google_sql_database_instance').find((i) => i.name === 'orders-europe-west1');
    expect(dr.settings).toMatchObject({ edition: 'ENTERPRISE_PLUS', availability_type: 'REGIONAL' });
    expect(all(j, 'google_sql_database_instance').find((i) => i.name === 'orders').replication_cluster)
      .toEqual({ failover_dr_replica_name: `${PROJECT}:orders-europe-west1` });
  });

  describe('bad input', () => {
    const R = "ReadReplicaRegion 'S/Replica': ";
    const make = (props: Partial<ReadReplicaRegionProps>, primaryProps: Partial<PrimaryRegionProps> = {}) => () => {
      const t = topology(primaryProps);
      return new ReadReplicaRegion(t.stack, 'Replica', { primary: t.primary, region: 'europe-west1', ...props });
    };
    test('replica in the primary\'s region', () => {
      expect(errorOf(make({ region: 'us-central1' }))).toBe(
        `${R}region 'us-central1' is the primary's region; a cross-region replica must be in another region: use one of the primary's replicaRegions (europe-west1, asia-southeast1)`);
    });
    test('a malformed region', () => {
      expect(errorOf(make({ region: 'europe_west1' }))).toBe(`${R}region 'europe_west1' is not a valid Google Cloud region name; use a region name such as 'us-central1'`);
    });
    test('a region outside the topology', () => {
      expect(errorOf(make({ region: 'us-east1' }))).toBe(
        `${R}region 'us-east1' is not one of the primary's replicaRegions ['europe-west1', 'asia-southeast1']; add 'us-east1' to the primary's replicaRegions (the topology is validated there, including residency)`);
    });
    test('a DR replica without Enterprise Plus', () => {
      expect(errorOf(make({ disasterRecovery: true }))).toBe(
        `${R}disasterRecovery is true, but a cross-region DR replica needs Cloud SQL Enterprise Plus on the primary and the replica (primary edition 'ENTERPRISE', replica edition 'ENTERPRISE'); set edition: 'ENTERPRISE_PLUS' on the primary (and leave the replica's edition unset), or remove disasterRecovery and fail over by promoting the replica`);
    });
    test('a tier the replica edition does not offer', () => {
      expect(errorOf(make({ edition: 'ENTERPRISE' }, { edition: 'ENTERPRISE_PLUS' }))).toBe(
        `${R}tier 'db-perf-optimized-N-2' is a Cloud SQL Enterprise Plus machine type, but edition is 'ENTERPRISE'; use a tier such as 'db-custom-2-7680', or edition 'ENTERPRISE_PLUS'`);
      expect(() => make({ edition: 'ENTERPRISE', tier: 'db-custom-4-15360' }, { edition: 'ENTERPRISE_PLUS' })()).not.toThrow();
    });
    test('a public IP without the opt-in', () => {
      expect(errorOf(make({ authorizedNetworks: [{ cidr: '198.51.100.0/24' }] }))).toMatch(new RegExp(`^${R}authorizedNetworks \\['198.51.100.0/24'\\] would give the instance a public IP`));
    });
    test('deletion protection off without the opt-in naming the data loss', () => {
      expect(errorOf(make({ deletionProtection: false }))).toBe(
        `${R}deletionProtection is false: one delete call would destroy the replica, and with it the copy a failover needs; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data`);
    });
  });
});

const targets = [
  { region: 'us-central1', ipAddress: '203.0.113.10' },
  { region: 'europe-west1', ipAddress: '203.0.113.11' },
  { region: 'asia-southeast1', ipAddress: '203.0.113.12' },
];

describe('GlobalRouter', () => {
  const { stack, primary } = topology({ phase: 4 });
  const router = new GlobalRouter(stack, 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets });
  const json = synth(stack);
  const records = all(json, 'google_dns_record_set');

  test('a global health check with exactly three source regions and a 30 s interval', () => {
    expect(only(json, 'google_compute_health_check')).toMatchObject({
      check_interval_sec: 30,
      source_regions: ['us-central1', 'europe-west1', 'asia-southeast1'],
      https_health_check: { port: 443, request_path: '/healthz' },
    });
  });

  test('writes: a failover policy to the primary region, the others as geo backups', () => {
    const write = records.find((r) => r.name === 'write.example.com.');
    expect(write).toMatchObject({ managed_zone: 'zone', type: 'A', ttl: 30 });
    expect(write.routing_policy.health_check).toMatch(/^\$\{google_compute_health_check\..+\.id\}$/);
    expect(write.routing_policy.primary_backup).toEqual({
      trickle_ratio: 0,
      primary: { external_endpoints: ['203.0.113.10'] },
      backup_geo: [
        { location: 'europe-west1', health_checked_targets: { external_endpoints: ['203.0.113.11'] } },
        { location: 'asia-southeast1', health_checked_targets: { external_endpoints: ['203.0.113.12'] } },
      ],
    });
  });

  test('reads (phase 4): a geo policy over every region, no WRR', () => {
    const read = records.find((r) => r.name === 'read.example.com.');
    // By region name, not by role: a role swap leaves the read record unchanged.
    expect(read.routing_policy.geo.map((g: any) => g.location)).toEqual(['asia-southeast1', 'europe-west1', 'us-central1']);
    expect(read.routing_policy.wrr).toBeUndefined();
    expect(router.databaseWriteEndpoint).toBe(primary.privateIp);
  });

  test('internal load balancers: private-zone targets without a global health check; no read record before phase 4', () => {
    const t = topology({ phase: 3 });
    const network = `projects/${PROJECT}/global/networks/orders-vpc`;
    new GlobalRouter(t.stack, 'Router', {
      primary: t.primary, managedZone: 'private', zoneDnsName: 'internal.example.',
      targets: ['us-central1', 'europe-west1'].map((region, i) => ({ region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: network } })),
    });
    const j = synth(t.stack);
    expect(all(j, 'google_compute_health_check')).toHaveLength(0);
    const [write] = all(j, 'google_dns_record_set');
    expect(all(j, 'google_dns_record_set')).toHaveLength(1);
    expect(write.routing_policy.health_check).toBeUndefined();
    // Cloud DNS wants the full network URL; a projects/... path is completed.
    expect(write.routing_policy.primary_backup.primary.internal_load_balancers[0]).toEqual({
      ip_address: '10.0.0.5', port: '443', ip_protocol: 'tcp', network_url: `https://www.googleapis.com/compute/v1/${network}`, load_balancer_type: 'regionalL4ilb', project: PROJECT, region: 'us-central1',
    });
  });

  describe('bad input', () => {
    const G = "GlobalRouter 'S/Router': ";
    const make = (props: Partial<GlobalRouterProps>) => () => {
      const t = topology({ phase: 4 });
      return new GlobalRouter(t.stack, 'Router', { primary: t.primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets, ...props });
    };
    test('a target region outside the topology', () => {
      expect(errorOf(make({ targets: [...targets, { region: 'us-east1', ipAddress: '203.0.113.13' }] }))).toBe(
        `${G}targets[3].region 'us-east1' is outside the topology (regions: us-central1, europe-west1, asia-southeast1); route only to regions that hold the database: add 'us-east1' to the primary's replicaRegions, or remove the target`);
    });
    test('mixed target kinds', () => {
      expect(errorOf(make({ targets: [targets[0], { region: 'europe-west1', internalLoadBalancer: { ipAddress: '10.0.0.5', port: '443', networkUrl: 'n' } }] }))).toBe(
        `${G}targets mix public IP endpoints and internal load balancers, but a Cloud DNS routing policy health-checks one kind; use public endpoints in a public zone, or internal load balancers in a private zone, not both`);
    });
    test('source regions not exactly three, and too short an interval', () => {
      const message = errorOf(make({ healthCheck: { sourceRegions: ['us-central1', 'europe-west1'], checkIntervalSec: 10 } }));
      expect(message).toContain(`${G}healthCheck.sourceRegions ['us-central1', 'europe-west1'] has 2 regions, but a Cloud DNS health check needs exactly 3`);
      expect(message).toContain(`${G}healthCheck.checkIntervalSec 10 is below the 30 s minimum of health checks with source regions; set healthCheck.checkIntervalSec to 30 or more`);
    });
    test('a health check timeout longer than the interval', () => {
      expect(errorOf(make({ healthCheck: { timeoutSec: 45 } }))).toBe(
        `${G}healthCheck.timeoutSec 45 is not a whole number of seconds between 1 and checkIntervalSec (30); set healthCheck.timeoutSec to 10 or another value up to 30`);
    });
    test('a Terraform reference as a target address', () => {
      const ref = Token.asString({ Ref: 'google_compute_address.x.address' });
      expect(errorOf(make({ targets: [targets[0], { region: 'europe-west1', ipAddress: ref }] }))).toBe(
        `${G}targets[1] has a Terraform reference; the failover workflow and runbook need plain addresses (and the runbook lives in another state); pass the literal IP address, port and network of the endpoint`);
    });
    test('no endpoint in the primary region', () => {
      expect(errorOf(make({ targets: targets.slice(1) }))).toBe(
        `${G}targets has no endpoint in the primary region 'us-central1', so writes have nowhere to go; add a target with region 'us-central1'`);
    });
  });
});

describe('FailoverRunbook', () => {
  function drTopology() {
    const app = new App();
    const primaryStack = new TerraformStack(app, 'Primary');
    const primary = new PrimaryRegion(primaryStack, 'Db', {
      project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders',
      edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: true,
    });
    const replicaStack = new TerraformStack(app, 'Replica');
    const replica = new ReadReplicaRegion(replicaStack, 'Db', { primary, region: 'europe-west1', disasterRecovery: true });
    const routerStack = new TerraformStack(app, 'Router');
    const router = new GlobalRouter(routerStack, 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets: targets.slice(0, 2) });
    const runbookStack = new TerraformStack(app, 'Runbook');
    return { app, primary, replica, router, runbookStack };
  }
  const t = drTopology();
  const runbook = new FailoverRunbook(t.runbookStack, 'Runbook', { primary: t.primary, replica: t.replica, router: t.router, regions: ['europe-west1', 'us-east1'] });
  const json = synth(t.runbookStack);
  const workflow = JSON.parse(runbook.workflowSource);
  const mainSteps: Record<string, any>[] = workflow.main.steps;
  const step = (name: string) => mainSteps.find((s) => name in s)![name];

  test('a workflow in every region given, outside the primary\'s, with a dedicated service account', () => {
    const workflows = all(json, 'google_workflows_workflow');
    expect(workflows.map((w) => w.region)).toEqual(['europe-west1', 'us-east1']);
    expect(workflows[0]).toMatchObject({ call_log_level: 'LOG_ALL_CALLS', deletion_protection: true });
    expect(workflows[0].service_account).toMatch(/^\$\{google_service_account\..+\.id\}$/);
    expect(only(json, 'google_service_account').account_id.length).toBeLessThanOrEqual(30);
  });

  test('only the roles it needs: Cloud SQL admin on its two instances only, Cloud SQL viewer, log writer, DNS admin on the router zone only', () => {
    const members = all(json, 'google_project_iam_member');
    expect(members.map((m) => m.role).sort()).toEqual(['roles/cloudsql.admin', 'roles/cloudsql.viewer', 'roles/logging.logWriter']);
    // No project-wide Cloud SQL admin: a condition on the instance resource names.
    const admin = members.find((m) => m.role === 'roles/cloudsql.admin');
    expect(admin.condition).toEqual({
      title: 'failover-orders',
      description: 'Cloud SQL admin on orders and orders-europe-west1 only (switchover, promotion, backups after promotion)',
      expression: `resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/${PROJECT}/instances/orders' || resource.name == 'projects/${PROJECT}/instances/orders-europe-west1')`,
    });
    for (const m of members.filter((x) => x.role !== 'roles/cloudsql.admin')) expect(m.condition).toBeUndefined();
    // The workflow touches only these two instances.
    const urls = JSON.stringify(workflow).match(/instances\/[a-z0-9-]+/g) ?? [];
    expect(new Set([workflow.main.steps[0].init.assign.find((a: any) => a.primary).primary, workflow.main.steps[0].init.assign.find((a: any) => a.replica).replica])).toEqual(new Set(['orders', 'orders-europe-west1']));
    expect(urls).toEqual([]);
    expect(only(json, 'google_dns_managed_zone_iam_member')).toMatchObject({ managed_zone: 'zone', role: 'roles/dns.admin' });
  });

  test('Workflows expressions are escaped from Terraform interpolation', () => {
    const source: string = all(json, 'google_workflows_workflow')[0].source_contents;
    expect(source).not.toMatch(/(^|[^$])\$\{/);
    expect(source.replace(/\$\$\{/g, '${')).toBe(runbook.workflowSource);
  });

  test('switchover by default through the Cloud SQL Admin API, then waits for the operation', () => {
    expect(step('init').assign).toContainEqual({ mode: '${default(map.get(args, "mode"), "switchover")}' });
    const branches = step('moveWrites').try.steps[0].byMode.switch;
    expect(branches[0].steps[0].switchover.try).toMatchObject({ call: 'http.post', args: { url: '${sqlApi + "/instances/" + replica + "/switchover"}' } });
    expect(branches[1].steps[0].promote.try.args).toMatchObject({ url: '${sqlApi + "/instances/" + replica + "/promoteReplica"}', query: { failover: 'true' } });
    // Non-idempotent: retried only when the request cannot have been processed.
    expect(branches[0].steps[0].switchover.retry.predicate).toBe('${http.default_retry_predicate_non_idempotent}');
    expect(step('waitForPromotion').call).toBe('waitForSqlOperation');
    expect(workflow.waitForSqlOperation.steps.map((s: object) => Object.keys(s)[0])).toEqual(['start', 'poll', 'check', 'sleep', 'count']);
    expect(workflow.waitForSqlOperation.steps[1].poll.retry.predicate).toBe('${http.default_retry_predicate}');
  });

  test('refuses an unplanned promotion unless the execution argument accepts the data loss', () => {
    expect(step('checkArguments').switch).toContainEqual({ condition: '${mode == "failover" and acceptDataLoss != true}', raise: DATA_LOSS_REFUSAL });
  });

  test('re-points the write record through the Cloud DNS API and verifies', () => {
    expect(step('newWritePolicy').assign[0].writePolicy).toEqual({
      primaryBackup: {
        primaryTargets: { externalEndpoints: ['203.0.113.11'] },
        backupGeoTargets: { items: [{ location: 'us-central1', healthCheckedTargets: { externalEndpoints: ['203.0.113.10'] } }] },
        trickleTraffic: 0,
      },
    });
    // The address of the new primary target, not a map comparison (the API adds `kind` fields).
    expect(step('verifyWriteRecord').switch[0].condition).toBe('${check.body.routingPolicy.primaryBackup.primaryTargets.externalEndpoints[0] != "203.0.113.11"}');
    expect(step('updateWriteRecord').try.args.url).toBe(`https://dns.googleapis.com/dns/v1/projects/${PROJECT}/managedZones/zone/rrsets/write.example.com./A`);
    expect(step('updateWriteRecord').retry.predicate).toBe('${http.default_retry_predicate}');
    expect(Object.keys(mainSteps[mainSteps.length - 1])).toEqual(['done']);
    // DNS first (availability), then backups and PITR (hygiene), each verified.
    expect(mainSteps.map((s) => Object.keys(s)[0])).toEqual([
      'init', 'checkArguments', 'settleReplica', 'describeReplica', 'checkReplica', 'moveWrites', 'waitForPromotion', 'countConflict', 'markAlreadyPrimary',
      'repointWrites', 'readWriteRecord', 'newWritePolicy', 'updateWriteRecord', 'rereadWriteRecord', 'verifyWriteRecord',
      'describePromoted', 'verifyPromoted', 'checkBackups', 'enableBackups', 'waitForBackups', 'redescribePromoted', 'verifyBackups', 'done',
    ]);
    // Every HTTP call of the definition sits in a try with a retry policy.
    const httpCalls = JSON.stringify(workflow).match(/"call":"http\.[a-z]+"/g) ?? [];
    const retried = JSON.stringify(workflow).match(/"try":\{"call":"http\.[a-z]+"/g) ?? [];
    expect(httpCalls.length).toBeGreaterThan(8);
    expect(retried.length).toBe(httpCalls.length);
  });

  test('the Markdown runbook from the shared renderer, with gcloud commands', () => {
    expect(runbook.markdown).toContain(`# Failover runbook: orders`);
    expect(runbook.markdown).toContain(`gcloud sql instances switchover orders-europe-west1 --project=${PROJECT}`);
    expect(runbook.markdown).toContain(`gcloud sql instances promote-replica orders-europe-west1 --project=${PROJECT} --failover`);
    expect(runbook.markdown).toMatch(/gcloud dns record-sets update write\.example\.com\. \\\n\s+--type=A --ttl=30 --zone=zone/);
    expect(runbook.markdown).toContain(`gcloud workflows run ${runbook.workflowName} --project=${PROJECT} --location=europe-west1`);
    expect(runbook.markdown).not.toMatch(/TfToken|\$\{/);
  });

  test('the manual procedures move DNS first, then restore backups + PITR with explicit, valid settings, like the workflow', () => {
    for (const id of ['manual-failover', 'manual-switchover'] as const) {
      const proc = runbook.model.procedures.find((p) => p.id === id)!;
      const kinds = proc.steps.map((st) => st.title);
      const dns = kinds.indexOf('Point the write record at the new primary region');
      const backups = kinds.findIndex((t) => t.startsWith('Restore backups and point-in-time recovery'));
      expect([id, dns >= 0, backups > dns]).toEqual([id, true, true]);
      const patch = proc.steps[backups].commands![0].command;
      expect(patch).toContain('--retained-backups-count=21');
      expect(patch).toContain('--retained-transaction-log-days=14');
      expect(patch).toContain('--enable-point-in-time-recovery');
    }
    expect(runbook.markdown).toContain('if the execution still fails, run the same command again');
  });

  test('the runbook prints what is true about the write endpoint in each state', () => {
    // Designated DR replica: the endpoint follows; no re-pointing of applications.
    expect(runbook.markdown).toContain('Database write endpoint: PSA write endpoint (a DNS name ending in .global.sql-psa.goog.): follows the writes');
    expect(runbook.markdown).not.toContain('Point applications at the new primary');
    // A plain replica: the private IP stays on the former primary; every failover path re-points applications.
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const rb = new FailoverRunbook(stack, 'Runbook', { primary, replica });
    expect(rb.markdown).toContain('Database write endpoint: Private IP of this primary. It does not move');
    for (const id of ['switchover', 'failover', 'manual-failover'] as const) {
      const titles = rb.model.procedures.find((p) => p.id === id)!.steps.map((st) => st.title);
      expect([id, titles]).toEqual([id, expect.arrayContaining(['Point applications at the new primary'])]);
    }
    expect(rb.markdown).toContain("gcloud sql instances describe orders-europe-west1 --project=test-project --format='value(ipAddresses[0].ipAddress)'");
  });

  test('a plain replica: promotion only, backups turned on after promotion', () => {
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const rb = new FailoverRunbook(stack, 'Runbook', { primary, replica });
    const wf = JSON.parse(rb.workflowSource);
    const names = wf.main.steps.map((s: object) => Object.keys(s)[0]);
    expect(names).toContain('enableBackups');
    expect(names).not.toContain('updateWriteRecord');
    expect(wf.main.steps[0].init.assign).toContainEqual({ mode: '${default(map.get(args, "mode"), "failover")}' });
    const patch = wf.main.steps.find((st: object) => 'enableBackups' in st).enableBackups.try.steps[0].patchBackups.try.args.body.settings.backupConfiguration;
    // Explicit and valid: retained backups (14) above the days of logs (7).
    expect(patch).toEqual({ enabled: true, startTime: '03:00', pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 14, retentionUnit: 'COUNT' } });
    const promote = wf.main.steps.find((st: object) => 'moveWrites' in st).moveWrites.try.steps[0].byMode.switch[1].steps[0].promote;
    expect(promote.try.args.query).toEqual({ failover: 'false' });
  });

  test('a DR replica the primary has not designated yet is promoted, not switched over', () => {
    const app = new App();
    const primaryStack = new TerraformStack(app, 'Primary');
    const primary = new PrimaryRegion(primaryStack, 'Db', {
      project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders',
      edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', transactionLogRetentionDays: 21,
    });
    const replica = new ReadReplicaRegion(new TerraformStack(app, 'Replica'), 'Db', { primary, region: 'europe-west1', disasterRecovery: true });
    const rb = new FailoverRunbook(new TerraformStack(app, 'Runbook'), 'Runbook', { primary, replica });
    const wf = JSON.parse(rb.workflowSource);
    expect(wf.main.steps[0].init.assign).toContainEqual({ mode: '${default(map.get(args, "mode"), "failover")}' });
    expect(wf.main.steps[0].init.assign).toContainEqual({ drReplica: false });
    // Enterprise Plus keeps the primary's 21 days after the promotion.
    const patch = wf.main.steps.find((st: object) => 'enableBackups' in st).enableBackups.try.steps[0].patchBackups.try.args.body.settings.backupConfiguration;
    expect(patch.transactionLogRetentionDays).toBe(21);
    expect(patch.backupRetentionSettings).toEqual({ retainedBackups: 28, retentionUnit: 'COUNT' });
    expect(rb.markdown).not.toContain('gcloud sql instances switchover');
    // Before designation the write endpoint does not follow a promotion: the runbook does not claim it does.
    expect(primary.writeEndpointFollowsFailover).toBe(false);
    expect(rb.markdown).toContain('Either stays on this instance: no DR replica is designated yet');
    expect(rb.markdown).toContain('Point applications at the new primary');
  });

  test('internal load balancer targets: the verification compares the load balancer address', () => {
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const router = new GlobalRouter(stack, 'Router', {
      primary, managedZone: 'private', zoneDnsName: 'internal.example.',
      targets: ['us-central1', 'europe-west1'].map((region, i) => ({ region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: `projects/${PROJECT}/global/networks/orders-vpc` } })),
      trickleRatio: 0.1,
    });
    const wf = JSON.parse(new FailoverRunbook(stack, 'Runbook', { primary, replica, router }).workflowSource);
    const verify = wf.main.steps.find((st: object) => 'verifyWriteRecord' in st).verifyWriteRecord;
    expect(verify.switch[0].condition).toBe('${check.body.routingPolicy.primaryBackup.primaryTargets.internalLoadBalancers[0].ipAddress != "10.0.1.5"}');
    const policy = wf.main.steps.find((st: object) => 'newWritePolicy' in st).newWritePolicy.assign[0].writePolicy;
    expect(policy.primaryBackup.trickleTraffic).toBe(0.1);
    expect(policy.primaryBackup.primaryTargets.internalLoadBalancers[0].networkUrl).toBe(`https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/orders-vpc`);
  });

  describe('bad input', () => {
    test('a workflow only in the primary region', () => {
      const d = drTopology();
      expect(errorOf(() => new FailoverRunbook(d.runbookStack, 'Runbook', { primary: d.primary, replica: d.replica, regions: ['us-central1'] } as FailoverRunbookProps))).toBe(
        "FailoverRunbook 'Runbook/Runbook': regions ['us-central1'] only has the primary's region, so the runbook would be lost with it; add a region other than 'us-central1', e.g. 'europe-west1'");
    });
  });
});
