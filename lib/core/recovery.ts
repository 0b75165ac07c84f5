/**
 * Recovery objectives: an estimate of RTO and RPO from the settings of a
 * deployment, and the check of declared objectives against it.
 *
 * The arithmetic is cloud-neutral. Each cloud supplies its own figures
 * (promotion time, replication lag, with the documentation they come from)
 * and the words its users see ({@link RecoveryVocabulary}), so a message names
 * the user's own property: `healthCheckInterval` on AWS, `checkIntervalSec`
 * on Google Cloud.
 *
 *   RTO = detection (check interval × failure threshold)
 *       + decision (the alarm's evaluation when automated, the operator's time otherwise)
 *       + promotion (the cloud's figure for switchover or failover)
 *       + traffic shift (the time the routing layer takes to act on the change)
 *       + DNS TTL (clients holding the old answer)
 *
 *   RPO = 0 for a switchover (the replica is synchronised first);
 *         the replication lag for a failover, or the managed bound when the
 *         cloud can enforce one (Aurora PostgreSQL `rds.global_db_rpo`).
 */
import { ConfigProblem, show } from './errors';
import { RecoveryObjectives } from './spec';

/** How a failure is detected: a health check polled at an interval. */
export interface DetectionSettings {
  /** Seconds between two checks. */
  readonly intervalSeconds: number;
  /** Consecutive failed checks before the target is unhealthy. */
  readonly failureThreshold: number;
}

/** A duration the cloud supplies, with where the figure comes from. */
export interface SourcedDuration {
  /** Seconds. */
  readonly seconds: number;
  /** What the figure is, in a few words (shown in timelines). */
  readonly description: string;
  /** Documentation URL the figure comes from. */
  readonly source: string;
}

/** Replication facts the cloud supplies. */
export interface ReplicationFigures {
  /** Typical replication lag, seconds (the expected RPO of a failover). */
  readonly typicalLagSeconds: number;
  /** Where the figure comes from. */
  readonly source: string;
  /**
   * A lag the database enforces (writes wait when replicas fall further
   * behind), seconds.
   * @default - none: the RPO of a failover is not bounded
   */
  readonly enforcedBoundSeconds?: number;
  /**
   * Smallest bound the database can enforce, seconds.
   * @default - the database cannot enforce a bound
   */
  readonly minimumEnforceableSeconds?: number;
}

/** Everything the estimate needs. */
export interface RecoveryInputs {
  /** How the failure of the primary is detected (the write route's health check). */
  readonly detection: DetectionSettings;
  /**
   * Time between detection and the start of the recovery: the alarm's
   * evaluation when an alarm starts it, the on-call response time when a
   * person does.
   * @default 0
   */
  readonly decisionSeconds?: number;
  /**
   * What the decision stretch is, for the timeline, e.g. `a person decides
   * to fail over (assumed 10 min)`.
   * @default 'decision to fail over'
   */
  readonly decisionLabel?: string;
  /** Promotion by switchover (planned, no data loss). */
  readonly switchover: SourcedDuration;
  /** Promotion by failover (unplanned, data loss up to the lag). */
  readonly failover: SourcedDuration;
  /**
   * Time the routing layer takes to act once the runbook flips traffic
   * (e.g. a health check turning unhealthy: its interval × threshold).
   * @default 0
   */
  readonly trafficShift?: SourcedDuration;
  /** TTL of the DNS answer clients cache, seconds. */
  readonly dnsTtlSeconds: number;
  /** Replication facts. */
  readonly replication: ReplicationFigures;
}

/** One stretch of the recovery timeline. */
export interface TimelineEntry {
  /** Short name: detection, decision, promotion, traffic shift, DNS TTL. */
  readonly phase: 'detection' | 'decision' | 'promotion' | 'traffic-shift' | 'dns';
  /** What happens. */
  readonly label: string;
  /** Seconds from the failure to the start of this stretch. */
  readonly startSeconds: number;
  /** Length of this stretch, seconds. */
  readonly durationSeconds: number;
  /** Where the figure comes from, when it is not the user's own setting. */
  readonly source?: string;
}

/** An estimate for one kind of recovery. */
export interface RecoveryEstimate {
  readonly kind: 'switchover' | 'failover';
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  /** How the RPO was derived. */
  readonly rpoBasis: string;
  readonly timeline: readonly TimelineEntry[];
}

/** Estimates for both kinds of recovery. */
export interface RecoveryEstimates {
  readonly switchover: RecoveryEstimate;
  readonly failover: RecoveryEstimate;
}

/** Estimates RTO and RPO for a switchover and for a failover. */
export function estimateRecovery(inputs: RecoveryInputs): RecoveryEstimates {
  return {
    switchover: estimateOne(inputs, 'switchover'),
    failover: estimateOne(inputs, 'failover'),
  };
}

