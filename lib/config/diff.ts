/**
 * `multiregion diff OLD NEW`: what changes between two versions of a
 * configuration, in the terms people think in (a region added, a role swap,
 * a phase climbed), and which changes replace or remove a database. A
 * region's stateful resources are identified by the region and the origin,
 * never by the role: swapping roles replaces nothing; changing the origin,
 * the database identifier, the engine, the stack prefix, the account or the
 * cloud replaces the databases.
 */
import { LADDER } from '../core';
import { formatDuration } from './duration';
import { DeploymentConfig, RegionConfig } from './types';

/**
 * `replaces`: a database (or every stack) is replaced or deleted;
 * `review`: may touch a stateful resource, read `cdk diff` / `terraform plan`;
 * `change`: nothing stateful changes identity.
 */
export type ChangeKind = 'replaces' | 'review' | 'change';

export interface ConfigChange {
  readonly kind: ChangeKind;
  /** The key it is about, e.g. `origin`, `regions[eu-west-1].role`. */
  readonly key: string;
  /** What changes, in one sentence. */
  readonly what: string;
}

const d = (s: number | undefined) => (s === undefined ? 'none' : formatDuration(s));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The changes from `a` to `b`, most serious first. */
export function diffConfigs(a: DeploymentConfig, b: DeploymentConfig): ConfigChange[] {
  const out: ConfigChange[] = [];
  const add = (kind: ChangeKind, key: string, what: string) => out.push({ kind, key, what });
  if (a.cloud !== b.cloud) {
    add('replaces', 'cloud', `cloud ${a.cloud} → ${b.cloud}: a deployment on another cloud; nothing carries over (the ${a.cloud} deployment stays until you destroy it)`);
    return out;
  }
  if (a.account !== b.account) add('replaces', 'account', `account ${a.account} → ${b.account}: every stack goes to another account, with new databases`);
  if (a.project !== b.project) add('replaces', 'project', `project ${a.project} → ${b.project}: every stack goes to another project, with new databases`);
  if (a.stackPrefix !== b.stackPrefix) add('replaces', 'stackPrefix', `stackPrefix ${a.stackPrefix} → ${b.stackPrefix}: every stack gets a new name, so new stacks with new databases replace the old ones`);
  if (a.database.id !== b.database.id) add('replaces', 'database.id', `database.id ${a.database.id} → ${b.database.id} REPLACES THE DATABASES: the identifier is set when a database is created`);
  if (a.database.engine !== b.database.engine) add('replaces', 'database.engine', `database.engine ${a.database.engine} → ${b.database.engine} REPLACES THE DATABASES (another engine is another database)`);
  originChanges(a, b, add);
  if (a.name !== b.name && a.stackPrefix === b.stackPrefix && a.database.id === b.database.id) add('change', 'name', `name ${a.name} → ${b.name} (stack prefix and database id unchanged)`);

  if (a.phase !== b.phase) {
    const up = b.phase > a.phase;
    const steps = up ? range(a.phase + 1, b.phase) : range(b.phase + 1, a.phase).reverse();
    for (const p of steps) {
      add('change', 'phase', up ? `phase ${p - 1} → ${p}: adds ${LADDER[p as 1].name}${climbNote(p, a)}` : `phase ${p} → ${p - 1}: removes ${LADDER[p as 1].name}${descentNote(p)}`);
    }
  }
  regionChanges(a, b, add);
  partitionChanges(a, b, add);
  if (a.mode !== b.mode && a.mode && b.mode) add('replaces', 'mode', `mode ${a.mode} → ${b.mode}: another engine, so the databases are replaced`);
  if (!same(a.objectives, b.objectives)) {
    add('change', 'objectives', `objectives rto ${d(a.objectives.rtoSeconds)} → ${d(b.objectives.rtoSeconds)}, rpo ${d(a.objectives.rpoSeconds)} → ${d(b.objectives.rpoSeconds)}${b.cloud === 'aws' && a.objectives.rpoSeconds !== b.objectives.rpoSeconds ? ' (on Aurora PostgreSQL an rpo of 20s or more sets rds.global_db_rpo on the primary: a parameter change, no replacement)' : ''}`);
  }
  if (a.replication.lagAlarmSeconds !== b.replication.lagAlarmSeconds) add('change', 'replication.lagAlarm', `replication.lagAlarm ${d(a.replication.lagAlarmSeconds)} → ${d(b.replication.lagAlarmSeconds)} (alarm thresholds only)`);
  routingChanges(a, b, add);
  if (!same(a.residency, b.residency)) {
    const names = (c: DeploymentConfig) => c.residency.map((r) => `${r.class} [${r.allowedRegions.join(', ')}]`).join('; ') || 'none';
    add('change', 'residency', `residency ${names(a)} → ${names(b)} (checked at synth; no resource changes by itself)`);
  }
  if (!same(a.alerts, b.alerts)) add('change', 'alerts', 'alerts: the notification targets change');
  if (!same(a.failover, b.failover)) {
    const f = (c: DeploymentConfig) => `${c.failover.decision}${c.failover.decision === 'manual' ? ` (${d(c.failover.decisionTimeSeconds)})` : c.failover.allowDataLoss ? ' with data loss' : ' switchover only'}${c.failover.engine ? `, ${c.failover.engine}` : ''}`;
    add('change', 'failover', `failover ${f(a)} → ${f(b)}`);
  }
  if (a.database.backupRetentionDays !== b.database.backupRetentionDays) add('change', 'database.backupRetention', `database.backupRetention ${a.database.backupRetentionDays ?? 'default'} → ${b.database.backupRetentionDays ?? 'default'} days (in place)`);
  if (a.database.edition !== b.database.edition) add('review', 'database.edition', `database.edition ${a.database.edition} → ${b.database.edition}: read terraform plan of the database stacks before applying`);
  if (!same(a.stateBucket, b.stateBucket)) add('review', 'stateBucket', 'stateBucket: the Terraform state moves; migrate it (terraform init -migrate-state) before applying anything else');
  const order: Record<ChangeKind, number> = { replaces: 0, review: 1, change: 2 };
  return out.map((c, i) => ({ c, i })).sort((x, y) => order[x.c.kind] - order[y.c.kind] || x.i - y.i).map((x) => x.c);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function climbNote(p: number, a: DeploymentConfig): string {
  switch (p) {
    case 2: return a.cloud === 'aws' ? ' (the global database is created from the existing cluster: nothing is replaced)' : ' (the replicas are created from the existing primary: nothing is replaced)';
    case 3: return ': the write route and the failover automation';
    case 4: return ': the read route to every region with readers';
    default: return ' (no construct builds phase 5 yet)';
  }
}

function descentNote(p: number): string {
  switch (p) {
    case 2: return ': the replica regions are removed';
    case 3: return ': the routes and the failover automation are removed (no database changes)';
    case 4: return ': the read route is removed';
    default: return '';
  }
}

function originChanges(a: DeploymentConfig, b: DeploymentConfig, add: (k: ChangeKind, key: string, what: string) => void): void {
  if (a.origin === undefined || b.origin === undefined) return;
  if (a.origin !== b.origin) {
    const implicit = !b.originExplicit ? ` (origin is not set, so it follows the primary: pin origin: ${a.origin} to swap roles without replacing anything)` : '';
    add('replaces', 'origin', `origin ${a.origin} → ${b.origin} REPLACES THE DATABASES: the origin holds the cluster the database was created from${implicit}`);
  } else if (!a.originExplicit && b.originExplicit) {
    add('change', 'origin', `origin pinned to ${b.origin} (it was already the origin: nothing changes)`);
  }
}

function regionChanges(a: DeploymentConfig, b: DeploymentConfig, add: (k: ChangeKind, key: string, what: string) => void): void {
  const before = new Map(a.regions.map((r) => [r.name, r]));
  const after = new Map(b.regions.map((r) => [r.name, r]));
  const singleWriter = a.phase < 5 && b.phase < 5;
  if (singleWriter && a.primaryRegion !== b.primaryRegion && before.has(b.primaryRegion) && after.has(a.primaryRegion)) {
    const kept = a.origin !== undefined && a.origin === b.origin;
    add('change', 'regions[].role', `role swap: the writer moves from ${a.primaryRegion} to ${b.primaryRegion}${kept ? ` (origin stays ${b.origin}: no database is replaced)` : ''}; switch over first (the runbook's switchover), then apply, so routes and alarms follow the database`);
  }
  for (const [name, r] of after) {
    const old = before.get(name);
    if (!old) {
      add('change', `regions[${name}]`, `adds ${name} (${r.role}): a new ${r.hasInstances ? 'replica' : 'headless secondary'} in ${name}; nothing existing is replaced`);
      continue;
    }
    if (singleWriter) roleChange(old, r, a, b, add);
    else if (old.role !== r.role) add('change', `regions[${name}].role`, `${name}: ${old.role} → ${r.role} (phase 5: a writer is the home of a partition)`);
    if (!same(old.availabilityZones, r.availabilityZones)) {
      add('review', `regions[${name}].availabilityZones`, `${name}: availability zones ${old.availabilityZones?.join(', ') ?? '(looked up)'} → ${r.availabilityZones?.join(', ') ?? '(looked up)'}: the VPC's subnets change under the database; read cdk diff before deploying`);
    }
    if (old.endpoint !== r.endpoint) add('change', `regions[${name}].endpoint`, `${name}: endpoint ${old.endpoint ?? 'none'} → ${r.endpoint ?? 'none'} (routes only)`);
  }
  for (const [name, r] of before) {
    if (!after.has(name)) add('replaces', `regions[${name}]`, `removes ${name} (was ${r.role}): its ${r.hasInstances ? 'replica' : 'secondary'} database is deleted (deletion protection must be lifted first; the other regions keep the data)`);
  }
}

function roleChange(old: RegionConfig, r: RegionConfig, a: DeploymentConfig, b: DeploymentConfig, add: (k: ChangeKind, key: string, what: string) => void): void {
  if (old.role === r.role) return;
  const key = `regions[${r.name}].role`;
  if (old.role === 'primary' || r.role === 'primary') return; // the role swap line says it
  if (r.role === 'headless') add('change', key, `${r.name}: ${old.role} → headless: its instances are removed (the database and its data stay)`);
  else if (old.role === 'headless') add('change', key, `${r.name}: headless → ${r.role}: instances are added`);
  else if (r.name === b.standbyRegion || r.name === a.standbyRegion) add('change', key, `${r.name}: ${old.role} → ${r.role}: the failover target moves from ${a.standbyRegion} to ${b.standbyRegion}`);
  else add('change', key, `${r.name}: ${old.role} → ${r.role}`);
}

function partitionChanges(a: DeploymentConfig, b: DeploymentConfig, add: (k: ChangeKind, key: string, what: string) => void): void {
  const before = new Map((a.partitions ?? []).map((p) => [p.name, p]));
  const after = new Map((b.partitions ?? []).map((p) => [p.name, p]));
  for (const [name, p] of after) {
    const old = before.get(name);
    if (!old) { add('change', `partitions[${name}]`, `adds partition ${name} (home ${p.homeRegion})`); continue; }
    if (old.origin !== p.origin) add('replaces', `partitions[${name}].origin`, `partition ${name}: origin ${old.origin} → ${p.origin} REPLACES ITS DATABASE`);
    if (old.homeRegion !== p.homeRegion) add('change', `partitions[${name}].homeRegion`, `partition ${name}: writes move from ${old.homeRegion} to ${p.homeRegion}${old.origin === p.origin ? ` (origin stays ${p.origin})` : ''}`);
    if (!same(old.replicaRegions, p.replicaRegions)) add('change', `partitions[${name}].replicaRegions`, `partition ${name}: read copies ${old.replicaRegions.join(', ') || 'none'} → ${p.replicaRegions.join(', ') || 'none'}`);
  }
  for (const name of before.keys()) if (!after.has(name)) add('replaces', `partitions[${name}]`, `removes partition ${name}: its databases are deleted`);
}

function routingChanges(a: DeploymentConfig, b: DeploymentConfig, add: (k: ChangeKind, key: string, what: string) => void): void {
  const x = a.routing;
  const y = b.routing;
  if (!x || !y) return; // the phase lines say when routes appear or go
  if (x.zone !== y.zone || x.hostedZoneId !== y.hostedZoneId || x.managedZone !== y.managedZone) add('change', 'routing.zone', `routes move from ${x.zone} to ${y.zone}: new records; clients must use the new hostnames`);
  if (x.writeName !== y.writeName || x.readName !== y.readName) add('change', 'routing', `hostnames ${x.writeName}/${x.readName} → ${y.writeName}/${y.readName}`);
  if (!same(x.healthCheck, y.healthCheck) || x.ttlSeconds !== y.ttlSeconds) add('change', 'routing.healthCheck', `health check and TTL: ${hc(a)} → ${hc(b)}`);
  if (x.graphql !== y.graphql) add('change', 'routing.graphql', y.graphql ? 'adds the GraphQL entry point api.<zone>' : 'removes the GraphQL entry point');
}

function hc(c: DeploymentConfig): string {
  const r = c.routing!;
  return `${formatDuration(r.healthCheck.intervalSeconds)} × ${r.healthCheck.failureThreshold} ${r.healthCheck.path}, TTL ${formatDuration(r.ttlSeconds)}`;
}

/** True when a change replaces or removes a database. */
export function replacesSomething(changes: readonly ConfigChange[]): boolean {
  return changes.some((c) => c.kind === 'replaces');
}

/** The changes as text, one per line, the serious ones first. */
export function renderDiff(oldFile: string, newFile: string, changes: readonly ConfigChange[]): string {
  if (changes.length === 0) return `${oldFile} → ${newFile}: no change\n`;
  const label: Record<ChangeKind, string> = { replaces: 'REPLACES', review: 'review  ', change: 'change  ' };
  const n = changes.filter((c) => c.kind === 'replaces').length;
  return [
    `${oldFile} → ${newFile}: ${changes.length} change${changes.length === 1 ? '' : 's'}${n > 0 ? `, ${n} replacing or removing a database` : ', no database replaced'}`,
    ...changes.map((c) => `  ${label[c.kind]} ${c.what}`),
    '',
  ].join('\n');
}
