import { requirePeerDependencies } from '../core/peer-dependencies';

// Before anything loads aws-cdk-lib: a clear message when it is not installed.
requirePeerDependencies('multiregion-constructs/aws', ['aws-cdk-lib', 'constructs']);

export * from './primary-region';
export * from './read-replica-region';
export * from './ladder-app';
export type { LadderFileOptions, LadderFromFile } from './ladder-file';
export { ladderFromConfig } from './ladder-file';
export * from './router-target';
export * from './global-router';
export * from './failover-runbook';
export * from './graphql-edge-router';
export * from './monitoring';
export * from './geo-partitioned-database';
export * from './active-active-database';
export { rdsDbUserArn } from './connections';
export * from './discovery';
// The one error type, so AWS users need no second import to catch it.
export { MultiRegionConfigError } from '../core/errors';
export type { ConfigProblem, ProblemSource } from '../core/errors';
