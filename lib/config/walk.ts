/**
 * Structural validation: the file against the table of fields.ts — types,
 * allowed values, required keys, keys of the other cloud, and unknown keys
 * with a did-you-mean. What passes is returned with durations in seconds;
 * what fails is left out and its path recorded, so the rules that follow
 * (validate.ts) skip it instead of reporting the same mistake twice.
 */
import { show } from '../core/errors';
import { formatDuration, parseDuration } from './duration';
import { Cloud, CLOUD_NAMES } from './figures';
import { PathProblem, PathSegment, pathText } from './problems';
import { appliesTo, ArrayShape, ObjectShape, requiredOn, Shape, shapeOn } from './shape';
import { closest, fold } from './suggest';

/** What the walk found. */
export interface Walked {
  /** The values that passed, durations as seconds. */
  readonly value: unknown;
  readonly problems: PathProblem[];
  /** Paths (as text) whose value failed: later rules skip them. */
  readonly invalid: Set<string>;
}

interface Context {
  readonly cloud?: Cloud;
  readonly problems: PathProblem[];
  readonly invalid: Set<string>;
}

/** Walks `value` against `shape`. `cloud` selects the per-cloud shapes (undefined: the generic ones). */
export function walk(value: unknown, shape: ObjectShape, cloud: Cloud | undefined): Walked {
  const ctx: Context = { cloud, problems: [], invalid: new Set() };
  const out = walkShape(value, shape, [], ctx);
  return { value: out, problems: ctx.problems, invalid: ctx.invalid };
}

function fail(ctx: Context, path: readonly PathSegment[], message: string, fix: string, value?: unknown, at?: 'key'): undefined {
  ctx.problems.push({ severity: 'error', path, message, fix, value, ...(at ? { at } : {}) });
  ctx.invalid.add(pathText(path));
  return undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null (empty)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

/** The last key of a path, for fixes that show the line to write: `role: primary`. */
function keyOf(path: readonly PathSegment[]): string {
  const last = [...path].reverse().find((s) => typeof s === 'string');
  return (last as string | undefined) ?? 'value';
}

function walkShape(value: unknown, shape: Shape, path: readonly PathSegment[], ctx: Context, perCloud = false): unknown {
  const note = perCloud ? cloudNote(ctx) : '';
  const p = pathText(path);
  switch (shape.kind) {
    case 'object': return walkObject(value, shape, path, ctx);
    case 'array': return walkArray(value, shape, path, ctx, perCloud);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return fail(ctx, path, `${p} ${show(value)} is not true or false`, `write ${keyOf(path)}: true or ${keyOf(path)}: false`, value);
    case 'integer':
      if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
        return fail(ctx, path, `${p} ${show(value)} is text, not a number`, `remove the quotes: ${keyOf(path)}: ${value.trim()}`, value);
      }
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail(ctx, path, `${p} ${show(value)} is not a whole number`, `write a whole number${range(shape.minimum, shape.maximum)}`, value);
      }
      if ((shape.minimum !== undefined && value < shape.minimum) || (shape.maximum !== undefined && value > shape.maximum)) {
        return fail(ctx, path, `${p} ${value} is outside${range(shape.minimum, shape.maximum)}`, `set ${keyOf(path)} to a whole number${range(shape.minimum, shape.maximum)}`, value);
      }
      return value;
    case 'duration': {
      if (typeof value === 'number') {
        const n = String(value);
        return fail(ctx, path, `${p} ${n} has no unit`, `write ${n}s (seconds), ${n}m (minutes), ${n}h (hours) or ${n}d (days)`, value);
      }
      const seconds = typeof value === 'string' ? parseDuration(value.trim()) : undefined;
      if (seconds === undefined) {
        return fail(ctx, path, `${p} ${show(value)} is not a duration`, 'write a whole number and one unit, s, m, h or d: 30s, 10m, 2h, 14d', value);
      }
      if (shape.enum && !shape.enum.some((e) => parseDuration(e) === seconds)) {
        return fail(ctx, path, `${p} ${value} is not ${oneOf(shape.enum)}${note}`, `set ${keyOf(path)} to ${oneOf(shape.enum)}`, value);
      }
      return seconds;
    }
    case 'string': {
      if (typeof value === 'number' || typeof value === 'boolean') {
        return fail(ctx, path, `${p} ${String(value)} is ${typeName(value)}, not text`, `quote it: ${keyOf(path)}: '${String(value)}'${typeof value === 'number' ? ' (a YAML number loses leading zeros)' : ''}`, value);
      }
      if (typeof value !== 'string') {
        return fail(ctx, path, `${p} is ${typeName(value)}, not text`, `write ${keyOf(path)}: <text>`, value);
      }
      if (shape.enum && !shape.region && !shape.deferEnum && !shape.enum.includes(value)) {
        const suggestion = closest(value, shape.enum);
        return fail(ctx, path, `${p} ${show(value)} is not ${oneOf(shape.enum)}${note}`,
          `${suggestion ? `did you mean '${suggestion}'? ` : ''}set ${keyOf(path)} to ${oneOf(shape.enum)}`, value);
      }
      if (shape.maxLength !== undefined && value.length > shape.maxLength) {
        return fail(ctx, path, `${p} is ${value.length} characters long, more than ${shape.maxLength}`, `shorten it to ${shape.maxLength} characters or fewer`, value);
      }
      if (shape.pattern && !new RegExp(shape.pattern).test(value)) {
        return fail(ctx, path, `${p} ${show(value)} is not ${shape.patternText ?? `of the form ${shape.pattern}`}`, `write ${shape.patternText ?? `a value matching ${shape.pattern}`}`, value);
      }
      return value;
    }
  }
}

