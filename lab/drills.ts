/**
 * The drills. Each starts a lab, runs the workload, breaks something, lets
 * the local engine run the runbook model's procedure, then compares the
 * client log with the database that ends up primary.
 *
 * - switchover: switchover r1 → r2, then failback r2 → r1 (graceful both ways).
 * - failover:   kill -9 of the primary while writes flow; the health checks
 *               detect it; the most advanced standby is promoted. Then the
 *               lost region returns: its old primary comes back writable
 *               (split brain, measured) and the runbook's "The lost region
 *               is back" fences it (fence.ts).
 * - partition:  replication to every standby cut for `cutMs` while writes
 *               go on, then the primary is killed: the writes acknowledged
 *               during the cut are the data loss, counted exactly.
 */
import { labError, LabRunError } from './errors';
import { ProcedureRun, runProcedure } from './engine';
import { HealthEvent } from './health';
import { FenceRun, regionReturns } from './fence';
import { Lab } from './lab';
import { sleep } from './postgres';
import { analyse, DrillReport, Outage } from './report';
import { LabAction, labRunbook } from './runbook';
import { LabSettings } from './settings';
import { Workload } from './workload';

export const DRILLS = ['switchover', 'failover', 'partition'] as const;
export type DrillName = (typeof DRILLS)[number];

export interface DrillTiming {
  /** Workload before anything breaks, ms. @default 1000 */
  readonly warmupMs?: number;
  /** Workload after recovery, ms. @default 1000 */
  readonly tailMs?: number;
  /** switchover: time on the new primary before the failback, ms. @default 1000 */
  readonly holdMs?: number;
  /** partition: how long replication is cut before the primary is lost, ms. @default 1500 */
  readonly cutMs?: number;
}

export interface DrillOptions extends LabSettings, DrillTiming {
  /**
   * Fault injection: the runbook step with this action fails instead of
   * running.
   * @default - none
   */
  readonly failAtStep?: LabAction;
  /**
   * Called with the lab after the report is made and before the lab closes
   * (tests look inside).
   * @default - none
   */
  readonly inspect?: (lab: Lab) => Promise<void>;
}

/** Checks a drill name; throws a one-line error naming the drills there are. */
export function drillName(name: string): DrillName {
  if ((DRILLS as readonly string[]).includes(name)) return name as DrillName;
  throw labError('drill', `drill '${name}' does not exist`, `use one of ${DRILLS.join(', ')}`);
}

/** Runs one drill in its own lab; the lab is closed whatever happens. */
export async function runDrill(name: string, options: DrillOptions = {}): Promise<DrillReport> {
  const drill = drillName(name);
  const lab = await Lab.start(options);
  let workload: Workload | undefined;
  try {
    workload = new Workload(lab.routerUrls, lab.settings.workload, lab.clock);
    workload.start();
    lab.mark('note', 'workload started');
    await sleep(options.warmupMs ?? 1000);
    const { outages, fence } = await BODIES[drill](lab, workload, options);
    await sleep(options.tailMs ?? 1000);
    await workload.stop();
    lab.mark('note', 'workload stopped');
    const report = await analyse(drill, lab, workload, outages, fence);
    await options.inspect?.(lab);
    return report;
  } finally {
    // Also when the drill failed: the clients stop before the servers do.
    await workload?.stop();
    await lab.close();
  }
}

type Body = (lab: Lab, workload: Workload, options: DrillOptions) => Promise<{ outages: Outage[]; fence?: FenceRun }>;