function estimateOne(inputs: RecoveryInputs, kind: 'switchover' | 'failover'): RecoveryEstimate {
  const timeline: TimelineEntry[] = [];
  let t = 0;
  const add = (phase: TimelineEntry['phase'], label: string, seconds: number, source?: string) => {
    if (seconds <= 0 && phase !== 'promotion') return;
    timeline.push({ phase, label, startSeconds: t, durationSeconds: seconds, source });
    t += seconds;
  };
  if (kind === 'failover') {
    const d = inputs.detection;
    add('detection', `health check fails ${d.failureThreshold} times, ${d.intervalSeconds} s apart`, d.intervalSeconds * d.failureThreshold);
    add('decision', inputs.decisionLabel ?? 'decision to fail over', inputs.decisionSeconds ?? 0);
  }
  const promotion = kind === 'switchover' ? inputs.switchover : inputs.failover;
  add('promotion', promotion.description, promotion.seconds, promotion.source);
  if (inputs.trafficShift) add('traffic-shift', inputs.trafficShift.description, inputs.trafficShift.seconds, inputs.trafficShift.source);
  add('dns', `clients drop cached answers (TTL ${inputs.dnsTtlSeconds} s)`, inputs.dnsTtlSeconds);

  const r = inputs.replication;
  let rpoSeconds = 0;
  let rpoBasis = 'switchover synchronises the target before promoting it: no data loss';
  if (kind === 'failover') {
    if (r.enforcedBoundSeconds !== undefined) {
      rpoSeconds = r.enforcedBoundSeconds;
      rpoBasis = `bounded by the database: writes wait when replication lags more than ${r.enforcedBoundSeconds} s`;
    } else {
      rpoSeconds = r.typicalLagSeconds;
      rpoBasis = `typical replication lag (${r.source}); not enforced, so a lagging replica loses more`;
    }
  }
  return { kind, rtoSeconds: t, rpoSeconds, rpoBasis, timeline };
}

/** The names of the settings a user changes, in the cloud's own words. */
export interface RecoveryVocabulary {
  /** The health-check interval property, e.g. `healthCheck.interval`. */
  readonly interval: string;
  /** Renders an interval value, e.g. `Duration.seconds(10)`. */
  readonly intervalValue: (seconds: number) => string;
  /** Intervals the cloud allows, ascending. */
  readonly allowedIntervals: readonly number[];
  /** The failure-threshold property. */
  readonly failureThreshold: string;
  /** Lowest failure threshold the cloud allows. */
  readonly minFailureThreshold: number;
  /** The DNS TTL property. */
  readonly dnsTtl: string;
  /** Renders a TTL value. */
  readonly ttlValue: (seconds: number) => string;
  /** Lowest TTL worth suggesting. */
  readonly minTtlSeconds: number;
  /** How to get a bounded RPO, when the cloud can enforce one, e.g. `set recoveryObjectives.rpoSeconds to 20 or more (rds.global_db_rpo)`. */
  readonly enforceRpo?: string;
  /**
   * How to shorten the decision stretch to `seconds` (lower the assumed
   * human decision time, or let an alarm decide).
   * @default - the decision time is not suggested as a fix
   */
  readonly decisionFix?: (seconds: number) => string;
  /**
   * Shortest decision stretch the cloud's automation achieves, seconds (what
   * {@link decisionFix} can bring the decision down to).
   * @default 0
   */
  readonly minDecisionSeconds?: number;
  /**
   * The names of the declared objectives, for a description other than the
   * constructs' props (a configuration file's `objectives.rto`).
   * @default { rto: 'recoveryObjectives.rtoSeconds', rpo: 'recoveryObjectives.rpoSeconds' }
   */
  readonly objectiveNames?: { readonly rto: string; readonly rpo: string };
  /**
   * Renders an objective's value the way the user writes it, e.g. `30s`.
   * @default - the number of seconds
   */
  readonly objectiveValue?: (seconds: number) => string;
}

/**
 * Checks declared objectives against the failover estimate (the worst case).
 * Problems name the setting to change and the value that would meet the
 * objective, or say that no setting can.
 */
