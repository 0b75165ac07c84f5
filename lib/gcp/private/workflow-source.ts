/**
 * The Cloud Workflows definition of the failover runbook, as a plain object
 * (serialised to JSON, which Workflows accepts like YAML).
 *
 * Cloud SQL Admin API: instances.switchover, instances.promoteReplica
 * (`failover=true` for an Enterprise Plus replica failover), operations.get,
 * instances.patch — https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances
 * Cloud DNS API: resourceRecordSets.get / patch —
 * https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets
 * Workflows syntax: switch conditions may hold `raise`/`return` directly
 * (https://cloud.google.com/workflows/docs/reference/syntax/conditions);
 * `map.merge` is in the standard library since 2023-06-30
 * (https://cloud.google.com/workflows/docs/release-notes).
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
  readonly transactionLogRetentionDays: number;
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

/** The refusal message of an unplanned failover without the explicit argument. */
export const DATA_LOSS_REFUSAL =
  'refusing an unplanned failover: promoting the replica loses the writes it has not received yet; run again with {"mode": "failover", "acceptDataLoss": true} to accept that loss';

/** Builds the workflow definition. */
export function buildWorkflow(f: WorkflowFacts): Record<string, unknown> {
  const sqlApi = `https://sqladmin.googleapis.com/v1/projects/${f.project}`;
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
    { describeReplica: { call: 'http.get', args: { url: '${sqlApi + "/instances/" + replica}', auth: AUTH }, result: 'before' } },
    {
      checkReplica: {
        switch: [{
          condition: '${before.body.instanceType != "READ_REPLICA_INSTANCE"}',
          raise: '${"instance " + replica + " is not a read replica (instanceType " + before.body.instanceType + "): nothing to promote"}',
        }],
      },
    },
    {
      moveWrites: {
        switch: [
          {
            condition: '${mode == "switchover"}',
            steps: [{ switchover: { call: 'http.post', args: { url: '${sqlApi + "/instances/" + replica + "/switchover"}', auth: AUTH }, result: 'operation' } }],
          },
          {
            condition: true,
            steps: [{
              promote: {
                call: 'http.post',
                args: { url: '${sqlApi + "/instances/" + replica + "/promoteReplica"}', query: { failover: String(f.drReplica) }, auth: AUTH },
                result: 'operation',
              },
            }],
          },
        ],
      },
    },
    { waitForPromotion: { call: 'waitForSqlOperation', args: { api: '${sqlApi}', name: '${operation.body.name}' }, result: 'promotion' } },
  ];

  if (!f.drReplica) {
    // A promoted standalone replica has no backups: turn them on before taking writes for long.
    steps.push(
      {
        enableBackups: {
          call: 'http.patch',
          args: {
            url: '${sqlApi + "/instances/" + replica}',
            auth: AUTH,
            body: {
              settings: {
                availabilityType: 'REGIONAL',
                deletionProtectionEnabled: true,
                backupConfiguration: {
                  enabled: true,
                  ...(f.engine === 'mysql' ? { binaryLogEnabled: true } : { pointInTimeRecoveryEnabled: true }),
                  transactionLogRetentionDays: f.transactionLogRetentionDays,
                },
              },
            },
          },
          result: 'patch',
        },
      },
      { waitForBackups: { call: 'waitForSqlOperation', args: { api: '${sqlApi}', name: '${patch.body.name}' } } },
    );
  }

  if (f.dns) {
    const rrset = `https://dns.googleapis.com/dns/v1/projects/${f.project}/managedZones/${f.dns.managedZone}/rrsets/${f.dns.name}/${f.dns.type}`;
    steps.push(
      { readWriteRecord: { call: 'http.get', args: { url: rrset, auth: AUTH }, result: 'record' } },
      { newWritePolicy: { assign: [{ writePolicy: f.dns.policy }] } },
      {
        updateWriteRecord: {
          call: 'http.patch',
          args: {
            url: rrset,
            auth: AUTH,
            body: {
              name: f.dns.name,
              type: f.dns.type,
              ttl: '${record.body.ttl}',
              routingPolicy: '${map.merge(record.body.routingPolicy, writePolicy)}',
            },
          },
          result: 'updated',
        },
      },
    );
  }

  steps.push(
    { describePromoted: { call: 'http.get', args: { url: '${sqlApi + "/instances/" + replica}', auth: AUTH }, result: 'after' } },
    {
      verifyPromoted: {
        switch: [{
          condition: '${after.body.instanceType != "CLOUD_SQL_INSTANCE" or after.body.state != "RUNNABLE"}',
          raise: '${"verification failed: " + replica + " is " + after.body.instanceType + " in state " + after.body.state}',
        }],
      },
    },
  );
  if (f.dns) {
    const rrset = `https://dns.googleapis.com/dns/v1/projects/${f.project}/managedZones/${f.dns.managedZone}/rrsets/${f.dns.name}/${f.dns.type}`;
    steps.push(
      { rereadWriteRecord: { call: 'http.get', args: { url: rrset, auth: AUTH }, result: 'check' } },
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
  steps.push({
    done: {
      return: {
        mode: '${mode}',
        promoted: '${replica}',
        formerPrimary: '${primary}',
        operation: '${promotion.name}',
        writeRecord: f.dns ? f.dns.name : null,
      },
    },
  });

  return {
    main: { params: ['args'], steps },
    waitForSqlOperation: {
      params: ['api', 'name'],
      steps: [
        { start: { assign: [{ polls: 0 }] } },
        { poll: { call: 'http.get', args: { url: '${api + "/operations/" + name}', auth: AUTH }, result: 'op' } },
        {
          check: {
            switch: [
              { condition: '${op.body.status == "DONE" and map.get(op.body, "error") != null}', raise: '${op.body.error}' },
              { condition: '${op.body.status == "DONE"}', return: '${op.body}' },
              { condition: `\${polls >= ${f.maxPolls}}`, raise: '${"operation " + name + " is still " + op.body.status + "; check it with gcloud sql operations describe"}' },
            ],
          },
        },
        { sleep: { call: 'sys.sleep', args: { seconds: f.pollSeconds } } },
        { count: { assign: [{ polls: '${polls + 1}' }], next: 'poll' } },
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
