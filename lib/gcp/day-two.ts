/**
 * Day two on Google Cloud: turn synthesized Terraform JSON into the
 * cloud-neutral resource list of core's {@link findReplacements}, with the
 * Google provider's ForceNew rules. Use it to check your own app the way the
 * examples are checked: synthesize it before and after a role swap (or a
 * phase climb) and expect no finding.
 *
 * ```ts
 * const before = terraformResources(synthAll(appWithWriterA));
 * const after = terraformResources(synthAll(appWithWriterB));
 * expect(findReplacements(before, after, GCP_REPLACEMENT_RULES)).toEqual([]);
 * ```
 */
import { DeployedResource } from '../core';

export { GCP_REPLACEMENT_RULES, GCP_STATEFUL_TYPES } from './private/replacement-rules';

/** A synthesized Terraform JSON document (`cdk.tf.json`), as far as this module reads it. */
export interface TerraformJsonDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/**
 * Every managed resource of the given stacks (stack name → synthesized
 * document), addressed `type.name`. Arguments listed in the resource's
 * `lifecycle.ignore_changes` are left out: after creation Terraform never
 * plans a change for them, so they cannot replace it.
 */
export function terraformResources(stacks: Readonly<Record<string, TerraformJsonDocument>>): DeployedResource[] {
  const out: DeployedResource[] = [];
  for (const [stack, doc] of Object.entries(stacks)) {
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        out.push({ stack, address: `${type}.${name}`, type, properties: withoutIgnored(body) });
      }
    }
  }
  return out;
}

/** The body without the arguments of `lifecycle.ignore_changes` (`a`, `a[0].b`, `a.b`). */
function withoutIgnored(body: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const ignored = ((body.lifecycle as { ignore_changes?: unknown } | undefined)?.ignore_changes);
  if (!Array.isArray(ignored) || ignored.length === 0) return body;
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  for (const path of ignored) {
    if (typeof path !== 'string' || path === 'all') continue;
    const keys = path.replace(/\[\d+\]/g, '').split('.');
    let cur: unknown = copy;
    for (const k of keys.slice(0, -1)) {
      while (Array.isArray(cur) && cur.length === 1) cur = cur[0];
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
    }
    while (Array.isArray(cur) && cur.length === 1) cur = cur[0];
    if (cur && typeof cur === 'object') delete (cur as Record<string, unknown>)[keys[keys.length - 1]];
  }
  return copy;
}
