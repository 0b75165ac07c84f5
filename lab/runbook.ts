/**
 * The lab's runbook, as the core runbook model (lib/core/runbook.ts): the
 * same procedure shapes the cloud runbooks print — check, move the database,
 * move the write route, verify, tell people — with commands for the lab's
 * own servers. Each step names its `action`; the local engine (engine.ts)
 * runs the steps in order by that name, so a drill executes the model
 * rather than a separate script.
 */
import { RecoveryInputs } from '../lib/core/recovery';
import { RunbookModel, RunbookProcedure, RunbookStep, validateRunbook } from '../lib/core/runbook';
import { LabRunError } from './errors';
import { ResolvedSettings } from './settings';

/** The operations the local engine knows. */
export type LabAction =
  | 'check-standby'
  | 'fence-primary'
  | 'wait-replay'
  | 'stop-primary'
  | 'promote'
  | 'confirm-primary-down'
  | 'choose-most-advanced'
  | 'move-write-route'
  | 'verify-writer'
  | 'repoint-standbys'
  | 'rejoin-old-primary'
  | 'fence-old-primary'
  | 'verify-fenced'
  | 'keep-split-writes'
  | 'record';

export interface LabRegionFacts {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
}

export interface LabTopology {
  readonly primary: string;
  readonly standby: string;
  readonly regions: readonly LabRegionFacts[];
  readonly settings: ResolvedSettings;
}

function psql(port: number, sql: string): string {
  return `psql "host=127.0.0.1 port=${port} user=postgres" -Atc "${sql}"`;
}

function step(kind: RunbookStep['kind'], action: LabAction, title: string, extra: Partial<RunbookStep> = {}): RunbookStep {
  return { kind, action, title, ...extra };
}

function switchoverSteps(t: LabTopology, from: LabRegionFacts, to: LabRegionFacts): RunbookStep[] {
  return [
    step('precondition', 'check-standby', `Check that ${to.name} is a healthy standby streaming from ${from.name}`, {
      commands: [{ command: psql(from.port, `SELECT application_name, state, replay_lsn FROM pg_stat_replication`) }],
      expect: `a row for ${to.name} in state streaming.`,
    }),
    step('database-switchover', 'fence-primary', `Fence ${from.name}: no new writes`, {
      detail: 'New transactions on the old primary become read-only, so nothing is written that the standby might miss.',
      commands: [{ command: psql(from.port, 'ALTER SYSTEM SET default_transaction_read_only = on; SELECT pg_reload_conf()') }],
    }),
    step('database-switchover', 'wait-replay', `Wait until ${to.name} has replayed ${from.name}'s last LSN`, {
      commands: [
        { command: psql(from.port, 'SELECT pg_current_wal_lsn()'), description: 'The last LSN of the old primary' },
        { command: psql(to.port, 'SELECT pg_last_wal_replay_lsn()'), description: 'Repeat until it is at least that LSN' },
      ],
      timeoutSeconds: 30,
    }),
    step('database-switchover', 'stop-primary', `Stop ${from.name} cleanly`, {
      detail: 'A fast shutdown sends the rest of the WAL, its shutdown checkpoint included, to the connected standbys before it ends.',
      commands: [{ command: `pg_ctl -D ${from.dataDir} stop -m fast` }],
    }),
    step('database-switchover', 'promote', `Promote ${to.name}`, {
      commands: [{ command: psql(to.port, `SELECT pg_promote(true, ${t.settings.promoteWaitSeconds})`) }],
      expect: 't',
      timeoutSeconds: t.settings.promoteWaitSeconds,
    }),
    step('traffic-shift', 'move-write-route', `Move the write route to ${to.name}`, {
      detail: "The lab's write route is the record the router's --primary URL resolves; the drill points it at the new primary's app.",
    }),
    step('verification', 'verify-writer', `Confirm ${to.name} holds the writer`, {
      commands: [{ command: psql(to.port, 'SELECT pg_is_in_recovery()') }],
      expect: 'f',
    }),
    step('database-switchover', 'rejoin-old-primary', `Restart ${from.name} as a standby of ${to.name}`, {
      detail: 'standby.signal, primary_conninfo through its relay to the new primary; it follows the new timeline.',
    }),
    step('notification', 'record', 'Record the switchover', { detail: 'The drill report: measured RTO, 0 lost writes expected.' }),
  ];
}

