/**
 * What losing each region does to a single-writer deployment (phases 1–4):
 * the single-writer counterpart of lib/core/partitions.ts `blastRadius`
 * (phase 5), from the roles, the phase and the failover settings.
 */
import { formatSeconds, LADDER } from '../core';
import { enforcedRpoSeconds } from './recovery';
import { DeploymentConfig } from './types';

/** One region's loss. */
export interface SingleWriterLoss {
  readonly region: string;
  readonly role: string;
  /** What happens to writes. */
  readonly writes: string;
  /** What happens to reads. */
  readonly reads: string;
  /** What happens to data and to the next failure. */
  readonly data: string;
}

/**
 * For each region: its loss. `failoverSeconds` is the estimated failover
 * RTO (phase 3 on) or manual promotion (phase 2), `lowerBound` when it is a
 * lower bound (Google Cloud), `rpo` how much the failover loses.
 */
export function singleWriterBlastRadius(c: DeploymentConfig, failover?: { readonly seconds: number; readonly lowerBound: boolean; readonly rpo: string }): SingleWriterLoss[] {
  const phase = c.phase;
  const readRoute = LADDER[phase].servesReadsFromReplicas && c.routing !== undefined;
  const took = failover ? `${failover.lowerBound ? 'at least ' : 'about '}${formatSeconds(failover.seconds)}${failover.lowerBound ? ' plus the promotion' : ''}` : '';
  const who = c.failover.decision === 'automatic' && c.failover.allowDataLoss ? 'the detection alarm starts the failover' : 'a person decides to fail over';
  const others = (region: string) => c.readRegions.filter((r) => r !== region);
  return c.regions.map((r) => {
    if (r.role === 'primary') {
      if (phase === 1) {
        return { region: r.name, role: r.role, writes: 'stop until the region returns', reads: 'stop until the region returns', data: 'no copy outside the region (phase 1 protects against an instance or zone, not the region)' };
      }
      const standby = c.standbyRegion ?? c.replicaRegions[0];
      const writes = phase === 2
        ? `stop until a person promotes ${standby} (${took}) and re-points the applications by hand`
        : `stop; ${who}, the database fails over to ${standby} and the write route follows (${took})`;
      const reads = readRoute && others(r.name).length > 0
        ? `continue from ${others(r.name).join(', ')} (the read route drops ${r.name})`
        : `stop with the writes, then go to ${standby}`;
      return { region: r.name, role: r.role, writes, reads, data: `the writes not yet replicated are lost (${failover?.rpo ?? 'up to the replication lag'})` };
    }
    const readers = readRoute && c.readRegions.includes(r.name);
    const reads = readers ? `its readers leave the read route; ${others(r.name).join(', ')} serve the reads` : 'unaffected (it serves no reads)';
    if (r.name === c.standbyRegion && phase >= 3) {
      const next = c.regions.find((x) => x.name !== r.name && x.role !== 'primary' && x.hasInstances)?.name;
      const bound = enforcedRpoSeconds({ cloud: c.cloud, phase, engine: c.database.engine, rpoSeconds: c.objectives.rpoSeconds });
      const stall = bound !== undefined && c.replicaRegions.length === 1;
      return {
        region: r.name, role: r.role,
        writes: stall ? `stall: commits in the primary wait for the only secondary (rds.global_db_rpo ${bound} s) until it returns` : 'continue in the primary',
        reads,
        data: `the failover target is lost: until it returns, losing the primary too needs ${next ? `${next} promoted by hand` : 'a restore from backups'}`,
      };
    }
    return {
      region: r.name, role: r.role,
      writes: 'continue in the primary',
      reads: r.role === 'headless' ? 'unaffected (headless: no readers)' : reads,
      data: 'one copy fewer; nothing to fail over',
    };
  });
}
