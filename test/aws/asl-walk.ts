/**
 * Walks a synthesized Amazon States Language definition, with the answers
 * of the AWS calls given by the test: which states run, in which order, and
 * how the execution ends. Covers what the library's definitions use — Task,
 * Pass (Result, Parameters with States.ArrayContains / States.ArrayLength /
 * States.MathAdd / States.Format), Choice (StringEquals, BooleanEquals,
 * NumericEquals, NumericGreaterThanEquals, IsPresent, IsBoolean, Not, And), Wait, Succeed,
 * Fail; ResultSelector, ResultPath; JSONPath with `.name`, `[n]` and
 * `[?(@.Field == value)]` — with the semantics the Step Functions
 * documentation gives them (a comparison on a missing path is a runtime
 * error: https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
 */

type Json = unknown;
type State = Record<string, unknown>;

/** The answer of the AWS call a Task state makes: `(state name, resource, parameters) → result`. */
export type TaskAnswer = (state: string, resource: string, parameters: Json) => Json;

/** How an execution ended. */
export interface WalkResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** The Fail state's error, or the error recorded at `$.error` on the way to it. */
  readonly error?: string;
  readonly cause?: string;
  /** State names, in order. */
  readonly path: string[];
  /** Parameters of every Task, by state name (the last call). */
  readonly calls: Record<string, Json>;
  readonly output: Json;
}

/** Reads a JSONPath (the subset above) from `doc`; `undefined` when it does not exist. */
export function readPath(doc: Json, path: string): Json {
  if (path === '$') return doc;
  if (!path.startsWith('$')) throw new Error(`not a path: ${path}`);
  const tokens = path.slice(1).match(/\.[A-Za-z0-9_]+|\[\d+\]|\[\?\(@\.[A-Za-z0-9_]+ == [^)]+\)\]/g) ?? [];
  if (tokens.join('') !== path.slice(1)) throw new Error(`unsupported path ${path}`);
  let current: Json[] = [doc];
  let multi = false;
  for (const t of tokens) {
    if (t.startsWith('.')) {
      current = current.map((c) => (c !== null && typeof c === 'object' ? (c as Record<string, Json>)[t.slice(1)] : undefined));
    } else if (t.startsWith('[?')) {
      const [, field, raw] = /^\[\?\(@\.([A-Za-z0-9_]+) == ([^)]+)\)\]$/.exec(t)!;
      const value = JSON.parse(raw.replace(/^'(.*)'$/, '"$1"'));
      current = current.flatMap((c) => (Array.isArray(c) ? c.filter((x) => (x as Record<string, Json>)?.[field] === value) : []));
      multi = true;
    } else {
      const n = Number(t.slice(1, -1));
      current = current.map((c) => (Array.isArray(c) ? c[n] : undefined));
    }
    if (!multi) current = current.filter((c) => c !== undefined);
  }
  if (multi) return current.filter((c) => c !== undefined);
  return current[0];
}

