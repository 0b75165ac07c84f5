import { Stack, Token, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for specific wildcard
 * resources, each with the reason. cdk-nag names the finding after the ARN
 * as rendered: pseudo parameters as `<AWS::Partition>`, `<AWS::Region>`,
 * `<AWS::AccountId>`, concrete region and account when the stack has them.
 * `arn` is written with `{partition}`, `{region}` and `{account}` placeholders.
 */
export function acknowledgeWildcardResources(scope: IConstruct, arns: readonly string[], reason: string): void {
  const stack = Stack.of(scope);
  const render = (arn: string) => arn
    .replace('{partition}', '<AWS::Partition>')
    .replace('{region}', Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region)
    .replace('{account}', Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account);
  for (const arn of arns) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${render(arn)}]`, reason });
  }
}
