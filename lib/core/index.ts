export * from './errors';
export * from './ladder';
export * from './spec';
export * from './hardening';
