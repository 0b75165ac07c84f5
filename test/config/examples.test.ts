/**
 * examples/config/<cloud>/phase-N.yaml describe exactly what the example apps
 * deploy today: each file is valid (no warning), and every value it states
 * equals the example app's constructs, built with the examples' default
 * configuration (no context, no environment).
 */
process.env.CDK_VALIDATION = 'false';
import { App as AwsApp } from 'aws-cdk-lib';
import { CfnHealthCheck } from 'aws-cdk-lib/aws-route53';
import { App as TfApp, TerraformStack } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildPhase1 } from '../../examples/aws/phase-1';
import { buildPhase2 } from '../../examples/aws/phase-2';
import { buildPhase3 } from '../../examples/aws/phase-3';
import { buildPhase4 } from '../../examples/aws/phase-4';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { buildGcpPhase1 } from '../../examples/gcp/phase-1';
import { buildGcpPhase2 } from '../../examples/gcp/phase-2';
import { buildGcpPhase3 } from '../../examples/gcp/phase-3';
import { buildGcpPhase4 } from '../../examples/gcp/phase-4';
import { LadderDeployment } from '../../lib/aws';
import { loadConfig } from '../../lib/config/load';
import { enforcedRpoSeconds } from '../../lib/config/recovery';
import { DeploymentConfig } from '../../lib/config/types';
import { GlobalRouter, PrimaryRegion, ReadReplicaRegion } from '../../lib/gcp';
import { contextFile } from '../aws/helpers';

const ROOT = path.join(__dirname, '..', '..');

function load(cloud: string, phase: number): DeploymentConfig {
  const loaded = loadConfig(path.join(ROOT, 'examples', 'config', cloud, `phase-${phase}.yaml`));
  expect(loaded.problems).toEqual([]);
  return loaded.config!;
}

describe.each([1, 2, 3, 4])('AWS phase %d', (phase) => {
  test('examples/config/aws/phase-N.yaml is what examples/aws/phase-N.ts builds', () => {
    const c = load('aws', phase);
    const app = new AwsApp({ context: contextFile() });
    const built = [buildPhase1, buildPhase2, buildPhase3, buildPhase4][phase - 1](app);
    const ladder: LadderDeployment = built instanceof LadderDeployment ? built : built.ladder;
    expect(c.cloud).toBe('aws');
    // Stacks by region, never by role (docs/aws/day-two.md); the origin's stack holds the PrimaryRegion.
    expect(ladder.primaryStack.stackName).toBe(`${c.stackPrefix}-${c.origin}`);
    expect(ladder.replicaStacks.map((s) => s.stackName)).toEqual(c.replicaRegions.map((r) => `${c.stackPrefix}-${r}`));
    expect(ladder.primaryStack.account).toBe(c.account);
    expect(ladder.primary.region).toBe(c.origin);
    expect(ladder.primary.region).toBe(c.primaryRegion);
    expect(ladder.replicas.map((r) => r.region)).toEqual(c.replicaRegions);
    expect(ladder.replicas.map((r) => r.servesReads)).toEqual(c.regions.filter((r) => r.role !== 'primary').map((r) => r.hasInstances));
    expect(ladder.replicas.map((r) => r.replicationLagThreshold.toSeconds())).toEqual(c.replicaRegions.map(() => c.replication.lagAlarmSeconds));
    expect(ladder.primary.clusterIdentifierIn(c.primaryRegion).startsWith(`${c.database.id}-`)).toBe(true);
    if (phase >= 2) expect(ladder.primary.globalClusterIdentifier).toBe(c.database.id);
    const t = ladder.primary.topology;
    expect({ phase: t.phase, engine: t.engine, residency: t.residency }).toEqual({ phase: c.phase, engine: c.database.engine, residency: undefined });
    expect(t.recoveryObjectives ?? {}).toEqual({ ...(c.objectives.rtoSeconds !== undefined ? { rtoSeconds: c.objectives.rtoSeconds } : {}), ...(c.objectives.rpoSeconds !== undefined ? { rpoSeconds: c.objectives.rpoSeconds } : {}) });
    if (built instanceof LadderDeployment) {
      expect(c.routing).toBeUndefined();
      return;
    }
    const { router, runbook, routingStack } = built;
    const r = c.routing!;
    expect(routingStack.stackName).toBe(`${c.stackPrefix}-Routing`);
    expect([router.zone.zoneName, router.zone.hostedZoneId]).toEqual([r.zone, r.hostedZoneId]);
    expect(router.writeHostname).toBe(`${r.writeName}.${r.zone}`);
    expect(router.readHostname).toBe(phase >= 4 ? `${r.readName}.${r.zone}` : undefined);
    expect([router.intervalSeconds, router.failureThreshold, router.ttlSeconds]).toEqual([r.healthCheck.intervalSeconds, r.healthCheck.failureThreshold, r.ttlSeconds]);
    expect(router.standbyRegion).toBe(c.standbyRegion);
    expect(router.graphql !== undefined).toBe(r.graphql);
    const checks = Object.fromEntries(Object.entries(router.healthChecks).map(([region, hc]) => {
      const config = (hc.node.defaultChild as CfnHealthCheck).healthCheckConfig as CfnHealthCheck.HealthCheckConfigProperty;
      return [region, `${config.fullyQualifiedDomainName} ${config.resourcePath}`];
    }));
    expect(checks).toEqual(Object.fromEntries(c.regions.map((x) => [x.name, `${x.endpoint} ${r.healthCheck.path}`])));
    expect(runbook.engine).toBe(c.failover.engine);
    expect(runbook.decision).toBe(c.failover.decision);
    expect(runbook.enforcedRpoSeconds).toBe(enforcedRpoSeconds({ cloud: 'aws', phase, engine: c.database.engine, rpoSeconds: c.objectives.rpoSeconds }));
    expect(runbook.estimates.failover.timeline.find((e) => e.phase === 'decision')?.durationSeconds).toBe(c.failover.decisionTimeSeconds);
  });
});

