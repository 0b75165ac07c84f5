/** The plan as Markdown, for people (`multiregion plan`); `--format json` prints the Plan itself. */
import { formatSeconds, renderBlastRadiusMarkdown } from '../core';
import { Plan } from './plan';
import { ProcedureEstimate } from './recovery';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function timeline(p: ProcedureEstimate): string[] {
  const rto = `${p.rtoIsLowerBound ? 'at least ' : 'about '}${formatSeconds(p.rtoSeconds)}${p.rtoIsLowerBound ? ' + the promotion' : ''}`;
  const rpo = p.rpoSeconds === undefined ? 'no figure' : p.rpoSeconds === 0 ? '0' : `about ${formatSeconds(p.rpoSeconds)}`;
  return [
    `### ${p.procedure}: ${p.title}`,
    '',
    `RTO ${rto}; RPO ${rpo} (${p.rpo}).`,
    '',
    '| starts at | lasts | stretch | what happens |',
    '|---|---|---|---|',
    ...p.timeline.map((e) => `| ${formatSeconds(e.startSeconds)} | ${e.durationSeconds === 0 && p.rtoIsLowerBound && e.phase === 'promotion' ? 'not published' : formatSeconds(e.durationSeconds)} | ${e.phase} | ${cell(e.label)}${e.source ? ` ([source](${e.source}))` : ''} |`),
    '',
  ];
}

/** Markdown for people. */
export function renderPlanMarkdown(plan: Plan): string {
  const out: string[] = [
    `# ${plan.name}: phase ${plan.phase} on ${plan.cloud} (${plan.phaseName})`,
    '',
    `From \`${plan.file}\`.`,
    '',
    '## Protects against',
    '',
    ...plan.protectsAgainst.map((s) => `- ${s}`),
    '',
    '## Does not protect against',
    '',
    ...plan.doesNotProtectAgainst.map((s) => `- ${s}`),
    '',
    '## Regions',
    '',
    `| region | role | serves | endpoint |${plan.cost ? ' monthly (USD) |' : ''}`,
    `|---|---|---|---|${plan.cost ? '---:|' : ''}`,
    ...plan.regions.map((r) => `| ${r.name}${r.origin ? ' (origin)' : ''} | ${r.role} | ${cell(r.serves)} | ${r.endpoint ?? '—'} |${plan.cost ? ` ${usd(r.monthlyUsd ?? 0)} |` : ''}`),
    '',
  ];
  if (plan.cost) {
    out.push(plan.cost.stacks.length > 0
      ? `Cost of the ${plan.cost.stacks.length} stacks of this deployment in ${plan.cost.outDirs.join(', ')}: ${usd(plan.cost.monthlyTotal)} a month (${plan.cost.disclaimer}); a stack counts in the region it is deployed to${plan.cloud === 'AWS' ? ' (the routing stack, global, in us-east-1)' : ''}. \`multiregion cost\` lists the line items.`
      : `No stack of ${plan.cost.outDirs.join(', ')} belongs to this deployment (stack prefix \`${plan.stackPrefix}\`): synthesize it first.`, '');
  }
  out.push('## Routes', '');
  if (plan.routes.length === 0) {
    out.push(plan.phase >= 3
      ? 'None: active-active writes go to the database\'s one endpoint from every region (the service replicates and routes them).'
      : `None before phase 3: applications reach the primary's database directly.`, '');
  }
  else {
    out.push('| route | hostname | how it picks a region | answers with |', '|---|---|---|---|',
      ...plan.routes.map((r) => `| ${r.kind} | ${r.hostname} | ${cell(r.policy)} | ${r.targets.map((t) => `${t.region}: ${t.endpoint}`).join('<br>') || '—'} |`), '');
    if (plan.healthCheck) out.push(`Health check: ${plan.healthCheck}.`, '');
  }
  out.push('## Recovery estimates', '');
  if (plan.procedures.length === 0) out.push('No cross-region procedure in a single region: an instance or zone failure is handled inside the region (a reader takes over).', '');
  for (const p of plan.procedures) out.push(...timeline(p));
  out.push('Objectives:', '', ...plan.objectives.map((o) => `- ${o}`), '');
  out.push('## Residency', '');
  if (plan.residency.length === 0) out.push('No residency class: every region may hold every copy.', '');
  else {
    out.push('| class | allowed regions | holds a copy |', '|---|---|---|',
      ...plan.residency.map((r) => `| ${r.class} | ${r.allowedRegions.join(', ')} | ${r.holders.join(', ') || '—'} |`), '');
  }
  out.push('## Blast radius: losing one region', '');
  if (plan.blastRadius) {
    out.push('| region lost | role | writes | reads | data |', '|---|---|---|---|---|',
      ...plan.blastRadius.map((b) => `| ${b.region} | ${b.role} | ${cell(b.writes)} | ${cell(b.reads)} | ${cell(b.data)} |`), '');
  } else if (plan.partitionBlastRadius) {
    out.push(renderBlastRadiusMarkdown(plan.partitionBlastRadius), '');
  } else if (plan.activeActiveBlastRadius) {
    out.push('| region lost | effect |', '|---|---|', ...plan.activeActiveBlastRadius.map((b) => `| ${b.region} | ${cell(b.effect)} |`), '');
  }
  out.push('## Alerts', '', plan.alerts, '');
  return out.join('\n');
}
