/**
 * The generated part of docs/cost.md: the ladder table for the examples on
 * both clouds and the price table with its sources. `npm run cost --
 * --write-docs` rewrites it between the markers; a test fails when it is out
 * of date.
 */
import { ladderView } from './ladder-view';
import { PriceTable } from './price-table';
import { renderMarkdown } from './render';
import { CostEstimate } from './types';

export const DOCS_BEGIN = '<!-- cost:generated:begin (npm run synth && npm run cost -- --write-docs) -->';
export const DOCS_END = '<!-- cost:generated:end -->';

/** The generated section for `estimate` (the examples' output). */
export function renderCostDocs(estimate: CostEstimate, prices: PriceTable = PriceTable.builtIn()): string {
  const body = renderMarkdown(estimate, ladderView(estimate), { title: 'The examples, estimated', lineItems: true });
  const table = ['## The price table', '', `Version ${prices.version}. Each entry: USD per unit, the page it was read from (or why it was not found there), the date.`, '',
    '| cloud | Region | key | USD | unit | source |', '|---|---|---|---:|---|---|'];
  for (const { cloud, region, key, entry } of prices.entries()) {
    table.push(`| ${cloud} | ${region} | ${key} | ${entry.usd} | ${entry.unit} | ${entry.source.replace(/\|/g, '\\|')} (${entry.date}) |`);
  }
  return [body, table.join('\n'), ''].join('\n');
}

/** `markdown` with the generated section replaced by `generated` (appended when the markers are missing). */
export function replaceGenerated(markdown: string, generated: string): string {
  const start = markdown.indexOf(DOCS_BEGIN);
  const end = markdown.indexOf(DOCS_END);
  const block = `${DOCS_BEGIN}\n\n${generated.trim()}\n\n${DOCS_END}`;
  if (start < 0 || end < start) return `${markdown.trimEnd()}\n\n${block}\n`;
  return markdown.slice(0, start) + block + markdown.slice(end + DOCS_END.length);
}

/** The generated section currently in `markdown`, or undefined. */
export function generatedPart(markdown: string): string | undefined {
  const start = markdown.indexOf(DOCS_BEGIN);
  const end = markdown.indexOf(DOCS_END);
  return start < 0 || end < start ? undefined : markdown.slice(start + DOCS_BEGIN.length, end).trim();
}