function failoverSteps(t: LabTopology): RunbookStep[] {
  const standbys = t.regions.filter((r) => r.name !== t.primary);
  const primary = t.regions.find((r) => r.name === t.primary)!;
  return [
    step('precondition', 'confirm-primary-down', `Confirm ${t.primary} is down`, {
      detail: `Its health check failed ${t.settings.health.failureThreshold} times, ${t.settings.health.intervalMs} ms apart; never fail over a primary that still answers.`,
      commands: [{ command: `pg_isready -h 127.0.0.1 -p ${primary.port}` }],
      expect: 'no response',
    }),
    fenceStep(primary, `Fence ${primary.name} (if it answers)`, `Stop the former primary from taking writes before a standby is promoted. ${primary.name} has just been found down, so this normally records the fence as pending: the first step of "The lost region is back" when it returns.`),
    step('precondition', 'choose-most-advanced', 'Choose the most advanced standby', {
      commands: standbys.map((s) => ({ command: psql(s.port, 'SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()'), description: s.name })),
      expect: 'the standby with the highest received LSN is the target.',
    }),
    step('database-failover', 'promote', 'Promote the chosen standby', {
      commands: [{ command: `psql "host=127.0.0.1 port=<target port> user=postgres" -Atc "SELECT pg_promote(true, ${t.settings.promoteWaitSeconds})"` }],
      timeoutSeconds: t.settings.promoteWaitSeconds,
    }),
    step('traffic-shift', 'move-write-route', 'Move the write route to the new primary'),
    step('verification', 'verify-writer', 'Confirm the new primary holds the writer', { expect: 'pg_is_in_recovery() is f' }),
    step('database-failover', 'repoint-standbys', 'Point the other standbys at the new primary', {
      detail: 'Their relays now lead to the new primary; recovery_target_timeline = latest makes them follow its timeline.',
    }),
    step('notification', 'record', 'Count the data loss', { detail: 'Acknowledged writes in the client log that the new primary does not hold.' }),
  ];
}

/**
 * The fence of the lab: restart the former primary in recovery
 * (standby.signal, and no primary_conninfo: it follows nobody). PostgreSQL
 * then refuses every write itself, whatever the session sets: in hot standby
 * "all transactions are forced to be read-only" (`default_transaction_read_only
 * = off` changes nothing) and a read-write transaction (`BEGIN READ WRITE`) is
 * refused; only `pg_promote()` (superusers only, by default) or a person with
 * the data directory ends it (the failover drill measures each of these).
 * The switchover's `default_transaction_read_only` fence would not do here: a
 * client undoes it with one SET. Like the clouds' fences (Cloud SQL
 * activation policy NEVER, Aurora re-adding the old primary as a read-only
 * secondary), it is the server, not the client, that says no; unlike Cloud
 * SQL's it keeps the database readable, so the writes only it has can be
 * exported.
 * https://www.postgresql.org/docs/current/hot-standby.html
 * https://www.postgresql.org/docs/current/runtime-config-preset.html (in_hot_standby)
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-CONTROL (pg_promote)
 */
function fenceStep(former: LabRegionFacts, title: string, detail: string): RunbookStep {
  return step('fence', 'fence-old-primary', title, {
    detail,
    commands: [{ command: `touch ${former.dataDir}/standby.signal && pg_ctl -D ${former.dataDir} restart -m fast`, description: 'Restart it in recovery: it refuses every write' }],
    expect: `${psql(former.port, 'SELECT pg_is_in_recovery()')} prints t — or ${former.name} does not answer (the fence is pending)`,
  });
}

function recoverRegionSteps(former: LabRegionFacts): RunbookStep[] {
  return [
    fenceStep(former, `Fence ${former.name} before anything else`, `After an unplanned failover the former primary may come back writable: an application in ${former.name} that connects by a cached address would write to it, and those writes would be on neither side.`),
    step('verification', 'verify-fenced', `Check that ${former.name} refuses writes`, {
      commands: [{ command: psql(former.port, "SELECT pg_is_in_recovery(); INSERT INTO orders (id, customer) VALUES ('fence-check', 'ops')") }],
      expect: 't, then ERROR: cannot execute INSERT in a read-only transaction',
    }),
    step('precondition', 'keep-split-writes', `Keep the writes only ${former.name} has — never silently`, {
      detail: `Writes that had not streamed before the failure, and any made while it was back unfenced. Export them and reconcile them into the new primary by hand, or record that they are discarded; then rebuild ${former.name} as a new standby (base backup) before any failback.`,
      commands: [{ command: psql(former.port, "\\copy (SELECT * FROM orders WHERE seq > <last seq the new primary had from it>) TO 'split-writes.csv' CSV HEADER") }],
      expect: 'a file of the writes only the former primary has (possibly empty), kept with the incident',
    }),
  ];
}

