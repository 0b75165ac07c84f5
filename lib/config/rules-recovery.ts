/**
 * Routes, failover and objectives: routing from phase 3 with an endpoint
 * for the primary and the standby, the clouds' health-check limits, who
 * decides to fail over (as lib/aws/private/decision.ts checks it), the
 * declared objectives against the estimate (lib/core checkObjectives, in the
 * file's words), the RPO guard of Aurora PostgreSQL, backup retention
 * (lib/core validateHardening) and the lag alarm.
 */
import { checkObjectives, formatSeconds, LADDER, Phase, show, validateHardening } from '../core';
import { formatDuration } from './duration';
import { AWS_FIGURES, CLOUD_NAMES, GCP_FIGURES, profileOf } from './figures';
import { RuleContext } from './raw';
import { AWS_FILE_WORDS, awsInputs, enforcedRpoSeconds, estimateProcedures, RecoverySettings } from './recovery';
import { RegionFacts } from './rules-regions';

/** The settings the estimate reads, defaults resolved (undefined while something it needs is broken). */
export function recoverySettings(ctx: RuleContext, phase: Phase): RecoverySettings | undefined {
  const cloud = ctx.cloud;
  if (!cloud) return undefined;
  const aws = cloud === 'aws';
  const r = ctx.raw;
  return {
    cloud,
    phase,
    engine: r.database?.engine ?? 'postgresql',
    intervalSeconds: r.routing?.healthCheck?.interval ?? (aws ? AWS_FIGURES.healthCheckIntervalSeconds : GCP_FIGURES.healthCheckIntervalSeconds),
    failureThreshold: r.routing?.healthCheck?.failureThreshold ?? (aws ? AWS_FIGURES.failureThreshold : GCP_FIGURES.failureThreshold),
    ttlSeconds: r.routing?.ttl ?? (aws ? AWS_FIGURES.ttlSeconds : GCP_FIGURES.ttlSeconds),
    decision: r.failover?.decision ?? 'manual',
    decisionTimeSeconds: r.failover?.decisionTime ?? AWS_FIGURES.humanDecisionSeconds,
    allowDataLoss: r.failover?.allowDataLoss ?? false,
    rpoSeconds: r.objectives?.rpo,
  };
}

/** Routing and endpoints. */
export function checkRouting(ctx: RuleContext, facts: RegionFacts, phase: Phase): void {
  const routing = ctx.raw.routing;
  const routed = phase >= 3;
  // Active-active (Spanner, Aurora DSQL): one endpoint the service resolves itself; no route to fail over.
  const needsRoutes = routed && !(phase === 5 && ctx.raw.mode === 'active-active');
  if (needsRoutes && routing === undefined && !ctx.failed('routing')) {
    const zoneKey = ctx.cloud === 'gcp' ? 'managedZone: prod-zone' : 'hostedZoneId: Z0123456789ABCDEFGHIJ';
    ctx.error(['phase'], `phase ${phase} (${LADDER[phase].name}) routes the writes through DNS and fails them over, but routing is missing`,
      `add routing: { zone: example.com, ${zoneKey} }${phase < 5 ? ' and an endpoint for the primary and the standby' : ''} (docs/config.md#routing)${phase === 3 ? ', or set phase: 2' : ''}`, phase);
    return;
  }
  if (!routed && routing !== undefined) {
    ctx.warning(['routing'], `routing is set, but phase ${phase} publishes no route: it takes effect from phase 3`, 'keep it to prepare the climb, or remove it', undefined, 'key');
  }
  const hc = routing?.healthCheck;
  if (ctx.cloud === 'gcp' && hc?.interval !== undefined && hc.interval < GCP_FIGURES.minHealthCheckIntervalSeconds) {
    ctx.error(['routing', 'healthCheck', 'interval'], `routing.healthCheck.interval ${formatDuration(hc.interval)} is below the 30s minimum of Cloud DNS health checks with source regions`,
      'set routing.healthCheck.interval to 30s or more', hc.interval);
  }
  if (routing?.graphql && phase < 4) {
    ctx.error(['routing', 'graphql'], `routing.graphql needs the read route, which phase ${phase} does not have (phase 4 adds it)`, 'set phase: 4, or remove routing.graphql', true);
  }
  if (routing?.ttl !== undefined && ctx.cloud === 'aws' && routing.ttl > 86400) {
    ctx.error(['routing', 'ttl'], `routing.ttl ${formatDuration(routing.ttl)} keeps clients on a lost region for more than a day`, 'set routing.ttl to 60s (the default) or less', routing.ttl);
  }
  // Endpoints per partition are phase 5's, which no construct builds yet.
  if (!routed || phase === 5 || !facts.complete || facts.primaries.length !== 1) return;
  const raws = ctx.raw.regions ?? [];
  const need = [facts.primaries[0].name, facts.standby].filter((n): n is string => n !== undefined);
  for (const r of facts.regions) {
    const endpoint = raws[r.index]?.endpoint;
    if (endpoint !== undefined || ctx.failed(`regions[${r.index}].endpoint`)) continue;
    const example = ctx.cloud === 'gcp' ? '198.51.100.7' : `app.${r.name}.${routing?.zone?.replace(/\.$/, '') ?? 'example.com'}`;
    if (need.includes(r.name)) {
      const which = r.name === need[0] ? 'the primary: the write route answers with it' : 'the standby: the write route fails over to it';
      ctx.error(['regions', r.index], `regions[${r.index}] (${r.name}) has no endpoint, but it is ${which}`, `add endpoint: ${example}`);
    } else if (phase >= 4 && r.role !== 'headless') {
      ctx.warning(['regions', r.index], `regions[${r.index}] (${r.name}) has no endpoint, so the read route leaves it out`, `add endpoint: ${example} to serve reads from it`);
    }
  }
}

