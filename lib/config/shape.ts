/**
 * A small description language for the configuration file's structure. One
 * table (fields.ts) written in it drives three things, so they cannot
 * disagree: the structural validation (walk.ts), the JSON Schema shipped for
 * editors (schema.ts) and the key reference of docs/config.md (reference.ts).
 */
import type { Cloud } from './figures';

/** A text value, optionally restricted. */
export interface StringShape {
  readonly kind: 'string';
  /** ECMAScript regular expression the whole value must match (also the JSON Schema `pattern`). */
  readonly pattern?: string;
  /** What the pattern means, for messages, e.g. `12 digits`. */
  readonly patternText?: string;
  /** The allowed values. */
  readonly enum?: readonly string[];
  readonly maxLength?: number;
  /**
   * A region name of the file's cloud: the walker only checks it is text
   * (the region rules of lib/core name the problem); the schema lists the
   * cloud's regions, so editors complete them.
   */
  readonly region?: boolean;
  /**
   * The walker only checks it is text and a rule of lib/core checks the
   * value (with a better message, e.g. why last-write-wins is refused); the
   * schema lists `enum`.
   */
  readonly deferEnum?: boolean;
}

/** A whole number in a range. */
export interface IntegerShape {
  readonly kind: 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface BooleanShape {
  readonly kind: 'boolean';
}

/** A duration written `30s`, `10m`, `2h` or `14d` (duration.ts). */
export interface DurationShape {
  readonly kind: 'duration';
  /** Allowed values, e.g. `['10s', '30s']` (also the schema's `enum`). */
  readonly enum?: readonly string[];
}

/** A mapping with known keys; any other key is an error. */
export interface ObjectShape {
  readonly kind: 'object';
  readonly properties: Readonly<Record<string, Property>>;
  /**
   * Other names users reach for, folded (suggest.ts `fold`), mapped to the
   * key (or `key: value`) to write instead, e.g. `lagthreshold` → `lagAlarm`.
   */
  readonly synonyms?: Readonly<Record<string, string>>;
}

/** A list. */
export interface ArrayShape {
  readonly kind: 'array';
  readonly items: Shape;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export type Shape = StringShape | IntegerShape | BooleanShape | DurationShape | ObjectShape | ArrayShape;

/** One key of a mapping. */
export interface Property {
  readonly shape: Shape;
  /** What the key means and what it changes (one or two sentences, for the docs and the schema). */
  readonly description: string;
  /** The default when the key is absent, as the docs print it. */
  readonly default?: string;
  /** Required: always (`true`) or on these clouds. */
  readonly required?: boolean | readonly Cloud[];
  /** The key exists only on these clouds. */
  readonly clouds?: readonly Cloud[];
  /** The key that plays the same part on the other cloud, for the message when this one is used there. */
  readonly otherCloud?: string;
  /** A stricter shape on one cloud (its regions, its allowed values). */
  readonly perCloud?: Partial<Record<Cloud, Shape>>;
  /** An example value, for the docs. */
  readonly example?: string;
}

/** The shape of a property on `cloud` (its per-cloud shape when it has one). */
export function shapeOn(property: Property, cloud: Cloud | undefined): Shape {
  return (cloud && property.perCloud?.[cloud]) || property.shape;
}

/** True when the property applies to `cloud` (or when the cloud is not known yet). */
export function appliesTo(property: Property, cloud: Cloud | undefined): boolean {
  return !cloud || !property.clouds || property.clouds.includes(cloud);
}

/** True when the property is required on `cloud`. */
export function requiredOn(property: Property, cloud: Cloud | undefined): boolean {
  if (property.required === true) return true;
  if (!property.required || !cloud) return false;
  return property.required.includes(cloud);
}
