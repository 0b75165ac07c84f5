/**
 * The Google Cloud example apps: phases 1–4 in one cdktf App, synthesized to
 * cdktf.out/ (Terraform JSON, one directory per stack) without the cdktf CLI,
 * credentials or network:
 *
 *   npx ts-node --transpile-only examples/gcp/main.ts
 *
 * Configuration: see config.ts (GCP_PROJECT, GCP_PRIMARY_REGION,
 * GCP_REPLICA_REGIONS, ...). The failover runbooks are written as Markdown
 * next to the stacks, in cdktf.out/runbooks/, by the FailoverRunbook
 * constructs; stack folders and runbooks left over from an earlier synth are
 * removed (out-dir.ts).
 */
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { GcpExampleConfig, readGcpExampleConfig } from './config';
import { buildGcpPhase1 } from './phase-1';
import { buildGcpPhase2 } from './phase-2';
import { buildGcpPhase3 } from './phase-3';
import { buildGcpPhase4 } from './phase-4';
import { buildGcpStateBucket } from './state';
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
  return Object.fromEntries(runbooks.map((r) => [r.runbookFileName, r.markdown]));
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
  return finishOutDir(outdir, stackIds, Object.keys(runbooks));
}

if (require.main === module) {
  const outdir = 'cdktf.out';
  const report = synthGcpExamples(outdir);
  for (const r of report.removed) console.log(`removed stale ${path.join(outdir, r)}`);
  for (const k of report.kept) console.warn(`kept stale ${path.join(outdir, k.dir)}: it holds ${k.because.join(', ')} (not written by synth); remove it yourself once its state is migrated`);
}
