/**
 * The Google provider of a stack, and the way out of the pinned version.
 *
 * cdktf and its prebuilt Google bindings were deprecated upstream on
 * 2025-12-10. The last @cdktf/provider-google (16.12.1) pins the Terraform
 * provider to exactly `6.50.0` in `terraform.required_providers`. The
 * bindings only generate JSON; Terraform (or OpenTofu) downloads whatever
 * version the constraint allows, so a looser constraint works for every
 * resource and argument this library uses. Override it here rather than by
 * editing the generated JSON.
 */
import { TerraformProvider, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Construct } from 'constructs';

/** Labels the provider puts on every resource that supports labels. */
export const DEFAULT_LABELS: Readonly<Record<string, string>> = { 'managed-by': 'multiregion-constructs' };

/** The version the prebuilt bindings pin. */
export const PINNED_GOOGLE_PROVIDER_VERSION = '6.50.0';

/** Options of {@link useGoogleProvider}. */
export interface GoogleProviderOptions {
  /** Project of every resource in the stack. */
  readonly project: string;
  /** Default region of the provider (resources here always set their own). */
  readonly region: string;
  /**
   * Version constraint written to `terraform.required_providers.google.version`,
   * e.g. `'>= 6.50.0, < 8.0.0'`.
   * @default '6.50.0' (what @cdktf/provider-google 16.12.1 generates)
   */
  readonly versionConstraint?: string;
}

/** Returns the `google` provider of the stack, creating it when missing. */
export function useGoogleProvider(scope: Construct, options: GoogleProviderOptions): TerraformProvider {
  const stack = TerraformStack.of(scope);
  const existing = findGoogleProvider(stack);
  let provider = existing;
  if (!provider) {
    provider = new GoogleProvider(stack, 'google', { project: options.project, region: options.region });
    // Not through the `defaultLabels` prop: cdktf snake-cases every key of a
    // provider block (keysToSnakeCase in cdktf/lib/util.js, applied by
    // TerraformProvider.toTerraform), map keys included, so 'managed-by'
    // would come out as 'managed_by'. Overrides are merged after that step.
    provider.addOverride('default_labels', { ...DEFAULT_LABELS });
  }
  if (options.versionConstraint !== undefined) {
    setGoogleProviderVersion(stack, options.versionConstraint);
  }
  return provider;
}

/**
 * Overrides the `google` provider version constraint of a stack, e.g.
 * `setGoogleProviderVersion(stack, '~> 6.50')` or `'>= 6.50.0, < 8.0.0'`.
 */
export function setGoogleProviderVersion(stack: TerraformStack, constraint: string): void {
  stack.addOverride('terraform.required_providers.google.version', constraint);
}

function findGoogleProvider(stack: TerraformStack): TerraformProvider | undefined {
  return stack.node.children.find(
    (c): c is TerraformProvider => c instanceof TerraformProvider && c.terraformResourceType === 'google',
  );
}
