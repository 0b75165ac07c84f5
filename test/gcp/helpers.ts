export { errorOf } from '../error-of';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';

/** Synthesized Terraform JSON of one stack. */
export type TfJson = { resource: Record<string, Record<string, any>>; output?: Record<string, any>; terraform?: any; provider?: any };

/** Synthesizes what `build` adds to a fresh stack (Testing.synthScope) and parses it. */
export function synthJson(build: (scope: Construct) => void): { raw: string; json: TfJson } {
  const raw = Testing.synthScope(build);
  return { raw, json: JSON.parse(raw) as TfJson };
}

/** The only resource of `type` (fails when there are several). */
export function only(json: TfJson, type: string): any {
  const all = Object.values(json.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function all(json: TfJson, type: string): any[] {
  return Object.values(json.resource[type] ?? {});
}


export const PROJECT = 'test-project';

/** The warning messages cdktf's Annotations recorded on `scope` (metadata type `@cdktf/warn`). */
export function warningsOf(scope: Construct): string[] {
  return scope.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
}
