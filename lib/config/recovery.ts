/**
 * The recovery estimate of a configuration file, from the same arithmetic
 * the constructs use (lib/core/recovery.ts) and the cloud figures of
 * figures.ts. On AWS it is the estimate the FailoverRunbook checks at synth;
 * on Google Cloud, where Google publishes no promotion time, it is a lower
 * bound: detection, decision and DNS TTL, plus a promotion to measure.
 */
import { formatSeconds, RecoveryInputs, RecoveryVocabulary, TimelineEntry, estimateRecovery } from '../core';
import { formatDuration } from './duration';
import { AURORA_DR_DOC, AWS_FIGURES, Cloud, CLOUD_SQL_DR_DOC } from './figures';

/** What the estimate needs from a configuration. */
export interface RecoverySettings {
  readonly cloud: Cloud;
  /** 2: a person promotes, no route; 3+: health-checked routes and failover automation. */
  readonly phase: number;
  readonly engine: 'postgresql' | 'mysql';
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly ttlSeconds: number;
  readonly decision: 'manual' | 'automatic';
  readonly decisionTimeSeconds: number;
  readonly allowDataLoss: boolean;
  readonly rpoSeconds?: number;
}

/** The decision stretch of a failover, as lib/aws/private/decision.ts resolves it. */
export function decisionStretch(s: Pick<RecoverySettings, 'decision' | 'decisionTimeSeconds' | 'allowDataLoss'>): { seconds: number; label: string } {
  const human = s.decisionTimeSeconds;
  if (s.decision === 'automatic' && s.allowDataLoss) {
    return { seconds: AWS_FIGURES.automaticDecisionSeconds, label: `the detection alarm starts the failover (one 60 s period on the primary endpoint's health check)` };
  }
  return {
    seconds: human,
    label: s.decision === 'automatic'
      ? `a person decides to fail over (assumed ${formatSeconds(human)}, failover.decisionTime): the automation only switches over without failover.allowDataLoss`
      : `a person decides to fail over (assumed ${formatSeconds(human)}, failover.decisionTime)`,
  };
}

/** Phase 2: no health check and no automation; a person notices, decides and promotes. */
function manualPromotion(seconds: number): { seconds: number; label: string } {
  return { seconds, label: `a person notices, decides and promotes by hand (assumed ${formatSeconds(seconds)}, failover.decisionTime)` };
}

/** The bound `rds.global_db_rpo` enforces, seconds: Aurora PostgreSQL with a declared RPO of 20 s or more (phase 3 on). */
export function enforcedRpoSeconds(s: Pick<RecoverySettings, 'cloud' | 'phase' | 'engine' | 'rpoSeconds'>): number | undefined {
  if (s.cloud !== 'aws' || s.phase < 3 || s.engine !== 'postgresql' || s.rpoSeconds === undefined) return undefined;
  if (s.rpoSeconds < AWS_FIGURES.globalDbRpoMinSeconds) return undefined;
  return Math.min(Math.floor(s.rpoSeconds), AWS_FIGURES.globalDbRpoMaxSeconds);
}

/** AWS recovery inputs, as lib/aws/private/aws-recovery.ts `awsRecoveryInputs` builds them for the FailoverRunbook. */
export function awsInputs(s: RecoverySettings): RecoveryInputs {
  const routed = s.phase >= 3;
  const decision = routed ? decisionStretch(s) : manualPromotion(s.decisionTimeSeconds);
  return {
    detection: routed ? { intervalSeconds: s.intervalSeconds, failureThreshold: s.failureThreshold } : { intervalSeconds: 0, failureThreshold: 0 },
    decisionSeconds: decision.seconds,
    decisionLabel: decision.label,
    switchover: AWS_FIGURES.switchover,
    failover: AWS_FIGURES.failover,
    ...(routed ? { trafficShift: AWS_FIGURES.trafficShift } : {}),
    dnsTtlSeconds: routed ? s.ttlSeconds : 0,
    replication: {
      typicalLagSeconds: AWS_FIGURES.typicalLagSeconds,
      source: AURORA_DR_DOC,
      enforcedBoundSeconds: enforcedRpoSeconds(s),
      minimumEnforceableSeconds: s.engine === 'postgresql' ? AWS_FIGURES.globalDbRpoMinSeconds : undefined,
    },
  };
}

