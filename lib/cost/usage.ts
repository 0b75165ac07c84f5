/**
 * Usage the templates cannot know (data size, write rate, DNS queries, edge
 * requests). Every value has a default; a figure computed from a default is
 * marked *assumed* in the output, with the default shown. A usage file
 * (YAML or JSON) sets values for all stacks, or per stack under `stacks:`.
 *
 *   database:
 *     storageGb: 500
 *   stacks:
 *     Phase4-Primary:
 *       database: { writeIoPerSecond: 400 }
 */
import { show } from '../core/errors';
import { costInputError, PositionedFile, readPositionedFile } from './source-file';
import { UsageUsed } from './types';

interface UsageDefinition {
  readonly default: number | boolean;
  readonly description: string;
}

/** Every usage key, its default and what it means. */
export const USAGE_DEFAULTS: Readonly<Record<string, UsageDefinition>> = {
  'database.storageGb': { default: 100, description: 'GB of data per database (Aurora cluster volume, Cloud SQL disk)' },
  'database.writeIoPerSecond': { default: 50, description: 'write I/O operations per second on the primary (Aurora I/O; replicated write I/O per secondary)' },
  'database.readIoPerSecond': { default: 100, description: 'read I/O operations per second on each Aurora cluster with instances' },
  'database.changedGbPerMonth': { default: 30, description: 'GB written per month: sent to each other Region and kept as incremental backups' },
  'dns.queriesPerMonthMillions': { default: 10, description: 'DNS queries per month per record name, millions' },
  'edge.requestsPerMonthMillions': { default: 10, description: 'requests per month through the edge entry point (CloudFront, Lambda@Edge, WAF), millions' },
  'edge.functionMs': { default: 20, description: 'average edge function duration, ms' },
  'edge.responseKb': { default: 4, description: 'average response size at the edge, KB' },
  'nat.processedGbPerMonth': { default: 10, description: 'GB per month through each NAT gateway' },
  'logs.ingestedGbPerMonth': { default: 1, description: 'GB per month into each log group' },
  'runbook.executionsPerMonth': { default: 1, description: 'executions per month of each failover workflow or state machine (drills)' },
  'runbook.stepsPerExecution': { default: 40, description: 'steps (state transitions) per execution' },
  'alerts.timeSeriesPerMonth': { default: 86_400, description: 'time series returned per alert condition per month (one series, 30 s execution period)' },
  'healthChecks.endpointsInAws': { default: false, description: 'Route 53 health checks probe AWS resources (priced as AWS endpoints) rather than other endpoints' },
};

type Values = Record<string, number | boolean>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Usage values by stack, falling back to the file's top level, then to the defaults. */
export class Usage {
  /** Reads and validates a usage file. */
  public static fromFile(path: string): Usage {
    return Usage.fromPositioned(readPositionedFile(path, 'usage file'));
  }

  /** Validates parsed usage (a plain object, e.g. from the API). */
  public static fromObject(value: Record<string, unknown>, name = 'usage'): Usage {
    return Usage.fromPositioned({ file: name, value, at: () => name });
  }

  private static fromPositioned(file: PositionedFile): Usage {
    const root = file.value ?? {};
    if (!isRecord(root)) {
      throw costInputError(file.at([]), { property: 'usage', message: `usage ${show(root)} is not an object`, fix: 'write usage as keys such as database.storageGb: 500' });
    }
    const { stacks, ...rest } = root;
    const all = flatten(rest, [], file);
    const perStack: Record<string, Values> = {};
    if (stacks !== undefined) {
      if (!isRecord(stacks)) throw costInputError(file.at(['stacks']), { property: 'stacks', message: `stacks ${show(stacks)} is not an object`, fix: 'write stacks: { <stack name>: { database: { storageGb: 500 } } }' });
      for (const [stack, values] of Object.entries(stacks)) {
        if (!isRecord(values)) throw costInputError(file.at(['stacks', stack]), { property: `stacks.${stack}`, message: `stacks.${stack} ${show(values)} is not an object`, fix: 'give the usage keys for that stack' });
        perStack[stack] = flatten(values, ['stacks', stack], file);
      }
    }
    return new Usage(all, perStack);
  }

  private readonly used = new Map<string, UsageUsed>();

  constructor(private readonly all: Values = {}, private readonly perStack: Record<string, Values> = {}) {}

  /** A number for `key` in `stack`; records whether it was assumed. */
  public num(key: string, stack: string): { value: number; assumed?: string } {
    const r = this.get(key, stack);
    return { value: Number(r.value), assumed: r.assumed };
  }

  /** A boolean for `key` in `stack`. */
  public bool(key: string, stack: string): { value: boolean; assumed?: string } {
    const r = this.get(key, stack);
    return { value: r.value === true, assumed: r.assumed };
  }

  /** Every value the estimate used, defaults marked assumed. */
  public report(): UsageUsed[] {
    return [...this.used.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  private get(key: string, stack: string): { value: number | boolean; assumed?: string } {
    const def = USAGE_DEFAULTS[key];
    if (!def) throw new Error(`internal: unknown usage key ${key}`);
    const given = this.perStack[stack]?.[key] ?? this.all[key];
    const value = given ?? def.default;
    const assumed = given === undefined;
    const id = assumed ? key : `${key}@${stack}`;
    if (!this.used.has(id)) this.used.set(id, { key: assumed ? key : `${key} (${this.perStack[stack]?.[key] !== undefined ? stack : 'all stacks'})`, value, assumed, description: def.description });
    return { value, assumed: assumed ? `${key} = ${value}` : undefined };
  }
}

function flatten(value: Record<string, unknown>, at: string[], file: PositionedFile, prefix = ''): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const path = [...at, ...key.split('.')];
    if (isRecord(v)) {
      Object.assign(out, flatten(v, at, file, key));
      continue;
    }
    const def = USAGE_DEFAULTS[key];
    if (!def) {
      throw costInputError(file.at(path), {
        property: key,
        message: `usage key ${key} is not known`,
        fix: `use one of ${Object.keys(USAGE_DEFAULTS).join(', ')}`,
      });
    }
    if (typeof def.default === 'boolean') {
      if (typeof v !== 'boolean') throw costInputError(file.at(path), { property: key, message: `${key} ${show(v)} is not true or false`, fix: `set ${key} to true or false` });
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw costInputError(file.at(path), { property: key, message: `${key} ${show(v)} is not a number`, fix: `set ${key} to a number of 0 or more (${def.description})` });
    } else if (v < 0) {
      throw costInputError(file.at(path), { property: key, message: `${key} ${show(v)} is negative`, fix: `set ${key} to a number of 0 or more (${def.description})` });
    }
    out[key] = v as number | boolean;
  }
  return out;
}