function intrinsic(expr: string, input: Json): Json {
  const call = /^States\.(\w+)\((.*)\)$/.exec(expr);
  if (!call) return readPath(input, expr);
  const args = call[2].split(/,\s*(?=(?:[^']*'[^']*')*[^']*$)/).map((a) => a.trim())
    .map((a) => (a.startsWith("'") ? a.slice(1, -1) : a.startsWith('$') ? readPath(input, a) : JSON.parse(a)));
  switch (call[1]) {
    case 'ArrayContains': return (args[0] as Json[]).includes(args[1]);
    case 'ArrayLength': return (args[0] as Json[]).length;
    case 'MathAdd': return (args[0] as number) + (args[1] as number);
    case 'Format': {
      let i = 1;
      return (args[0] as string).replace(/\{\}/g, () => String(args[i++]));
    }
    default: throw new Error(`unsupported intrinsic ${call[1]}`);
  }
}

/** Applies `Parameters`/`ResultSelector` templates: keys ending in `.$` are paths or intrinsics. */
function template(t: Json, input: Json): Json {
  if (Array.isArray(t)) return t.map((x) => template(x, input));
  if (t === null || typeof t !== 'object') return t;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(t as Record<string, Json>)) {
    if (k.endsWith('.$')) out[k.slice(0, -2)] = intrinsic(v as string, input);
    else out[k] = template(v, input);
  }
  return out;
}

function setPath(doc: Json, path: string | null | undefined, value: Json): Json {
  if (path === null) return doc;
  if (path === undefined || path === '$') return value;
  const keys = path.replace(/^\$\./, '').split('.');
  const root = JSON.parse(JSON.stringify(doc ?? {})) as Record<string, Json>;
  let node = root;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, Json>;
  node[keys[keys.length - 1]] = value;
  return root;
}

type Rule = Record<string, unknown>;

function test(rule: Rule, input: Json): boolean {
  if (rule.And) return (rule.And as Rule[]).every((r) => test(r, input));
  if (rule.Not) return !test(rule.Not as Rule, input);
  const variable = rule.Variable as string;
  const value = readPath(input, variable);
  if ('IsPresent' in rule) return (value !== undefined) === rule.IsPresent;
  if (value === undefined) throw new Error(`States.Runtime: invalid path ${variable}`);
  if ('IsBoolean' in rule) return (typeof value === 'boolean') === rule.IsBoolean;
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('BooleanEquals' in rule) return value === rule.BooleanEquals;
  if ('NumericGreaterThanEquals' in rule) return (value as number) >= (rule.NumericGreaterThanEquals as number);
  if ('NumericEquals' in rule) return value === rule.NumericEquals;
  throw new Error(`unsupported rule ${JSON.stringify(rule)}`);
}

/** Runs `definition` on `input`; Task states ask `answer`. */
export function walk(definition: object, input: Json, answer: TaskAnswer, maxSteps = 500): WalkResult {
  const def = definition as { StartAt: string; States: Record<string, State> };
  let name = def.StartAt;
  let data: Json = input;
  const path: string[] = [];
  const calls: Record<string, Json> = {};
  for (let step = 0; step < maxSteps; step++) {
    const state = def.States[name];
    if (!state) throw new Error(`no state ${name}`);
    path.push(name);
    const error = readPath(data, '$.error') as { Error?: string; Cause?: string } | undefined;
    switch (state.Type) {
      case 'Succeed': return { status: 'SUCCEEDED', path, calls, output: data };
      case 'Fail': return { status: 'FAILED', error: (state.Error as string | undefined) ?? error?.Error, cause: error?.Cause ?? (state.Cause as string), path, calls, output: data };
      case 'Wait': name = state.Next as string; break;
      case 'Pass': {
        const result = 'Result' in state ? state.Result : 'Parameters' in state ? template(state.Parameters, data) : data;
        data = setPath(data, state.ResultPath as string | null | undefined, result);
        name = state.Next as string;
        break;
      }
      case 'Choice': {
        const hit = (state.Choices as Rule[]).find((r) => test(r, data));
        name = (hit?.Next ?? state.Default) as string;
        if (!name) throw new Error(`States.NoChoiceMatched in ${path[path.length - 1]}`);
        break;
      }
      case 'Task': {
        const parameters = template(state.Parameters ?? {}, data);
        calls[name] = parameters;
        let result: Json;
        try {
          result = answer(name, state.Resource as string, parameters);
        } catch (e) {
          const catcher = (state.Catch as { ErrorEquals: string[]; ResultPath?: string; Next: string }[] | undefined)?.[0];
          if (!catcher) throw e;
          data = setPath(data, catcher.ResultPath, { Error: (e as Error).name, Cause: (e as Error).message });
          name = catcher.Next;
          break;
        }
        const selected = state.ResultSelector ? template(state.ResultSelector, result) : result;
        data = setPath(data, state.ResultPath as string | null | undefined, selected);
        name = state.Next as string;
        break;
      }
      default: throw new Error(`unsupported state type ${String(state.Type)}`);
    }
  }
  throw new Error(`no end after ${maxSteps} steps: ${path.slice(-10).join(' → ')}`);
}

/** A definition as the library built it, with its AWS::Partition token read as `aws` (what Step Functions sees in the commercial partition). */
export function inPartitionAws(definition: object): object {
  return JSON.parse(JSON.stringify(definition).replace(/\$\{Token\[AWS\.Partition\.\d+\]\}/g, 'aws')) as object;
}
