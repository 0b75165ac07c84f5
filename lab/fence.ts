/**
 * The failover drill's last act: the lost region returns (issue 20).
 *
 * After the failover, the old primary is started again as it would come back
 * on its own: crash recovery, then a writable primary outside the topology.
 * Stray clients — an application with its cached address, as a non-superuser
 * role, and the region's own app — write to it:
 *
 * 1. unfenced: every write is accepted (split brain, measured);
 * 2. the switchover's fence (`default_transaction_read_only = on` in the
 *    configuration) refuses a plain write, but one `SET … = off` in the
 *    session gets the next write through: no fence against a client;
 * 3. the runbook's "The lost region is back" procedure runs on the engine:
 *    fence (restart in recovery), verify, keep the writes only it has;
 * 4. fenced: the same clients, with every session-level escape, and
 *    `pg_promote()` as the application role: nothing is accepted. Writes
 *    through the routers go to the new primary and none reach the old one.
 */
import { Client, DatabaseError } from 'pg';
import { APP_ROLE } from './app';
import { ProcedureRun, runProcedure, StepRecord } from './engine';
import { LabRunError } from './errors';
import { Lab, Region } from './lab';
import { labRunbook } from './runbook';

/** How a stray client tries to write. */
export const STRAY_WRITES = ['insert', 'set-default-read-write', 'session-read-write', 'begin-read-write', 'region-app'] as const;
export type StrayWrite = (typeof STRAY_WRITES)[number];

const STATEMENTS: Record<Exclude<StrayWrite, 'region-app'>, (insert: string) => string[]> = {
  'insert': (i) => [i],
  'set-default-read-write': (i) => ['SET default_transaction_read_only = off', i],
  'session-read-write': (i) => ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', i],
  'begin-read-write': (i) => ['BEGIN READ WRITE', i, 'COMMIT'],
};

export interface FenceProbe {
  readonly path: StrayWrite;
  readonly attempted: number;
  readonly accepted: number;
  /** SQLSTATEs (or GraphQL codes) of the refusals, distinct. */
  readonly refusedWith: readonly string[];
}

export interface FenceRun {
  /** The former primary. */
  readonly region: string;
  readonly newPrimary: string;
  /** Lab time it accepted connections again (unfenced), ms. */
  readonly returnedAt: number;
  /** Lab time the fence was in effect, ms. */
  readonly fencedAt: number;
  /** The fence step alone (stop, restart in recovery), ms. */
  readonly fenceMs: number;
  /** What the failover's own fence step found (the region was down: pending). */
  readonly pendingAtFailover: string;
  /** Stray writes before the fence (the counterfactual). */
  readonly unfenced: readonly FenceProbe[];
  /** The configuration-only fence: a plain write refused, the write after `SET default_transaction_read_only = off` accepted. */
  readonly settingOnly: { readonly plainRefusedWith?: string; readonly acceptedAfterSet: boolean };
  /** Stray writes after the fence. */
  readonly fenced: readonly FenceProbe[];
  /** `SELECT pg_promote()` as the application role after the fence: the SQLSTATE it failed with (undefined: it ran). */
  readonly promoteAsAppRefusedWith?: string;
  /** Rows on the former primary before and after the fenced probes (equal: nothing got in). */
  readonly rowsBeforeFencedProbes: number;
  readonly rowsAfterFencedProbes: number;
  /** Writes through the routers after the fence. */
  readonly router: { readonly attempted: number; readonly acknowledged: number; readonly onNewPrimary: number; readonly onFormerPrimary: number };
  /** Ids only the former primary holds (kept by the procedure, never silently dropped). */
  readonly splitWrites: readonly string[];
  /** Of them, written after it came back (the rest did not stream before the kill). */
  readonly splitWritesAfterReturn: number;
  /** Mutations the region's app sent to it while fenced (PostgreSQL refused each; the app counts them as on a replica). */
  readonly regionAppRefusals: number;
  readonly steps: readonly StepRecord[];
}

const ROUNDS = 3;

/** The lost region returns; the drill measures split brain, then the fence. */
export async function regionReturns(lab: Lab, formerName: string, pendingAtFailover: string): Promise<FenceRun> {
  const old = lab.region(formerName);
  const writer = lab.primary;
  if (old.db.running) throw new LabRunError(`${old.name} is running: the drill brings back a region that was lost`);
  await old.db.start();
  const returnedAt = lab.clock();
  old.role = 'stray';
  lab.mark('return', `${old.name} is back, writable (started again after the failover, not fenced)`, returnedAt);

  const unfenced = await probeAll(old, 'unfenced');
  const settingOnly = await settingOnlyFence(old);

  const model = labRunbook({ primary: old.name, standby: writer.name, regions: lab.regions.map((r) => ({ name: r.name, port: r.db.port, dataDir: r.db.dataDir })), settings: lab.settings });
  const run: ProcedureRun = { from: old, target: writer, steps: [] };
  await runProcedure(lab, model.procedures.find((p) => p.id === 'recover-region')!, run);
  const fenceStep = run.steps.find((s) => s.action === 'fence-old-primary')!;

  const count = async () => Number((await old.db.query<{ n: string }>('SELECT count(*) AS n FROM orders'))[0].n);
  const rowsBeforeFencedProbes = await count();
  const appBefore = old.app.stats.mutationsOnReplica;
  const fenced = await probeAll(old, 'fenced');
  const regionAppRefusals = old.app.stats.mutationsOnReplica - appBefore;
  const promoteAsAppRefusedWith = await asApp(old, ['SELECT pg_promote(false)']).then(() => undefined, sqlState);
  const rowsAfterFencedProbes = await count();
  const router = await routerWrites(lab, old, writer);

  const split = run.splitWrites ?? [];
  return {
    region: old.name,
    newPrimary: writer.name,
    returnedAt,
    fencedAt: fenceStep.endedAt,
    fenceMs: fenceStep.endedAt - fenceStep.startedAt,
    pendingAtFailover,
    unfenced,
    settingOnly,
    fenced,
    promoteAsAppRefusedWith,
    rowsBeforeFencedProbes,
    rowsAfterFencedProbes,
    router,
    splitWrites: split,
    splitWritesAfterReturn: split.filter((id) => id.startsWith('split-')).length,
    regionAppRefusals,
    steps: run.steps,
  };
}