/** How the file names the settings an AWS estimate depends on (checkObjectives' vocabulary). */
export const AWS_FILE_WORDS: RecoveryVocabulary = {
  interval: 'routing.healthCheck.interval',
  intervalValue: formatDuration,
  allowedIntervals: AWS_FIGURES.healthCheckIntervals,
  failureThreshold: 'routing.healthCheck.failureThreshold',
  minFailureThreshold: 1,
  dnsTtl: 'routing.ttl',
  ttlValue: formatDuration,
  minTtlSeconds: AWS_FIGURES.minTtlSeconds,
  enforceRpo: `on PostgreSQL set objectives.rpo to ${formatDuration(AWS_FIGURES.globalDbRpoMinSeconds)} or more so rds.global_db_rpo enforces it`,
  decisionFix: (s) => `lower failover.decisionTime to ${formatDuration(s)} if your on-call reliably decides that fast, or set failover.decision: automatic with failover.allowDataLoss: true (the alarm decides in ${AWS_FIGURES.automaticDecisionSeconds} s)`,
  minDecisionSeconds: AWS_FIGURES.automaticDecisionSeconds,
  objectiveNames: { rto: 'objectives.rto', rpo: 'objectives.rpo' },
  objectiveValue: formatDuration,
};

/** One procedure's estimate, as `plan` shows it. */
export interface ProcedureEstimate {
  readonly procedure: 'switchover' | 'failover';
  /** What the procedure is for. */
  readonly title: string;
  readonly rtoSeconds: number;
  /** True when a stretch has no figure (Google Cloud's promotion): the RTO is at least this. */
  readonly rtoIsLowerBound: boolean;
  /** Seconds of writes lost, when there is a figure. @default - no figure */
  readonly rpoSeconds?: number;
  /** How the RPO comes about. */
  readonly rpo: string;
  readonly timeline: readonly TimelineEntry[];
}

/** The switchover and failover estimates of a multi-region configuration (phase 2 on). */
export function estimateProcedures(s: RecoverySettings): ProcedureEstimate[] {
  if (s.cloud === 'aws') {
    const e = estimateRecovery(awsInputs(s));
    const procedures: ProcedureEstimate[] = [];
    if (s.phase >= 3) {
      procedures.push({ procedure: 'switchover', title: 'planned switchover (both regions up)', rtoSeconds: e.switchover.rtoSeconds, rtoIsLowerBound: false, rpoSeconds: 0, rpo: e.switchover.rpoBasis, timeline: e.switchover.timeline });
    }
    procedures.push({
      procedure: 'failover',
      title: s.phase >= 3 ? 'unplanned failover (the primary region is lost)' : 'manual promotion (the primary region is lost; applications are re-pointed by hand, not counted)',
      rtoSeconds: e.failover.rtoSeconds, rtoIsLowerBound: false, rpoSeconds: e.failover.rpoSeconds, rpo: e.failover.rpoBasis, timeline: e.failover.timeline,
    });
    return procedures;
  }
  return gcpBounds(s);
}

/** Google Cloud: what is known (detection, decision, TTL), the promotion as a stretch to measure. */
function gcpBounds(s: RecoverySettings): ProcedureEstimate[] {
  const promotion = {
    seconds: 0,
    description: 'Cloud SQL promotes the replica and the workflow re-points the write record: Google publishes no duration ("minutes rather than hours"); measure it in a drill',
    source: CLOUD_SQL_DR_DOC,
  };
  const routed = s.phase >= 3;
  const decision = routed ? decisionStretch({ ...s, decision: 'manual' }) : manualPromotion(s.decisionTimeSeconds);
  const e = estimateRecovery({
    detection: routed ? { intervalSeconds: s.intervalSeconds, failureThreshold: s.failureThreshold } : { intervalSeconds: 0, failureThreshold: 0 },
    decisionSeconds: decision.seconds,
    decisionLabel: decision.label,
    switchover: { ...promotion, description: promotion.description.replace('promotes the replica', 'switches over to the DR replica (Enterprise Plus; otherwise writes stop and the replica is promoted once its lag is 0)') },
    failover: promotion,
    dnsTtlSeconds: routed ? s.ttlSeconds : 0,
    replication: { typicalLagSeconds: 0, source: CLOUD_SQL_DR_DOC },
  });
  const procedures: ProcedureEstimate[] = [];
  if (routed) {
    procedures.push({ procedure: 'switchover', title: 'planned switchover (both regions up)', rtoSeconds: e.switchover.rtoSeconds, rtoIsLowerBound: true, rpoSeconds: 0, rpo: 'the replica is synchronised before it is promoted: no data loss', timeline: e.switchover.timeline });
  }
  procedures.push({
    procedure: 'failover',
    title: routed ? 'unplanned failover (the primary region is lost)' : 'manual promotion (the primary region is lost; applications are re-pointed by hand, not counted)',
    rtoSeconds: e.failover.rtoSeconds,
    rtoIsLowerBound: true,
    rpo: 'the replication lag at the moment of the loss: Cloud SQL replication is asynchronous and Google publishes no typical lag; the lag alarm (replication.lagAlarm) says when it grows',
    timeline: e.failover.timeline,
  });
  return procedures;
}
