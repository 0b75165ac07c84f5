import { DataResource, TerraformLocal, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigProblem, show, throwIfProblems } from '../core';

/** One value of a configuration that must not be applied while it is a placeholder. */
export interface GuardedValue {
  /** The value this stack is synthesized with. */
  readonly value: string;
  /** The placeholder it must not be. */
  readonly placeholder: string;
  /**
   * How to replace it, for the error message.
   * @default 'replace the placeholder before terraform apply'
   */
  readonly fix?: string;
}

/** Properties of {@link PlaceholderGuard}. */
export interface PlaceholderGuardProps {
  /** The guarded values, by name (e.g. `project`). Names are lowercase letters, digits and underscores. */
  readonly values: Readonly<Record<string, GuardedValue>>;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Makes `terraform plan` / `apply` of the stack fail while a value is still
 * a placeholder (e.g. the examples' `example-project`), before anything is
 * created: a `terraform_data` resource (built into Terraform ≥ 1.4, no
 * provider) with one lifecycle precondition per value, on a local holding
 * the values. A failed precondition is a plan error, so the whole plan stops
 * (https://developer.hashicorp.com/terraform/language/expressions/custom-conditions#preconditions-and-postconditions).
 * The condition reads `local.<name>` because Terraform rejects conditions
 * that refer to nothing ("must refer to at least one object").
 */
export class PlaceholderGuard extends Construct {
  /** The guard resource. */
  public readonly resource: DataResource;
  /** Names of the values that are still placeholders at synth. */
  public readonly placeholdersInUse: readonly string[];

  constructor(scope: Construct, id: string, props: PlaceholderGuardProps) {
    super(scope, id);
    const entries = Object.entries(props.values);
    const problems: ConfigProblem[] = entries.filter(([name]) => !NAME.test(name)).map(([name]) => ({
      property: 'values',
      message: `values has the name ${show(name)}, which is not a Terraform attribute name`,
      fix: 'use lowercase letters, digits and underscores, starting with a letter',
    }));
    if (entries.length === 0) problems.push({ property: 'values', message: 'values is empty', fix: 'guard at least one value' });
    throwIfProblems({ construct: 'PlaceholderGuard', path: this.node.path }, problems);

    const local = new TerraformLocal(this, 'Values', Object.fromEntries(entries.map(([name, v]) => [name, v.value])));
    const ref = `local.${TerraformStack.of(this).getLogicalId(local)}`;
    this.placeholdersInUse = entries.filter(([, v]) => v.value === v.placeholder).map(([name]) => name);
    this.resource = new DataResource(this, 'Guard', {
      input: Object.fromEntries(entries.map(([name, v]) => [name, v.value])),
      lifecycle: {
        precondition: entries.map(([name, v]) => ({
          condition: `\${${ref}.${name} != ${JSON.stringify(v.placeholder)}}`,
          errorMessage: `${name} is still the placeholder ${JSON.stringify(v.placeholder)}: ${v.fix ?? 'replace the placeholder before terraform apply'}.`,
        })),
      },
    });
  }
}
