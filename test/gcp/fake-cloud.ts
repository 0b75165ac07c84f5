/**
 * A fake Cloud SQL Admin + Cloud DNS API for the workflow interpreter: the
 * resources and operations the failover workflow touches, long-running
 * operations that finish after a delay, and fault injection (status codes,
 * lost responses) per request.
 *
 * Shapes follow the REST references: Operation.status PENDING/RUNNING/DONE,
 * DatabaseInstance.instanceType CLOUD_SQL_INSTANCE/READ_REPLICA_INSTANCE,
 * ResourceRecordSet.routingPolicy.primaryBackup
 * (https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/operations,
 * .../instances, https://cloud.google.com/dns/docs/reference/rest/v1/resourceRecordSets).
 */
import { Clock, HttpHandler, HttpOutcome, HttpRequest } from './workflows-interpreter';

export interface FakeInstance {
  instanceType: 'CLOUD_SQL_INSTANCE' | 'READ_REPLICA_INSTANCE';
  state: string;
  region: string;
  settings: Record<string, any>;
  /** `project:name` of the primary, on a replica. */
  masterInstanceName?: string;
  /** The DR pair: `drReplica` on the designated replica, `failoverDrReplicaName` on its primary. */
  replicationCluster?: { drReplica?: boolean; failoverDrReplicaName?: string };
}

interface Operation { name: string; targetId: string; operationType: string; status: string; doneAt: number; apply: () => void }

/** Decides a fault for a request (or undefined to serve it). `processed: true` serves it but loses the response. */
export type Fault = (req: HttpRequest, clock: Clock) => { outcome: HttpOutcome; processed?: boolean } | undefined;

export class FakeCloud {
  public readonly instances: Record<string, FakeInstance> = {};
  public readonly operations: Operation[] = [];
  public record: Record<string, any> | undefined;
  /** Moves (switchover / promoteReplica) that were accepted. */
  public readonly moves: string[] = [];
  /** Instance patches that were accepted, in order, with the time. */
  public readonly patches: { instance: string; at: number; body: any }[] = [];
  public readonly dnsPatches: { at: number; body: any }[] = [];
  public faults: Fault[] = [];
  /** Instances whose region is lost: every call about them fails to connect. */
  public readonly unreachable = new Set<string>();
  /** Cloud Monitoring alert policies (name, user labels, enabled). */
  public readonly alertPolicies: { name: string; userLabels: Record<string, string>; enabled: boolean }[] = [];
  private seq = 0;

  constructor(private readonly project: string, public readonly opSeconds = { move: 180, patch: 90 }) {}

  /** Starts an operation on `instance` that finishes after `seconds`. */
  public startOperation(instance: string, type: string, seconds: number, now: number, apply: () => void = () => undefined): Operation {
    const op = { name: `op-${++this.seq}`, targetId: instance, operationType: type, status: 'RUNNING', doneAt: now + seconds, apply };
    this.operations.push(op);
    return op;
  }

  public readonly handler: HttpHandler = (req, clock) => {
    this.tick(clock.now);
    for (const f of this.faults) {
      const fault = f(req, clock);
      if (!fault) continue;
      if (fault.processed) this.serve(req, clock.now);
      return fault.outcome;
    }
    return this.serve(req, clock.now);
  };

  private tick(now: number): void {
    for (const op of this.operations) {
      if (op.status !== 'DONE' && now >= op.doneAt) { op.status = 'DONE'; op.apply(); }
    }
  }

