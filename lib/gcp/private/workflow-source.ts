/**
 * The Cloud Workflows definition of the failover runbook, as a plain object
 * (serialised to JSON, which Workflows accepts like YAML).
 *
 * Role-free: the workflow knows every instance of the deployment by region
 * and moves the writes to the `target` region of the execution argument
 * (default: the standby). The same definition fails over, and fails back
 * (target = the former primary's region, once it has rejoined as a replica).
 * A target that is already a primary is accepted as "already moved" only
 * when no other instance of the deployment is a writable primary: otherwise
 * there are two writers, and the workflow refuses and says what to do.
 * Whether a switchover is possible is read at run time from the target's
 * `replicationCluster.drReplica` (the designation is made by the primary's
 * stack once the replica exists).
 *
 * Order: move the writes (switchover or promotion), re-point the write record
 * and verify it (availability first), then make sure the new primary has
 * backups and point-in-time recovery with explicit, valid settings, and
 * verify them (hygiene second: a failure there no longer blocks traffic).
 *
 * Survives a bad minute: every idempotent call (GET, the DNS and instance
 * PATCHes, which send the same body every time) retries on 429, 502, 503, 504
 * and connection errors with exponential backoff ({@link IDEMPOTENT_RETRY});
 * the non-idempotent POSTs (switchover, promoteReplica) retry only when the
 * request cannot have been processed (429, 503, ConnectionFailedError:
 * {@link NON_IDEMPOTENT_RETRY}), and a re-run is safe because the workflow
 * checks state first: it waits for operations already running on the
 * replica, skips the move when the replica is already a primary, and treats
 * an uncertain outcome (409 another operation in progress, a 5xx, a dropped
 * connection, a timeout) as "wait, then look again" rather than posting blindly.
 *
 * Cloud SQL Admin API: instances.get / switchover / promoteReplica (`failover=true`
 * for an Enterprise Plus replica failover) / patch, operations.get / list —
 * https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances
 * Cloud DNS API: resourceRecordSets.get / patch —
 * https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets
 * Workflows syntax: try/retry/except and the default predicates
 * (https://cloud.google.com/workflows/docs/reference/syntax/retrying,
 * .../stdlib/http/default_retry_predicate, .../default_retry_predicate_non_idempotent);
 * switch conditions may hold `raise`/`return`/`next` directly
 * (https://cloud.google.com/workflows/docs/reference/syntax/conditions);
 * `map.get` with a list of keys is a nested lookup returning null when a key
 * is missing (.../stdlib/map/get); `map.merge` is in the standard library
 * since 2023-06-30 (https://cloud.google.com/workflows/docs/release-notes).
 */
import { EngineFamily } from '../../core';
import { armGuardSteps, fenceSteps, TWO_WRITERS } from './workflow-fence';
import { AUTH, IDEMPOTENT_RETRY, MAX_CONFLICTS, MAY_HAVE_MOVED, NON_IDEMPOTENT_RETRY, PROBE_RETRY, retried, subworkflows } from './workflow-parts';

export { escapeForTerraform, IDEMPOTENT_RETRY, NON_IDEMPOTENT_RETRY, PROBE_RETRY, retryWindowSeconds } from './workflow-parts';

/** One instance of the deployment, as the workflow sees it. */
export interface WorkflowInstance {
  readonly name: string;
  /** The Enterprise Plus DR replica: switchover and replica failover once designated (checked at run time). */
  readonly drCapable: boolean;
  /** Days of transaction logs it keeps once it is the primary. */
  readonly transactionLogRetentionDays: number;
  /** Automated backups it keeps once it is the primary; more than the days of logs. */
  readonly retainedBackups: number;
  /** Start of the daily backup window, `HH:MM` UTC. */
  readonly backupStartTime: string;
}

/** What the workflow needs to know, as plain values. */
export interface WorkflowFacts {
  readonly project: string;
  readonly engine: EngineFamily;
  /** The write region of the configuration. */
  readonly primaryRegion: string;
  /** The default target. */
  readonly standbyRegion: string;
  /** Every instance of the deployment, by region. */
  readonly instances: Readonly<Record<string, WorkflowInstance>>;
  /** The write record to re-point, when there is a router. */
  readonly dns?: {
    readonly managedZone: string;
    readonly name: string;
    readonly type: string;
    /** `external`: public endpoints (`externalEndpoints[0]`); `internal`: load balancers (`internalLoadBalancers[0].ipAddress`). */
    readonly kind: 'external' | 'internal';
    /** The primary-backup policy with each region as primary (Cloud DNS API form), by region. */
    readonly policies: Readonly<Record<string, Record<string, unknown>>>;
    /** The address of each region's endpoint (what the policy's primary target must be after the update). */
    readonly addresses: Readonly<Record<string, string>>;
  };
  /** Seconds between two polls of a Cloud SQL operation. */
  readonly pollSeconds: number;
  /** Polls before the workflow gives up. */
  readonly maxPolls: number;
  /** Polls of the fence operation before it counts as pending (the promotion does not wait longer). */
  readonly fenceMaxPolls: number;
}

