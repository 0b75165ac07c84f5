export * from './errors';
export * from './ladder';
export * from './spec';
export * from './hardening';
export * from './recovery';
export * from './runbook';
export * from './partitions';
export * from './role-swap';
