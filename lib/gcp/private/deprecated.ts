/**
 * Renamed props: the old name keeps working with a deprecation warning
 * (cdktf `Annotations.of(scope).addWarning`, printed by synth and recorded in
 * the manifest), and giving both names with different values is an error.
 * The names follow the AWS constructs where the concept is the same
 * (docs/gcp/README.md, "The same words on both clouds").
 */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigProblem, show } from '../../core';

/** The value of a renamed prop: the new name's, else the old name's (with a warning). */
export function renamedProp<T>(
  scope: Construct,
  construct: string,
  props: object,
  oldName: string,
  newName: string,
  problems: ConfigProblem[],
): T | undefined {
  const values = props as Record<string, unknown>;
  const oldValue = values[oldName] as T | undefined;
  const newValue = values[newName] as T | undefined;
  if (oldValue === undefined) return newValue;
  if (newValue !== undefined && JSON.stringify(newValue) !== JSON.stringify(oldValue)) {
    problems.push({
      property: oldName,
      message: `${oldName} ${show(oldValue)} and ${newName} ${show(newValue)} are both set`,
      fix: `keep only ${newName} (${oldName} is its deprecated name)`,
    });
    return newValue;
  }
  Annotations.of(scope).addWarning(`${construct} '${scope.node.path}': ${oldName} is deprecated; use ${newName} (same meaning). ${oldName} will be removed in a future major version.`);
  return newValue ?? oldValue;
}

/** The warning of a deprecated prop whose replacement has another shape. */
export function deprecatedProp(scope: Construct, construct: string, oldName: string, replacement: string): void {
  Annotations.of(scope).addWarning(`${construct} '${scope.node.path}': ${oldName} is deprecated; use ${replacement}. ${oldName} will be removed in a future major version.`);
}
