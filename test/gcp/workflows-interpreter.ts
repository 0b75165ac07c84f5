/**
 * A small interpreter for the subset of the Cloud Workflows language the
 * failover workflow uses, so tests run the generated definition itself
 * against a fake API (with injected 429/5xx, lost responses, conflicts)
 * instead of only reading its structure.
 *
 * Semantics follow the Workflows reference:
 * - steps, assign, call (http.get/post/patch, sys.sleep, subworkflows with
 *   default parameters), switch (condition + steps/next/raise/return), for,
 *   next (to a step in the same or an enclosing list), raise, return;
 *   https://cloud.google.com/workflows/docs/reference/syntax
 * - try/retry/except: the predicate decides whether to retry; delays are
 *   initial_delay * multiplier^n capped at max_delay; after max_retries the
 *   error goes to `except` (or up);
 *   https://cloud.google.com/workflows/docs/reference/syntax/retrying
 * - an HTTP status >= 400 raises an HttpError map with `code`, `message`,
 *   `body`, `tags: ["HttpError"]`; connection failures raise maps tagged
 *   `ConnectionError` / `ConnectionFailedError`;
 *   https://cloud.google.com/workflows/docs/reference/stdlib/http/default_retry_predicate
 * - expressions: `${...}` as a whole value; `and`, `or`, `not`, comparisons,
 *   `in` (list membership, map keys), `+`, member and index access (a missing key raises KeyError),
 *   `default`, `map.get` (string or list of keys), `map.merge`.
 */

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly url: string;
  readonly query?: Record<string, unknown>;
  readonly body?: unknown;
}

/** A response, or a connection failure (`ConnectionError`: may have been processed; `ConnectionFailedError`: was not). */
export type HttpOutcome = { code: number; body?: unknown } | { fail: 'ConnectionError' | 'ConnectionFailedError' };

export interface Clock { now: number }

export type HttpHandler = (req: HttpRequest, clock: Clock) => HttpOutcome;

export interface RunResult {
  readonly result?: unknown;
  readonly error?: any;
  /** Every HTTP request, in order, with the time it was sent. */
  readonly calls: readonly (HttpRequest & { at: number })[];
  /** Every sys.log entry, in order. */
  readonly logs: readonly { severity: string; text: string; at: number }[];
  readonly clock: number;
}

class WorkflowError extends Error {
  constructor(public readonly value: unknown) { super(typeof value === 'string' ? value : JSON.stringify(value)); }
}
class Jump { constructor(public readonly target: string) {} }
class Return { constructor(public readonly value: unknown) {} }

type Vars = Map<string, unknown>;
type Def = Record<string, { params?: unknown[]; steps: Record<string, any>[] }>;

// ---------------------------------------------------------------- expressions

type Token = { t: 'num' | 'str' | 'id' | 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) { const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!; out.push({ t: 'num', v: m[0] }); i += m[0].length; continue; }
    if (c === '"') {
      let j = i + 1; let s = '';
      while (src[j] !== '"') { if (src[j] === '\\') { s += src[j + 1]; j += 2; } else { s += src[j]; j++; } if (j >= src.length) throw new Error(`unterminated string in ${src}`); }
      out.push({ t: 'str', v: s }); i = j + 1; continue;
    }
    if (/[A-Za-z_]/.test(c)) { const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!; out.push({ t: 'id', v: m[0] }); i += m[0].length; continue; }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '>=', '<='].includes(two)) { out.push({ t: 'op', v: two }); i += 2; continue; }
    if ('()[],.+-<>{}:'.includes(c)) { out.push({ t: 'op', v: c }); i++; continue; }
    throw new Error(`unexpected '${c}' in expression ${src}`);
  }
  return out;
}

const FUNCTIONS: Record<string, (...a: any[]) => unknown> = {
  'default': (v, d) => (v === null || v === undefined ? d : v),
  'map.get': (m, k) => {
    const keys = Array.isArray(k) ? k : [k];
    let cur = m;
    for (const key of keys) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(key in cur)) return null;
      cur = cur[key];
    }
    return cur;
  },
  'map.merge': (a, b) => ({ ...(a ?? {}), ...(b ?? {}) }),
};

/** Built-in retry predicates (https://cloud.google.com/workflows/docs/reference/stdlib/http/). */
const PREDICATES: Record<string, (e: any) => boolean> = {
  'http.default_retry_predicate': (e) => [429, 502, 503, 504].includes(e?.code)
    || (e?.tags ?? []).some((t: string) => ['ConnectionError', 'ConnectionFailedError', 'TimeoutError'].includes(t)),
  'http.default_retry_predicate_non_idempotent': (e) => [429, 503].includes(e?.code) || (e?.tags ?? []).includes('ConnectionFailedError'),
};

