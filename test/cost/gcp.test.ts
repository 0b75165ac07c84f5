/**
 * Google Cloud line items for small known Terraform JSON against figures
 * computed by hand from the price table (lib/cost/prices.json, 2026-11-29):
 * us-central1 Enterprise $0.0413/vCPU-h and $0.007/GB-h, Enterprise Plus
 * $0.0537 and $0.0091, HA ×2, SSD $0.17/GB-month, backups $0.08/GB-month,
 * egress between continents $0.05/GB, alert condition $1.50/month and
 * $0.35 per million time series.
 */
import { estimateCost, sqlMachine } from '../../lib/cost';
import { cdktfOut, cleanup } from './fixtures';

afterAll(cleanup);

const instance = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  google_sql_database_instance: { Db: { name: 'orders', region: 'us-central1', database_version: 'POSTGRES_16', settings: { disk_type: 'PD_SSD', backup_configuration: { enabled: false }, ...settings }, ...extra } },
});
const sum = (e: ReturnType<typeof estimateCost>, item: string) => e.lineItems.filter((i) => i.item === item).reduce((a, i) => a + i.monthly, 0);

test('machine shapes: custom, performance-optimized (8 GB per vCPU), n1', () => {
  expect(sqlMachine('db-custom-2-7680')).toEqual({ vcpu: 2, memoryGb: 7.5 });
  expect(sqlMachine('db-perf-optimized-N-2')).toEqual({ vcpu: 2, memoryGb: 16 });
  expect(sqlMachine('db-n1-standard-4')).toEqual({ vcpu: 4, memoryGb: 15 });
  expect(sqlMachine('db-f1-micro')).toBeUndefined();
});

test('one zonal Enterprise db-custom-2-7680 in us-central1 for a month', () => {
  const e = estimateCost(cdktfOut({ p: { region: 'us-central1', resources: instance({ tier: 'db-custom-2-7680', edition: 'ENTERPRISE', availability_type: 'ZONAL' }) } }));
  expect(sum(e, 'Cloud SQL Enterprise vCPU')).toBeCloseTo(2 * 730 * 0.0413, 10); // 60.298
  expect(sum(e, 'Cloud SQL Enterprise memory')).toBeCloseTo(7.5 * 730 * 0.007, 10); // 38.325
  expect(e.lineItems.find((i) => i.item === 'Cloud SQL SSD storage')).toMatchObject({ quantity: 100, unitPrice: 0.17, assumed: ['database.storageGb = 100'] });
  expect(e.lineItems.map((i) => i.item)).not.toContain('Cloud SQL backups');
});

test('regional HA doubles vCPU, memory and storage', () => {
  const e = estimateCost(cdktfOut({ p: { region: 'us-central1', resources: instance({ tier: 'db-custom-2-7680', availability_type: 'REGIONAL' }) } }));
  expect(sum(e, 'Cloud SQL Enterprise vCPU, HA')).toBeCloseTo(2 * 730 * 0.0413 * 2, 10);
  expect(sum(e, 'Cloud SQL Enterprise memory, HA')).toBeCloseTo(7.5 * 730 * 0.007 * 2, 10);
  expect(sum(e, 'Cloud SQL SSD storage, HA')).toBeCloseTo(100 * 0.17 * 2, 10);
});

test('two Enterprise Plus db-perf-optimized-N-2 HA instances: 2 × (2 vCPU and 16 GB) × 730 h × 2', () => {
  const e = estimateCost(cdktfOut({
    a: { region: 'us-central1', resources: instance({ tier: 'db-perf-optimized-N-2', edition: 'ENTERPRISE_PLUS', availability_type: 'REGIONAL' }) },
    b: { region: 'us-central1', resources: instance({ tier: 'db-perf-optimized-N-2', edition: 'ENTERPRISE_PLUS', availability_type: 'REGIONAL' }, { name: 'orders-b' }) },
  }));
  expect(sum(e, 'Cloud SQL Enterprise Plus vCPU, HA')).toBeCloseTo(2 * 2 * 730 * 0.0537 * 2, 10);
  expect(sum(e, 'Cloud SQL Enterprise Plus memory, HA')).toBeCloseTo(2 * 16 * 730 * 0.0091 * 2, 10);
});

test('backups: one full copy and a daily increment per retained backup', () => {
  const e = estimateCost(cdktfOut({ p: { region: 'us-central1', resources: instance({ tier: 'db-custom-2-7680', backup_configuration: { enabled: true, backup_retention_settings: { retained_backups: 14 } } }) } }));
  expect(e.lineItems.find((i) => i.item === 'Cloud SQL backups')).toMatchObject({ quantity: 114, unitPrice: 0.08 }); // 100 + 14 × 30/30
});

test('a cross-region replica pays egress for the changed bytes between continents', () => {
  const e = estimateCost(cdktfOut({
    primary: { region: 'us-central1', resources: instance({ tier: 'db-custom-2-7680' }) },
    replica: { region: 'europe-west1', resources: instance({ tier: 'db-custom-2-7680' }, { name: 'orders-eu', region: 'europe-west1', master_instance_name: 'orders' }) },
  }));
  const egress = e.lineItems.filter((i) => i.item.startsWith('Cloud SQL replication egress'));
  expect(egress.map((i) => [i.stack, i.item, i.quantity, i.unitPrice, i.note])).toEqual([
    ['replica', 'Cloud SQL replication egress (between continents)', 30, 0.05, 'us-central1 → europe-west1'],
  ]);
  expect(e.lineItems.find((i) => i.stack === 'replica' && i.item === 'Cloud SQL Enterprise vCPU')?.region).toBe('europe-west1');
});

test('alerting: $1.50 per condition and the time series it returns', () => {
  const e = estimateCost(cdktfOut({ p: { region: 'us-central1', resources: { google_monitoring_alert_policy: { A: { display_name: 'x', combiner: 'OR', conditions: [{}, {}] } } } } }));
  expect(e.lineItems.map((i) => [i.item, i.quantity, i.unitPrice])).toEqual([
    ['Cloud Monitoring alert condition', 2, 1.5],
    ['Cloud Monitoring alert time series returned', 0.1728, 0.35], // 2 × 86,400 / 1e6
  ]);
});

test('a machine type or a Region the table lacks is not priced, named, never zero', () => {
  const e = estimateCost(cdktfOut({
    micro: { region: 'us-central1', resources: instance({ tier: 'db-f1-micro' }) },
    far: { region: 'asia-south2', resources: instance({ tier: 'db-custom-2-7680' }, { name: 'far', region: 'asia-south2' }) },
  }));
  const details = e.notPriced.filter((n) => n.resourceType === 'google_sql_database_instance').map((n) => `${n.resources.join(',')}: ${n.detail}`);
  expect(details).toEqual(expect.arrayContaining([
    'micro/google_sql_database_instance.Db: Cloud SQL machine type db-f1-micro is not in the price table (shared-core and unknown tiers are not priced)',
    "far/google_sql_database_instance.Db: Region 'asia-south2' is not in the price table (Cloud SQL Enterprise vCPU)",
  ]));
  expect(e.lineItems.filter((i) => i.stack === 'far' || i.item.includes('vCPU'))).toEqual([]);
});
