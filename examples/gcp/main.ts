/**
 * The Google Cloud example apps: phases 1–4 in one cdktf App, synthesized to
 * cdktf.out/ (Terraform JSON, one directory per stack) without the cdktf CLI,
 * credentials or network:
 *
 *   npx ts-node --transpile-only examples/gcp/main.ts
 *
 * Configuration: see config.ts (GCP_PROJECT, GCP_PRIMARY_REGION,
 * GCP_REPLICA_REGIONS, ...). The failover runbooks are written as Markdown
 * next to the stacks, in cdktf.out/runbooks/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { runbookFileName } from '../../lib/core';
import { GcpExampleConfig, readGcpExampleConfig } from './config';
import { buildGcpPhase1 } from './phase-1';
import { buildGcpPhase2 } from './phase-2';
import { buildGcpPhase3 } from './phase-3';
import { buildGcpPhase4 } from './phase-4';

/** Builds every Google Cloud example into `app`; returns the runbooks (name → Markdown). */
export function buildGcpExamples(app: App, config: GcpExampleConfig = readGcpExampleConfig()): Record<string, string> {
  buildGcpPhase1(app, config);
  buildGcpPhase2(app, config);
  const p3 = buildGcpPhase3(app, config);
  const p4 = buildGcpPhase4(app, config);
  return {
    [runbookFileName(p3.runbook.workflowName)]: p3.runbook.markdown,
    [runbookFileName(p4.runbook.workflowName)]: p4.runbook.markdown,
  };
}

if (require.main === module) {
  const outdir = 'cdktf.out';
  const app = new App({ outdir });
  const runbooks = buildGcpExamples(app);
  app.synth();
  const dir = path.join(outdir, 'runbooks');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, markdown] of Object.entries(runbooks)) fs.writeFileSync(path.join(dir, file), markdown);
}
