/**
 * The failover runbook model: one description of how to move the write
 * region, rendered several ways — an orchestrator per cloud (ARC Region
 * switch or Step Functions on AWS, a workflow on Google Cloud) and the human
 * Markdown runbook below. Nothing here is cloud-specific: each cloud supplies
 * the names of its resources and the exact commands of each step.
 */
import { ConfigProblem } from './errors';
import { formatSeconds, RecoveryEstimates, renderTimelineMarkdown } from './recovery';

/**
 * What a step does. `fence` stops the former writer from accepting writes
 * (split brain: after an unplanned failover the old writer may come back
 * writable); `configuration` brings the deployment's code in line with the
 * world (e.g. swap the roles in the configuration after a failover, then apply).
 */
export type RunbookStepKind =
  | 'precondition'
  | 'fence'
  | 'database-switchover'
  | 'database-failover'
  | 'traffic-shift'
  | 'verification'
  | 'configuration'
  | 'notification';

/** All step kinds, in the order a procedure normally runs them. */
export const RUNBOOK_STEP_KINDS: readonly RunbookStepKind[] = [
  'precondition', 'fence', 'database-switchover', 'database-failover', 'traffic-shift', 'verification', 'configuration', 'notification',
];

/** A command a person runs, in the cloud's own CLI. */
export interface RunbookCommand {
  /** The command line(s), ready to paste. */
  readonly command: string;
  /** What the command does, one line.
   * @default - none */
  readonly description?: string;
  /** Code-block language.
   * @default 'bash' */
  readonly language?: string;
}

/** One step of a procedure. */
export interface RunbookStep {
  readonly kind: RunbookStepKind;
  /** Imperative title, e.g. `Check replication lag`. */
  readonly title: string;
  /** What and why, in a sentence or two.
   * @default - none */
  readonly detail?: string;
  /** Commands that perform or check the step.
   * @default [] */
  readonly commands?: readonly RunbookCommand[];
  /** What a person should see when the step succeeded.
   * @default - none */
  readonly expect?: string;
  /** How long the step may take before it counts as failed, seconds.
   * @default - no limit stated */
  readonly timeoutSeconds?: number;
  /**
   * Machine-readable name of the operation, for an engine that runs the step
   * itself (the failover lab's local engine dispatches on it). Not rendered.
   * @default - none: a person or the cloud's orchestrator runs the commands
   */
  readonly action?: string;
  /**
   * A `database-failover` step that itself stops the former writer from
   * taking writes (Aurora's managed failover fences at the storage layer).
   * Fence steps may then follow it, to check and contain; otherwise the
   * former writer must be fenced before the promotion.
   * @default false
   */
  readonly fencesFormerWriter?: boolean;
}

/**
 * Identifiers of the standard procedures. `recover-region`: the lost region
 * is back (fence and rebuild the former writer before anything else).
 */
export type RunbookProcedureId = 'switchover' | 'failover' | 'manual-switchover' | 'manual-failover' | 'verify' | 'failback' | 'drill' | 'recover-region';

/** A named sequence of steps. */
export interface RunbookProcedure {
  readonly id: RunbookProcedureId;
  readonly title: string;
  /** When to use this procedure. */
  readonly whenToUse: string;
  /** What data may be lost. */
  readonly dataLoss: string;
  readonly steps: readonly RunbookStep[];
}

/** A fact the runbook names: a resource, a region, a hostname. */
export interface RunbookFact {
  readonly label: string;
  readonly value: string;
}

/** A line of the decision guide: a situation and the procedure to use. */
export interface RunbookDecision {
  readonly situation: string;
  readonly use: RunbookProcedureId;
  /** Why, briefly. @default - none */
  readonly because?: string;
}