/** Who decides to fail over. */
export function checkDecision(ctx: RuleContext, phase: Phase): void {
  const f = ctx.raw.failover;
  if (!f) return;
  if (f.decisionTime !== undefined && f.decisionTime <= 0) {
    ctx.error(['failover', 'decisionTime'], `failover.decisionTime ${formatDuration(f.decisionTime)} assumes a person decides instantly`,
      `give the time your on-call needs to notice, judge and start the procedure (${formatDuration(AWS_FIGURES.humanDecisionSeconds)} by default), or set failover.decision: automatic`, f.decisionTime);
  }
  if (f.allowDataLoss && f.decision !== 'automatic') {
    ctx.error(['failover', 'allowDataLoss'], `failover.allowDataLoss is true but failover.decision is ${f.decision ?? 'manual'}`,
      'set failover.decision: automatic, or remove failover.allowDataLoss (a person accepts data loss when starting the failover)', true);
  }
  if (f.decision !== 'automatic') return;
  if (ctx.cloud === 'gcp') {
    ctx.error(['failover', 'decision'], 'failover.decision automatic is not available on Google Cloud: the failover workflow runs when a person starts it (gcloud workflows run)',
      'set failover.decision: manual (the default) and count the decision in failover.decisionTime', 'automatic');
    return;
  }
  if (phase < 3) {
    ctx.warning(['failover', 'decision'], `failover.decision automatic takes effect from phase 3 (phase ${phase} has no failover automation)`, 'keep it to prepare the climb, or remove it', 'automatic');
    return;
  }
  if ((f.engine ?? 'region-switch') === 'region-switch' && !f.allowDataLoss) {
    ctx.error(['failover', 'decision'],
      "failover.decision automatic with the Region switch engine starts the plan from a trigger, and ARC lets no trigger choose the execution mode: an ungraceful execution runs the Aurora block's failover, which loses the writes not yet replicated",
      'set failover.allowDataLoss: true to accept that, or failover.engine: stepfunctions (an automatic switchover, no data loss), or failover.decision: manual', 'automatic');
  }
}