const BODIES: Record<DrillName, Body> = {
  switchover: async (lab, _workload, options) => {
    const [r1, r2] = lab.regions;
    const model = labRunbook(topology(lab, r1.name, r2.name));
    const outages: Outage[] = [];
    for (const [id, from, to] of [['switchover', r1, r2], ['failback', r2, r1]] as const) {
      const procedure = model.procedures.find((p) => p.id === id)!;
      const run: ProcedureRun = { from, target: to, steps: [] };
      const startedAt = lab.clock();
      await runProcedure(lab, procedure, run, options.failAtStep);
      outages.push({ name: id, kind: 'switchover', failureAt: fenceTime(lab, startedAt), from: from.name, to: to.name, steps: run.steps });
      if (id === 'switchover') await sleep(options.holdMs ?? 1000);
    }
    return { outages };
  },

  failover: async (lab, _workload, options) => {
    const primary = lab.primary;
    const detected = detection(lab, primary.name);
    const failureAt = lab.clock();
    await primary.db.kill9();
    lab.mark('failure', `${primary.name} killed (kill -9 of every server process)`, failureAt);
    const outage = await failover(lab, primary.name, failureAt, await detected.promise, options.failAtStep);
    // The lost region returns while the clients go on writing through the routers.
    const pending = outage.steps.find((s) => s.action === 'fence-old-primary')?.detail ?? 'no fence step';
    return { outages: [outage], fence: await regionReturns(lab, primary.name, pending) };
  },

  partition: async (lab, workload, options) => {
    const primary = lab.primary;
    // A sharp edge: hold the clients, let every standby replay all that was
    // acknowledged, cut, let the clients go. Every write acknowledged from
    // here on exists only on the primary.
    await workload.pause();
    const lsn = await primary.db.currentLsn();
    for (const s of lab.standbys) await lab.waitFor(async () => (await s.db.standbyLsns()).replay >= lsn, 30_000, `${s.name} to replay before the cut`);
    for (const s of lab.standbys) s.relay.cut();
    const cutAt = lab.clock();
    lab.mark('cut', `replication to ${lab.standbys.map((s) => s.name).join(', ')} cut`, cutAt);
    workload.resume();
    await sleep(options.cutMs ?? 1500);
    const detected = detection(lab, primary.name);
    const failureAt = lab.clock();
    await primary.db.kill9();
    lab.mark('failure', `${primary.name} killed during the cut`, failureAt);
    // The dead primary's undelivered WAL dies with it; the links are free again.
    for (const s of lab.standbys) {
      s.relay.reset();
      s.relay.heal();
    }
    lab.mark('heal', 'links reset and healed (nothing of the dead primary left on them)');
    const outage = await failover(lab, primary.name, failureAt, await detected.promise, options.failAtStep);
    return { outages: [{ ...outage, cutAt }] };
  },
};

async function failover(lab: Lab, primary: string, failureAt: number, detectedAt: number, failAt?: LabAction): Promise<Outage> {
  const standby = lab.standbys[0];
  const model = labRunbook(topology(lab, primary, standby.name));
  const run: ProcedureRun = { from: lab.region(primary), steps: [] };
  await runProcedure(lab, model.procedures.find((p) => p.id === 'failover')!, run, failAt);
  return { name: 'failover', kind: 'failover', failureAt, detectedAt, from: primary, to: run.target!.name, steps: run.steps };
}

/**
 * Resolves with the lab time at which the health checks find `region`
 * unhealthy, counting only what they find from now on (armed just before
 * the failure, so no event is missed and none from before counts).
 */
function detection(lab: Lab, region: string): { promise: Promise<number> } {
  const limit = lab.settings.health.intervalMs * (lab.settings.health.failureThreshold + 4) + 10_000;
  const armedAt = lab.clock();
  const promise = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LabRunError(`the health checks did not find ${region} unhealthy within ${limit} ms`)), limit);
    timer.unref();
    lab.onHealthChange((e: HealthEvent) => {
      if (e.region === region && !e.healthy && e.at >= armedAt) {
        clearTimeout(timer);
        resolve(e.at);
      }
    });
  });
  promise.catch(() => undefined);
  return { promise };
}

function fenceTime(lab: Lab, after: number): number {
  return lab.events.find((e) => e.kind === 'fence' && e.at >= after)?.at ?? after;
}

function topology(lab: Lab, primary: string, standby: string) {
  return {
    primary,
    standby,
    regions: lab.regions.map((r) => ({ name: r.name, port: r.db.port, dataDir: r.db.dataDir })),
    settings: lab.settings,
  };
}
