/**
 * The building blocks of the failover workflow (workflow-source.ts): retry
 * policies, the retried HTTP call, the operation-waiting subworkflows and
 * the Terraform escaping of the definition.
 *
 * Workflows syntax: try/retry/except and the default predicates
 * (https://cloud.google.com/workflows/docs/reference/syntax/retrying,
 * .../stdlib/http/default_retry_predicate, .../default_retry_predicate_non_idempotent).
 * Cloud SQL Admin API operations.get / list:
 * https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/operations
 */

export const AUTH = { type: 'OAuth2' };

/** Backoff of every retried call: 2, 4, 8, 16, 32, 60, 60, 60 s. */
export const BACKOFF = { initial_delay: 2, max_delay: 60, multiplier: 2 };
/** Retries of idempotent calls (GET, and PATCHes that send the same body every time). */
export const IDEMPOTENT_RETRY = { predicate: '${http.default_retry_predicate}', max_retries: 8, backoff: BACKOFF };
/** Retries of the switchover / promotion POSTs: only when the request cannot have been processed. */
export const NON_IDEMPOTENT_RETRY = { predicate: '${http.default_retry_predicate_non_idempotent}', max_retries: 8, backoff: BACKOFF };
/**
 * Retries of a look at an instance that may be in a lost region (the former
 * writer, the other instances): short, so a region outage does not hold the
 * failover back — 2 + 4 s, then the instance counts as unreachable.
 */
export const PROBE_RETRY = { predicate: '${http.default_retry_predicate}', max_retries: 2, backoff: BACKOFF };

/** Seconds a failing call keeps being retried before the workflow gives up (the sum of the backoff delays). */
export function retryWindowSeconds(policy: { max_retries: number; backoff: typeof BACKOFF } = IDEMPOTENT_RETRY): number {
  let total = 0;
  for (let i = 0, d = policy.backoff.initial_delay; i < policy.max_retries; i++, d *= policy.backoff.multiplier) {
    total += Math.min(d, policy.backoff.max_delay);
  }
  return total;
}

/** How often an uncertain outcome sends the workflow back to wait and look again. */
export const MAX_CONFLICTS = 3;

/**
 * An error after which the request may have been processed, or another
 * operation holds the instance: 409, any 5xx, a connection lost after
 * sending, a timeout.
 */
export const MAY_HAVE_MOVED = '(map.get(e, "code") == 409 or default(map.get(e, "code"), 0) >= 500'
  + ' or "ConnectionError" in default(map.get(e, "tags"), []) or "TimeoutError" in default(map.get(e, "tags"), []))';

/** An HTTP call wrapped in try/retry. */
export function retried(call: 'http.get' | 'http.post' | 'http.patch', args: Record<string, unknown>, result: string, retry = IDEMPOTENT_RETRY): Record<string, unknown> {
  return { try: { call, args: { ...args, auth: AUTH }, result }, retry };
}

/** The subworkflows: wait for one operation; wait for every running operation of an instance. */
export function subworkflows(o: { pollSeconds: number; maxPolls: number }): Record<string, unknown> {
  return {
    waitForSqlOperation: {
      params: ['api', 'name', { failOnError: true }, { maxPolls: o.maxPolls }],
      steps: [
        { start: { assign: [{ polls: 0 }] } },
        { poll: retried('http.get', { url: '${api + "/operations/" + name}' }, 'op') },
        {
          check: {
            switch: [
              { condition: '${op.body.status == "DONE" and map.get(op.body, "error") != null and failOnError}', raise: '${op.body.error}' },
              { condition: '${op.body.status == "DONE"}', return: '${op.body}' },
              { condition: '${polls >= maxPolls}', raise: '${"operation " + name + " is still " + op.body.status + "; check it with gcloud sql operations describe"}' },
            ],
          },
        },
        { sleep: { call: 'sys.sleep', args: { seconds: o.pollSeconds } } },
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