/** Objectives against the estimate, the RPO guard, the lag alarm, backup retention. */
export function checkObjectivesAndData(ctx: RuleContext, facts: RegionFacts, phase: Phase): void {
  const settings = recoverySettings(ctx, phase);
  const o = ctx.raw.objectives;
  const multiRegion = facts.regions.length > 1 && phase >= 2 && phase <= 4;
  if (settings && o && multiRegion && !ctx.failed('routing') && !ctx.failed('failover')) {
    if (ctx.cloud === 'aws') {
      // The RTO is checked where the FailoverRunbook checks it (phase 3 on); the RPO wherever a replica exists. RPO 0 is the topology rule's.
      const declared = { rtoSeconds: phase >= 3 ? o.rto : undefined, rpoSeconds: o.rpo === 0 ? undefined : o.rpo };
      for (const p of checkObjectives(declared, awsInputs(settings), AWS_FILE_WORDS)) {
        ctx.error(p.property === 'objectives.rto' ? ['objectives', 'rto'] : ['objectives', 'rpo'], p.message, p.fix);
      }
    } else if (phase >= 3 && o.rto !== undefined) {
      const failover = estimateProcedures(settings).find((e) => e.procedure === 'failover')!;
      if (failover.rtoSeconds > o.rto) {
        const parts = failover.timeline.filter((e) => e.durationSeconds > 0).map((e) => `${e.phase} ${e.durationSeconds} s`).join(' + ');
        ctx.error(['objectives', 'rto'], `objectives.rto ${formatDuration(o.rto)} is below what a failover takes before Cloud SQL even promotes the replica: ${formatSeconds(failover.rtoSeconds)} (${parts}; Google publishes no promotion time)`,
          `lower failover.decisionTime, routing.healthCheck.failureThreshold or routing.ttl, or raise objectives.rto to ${formatDuration(failover.rtoSeconds)} plus the promotion time you measure in a drill`, o.rto);
      }
    }
  }
  const enforced = settings ? enforcedRpoSeconds(settings) : undefined;
  if (enforced !== undefined && facts.complete && facts.regions.length === 2 && !o?.acceptRpoGuardWriteStalls) {
    const [primary, other] = [facts.primaries[0]?.name, facts.regions.find((r) => r.role !== 'primary')?.name];
    ctx.error(['objectives', 'rpo'],
      `objectives.rpo ${formatDuration(enforced)} sets rds.global_db_rpo on the primary, so commits in ${primary} wait whenever the only other region (${other}) lags more than ${enforced} s: any impairment of ${other} stops writes in ${primary}, and major version upgrades are refused while it is set`,
      `set objectives.acceptRpoGuardWriteStalls: true to accept that (an alarm warns at ${Math.round(AWS_FIGURES.rpoLagAlarmShare * 100)}% of the bound), add a third region (Aurora then waits only while every secondary lags), or declare an rpo below ${formatDuration(AWS_FIGURES.globalDbRpoMinSeconds)} so it is a target the runbook reports, not a bound Aurora enforces`,
      enforced);
  }
  const lag = ctx.raw.replication?.lagAlarm;
  if (lag !== undefined && lag <= 0) {
    ctx.error(['replication', 'lagAlarm'], `replication.lagAlarm ${formatDuration(lag)} would alarm all the time`, 'set replication.lagAlarm above 0, at or below objectives.rpo', lag);
  } else if (o?.rpo !== undefined && o.rpo > 0 && (lag ?? AWS_FIGURES.lagAlarmSeconds) > o.rpo && facts.regions.length > 1) {
    const value = lag ?? AWS_FIGURES.lagAlarmSeconds;
    ctx.warning(lag === undefined ? ['replication'] : ['replication', 'lagAlarm'],
      `replication.lagAlarm ${formatDuration(value)}${lag === undefined ? ' (the default)' : ''} is above objectives.rpo ${formatDuration(o.rpo)}: the lag alarm fires only after the objective is already missed`,
      `set replication.lagAlarm to ${formatDuration(o.rpo)} or less`, value);
  }
  const retention = ctx.raw.database?.backupRetention;
  if (retention !== undefined && ctx.cloud) {
    const words = { instanceCount: 'database.instances', singleInstanceOptIn: 'database.singleInstance', backupRetention: 'database.backupRetention', days: (n: number) => `${n}d`,
      pointInTimeRecovery: 'database.pointInTimeRecovery', deletionProtection: 'database.deletionProtection', removal: 'database.removal', dataLossOptIn: 'database.allowDataLoss', storageEncrypted: 'database.storageEncrypted' };
    // Everything but the retention is fixed on (the file cannot weaken it), so only the retention can fail here.
    const problems = validateHardening({
      instanceCount: 2, singleInstanceAllowed: false, backupRetentionDays: retention / 86400, pointInTimeRecovery: true,
      deletionProtection: true, deletesDataOnRemoval: false, dataLossOnDeleteAllowed: false, storageEncrypted: true,
    }, phase, profileOf(ctx.cloud), words);
    for (const p of problems) ctx.error(['database', 'backupRetention'], p.message.replace(/^database\.backupRetention [\d.]+ days?/, `database.backupRetention ${formatDuration(retention)}`), p.fix, retention);
  }
}

/** The database identifier: room for the names the clouds derive from it. */
export function checkDatabaseId(ctx: RuleContext, facts: RegionFacts): void {
  const id = ctx.raw.database?.id ?? ctx.raw.name;
  if (id === undefined || ctx.cloud !== 'gcp' || ctx.failed('database.id') || ctx.failed('name')) return;
  const longest = facts.regions.filter((r) => r.role !== 'primary').map((r) => r.name).sort((a, b) => b.length - a.length)[0];
  if (longest && id.length + 1 + longest.length > GCP_FIGURES.maxInstanceName) {
    const path = ctx.raw.database?.id !== undefined ? ['database', 'id'] : ['name'];
    ctx.error(path, `${path.join('.')} ${show(id)} leaves no room for the replica names: '${id}-${longest}' has ${id.length + 1 + longest.length} characters, more than the ${GCP_FIGURES.maxInstanceName} ${CLOUD_NAMES.gcp} instance names may have here`,
      `shorten it to ${GCP_FIGURES.maxInstanceName - 1 - longest.length} characters or fewer${path[0] === 'name' ? ' (or set a shorter database.id)' : ''}`, id);
  }
}