function range(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` from ${min}`;
  if (max !== undefined) return ` up to ${max}`;
  return '';
}

function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => (/^\d/.test(v) ? v : `'${v}'`));
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function cloudNote(ctx: Context): string {
  return ctx.cloud ? ` (on ${CLOUD_NAMES[ctx.cloud]})` : '';
}

function walkArray(value: unknown, shape: ArrayShape, path: readonly PathSegment[], ctx: Context, perCloud: boolean): unknown {
  const p = pathText(path);
  if (!Array.isArray(value)) {
    if (value !== null && value !== undefined && typeof value !== 'object' && shape.items.kind !== 'object') {
      return fail(ctx, path, `${p} ${show(value)} is ${typeName(value)}, not a list`, `write a list: ${keyOf(path)}: [${String(value)}]`, value);
    }
    return fail(ctx, path, `${p} is ${typeName(value)}, not a list`, `write a list under ${keyOf(path)}, one '- ' item per line`, value);
  }
  if (shape.minItems !== undefined && value.length < shape.minItems) {
    fail(ctx, path, `${p} has ${value.length} item${value.length === 1 ? '' : 's'}, fewer than ${shape.minItems}`, `list at least ${shape.minItems}`, value);
  }
  if (shape.maxItems !== undefined && value.length > shape.maxItems) {
    fail(ctx, path, `${p} has ${value.length} items, more than ${shape.maxItems}`, `list at most ${shape.maxItems}`, value);
  }
  return value.map((item, i) => walkShape(item, shape.items, [...path, i], ctx, perCloud));
}

function walkObject(value: unknown, shape: ObjectShape, path: readonly PathSegment[], ctx: Context): unknown {
  const p = pathText(path);
  const what = p === '' ? 'the file' : p;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const example = Object.keys(shape.properties).slice(0, 2).map((k) => `${k}: …`).join(', ');
    return fail(ctx, path, `${what} is ${typeName(value)}, not a mapping`, `write ${p === '' ? 'one key per line' : `the keys of ${keyOf(path)}`}, e.g. { ${example} }`, value);
  }
  const given = value as Record<string, unknown>;
  const known = Object.entries(shape.properties).filter(([, prop]) => appliesTo(prop, ctx.cloud)).map(([k]) => k);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(given)) {
    const childPath = [...path, key];
    const property = shape.properties[key];
    if (!property) {
      unknownKey(ctx, childPath, key, shape, known, what);
      continue;
    }
    if (!appliesTo(property, ctx.cloud)) {
      const clouds = property.clouds!.map((c) => CLOUD_NAMES[c]).join(' and ');
      fail(ctx, childPath, `${pathText(childPath)} is ${/^[AEIOU]/.test(clouds) ? 'an' : 'a'} ${clouds} key, but cloud is ${ctx.cloud}`,
        `remove it${property.otherCloud ? ` (on ${CLOUD_NAMES[ctx.cloud!]} use ${property.otherCloud})` : ''}`, child, 'key');
      continue;
    }
    const result = walkShape(child, shapeOn(property, ctx.cloud), childPath, ctx, ctx.cloud !== undefined && property.perCloud?.[ctx.cloud] !== undefined);
    if (result !== undefined) out[key] = result;
  }
  for (const [key, property] of Object.entries(shape.properties)) {
    if (requiredOn(property, ctx.cloud) && !(key in given)) {
      const childPath = [...path, key];
      ctx.problems.push({
        severity: 'error',
        path: childPath,
        message: `${pathText(childPath)} is missing`,
        fix: `add ${key}: ${property.example ?? exampleOf(shapeOn(property, ctx.cloud))} (docs/config.md#${anchorOf(childPath)})`,
      });
      ctx.invalid.add(pathText(childPath));
    }
  }
  return out;
}

function unknownKey(ctx: Context, path: readonly PathSegment[], key: string, shape: ObjectShape, known: readonly string[], parent: string): void {
  const where = parent === 'the file' ? 'a top-level key' : `a key of ${parent}`;
  const synonym = shape.synonyms?.[fold(key)];
  const list = `${parent === 'the file' ? 'the top-level keys are' : `${parent} has`} ${known.join(', ')}`;
  let fix: string;
  if (synonym !== undefined && synonym.startsWith('!')) fix = synonym.slice(1);
  else if (synonym !== undefined) fix = `write ${synonym} instead`;
  else {
    const match = closest(key, known);
    fix = match ? `did you mean '${match}'? ${list}` : `remove it; ${list}`;
  }
  fail(ctx, path, `${pathText(path)} is not ${where}`, fix, undefined, 'key');
}

function exampleOf(shape: Shape): string {
  switch (shape.kind) {
    case 'string': return shape.enum ? shape.enum[0] : '…';
    case 'integer': return String(shape.minimum ?? 1);
    case 'boolean': return 'true';
    case 'duration': return shape.enum?.[0] ?? formatDuration(30);
    case 'array': return '[…]';
    case 'object': return '{ … }';
  }
}

/** The anchor of a key in docs/config.md's reference: `regions[1].role` → `regions-role`. */
export function anchorOf(path: readonly PathSegment[]): string {
  return path.filter((s) => typeof s === 'string').join('-').replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase();
}
