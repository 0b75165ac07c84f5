import type { VariableReading } from '../classify';
import { hasAmbiguousKeys } from './json-keys';

/**
 * Reading one GraphQL variable — the partition key — the way a GraphQL
 * server coerces variable values (GraphQL spec, CoerceVariableValues): a
 * variable the selected operation does not declare is never seen by the
 * server; a declared one takes the request's value (an explicit `null`
 * included) and, when absent, the declaration's default. When the document
 * is not known (a persisted query the manifest knows by type only, or not at
 * all), only an explicit value counts.
 */

/** Declared variables of the selected operation → string default; `undefined`: the document is not known. */
export type Declarations = ReadonlyMap<string, string | undefined> | undefined;
export const NO_DECLARATIONS: ReadonlyMap<string, string | undefined> = new Map();

const found = (value: string): VariableReading => ({ found: true, value });
const problem = (kind: 'missing' | 'ambiguous' | 'invalid', detail: string): VariableReading => ({ found: false, problem: kind, detail });

export function readVariable(params: unknown, name: string, declared: Declarations): VariableReading {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return problem('invalid', 'the request parameters are not a JSON object');
  let variables: unknown = (params as { variables?: unknown }).variables;
  if (typeof variables === 'string') {
    // A JSON text: the URL form of GET requests, and express-graphql parses
    // it in a POST body too (Apollo and graphql-http refuse it there).
    if (variables === '') {
      variables = undefined;
    } else {
      try {
        variables = JSON.parse(variables);
      } catch {
        return problem('invalid', 'variables is not valid JSON');
      }
      if (hasAmbiguousKeys((params as { variables: string }).variables)) return problem('ambiguous', 'variables has a duplicate key');
    }
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return problem('invalid', 'variables is not a JSON object');
  }
  const bag = (variables ?? {}) as Record<string, unknown>;
  const lower = name.toLowerCase();
  for (const key in bag) {
    // Servers that bind JSON case-insensitively could read `$Tenant` as `$tenant`.
    if (key !== name && key.toLowerCase() === lower) return problem('ambiguous', `variables has ${JSON.stringify(key)}, a spelling of $${name} in another letter case`);
  }
  if (declared !== undefined && !declared.has(name)) return problem('missing', `the operation does not declare $${name}, so the server never reads it`);
  if (Object.prototype.hasOwnProperty.call(bag, name)) {
    const value = bag[name];
    if (typeof value === 'string') return found(value);
    if (value === null) return problem('missing', `$${name} is null`);
    return problem('invalid', `$${name} is not a string`);
  }
  const fallback = declared?.get(name);
  if (fallback !== undefined) return found(fallback);
  return problem('missing', `the request gives no $${name}`);
}

/**
 * One reading from several (every way a server may combine URL and body
 * parameters, or every entry of a batch): a partition only when all name the
 * same one.
 */
export function combineReadings(readings: readonly VariableReading[], what: string): VariableReading {
  if (readings.length === 0) return problem('missing', 'the request gives no variables');
  if (readings.length === 1) return readings[0];
  const values = new Set<string>();
  let missing: VariableReading | undefined;
  for (const r of readings) {
    if (r.found) values.add(r.value);
    else if (r.problem !== 'missing') return r;
    else missing ??= r;
  }
  if (values.size === 0) return missing!;
  if (missing) return problem('ambiguous', `some ${what} name a partition and some do not (${missing.found ? '' : missing.detail})`);
  if (values.size > 1) return problem('ambiguous', `the ${what} name different partitions`);
  return found([...values][0]);
}
