/**
 * A small evaluator of the CloudFormation intrinsics the discovery code uses
 * (Ref, Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select), so tests can check
 * what a template resolves to at deploy time for given resource attributes.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** Values of Refs (logical ids and pseudo parameters) and of GetAtts (`id.attribute` or `attribute`). */
export type Env = Readonly<Record<string, string>>;

export function evaluate(value: unknown, env: Env): unknown {
  if (Array.isArray(value)) return value.map((v) => evaluate(v, env));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k];
    if (k === 'Ref') {
      const name = arg as string;
      if (env[name] === undefined) throw new Error(`no value for Ref ${name}`);
      return env[name];
    }
    if (k === 'Fn::GetAtt') {
      const [id, attr] = arg as [string, string];
      const v = env[`${id}.${attr}`] ?? env[attr];
      if (v === undefined) throw new Error(`no value for GetAtt ${id}.${attr}`);
      return v;
    }
    if (k === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return (evaluate(parts, env) as unknown[]).map(String).join(sep);
    }
    if (k === 'Fn::Split') {
      const [sep, source] = arg as [string, unknown];
      return String(evaluate(source, env)).split(sep);
    }
    if (k === 'Fn::Select') {
      const [index, list] = arg as [string | number, unknown];
      const items = evaluate(list, env) as unknown[];
      const i = Number(index);
      if (i >= items.length) throw new Error(`Fn::Select ${i} out of range (${items.length} items)`);
      return items[i];
    }
  }
  return Object.fromEntries(keys.map((key) => [key, evaluate(obj[key], env)]));
}

/**
 * The discovery record of a database stack, resolved: `values` give
 * attributes by name (`ReadEndpoint.Address`); an attribute not given reads
 * `<logicalId.attribute>`, a Ref `<logicalId>`.
 */
export function resolveRecord(stack: Stack, values: Env = {}): { name: string; record: Record<string, unknown> } {
  const params = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter'))
    .filter((p) => String(p.Properties.Name).startsWith('/multiregion/'));
  if (params.length !== 1) throw new Error(`expected one discovery parameter, found ${params.length}`);
  const placeholder = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(placeholder);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (o['Fn::GetAtt']) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      return values[attr] ?? `<${id}.${attr}>`;
    }
    if (o.Ref) return o.Ref === 'AWS::Partition' ? 'aws' : values[o.Ref as string] ?? `<${o.Ref as string}>`;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, placeholder(x)]));
  };
  const text = evaluate(placeholder(params[0].Properties.Value), {}) as string;
  return { name: params[0].Properties.Name as string, record: JSON.parse(text) as Record<string, unknown> };
}
