/**
 * What `npm run synth` owns in cdktf.out/: the stack folders it writes
 * (`stacks/<stack>/cdk.tf.json`), the runbooks (`runbooks/*.md`, written
 * by the FailoverRunbook and GeoPartitionedDatabase constructs) and the
 * router's partition maps (`router/*.json`, written by GeoPartitionedDatabase). A stack
 * folder left over from a renamed or removed stack is deleted when it holds
 * nothing but what synth wrote; a folder that holds anything else (a local
 * terraform.tfstate, a .terraform directory, a plan) is kept and reported,
 * because deleting it could lose state.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Files cdktf writes into a stack folder. */
const SYNTH_FILES = new Set(['cdk.tf.json']);

export interface CleanReport {
  readonly removed: readonly string[];
  readonly kept: readonly { readonly dir: string; readonly because: readonly string[] }[];
}

/**
 * Removes what an earlier synth left behind: stack folders of stacks that no
 * longer exist, runbooks other than `runbooks` and partition maps other than
 * `routerFiles` (written by the constructs).
 */
export function finishOutDir(outdir: string, stackIds: readonly string[], runbooks: readonly string[], routerFiles: readonly string[] = []): CleanReport {
  const removed: string[] = [];
  const kept: { dir: string; because: string[] }[] = [];
  const stacksDir = path.join(outdir, 'stacks');
  if (fs.existsSync(stacksDir)) {
    for (const entry of fs.readdirSync(stacksDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || stackIds.includes(entry.name)) continue;
      const dir = path.join(stacksDir, entry.name);
      const foreign = fs.readdirSync(dir).filter((f) => !SYNTH_FILES.has(f));
      if (foreign.length === 0) {
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(path.join('stacks', entry.name));
      } else {
        kept.push({ dir: path.join('stacks', entry.name), because: foreign });
      }
    }
  }
  const runbookDir = path.join(outdir, 'runbooks');
  fs.mkdirSync(runbookDir, { recursive: true });
  for (const file of fs.readdirSync(runbookDir)) {
    if (file.endsWith('.md') && !runbooks.includes(file)) {
      fs.rmSync(path.join(runbookDir, file));
      removed.push(path.join('runbooks', file));
    }
  }
  const routerDir = path.join(outdir, 'router');
  if (fs.existsSync(routerDir)) {
    for (const file of fs.readdirSync(routerDir)) {
      if (file.endsWith('.json') && !routerFiles.includes(file)) {
        fs.rmSync(path.join(routerDir, file));
        removed.push(path.join('router', file));
      }
    }
  }
  return { removed, kept };
}
