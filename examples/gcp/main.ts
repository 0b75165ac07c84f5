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
 */
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { GeoPartitionedDatabase } from '../../lib/gcp';
import { GcpExampleConfig, readGcpExampleConfig } from './config';
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
 * Synthesizes every example into `outdir` (Terraform JSON and runbooks),
 * removes what an earlier synth left behind, and returns what it cleaned.
 * No file holds an absolute path of this machine: every stack has an
 * explicit backend (cdktf's default local backend writes one) and cdktf
 * records no stack traces (they name source files by absolute path).
 */
export function synthGcpExamples(outdir: string, config: GcpExampleConfig = readGcpExampleConfig()): CleanReport {
  const app = new App({ outdir, stackTraces: false });
  const runbooks = buildGcpExamples(app, config);
  app.synth();
  const stackIds = app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id);
  const routerFiles = app.node.children.filter((c): c is GeoPartitionedDatabase => c instanceof GeoPartitionedDatabase).map((g) => g.routerConfigFileName);
  return finishOutDir(outdir, stackIds, Object.keys(runbooks), routerFiles);
}

if (require.main === module) {
  const outdir = 'cdktf.out';
  const report = synthGcpExamples(outdir);
  for (const r of report.removed) console.log(`removed stale ${path.join(outdir, r)}`);
  for (const k of report.kept) console.warn(`kept stale ${path.join(outdir, k.dir)}: it holds ${k.because.join(', ')} (not written by synth); remove it yourself once its state is migrated`);
}
