/**
 * The Cloud Workflows definition of the failover runbook, as a plain object
 * (serialised to JSON, which Workflows accepts like YAML).
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

/** What the workflow needs to know, as plain values. */
export interface WorkflowFacts {
  readonly project: string;
  readonly primaryInstance: string;
  readonly replicaInstance: string;
  /** The replica is the Enterprise Plus DR replica (switchover and replica failover possible). */
  readonly drReplica: boolean;
  readonly engine: EngineFamily;
  /** Days of transaction logs the new primary keeps. */
  readonly transactionLogRetentionDays: number;
  /** Automated backups the new primary keeps; more than {@link transactionLogRetentionDays}. */
  readonly retainedBackups: number;
  /** Start of the daily backup window, `HH:MM` UTC. */
  readonly backupStartTime: string;
  /** The write record to re-point, when there is a router. */
  readonly dns?: {
    readonly managedZone: string;
    readonly name: string;
    readonly type: string;
    /** The primary-backup policy with the replica's region as primary (Cloud DNS API form). */
    readonly policy: Record<string, unknown>;
    /**
     * The address the policy's primary target must have after the update:
     * a public endpoint (`externalEndpoints[0]`) or an internal load
     * balancer (`internalLoadBalancers[0].ipAddress`).
     */
    readonly expectedPrimary: { readonly kind: 'external' | 'internal'; readonly address: string };
  };
  /** Seconds between two polls of a Cloud SQL operation. */
  readonly pollSeconds: number;
  /** Polls before the workflow gives up. */
  readonly maxPolls: number;
}

const AUTH = { type: 'OAuth2' };

/** Backoff of every retried call: 2, 4, 8, 16, 32, 60, 60, 60 s. */
const BACKOFF = { initial_delay: 2, max_delay: 60, multiplier: 2 };
/** Retries of idempotent calls (GET, and PATCHes that send the same body every time). */
export const IDEMPOTENT_RETRY = { predicate: '${http.default_retry_predicate}', max_retries: 8, backoff: BACKOFF };
/** Retries of the switchover / promotion POSTs: only when the request cannot have been processed. */
export const NON_IDEMPOTENT_RETRY = { predicate: '${http.default_retry_predicate_non_idempotent}', max_retries: 8, backoff: BACKOFF };

/** Seconds a failing call keeps being retried before the workflow gives up (the sum of the backoff delays). */
export function retryWindowSeconds(policy: { max_retries: number; backoff: typeof BACKOFF } = IDEMPOTENT_RETRY): number {
  let total = 0;
  for (let i = 0, d = policy.backoff.initial_delay; i < policy.max_retries; i++, d *= policy.backoff.multiplier) {
    total += Math.min(d, policy.backoff.max_delay);
  }
  return total;
}

/** How often an uncertain outcome sends the workflow back to wait and look again. */
const MAX_CONFLICTS = 3;

/**
 * An error after which the request may have been processed, or another
 * operation holds the instance: 409, any 5xx, a connection lost after
 * sending, a timeout.
 */
const MAY_HAVE_MOVED = '(map.get(e, "code") == 409 or default(map.get(e, "code"), 0) >= 500'
  + ' or "ConnectionError" in default(map.get(e, "tags"), []) or "TimeoutError" in default(map.get(e, "tags"), []))';

/** The refusal message of an unplanned failover without the explicit argument. */
export const DATA_LOSS_REFUSAL =
  'refusing an unplanned failover: promoting the replica loses the writes it has not received yet; run again with {"mode": "failover", "acceptDataLoss": true} to accept that loss';

/** An HTTP call wrapped in try/retry. */
function retried(call: 'http.get' | 'http.post' | 'http.patch', args: Record<string, unknown>, result: string, retry = IDEMPOTENT_RETRY): Record<string, unknown> {
  return { try: { call, args: { ...args, auth: AUTH }, result }, retry };
}