/** Something that still works, or that does not work and must not be tried, while a region is lost. */
export interface RunbookOutageItem {
  /** What, in one line, e.g. `terraform apply of the router stack`. */
  readonly what: string;
  /** Why: which control plane or state it depends on.
   * @default - none */
  readonly why?: string;
  /** Commands that do it (or check it).
   * @default [] */
  readonly commands?: readonly RunbookCommand[];
}

/** What to expect while one region is lost. */
export interface RunbookOutage {
  /** The lost region (not necessarily a database region: e.g. the region of a global service's control plane). */
  readonly region: string;
  /** What still works, with the commands. */
  readonly works: readonly RunbookOutageItem[];
  /** What does not work, or must not be tried. */
  readonly doesNotWork: readonly RunbookOutageItem[];
}

/**
 * Where the deployment's own state lives (infrastructure-as-code state,
 * templates, bootstrap resources) and which changes can still be made while
 * a region is down. Every cloud can fill it; the renderer prints it after
 * the procedures.
 */
export interface RunbookDeploymentState {
  /** Where each part of the deployment's state is, e.g. `Terraform state of orders-router` → `gs://bucket/orders-router (US)`. */
  readonly locations: readonly RunbookFact[];
  /** One entry per region whose loss is described. */
  readonly outages: readonly RunbookOutage[];
}

/** The whole runbook. */
export interface RunbookModel {
  /** Title, e.g. `Failover runbook: orders-global`. */
  readonly title: string;
  /** Which cloud the commands are for; `local` for the failover lab's servers on one machine. */
  readonly cloud: 'aws' | 'gcp' | 'local';
  /** One paragraph: what this deployment is and what the runbook moves. */
  readonly summary: string;
  /** The current write region at deployment time. */
  readonly primaryRegion: string;
  /** The region a switchover/failover moves writes to by default. */
  readonly standbyRegion: string;
  /** Every region of the topology. */
  readonly regions: readonly string[];
  /** Names of the deployed resources, hostnames, endpoints. */
  readonly facts: readonly RunbookFact[];
  /** Which procedure for which situation. */
  readonly decisions: readonly RunbookDecision[];
  /** The procedures; `switchover`, `failover`, a manual fallback, `verify` and `failback` are expected. */
  readonly procedures: readonly RunbookProcedure[];
  /** Recovery estimates, shown as timelines. @default - none */
  readonly estimates?: RecoveryEstimates;
  /** Declared objectives, shown next to the estimates. @default - none */
  readonly objectives?: { readonly rtoSeconds?: number; readonly rpoSeconds?: number };
  /** Where the deployment's state is and what works during an outage. @default - section omitted */
  readonly deploymentState?: RunbookDeploymentState;
  /** Further notes (caveats, one-time setup). @default [] */
  readonly notes?: readonly string[];
  /** Documentation the runbook relies on. @default [] */
  readonly references?: readonly RunbookFact[];
}

/** Procedures every runbook must have. */
export const REQUIRED_PROCEDURES: readonly RunbookProcedureId[] = ['switchover', 'failover', 'verify', 'failback'];

/**
 * Structural checks: the required procedures exist, a failover has a
 * database-failover step, a switchover never has one, regions are consistent.
 */
