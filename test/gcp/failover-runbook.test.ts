/**
 * FailoverRunbook: the synthesized workflow, its permissions, and the
 * generated Markdown runbook (procedures, drill, failback, day two).
 * Executing the workflow is in failover-workflow.test.ts.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import {
  DATA_LOSS_REFUSAL, FailoverRunbook, FailoverRunbookProps, GlobalRouter, PrimaryRegion, PrimaryRegionProps, ReadReplicaRegion,
} from '../../lib/gcp';
import { all, errorOf, only, PROJECT, TfJson, warningsOf } from './helpers';

const targets = [
  { region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }, { region: 'asia-southeast1', ipAddress: '203.0.113.12' },
];

function topology(primaryProps: Partial<PrimaryRegionProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'S');
  const primary = new PrimaryRegion(stack, 'Primary', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1', 'asia-southeast1'], instanceName: 'orders', ...primaryProps,
  });
  return { stack, primary };
}

const synth = (stack: TerraformStack): TfJson => JSON.parse(Testing.synth(stack)) as TfJson;

function drTopology() {
  const app = new App();
  const primary = new PrimaryRegion(new TerraformStack(app, 'Primary'), 'Db', {
    project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders',
    edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1',
  });
  const replica = new ReadReplicaRegion(new TerraformStack(app, 'Replica'), 'Db', { primary, region: 'europe-west1', disasterRecovery: true });
  const router = new GlobalRouter(new TerraformStack(app, 'Router'), 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets: targets.slice(0, 2) });
  const runbookStack = new TerraformStack(app, 'Runbook');
  return { app, primary, replica, router, runbookStack };
}

describe('FailoverRunbook', () => {
  const t = drTopology();
  const runbook = new FailoverRunbook(t.runbookStack, 'Runbook', { primary: t.primary, replicas: [t.replica], router: t.router, regions: ['europe-west1', 'us-east1'] });
  const json = synth(t.runbookStack);
  const workflow = JSON.parse(runbook.workflowSource);
  const mainSteps: Record<string, any>[] = workflow.main.steps;
  const step = (name: string) => mainSteps.find((s) => name in s)![name];
  const init = (key: string) => step('init').assign.find((a: object) => key in a)[key];

  test('a workflow in every region given, outside the primary\'s, with a dedicated service account', () => {
    const workflows = all(json, 'google_workflows_workflow');
    expect(workflows.map((w) => w.region)).toEqual(['europe-west1', 'us-east1']);
    expect(workflows[0]).toMatchObject({ call_log_level: 'LOG_ALL_CALLS', deletion_protection: true });
    expect(workflows[0].service_account).toMatch(/^\$\{google_service_account\..+\.id\}$/);
    expect(only(json, 'google_service_account').account_id.length).toBeLessThanOrEqual(30);
  });

  test('only the roles it needs: Cloud SQL admin on the deployment\'s instances only (sorted, role-free), viewer, log writer, DNS admin on the zone only', () => {
    const members = all(json, 'google_project_iam_member');
    expect(members.map((m) => m.role).sort()).toEqual([expect.stringMatching(/^\$\{google_project_iam_custom_role\.\w+\.name\}$/), 'roles/cloudsql.admin', 'roles/cloudsql.viewer', 'roles/logging.logWriter']);
    // Arming the split-brain guard: a custom role with exactly the three permissions it needs.
    expect(only(json, 'google_project_iam_custom_role')).toMatchObject({
      role_id: `mrcGuard_${runbook.workflowName.replace(/-/g, '_')}`,
      permissions: ['monitoring.alertPolicies.get', 'monitoring.alertPolicies.list', 'monitoring.alertPolicies.update'],
    });
    const admin = members.find((m) => m.role === 'roles/cloudsql.admin');
    expect(admin.condition).toEqual({
      title: `failover-${runbook.workflowName}`,
      description: `Cloud SQL admin on the instances of ${runbook.workflowName} only: orders, orders-europe-west1 (switchover, promotion, backups after promotion)`,
      expression: `resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/${PROJECT}/instances/orders' || resource.name == 'projects/${PROJECT}/instances/orders-europe-west1')`,
    });
    for (const m of members.filter((x) => x.role !== 'roles/cloudsql.admin')) expect(m.condition).toBeUndefined();
    // The workflow touches only the deployment's instances.
    expect(init('names')).toEqual(['orders', 'orders-europe-west1']);
    expect(JSON.stringify(workflow).match(/instances\/[a-z0-9-]+/g) ?? []).toEqual([]);
    expect(only(json, 'google_dns_managed_zone_iam_member')).toMatchObject({ managed_zone: 'zone', role: 'roles/dns.admin' });
  });

  test('Workflows expressions are escaped from Terraform interpolation', () => {
    const source: string = all(json, 'google_workflows_workflow')[0].source_contents;
    expect(source).not.toMatch(/(^|[^$])\$\{/);
    expect(source.replace(/\$\$\{/g, '${')).toBe(runbook.workflowSource);
  });

  test('role-free: every region by name, the standby as default target; switchover by default where the DR pair is', () => {
    expect(init('target')).toBe('${default(map.get(args, "target"), "europe-west1")}');
    expect(init('regions')).toEqual({
      'us-central1': { name: 'orders', dr: true, defaultMode: 'switchover', logDays: 14, retained: 21, startTime: '03:00', backupsText: '21 backups, 14 days of logs' },
      'europe-west1': { name: 'orders-europe-west1', dr: true, defaultMode: 'switchover', logDays: 14, retained: 21, startTime: '03:00', backupsText: '21 backups, 14 days of logs' },
    });
    expect(step('pick').assign).toContainEqual({ mode: '${default(map.get(args, "mode"), regions[target].defaultMode)}' });
    expect(step('checkTarget').switch[0].condition).toBe('${not (target in regions)}');
  });

  test('switchover through the Cloud SQL Admin API; replica failover only when the designation is there at run time; then waits', () => {
    expect(step('readDesignation').assign).toEqual([{ drNow: '${default(map.get(before.body, ["replicationCluster", "drReplica"]), false) == true}' }]);
    const branches = step('moveWrites').try.steps[0].byMode.switch;
    expect(branches[0].steps[0].switchover.try).toMatchObject({ call: 'http.post', args: { url: '${sqlApi + "/instances/" + replica + "/switchover"}' } });
    expect(branches[1]).toMatchObject({ condition: '${drNow}' });
    expect(branches[1].steps[0].replicaFailover.try.args.query).toEqual({ failover: 'true' });
    expect(branches[2].steps[0].promote.try.args.query).toEqual({ failover: 'false' });
    // Non-idempotent: retried only when the request cannot have been processed.
    expect(branches[0].steps[0].switchover.retry.predicate).toBe('${http.default_retry_predicate_non_idempotent}');
    expect(step('waitForPromotion').call).toBe('waitForSqlOperation');
    expect(workflow.waitForSqlOperation.steps.map((s: object) => Object.keys(s)[0])).toEqual(['start', 'poll', 'check', 'sleep', 'count']);
  });

  test('refuses an unplanned promotion unless the execution argument accepts the data loss', () => {
    expect(step('checkArguments').switch).toContainEqual({ condition: '${mode == "failover" and acceptDataLoss != true}', raise: DATA_LOSS_REFUSAL });
  });

  test('re-points the write record through the Cloud DNS API (the policy of the target region) and verifies', () => {
    expect(init('policies')['europe-west1']).toEqual({
      primaryBackup: {
        primaryTargets: { externalEndpoints: ['203.0.113.11'] },
        backupGeoTargets: { items: [{ location: 'us-central1', healthCheckedTargets: { externalEndpoints: ['203.0.113.10'] } }] },
        trickleTraffic: 0,
      },
    });
    expect(init('addresses')).toEqual({ 'us-central1': '203.0.113.10', 'europe-west1': '203.0.113.11' });
    expect(step('newWritePolicy').assign[0].writePolicy).toBe('${policies[target]}');
    // The address of the new primary target, not a map comparison (the API adds `kind` fields).
    expect(step('verifyWriteRecord').switch[0].condition).toBe('${check.body.routingPolicy.primaryBackup.primaryTargets.externalEndpoints[0] != addresses[target]}');
    expect(step('updateWriteRecord').try.args.url).toBe(`https://dns.googleapis.com/dns/v1/projects/${PROJECT}/managedZones/zone/rrsets/write.example.com./A`);
    // DNS first (availability), then backups and PITR (hygiene), each verified.
    expect(mainSteps.map((s) => Object.keys(s)[0])).toEqual([
      'init', 'checkTarget', 'pick', 'checkArguments', 'settleReplica', 'describeReplica', 'readDesignation', 'checkReplica', 'fenceIfFailover', 'moveWrites', 'waitForPromotion', 'countConflict',
      'checkOtherWriters', 'markAlreadyPrimary', 'repointWrites', 'readWriteRecord', 'newWritePolicy', 'updateWriteRecord', 'rereadWriteRecord', 'verifyWriteRecord',
      'armGuard', 'describePromoted', 'verifyPromoted', 'checkBackups', 'enableBackups', 'waitForBackups', 'redescribePromoted', 'verifyBackups', 'done',
    ]);
    // Every HTTP call of the definition sits in a try with a retry policy (directly, or in a retried block of steps).
    const unretried: string[] = [];
    let count = 0;
    const walk = (node: unknown, retriedHere: boolean, where: string): void => {
      if (Array.isArray(node)) { node.forEach((n, i) => walk(n, retriedHere, `${where}[${i}]`)); return; }
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (typeof o.call === 'string' && o.call.startsWith('http.')) { count++; if (!retriedHere) unretried.push(where); }
      for (const [k, v] of Object.entries(o)) walk(v, retriedHere || (k === 'try' && o.retry !== undefined), `${where}.${k}`);
    };
    walk(workflow, false, '');
    expect(count).toBeGreaterThan(8);
    expect(unretried).toEqual([]);
  });

  test('the Markdown runbook from the shared renderer, with gcloud commands and the target of each run', () => {
    const md = runbook.markdown;
    expect(md).toContain('# Failover runbook: orders');
    expect(md).toContain(`gcloud sql instances switchover orders-europe-west1 --project=${PROJECT}`);
    expect(md).toContain(`gcloud sql instances promote-replica orders-europe-west1 --project=${PROJECT} --failover`);
    expect(md).toMatch(/gcloud dns record-sets update write\.example\.com\. \\\n\s+--type=A --ttl=30 --zone=zone/);
    const switchover = runbook.model.procedures.find((p) => p.id === 'switchover')!.steps.find((st) => st.kind === 'database-switchover')!;
    expect(switchover.commands![0].command).toBe(`gcloud workflows run ${runbook.workflowName} --project=${PROJECT} --location=europe-west1 \\\n  --data='{"mode": "switchover", "target": "europe-west1"}'`);
    expect(md).not.toMatch(/TfToken|\$\{/);
  });

  test('the manual procedures move DNS first, then restore backups + PITR with explicit, valid settings, like the workflow', () => {
    for (const id of ['manual-failover', 'manual-switchover'] as const) {
      const proc = runbook.model.procedures.find((p) => p.id === id)!;
      const titles = proc.steps.map((st) => st.title);
      const dns = titles.indexOf('Point the write record at the new primary region');
      const backups = titles.findIndex((x) => x.startsWith('Restore backups and point-in-time recovery'));
      expect([id, dns >= 0, backups > dns]).toEqual([id, true, true]);
      const patch = proc.steps[backups].commands![0].command;
      expect(patch).toContain('--retained-backups-count=21');
      expect(patch).toContain('--retained-transaction-log-days=14');
      expect(patch).toContain('--enable-point-in-time-recovery');
    }
    expect(runbook.markdown).toContain('if the execution still fails, run the same command again');
  });

  test('the drill: switch over and back, each followed by the checks with this deployment\'s expected values', () => {
    const drill = runbook.model.procedures.find((p) => p.id === 'drill')!;
    const moves = drill.steps.filter((st) => st.kind === 'database-switchover');
    expect(moves.map((st) => st.commands![0].command)).toEqual([
      expect.stringContaining('--data=\'{"mode": "switchover", "target": "europe-west1"}\''),
      expect.stringContaining('--data=\'{"mode": "switchover", "target": "us-central1"}\''),
    ]);
    const titles = drill.steps.map((st) => st.title);
    const there = titles.indexOf('Switch over to europe-west1');
    const back = titles.indexOf('Switch back to us-central1');
    // After each move: writer region, replication lag, router route + DNS, write endpoint, backups/PITR.
    for (const [from, to, writer, former, address] of [[there, back, 'europe-west1', 'orders', '203.0.113.11'], [back, titles.length, 'us-central1', 'orders-europe-west1', '203.0.113.10']] as const) {
      const checks = drill.steps.slice(from + 1, to).filter((st) => st.kind === 'verification');
      expect(checks.map((c) => c.title)).toEqual([
        `Writer region: ${writer}`,
        `Replication lag of ${former}`,
        'Router route and DNS answer of write.example.com.',
        'Database write endpoint',
        `Backups and point-in-time recovery on ${writer === 'us-central1' ? 'orders' : 'orders-europe-west1'}`,
      ]);
      expect(checks[2].expect).toContain(`the primary target is ${address} (${writer})`);
      expect(checks[3].expect).toContain('.global.sql-psa.goog.');
      expect(checks[4].expect).toBe('enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 14, retainedBackups: 21, availabilityType: REGIONAL, deletionProtectionEnabled: true');
    }
    expect(drill.steps[0].title).toBe('Check replication lag');
    expect(drill.steps.find((st) => st.title === 'The DR replica orders-europe-west1 is designated')!.expect).toBe('True');
  });

  test('the failback starts with the precondition that the former primary has rejoined, and ends by restoring the configuration', () => {
    const failback = runbook.model.procedures.find((p) => p.id === 'failback')!;
    expect(failback.steps[0]).toMatchObject({
      kind: 'precondition',
      title: 'orders has rejoined as a replica of orders-europe-west1',
      expect: `READ_REPLICA_INSTANCE RUNNABLE us-central1 ${PROJECT}:orders-europe-west1`,
    });
    expect(failback.steps[0].commands![0].command).toBe(`gcloud sql instances describe orders --project=${PROJECT} --format='value(instanceType,state,region,masterInstanceName)'`);
    expect(failback.steps[failback.steps.length - 1]).toMatchObject({ kind: 'configuration', title: 'Restore the configuration: us-central1 writes, then apply' });
  });

  test('after a failover or switchover, the configuration step swaps the roles, keeps stacks and names, and plans the new writer first', () => {
    const step = runbook.model.procedures.find((p) => p.id === 'failover')!.steps.find((st) => st.kind === 'configuration')!;
    expect(step.title).toBe('Make the configuration say that europe-west1 writes, then apply');
    expect(step.commands!.map((c) => c.command)).toEqual([
      'GCP_PRIMARY_REGION=europe-west1 GCP_REPLICA_REGIONS=us-central1 \\\n  npx ts-node --transpile-only examples/gcp/main.ts',
      ...['Replica', 'Primary', 'Router', 'Runbook'].map((s) => `terraform -chdir=cdktf.out/stacks/${s} init -input=false && terraform -chdir=cdktf.out/stacks/${s} plan`),
    ]);
    expect(step.expect).toBe('every plan: 0 to destroy, no "must be replaced"; the router and runbook stacks only change their defaults');
  });

  test('the second apply of the DR designation is stated once, with the stacks in order', () => {
    expect(runbook.markdown).toContain('The DR replica designation needs a second apply of the primary\'s stack (Primary), because Cloud SQL accepts only an existing replica and the replica is created after the primary: apply Primary, then Replica, then Primary again. The output DrReplicaDesignation says which apply is next');
  });

  test('the runbook prints what is true about the write endpoint in each state', () => {
    expect(runbook.markdown).toContain('Database write endpoint: PSA write endpoint (a DNS name ending in .global.sql-psa.goog.): follows the writes');
    expect(runbook.markdown).not.toContain('Point applications at the new primary');
    // A plain replica: the private IP stays on the former primary; every failover path re-points applications.
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const rb = new FailoverRunbook(stack, 'Runbook', { primary, replicas: [replica] });
    expect(rb.markdown).toContain('Database write endpoint: Private IP of this primary. It does not move');
    for (const id of ['switchover', 'failover', 'manual-failover'] as const) {
      const titles = rb.model.procedures.find((p) => p.id === id)!.steps.map((st) => st.title);
      expect([id, titles]).toEqual([id, expect.arrayContaining(['Point applications at the new primary'])]);
    }
    expect(rb.markdown).toContain("gcloud sql instances describe orders-europe-west1 --project=test-project --format='value(ipAddresses[0].ipAddress)'");
  });

  test('a plain replica: promotion only (failover by default), backups turned on after promotion with its region\'s settings', () => {
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const rb = new FailoverRunbook(stack, 'Runbook', { primary, replicas: [replica] });
    const wf = JSON.parse(rb.workflowSource);
    const names = wf.main.steps.map((s: object) => Object.keys(s)[0]);
    expect(names).toContain('enableBackups');
    expect(names).not.toContain('updateWriteRecord');
    const regions = wf.main.steps[0].init.assign.find((a: object) => 'regions' in a).regions;
    expect(regions['europe-west1']).toMatchObject({ dr: false, defaultMode: 'failover', logDays: 7, retained: 14 });
    // Every region of the topology is known, even without a ReadReplicaRegion for it.
    expect(regions['asia-southeast1']).toMatchObject({ name: 'orders-asia-southeast1' });
    const patch = wf.main.steps.find((st: object) => 'enableBackups' in st).enableBackups.try.steps[0].patchBackups.try.args.body.settings.backupConfiguration;
    expect(patch).toEqual({ enabled: true, startTime: '${facts.startTime}', pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: '${facts.logDays}', backupRetentionSettings: { retainedBackups: '${facts.retained}', retentionUnit: 'COUNT' } });
  });

  test('a DR replica the primary never designates (drReplicaDesignated: false) is promoted, not switched over', () => {
    const app = new App();
    const primary = new PrimaryRegion(new TerraformStack(app, 'Primary'), 'Db', {
      project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders',
      edition: 'ENTERPRISE_PLUS', drReplicaRegion: 'europe-west1', drReplicaDesignated: false, transactionLogRetentionDays: 21,
    });
    const replica = new ReadReplicaRegion(new TerraformStack(app, 'Replica'), 'Db', { primary, region: 'europe-west1', disasterRecovery: true });
    const rb = new FailoverRunbook(new TerraformStack(app, 'Runbook'), 'Runbook', { primary, replicas: [replica] });
    const regions = JSON.parse(rb.workflowSource).main.steps[0].init.assign.find((a: object) => 'regions' in a).regions;
    expect(regions['europe-west1']).toMatchObject({ dr: false, defaultMode: 'failover', logDays: 21, retained: 28 });
    expect(rb.markdown).not.toContain('gcloud sql instances switchover');
    expect(primary.writeEndpointFollowsFailover).toBe(false);
    expect(rb.markdown).toContain('Point applications at the new primary');
    expect(warningsOf(rb)).toEqual(["the DR replica 'orders-europe-west1' is never designated on the primary (drReplicaDesignated: false): the workflow promotes it instead of switching over"]);
  });

  test('internal load balancer targets: the verification compares the load balancer address', () => {
    const { stack, primary } = topology({ phase: 3 });
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
    const router = new GlobalRouter(stack, 'Router', {
      primary, managedZone: 'private', zoneDnsName: 'internal.example.',
      targets: ['us-central1', 'europe-west1'].map((region, i) => ({ region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: `projects/${PROJECT}/global/networks/orders-vpc` } })),
      trickleRatio: 0.1,
    });
    const wf = JSON.parse(new FailoverRunbook(stack, 'Runbook', { primary, replicas: [replica], router }).workflowSource);
    const verify = wf.main.steps.find((st: object) => 'verifyWriteRecord' in st).verifyWriteRecord;
    expect(verify.switch[0].condition).toBe('${check.body.routingPolicy.primaryBackup.primaryTargets.internalLoadBalancers[0].ipAddress != addresses[target]}');
    const init = wf.main.steps[0].init.assign;
    expect(init.find((a: object) => 'addresses' in a).addresses).toEqual({ 'us-central1': '10.0.0.5', 'europe-west1': '10.0.1.5' });
    const policy = init.find((a: object) => 'policies' in a).policies['europe-west1'];
    expect(policy.primaryBackup.trickleTraffic).toBe(0.1);
    expect(policy.primaryBackup.primaryTargets.internalLoadBalancers[0].networkUrl).toBe(`https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/orders-vpc`);
  });

  test('the fence in the runbook: the automated failover says the workflow fences first; the manual one fences before promoting', () => {
    const failover = runbook.model.procedures.find((p) => p.id === 'failover')!.steps.map((st) => st.kind);
    expect(failover.indexOf('fence')).toBeLessThan(failover.indexOf('database-failover'));
    const manual = runbook.model.procedures.find((p) => p.id === 'manual-failover')!;
    expect(manual.steps[0]).toMatchObject({ kind: 'fence', title: 'Fence orders (if its API answers)' });
    expect(manual.steps[0].commands![0].command).toBe(`gcloud sql instances patch orders --project=${PROJECT} --activation-policy=NEVER`);
    // A switchover never fences (checked by core's validateRunbook too).
    expect(runbook.model.procedures.find((p) => p.id === 'switchover')!.steps.map((st) => st.kind)).not.toContain('fence');
  });

  test('"The lost region is back": fence before anything else, keep what only the former primary has, rebuild, disarm', () => {
    const recover = runbook.model.procedures.find((p) => p.id === 'recover-region')!;
    expect(recover.steps.map((st) => [st.kind, st.title])).toEqual([
      ['fence', 'Fence orders before anything else'],
      ['precondition', 'Keep the writes only orders has — never silently'],
      ['configuration', 'Rebuild us-central1 as a replica of orders-europe-west1'],
      ['verification', 'Disarm the split-brain alert and delete the clone'],
    ]);
    expect(recover.steps[1].commands![0].command).toBe(`gcloud sql instances clone orders orders-split --project=${PROJECT}`);
    expect(runbook.model.decisions).toContainEqual({ situation: 'us-central1 answers again after an unplanned failover', use: 'recover-region', because: 'fence first: the former primary may be writable' });
    expect(runbook.markdown).toContain('## The lost region is back');
  });

  describe('bad input', () => {
    test('a workflow only in the primary region', () => {
      const d = drTopology();
      expect(errorOf(() => new FailoverRunbook(d.runbookStack, 'Runbook', { primary: d.primary, replicas: [d.replica], regions: ['us-central1'] } as FailoverRunbookProps))).toBe(
        "FailoverRunbook 'Runbook/Runbook': regions ['us-central1'] only has the primary's region, so the runbook would be lost with it; add a region other than 'us-central1', e.g. 'europe-west1'");
    });

    test('a standby region that is not a replica region of the deployment', () => {
      const d = drTopology();
      expect(errorOf(() => new FailoverRunbook(d.runbookStack, 'Runbook', { primary: d.primary, replicas: [d.replica], standbyRegion: 'asia-southeast1' }))).toBe(
        "FailoverRunbook 'Runbook/Runbook': standbyRegion 'asia-southeast1' is not the region of one of the replicas (europe-west1): the writes can only move to a replica of the deployment; set standbyRegion to one of 'europe-west1', or add a ReadReplicaRegion in 'asia-southeast1' first");
    });

    test('no replica at all', () => {
      const d = drTopology();
      expect(errorOf(() => new FailoverRunbook(d.runbookStack, 'Runbook', { primary: d.primary, replicas: [] }))).toBe(
        "FailoverRunbook 'Runbook/Runbook': replicas is empty: there is no replica to move the writes to; pass the ReadReplicaRegion(s) of the primary: replicas: [replica]");
    });
  });
});
