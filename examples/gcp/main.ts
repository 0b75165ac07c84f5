/**
 * The Google Cloud example apps: phases 1–5 in one cdktf App, synthesized to
 * cdktf.out/ (Terraform JSON, one directory per stack) without the cdktf CLI,
 * credentials or network:
 *
 *   npx ts-node --transpile-only examples/gcp/main.ts
 *
 * Configuration: see config.ts (GCP_PROJECT, GCP_PRIMARY_REGION,
 * GCP_REPLICA_REGIONS, GCP_PARTITIONS, ...). The failover runbooks are written as Markdown
 * next to the stacks, in cdktf.out/runbooks/, by the FailoverRunbook
 * constructs, and phase 5's partition map for the GraphQL router in
 * cdktf.out/router/; stack folders, runbooks and maps left over from an
 * earlier synth are removed (out-dir.ts).
 *
 * From a configuration file instead (docs/config.md):
 *
 *   MULTIREGION_CONFIG=examples/config/gcp/phase-3.yaml npx ts-node --transpile-only examples/gcp/main.ts
 *   npx ts-node --transpile-only examples/gcp/main.ts -c config=examples/config/gcp/phase-3.yaml
 *
 * builds the state bucket's stack and that file's deployment alone
 * (LadderDeployment.fromFile); the GCP_* variables override the file.
 */
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { loadDeploymentConfig } from '../../lib/config';
import { GcpLadderFromFile, GeoPartitionedDatabase, LadderDeployment } from '../../lib/gcp';
import { GcpExampleConfig, gcpExampleDefaultsFromFile, guardPlaceholders, readGcpExampleConfig } from './config';
import { buildGcpPhase1 } from './phase-1';
import { buildGcpPhase2 } from './phase-2';
import { buildGcpPhase3 } from './phase-3';
import { buildGcpPhase4 } from './phase-4';
import { buildGcpPhase5 } from './phase-5';
import { buildGcpStateBucket } from './state';
import { buildGcpAppInEachRegion } from './app-in-each-region';
import { CleanReport, finishOutDir } from './out-dir';

/**
 * Builds every Google Cloud example into `app`; returns the runbooks (file
 * name → Markdown), which each FailoverRunbook writes to `<outdir>/runbooks/` at synth.
 */
export function buildGcpExamples(app: App, config: GcpExampleConfig = readGcpExampleConfig()): Record<string, string> {
  buildGcpStateBucket(app, config);
  buildGcpPhase1(app, config);
  buildGcpPhase2(app, config);
  const runbooks = [buildGcpPhase3(app, config).runbook!, buildGcpPhase4(app, config).runbook!];
  const { partitioned } = buildGcpPhase5(app, config);
  // A Cloud Run service in every region, connected to its region's instance (docs/connect-your-app.md).
  buildGcpAppInEachRegion(app, config);
  runbooks.push(...partitioned.partitions.map((p) => p.runbook));
  return {
    ...Object.fromEntries(runbooks.map((r) => [r.runbookFileName, r.markdown])),
    // Written by GeoPartitionedDatabase next to the runbooks: the blast radius and the conflict model.
    [partitioned.overviewFileName]: partitioned.overviewMarkdown,
  };
}

/**
 * Builds one configuration file's deployment into `app` as the examples
 * build theirs: the GCP_* variables of `env` over the file, a placeholder
 * guard on every stack, the state bucket of the examples.
 */
export function buildGcpFromFile(app: App, file: string, env: NodeJS.ProcessEnv = process.env): { config: GcpExampleConfig; built: GcpLadderFromFile } {
  const config = readGcpExampleConfig(env, gcpExampleDefaultsFromFile(loadDeploymentConfig(file).config));
  const built = LadderDeployment.fromFile(app, file, {
    overrides: {
      project: config.project,
      primaryRegion: config.primaryRegion,
      replicaRegions: config.replicaRegions,
      originRegion: config.firstPrimaryRegion,
      notificationChannels: config.notificationChannels,
      zone: { name: config.dnsZone, dnsName: config.dnsName },
      endpoints: config.endpoints,
      ...(config.drReplicaDesignated !== undefined ? { drReplicaDesignated: config.drReplicaDesignated } : {}),
      stateBucket: config.stateBucket,
      partitions: config.partitions,
    },
    providerVersionConstraint: config.providerVersion,
    // The router stacks also guard the DNS zone and name.
    stackHook: (stack, kind) => { guardPlaceholders(stack, config, kind === 'router'); },
  });
  return { config, built };
}

/** The configuration file of `-c config=path` in `argv`, else MULTIREGION_CONFIG, else none. */
export function gcpConfigFile(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const i = argv.findIndex((a) => a === '-c' || a === '--context');
  const arg = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--context=config='))?.slice('--context='.length);
  if (arg?.startsWith('config=')) return arg.slice('config='.length);
  return env.MULTIREGION_CONFIG || undefined;
}

/**
 * Synthesizes every example into `outdir` (Terraform JSON and runbooks),
 * removes what an earlier synth left behind, and returns what it cleaned.
 * No file holds an absolute path of this machine: every stack has an
 * explicit backend (cdktf's default local backend writes one) and cdktf
 * records no stack traces (they name source files by absolute path).
 */
export function synthGcpExamples(outdir: string, config?: GcpExampleConfig, file?: string): CleanReport {
  const app = new App({ outdir, stackTraces: false });
  let runbooks: Record<string, string>;
  if (file !== undefined) {
    const { config: resolved, built } = buildGcpFromFile(app, file);
    buildGcpStateBucket(app, resolved);
    runbooks = { ...built.runbooks };
  } else {
    runbooks = buildGcpExamples(app, config ?? readGcpExampleConfig());
  }
  app.synth();
  const stackIds = app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id);
  const routerFiles = app.node.children.filter((c): c is GeoPartitionedDatabase => c instanceof GeoPartitionedDatabase).map((g) => g.routerConfigFileName);
  return finishOutDir(outdir, stackIds, Object.keys(runbooks), routerFiles);
}

if (require.main === module) {
  const outdir = 'cdktf.out';
  const report = synthGcpExamples(outdir, undefined, gcpConfigFile());
  for (const r of report.removed) console.log(`removed stale ${path.join(outdir, r)}`);
  for (const k of report.kept) console.warn(`kept stale ${path.join(outdir, k.dir)}: it holds ${k.because.join(', ')} (not written by synth); remove it yourself once its state is migrated`);
}
