/**
 * Day two, checked: compare two synthesized deployments (before and after a
 * role swap, or phase N and N+1) and report every stateful resource that
 * would be replaced — because it left its stack, changed its address
 * (CloudFormation logical id / Terraform address), or changed a create-only
 * property (CloudFormation `createOnlyProperties`, Terraform `ForceNew`).
 *
 * Cloud-neutral: each cloud turns its synthesized output into a list of
 * {@link DeployedResource} and supplies its {@link ReplacementRules} (which
 * types hold data, which properties are create-only, with the source of each
 * rule). A finding names the stack, the resource, the property and both
 * values, so a failing test says exactly what would be replaced.
 */

/** One resource of a synthesized deployment. */
export interface DeployedResource {
  /** Stack (CloudFormation stack / Terraform stack) that holds it. */
  readonly stack: string;
  /** Logical id (CloudFormation) or address `type.name` (Terraform), unique in its stack. */
  readonly address: string;
  /** Resource type, e.g. `google_sql_database_instance` or `AWS::RDS::DBCluster`. */
  readonly type: string;
  /** Its properties / arguments as synthesized. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The create-only properties of one resource type. */
export interface CreateOnlyRule {
  /**
   * Dotted property paths whose change replaces the resource, e.g.
   * `settings.disk_type`. A one-element list (a Terraform block) is stepped
   * through, so `settings.disk_type` also matches `settings[0].disk_type`.
   */
  readonly properties: readonly string[];
  /** Where the rule comes from (the provider's or the service's documentation / schema). */
  readonly source: string;
  /**
   * Create-only properties that change in place in a documented case the
   * deployment relies on (e.g. Terraform's switchover procedure), with why.
   * A change of one of these is not a finding.
   * @default {}
   */
  readonly inPlaceWhen?: Readonly<Record<string, string>>;
  /**
   * Create-only list properties that change in place when the new list
   * keeps every old entry, in order, and only appends (e.g. the Google
   * provider's `ddl` of `google_spanner_database`: appended statements run as
   * an update, any other change recreates the database), with the source.
   * Any other change of one of these is a finding.
   * @default {}
   */
  readonly appendOnly?: Readonly<Record<string, string>>;
}

/** What a cloud says about its resource types. */
export interface ReplacementRules {
  /** Types that hold data or identity that a replacement would lose (databases, users, keys, secrets, networks, state buckets). */
  readonly stateful: readonly string[];
  /** Create-only properties by type. Every type of the deployment must have an entry (possibly with no properties). */
  readonly createOnly: Readonly<Record<string, CreateOnlyRule>>;
  /**
   * The property that names a resource in the cloud (e.g. `name`), by type:
   * used to recognise a stateful resource that moved to another stack or address.
   * @default - moves are reported as a removal
   */
  readonly identity?: Readonly<Record<string, string>>;
}

/** Why a resource would be replaced. */
export type ReplacementReason = 'removed' | 'moved' | 'create-only-changed' | 'unclassified-type';

/** One resource that a deploy of `after` over `before` would replace or lose. */
export interface ReplacementFinding {
  readonly reason: ReplacementReason;
  /** `stack/address` before the change. */
  readonly resource: string;
  readonly type: string;
  /** The create-only property that changed. @default - none */
  readonly property?: string;
  /** Its value before. @default - none */
  readonly before?: unknown;
  /** Its value after. @default - none */
  readonly after?: unknown;
  /** One line: what would happen and why. */
  readonly message: string;
}

/** Options of {@link findReplacements}. */
export interface FindReplacementsOptions {
  /**
   * Also check the create-only properties of resources that are not
   * stateful (routing records, workflows, alerts): a replacement of those
   * loses no data but may cause a short outage.
   * @default false
   */
  readonly checkStatelessCreateOnly?: boolean;
}

/** The value at a dotted path; one-element arrays are stepped through. */
export function valueAt(properties: unknown, path: string): unknown {
  let cur: unknown = properties;
  for (const key of path.split('.')) {
    while (Array.isArray(cur) && cur.length === 1) cur = cur[0];
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const key = (r: DeployedResource) => `${r.stack}/${r.address}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every stateful resource of `before` that a deploy of `after` would
 * replace or lose, and every create-only change (of stateful resources, and
 * of all resources with `checkStatelessCreateOnly`). Resources only in
 * `after` are additions and never a finding. Empty when nothing is replaced.
 */
export function findReplacements(
  before: readonly DeployedResource[],
  after: readonly DeployedResource[],
  rules: ReplacementRules,
  options: FindReplacementsOptions = {},
): ReplacementFinding[] {
  const findings: ReplacementFinding[] = [];
  const afterByKey = new Map(after.map((r) => [key(r), r]));
  const stateful = new Set(rules.stateful);
  const reported = new Set<string>();
  for (const type of new Set([...before, ...after].map((r) => r.type))) {
    if (!rules.createOnly[type]) {
      findings.push({
        reason: 'unclassified-type',
        resource: '*',
        type,
        message: `${type} has no create-only rule: classify it (stateful or not, and its create-only properties with their source) before relying on this check`,
      });
    }
  }
  for (const r of before) {
    const next = afterByKey.get(key(r));
    if (!next) {
      if (!stateful.has(r.type)) continue;
      const idProperty = rules.identity?.[r.type];
      const id = idProperty ? valueAt(r.properties, idProperty) : undefined;
      const moved = id === undefined ? undefined : after.find((a) => a.type === r.type && same(valueAt(a.properties, idProperty!), id));
      findings.push(moved
        ? {
          reason: 'moved',
          resource: key(r),
          type: r.type,
          message: `${r.type} ${show(id)} moved from ${key(r)} to ${key(moved)}: a deploy would delete it from one state and create it again in the other`,
        }
        : {
          reason: 'removed',
          resource: key(r),
          type: r.type,
          message: `${r.type} ${key(r)}${id === undefined ? '' : ` (${show(id)})`} is gone after the change: a deploy would delete it`,
        });
      continue;
    }
    if (next.type !== r.type) {
      findings.push({ reason: 'removed', resource: key(r), type: r.type, message: `${key(r)} changed type from ${r.type} to ${next.type}: a deploy would replace it` });
      continue;
    }
    if (!stateful.has(r.type) && !options.checkStatelessCreateOnly) continue;
    const rule = rules.createOnly[r.type];
    if (!rule) continue;
    for (const property of rule.properties) {
      if (rule.inPlaceWhen?.[property] !== undefined) continue;
      const a = valueAt(r.properties, property);
      const b = valueAt(next.properties, property);
      if (same(a, b)) continue;
      if (rule.appendOnly?.[property] !== undefined && appends(a, b)) continue;
      const id = `${key(r)}#${property}`;
      if (reported.has(id)) continue;
      reported.add(id);
      findings.push({
        reason: 'create-only-changed',
        resource: key(r),
        type: r.type,
        property,
        before: a,
        after: b,
        message: `${r.type} ${key(r)}: create-only property ${property} changes from ${show(a)} to ${show(b)}, which replaces the resource (${rule.source})`,
      });
    }
  }
  return findings;
}

/** True when `after` is `before` (a list, or nothing) with entries appended. */
function appends(before: unknown, after: unknown): boolean {
  const old = before === undefined ? [] : before;
  if (!Array.isArray(old) || !Array.isArray(after) || after.length < old.length) return false;
  return old.every((v, i) => same(v, after[i]));
}

/** The property paths (dotted, leaves) whose values differ between two property maps. */
export function changedProperties(a: unknown, b: unknown, prefix = ''): string[] {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const unwrap = (v: unknown) => (Array.isArray(v) && v.length === 1 && isMap(v[0]) ? v[0] : v);
  const x = unwrap(a);
  const y = unwrap(b);
  if (isMap(x) && isMap(y)) {
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()
      .flatMap((k) => changedProperties(x[k], y[k], prefix ? `${prefix}.${k}` : k));
  }
  return same(x, y) ? [] : [prefix];
}

/** The findings as one message per line (for test failures and CLI output). */
export function formatReplacementFindings(findings: readonly ReplacementFinding[]): string {
  return findings.map((f) => `- ${f.message}`).join('\n');
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? 'undefined';
}