/** The expression that is true when `bc` (a backupConfiguration map) and `settings` are what the new primary must have. */
function backupsInPlace(f: WorkflowFacts): string {
  const get = (path: string[]) => `map.get(promoted.body, ${JSON.stringify(['settings', ...path])})`;
  const log = f.engine === 'mysql' ? 'binaryLogEnabled' : 'pointInTimeRecoveryEnabled';
  return [
    `default(${get(['backupConfiguration', 'enabled'])}, false) == true`,
    `default(${get(['backupConfiguration', log])}, false) == true`,
    `default(${get(['backupConfiguration', 'transactionLogRetentionDays'])}, 0) >= ${f.transactionLogRetentionDays}`,
    `default(${get(['backupConfiguration', 'backupRetentionSettings', 'retainedBackups'])}, 0) >= ${f.retainedBackups}`,
    `default(${get(['deletionProtectionEnabled'])}, false) == true`,
    `default(${get(['availabilityType'])}, "") == "REGIONAL"`,
  ].join(' and ');
}

/** Builds the workflow definition. */
export function buildWorkflow(f: WorkflowFacts): Record<string, unknown> {
  const sqlApi = `https://sqladmin.googleapis.com/v1/projects/${f.project}`;
  const replicaUrl = '${sqlApi + "/instances/" + replica}';
  const steps: Record<string, unknown>[] = [
    {
      init: {
        assign: [
          { sqlApi },
          { primary: f.primaryInstance },
          { replica: f.replicaInstance },
          { drReplica: f.drReplica },
          { mode: `\${default(map.get(args, "mode"), "${f.drReplica ? 'switchover' : 'failover'}")}` },
          { acceptDataLoss: '${default(map.get(args, "acceptDataLoss"), false)}' },
          { alreadyPrimary: false },
          { promotion: null },
          { conflicts: 0 },
        ],
      },
    },
    {
      checkArguments: {
        switch: [
          // No escaped quotes inside the expression (a string + int/bool is a string:
          // https://cloud.google.com/workflows/docs/reference/syntax/datatypes).
          { condition: '${not (mode == "switchover" or mode == "failover")}', raise: '${"mode must be switchover or failover, not " + mode}' },
          {
            condition: '${mode == "switchover" and not drReplica}',
            raise: 'switchover needs an Enterprise Plus DR replica; this replica can only be promoted (mode "failover" with acceptDataLoss true), after stopping writes and waiting for replica lag 0',
          },
          { condition: '${mode == "failover" and acceptDataLoss != true}', raise: DATA_LOSS_REFUSAL },
        ],
      },
    },
    // A re-run first lets the operations of an earlier run finish.
    { settleReplica: { call: 'waitForPendingOperations', args: { api: '${sqlApi}', instance: '${replica}' } } },
    { describeReplica: retried('http.get', { url: replicaUrl }, 'before') },
    {
      checkReplica: {
        switch: [
          // Already moved (a re-run after a later step failed): do not move twice.
          { condition: '${before.body.instanceType == "CLOUD_SQL_INSTANCE"}', next: 'markAlreadyPrimary' },
          {
            condition: '${before.body.instanceType != "READ_REPLICA_INSTANCE"}',
            raise: '${"instance " + replica + " is not a read replica (instanceType " + before.body.instanceType + "): nothing to promote"}',
          },
        ],
      },
    },
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
                  condition: true,
                  steps: [{
                    promote: retried('http.post', { url: '${sqlApi + "/instances/" + replica + "/promoteReplica"}', query: { failover: String(f.drReplica) } }, 'operation', NON_IDEMPOTENT_RETRY),
                  }],
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
    { markAlreadyPrimary: { assign: [{ alreadyPrimary: true }] } },
    { repointWrites: { assign: [{ conflicts: 0 }] } },
  ];

  if (f.dns) {
    const rrset = `https://dns.googleapis.com/dns/v1/projects/${f.project}/managedZones/${f.dns.managedZone}/rrsets/${f.dns.name}/${f.dns.type}`;
    steps.push(
      { readWriteRecord: retried('http.get', { url: rrset }, 'record') },
      { newWritePolicy: { assign: [{ writePolicy: f.dns.policy }] } },
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
            condition: f.dns.expectedPrimary.kind === 'external'
              ? `\${check.body.routingPolicy.primaryBackup.primaryTargets.externalEndpoints[0] != "${f.dns.expectedPrimary.address}"}`
              : `\${check.body.routingPolicy.primaryBackup.primaryTargets.internalLoadBalancers[0].ipAddress != "${f.dns.expectedPrimary.address}"}`,
            raise: `verification failed: the write record does not point at ${f.dns.expectedPrimary.address} in the promoted region`,
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
    { describePromoted: retried('http.get', { url: replicaUrl }, 'promoted') },
    {
      verifyPromoted: {
        switch: [{
          condition: '${promoted.body.instanceType != "CLOUD_SQL_INSTANCE" or promoted.body.state != "RUNNABLE"}',
          raise: '${"verification failed: " + replica + " is " + promoted.body.instanceType + " in state " + promoted.body.state}',
        }],
      },
    },
    { checkBackups: { switch: [{ condition: `\${${backupsInPlace(f)}}`, next: 'done' }] } },
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
                    startTime: f.backupStartTime,
                    ...(f.engine === 'mysql' ? { binaryLogEnabled: true } : { pointInTimeRecoveryEnabled: true }),
                    transactionLogRetentionDays: f.transactionLogRetentionDays,
                    // Explicit, and more than the days of logs: Cloud SQL rejects fewer.
                    backupRetentionSettings: { retainedBackups: f.retainedBackups, retentionUnit: 'COUNT' },
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
          condition: `\${not (${backupsInPlace(f)})}`,
          raise: `\${"verification failed: backups or point-in-time recovery of " + replica + " are not as requested (${f.retainedBackups} backups, ${f.transactionLogRetentionDays} days of logs); check them with gcloud sql instances describe"}`,
        }],
      },
    },
    {
      done: {
        return: {
          mode: '${mode}',
          promoted: '${replica}',
          formerPrimary: '${primary}',
          alreadyPrimary: '${alreadyPrimary}',
          operation: '${default(map.get(promotion, "name"), "")}',
          writeRecord: f.dns ? f.dns.name : null,
        },
      },
    },
  );

  return {
    main: { params: ['args'], steps },
    waitForSqlOperation: {
      params: ['api', 'name', { failOnError: true }],
      steps: [
        { start: { assign: [{ polls: 0 }] } },
        { poll: retried('http.get', { url: '${api + "/operations/" + name}' }, 'op') },
        {
          check: {
            switch: [
              { condition: '${op.body.status == "DONE" and map.get(op.body, "error") != null and failOnError}', raise: '${op.body.error}' },
              { condition: '${op.body.status == "DONE"}', return: '${op.body}' },
              { condition: `\${polls >= ${f.maxPolls}}`, raise: '${"operation " + name + " is still " + op.body.status + "; check it with gcloud sql operations describe"}' },
            ],
          },
        },
        { sleep: { call: 'sys.sleep', args: { seconds: f.pollSeconds } } },
        { count: { assign: [{ polls: '${polls + 1}' }], next: 'poll' } },
      ],
    },
    // Waits for every operation of `instance` that is not DONE yet, whatever its outcome.
    waitForPendingOperations: {
      params: ['api', 'instance'],
      steps: [
        { list: retried('http.get', { url: '${api + "/operations"}', query: { instance: '${instance}', maxResults: 20 } }, 'ops') },
        {
          eachPending: {
            for: {
              value: 'pending',
              in: '${default(map.get(ops.body, "items"), [])}',
              steps: [{
                ifRunning: {
                  switch: [{
                    condition: '${pending.status != "DONE"}',
                    steps: [{ wait: { call: 'waitForSqlOperation', args: { api: '${api}', name: '${pending.name}', failOnError: false } } }],
                  }],
                },
              }],
            },
          },
        },
      ],
    },
  };
}

/**
 * Terraform reads `${...}` in any string as its own interpolation; Workflows
 * expressions use the same syntax, so they are escaped as `$${...}`.
 */
export function escapeForTerraform(source: string): string {
  return source.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
