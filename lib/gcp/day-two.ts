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

/** Every managed resource of the given stacks (stack name → synthesized document), addressed `type.name`. */
export function terraformResources(stacks: Readonly<Record<string, TerraformJsonDocument>>): DeployedResource[] {
  const out: DeployedResource[] = [];
  for (const [stack, doc] of Object.entries(stacks)) {
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        out.push({ stack, address: `${type}.${name}`, type, properties: body });
      }
    }
  }
  return out;
}
