/**
 * Day two, AWS: compare two synthesized deployments — before and after a role
 * swap, or phase N and N+1 of the ladder — and list what would happen to each
 * stateful resource on deploy.
 *
 * A resource's identity in CloudFormation is its stack (name and region) and
 * its logical id: a resource that leaves its stack or changes its logical id
 * is deleted and created anew. Within a stack, a property whose value changes
 * replaces the resource when the CloudFormation resource specification marks
 * it `causesReplacement: 'yes'` (or `'maybe'`: replacement in some cases).
 * The specification is `@aws-cdk/aws-service-spec`, the database aws-cdk-lib
 * is generated from.
 */
import { App } from 'aws-cdk-lib';
import { DeployedResource, findReplacements, ReplacementRules } from '../../lib/core';

/** CloudFormation resource types that hold data, keys or credentials, and what they depend on. */
export const STATEFUL_TYPES: readonly string[] = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::RDS::GlobalCluster',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBClusterParameterGroup',
  // The cluster's subnet group names the subnets: a new VPC or subnet means a new subnet group.
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
];

/** One synthesized stack. */
export interface SynthesizedStack {
  readonly name: string;
  readonly region: string;
  readonly resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
}

/** `causesReplacement` of every property of every stateful type. */
export type ReplacementSpec = Readonly<Record<string, Readonly<Record<string, 'yes' | 'maybe' | undefined>>>>;

const specs = new Map<string, Promise<ReplacementSpec>>();

/** Loads the CloudFormation specification of `types` once per test file (about a second). */
export function loadReplacementSpec(types: readonly string[] = STATEFUL_TYPES): Promise<ReplacementSpec> {
  const key = types.join(',');
  if (!specs.has(key)) specs.set(key, (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadAwsServiceSpec } = require('@aws-cdk/aws-service-spec') as {
      loadAwsServiceSpec(): Promise<{
        lookup(entity: 'resource', index: 'cloudFormationType', op: 'equals', value: string): {
          only(): { properties: Record<string, { causesReplacement?: 'yes' | 'maybe' | 'no' }> };
        };
      }>;
    };
    const db = await loadAwsServiceSpec();
    const out: Record<string, Record<string, 'yes' | 'maybe' | undefined>> = {};
    for (const type of types) {
      const resource = db.lookup('resource', 'cloudFormationType', 'equals', type).only();
      out[type] = Object.fromEntries(Object.entries(resource.properties).map(([name, p]) => [
        name, p.causesReplacement === 'yes' || p.causesReplacement === 'maybe' ? p.causesReplacement : undefined,
      ]));
    }
    return out;
  })());
  return specs.get(key)!;
}

/** Every stack of an app, synthesized. */
export function synthesize(app: App): Record<string, SynthesizedStack> {
  const assembly = app.synth({ force: true });
  return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, {
    name: s.stackName,
    region: s.environment.region,
    resources: (s.template as { Resources?: SynthesizedStack['resources'] }).Resources ?? {},
  }]));
}

/** A change to a stateful resource between two deployments. */
export interface StatefulChange {
  /** `removed`: the stack or the logical id is gone (deploy deletes it); `replaced`: a create-only property changed; `updated`: another property changed. */
  readonly kind: 'removed' | 'replaced' | 'updated';
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** The property, for `replaced` and `updated`. */
  readonly property?: string;
  /** One line naming the stack, the resource and the property. */
  readonly message: string;
}

/** A property change known not to replace the resource, with the reason. */
export interface AllowedChange {
  readonly type: string;
  readonly property: string;
  readonly reason: string;
}

const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/**
 * What deploying `after` over `before` does to every stateful resource of
 * `before`. New resources (in new stacks or under new logical ids) are
 * additions and are not listed. `allow` lists create-only-by-specification
 * property changes that the CloudFormation reference documents as in-place
 * updates (reported as `updated`).
 */
export function compareStateful(
  before: Readonly<Record<string, SynthesizedStack>>,
  after: Readonly<Record<string, SynthesizedStack>>,
  replacement: ReplacementSpec,
  allow: readonly AllowedChange[] = [],
  types: readonly string[] = STATEFUL_TYPES,
): StatefulChange[] {
  // Removals and replacements: the cloud-neutral check of lib/core/role-swap.ts,
  // with the CloudFormation specification as its rules.
  const rules: ReplacementRules = {
    stateful: types,
    createOnly: Object.fromEntries(types.map((type) => [type, {
      properties: Object.entries(replacement[type] ?? {}).filter(([, c]) => c !== undefined).map(([name]) => name),
      source: `causesReplacement in @aws-cdk/aws-service-spec`,
      inPlaceWhen: Object.fromEntries(allow.filter((a) => a.type === type).map((a) => [a.property, a.reason])),
    }])),
  };
  const a = deployed(before, types);
  const b = deployed(after, types);
  const nameOf = new Map(Object.values({ ...before, ...after }).map((st) => [`${st.name} (${st.region})`, st.name]));
  const stackNames = new Set(b.map((r) => r.stack));
  const changes: StatefulChange[] = findReplacements(a, b, rules).map((f) => {
    const r = a.find((x) => key(x) === f.resource)!;
    const removed = stackNames.has(r.stack)
      ? 'no longer in the stack under this logical id, so it would be deleted'
      : 'its stack is gone, so the resource would be deleted and created again';
    return {
      kind: f.reason === 'create-only-changed' ? 'replaced' : 'removed',
      stack: nameOf.get(r.stack)!,
      logicalId: r.address,
      type: f.type,
      property: f.property,
      message: f.reason === 'create-only-changed'
        ? `${where(r)}: ${f.property} ${show(f.before)} → ${show(f.after)} (causesReplacement: ${replacement[f.type]?.[f.property!]})`
        : `${where(r)}: ${removed}`,
    };
  });
  // In-place updates: every other property that changed.
  const afterByKey = new Map(b.map((r) => [key(r), r]));
  for (const r of a) {
    const next = afterByKey.get(key(r));
    if (!next || next.type !== r.type) continue;
    const props = new Set([...Object.keys(r.properties), ...Object.keys(next.properties)]);
    for (const property of [...props].sort()) {
      if (changes.some((c) => c.kind === 'replaced' && c.stack === nameOf.get(r.stack) && c.logicalId === r.address && c.property === property)) continue;
      const x = r.properties[property];
      const y = next.properties[property];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      changes.push({ kind: 'updated', stack: nameOf.get(r.stack)!, logicalId: r.address, type: r.type, property, message: `${where(r)}: ${property} ${show(x)} → ${show(y)}` });
    }
  }
  return changes;
}

/** The stateful resources of synthesized stacks, as lib/core's check reads them (a stack is its name and region). */
function deployed(stacks: Readonly<Record<string, SynthesizedStack>>, types: readonly string[]): DeployedResource[] {
  return Object.values(stacks).flatMap((stack) => Object.entries(stack.resources)
    .filter(([, r]) => types.includes(r.Type))
    .map(([logicalId, r]) => ({ stack: `${stack.name} (${stack.region})`, address: logicalId, type: r.Type, properties: r.Properties ?? {} })));
}

const key = (r: DeployedResource) => `${r.stack}/${r.address}`;
const where = (r: DeployedResource) => `stack ${r.stack}: ${r.type} ${r.address}`;
