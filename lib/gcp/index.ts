/**
 * multiregion-constructs/gcp — the ladder on Google Cloud, built on cdktf and
 * @cdktf/provider-google (both deprecated upstream on 2025-12-10; see
 * docs/gcp/README.md for the exit). Every cdktf use stays under lib/gcp.
 */
import { requirePeerDependencies } from '../core/peer-dependencies';

// Before anything loads cdktf: a clear message when it is not installed.
requirePeerDependencies('multiregion-constructs/gcp', ['cdktf', '@cdktf/provider-google', 'constructs']);

export * from './provider';
export * from './primary-region';
export * from './read-replica-region';
export * from './global-router';
export * from './failover-runbook';
export * from './placeholder-guard';
export * from './state-backend';
export * from './deployment-network';
export * from './database-users';
export * from './connections';
export * from './day-two';
export * from './active-active-database';
export * from './geo-partitioned-database';
export * from './monitoring';
export { GCP_PROFILE, GCP_WORDS, GCP_WRITE_MODE_WORDS, CLOUD_SQL_REGIONS, CLOUD_SQL_LIMITS } from './private/gcp-profile';
export type { AuthorizedNetwork, Edition } from './private/sql-rules';
export { REPLICA_LAG_METRIC, INSTANCE_UP_METRIC } from './private/alerts';
export { DATA_LOSS_REFUSAL } from './private/workflow-source';
// The one error type, so Google Cloud users need no second import to catch it.
export { MultiRegionConfigError } from '../core/errors';
export type { ConfigProblem, ProblemSource } from '../core/errors';
export * from './ladder-deployment';
export { gcpLadderFromFile, gcpLadderFromConfig } from './ladder-file';
export type { GcpLadderFileOptions, GcpLadderFromFile, GcpLadderOverrides } from './ladder-file';