/** The refusal message of an unplanned failover without the explicit argument. */
export const DATA_LOSS_REFUSAL =
  'refusing an unplanned failover: promoting the replica loses the writes it has not received yet; run again with {"mode": "failover", "acceptDataLoss": true} to accept that loss';

/** The expression that is true when the promoted instance has the backups and PITR its region must have (`facts`). */
function backupsInPlace(engine: EngineFamily): string {
  const get = (path: string[]) => `map.get(promoted.body, ${JSON.stringify(['settings', ...path])})`;
  const log = engine === 'mysql' ? 'binaryLogEnabled' : 'pointInTimeRecoveryEnabled';
  return [
    `default(${get(['backupConfiguration', 'enabled'])}, false) == true`,
    `default(${get(['backupConfiguration', log])}, false) == true`,
    `default(${get(['backupConfiguration', 'transactionLogRetentionDays'])}, 0) >= facts.logDays`,
    `default(${get(['backupConfiguration', 'backupRetentionSettings', 'retainedBackups'])}, 0) >= facts.retained`,
    `default(${get(['deletionProtectionEnabled'])}, false) == true`,
    `default(${get(['availabilityType'])}, "") == "REGIONAL"`,
  ].join(' and ');
}

const regionList = (f: WorkflowFacts) => Object.keys(f.instances).join(', ');