export function validateRunbook(model: RunbookModel): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = new Set(model.procedures.map((p) => p.id));
  for (const id of REQUIRED_PROCEDURES) {
    if (!ids.has(id)) {
      problems.push({ property: 'procedures', message: `procedures has no '${id}' procedure`, fix: `add a '${id}' procedure` });
    }
  }
  if (!ids.has('manual-switchover') && !ids.has('manual-failover')) {
    problems.push({ property: 'procedures', message: 'procedures has no manual fallback', fix: "add a 'manual-switchover' or 'manual-failover' procedure with the CLI commands" });
  }
  for (const p of model.procedures) {
    const kinds = p.steps.map((s) => s.kind);
    if ((p.id === 'switchover' || p.id === 'manual-switchover') && kinds.includes('database-failover')) {
      problems.push({ property: `procedures.${p.id}`, message: `procedure '${p.id}' contains a database-failover step, which can lose data`, fix: 'use a database-switchover step in a switchover' });
    }
    if ((p.id === 'failover' || p.id === 'manual-failover') && !kinds.includes('database-failover')) {
      problems.push({ property: `procedures.${p.id}`, message: `procedure '${p.id}' has no database-failover step`, fix: 'add the step that promotes the standby' });
    }
    const fence = kinds.indexOf('fence');
    const promote = kinds.indexOf('database-failover');
    if (fence >= 0 && promote >= 0 && fence > promote && !p.steps[promote].fencesFormerWriter) {
      problems.push({ property: `procedures.${p.id}`, message: `procedure '${p.id}' fences the former writer after promoting the standby, so both can take writes in between`, fix: 'put the fence step before the database-failover step' });
    }
    if ((p.id === 'switchover' || p.id === 'manual-switchover') && fence >= 0) {
      problems.push({ property: `procedures.${p.id}`, message: `procedure '${p.id}' has a fence step, but a switchover keeps the former writer as a replica`, fix: 'fence only in failover and recovery procedures' });
    }
    if (p.steps.length === 0) {
      problems.push({ property: `procedures.${p.id}`, message: `procedure '${p.id}' has no steps`, fix: 'add its steps' });
    }
  }
  if (!model.regions.includes(model.primaryRegion) || !model.regions.includes(model.standbyRegion)) {
    problems.push({ property: 'regions', message: `regions ${JSON.stringify(model.regions)} must list the primary and the standby region`, fix: 'list every region of the topology' });
  }
  if (model.deploymentState) problems.push(...validateDeploymentState(model.deploymentState));
  if (model.primaryRegion === model.standbyRegion) {
    problems.push({ property: 'standbyRegion', message: `standbyRegion '${model.standbyRegion}' is the primary region`, fix: 'choose another region as standby' });
  }
  return problems;
}

function validateDeploymentState(state: RunbookDeploymentState): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (state.locations.length === 0) {
    problems.push({ property: 'deploymentState.locations', message: 'deploymentState.locations is empty', fix: 'say where the state of each stack is' });
  }
  const seen = new Set<string>();
  for (const o of state.outages) {
    if (seen.has(o.region)) {
      problems.push({ property: 'deploymentState.outages', message: `deploymentState.outages describes '${o.region}' twice`, fix: 'describe each lost region once' });
    }
    seen.add(o.region);
    if (o.works.length === 0 && o.doesNotWork.length === 0) {
      problems.push({ property: `deploymentState.outages.${o.region}`, message: `the outage of '${o.region}' lists nothing`, fix: 'list what works and what must not be tried' });
    }
  }
  return problems;
}

const KIND_LABEL: Record<RunbookStepKind, string> = {
  'precondition': 'precondition',
  'fence': 'fence',
  'database-switchover': 'database switchover',
  'database-failover': 'database failover',
  'traffic-shift': 'traffic shift',
  'verification': 'verification',
  'configuration': 'configuration',
  'notification': 'notification',
};

function renderStep(step: RunbookStep, n: number): string[] {
  const lines = [`${n}. **${step.title}** _(${KIND_LABEL[step.kind]}${step.timeoutSeconds ? `, at most ${formatSeconds(step.timeoutSeconds)}` : ''})_`];
  if (step.detail) lines.push(`   ${step.detail}`);
  for (const c of step.commands ?? []) {
    lines.push('');
    if (c.description) lines.push(`   ${c.description}:`, '');
    lines.push(`   \`\`\`${c.language ?? 'bash'}`);
    for (const l of c.command.split('\n')) lines.push(`   ${l}`);
    lines.push('   ```');
  }
  if (step.expect) lines.push('', `   Expect: ${step.expect}`);
  lines.push('');
  return lines;
}

