export * from './primary-region';
export * from './read-replica-region';
export * from './ladder-app';
export * from './router-target';
export * from './global-router';
export * from './failover-runbook';
export * from './graphql-edge-router';
