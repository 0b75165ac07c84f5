import { App, Stack } from 'aws-cdk-lib';

export const ACCOUNT = '111111111111';

/** A fresh app with one stack per region (AZs come from cdk.context.json). */
export function stacks(...regions: string[]): { app: App; stacks: Stack[] } {
  const app = new App({ context: contextFile() });
  return { app, stacks: regions.map((region) => new Stack(app, `S-${region}`, { env: { account: ACCOUNT, region } })) };
}

/** The committed cdk.context.json, so tests see the same AZs as `cdk synth`. */
export function contextFile(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../cdk.context.json');
}

/** Runs `fn` and returns the thrown error's message. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