function evaluate(src: string, vars: Vars): unknown {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const take = (v?: string) => {
    const tok = tokens[p++];
    if (!tok || (v !== undefined && tok.v !== v)) throw new Error(`expected '${v}' in ${src}`);
    return tok;
  };
  const isOp = (v: string) => peek()?.t === 'op' && peek().v === v;
  const isWord = (v: string) => peek()?.t === 'id' && peek().v === v;

  function or(): unknown { let l = and(); while (isWord('or')) { take(); const r = and(); l = Boolean(l) || Boolean(r); } return l; }
  function and(): unknown { let l = not(); while (isWord('and')) { take(); const r = not(); l = Boolean(l) && Boolean(r); } return l; }
  function not(): unknown { if (isWord('not')) { take(); return !not(); } return cmp(); }
  function cmp(): unknown {
    const l = add();
    if (isWord('in')) {
      take(); const r = add();
      if (Array.isArray(r)) return r.some((x) => JSON.stringify(x) === JSON.stringify(l));
      if (r && typeof r === 'object') return (l as string) in r;
      throw new WorkflowError({ message: 'TypeError: in needs a list or a map', tags: ['TypeError'] });
    }
    for (const op of ['==', '!=', '>=', '<=', '<', '>']) {
      if (isOp(op)) {
        take(); const r = add();
        switch (op) {
          case '==': return JSON.stringify(l) === JSON.stringify(r);
          case '!=': return JSON.stringify(l) !== JSON.stringify(r);
          case '>=': return (l as number) >= (r as number);
          case '<=': return (l as number) <= (r as number);
          case '<': return (l as number) < (r as number);
          default: return (l as number) > (r as number);
        }
      }
    }
    return l;
  }
  function add(): unknown {
    let l = postfix();
    while (isOp('+')) {
      take(); const r = postfix();
      if (typeof l === 'string' || typeof r === 'string') {
        if (typeof l !== 'string' || typeof r !== 'string') throw new WorkflowError({ message: `TypeError: cannot add ${typeof l} and ${typeof r}`, tags: ['TypeError'] });
        l = l + r;
      } else l = (l as number) + (r as number);
    }
    return l;
  }
  function access(target: any, key: string | number): unknown {
    if (target === null || typeof target !== 'object' || !(key in target)) {
      throw new WorkflowError({ message: `KeyError: key not found: ${key}`, tags: ['KeyError'] });
    }
    return target[key];
  }
  function postfix(): unknown {
    let v = primary();
    for (;;) {
      if (isOp('.')) { take(); v = access(v, take().v); continue; }
      if (isOp('[')) { take(); const k = or() as string | number; take(']'); v = access(v, k); continue; }
      return v;
    }
  }
  function primary(): unknown {
    const tok = take();
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'op' && tok.v === '(') { const v = or(); take(')'); return v; }
    if (tok.t === 'op' && tok.v === '[') {
      const items: unknown[] = [];
      while (!isOp(']')) { items.push(or()); if (isOp(',')) take(); }
      take(']');
      return items;
    }
    if (tok.t === 'op' && tok.v === '-') return -(primary() as number);
    if (tok.t === 'id') {
      if (tok.v === 'true') return true;
      if (tok.v === 'false') return false;
      if (tok.v === 'null') return null;
      let name = tok.v;
      // A dotted library function (map.get), called right away.
      if (isOp('.') && tokens[p + 1]?.t === 'id' && tokens[p + 2]?.v === '(' && FUNCTIONS[`${name}.${tokens[p + 1].v}`]) {
        take('.'); name = `${name}.${take().v}`;
      }
      if (isOp('(')) {
        take('(');
        const args: unknown[] = [];
        while (!isOp(')')) { args.push(or()); if (isOp(',')) take(); }
        take(')');
        const fn = FUNCTIONS[name];
        if (!fn) throw new Error(`unknown function ${name} in ${src}`);
        return fn(...args);
      }
      if (!vars.has(name)) throw new WorkflowError({ message: `undefined variable ${name}`, tags: ['KeyError'] });
      return vars.get(name);
    }
    throw new Error(`unexpected ${tok.v} in ${src}`);
  }
  const value = or();
  if (p !== tokens.length) throw new Error(`trailing tokens in ${src}`);
  return value;
}

const EXPRESSION = /^\$\{([\s\S]*)\}$/;

function resolve(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    const m = EXPRESSION.exec(value);
    return m ? evaluate(m[1], vars) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, vars)]));
  return value;
}

// ---------------------------------------------------------------- statements