export function checkObjectives(
  objectives: RecoveryObjectives | undefined,
  inputs: RecoveryInputs,
  words: RecoveryVocabulary,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!objectives) return problems;
  const estimate = estimateRecovery(inputs).failover;
  const names = words.objectiveNames ?? { rto: 'recoveryObjectives.rtoSeconds', rpo: 'recoveryObjectives.rpoSeconds' };
  const v = words.objectiveValue ?? ((seconds: number) => String(seconds));
  const rto = objectives.rtoSeconds;
  if (rto !== undefined && Number.isFinite(rto) && estimate.rtoSeconds > rto) {
    const parts = estimate.timeline.map((e) => `${e.phase} ${e.durationSeconds} s`).join(' + ');
    const fixes: string[] = [];
    let best = estimate.rtoSeconds;
    const d = inputs.detection;
    const minInterval = words.allowedIntervals[0];
    if (minInterval !== undefined && d.intervalSeconds > minInterval) {
      fixes.push(`set ${words.interval} to ${words.intervalValue(minInterval)}`);
      best -= (d.intervalSeconds - minInterval) * d.failureThreshold;
    }
    const interval = Math.min(d.intervalSeconds, minInterval ?? d.intervalSeconds);
    if (d.failureThreshold > words.minFailureThreshold) {
      const needed = Math.max(words.minFailureThreshold, d.failureThreshold - Math.ceil((best - rto) / interval));
      fixes.push(`lower ${words.failureThreshold} to ${needed}`);
      best -= (d.failureThreshold - needed) * interval;
    }
    const decision = inputs.decisionSeconds ?? 0;
    const minDecision = words.minDecisionSeconds ?? 0;
    if (best > rto && words.decisionFix && decision > minDecision) {
      const needed = Math.max(minDecision, decision - (best - rto));
      fixes.push(words.decisionFix(needed));
      best -= decision - needed;
    }
    if (best > rto && inputs.dnsTtlSeconds > words.minTtlSeconds) {
      const ttl = Math.max(words.minTtlSeconds, inputs.dnsTtlSeconds - (best - rto));
      fixes.push(`lower ${words.dnsTtl} to ${words.ttlValue(ttl)}`);
      best -= inputs.dnsTtlSeconds - ttl;
    }
    const fix = best <= rto
      ? `${fixes.join(', and ')}, or raise ${names.rto} to ${v(estimate.rtoSeconds)}`
      : `no setting brings the estimate under ${rto} s (the fastest configuration gives about ${best} s); raise ${names.rto} to ${v(best)} or more`;
    problems.push({
      property: names.rto,
      message: `${names.rto} ${v(rto)} is below the estimated failover RTO of ${estimate.rtoSeconds} s (${parts})`,
      fix,
    });
  }
  const rpo = objectives.rpoSeconds;
  if (rpo !== undefined && Number.isFinite(rpo)) {
    const r = inputs.replication;
    if (rpo < r.typicalLagSeconds) {
      problems.push({
        property: names.rpo,
        message: `${names.rpo} ${v(rpo)} is below the typical replication lag of ${r.typicalLagSeconds} s (${r.source}): replication is asynchronous, so an unplanned failover loses recent writes`,
        fix: `raise ${names.rpo} to ${v(r.typicalLagSeconds)} or more (only a planned switchover has RPO 0)`,
      });
    } else if (r.enforcedBoundSeconds !== undefined && r.enforcedBoundSeconds > rpo) {
      problems.push({
        property: names.rpo,
        message: `${names.rpo} ${v(rpo)} is below the enforced replication bound of ${r.enforcedBoundSeconds} s`,
        fix: words.enforceRpo ?? `raise ${names.rpo} to ${v(r.enforcedBoundSeconds)}`,
      });
    }
  }
  return problems;
}

/** Notes about objectives the estimate meets only typically (no hard guarantee). */
export function objectiveNotes(objectives: RecoveryObjectives | undefined, inputs: RecoveryInputs): string[] {
  const notes: string[] = [];
  const rpo = objectives?.rpoSeconds;
  if (rpo !== undefined && inputs.replication.enforcedBoundSeconds === undefined) {
    notes.push(`The declared RPO of ${rpo} s is met only while replication lag stays below it: the database does not enforce it. Alarm on the lag.`);
  }
  return notes;
}

/** Formats seconds as `45 s`, `2 min 30 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** Renders an estimate as a Markdown table plus a one-line bar. */
export function renderTimelineMarkdown(estimate: RecoveryEstimate): string {
  const rows = estimate.timeline.map((e) =>
    `| ${formatSeconds(e.startSeconds)} | ${formatSeconds(e.durationSeconds)} | ${e.phase} | ${e.label}${e.source ? ` ([source](${e.source}))` : ''} |`);
  const scale = Math.max(1, estimate.rtoSeconds / 40);
  const bar = estimate.timeline.map((e) => {
    const width = Math.max(1, Math.round(e.durationSeconds / scale));
    return `${e.phase}:${'#'.repeat(width)}`;
  }).join(' ');
  return [
    `**${estimate.kind}**: RTO about ${formatSeconds(estimate.rtoSeconds)}, RPO ${estimate.rpoSeconds === 0 ? '0' : `about ${formatSeconds(estimate.rpoSeconds)}`} (${estimate.rpoBasis}).`,
    '',
    '| starts at | lasts | stretch | what happens |',
    '|---|---|---|---|',
    ...rows,
    '',
    '```text',
    `0 s ${bar} ${formatSeconds(estimate.rtoSeconds)}`,
    '```',
  ].join('\n');
}

/** Validates detection settings shared by every cloud (positive numbers). */
export function checkDetection(d: DetectionSettings, words: RecoveryVocabulary): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!words.allowedIntervals.includes(d.intervalSeconds)) {
    problems.push({
      property: words.interval,
      message: `${words.interval} ${show(d.intervalSeconds)} s is not an interval the health checker supports`,
      fix: `set ${words.interval} to ${words.allowedIntervals.map(words.intervalValue).join(' or ')}`,
    });
  }
  return problems;
}
