/**
 * The evolution ladder: the five steps by which a service grows from one
 * region to many. Each phase declares what it requires; `spec.ts` enforces it.
 */

/** A phase of the evolution ladder. */
export type Phase = 1 | 2 | 3 | 4 | 5;

/** All phases, in order. */
export const PHASES: readonly Phase[] = [1, 2, 3, 4, 5];

/** What a phase is and what a configuration must have to claim it. */
export interface PhaseDefinition {
  readonly phase: Phase;
  /** Short name, e.g. `harden one region`. */
  readonly name: string;
  /** What the phase protects against. */
  readonly protectsAgainst: string;
  /** What it does not protect against. */
  readonly doesNotProtectAgainst: string;
  /** Minimum database instances in the primary region (writer + readers in other zones). */
  readonly minPrimaryInstances: number;
  /** Minimum automated backup retention, in days. */
  readonly minBackupRetentionDays: number;
  /** Point-in-time recovery must be on. */
  readonly pointInTimeRecovery: boolean;
  /** Deletion protection must be on. */
  readonly deletionProtection: boolean;
  /** Minimum number of replica (secondary) regions. */
  readonly minReplicaRegions: number;
  /** A failover automation (runbook) is part of the phase. */
  readonly requiresFailoverAutomation: boolean;
  /** Reads are served from replica regions. */
  readonly servesReadsFromReplicas: boolean;
  /** Writes are accepted in more than one region. */
  readonly multiRegionWrites: boolean;
}

const hardened = {
  minPrimaryInstances: 2,
  minBackupRetentionDays: 7,
  pointInTimeRecovery: true,
  deletionProtection: true,
} as const;

/** The five phases and what each requires. */
export const LADDER: Readonly<Record<Phase, PhaseDefinition>> = {
  1: {
    phase: 1,
    name: 'harden one region',
    protectsAgainst: 'the loss of an instance or an availability zone; operator mistakes within the backup window',
    doesNotProtectAgainst: 'the loss of the whole region',
    ...hardened,
    minReplicaRegions: 0,
    requiresFailoverAutomation: false,
    servesReadsFromReplicas: false,
    multiRegionWrites: false,
  },
  2: {
    phase: 2,
    name: 'async replica in a second region',
    protectsAgainst: 'the loss of the primary region, with a manual promotion (RPO > 0)',
    doesNotProtectAgainst: 'the time a manual promotion takes; the writes not yet replicated',
    ...hardened,
    minReplicaRegions: 1,
    requiresFailoverAutomation: false,
    servesReadsFromReplicas: false,
    multiRegionWrites: false,
  },
  3: {
    phase: 3,
    name: 'active-passive with a tested failover',
    protectsAgainst: 'the loss of the primary region, with an automated, drilled switchover or failover',
    doesNotProtectAgainst: 'read latency for users far from the primary',
    ...hardened,
    minReplicaRegions: 1,
    requiresFailoverAutomation: true,
    servesReadsFromReplicas: false,
    multiRegionWrites: false,
  },
  4: {
    phase: 4,
    name: 'reads from several regions, writes to one primary',
    protectsAgainst: 'read latency and read capacity limits; the loss of any region for reads',
    doesNotProtectAgainst: 'write latency for users far from the primary; stale reads within the replication lag',
    ...hardened,
    minReplicaRegions: 1,
    requiresFailoverAutomation: true,
    servesReadsFromReplicas: true,
    multiRegionWrites: false,
  },
  5: {
    phase: 5,
    name: 'active-active or geo-partitioned writes',
    protectsAgainst: 'write latency; the loss of any one region for writes',
    doesNotProtectAgainst: 'conflicting concurrent writes unless the data model resolves them',
    ...hardened,
    minReplicaRegions: 1,
    requiresFailoverAutomation: true,
    servesReadsFromReplicas: true,
    multiRegionWrites: true,
  },
};

/** True when `value` is a phase of the ladder. */
export function isPhase(value: unknown): value is Phase {
  return typeof value === 'number' && (PHASES as readonly number[]).includes(value);
}