  private serve(req: HttpRequest, now: number): HttpOutcome {
    const sql = `https://sqladmin.googleapis.com/v1/projects/${this.project}`;
    const dns = `https://dns.googleapis.com/dns/v1/projects/${this.project}/managedZones/`;
    const monitoring = 'https://monitoring.googleapis.com/v3/';
    if (req.url.startsWith(monitoring)) return this.serveMonitoring(req);
    if (req.url.startsWith(dns)) {
      if (!this.record) return { code: 404 };
      if (req.method === 'GET') return { code: 200, body: JSON.parse(JSON.stringify(this.record)) };
      if (req.method === 'PATCH') {
        const body = req.body as any;
        this.dnsPatches.push({ at: now, body });
        this.record = { ...this.record, ttl: body.ttl, routingPolicy: body.routingPolicy };
        return { code: 200, body: this.record };
      }
    }
    if (req.url === `${sql}/operations` && req.method === 'GET') {
      const instance = (req.query as any)?.instance;
      const items = this.operations.filter((o) => o.targetId === instance).reverse().map(({ name, status, operationType, targetId }) => ({ name, status, operationType, targetId }));
      return { code: 200, body: items.length ? { items } : {} };
    }
    const op = new RegExp(`^${sql}/operations/(.+)$`).exec(req.url);
    if (op) {
      const found = this.operations.find((o) => o.name === op[1]);
      return found ? { code: 200, body: { name: found.name, status: found.status, operationType: found.operationType } } : { code: 404 };
    }
    const m = new RegExp(`^${sql}/instances/([^/]+)(/(switchover|promoteReplica))?$`).exec(req.url);
    if (!m) return { code: 404, body: { error: `no route ${req.method} ${req.url}` } };
    const name = m[1];
    const instance = this.instances[name];
    if (!instance) return { code: 404 };
    if (this.unreachable.has(name)) return { fail: 'ConnectionFailedError' };
    const busy = this.operations.some((o) => o.targetId === name && o.status !== 'DONE');
    if (req.method === 'GET' && !m[2]) return { code: 200, body: { name, ...JSON.parse(JSON.stringify(instance)) } };
    if (req.method === 'POST' && m[2]) {
      if (busy) return { code: 409, body: { error: { code: 409, message: 'Operation failed because another operation was already in progress.' } } };
      if (instance.instanceType !== 'READ_REPLICA_INSTANCE') return { code: 400, body: { error: { message: 'The instance is not a read replica.' } } };
      const switchover = m[3] === 'switchover';
      const replicaFailover = !switchover && String(req.query?.failover) === 'true';
      if ((switchover || replicaFailover) && !instance.replicationCluster?.drReplica) {
        return { code: 400, body: { error: { message: 'The instance is not the designated DR replica.' } } };
      }
      this.moves.push(`${m[3]} ${name}${req.query?.failover !== undefined ? ` failover=${req.query.failover}` : ''}`);
      const formerName = instance.masterInstanceName?.replace(`${this.project}:`, '');
      const o = this.startOperation(name, switchover ? 'SWITCHOVER' : 'PROMOTE_REPLICA', this.opSeconds.move, now, () => {
        const former = formerName ? this.instances[formerName] : undefined;
        instance.instanceType = 'CLOUD_SQL_INSTANCE';
        delete instance.masterInstanceName;
        // After a switchover or a promotion, point-in-time recovery is off on the new primary.
        instance.settings.backupConfiguration = { ...(instance.settings.backupConfiguration ?? {}), pointInTimeRecoveryEnabled: false };
        if (switchover || replicaFailover) {
          // The pair reverses: the former primary becomes the DR replica of the new one
          // (a replica failover: once it is back online, unless it was stopped).
          instance.replicationCluster = { failoverDrReplicaName: `${this.project}:${formerName}` };
          if (former && (switchover || (!this.unreachable.has(formerName!) && former.settings.activationPolicy !== 'NEVER'))) {
            former.instanceType = 'READ_REPLICA_INSTANCE';
            former.masterInstanceName = `${this.project}:${name}`;
            former.replicationCluster = { drReplica: true };
          }
        } else {
          // A plain promotion: the replica becomes an independent primary; the former primary stays one.
          instance.replicationCluster = {};
        }
      });
      return { code: 200, body: { name: o.name, status: o.status } };
    }
    if (req.method === 'PATCH' && !m[2]) {
      if (busy) return { code: 409, body: { error: { code: 409, message: 'Operation failed because another operation was already in progress.' } } };
      const body = req.body as any;
      // https://cloud.google.com/sql/docs/postgres/start-stop-restart-instance: "NEVER is not supported for read replica instances."
      if (body.settings?.activationPolicy === 'NEVER' && instance.instanceType === 'READ_REPLICA_INSTANCE') {
        return { code: 400, body: { error: { message: 'The activation policy NEVER is not supported for read replicas.' } } };
      }
      this.patches.push({ instance: name, at: now, body });
      const o = this.startOperation(name, 'UPDATE', this.opSeconds.patch, now, () => {
        instance.settings = deepMerge(instance.settings, body.settings ?? {});
      });
      return { code: 200, body: { name: o.name, status: o.status } };
    }
    return { code: 405 };
  }

  /** alertPolicies.list (filter `user_labels.KEY = "VALUE"`) and alertPolicies.patch (`updateMask=enabled`). */
  private serveMonitoring(req: HttpRequest): HttpOutcome {
    const list = `https://monitoring.googleapis.com/v3/projects/${this.project}/alertPolicies`;
    if (req.method === 'GET' && req.url === list) {
      const m = /^user_labels\.([a-z0-9_-]+) = "([^"]*)"$/.exec(String(req.query?.filter ?? ''));
      if (!m) return { code: 400, body: { error: { message: `bad filter ${req.query?.filter}` } } };
      const found = this.alertPolicies.filter((p) => p.userLabels[m[1]] === m[2]);
      return { code: 200, body: found.length ? { alertPolicies: found.map((p) => ({ ...p })) } : {} };
    }
    const policy = this.alertPolicies.find((p) => req.url === `https://monitoring.googleapis.com/v3/${p.name}`);
    if (req.method === 'PATCH' && policy && req.query?.updateMask === 'enabled') {
      policy.enabled = (req.body as { enabled: boolean }).enabled;
      return { code: 200, body: { ...policy } };
    }
    return { code: 404 };
  }
}

function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? deepMerge(a[k], v) : v;
  }
  return out;
}

/** Every request fails with `code` until `until` seconds (a bad minute). */
export function failingUntil(until: number, code = 503): Fault {
  return (_req, clock) => (clock.now < until ? { outcome: { code } } : undefined);
}

/** Requests matching `match` fail with `outcome` the first `times` times. */
export function failFirst(times: number, match: (r: HttpRequest) => boolean, outcome: HttpOutcome, processed = false): Fault {
  let left = times;
  return (req) => {
    if (left <= 0 || !match(req)) return undefined;
    left--;
    return { outcome, processed };
  };
}
