/**
 * A small model of how Route 53 answers, evaluated on a synthesized
 * template: which alarm feeds which health check feeds which record.
 *
 * - CLOUDWATCH_METRIC check: healthy when its alarm is OK, unhealthy in
 *   ALARM, `InsufficientDataHealthStatus` otherwise; `Inverted` flips it.
 * - CALCULATED check: healthy when at least `HealthThreshold` children are.
 * - HTTPS check: the endpoint's health, given by the caller.
 * - Failover records: the PRIMARY when healthy, else the SECONDARY when
 *   healthy, else the PRIMARY (Route 53 answers the primary when both are
 *   unhealthy).
 * - Latency records: the healthy records; all of them when none is.
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
import { Template } from 'aws-cdk-lib/assertions';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The state of the world the health checks look at. */
export interface World {
  /** Alarm states by `<region>/<alarm name>`; absent means OK. */
  readonly alarms: Readonly<Record<string, AlarmState>>;
  /** Unhealthy endpoint hostnames. */
  readonly downEndpoints?: readonly string[];
  /**
   * Health of checks given by id (e.g. Region switch checks), or by
   * `plan:<region>` for a Region switch check read from the plan's
   * PlanHealthChecks attribute; absent means healthy.
   */
  readonly externalChecks?: Readonly<Record<string, boolean>>;
}

type Config = Record<string, unknown>;

export class Route53Model {
  private readonly checks: Record<string, Config>;
  private readonly records: Config[];

  constructor(template: Template) {
    this.checks = Object.fromEntries(Object.entries(template.findResources('AWS::Route53::HealthCheck'))
      .map(([id, r]) => [id, r.Properties.HealthCheckConfig as Config]));
    this.records = Object.values(template.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties as Config);
  }

  /** Every alarm (`<region>/<name>`) any health check in the template reads. */
  public alarms(): string[] {
    return [...new Set(Object.values(this.checks)
      .filter((c) => c.Type === 'CLOUDWATCH_METRIC')
      .map((c) => { const a = c.AlarmIdentifier as { Region: string; Name: string }; return `${a.Region}/${a.Name}`; }))];
  }

  /** Whether the check `ref` (a `{ Ref }` or a literal id) is healthy. */
  public healthy(ref: unknown, world: World): boolean {
    if (typeof ref === 'string') return world.externalChecks?.[ref] ?? true;
    const plan = planCheckRegion(ref);
    if (plan) return world.externalChecks?.[`plan:${plan}`] ?? true;
    const id = (ref as { Ref: string }).Ref;
    const c = this.checks[id];
    if (!c) throw new Error(`no health check ${id}`);
    let status: boolean;
    if (c.Type === 'CLOUDWATCH_METRIC') {
      const a = c.AlarmIdentifier as { Region: string; Name: string };
      const state = world.alarms[`${a.Region}/${a.Name}`] ?? 'OK';
      status = state === 'OK' ? true : state === 'ALARM' ? false : c.InsufficientDataHealthStatus === 'Healthy';
    } else if (c.Type === 'CALCULATED') {
      const healthy = (c.ChildHealthChecks as unknown[]).filter((child) => this.healthy(child, world)).length;
      status = healthy >= (c.HealthThreshold as number);
    } else {
      status = !(world.downEndpoints ?? []).includes(c.FullyQualifiedDomainName as string);
    }
    return c.Inverted ? !status : status;
  }

  /** The set identifier Route 53 answers with for the failover records of `name`. */
  public failoverAnswer(name: string, world: World): string {
    const rs = this.records.filter((r) => r.Name === name && r.Failover);
    const primary = rs.find((r) => r.Failover === 'PRIMARY')!;
    const secondary = rs.find((r) => r.Failover === 'SECONDARY')!;
    const ok = (r: Config) => r.HealthCheckId === undefined || this.healthy(r.HealthCheckId, world);
    if (ok(primary)) return primary.SetIdentifier as string;
    if (ok(secondary)) return secondary.SetIdentifier as string;
    return primary.SetIdentifier as string;
  }

  /** The set identifiers of the latency records of `name` Route 53 considers healthy. */
  public healthyLatencyRecords(name: string, world: World): string[] {
    return this.records.filter((r) => r.Name === name && r.Region)
      .filter((r) => r.HealthCheckId === undefined || this.healthy(r.HealthCheckId, world))
      .map((r) => r.SetIdentifier as string);
  }

  /** The record carrying the health check whose chain reads `alarm` (`<region>/<name>`), with whether it reads it inverted. */
  public recordsReading(alarm: string): string[] {
    const reads = (ref: unknown): boolean => {
      if (typeof ref === 'string' || planCheckRegion(ref)) return false;
      const c = this.checks[(ref as { Ref: string }).Ref];
      if (c.Type === 'CLOUDWATCH_METRIC') {
        const a = c.AlarmIdentifier as { Region: string; Name: string };
        return `${a.Region}/${a.Name}` === alarm;
      }
      return c.Type === 'CALCULATED' && (c.ChildHealthChecks as unknown[]).some(reads);
    };
    return this.records.filter((r) => r.HealthCheckId !== undefined && reads(r.HealthCheckId)).map((r) => r.SetIdentifier as string);
  }
}

/** The region of a Region switch health check id read from a plan's PlanHealthChecks (split at `:<region>:`), if `ref` is one. */
function planCheckRegion(ref: unknown): string | undefined {
  const text = JSON.stringify(ref);
  return text.includes('PlanHealthChecks') ? /":([a-z]{2}-[a-z]+-\d+):"/.exec(text)?.[1] : undefined;
}

/** Every assignment of states to `alarms`. */
export function allStates(alarms: readonly string[]): Record<string, AlarmState>[] {
  let out: Record<string, AlarmState>[] = [{}];
  for (const a of alarms) {
    out = out.flatMap((w) => (['OK', 'ALARM', 'INSUFFICIENT_DATA'] as AlarmState[]).map((s) => ({ ...w, [a]: s })));
  }
  return out;
}
