/**
 * `rds.global_db_rpo`: what it costs, and the alarm that warns before it
 * stops writes.
 *
 * Set on the primary's cluster parameter group, it makes Aurora PostgreSQL
 * hold commits on the primary while every secondary's RPO lag is above the
 * bound ("managing RPOs",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery).
 * With one secondary region, any impairment of that region — its storage
 * falling behind, a network partition, a regional event — therefore stops
 * writes in the primary; and a major version upgrade of the global database
 * is refused while the parameter is set
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-upgrade.html).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ConfigProblem } from '../../core';
import type { RegionDatabase } from './region-databases';

/** The RPO lag alarm fires at this share of the enforced bound. */
export const RPO_LAG_ALARM_SHARE = 0.8;

/** Deterministic name of a secondary's RPO lag alarm. */
export function rpoLagAlarmName(clusterIdentifier: string): string {
  return `${clusterIdentifier}-rpo-lag`;
}

/** Refuses an enforced RPO with a single secondary region unless the user accepted the write stalls. */
export function checkRpoGuard(o: {
  readonly enforcedRpoSeconds?: number;
  readonly primaryRegion: string;
  readonly replicaRegions: readonly string[];
  readonly accepted: boolean;
}): ConfigProblem[] {
  if (o.enforcedRpoSeconds === undefined || o.replicaRegions.length !== 1 || o.accepted) return [];
  const s = o.replicaRegions[0];
  return [{
    property: 'recoveryObjectives.rpoSeconds',
    message: `recoveryObjectives.rpoSeconds ${o.enforcedRpoSeconds} sets rds.global_db_rpo on the primary, so commits in ${o.primaryRegion} wait whenever the only secondary (${s}) lags more than ${o.enforcedRpoSeconds} s: any impairment of ${s} stops writes in ${o.primaryRegion}, and major version upgrades are refused while it is set`,
    fix: `set acceptRpoGuardWriteStalls: true to accept that (an alarm warns at ${Math.round(RPO_LAG_ALARM_SHARE * 100)}% of the bound), add a second replica region (Aurora then waits only while every secondary lags), or declare rpoSeconds below 20 so it is a target the runbook reports, not a bound Aurora enforces`,
  }];
}

/**
 * An alarm in each region that can be a secondary — every region, the
 * origin too, which is a secondary after a switchover or failover — when its
 * `AuroraGlobalDBRPOLag` (published in the secondary's own region) reaches
 * {@link RPO_LAG_ALARM_SHARE} of the enforced bound: 2 of 3 one-minute
 * maxima, missing data not breaching (the region that writes publishes none).
 */
export function createRpoLagAlarms(regions: readonly RegionDatabase[], enforcedRpoSeconds: number): Record<string, cloudwatch.Alarm> {
  const alarms: Record<string, cloudwatch.Alarm> = {};
  for (const r of regions) {
    alarms[r.region] = r.metricRpoLag().createAlarm(r.scope, 'RpoLagAlarm', {
      alarmName: rpoLagAlarmName(r.clusterIdentifier),
      alarmDescription: `AuroraGlobalDBRPOLag of ${r.clusterIdentifier} is at ${Math.round(RPO_LAG_ALARM_SHARE * 100)}% of rds.global_db_rpo (${enforcedRpoSeconds} s): commits on the writer stall when every secondary passes the bound`,
      threshold: Math.round(RPO_LAG_ALARM_SHARE * enforcedRpoSeconds * 1000),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
  return alarms;
}
