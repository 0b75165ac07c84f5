/**
 * Google Cloud line items for small known Terraform JSON against figures
 * computed by hand from the price table (lib/cost/prices.json, 2026-11-29):
 * us-central1 Enterprise $0.0413/vCPU-h and $0.007/GB-h, Enterprise Plus
 * $0.0537 and $0.0091, HA ×2, SSD $0.17/GB-month, backups $0.08/GB-month,
 * egress between continents $0.05/GB, alert condition $1.50/month and
 * $0.35 per million time series.
 */
import { estimateCost, sqlMachine } from '../../lib/cost';
import { cdktfOut, cleanup, file } from './fixtures';

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

describe('Cloud Spanner (phase 5, active-active)', () => {
  const spanner = (instance: Record<string, unknown>) => cdktfOut({
    ledger: {
      region: 'europe-west1',
      resources: {
        google_spanner_instance: { Inst: { name: 'ledger', config: 'eur3', edition: 'ENTERPRISE_PLUS', ...instance } },
        google_spanner_database: { Db: { name: 'main', instance: '${google_spanner_instance.Inst.name}' } },
        google_spanner_backup_schedule: { Backups: { instance: '${google_spanner_instance.Inst.name}', database: '${google_spanner_database.Db.name}', retention_duration: '1209600s' } },
      },
    },
  });

  test('not in the built-in table: compute and storage are listed as not priced, naming the configuration; backups are usage-only', () => {
    const e = estimateCost(spanner({ processing_units: 1000 }));
    expect(e.lineItems.filter((i) => i.resourceType.startsWith('google_spanner'))).toEqual([]);
    expect(e.notPriced.filter((n) => n.resourceType.startsWith('google_spanner')).map((n) => `${n.resourceType} ${n.reason}: ${n.detail}`)).toEqual([
      "google_spanner_database unknown: Region 'eur3' is not in the price table (Spanner storage)",
      "google_spanner_instance unknown: Region 'eur3' is not in the price table (Spanner Enterprise Plus compute)",
      'google_spanner_backup_schedule usage-only: Spanner backups are billed per GB-month of backup storage in the instance configuration (https://cloud.google.com/spanner/pricing), which depends on the data and the retention; the price table does not hold it',
    ]);
  });

  test('with prices for the configuration (--prices): node-hours of the processing units, or of the autoscaler\'s minimum, and storage', () => {
    const prices = file('spanner-prices.json', JSON.stringify({
      version: 'mine',
      prices: { gcp: { eur3: {
        'spanner.enterprisePlus.nodeHour': { usd: 3, unit: 'node-hour', source: 'my price list', date: '2026-11-29' },
        'spanner.storage': { usd: 0.5, unit: 'GB-month', source: 'my price list', date: '2026-11-29' },
      } } },
    }));
    const fixed = estimateCost(spanner({ processing_units: 500 }), { prices });
    expect(fixed.lineItems.find((i) => i.item === 'Spanner Enterprise Plus compute')).toMatchObject({ quantity: 0.5 * 730, unitPrice: 3, region: 'eur3', note: '500 processing units × 730 h, configuration eur3' });
    expect(fixed.lineItems.find((i) => i.item === 'Spanner storage')).toMatchObject({ quantity: 100, unitPrice: 0.5, assumed: ['database.storageGb = 100'] });
    const auto = estimateCost(spanner({ autoscaling_config: { autoscaling_limits: { min_processing_units: 2000, max_processing_units: 5000 } } }), { prices });
    expect(auto.lineItems.find((i) => i.item === 'Spanner Enterprise Plus compute')).toMatchObject({ quantity: 2 * 730, note: '2000 processing units × 730 h (autoscaling: at its minimum), configuration eur3' });
  });
});
