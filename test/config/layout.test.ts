/**
 * What stage 2's `fromFile` reads: the configuration as one error type
 * (every error with its place), and the two halves of the layout — the
 * databases by region and origin, the traffic by role.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { MultiRegionConfigError } from '../../lib/core';
import { combinedResidency, databaseLayout, databaseTopology, trafficLayout } from '../../lib/config/layout';
import { loadDeploymentConfig } from '../../lib/config/load';
import { aws3, configOf, Doc, withChanges } from './helpers';

const r = (doc: Doc) => doc.regions as Doc[];

test('loadDeploymentConfig throws MultiRegionConfigError with every error and its line, warnings returned', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-load-'));
  try {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, stringify(withChanges(aws3(), { phase: 7, origin: 'us-east-2' })));
    let error: unknown;
    try { loadDeploymentConfig(bad); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(MultiRegionConfigError);
    expect((error as Error).message).toBe([
      '2 configuration problems:',
      `- DeploymentConfig '${bad}': phase 7 is outside 1–5 (${bad}:5:8); set phase to a whole number 1–5`,
      `- DeploymentConfig '${bad}': origin 'us-east-2' is not a region of the file (us-east-1, eu-west-1) (${bad}:6:9); did you mean 'us-east-1'? set origin to the region where the database was first created, and keep that region in regions`,
    ].join('\n'));
    expect((error as MultiRegionConfigError).problems.map((p) => p.property)).toEqual(['phase', 'origin']);
    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(good, stringify(withChanges(aws3(), { origin: undefined })));
    const { config, warnings } = loadDeploymentConfig(good);
    expect(config.origin).toBe('us-east-1');
    expect(warnings.map((w) => w.property)).toEqual(['origin']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a role swap changes the traffic layout only; the database layout stays', () => {
  const three = withChanges(aws3(), { phase: 4, regions: [...r(aws3()), { name: 'ap-southeast-2', role: 'headless' }], residency: [{ class: 'a', allowedRegions: ['us-*', 'eu-*', 'ap-*'] }, { class: 'b', allowedRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }] });
  const swapped = withChanges(three, { regions: [{ ...r(three)[0], role: 'standby' }, { ...r(three)[1], role: 'primary' }, r(three)[2]] });
  const before = configOf(three);
  const after = configOf(swapped);
  expect(databaseLayout(before)).toEqual({ origin: 'us-east-1', id: 'orders', secondaries: [{ region: 'eu-west-1', instances: true }, { region: 'ap-southeast-2', instances: false }] });
  expect(databaseLayout(after)).toEqual(databaseLayout(before));
  expect(trafficLayout(before)).toEqual({
    writer: 'us-east-1', standby: 'eu-west-1', readRegions: ['us-east-1', 'eu-west-1'],
    endpoints: { 'us-east-1': 'app.us-east-1.example.com', 'eu-west-1': 'app.eu-west-1.example.com' },
    roles: { 'us-east-1': 'primary', 'eu-west-1': 'standby', 'ap-southeast-2': 'headless' },
  });
  expect(trafficLayout(after)).toMatchObject({ writer: 'eu-west-1', standby: 'us-east-1', readRegions: ['eu-west-1', 'us-east-1'] });
  expect(combinedResidency(before)).toEqual({ name: 'a + b', allowedRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
  expect(databaseTopology(after)).toMatchObject({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'ap-southeast-2'], phase: 4, engine: 'postgresql', recoveryObjectives: { rtoSeconds: 900, rpoSeconds: 30 } });
});

test('phase 5 has no single database layout', () => {
  const geo = configOf({
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'aws', account: '123456789012', phase: 5, mode: 'geo-partitioned', routing: { zone: 'example.com', hostedZoneId: 'Z1' },
    regions: [{ name: 'eu-west-1', role: 'primary' }, { name: 'eu-central-1', role: 'replica' }], partitions: [{ name: 'eu', homeRegion: 'eu-west-1', replicaRegions: ['eu-central-1'] }],
  });
  expect(() => databaseLayout(geo)).toThrow('its databases are per partition');
});
