/** Configuration files for tests, written as objects (with their problems as one line each). */
import { stringify } from 'yaml';
import { parseConfig } from '../../lib/config/load';
import { DeploymentConfig } from '../../lib/config/types';

export type Doc = Record<string, unknown>;

/** A valid phase-3 AWS file, the base most tests change one thing of. */
export function aws3(): Doc {
  return {
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'aws', account: '123456789012', phase: 3, origin: 'us-east-1',
    regions: [
      { name: 'us-east-1', role: 'primary', endpoint: 'app.us-east-1.example.com' },
      { name: 'eu-west-1', role: 'standby', endpoint: 'app.eu-west-1.example.com' },
    ],
    objectives: { rto: '15m', rpo: '30s', acceptRpoGuardWriteStalls: true },
    routing: { zone: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
  };
}

/** A valid phase-3 Google Cloud file. */
export function gcp3(): Doc {
  return {
    apiVersion: 'multiregion/v1', name: 'orders', cloud: 'gcp', project: 'my-project', phase: 3, origin: 'us-central1',
    regions: [
      { name: 'us-central1', role: 'primary', endpoint: '198.51.100.7' },
      { name: 'europe-west1', role: 'standby', endpoint: '198.51.100.8' },
    ],
    routing: { zone: 'example.com', managedZone: 'prod-zone' },
  };
}

/** `doc` with `changes` applied (a key set to undefined is removed). */
export function withChanges(doc: Doc, changes: Doc): Doc {
  const out: Doc = { ...doc };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Problems as `severity property: message; fix` lines. */
export function problemsOf(doc: Doc | string): string[] {
  const text = typeof doc === 'string' ? doc : stringify(doc);
  return parseConfig(text, 'm.yaml').problems.map((p) => `${p.severity} ${p.property}: ${p.message}; ${p.fix}`);
}

/** Errors only. */
export function errorsOf(doc: Doc | string): string[] {
  return problemsOf(doc).filter((p) => p.startsWith('error '));
}

/** The configuration of a valid file (fails the test with the problems otherwise). */
export function configOf(doc: Doc | string): DeploymentConfig {
  const text = typeof doc === 'string' ? doc : stringify(doc);
  const loaded = parseConfig(text, 'm.yaml');
  if (!loaded.config) throw new Error(`not valid:\n${loaded.problems.map((p) => `${p.line}:${p.column} ${p.message}; ${p.fix}`).join('\n')}`);
  return loaded.config;
}
