/**
 * The JSON Schema of the configuration file (draft-07, which the YAML
 * language server and most editors read), made from the table of fields.ts:
 * shipped as schema/multiregion.schema.json and printed by `multiregion
 * schema`. What a schema cannot say (a region listed twice, one primary,
 * residency against the regions, objectives against the estimate) only
 * `multiregion validate` checks; test/config/schema.test.ts holds the two
 * to the same verdict on a table of files.
 */
import { DURATION_PATTERN } from './duration';
import { API_VERSION, FILE_SHAPE, ROLES } from './fields';
import { Cloud, CLOUDS } from './figures';
import { ObjectShape, Property, Shape } from './shape';

export type JsonSchema = { [key: string]: unknown } | boolean;

function describe(p: Property): string {
  return p.default ? `${p.description} Default: ${p.default.replace(/`/g, '')}.` : p.description;
}

function toSchema(shape: Shape, description?: string): { [key: string]: unknown } {
  const d = description ? { description } : {};
  switch (shape.kind) {
    case 'string': return { type: 'string', ...d, ...(shape.enum ? { enum: [...shape.enum] } : {}), ...(shape.pattern ? { pattern: shape.pattern } : {}), ...(shape.maxLength ? { maxLength: shape.maxLength } : {}) };
    case 'integer': return { type: 'integer', ...d, ...(shape.minimum !== undefined ? { minimum: shape.minimum } : {}), ...(shape.maximum !== undefined ? { maximum: shape.maximum } : {}) };
    case 'boolean': return { type: 'boolean', ...d };
    case 'duration': return { type: 'string', ...d, pattern: DURATION_PATTERN, ...(shape.enum ? { enum: [...shape.enum] } : {}) };
    case 'array': return { type: 'array', ...d, items: toSchema(shape.items), ...(shape.minItems !== undefined ? { minItems: shape.minItems } : {}), ...(shape.maxItems !== undefined ? { maxItems: shape.maxItems } : {}) };
    case 'object': {
      const required = Object.entries(shape.properties).filter(([, p]) => p.required === true).map(([k]) => k);
      return {
        type: 'object', ...d, additionalProperties: false,
        properties: Object.fromEntries(Object.entries(shape.properties).map(([k, p]) => [k, toSchema(p.shape, describe(p))])),
        ...(required.length > 0 ? { required } : {}),
      };
    }
  }
}

/** What differs on `cloud`: keys it forbids, its own shapes, its required keys (undefined when nothing differs). */
function overlay(shape: Shape, cloud: Cloud): { [key: string]: unknown } | undefined {
  if (shape.kind === 'array') {
    const items = overlay(shape.items, cloud);
    return items ? { type: 'array', items } : undefined;
  }
  if (shape.kind !== 'object') return undefined;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, p] of Object.entries(shape.properties)) {
    if (p.clouds && !p.clouds.includes(cloud)) properties[key] = false;
    else if (p.perCloud?.[cloud]) properties[key] = toSchema(p.perCloud[cloud]!);
    else {
      const inner = overlay(p.shape, cloud);
      if (inner) properties[key] = inner;
    }
    if (Array.isArray(p.required) && p.required.includes(cloud)) required.push(key);
  }
  if (Object.keys(properties).length === 0 && required.length === 0) return undefined;
  return { type: 'object', ...(Object.keys(properties).length > 0 ? { properties } : {}), ...(required.length > 0 ? { required } : {}) };
}

const when = (condition: { [key: string]: unknown }, then: { [key: string]: unknown }) => ({ if: condition, then });
const has = (key: string, schema: { [key: string]: unknown }) => ({ type: 'object', properties: { [key]: schema }, required: [key] });

/** The rules across keys that a schema can state (validate.ts states them too, with the reasons). */
function crossKeyRules(): { [key: string]: unknown }[] {
  return [
    // Phase 3 on routes the writes (but active-active: the engine's one endpoint); phase 5 alone has a write mode and partitions.
    when({ allOf: [has('phase', { type: 'integer', minimum: 3 }), { not: has('mode', { type: 'string', const: 'active-active' }) }] }, { required: ['routing'] }),
    when(has('phase', { type: 'integer', const: 5 }), { required: ['mode'] }),
    when(has('phase', { type: 'integer', maximum: 4 }), { properties: { mode: false, partitions: false } }),
    when(has('mode', { type: 'string', const: 'geo-partitioned' }), { required: ['partitions'] }),
    when(has('mode', { type: 'string', const: 'active-active' }), { properties: { partitions: false } }),
    // The GraphQL entry point needs the read route (phase 4).
    when(has('routing', has('graphql', { type: 'boolean', const: true })), { properties: { phase: { type: 'integer', minimum: 4 } } }),
    // Data loss is an automation's permission only.
    when(has('failover', has('allowDataLoss', { type: 'boolean', const: true })), { properties: { failover: has('decision', { type: 'string', const: 'automatic' }) } }),
    // Google Cloud: no headless replica, no automatic decision.
    when(has('cloud', { type: 'string', const: 'gcp' }), {
      properties: {
        regions: { type: 'array', items: { type: 'object', properties: { role: { type: 'string', enum: ROLES.filter((r) => r !== 'headless') } } } },
        failover: { type: 'object', properties: { decision: { type: 'string', const: 'manual' } } },
      },
    }),
  ];
}

/** The JSON Schema of the file. */
export function configSchema(): { [key: string]: unknown } {
  const base = toSchema(FILE_SHAPE as ObjectShape);
  const perCloud = CLOUDS.map((cloud) => when(has('cloud', { type: 'string', const: cloud }), overlay(FILE_SHAPE, cloud) ?? {}));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `multiregion.yaml (${API_VERSION})`,
    description: 'One deployment of multiregion-constructs: its cloud, regions and roles, phase, objectives, routes, residency and alerts (docs/config.md). `multiregion validate` checks what a schema cannot.',
    ...base,
    allOf: [...perCloud, ...crossKeyRules()],
  };
}

/** The schema as the file ships it: two-space JSON and a final newline. */
export function configSchemaText(): string {
  return `${JSON.stringify(configSchema(), null, 2)}\n`;
}
