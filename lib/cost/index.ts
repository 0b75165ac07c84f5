/**
 * multiregion-constructs/cost: what each rung of the ladder costs, estimated
 * offline from the synthesized output (cdk.out, cdktf.out). Loads neither
 * aws-cdk-lib nor cdktf.
 */
export * from './types';
export { estimateCost, priceStacks, PRICERS, UNKNOWN_TYPE } from './estimate';
export type { EstimateOptions } from './estimate';
export { PriceTable, validatePriceTable } from './price-table';
export type { PriceEntry, PriceTableData, PriceLookup } from './price-table';
export { Usage, USAGE_DEFAULTS } from './usage';
export { readSynthOutput } from './synth-output';
export type { SynthOutput, SynthStack, SynthResource } from './synth-output';
export { ladderView, phaseFromName } from './ladder-view';
export type { LadderRow, LadderViewOptions, DeltaLine } from './ladder-view';
export { diffCosts } from './diff';
export type { CostDiff, CostDiffRow } from './diff';
export { renderMarkdown, renderLadder, renderDiff, header, usd } from './render';
export { renderCostDocs, replaceGenerated, generatedPart, DOCS_BEGIN, DOCS_END } from './docs';
export { sqlMachine } from './gcp-pricers';
