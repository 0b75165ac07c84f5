/**
 * Phase 5 on Google Cloud, geo-partitioned writes (issue 9, mode 1): each
 * partition is a Cloud SQL primary in its home region with replicas, DNS
 * records, a Workflows runbook and alerts only inside its residency; stacks
 * by partition and region, so a switchover inside a partition replaces
 * nothing; every bad input is a synth-time error naming construct, property,
 * value and fix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCliArgs } from '../../lib/router/cli';
import { createRouterServer } from '../../lib/router/server';
import { App, TerraformStack, Testing } from 'cdktf';
import { DeployedResource, findReplacements, formatReplacementFindings } from '../../lib/core';
import {
  DeploymentNetwork, GCP_REPLACEMENT_RULES, GeoPartitionedDatabase, GeoPartitionedDatabaseProps, GeoPartitionSpec, PrimaryRegion,
  ReadReplicaRegion, FailoverRunbook, GlobalRouter, RouterTarget, terraformResources,
} from '../../lib/gcp';
import { errorOf, PROJECT } from './helpers';

const EU = { name: 'EU personal data', allowedRegions: ['europe-west1', 'europe-west3', 'europe-west4', 'europe-north1'] };
const REGIONS = ['europe-west1', 'europe-west4', 'us-central1', 'us-east1', 'asia-southeast1'];
const endpoints = REGIONS.map((region, i) => ({ region, target: RouterTarget.fromIpAddress(`203.0.113.${10 + i}`) }));
const eu: GeoPartitionSpec = { name: 'eu', homeRegion: 'europe-west1', replicaRegions: ['europe-west4'], residency: EU };
const us: GeoPartitionSpec = { name: 'us', homeRegion: 'us-central1', replicaRegions: ['us-east1'] };

type Doc = { resource: Record<string, Record<string, any>> };

function build(partitions: readonly GeoPartitionSpec[], extra: Partial<GeoPartitionedDatabaseProps> = {}) {
  const app = new App({ outdir: 'cdktf.out', stackTraces: false });
  const network = new DeploymentNetwork(new TerraformStack(app, 'orders-network'), 'Network', { project: PROJECT, networkName: 'orders-vpc' });
  const db = new GeoPartitionedDatabase(app, 'orders', {
    project: PROJECT, network, zone: { name: 'zone', dnsName: 'example.com.' }, endpoints, partitions, writeFiles: false, ...extra,
  });
  return { app, db, network };
}

function synthAll(app: App): Record<string, Doc> {
  return Object.fromEntries(app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => [s.node.id, JSON.parse(Testing.synth(s, true)) as Doc]));
}

const bodies = (doc: Doc | undefined, type: string): any[] => Object.values(doc?.resource[type] ?? {});

describe('each partition: a hardened Cloud SQL primary in its home region, replicas, records and a runbook of its own', () => {
  const { app, db } = build([eu, us]);
  const docs = synthAll(app);

  test('stacks are named by partition and region (never by role), plus a router and a runbook stack per partition', () => {
    expect(db.stacks.map((s) => s.node.id)).toEqual([
      'orders-eu-europe-west1', 'orders-eu-europe-west4', 'orders-eu-router', 'orders-eu-runbook',
      'orders-us-us-central1', 'orders-us-us-east1', 'orders-us-router', 'orders-us-runbook',
    ]);
    expect(Object.keys(docs).filter((s) => /primary|replica/.test(s))).toEqual([]);
  });

  test('the home region holds a phase-5 primary (geo-partitioned), hardened as in phase 1; the instance is named by partition and region', () => {
    const primary = db.partitions[0].primary;
    expect(primary.topology).toMatchObject({ phase: 5, primaryRegion: 'europe-west1', replicaRegions: ['europe-west4'], residency: EU });
    expect(primary.writeMode).toBe('geo-partitioned');
    const [instance] = bodies(docs['orders-eu-europe-west1'], 'google_sql_database_instance');
    expect(instance).toMatchObject({
      name: 'orders-eu-europe-west1', region: 'europe-west1', deletion_protection: true,
      settings: {
        availability_type: 'REGIONAL', deletion_protection_enabled: true, user_labels: { mrc_partition: 'eu' },
        backup_configuration: { enabled: true, point_in_time_recovery_enabled: true },
        ip_configuration: { ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY', private_network: `projects/${PROJECT}/global/networks/orders-vpc` },
      },
    });
    const [replica] = bodies(docs['orders-eu-europe-west4'], 'google_sql_database_instance');
    expect(replica).toMatchObject({ name: 'orders-eu-europe-west4', region: 'europe-west4', master_instance_name: 'orders-eu-europe-west1', deletion_protection: true });
  });

  test('replica-lag alerts per partition, on the notification channels', () => {
    const { app: app2 } = build([eu, us], { notificationChannels: ['projects/p/notificationChannels/1'], replicationLagAlarmThresholdSeconds: 20 });
    const d = synthAll(app2);
    for (const [stack, instance] of [['orders-eu-europe-west4', 'orders-eu-europe-west4'], ['orders-us-us-east1', 'orders-us-us-east1']]) {
      const lag = bodies(d[stack], 'google_monitoring_alert_policy').find((a) => /lag above/.test(a.display_name));
      expect(lag).toMatchObject({ display_name: `Cloud SQL replica ${instance} lag above 20s`, notification_channels: ['projects/p/notificationChannels/1'] });
      expect(lag.conditions[0].condition_threshold.filter).toContain(`resource.labels.database_id = "${PROJECT}:${instance}"`);
    }
  });

  test('write.<partition>: primary-backup from the home region to the standby; read.<partition>: geo over the partition\'s regions only', () => {
    const records = bodies(docs['orders-eu-router'], 'google_dns_record_set');
    const write = records.find((r) => r.name === 'write.eu.example.com.');
    expect(write.routing_policy.primary_backup).toEqual({
      trickle_ratio: 0,
      primary: { external_endpoints: ['203.0.113.10'] },
      backup_geo: [{ location: 'europe-west4', health_checked_targets: { external_endpoints: ['203.0.113.11'] } }],
    });
    const read = records.find((r) => r.name === 'read.eu.example.com.');
    expect(read.routing_policy.geo.map((g: any) => g.location)).toEqual(['europe-west1', 'europe-west4']);
    expect(bodies(docs['orders-us-router'], 'google_dns_record_set').map((r) => r.name).sort()).toEqual(['read.us.example.com.', 'write.us.example.com.']);
  });

  test('a Workflows runbook per partition: deployed in its regions, moving writes only between its own instances', () => {
    const workflows = bodies(docs['orders-eu-runbook'], 'google_workflows_workflow');
    expect(workflows.map((w) => [w.name, w.region])).toEqual([['orders-eu-failover', 'europe-west1'], ['orders-eu-failover', 'europe-west4']]);
    const source = JSON.parse(String(workflows[0].source_contents).replace(/\$\$\{/g, '${'));
    const regions = source.main.steps[0].init.assign.find((a: any) => a.regions).regions;
    expect(Object.keys(regions).sort()).toEqual(['europe-west1', 'europe-west4']);
    const admin = bodies(docs['orders-eu-runbook'], 'google_project_iam_member').find((m) => m.role === 'roles/cloudsql.admin');
    expect(admin.condition.expression).toBe(`resource.type == 'sqladmin.googleapis.com/Instance' && (resource.name == 'projects/${PROJECT}/instances/orders-eu-europe-west1' || resource.name == 'projects/${PROJECT}/instances/orders-eu-europe-west4')`);
  });

  test('the router\'s partition map: each partition to its own write and read hostnames', () => {
    expect(db.partitionRouterConfig()).toEqual({
      eu: { write: 'https://write.eu.example.com', read: ['https://read.eu.example.com'] },
      us: { write: 'https://write.us.example.com', read: ['https://read.us.example.com'] },
    });
  });

  test('the router accepts the map as it is written for --partitions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcp-partitions-'));
    try {
      const file = path.join(dir, db.routerConfigFileName);
      fs.writeFileSync(file, JSON.stringify(db.partitionRouterConfig()));
      const parsed = parseCliArgs(['--listen', '127.0.0.1:8080', '--partitions', file, '--partition-source', 'header:x-partition']);
      if (parsed === 'help') throw new Error('unexpected --help');
      expect(() => createRouterServer(parsed.options)).not.toThrow();
      expect(Object.keys(parsed.options.partitioning!.partitions)).toEqual(['eu', 'us']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('blast radius per region from core: losing europe-west1 fails eu over and leaves us untouched', () => {
    expect(db.blastRadius().find((r) => r.region === 'europe-west1')).toEqual({
      region: 'europe-west1', mustFailOver: ['eu'], writesLost: [], readsServedElsewhere: ['eu'], readsLost: [], unaffected: ['us'],
    });
    expect(db.overviewMarkdown).toContain('| europe-west1 | eu | — | eu | — | us |');
  });
});

describe('residency: a partition limited to EU regions gets nothing outside them', () => {
  const { app } = build([eu, us]);
  const docs = synthAll(app);
  const euStacks = Object.keys(docs).filter((s) => s.startsWith('orders-eu-'));
  const allowed = (r: string) => EU.allowedRegions.includes(r);

  test('instances, replicas, DNS targets, runbook targets and workflow regions (and the health check\'s probes)', () => {
    const instanceRegions = euStacks.flatMap((s) => bodies(docs[s], 'google_sql_database_instance').map((i) => i.region));
    const dnsLocations = bodies(docs['orders-eu-router'], 'google_dns_record_set').flatMap((r) => [
      ...(r.routing_policy.geo ?? []).map((g: any) => g.location),
      ...(r.routing_policy.primary_backup?.backup_geo ?? []).map((g: any) => g.location),
    ]);
    const dnsTargets = JSON.stringify(bodies(docs['orders-eu-router'], 'google_dns_record_set'));
    const workflows = bodies(docs['orders-eu-runbook'], 'google_workflows_workflow');
    const targets = Object.keys(JSON.parse(String(workflows[0].source_contents).replace(/\$\$\{/g, '${')).main.steps[0].init.assign.find((a: any) => a.regions).regions);
    const probes = bodies(docs['orders-eu-router'], 'google_compute_health_check')[0].source_regions;
    for (const r of [...instanceRegions, ...dnsLocations, ...workflows.map((w) => w.region), ...targets, ...probes]) expect(allowed(r) ? r : `outside: ${r}`).toBe(r);
    // The endpoints of the other regions are not in the EU partition's records at all.
    for (const ip of ['203.0.113.12', '203.0.113.13', '203.0.113.14']) expect(dnsTargets).not.toContain(ip);
  });

  test('a partition without a rule keeps the router\'s default probes (three continents)', () => {
    expect(bodies(docs['orders-us-router'], 'google_compute_health_check')[0].source_regions).toEqual(['us-central1', 'europe-west1', 'asia-southeast1']);
  });
});

describe('day two: a switchover inside a partition, then the role swap in the configuration, replaces nothing', () => {
  const resources = (partitions: readonly GeoPartitionSpec[], extra: Partial<GeoPartitionedDatabaseProps> = {}): DeployedResource[] => terraformResources(synthAll(build(partitions, extra).app));
  const euSwapped: GeoPartitionSpec = { ...eu, homeRegion: 'europe-west4', replicaRegions: ['europe-west1'] };

  test.each([['Enterprise', {}], ['Enterprise Plus (DR replica)', { edition: 'ENTERPRISE_PLUS' as const }]])('%s: same stacks, same addresses, no ForceNew argument changed (findReplacements with the GCP rules)', (_name, extra) => {
    const before = resources([eu, us], extra);
    const after = resources([euSwapped, us], extra);
    expect(formatReplacementFindings(findReplacements(before, after, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true }))).toBe('');
    // And the failback is the same swap the other way.
    expect(formatReplacementFindings(findReplacements(after, before, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true }))).toBe('');
    const instances = (rs: DeployedResource[]) => rs.filter((r) => r.type === 'google_sql_database_instance').map((r) => [r.stack, r.address, r.properties.name, r.properties.region]).sort();
    expect(instances(after)).toEqual(instances(before));
    const europeWest1 = after.find((r) => r.type === 'google_sql_database_instance' && r.properties.region === 'europe-west1')!;
    expect(europeWest1.properties.master_instance_name).toBe('orders-eu-europe-west4');
  });

  test('the check can fail here: a partition that renames its instances by role is reported instance by instance', () => {
    const before = resources([{ ...eu, instanceNames: { 'europe-west1': 'eu-primary', 'europe-west4': 'eu-replica' } }, us]);
    const after = resources([{ ...euSwapped, instanceNames: { 'europe-west4': 'eu-primary', 'europe-west1': 'eu-replica' } }, us]);
    const messages = formatReplacementFindings(findReplacements(before, after, GCP_REPLACEMENT_RULES));
    expect(messages).toContain("google_sql_database_instance orders-eu-europe-west1/google_sql_database_instance.Database_Instance_02E622FB: create-only property name changes from 'eu-primary' to 'eu-replica'");
    expect(messages).toContain("google_sql_database_instance orders-eu-europe-west4/google_sql_database_instance.Database_Instance_02E622FB: create-only property name changes from 'eu-replica' to 'eu-primary'");
  });

  test('adding a partition only adds stacks', () => {
    const asia: GeoPartitionSpec = { name: 'apac', homeRegion: 'asia-southeast1', replicaRegions: ['us-east1'], instanceNames: { 'us-east1': 'orders-apac-us-east1' } };
    const before = resources([eu, us]);
    const after = resources([eu, us, asia]);
    expect(formatReplacementFindings(findReplacements(before, after, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true }))).toBe('');
  });
});

describe('bad input: each a synth-time error naming construct, property, value and fix', () => {
  const error = (partitions: readonly GeoPartitionSpec[], extra: Partial<GeoPartitionedDatabaseProps> = {}) => errorOf(() => build(partitions, extra));

  test('a partition home region that Cloud SQL does not serve', () => {
    expect(error([{ ...eu, homeRegion: 'europe-west5' as string }])).toBe(
      "GeoPartitionedDatabase 'orders': partitions[0].homeRegion 'europe-west5' is not a region where Cloud SQL runs (https://cloud.google.com/sql/docs/postgres/locations), so partition 'eu' cannot have its primary there; choose a Cloud SQL region inside the residency rule 'EU personal data': europe-north1, europe-west1, europe-west3, europe-west4",
    );
  });

  test('a replica outside the partition\'s allowed regions', () => {
    expect(error([{ ...eu, replicaRegions: ['europe-west4', 'us-east1'] }])).toBe(
      "GeoPartitionedDatabase 'orders': partitions[0].replicaRegions[1] 'us-east1' may not hold a copy of partition 'eu' under the residency rule 'EU personal data' (allowed: europe-west1, europe-west3, europe-west4, europe-north1); remove the region or choose one the residency rule allows",
    );
  });

  test('a home region outside the residency', () => {
    expect(error([{ ...eu, homeRegion: 'us-central1' }])).toContain("partitions[0].homeRegion 'us-central1' is outside the regions partition 'eu' may use under the residency rule 'EU personal data'");
  });

  test('a partition with no standby (phase 5 fails writes over)', () => {
    expect(error([{ ...eu, replicaRegions: [] }])).toBe(
      "GeoPartitionedDatabase 'orders': partition 'eu' has no standby region inside its residency rule 'EU personal data', but phase 5 fails writes over to a standby; add a replica region the rule allows (europe-west1, europe-west3, europe-west4, europe-north1) other than 'europe-west1'",
    );
  });

  test('a region of a partition without an application endpoint', () => {
    expect(error([eu], { endpoints: endpoints.filter((e) => e.region !== 'europe-west4') })).toBe(
      "GeoPartitionedDatabase 'orders': endpoints has no endpoint in europe-west4, a region of partition 'eu', so its records could not send traffic there; add { region: 'europe-west4', target: RouterTarget.fromIpAddress('<ip>') } to endpoints",
    );
  });

  test('a workflow region outside the partition\'s residency', () => {
    expect(error([{ ...eu, runbookRegions: ['europe-west4', 'us-central1'] }])).toBe(
      "GeoPartitionedDatabase 'orders': partitions[0].runbookRegions[1] 'us-central1' is outside the residency rule 'EU personal data' of partition 'eu' (allowed: europe-west1, europe-west3, europe-west4, europe-north1); deploy the partition's workflow in its own regions (europe-west1, europe-west4)",
    );
  });

  test('two partitions with one instance name', () => {
    expect(error([{ ...eu, instanceNames: { 'europe-west4': 'shared' } }, { ...us, instanceNames: { 'us-east1': 'shared' } }])).toContain(
      "partitions[1].instanceNames.us-east1 gives 'shared' to two instances (eu/europe-west4 and us/us-east1); give every instance of every partition its own name",
    );
  });

  test('a missing required property', () => {
    expect(errorOf(() => new GeoPartitionedDatabase(new App(), 'orders', { project: PROJECT } as unknown as GeoPartitionedDatabaseProps))).toContain("GeoPartitionedDatabase 'orders': partitions is missing; pass partitions:");
  });
});

describe('PrimaryRegion at phase 5: the write mode is explicit, and Cloud SQL only does geo-partitioned', () => {
  const primary = (extra: Record<string, unknown>) => errorOf(() => new PrimaryRegion(new TerraformStack(new App(), 'S'), 'Db', {
    project: PROJECT, region: 'europe-west1', replicaRegions: ['europe-west4'], instanceName: 'orders', ...extra,
  }));

  test('phase 5 without a mode', () => {
    expect(primary({ phase: 5 })).toBe(
      "PrimaryRegion 'S/Db': writeMode is not set, and phase 5 has no default: the two ways to write in several regions differ in cost, engine and what the application must do; set writeMode to 'geo-partitioned' (one home region per partition on Cloud SQL, GeoPartitionedDatabase) or 'active-active' (Cloud Spanner, ActiveActiveDatabase, strongly consistent writes in several regions)",
    );
  });

  test('last-write-wins requested', () => {
    expect(primary({ phase: 5, writeMode: 'last-write-wins' })).toBe(
      "PrimaryRegion 'S/Db': writeMode 'last-write-wins' asks for asynchronous multi-writer replication with last-write-wins, which no managed relational engine on Google Cloud offers (and which silently discards one of two concurrent writes); set writeMode to 'geo-partitioned' (one home region per partition on Cloud SQL, GeoPartitionedDatabase) or 'active-active' (Cloud Spanner, ActiveActiveDatabase, strongly consistent writes in several regions)",
    );
  });

  test('active-active on Cloud SQL points at Spanner', () => {
    expect(primary({ phase: 5, writeMode: 'active-active' })).toBe(
      "PrimaryRegion 'S/Db': writeMode 'active-active' needs a writer in several regions, but a Cloud SQL instance is the only writer of its data (its replicas are read-only); use ActiveActiveDatabase (Cloud Spanner, multi-region configuration) for strongly consistent writes in several regions, or split the data into partitions with GeoPartitionedDatabase (writeMode 'geo-partitioned', one home region per partition)",
    );
  });

  test('a write mode before phase 5', () => {
    expect(primary({ phase: 4, writeMode: 'geo-partitioned' })).toBe("PrimaryRegion 'S/Db': writeMode 'geo-partitioned' is set, but phase 4 writes in one region; remove writeMode, or set phase: 5");
  });

  test('a hand-built partition (PrimaryRegion + replicas + router + runbook, writeMode geo-partitioned) synthesizes; the app-wide phase check still applies', () => {
    const app = new App();
    const stack = new TerraformStack(app, 'S');
    const p = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'europe-west1', replicaRegions: ['europe-west4'], instanceName: 'orders', phase: 5, writeMode: 'geo-partitioned' });
    expect(app.node.validate().join('\n')).toMatch(/phase 5 \(active-active or geo-partitioned writes\) needs failover automation, but the app has no FailoverRunbook for this primary/);
    const replica = new ReadReplicaRegion(stack, 'Replica', { primary: p, region: 'europe-west4' });
    const router = new GlobalRouter(stack, 'Router', { primary: p, zone: { name: 'z', dnsName: 'example.com.' }, endpoints: endpoints.slice(0, 2) });
    new FailoverRunbook(stack, 'Runbook', { primary: p, replicas: [replica], router, writeRunbook: false });
    expect(app.node.validate()).toEqual([]);
  });
});

test('FailoverRunbook: a workflow region outside the data\'s residency is refused (any phase)', () => {
  const stack = new TerraformStack(new App(), 'S');
  const p = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'europe-west1', replicaRegions: ['europe-west4'], instanceName: 'orders', residency: EU });
  const replica = new ReadReplicaRegion(stack, 'Replica', { primary: p, region: 'europe-west4' });
  expect(errorOf(() => new FailoverRunbook(stack, 'Runbook', { primary: p, replicas: [replica], regions: ['europe-west4', 'us-central1'], writeRunbook: false }))).toBe(
    "FailoverRunbook 'S/Runbook': regions[1] 'us-central1' is outside the residency rule 'EU personal data' of the data (allowed: europe-west1, europe-west3, europe-west4, europe-north1): the workflow's definition names its instances and its executions log their state, in 'us-central1'; deploy the workflow in regions the rule allows, e.g. the standby 'europe-west4'",
  );
});