/** One stray client per path, side by side, each writing ROUNDS times. */
function probeAll(old: Region, phase: string): Promise<FenceProbe[]> {
  return Promise.all(STRAY_WRITES.map(async (path) => {
    let accepted = 0;
    const refusedWith = new Set<string>();
    for (let i = 0; i < ROUNDS; i++) {
      const refusal = await strayWrite(old, path, `split-${phase}-${path}-${i}`);
      if (refusal === undefined) accepted++;
      else refusedWith.add(refusal);
    }
    return { path, attempted: ROUNDS, accepted, refusedWith: [...refusedWith].sort() };
  }));
}

const UNAVAILABLE = 'unavailable';

/**
 * One write by a stray client; undefined when accepted, else the SQLSTATE or
 * GraphQL code of the refusal. Like an application, it retries (a few times)
 * when it could not reach the database at all: that is neither an acceptance
 * nor a refusal.
 */
async function strayWrite(old: Region, path: StrayWrite, id: string): Promise<string | undefined> {
  let outcome: string | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    outcome = await strayWriteOnce(old, path, id);
    if (outcome !== UNAVAILABLE) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
  return outcome;
}

async function strayWriteOnce(old: Region, path: StrayWrite, id: string): Promise<string | undefined> {
  if (path === 'region-app') {
    const res = await fetch(`${old.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($id: ID!) { createOrder(id: $id, customer: "stray") { id } }', variables: { id } }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    const code = body.errors ? body.errors[0].extensions?.code ?? 'ERROR' : undefined;
    return code === 'DATABASE_UNAVAILABLE' ? UNAVAILABLE : code;
  }
  const insert = `INSERT INTO orders (id, customer) VALUES ('${id}', 'stray')`;
  return asApp(old, STATEMENTS[path](insert)).then(() => undefined, sqlState);
}

/** The SQLSTATE of an error the server sent; `unavailable` when the server was not reached. */
function sqlState(err: Error): string {
  return err instanceof DatabaseError && err.code ? err.code : UNAVAILABLE;
}

/** Runs statements in order on one new connection as the application role. */
async function asApp(old: Region, statements: readonly string[]): Promise<void> {
  const client = new Client({ ...old.db.connection, user: APP_ROLE, connectionTimeoutMillis: 5000, query_timeout: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The switchover's fence, tried against a stray client, then taken back. */
async function settingOnlyFence(old: Region): Promise<FenceRun['settingOnly']> {
  await old.db.query('ALTER SYSTEM SET default_transaction_read_only = on');
  await old.db.query('SELECT pg_reload_conf()');
  try {
    // The postmaster applies the reload asynchronously: wait until a new session sees it.
    const deadline = Date.now() + 5000;
    for (;;) {
      const [row] = await old.db.query<{ v: string }>("SELECT current_setting('default_transaction_read_only') AS v");
      if (row.v === 'on') break;
      if (Date.now() > deadline) throw new LabRunError(`${old.name}: default_transaction_read_only did not become on after the reload`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const plainRefusedWith = await strayWrite(old, 'insert', 'split-setting-only-plain');
    const acceptedAfterSet = (await strayWrite(old, 'set-default-read-write', 'split-setting-only-bypass')) === undefined;
    return { plainRefusedWith, acceptedAfterSet };
  } finally {
    await old.db.query('ALTER SYSTEM RESET default_transaction_read_only');
    await old.db.query('SELECT pg_reload_conf()');
  }
}

async function routerWrites(lab: Lab, old: Region, writer: Region): Promise<FenceRun['router']> {
  const writes = Object.entries(lab.routerUrls).flatMap(([name, url]) => Array.from({ length: ROUNDS }, (_, i) => ({ url, id: `fence-router-${name}-${i}` })));
  const ids = writes.map((w) => w.id);
  const acks = await Promise.all(writes.map(async ({ url, id }) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($id: ID!) { createOrder(id: $id, customer: "after-fence") { id } }', variables: { id } }),
    }).catch(() => undefined);
    const body = res ? ((await res.json().catch(() => ({}))) as { data?: { createOrder?: { id: string } } }) : {};
    return body.data?.createOrder?.id === id;
  }));
  const acknowledged = acks.filter(Boolean).length;
  const on = async (r: Region) => (await r.db.query('SELECT id FROM orders WHERE id = ANY($1)', [ids])).length;
  return { attempted: ids.length, acknowledged, onNewPrimary: await on(writer), onFormerPrimary: await on(old) };
}
