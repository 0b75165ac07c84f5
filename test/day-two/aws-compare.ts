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
  const changes: StatefulChange[] = [];
  for (const stack of Object.values(before)) {
    const next = after[stack.name];
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (!types.includes(resource.Type)) continue;
      const where = `stack ${stack.name} (${stack.region}): ${resource.Type} ${logicalId}`;
      if (!next || next.region !== stack.region) {
        changes.push({ kind: 'removed', stack: stack.name, logicalId, type: resource.Type, message: `${where}: its stack ${!next ? 'is gone' : `moved to ${next.region}`}, so the resource would be deleted and created again` });
        continue;
      }
      const now = next.resources[logicalId];
      if (!now || now.Type !== resource.Type) {
        changes.push({ kind: 'removed', stack: stack.name, logicalId, type: resource.Type, message: `${where}: no longer in the stack under this logical id, so it would be deleted` });
        continue;
      }
      const props = new Set([...Object.keys(resource.Properties ?? {}), ...Object.keys(now.Properties ?? {})]);
      for (const property of [...props].sort()) {
        const a = resource.Properties?.[property];
        const b = now.Properties?.[property];
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        const causes = replacement[resource.Type]?.[property];
        const allowed = allow.some((x) => x.type === resource.Type && x.property === property);
        const kind = causes && !allowed ? 'replaced' : 'updated';
        changes.push({
          kind,
          stack: stack.name,
          logicalId,
          type: resource.Type,
          property,
          message: `${where}: ${property} ${show(a)} → ${show(b)}${kind === 'replaced' ? ` (causesReplacement: ${causes})` : ''}`,
        });
      }
    }
  }
  return changes;
}
