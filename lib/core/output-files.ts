/**
 * Files a construct adds next to the synthesized stacks (runbooks, the
 * router's partition map), written by the cloud's own synthesis hook
 * (aws-cdk-lib `attachCustomSynthesis`, cdktf `addCustomSynthesis`).
 */
import * as fs from 'fs';
import * as path from 'path';

/** One file under the output directory: `<outdir>/<dir>/<file>`. */
export interface OutputFile {
  readonly dir: string;
  readonly file: string;
  readonly text: string;
}

/** Writes each file under `outdir`, creating its folder. */
export function writeOutputFiles(outdir: string, files: readonly OutputFile[]): void {
  for (const { dir, file, text } of files) {
    fs.mkdirSync(path.join(outdir, dir), { recursive: true });
    fs.writeFileSync(path.join(outdir, dir, file), text);
  }
}
