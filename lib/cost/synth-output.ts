/**
 * Reads what will be deployed: the CloudFormation templates of a cloud
 * assembly (cdk.out, through its manifest.json, nested assemblies included)
 * and the Terraform JSON of a cdktf output (cdktf.out/manifest.json →
 * stacks/<name>/cdk.tf.json). No aws-cdk-lib, no cdktf: plain JSON.
 */
import * as fs from 'fs';
import * as path from 'path';
import { costInputError } from './source-file';
import { Cloud, RunbookFigures } from './types';

/** One resource of a synthesized stack. */
export interface SynthResource {
  /** Logical id, or the Terraform address `type.name`. */
  readonly id: string;
  readonly type: string;
  /** CloudFormation `Properties`, or the Terraform resource body. */
  readonly props: Record<string, unknown>;
}

/** One synthesized stack. */
export interface SynthStack {
  readonly cloud: Cloud;
  readonly name: string;
  /** The stack's Region (AWS environment, or the Google provider's default region). */
  readonly region: string;
  readonly resources: readonly SynthResource[];
}

/** Everything read from one output directory. */
export interface SynthOutput {
  readonly dir: string;
  readonly stacks: readonly SynthStack[];
  readonly runbooks: readonly RunbookFigures[];
}

const SYNTH_HINT = 'run `npm run synth` (or `npx cdk synth` for cdk.out, `cdktf synth` / your cdktf app for cdktf.out) first';

/** Reads `dir` as a cloud assembly or a cdktf output, whichever it is. */
export function readSynthOutput(dir: string): SynthOutput {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    const why = fs.existsSync(dir) ? 'has no manifest.json' : 'does not exist';
    throw costInputError(dir, { property: 'outDir', message: `outDir '${dir}' ${why}: no synthesized output`, fix: SYNTH_HINT });
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    throw costInputError(manifestFile, { property: 'manifest.json', message: `manifest.json is not valid JSON (${(e as Error).message})`, fix: SYNTH_HINT });
  }
  const stacks = manifest.artifacts ? readCloudAssembly(dir, manifest) : manifest.stacks ? readCdktf(dir, manifest) : undefined;
  if (!stacks) {
    throw costInputError(manifestFile, { property: 'manifest.json', message: 'manifest.json is neither a cloud assembly (artifacts) nor a cdktf output (stacks)', fix: SYNTH_HINT });
  }
  return { dir, stacks, runbooks: readRunbooks(path.join(dir, 'runbooks')) };
}

interface Artifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly directoryName?: string; readonly stackName?: string };
}

function readCloudAssembly(dir: string, manifest: Record<string, unknown>): SynthStack[] {
  const stacks: SynthStack[] = [];
  for (const [id, a] of Object.entries(manifest.artifacts as Record<string, Artifact>)) {
    if (a.type === 'cdk:cloud-assembly' && a.properties?.directoryName) {
      stacks.push(...readSynthOutput(path.join(dir, a.properties.directoryName)).stacks);
    }
    if (a.type !== 'aws:cloudformation:stack' || !a.properties?.templateFile) continue;
    const template = readJson(path.join(dir, a.properties.templateFile));
    const region = /^aws:\/\/[^/]*\/(.+)$/.exec(a.environment ?? '')?.[1] ?? 'unknown-region';
    const resources = Object.entries((template.Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
      .map(([logicalId, r]) => ({ id: logicalId, type: r.Type, props: r.Properties ?? {} }));
    stacks.push({ cloud: 'aws', name: a.properties.stackName ?? a.displayName ?? id, region, resources });
  }
  return stacks;
}

function readCdktf(dir: string, manifest: Record<string, unknown>): SynthStack[] {
  return Object.entries(manifest.stacks as Record<string, { name?: string; synthesizedStackPath: string }>).map(([id, s]) => {
    const doc = readJson(path.join(dir, s.synthesizedStackPath));
    const providers = ((doc.provider as Record<string, unknown> | undefined)?.google ?? []) as { region?: string; alias?: string }[];
    const region = providers.find((p) => !p.alias)?.region ?? 'unknown-region';
    const resources: SynthResource[] = [];
    for (const [type, byName] of Object.entries((doc.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, body] of Object.entries(byName)) resources.push({ id: `${type}.${name}`, type, props: body });
    }
    return { cloud: 'gcp' as const, name: s.name ?? id, region, resources };
  });
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw costInputError(file, { property: 'template', message: `synthesized file cannot be read (${(e as Error).message})`, fix: SYNTH_HINT });
  }
}

/**
 * The recovery estimates stated in the generated runbooks
 * (`**failover**: RTO about 5 min, RPO about 30 s (…)`), by the name in the
 * runbook's title.
 */
function readRunbooks(dir: string): RunbookFigures[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const subject = /^# [^:\n]*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? file.replace(/\.md$/, '');
    const line = (kind: string) => new RegExp(`^\\*\\*${kind}\\*\\*: (RTO[^\\n]*?)(?: \\(|\\.?$)`, 'm').exec(text)?.[1]?.replace(/\.$/, '');
    return { file, subject, switchover: line('switchover'), failover: line('failover') };
  });
}