export function runWorkflow(def: Def, args: unknown, handler: HttpHandler, opts: { maxSteps?: number; callSeconds?: number } = {}): RunResult {
  const clock: Clock = { now: 0 };
  const calls: (HttpRequest & { at: number })[] = [];
  const logs: { severity: string; text: string; at: number }[] = [];
  let budget = opts.maxSteps ?? 20000;

  function http(method: HttpRequest['method'], a: any): unknown {
    const req: HttpRequest = { method, url: a.url, query: a.query, body: a.body };
    calls.push({ ...req, at: clock.now });
    clock.now += opts.callSeconds ?? 0.2;
    const out = handler(req, clock);
    if ('fail' in out) throw new WorkflowError({ message: `${out.fail} for ${method} ${a.url}`, tags: [out.fail] });
    if (out.code >= 400) throw new WorkflowError({ code: out.code, message: `HTTP server responded with error code ${out.code}`, body: out.body, tags: ['HttpError'] });
    return { code: out.code, body: out.body };
  }

  function call(name: string, args0: any, vars: Vars): unknown {
    const a = resolve(args0 ?? {}, vars) as any;
    if (name === 'http.get') return http('GET', a);
    if (name === 'http.post') return http('POST', a);
    if (name === 'http.patch') return http('PATCH', a);
    if (name === 'sys.sleep') { clock.now += a.seconds; return null; }
    // https://cloud.google.com/workflows/docs/reference/stdlib/sys/log
    if (name === 'sys.log') { logs.push({ severity: a.severity ?? 'DEFAULT', text: String(a.text ?? a.data), at: clock.now }); return null; }
    const sub = def[name];
    if (!sub) throw new Error(`unknown call ${name}`);
    const frame: Vars = new Map();
    for (const param of sub.params ?? []) {
      if (typeof param === 'string') {
        if (!(param in a)) throw new Error(`missing argument ${param} of ${name}`);
        frame.set(param, a[param]);
      } else {
        const [k, d] = Object.entries(param as object)[0];
        frame.set(k, k in a ? a[k] : d);
      }
    }
    try {
      runSteps(sub.steps, frame);
    } catch (e) {
      if (e instanceof Return) return e.value;
      throw e;
    }
    return null;
  }

  function runBody(body: any, vars: Vars): void {
    if (body.assign) for (const entry of body.assign) for (const [k, v] of Object.entries(entry)) vars.set(k, resolve(v, vars));
    if (body.call) {
      const r = call(body.call, body.args, vars);
      if (body.result) vars.set(body.result, r);
    }
    if (body.steps) runSteps(body.steps, vars);
    if (body.switch) {
      for (const c of body.switch) {
        if (resolve(c.condition, vars) !== true) continue;
        if (c.raise !== undefined) throw new WorkflowError(resolve(c.raise, vars));
        if (c.return !== undefined) throw new Return(resolve(c.return, vars));
        if (c.steps) runSteps(c.steps, vars);
        if (c.next) throw new Jump(c.next);
        break;
      }
    }
    if (body.for) {
      const list = resolve(body.for.in, vars) as unknown[];
      for (const item of list) { vars.set(body.for.value, item); runSteps(body.for.steps, vars); }
    }
    if (body.try) runTry(body, vars);
    if (body.raise !== undefined) throw new WorkflowError(resolve(body.raise, vars));
    if (body.return !== undefined) throw new Return(resolve(body.return, vars));
  }

  function runTry(body: any, vars: Vars): void {
    const policy = body.retry;
    const predicateName = policy ? EXPRESSION.exec(policy.predicate)![1].trim() : undefined;
    const predicate = predicateName ? PREDICATES[predicateName] : undefined;
    if (policy && !predicate) throw new Error(`unknown retry predicate ${policy.predicate}`);
    for (let attempt = 0; ; attempt++) {
      try {
        runBody(body.try, vars);
        return;
      } catch (e) {
        if (!(e instanceof WorkflowError)) throw e;
        if (predicate && predicate(e.value) && attempt < policy.max_retries) {
          const b = policy.backoff;
          clock.now += Math.min(b.initial_delay * b.multiplier ** attempt, b.max_delay);
          continue;
        }
        if (!body.except) throw e;
        vars.set(body.except.as, e.value);
        runSteps(body.except.steps, vars);
        return;
      }
    }
  }

  function runSteps(steps: Record<string, any>[], vars: Vars): void {
    let i = 0;
    while (i < steps.length) {
      if (--budget < 0) throw new Error('step budget exhausted (an endless loop?)');
      const [, body] = Object.entries(steps[i])[0];
      try {
        runBody(body, vars);
      } catch (e) {
        if (e instanceof Jump) {
          const j = steps.findIndex((s) => Object.keys(s)[0] === e.target);
          if (j < 0) throw e;
          i = j;
          continue;
        }
        throw e;
      }
      if (body.next) {
        const j = steps.findIndex((s) => Object.keys(s)[0] === body.next);
        if (j < 0) throw new Jump(body.next);
        i = j;
        continue;
      }
      i++;
    }
  }

  try {
    const result = call('main', { args }, new Map());
    return { result, calls, logs, clock: clock.now };
  } catch (e) {
    if (e instanceof WorkflowError) return { error: e.value, calls, logs, clock: clock.now };
    throw e;
  }
}
