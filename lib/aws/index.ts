export * from './primary-region';
export * from './read-replica-region';
export * from './ladder-app';
export * from './graphql-edge-router';
