export * from './primary-region';
export * from './read-replica-region';
export * from './ladder-app';
export * from './global-router';
export * from './failover-runbook';
export * from './graphql-edge-router';
// The one error type, so AWS users need no second import to catch it.
export { MultiRegionConfigError } from '../core/errors';
export type { ConfigProblem, ProblemSource } from '../core/errors';
