import { Construct } from 'constructs';

/** Cloud SQL instance names: lowercase letters, digits, hyphens; start with a letter. */
export const INSTANCE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/** Longest instance name this library generates or accepts (the API allows 98 with the project id). */
export const MAX_INSTANCE_NAME = 60;

/**
 * A deterministic resource name from the construct path: stable across
 * synths, so another region (another Terraform state) finds the resource by
 * name instead of by a cross-stack reference.
 */
export function deterministicName(scope: Construct, prefix: string, maxLength = 40): string {
  const path = scope.node.path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  let hash = 0;
  for (const ch of scope.node.path) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const suffix = hash.toString(16).padStart(8, '0').slice(0, 6);
  const room = maxLength - prefix.length - suffix.length - 2;
  const body = path.slice(Math.max(0, path.length - room)).replace(/^-+/, '');
  return `${prefix}-${body}-${suffix}`.replace(/-+/g, '-');
}

/** Trims a name to `max` characters without a trailing hyphen. */
export function trimName(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, '');
}

/** Cloud SQL instance connection name: `project:region:instance`. */
export function connectionName(project: string, region: string, instance: string): string {
  return `${project}:${region}:${instance}`;
}
