/**
 * The split-brain parts of the failover workflow (workflow-source.ts): the
 * fence of the former primary before a promotion, the arming of its
 * split-brain alert after it, and the refusal of a second writer.
 */
import { SPLIT_BRAIN_GUARD_LABEL } from './alerts';
import { AUTH, PROBE_RETRY, retried } from './workflow-parts';

/** The refusal when another instance is a writable primary (two writers, or a former primary that has not rejoined). */
export const TWO_WRITERS = '${"refusing to make " + replica + " the writer: " + other + " is a writable primary too (RUNNABLE, activation policy not NEVER). '
  + 'If the writes moved to " + replica + " (an earlier failover), fence " + other + " first: gcloud sql instances patch " + other + " --activation-policy=NEVER, then run this again. '
  + 'If " + other + " is the writer, " + replica + " is a former primary that has not rejoined: fence it, export the writes only it has, rebuild it as a replica of " + other + " (runbook: The lost region is back), then fail back"}';

/** The warning logged (and returned) when the former primary could not be fenced. */
const FENCE_PENDING = '${"FENCE PENDING: the former primary " + former + " did not answer (or did not confirm activation policy NEVER) before " + replica + " was promoted. '
  + 'When its region is back, fence it before anything else: gcloud sql instances patch " + former + " --activation-policy=NEVER (runbook: The lost region is back). Its split-brain alert is armed."}';

/**
 * The fence: in an unplanned failover, stop the former primary from taking
 * writes before the target is promoted, when its API answers —
 * `instances.patch` with `settings.activationPolicy = NEVER` (the instance
 * is stopped; `NEVER` is not supported on replicas, so only a primary is
 * fenced: https://cloud.google.com/sql/docs/postgres/start-stop-restart-instance).
 * Needs `cloudsql.instances.update` on it, which the workflow's conditioned
 * Cloud SQL admin role grants on the deployment's instances only. An
 * unreachable former primary, or a fence that is not confirmed within
 * `fenceMaxPolls`, is recorded as pending (result, log) and does not hold
 * the failover back.
 */
export function fenceSteps(): Record<string, unknown>[] {
  const masterRef = 'default(map.get(before.body, "masterInstanceName"), "")';
  return [{
    fenceIfFailover: {
      switch: [{
        condition: '${mode == "failover"}',
        steps: [
          {
            // The former primary: the deployment's instance the target replicates.
            findFormer: {
              for: {
                value: 'other',
                in: '${names}',
                steps: [{
                  isFormer: {
                    switch: [{
                      condition: `\${${masterRef} == other or ${masterRef} == project + ":" + other}`,
                      steps: [{ setFormer: { assign: [{ former: '${other}' }, { fence: 'pending' }] } }],
                    }],
                  },
                }],
              },
            },
          },
          {
            fenceFormer: {
              switch: [{
                condition: '${former != ""}',
                steps: [
                  {
                    probeFormer: {
                      try: { call: 'http.get', args: { url: '${sqlApi + "/instances/" + former}', auth: AUTH }, result: 'formerNow' },
                      retry: PROBE_RETRY,
                      except: { as: 'e', steps: [{ formerUnreachable: { assign: [{ formerNow: null }] } }] },
                    },
                  },
                  {
                    judgeFormer: {
                      switch: [
                        { condition: '${formerNow == null}', steps: [{ logPending: { call: 'sys.log', args: { severity: 'WARNING', text: FENCE_PENDING } } }] },
                        { condition: '${formerNow.body.instanceType != "CLOUD_SQL_INSTANCE"}', steps: [{ notAPrimary: { assign: [{ fence: 'not-needed' }] } }] },
                        { condition: '${default(map.get(formerNow.body, ["settings", "activationPolicy"]), "ALWAYS") == "NEVER"}', steps: [{ alreadyFenced: { assign: [{ fence: 'done' }] } }] },
                        {
                          condition: true,
                          steps: [{
                            stopFormer: {
                              try: {
                                steps: [
                                  // Same body every time: idempotent.
                                  { patchFence: { call: 'http.patch', args: { url: '${sqlApi + "/instances/" + former}', body: { settings: { activationPolicy: 'NEVER' } }, auth: AUTH }, result: 'fenceOp' } },
                                  { waitFence: { call: 'waitForSqlOperation', args: { api: '${sqlApi}', name: '${fenceOp.body.name}', maxPolls: '${fenceMaxPolls}' } } },
                                  { fenced: { assign: [{ fence: 'done' }] } },
                                ],
                              },
                              retry: PROBE_RETRY,
                              except: { as: 'e', steps: [{ logNotConfirmed: { call: 'sys.log', args: { severity: 'WARNING', text: FENCE_PENDING } } }] },
                            },
                          }],
                        },
                      ],
                    },
                  },
                ],
              }],
            },
          },
        ],
      }],
    },
  }];
}

/**
 * After an unplanned failover: arm the former primary's split-brain guard
 * (enable the alert policy labelled with its name), so it fires if the
 * instance takes connections again. Monitoring is global, so this works
 * while the former primary's region is lost. A failure here is reported in
 * the result, not raised: traffic has moved already.
 * https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies/list (filter on user_labels), .../patch (updateMask)
 */
export function armGuardSteps(project: string): Record<string, unknown>[] {
  const list = `https://monitoring.googleapis.com/v3/projects/${project}/alertPolicies`;
  return [{
    armGuard: {
      switch: [{
        condition: '${mode == "failover" and former != ""}',
        steps: [{
          armGuardTry: {
            try: {
              steps: [
                { findGuard: retried('http.get', { url: list, query: { filter: `\${"user_labels.${SPLIT_BRAIN_GUARD_LABEL} = \\"" + former + "\\""}` } }, 'guards') },
                {
                  enableGuards: {
                    for: {
                      value: 'policy',
                      in: '${default(map.get(guards.body, "alertPolicies"), [])}',
                      steps: [{ enableGuard: retried('http.patch', { url: '${"https://monitoring.googleapis.com/v3/" + policy.name}', query: { updateMask: 'enabled' }, body: { enabled: true } }, 'armed') }],
                    },
                  },
                },
                { guardArmed: { assign: [{ guard: '${"armed: " + former}' }] } },
              ],
            },
            except: { as: 'e', steps: [{ guardNotArmed: { assign: [{ guard: '${"not armed: enable the alert policy labelled mrc_split_brain_guard=" + former + " by hand"}' }] } }] },
          },
        }],
      }],
    },
  }];
}