/** Renders the human runbook as Markdown. Deterministic: same model, same text. */
export function renderRunbookMarkdown(model: RunbookModel): string {
  const out: string[] = [];
  out.push(`# ${model.title}`, '', '_Generated at synth time from the deployment; do not edit by hand._', '', model.summary, '');
  out.push('## What is deployed', '', '| | |', '|---|---|');
  out.push(`| Write region at deployment | ${model.primaryRegion} |`);
  out.push(`| Default standby region | ${model.standbyRegion} |`);
  out.push(`| All regions | ${model.regions.join(', ')} |`);
  for (const f of model.facts) out.push(`| ${f.label} | \`${f.value}\` |`);
  out.push('');

  out.push('## Which procedure', '', '| Situation | Use | Why |', '|---|---|---|');
  const titles = new Map(model.procedures.map((p) => [p.id, p.title]));
  for (const d of model.decisions) {
    const title = titles.get(d.use) ?? d.use;
    out.push(`| ${d.situation} | [${title}](#${anchor(title)}) | ${d.because ?? ''} |`);
  }
  out.push('');

  if (model.estimates) {
    out.push('## Recovery objectives', '');
    if (model.objectives && (model.objectives.rtoSeconds !== undefined || model.objectives.rpoSeconds !== undefined)) {
      const parts = [];
      if (model.objectives.rtoSeconds !== undefined) parts.push(`RTO ${formatSeconds(model.objectives.rtoSeconds)}`);
      if (model.objectives.rpoSeconds !== undefined) parts.push(`RPO ${formatSeconds(model.objectives.rpoSeconds)}`);
      out.push(`Declared: ${parts.join(', ')}. Synth checks the estimates below against them.`, '');
    }
    out.push(renderTimelineMarkdown(model.estimates.switchover), '', renderTimelineMarkdown(model.estimates.failover), '');
  }

  for (const p of model.procedures) {
    out.push(`## ${p.title}`, '', `**When:** ${p.whenToUse}`, '', `**Data loss:** ${p.dataLoss}`, '');
    p.steps.forEach((s, i) => out.push(...renderStep(s, i + 1)));
  }

  if (model.deploymentState) out.push(...renderDeploymentState(model.deploymentState));

  if (model.notes && model.notes.length > 0) {
    out.push('## Notes', '');
    for (const n of model.notes) out.push(`- ${n}`);
    out.push('');
  }
  if (model.references && model.references.length > 0) {
    out.push('## References', '');
    for (const r of model.references) out.push(`- [${r.label}](${r.value})`);
    out.push('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function renderOutageItem(item: RunbookOutageItem): string[] {
  const lines = [`- ${item.what}${item.why ? ` — ${item.why}` : ''}`];
  for (const c of item.commands ?? []) {
    lines.push('');
    if (c.description) lines.push(`  ${c.description}:`, '');
    lines.push(`  \`\`\`${c.language ?? 'bash'}`);
    for (const l of c.command.split('\n')) lines.push(`  ${l}`);
    lines.push('  ```', '');
  }
  return lines;
}

function renderDeploymentState(state: RunbookDeploymentState): string[] {
  const out = ['## Deployment state and what works during an outage', '', '| State | Where |', '|---|---|'];
  for (const l of state.locations) out.push(`| ${l.label} | \`${l.value}\` |`);
  out.push('');
  for (const o of state.outages) {
    out.push(`### While ${o.region} is lost`, '');
    if (o.works.length > 0) {
      out.push('**Still works:**', '');
      for (const item of o.works) out.push(...renderOutageItem(item));
      out.push('');
    }
    if (o.doesNotWork.length > 0) {
      out.push('**Does not work — do not try:**', '');
      for (const item of o.doesNotWork) out.push(...renderOutageItem(item));
      out.push('');
    }
  }
  return out;
}

/** GitHub-style heading anchor. */
export function anchor(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-');
}

/** A file name for a runbook, from a deployment name: `orders-global` → `orders-global.md`. */
export function runbookFileName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'runbook'}.md`;
}