/** The lab's runbook model for its current topology. Throws if the model is structurally wrong. */
export function labRunbook(t: LabTopology): RunbookModel {
  const from = t.regions.find((r) => r.name === t.primary);
  const to = t.regions.find((r) => r.name === t.standby);
  if (!from || !to) throw new LabRunError(`runbook: unknown region ${t.primary} or ${t.standby}`);
  const procedures: RunbookProcedure[] = [
    { id: 'switchover', title: `Switchover to ${to.name}`, whenToUse: 'Planned move, both regions healthy.', dataLoss: 'None: the standby replays everything first.', steps: switchoverSteps(t, from, to) },
    { id: 'failover', title: 'Failover to the most advanced standby', whenToUse: `${from.name} is lost.`, dataLoss: 'Writes not yet streamed to the promoted standby.', steps: failoverSteps(t) },
    { id: 'manual-failover', title: 'Manual failover (fallback)', whenToUse: 'The engine cannot run.', dataLoss: 'As a failover.', steps: failoverSteps(t).map(({ action: _a, ...s }) => s) },
    { id: 'verify', title: 'Verify the current write region', whenToUse: 'Any time.', dataLoss: 'None.', steps: [step('verification', 'verify-writer', 'Show which region writes')] },
    { id: 'failback', title: `Failback to ${from.name}`, whenToUse: `After a switchover, when ${from.name} is a healthy standby again.`, dataLoss: 'None.', steps: switchoverSteps(t, to, from) },
    {
      id: 'recover-region',
      title: 'The lost region is back',
      whenToUse: `${from.name} answers again after an unplanned failover; before anything else is done with it.`,
      dataLoss: `None beyond the failover's, if the writes only ${from.name} has are exported first.`,
      steps: recoverRegionSteps(from),
    },
  ];
  const model: RunbookModel = {
    title: 'Failover runbook: the local failover lab',
    cloud: 'local',
    summary: `${t.regions.length} PostgreSQL servers on 127.0.0.1 with physical streaming replication, the multiregion router in front.`,
    primaryRegion: from.name,
    standbyRegion: to.name,
    regions: t.regions.map((r) => r.name),
    facts: t.regions.map((r) => ({ label: `${r.name} PostgreSQL`, value: `127.0.0.1:${r.port}` })),
    decisions: [
      { situation: 'Planned move', use: 'switchover', because: 'no data loss' },
      { situation: 'Primary lost', use: 'failover', because: 'the health checks detected it' },
      { situation: 'The lost primary answers again', use: 'recover-region', because: 'fence first: it may be writable' },
    ],
    procedures,
  };
  const problems = validateRunbook(model);
  if (problems.length > 0) throw new LabRunError(`lab runbook model: ${problems.map((p) => p.message).join('; ')}`);
  return model;
}

/**
 * The recovery model's inputs for the lab's own settings: detection =
 * interval × threshold, no human decision, promotion bounded by
 * pg_promote's wait, the route move acting at the client's next retry,
 * no DNS caching (the lab's routes have no TTL).
 */
export function labRecoveryInputs(s: ResolvedSettings): RecoveryInputs {
  const promote = 'https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-CONTROL';
  return {
    detection: { intervalSeconds: s.health.intervalMs / 1000, failureThreshold: s.health.failureThreshold },
    decisionSeconds: 0,
    switchover: { seconds: s.promoteWaitSeconds, description: `fence, replay wait and promotion (pg_promote waits at most ${s.promoteWaitSeconds} s)`, source: promote },
    failover: { seconds: s.promoteWaitSeconds, description: `promotion (pg_promote waits at most ${s.promoteWaitSeconds} s)`, source: promote },
    trafficShift: { seconds: s.workload.retryMs / 1000, description: `route moves at once; clients retry every ${s.workload.retryMs} ms`, source: 'lab/route-switch.ts' },
    dnsTtlSeconds: 0,
    replication: { typicalLagSeconds: s.lag.ms / 1000, source: 'the lag the lab injects on the read region' },
  };
}