describe.each([1, 2, 3, 4])('Google Cloud phase %d', (phase) => {
  test('examples/config/gcp/phase-N.yaml is what examples/gcp/phase-N.ts builds', () => {
    const c = load('gcp', phase);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-gcp-ex-'));
    try {
      const app = new TfApp({ outdir, stackTraces: false });
      const defaults = readGcpExampleConfig({});
      const built = [buildGcpPhase1, buildGcpPhase2, buildGcpPhase3, buildGcpPhase4][phase - 1](app, defaults);
      const stacks: TerraformStack[] = Array.isArray(built) ? built : built.stacks;
      // Stacks by region, never by role (docs/day-two.md): the network, one per region, then routing and runbook.
      const expectedStacks = [`${c.stackPrefix}-network`, ...[c.primaryRegion, ...c.replicaRegions].map((r) => `${c.stackPrefix}-${r}`), ...(phase >= 3 ? [`${c.stackPrefix}-router`, `${c.stackPrefix}-runbook`] : [])];
      expect(stacks.map((s) => s.node.id)).toEqual(expectedStacks);
      const all = stacks.flatMap((s) => s.node.children);
      const primary = all.find((x): x is PrimaryRegion => x instanceof PrimaryRegion)!;
      const replicas = all.filter((x): x is ReadReplicaRegion => x instanceof ReadReplicaRegion);
      expect([primary.project, primary.region, primary.instanceName, primary.edition]).toEqual([c.project, c.origin, c.database.id, c.database.edition]);
      expect(primary.region).toBe(c.primaryRegion);
      expect({ phase: primary.topology.phase, engine: primary.topology.engine, replicaRegions: primary.topology.replicaRegions }).toEqual({ phase: c.phase, engine: c.database.engine, replicaRegions: c.replicaRegions });
      expect(replicas.map((r) => [r.region, r.disasterRecovery])).toEqual(c.replicaRegions.map((r) => [r, phase >= 3 && r === c.standbyRegion]));
      expect(defaults.notificationChannels).toEqual(c.alerts.notificationChannels);
      expect(defaults.stateBucket).toEqual(c.stateBucket);
      if (phase < 3) {
        expect(c.routing).toBeUndefined();
        return;
      }
      const router = all.find((x): x is GlobalRouter => x instanceof GlobalRouter)!;
      const r = c.routing!;
      expect([router.managedZone, router.writeHostname, router.readHostname, router.ttl]).toEqual([r.managedZone, `${r.writeName}.${r.zone}.`, `${r.readName}.${r.zone}.`, r.ttlSeconds]);
      expect(router.readRecord !== undefined).toBe(phase >= 4);
      expect(router.targets).toEqual(c.regions.map((x) => ({ region: x.name, ipAddress: x.endpoint })));
      expect([router.healthCheck!.checkIntervalSecInput, router.healthCheck!.unhealthyThresholdInput, router.healthCheck!.httpsHealthCheckInput?.requestPath])
        .toEqual([r.healthCheck.intervalSeconds, r.healthCheck.failureThreshold, r.healthCheck.path]);
      expect((built as { runbook: { regions: readonly string[] } }).runbook.regions).toEqual([c.standbyRegion]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