/** Builds the workflow definition. */
export function buildWorkflow(f: WorkflowFacts): Record<string, unknown> {
  const sqlApi = `https://sqladmin.googleapis.com/v1/projects/${f.project}`;
  const replicaUrl = '${sqlApi + "/instances/" + replica}';
  const regions = Object.fromEntries(Object.entries(f.instances).map(([region, i]) => [region, {
    name: i.name,
    dr: i.drCapable,
    defaultMode: i.drCapable ? 'switchover' : 'failover',
    logDays: i.transactionLogRetentionDays,
    retained: i.retainedBackups,
    startTime: i.backupStartTime,
    backupsText: `${i.retainedBackups} backups, ${i.transactionLogRetentionDays} days of logs`,
  }]));
  const steps: Record<string, unknown>[] = [
    {
      init: {
        assign: [
          { sqlApi },
          { project: f.project },
          { regions },
          { names: Object.values(f.instances).map((i) => i.name) },
          ...(f.dns ? [{ policies: f.dns.policies }, { addresses: f.dns.addresses }] : []),
          { target: `\${default(map.get(args, "target"), "${f.standbyRegion}")}` },
          { acceptDataLoss: '${default(map.get(args, "acceptDataLoss"), false)}' },
          { alreadyPrimary: false },
          { promotion: null },
          { conflicts: 0 },
          { former: '' },
          { fence: 'not-needed' },
          { guard: 'none' },
          { fenceMaxPolls: f.fenceMaxPolls },
        ],
      },
    },
    {
      checkTarget: {
        switch: [{
          condition: '${not (target in regions)}',
          raise: `\${"target " + target + " is not a region of this deployment (${regionList(f)}): the writes can only move to one of its instances"}`,
        }],
      },
    },
    { pick: { assign: [{ replica: '${regions[target].name}' }, { facts: '${regions[target]}' }, { mode: '${default(map.get(args, "mode"), regions[target].defaultMode)}' }] } },
    {
      checkArguments: {
        switch: [
          // No escaped quotes inside the expressions (a string + int/bool is an error:
          // https://cloud.google.com/workflows/docs/reference/syntax/datatypes).
          { condition: '${not (mode == "switchover" or mode == "failover")}', raise: '${"mode must be switchover or failover, not " + mode}' },
          {
            condition: '${mode == "switchover" and not facts.dr}',
            raise: '${"switchover needs an Enterprise Plus DR replica; " + replica + " can only be promoted (mode failover with acceptDataLoss true), after stopping writes and waiting for replica lag 0"}',
          },
          { condition: '${mode == "failover" and acceptDataLoss != true}', raise: DATA_LOSS_REFUSAL },
        ],
      },
    },
    // A re-run first lets the operations of an earlier run finish.
    { settleReplica: { call: 'waitForPendingOperations', args: { api: '${sqlApi}', instance: '${replica}' } } },
    { describeReplica: retried('http.get', { url: replicaUrl }, 'before') },
    { readDesignation: { assign: [{ drNow: '${default(map.get(before.body, ["replicationCluster", "drReplica"]), false) == true}' }] } },
    {
      checkReplica: {
        switch: [
          // A stopped (fenced) primary is a former writer, never the target of a move.
          {
            condition: '${before.body.instanceType == "CLOUD_SQL_INSTANCE" and default(map.get(before.body, ["settings", "activationPolicy"]), "ALWAYS") == "NEVER"}',
            raise: '${"refusing to fail back to " + replica + ": it is a fenced former primary (activation policy NEVER), not a replica of the writer. Export the writes only it has, rebuild it as a replica of the current writer (runbook: The lost region is back), then fail back"}',
          },
          // Already a primary: a re-run after a later step failed — unless another instance writes too.
          { condition: '${before.body.instanceType == "CLOUD_SQL_INSTANCE"}', next: 'checkOtherWriters' },
          {
            condition: '${before.body.instanceType != "READ_REPLICA_INSTANCE"}',
            raise: '${"instance " + replica + " is not a read replica (instanceType " + before.body.instanceType + "): nothing to promote"}',
          },
          {
            condition: '${mode == "switchover" and not drNow}',
            raise: '${"switchover needs the designated DR replica, but " + replica + " is not designated on its primary yet: apply the primary stack once more (its output DrReplicaDesignation says which apply is next), or stop writes, wait for replica lag 0 and run with mode failover and acceptDataLoss true"}',
          },
        ],
      },
    },
    ...fenceSteps(),
    {
      moveWrites: {
        try: {
          steps: [{
            byMode: {
              switch: [
                {
                  condition: '${mode == "switchover"}',
                  steps: [{ switchover: retried('http.post', { url: '${sqlApi + "/instances/" + replica + "/switchover"}' }, 'operation', NON_IDEMPOTENT_RETRY) }],
                },
                {
                  // A replica failover keeps the cluster and the write endpoint (designated DR replica only).
                  condition: '${drNow}',
                  steps: [{ replicaFailover: retried('http.post', { url: '${sqlApi + "/instances/" + replica + "/promoteReplica"}', query: { failover: 'true' } }, 'operation', NON_IDEMPOTENT_RETRY) }],
                },
                {
                  condition: true,
                  steps: [{ promote: retried('http.post', { url: '${sqlApi + "/instances/" + replica + "/promoteReplica"}', query: { failover: 'false' } }, 'operation', NON_IDEMPOTENT_RETRY) }],
                },
              ],
            },
          }],
        },
        except: {
          as: 'e',
          steps: [{
            conflict: {
              switch: [
                // 409 (an operation is already running, e.g. the move of an
                // earlier run), a 5xx or a lost connection (the request may
                // have been processed): wait for running operations, then
                // look at the replica again instead of posting blindly.
                { condition: `\${${MAY_HAVE_MOVED} and conflicts < ${MAX_CONFLICTS}}`, next: 'countConflict' },
                { condition: true, raise: '${e}' },
              ],
            },
          }],
        },
      },
    },
    { waitForPromotion: { call: 'waitForSqlOperation', args: { api: '${sqlApi}', name: '${operation.body.name}' }, result: 'promotion', next: 'repointWrites' } },
    { countConflict: { assign: [{ conflicts: '${conflicts + 1}' }], next: 'settleReplica' } },
    {
      // The target is a primary already. It is the writer only if no other
      // instance of the deployment is a writable primary; an unreachable one
      // (its region lost) does not count.
      checkOtherWriters: {
        for: {
          value: 'other',
          in: '${names}',
          steps: [{
            ifOther: {
              switch: [{
                condition: '${other != replica}',
                steps: [
                  {
                    probeOther: {
                      try: { call: 'http.get', args: { url: '${sqlApi + "/instances/" + other}', auth: AUTH }, result: 'seen' },
                      retry: PROBE_RETRY,
                      except: { as: 'e', steps: [{ unreachable: { assign: [{ seen: null }] } }] },
                    },
                  },
                  {
                    // Nested, not `seen != null and ...`: no reliance on short-circuit evaluation.
                    ifSeen: {
                      switch: [{
                        condition: '${seen != null}',
                        steps: [{
                          judgeOther: {
                            switch: [{
                              condition: '${seen.body.instanceType == "CLOUD_SQL_INSTANCE" and seen.body.state == "RUNNABLE" and default(map.get(seen.body, ["settings", "activationPolicy"]), "ALWAYS") != "NEVER"}',
                              raise: TWO_WRITERS,
                            }],
                          },
                        }],
                      }],
                    },
                  },
                ],
              }],
            },
          }],
        },
      },
    },
    { markAlreadyPrimary: { assign: [{ alreadyPrimary: true }] } },
    { repointWrites: { assign: [{ conflicts: 0 }] } },
  ];

  if (f.dns) {
    const rrset = `https://dns.googleapis.com/dns/v1/projects/${f.project}/managedZones/${f.dns.managedZone}/rrsets/${f.dns.name}/${f.dns.type}`;
    steps.push(
      { readWriteRecord: retried('http.get', { url: rrset }, 'record') },
      { newWritePolicy: { assign: [{ writePolicy: '${policies[target]}' }] } },
      {
        // Same body on every attempt and every run: idempotent.
        updateWriteRecord: retried('http.patch', {
          url: rrset,
          body: {
            name: f.dns.name,
            type: f.dns.type,
            ttl: '${record.body.ttl}',
            routingPolicy: '${map.merge(record.body.routingPolicy, writePolicy)}',
          },
        }, 'updated'),
      },
      { rereadWriteRecord: retried('http.get', { url: rrset }, 'check') },
      {
        // Compare the primary target's address, not the whole map: the API
        // adds `kind` fields (e.g. dns#rRSetRoutingPolicyLoadBalancerTarget)
        // (and may normalise URLs), so a map comparison can fail after a good update.
        verifyWriteRecord: {
          switch: [{
            condition: f.dns.kind === 'external'
              ? '${check.body.routingPolicy.primaryBackup.primaryTargets.externalEndpoints[0] != addresses[target]}'
              : '${check.body.routingPolicy.primaryBackup.primaryTargets.internalLoadBalancers[0].ipAddress != addresses[target]}',
            raise: '${"verification failed: the write record does not point at " + addresses[target] + " in " + target}',
          }],
        },
      },
    );
  }

  // Every path (promotion, switchover, replica failover, a re-run): the new
  // primary must take backups with PITR. A promoted replica has none; after a
  // switchover PITR must be turned on again by hand
  // (https://cloud.google.com/sql/docs/postgres/use-advanced-disaster-recovery).
  steps.push(
    ...armGuardSteps(f.project),
    { describePromoted: retried('http.get', { url: replicaUrl }, 'promoted') },
    {
      verifyPromoted: {
        switch: [{
          condition: '${promoted.body.instanceType != "CLOUD_SQL_INSTANCE" or promoted.body.state != "RUNNABLE"}',
          raise: '${"verification failed: " + replica + " is " + promoted.body.instanceType + " in state " + promoted.body.state}',
        }],
      },
    },
    { checkBackups: { switch: [{ condition: `\${${backupsInPlace(f.engine)}}`, next: 'done' }] } },
    {
      enableBackups: {
        try: {
          steps: [{
            patchBackups: retried('http.patch', {
              url: replicaUrl,
              body: {
                settings: {
                  availabilityType: 'REGIONAL',
                  deletionProtectionEnabled: true,
                  backupConfiguration: {
                    enabled: true,
                    startTime: '${facts.startTime}',
                    ...(f.engine === 'mysql' ? { binaryLogEnabled: true } : { pointInTimeRecoveryEnabled: true }),
                    transactionLogRetentionDays: '${facts.logDays}',
                    // Explicit, and more than the days of logs: Cloud SQL rejects fewer.
                    backupRetentionSettings: { retainedBackups: '${facts.retained}', retentionUnit: 'COUNT' },
                  },
                },
              },
            }, 'patch'),
          }],
        },
        except: {
          as: 'e',
          steps: [{
            patchConflict: {
              switch: [
                {
                  condition: `\${${MAY_HAVE_MOVED} and conflicts < ${MAX_CONFLICTS}}`,
                  steps: [
                    { waitPatch: { call: 'waitForPendingOperations', args: { api: '${sqlApi}', instance: '${replica}' } } },
                    { again: { assign: [{ conflicts: '${conflicts + 1}' }], next: 'describePromoted' } },
                  ],
                },
                { condition: true, raise: '${e}' },
              ],
            },
          }],
        },
      },
    },
    { waitForBackups: { call: 'waitForSqlOperation', args: { api: '${sqlApi}', name: '${patch.body.name}' } } },
    { redescribePromoted: retried('http.get', { url: replicaUrl }, 'promoted') },
    {
      verifyBackups: {
        switch: [{
          condition: `\${not (${backupsInPlace(f.engine)})}`,
          raise: '${"verification failed: backups or point-in-time recovery of " + replica + " are not as requested (" + facts.backupsText + "); check them with gcloud sql instances describe"}',
        }],
      },
    },
    {
      done: {
        return: {
          mode: '${mode}',
          target: '${target}',
          promoted: '${replica}',
          formerPrimary: '${default(map.get(before.body, "masterInstanceName"), "")}',
          alreadyPrimary: '${alreadyPrimary}',
          fence: { instance: '${former}', state: '${fence}' },
          splitBrainGuard: '${guard}',
          operation: '${default(map.get(promotion, "name"), "")}',
          writeRecord: f.dns ? f.dns.name : null,
        },
      },
    },
  );

  return { main: { params: ['args'], steps }, ...subworkflows(f) };
}
