/**
 * multiregion-constructs/config: the deployment configuration file
 * (multiregion.yaml, docs/config.md) — parse with positions, validate once
 * through the core rules, and the typed configuration the clouds build
 * from. Loads neither aws-cdk-lib nor cdktf.
 */
export { API_VERSION, ROLES, FILE_SHAPE } from './fields';
export type { Role } from './fields';
export * from './types';
export { loadConfig, parseConfig, loadDeploymentConfig } from './load';
export type { LoadedConfig } from './load';
export { validateValue } from './validate';
export type { Validation } from './validate';
export { formatFileProblem, hasErrors, summarize, pathText, configError } from './problems';
export type { FileProblem, PathProblem, PathSegment, Severity } from './problems';
export { MAX_FILE_BYTES, MAX_ALIAS_COUNT } from './source';
export { parseDuration, formatDuration, DURATION_PATTERN } from './duration';
export { configSchema, configSchemaText } from './schema';
export { renderReference, replaceReference, keyPaths, REFERENCE_BEGIN, REFERENCE_END } from './reference';
export { buildPlan } from './plan';
export type { Plan, PlanRegion, PlanRoute, PlanStackCost } from './plan';
export { renderPlanMarkdown } from './plan-render';
export { estimateProcedures, awsInputs, decisionStretch, enforcedRpoSeconds, AWS_FILE_WORDS } from './recovery';
export type { ProcedureEstimate, RecoverySettings } from './recovery';
export { singleWriterBlastRadius } from './blast-radius';
export type { SingleWriterLoss } from './blast-radius';
export { diffConfigs, renderDiff, replacesSomething } from './diff';
export type { ConfigChange, ChangeKind } from './diff';
export { databaseLayout, trafficLayout, combinedResidency, databaseTopology } from './layout';
export type { DatabaseLayout, TrafficLayout } from './layout';
export { AWS_FIGURES, GCP_FIGURES, AWS_REGIONS, GCP_REGIONS, AWS_CONFIG_PROFILE, GCP_CONFIG_PROFILE, CLOUDS, profileOf } from './figures';
export type { Cloud } from './figures';
// The one error type, so a caller of loadDeploymentConfig needs no second import.
export { MultiRegionConfigError } from '../core/errors';
