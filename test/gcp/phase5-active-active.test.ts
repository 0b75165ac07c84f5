/**
 * Phase 5 on Google Cloud, active-active with strong consistency (issue 9,
 * mode 2): a Cloud Spanner instance in a multi-region configuration chosen
 * from the regions and the residency, its database with the default leader
 * in the region of most writes, point-in-time recovery, a backup schedule,
 * drop protection, alerts; every bad input a synth-time error; moving the
 * leader on day two replaces nothing.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { findReplacements, formatReplacementFindings } from '../../lib/core';
import {
  ActiveActiveDatabase, ActiveActiveDatabaseProps, GCP_REPLACEMENT_RULES, SPANNER_MULTI_REGION_CONFIGS, terraformResources,
} from '../../lib/gcp';
import { errorOf, only, PROJECT, synthJson } from './helpers';

const EU = { name: 'EU personal data', allowedRegions: ['europe-west1', 'europe-west3', 'europe-west4', 'europe-north1', 'europe-west6'] };
const EU_STRICT = { name: 'EU only', allowedRegions: ['europe-west1', 'europe-west3', 'europe-west4', 'europe-north1'] };

function synth(props: Partial<ActiveActiveDatabaseProps>) {
  let db!: ActiveActiveDatabase;
  const { json } = synthJson((scope) => { db = new ActiveActiveDatabase(scope, 'Ledger', { project: PROJECT, instanceName: 'ledger-eu', ...props }); });
  return { db, json };
}
const error = (props: Partial<ActiveActiveDatabaseProps>) => errorOf(() => new ActiveActiveDatabase(new TerraformStack(new App(), 'S'), 'Ledger', { project: PROJECT, instanceName: 'ledger-eu', ...props }));

describe('defaults: Enterprise Plus multi-region instance, protected database, PITR, daily backups, alerts', () => {
  const { db, json } = synth({ regions: ['europe-west1', 'europe-west4'], residency: EU, notificationChannels: ['projects/p/notificationChannels/1'] });

  test('the configuration is chosen from the regions and the residency: eur3, leader europe-west1', () => {
    expect(db.instanceConfig.name).toBe('eur3');
    expect(db.defaultLeader).toBe('europe-west1');
    expect(db.regions).toEqual(['europe-west1', 'europe-west4', 'europe-north1']);
  });

  test('instance: Enterprise Plus, 1000 processing units, no implicit backup schedule, backups kept on delete, prevent_destroy', () => {
    expect(only(json, 'google_spanner_instance')).toMatchObject({
      project: PROJECT, name: 'ledger-eu', display_name: 'ledger-eu', config: 'eur3', edition: 'ENTERPRISE_PLUS', processing_units: 1000,
      default_backup_schedule_type: 'NONE', force_destroy: false, lifecycle: { prevent_destroy: true },
    });
  });

  test('database: default leader by DDL, 7 days of point-in-time recovery, drop protection and Terraform deletion protection', () => {
    expect(only(json, 'google_spanner_database')).toMatchObject({
      name: 'main', database_dialect: 'GOOGLE_STANDARD_SQL', version_retention_period: '7d',
      ddl: ["ALTER DATABASE `main` SET OPTIONS (default_leader = 'europe-west1')"],
      enable_drop_protection: true, deletion_protection: true,
    });
    expect(only(json, 'google_spanner_database').encryption_config).toBeUndefined();
  });

  test('a daily full backup kept 14 days, encrypted like the database', () => {
    expect(only(json, 'google_spanner_backup_schedule')).toMatchObject({
      name: 'main-full-daily', retention_duration: `${14 * 86400}s`, spec: { cron_spec: { text: '0 3 * * *' } }, full_backup_spec: {},
      encryption_config: { encryption_type: 'USE_DATABASE_ENCRYPTION' },
    });
  });

  test('alerts: the leader region\'s high-priority CPU above 45% (Google\'s per-region maximum), p99 commit latency above 100 ms; on the channels', () => {
    const alerts = Object.values(json.resource.google_monitoring_alert_policy);
    const cpu = alerts.find((a: any) => /CPU/.test(a.display_name)) as any;
    expect(cpu.notification_channels).toEqual(['projects/p/notificationChannels/1']);
    expect(cpu.conditions[0].condition_threshold).toMatchObject({
      filter: 'resource.type = "spanner_instance" AND resource.labels.instance_id = "ledger-eu" AND resource.labels.location = "europe-west1" AND metric.type = "spanner.googleapis.com/instance/cpu/utilization_by_priority" AND metric.labels.priority = "high"',
      comparison: 'COMPARISON_GT', threshold_value: 0.45,
    });
    const latency = alerts.find((a: any) => /commit latency/.test(a.display_name)) as any;
    expect(latency.conditions[0].condition_threshold).toMatchObject({
      filter: 'resource.type = "spanner_instance" AND resource.labels.instance_id = "ledger-eu" AND metric.type = "spanner.googleapis.com/api/request_latencies" AND metric.labels.method = "Commit" AND metric.labels.database = "main"',
      threshold_value: 0.1,
      aggregations: [{ per_series_aligner: 'ALIGN_DELTA', cross_series_reducer: 'REDUCE_PERCENTILE_99' }],
    });
    expect(latency.notification_channels).toEqual(['projects/p/notificationChannels/1']);
  });

  test('the Spanner API is enabled by the stack, and everything waits for it', () => {
    const services = Object.entries(json.resource.google_project_service).map(([k, v]: [string, any]) => [k, v.service]);
    const spanner = services.find(([, s]) => s === 'spanner.googleapis.com')![0];
    for (const type of ['google_spanner_instance', 'google_spanner_database', 'google_spanner_backup_schedule']) {
      expect(only(json, type).depends_on).toContain(`google_project_service.${spanner}`);
    }
  });

  test('conflict model and blast radius come from core', () => {
    expect(db.conflictModel.mode).toBe('active-active');
    expect(db.conflictModelMarkdown).toContain('the client libraries retry an aborted transaction from its beginning');
    expect(db.blastRadius().map((r) => r.region)).toEqual(['europe-west1', 'europe-west4', 'europe-north1']);
  });
});

describe('choosing the configuration', () => {
  test('the leader decides between two configurations that serve the regions: europe-west4 first picks eur6', () => {
    expect(synth({ regions: ['europe-west4', 'europe-west3'], residency: EU }).db.instanceConfig.name).toBe('eur6');
    expect(synth({ regions: ['europe-west4'], residency: EU }).db.instanceConfig.name).toBe('eur6');
    expect(synth({ regions: ['europe-west4'], residency: EU, defaultLeader: 'europe-west1' }).db.instanceConfig.name).toBe('eur3');
  });

  test('an EU-only class never gets eur5 (London) or eur6 (Zürich witness) when the rule leaves them out', () => {
    expect(synth({ regions: ['europe-west1'], residency: EU_STRICT }).db.instanceConfig.name).toBe('eur3');
  });

  test('an explicit configuration, a custom one described by its regions, autoscaling and CMEK in every region', () => {
    const keys = { 'us-central1': 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k', 'us-east1': 'projects/p/locations/us-east1/keyRings/r/cryptoKeys/k', 'us-west1': 'projects/p/locations/us-west1/keyRings/r/cryptoKeys/k', 'us-west2': 'projects/p/locations/us-west2/keyRings/r/cryptoKeys/k', 'us-east4': 'projects/p/locations/us-east4/keyRings/r/cryptoKeys/k' };
    const { json } = synth({ instanceConfig: 'nam6', encryptionKeyNames: keys, autoscaling: { minProcessingUnits: 1000, maxProcessingUnits: 3000 } });
    expect(only(json, 'google_spanner_database').encryption_config).toEqual({ kms_key_names: Object.values(keys) });
    expect(only(json, 'google_spanner_instance').autoscaling_config).toEqual({
      autoscaling_limits: { min_processing_units: 1000, max_processing_units: 3000 },
      autoscaling_targets: { high_priority_cpu_utilization_percent: 45, storage_utilization_percent: 90 },
    });
    expect(only(json, 'google_spanner_instance').processing_units).toBeUndefined();
    const custom = synth({ customInstanceConfig: { name: 'custom-eur3-ro', readWriteRegions: ['europe-west1', 'europe-west4'], readOnlyRegions: ['europe-west3'], witnessRegions: ['europe-north1'] }, residency: EU, regions: ['europe-west1', 'europe-west3'] });
    expect(only(custom.json, 'google_spanner_instance').config).toBe('custom-eur3-ro');
  });

  test('the PostgreSQL dialect sets the leader with its own statement', () => {
    expect(only(synth({ regions: ['europe-west1'], dialect: 'POSTGRESQL' }).json, 'google_spanner_database').ddl).toEqual(["ALTER DATABASE \"main\" SET spanner.default_leader = 'europe-west1'"]);
  });

  test('every listed configuration has two read-write regions and no region twice', () => {
    for (const c of Object.values(SPANNER_MULTI_REGION_CONFIGS)) {
      const all = [...c.readWriteRegions, ...(c.readOnlyRegions ?? []), ...(c.witnessRegions ?? [])];
      expect([c.name, c.readWriteRegions.length, new Set(all).size]).toEqual([c.name, 2, all.length]);
    }
  });
});

describe('day two: moving the default leader appends a DDL statement and replaces nothing', () => {
  const resources = (props: Partial<ActiveActiveDatabaseProps>) => {
    const app = new App();
    const stack = new TerraformStack(app, 'ledger');
    new ActiveActiveDatabase(stack, 'Ledger', { project: PROJECT, instanceName: 'ledger-eu', instanceConfig: 'eur3', ...props });
    return terraformResources({ ledger: JSON.parse(Testing.synth(stack)) });
  };
  const before = resources({ defaultLeader: 'europe-west1' });

  test('formerDefaultLeaders keeps the statements already run: the move is an update', () => {
    const after = resources({ defaultLeader: 'europe-west4', formerDefaultLeaders: ['europe-west1'] });
    expect(formatReplacementFindings(findReplacements(before, after, GCP_REPLACEMENT_RULES, { checkStatelessCreateOnly: true }))).toBe('');
    expect(after.find((r) => r.type === 'google_spanner_database')!.properties.ddl).toEqual([
      "ALTER DATABASE `main` SET OPTIONS (default_leader = 'europe-west1')",
      "ALTER DATABASE `main` SET OPTIONS (default_leader = 'europe-west4')",
    ]);
  });

  test('without it the DDL changes and the database would be recreated: the check names it with the provider rule', () => {
    const after = resources({ defaultLeader: 'europe-west4' });
    const [finding] = findReplacements(before, after, GCP_REPLACEMENT_RULES);
    expect(finding).toMatchObject({ reason: 'create-only-changed', type: 'google_spanner_database', property: 'ddl' });
    expect(finding.message).toContain('resourceSpannerDBDdlCustomDiffFunc');
  });

  test('another configuration replaces the instance (config is ForceNew), and prevent_destroy makes that plan fail', () => {
    const findings = findReplacements(before, resources({ instanceConfig: 'eur6', defaultLeader: 'europe-west4' }), GCP_REPLACEMENT_RULES);
    expect(findings.map((f) => `${f.type} ${f.property}`)).toContain('google_spanner_instance config');
  });
});

describe('bad input: each a synth-time error naming construct, property, value and fix', () => {
  test('a configuration whose regions leave the residency class', () => {
    expect(error({ instanceConfig: 'eur5', residency: EU })).toBe(
      "ActiveActiveDatabase 'S/Ledger': instanceConfig 'eur5' keeps copies in europe-west2 (read-write), outside the residency rule 'EU personal data' (allowed: europe-west1, europe-west3, europe-west4, europe-north1, europe-west6); every region of a configuration holds the database's data; choose a configuration whose regions the rule allows: eur3, eur6",
    );
    expect(error({ instanceConfig: 'eur6', residency: EU_STRICT })).toContain("instanceConfig 'eur6' keeps copies in europe-west6 (witness), outside the residency rule 'EU only'");
  });

  test('regions that no configuration inside the residency serves', () => {
    expect(error({ regions: ['europe-west1', 'europe-west3'], residency: EU_STRICT })).toBe(
      "ActiveActiveDatabase 'S/Ledger': regions ['europe-west1', 'europe-west3']: no Spanner multi-region configuration this release knows lies inside the residency rule 'EU only' (allowed: europe-west1, europe-west3, europe-west4, europe-north1) and serves europe-west1, europe-west3 with europe-west1 as a read-write (leader) region; inside it: eur3 (read-write europe-west1, europe-west4; witness europe-north1); name regions one of these serves (a read-write region first), set instanceConfig to one of them, or describe another configuration with customInstanceConfig",
    );
    expect(error({ regions: ['europe-west1'], residency: { name: 'Germany', allowedRegions: ['europe-west3', 'europe-west10'] } })).toContain('none lies inside the rule at all; keep the partitioned mode for this data (GeoPartitionedDatabase');
  });

  test('an unknown configuration name, and a regional one', () => {
    expect(error({ instanceConfig: 'eur4' })).toBe(
      "ActiveActiveDatabase 'S/Ledger': instanceConfig 'eur4' is not a Spanner multi-region configuration this release knows (asia1, eur3, eur5, eur6, nam3, nam6, nam-eur-asia1; https://cloud.google.com/spanner/docs/instance-configurations#multi-region-configurations); check the spelling, or describe the configuration's regions with customInstanceConfig: { name: 'eur4', readWriteRegions: [...], witnessRegions: [...] } (gcloud spanner instance-configs describe eur4 lists them)",
    );
    expect(error({ instanceConfig: 'regional-europe-west1' })).toContain("instanceConfig 'regional-europe-west1' is a regional configuration: its one region cannot survive the loss of that region");
  });

  test.each([
    [1500, '1000 or 2000'], [250, '200 or 300'], [50, '100'], [0, '100'], [2500.5, '2000 or 3000'],
  ])('processing units %p (multiples of 100 below 1000, 1000 above)', (pu, fix) => {
    expect(error({ instanceConfig: 'eur3', processingUnits: pu })).toBe(
      `ActiveActiveDatabase 'S/Ledger': processingUnits ${pu} is not a compute capacity Spanner allows (multiples of 100 below 1000, multiples of 1000 from 1000 on: https://cloud.google.com/spanner/docs/compute-capacity); set processingUnits to ${fix}`,
    );
  });

  test('processing units that are allowed', () => {
    for (const pu of [100, 300, 900, 1000, 4000]) expect(() => synth({ instanceConfig: 'eur3', processingUnits: pu })).not.toThrow();
    expect(error({ instanceConfig: 'eur3', autoscaling: { minProcessingUnits: 1000, maxProcessingUnits: 1500 } })).toContain('autoscaling.maxProcessingUnits 1500 is not a compute capacity Spanner allows');
  });

  test('a default leader that is not a read-write region of the configuration', () => {
    expect(error({ instanceConfig: 'eur3', defaultLeader: 'europe-north1' })).toBe(
      "ActiveActiveDatabase 'S/Ledger': defaultLeader 'europe-north1' is not a read-write region of eur3 (read-write europe-west1, europe-west4; witness europe-north1); the default leader must be one of its read-write regions (https://cloud.google.com/spanner/docs/modifying-leader-region); set defaultLeader to 'europe-west1' or 'europe-west4'",
    );
    expect(error({ instanceConfig: 'nam6', regions: ['us-west1'] })).toContain("regions[0] 'us-west1' is not a read-write region of nam6");
  });

  test('deletion protection turned off without the acknowledgement', () => {
    expect(error({ instanceConfig: 'eur3', deletionProtection: false })).toBe(
      "ActiveActiveDatabase 'S/Ledger': deletionProtection is false: one delete (of the database, or of the instance with it) would destroy every region's copy at once, since all of them are one database; remove deletionProtection: false, or set allowDataLossOnDelete: true to accept losing the data",
    );
    const { json } = synth({ instanceConfig: 'eur3', deletionProtection: false, allowDataLossOnDelete: true });
    expect(only(json, 'google_spanner_database')).toMatchObject({ enable_drop_protection: false, deletion_protection: false });
    expect(only(json, 'google_spanner_instance').lifecycle).toBeUndefined();
  });

  test('an edition that has no multi-region configurations', () => {
    expect(error({ instanceConfig: 'eur3', edition: 'ENTERPRISE' })).toContain("edition 'ENTERPRISE' cannot run a dual-region or multi-region configuration: those are Enterprise Plus only");
  });

  test('customer-managed keys that leave a region of the configuration uncovered', () => {
    expect(error({ instanceConfig: 'eur3', encryptionKeyNames: { 'europe-west1': 'projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k' } })).toContain(
      'encryptionKeyNames has no key for europe-west4, europe-north1 of eur3; the keys of a multi-region database must cover every region of its configuration',
    );
  });

  test('point-in-time recovery and backups below what the ladder and Spanner allow', () => {
    expect(error({ instanceConfig: 'eur3', versionRetentionPeriod: '8d' })).toContain("versionRetentionPeriod '8d' is not a point-in-time recovery window Spanner allows (1 hour to 7 days");
    expect(error({ instanceConfig: 'eur3', backupRetentionDays: 3 })).toContain("backupRetentionDays 3 is outside 7 (the ladder's minimum) to 366");
  });

  test('nothing to choose from', () => {
    expect(error({})).toContain('regions is empty and instanceConfig is not set');
  });
});
