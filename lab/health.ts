/**
 * The lab's health checks, with the semantics of the cloud routes' checks
 * (Route 53 health checks, Cloud DNS health-checked routing): every
 * `intervalMs` each region's /health endpoint is requested on a new
 * connection; a check that fails or takes longer than `timeoutMs` counts as
 * failed; `failureThreshold` consecutive failures make the region unhealthy,
 * as many consecutive successes make it healthy again.
 *
 * Detection therefore takes at most interval × threshold after the failure
 * (plus one check's latency): the failure lands at most one interval before
 * the first failing check, then threshold − 1 more intervals pass.
 */
import * as http from 'http';

export interface HealthSettings {
  /** Between two checks of a region, ms. */
  readonly intervalMs: number;
  /** Consecutive failed (or passed) checks that change a region's state. */
  readonly failureThreshold: number;
  /** A check slower than this fails, ms (below the interval). */
  readonly timeoutMs: number;
}

export interface HealthTarget {
  readonly name: string;
  /** Base URL of the region's app. */
  readonly url: string;
}

export interface HealthState {
  healthy: boolean;
  /** What the region's database said on the last passing check. */
  role?: 'primary' | 'replica';
  consecutiveFailures: number;
  consecutivePasses: number;
  /** Lab time of the first failure of the current run of failures. */
  firstFailureAt?: number;
}

export interface HealthEvent {
  readonly at: number;
  readonly region: string;
  readonly healthy: boolean;
  /** Lab time of the first failed check of the run that made it unhealthy. */
  readonly firstFailureAt?: number;
}

export interface HealthCheckRecord {
  readonly region: string;
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
}

export class HealthChecker {
  private readonly state = new Map<string, HealthState>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private tick = 0;
  private epoch = 0;
  private readonly inFlight = new Set<Promise<void>>();
  readonly events: HealthEvent[] = [];
  /** Every check: region, lab time it started and ended, result. */
  readonly checks: HealthCheckRecord[] = [];

  constructor(
    private readonly targets: readonly HealthTarget[],
    readonly settings: HealthSettings,
    private readonly clock: () => number,
    private readonly onChange: (event: HealthEvent) => void = () => undefined,
  ) {
    for (const t of targets) this.state.set(t.name, { healthy: true, consecutiveFailures: 0, consecutivePasses: 0 });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.epoch = this.clock();
    this.tick = 0;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
  }

  status(region: string): Readonly<HealthState> {
    const s = this.state.get(region);
    if (!s) throw new Error(`no health check for region ${region}`);
    return s;
  }

  /**
   * Checks run on a fixed grid (epoch + k × interval), so a slow tick does
   * not push the next ones back; a slot closer than half an interval to the
   * check just made (the event loop was busy) is skipped, so checks never
   * come in bursts.
   */
  private schedule(): void {
    if (!this.running) return;
    const interval = this.settings.intervalMs;
    let next = this.epoch + this.tick * interval;
    while (this.tick > 0 && next - this.clock() < interval / 2) next = this.epoch + ++this.tick * interval;
    this.timer = setTimeout(() => {
      this.tick++;
      for (const t of this.targets) {
        const p = this.check(t).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
      this.schedule();
    }, Math.max(0, next - this.clock()));
  }

  private async check(target: HealthTarget): Promise<void> {
    const started = this.clock();
    const result = await probe(`${target.url}/health`, this.settings.timeoutMs);
    if (!this.running) return;
    this.checks.push({ region: target.name, start: started, end: this.clock(), ok: result.ok });
    const s = this.state.get(target.name)!;
    if (result.ok) {
      s.role = result.role;
      s.consecutivePasses++;
      s.consecutiveFailures = 0;
      if (!s.healthy && s.consecutivePasses >= this.settings.failureThreshold) {
        s.healthy = true;
        s.firstFailureAt = undefined;
        this.emit({ at: this.clock(), region: target.name, healthy: true });
      }
    } else {
      if (s.consecutiveFailures === 0) s.firstFailureAt = started;
      s.consecutiveFailures++;
      s.consecutivePasses = 0;
      if (s.healthy && s.consecutiveFailures >= this.settings.failureThreshold) {
        s.healthy = false;
        this.emit({ at: this.clock(), region: target.name, healthy: false, firstFailureAt: s.firstFailureAt });
      }
    }
  }

  private emit(event: HealthEvent): void {
    this.events.push(event);
    this.onChange(event);
  }
}

/** One check: GET on a new connection, 200 within the timeout. */
export function probe(url: string, timeoutMs: number): Promise<{ ok: boolean; role?: 'primary' | 'replica' }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { ok: boolean; role?: 'primary' | 'replica' }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return done({ ok: false });
        try {
          done({ ok: true, role: (JSON.parse(body) as { role?: 'primary' | 'replica' }).role });
        } catch {
          done({ ok: false });
        }
      });
      res.on('error', () => done({ ok: false }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false });
    }, timeoutMs);
    req.on('error', () => done({ ok: false }));
  });
}
