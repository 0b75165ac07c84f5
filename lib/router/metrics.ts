/**
 * Prometheus metrics of the Node router, in the text exposition format
 * (version 0.0.4): https://prometheus.io/docs/instrumenting/exposition_formats/
 *
 * Hand-written rather than prom-client: the router's hot path only adds to
 * counters and histogram buckets looked up by a precomputed key (no label
 * objects hashed per call), the published package gains no run-time
 * dependency, and the few metric kinds needed (counter, gauge, histogram)
 * fit in this file. Every label value comes from a fixed vocabulary or the
 * configuration (route, reason, partition and upstream names), never from a
 * request, so the number of series is bounded.
 */

/** Metric name prefix. */
export const METRIC_PREFIX = 'multiregion_router_';

/** Latency buckets, seconds: from a cached loopback hop to a cross-region round trip and timeouts. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Labels = Readonly<Record<string, string | undefined>>;

interface Series {
  readonly labels: string;
  value: number;
}

interface HistogramSeries {
  readonly labels: string;
  readonly counts: number[];
  sum: number;
  count: number;
}

/** Render `{a="x",b="y"}` (empty values left out), escaped per the exposition format. */
function labelText(labels: Labels): string {
  let out = '';
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined || value === '') continue;
    out += `${out ? ',' : ''}${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  }
  return out ? `{${out}}` : '';
}

function number(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

abstract class Metric {
  constructor(readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge' | 'histogram') {}
  header(): string {
    return `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${this.type}\n`;
  }
  abstract render(): string;
}

/** A counter (or gauge) with labels; `inc` takes the label values in declaration order. */
export class Counter extends Metric {
  private readonly series = new Map<string, Series>();
  constructor(name: string, help: string, private readonly labelNames: readonly string[], type: 'counter' | 'gauge' = 'counter') {
    super(name, help, type);
  }
  private get(values: readonly (string | undefined)[]): Series {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string | undefined> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]));
      s = { labels: labelText(labels), value: 0 };
      this.series.set(key, s);
    }
    return s;
  }
  inc(values: readonly (string | undefined)[] = [], by = 1): void {
    this.get(values).value += by;
  }
  set(values: readonly (string | undefined)[], value: number): void {
    this.get(values).value = value;
  }
  /** The current value (0 when the series does not exist yet). */
  value(values: readonly (string | undefined)[] = []): number {
    return this.series.get(values.join('\u0000'))?.value ?? 0;
  }
  render(): string {
    let out = this.header();
    for (const s of this.series.values()) out += `${this.name}${s.labels} ${number(s.value)}\n`;
    return out;
  }
}

/** A histogram with cumulative `le` buckets. */
export class Histogram extends Metric {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(name: string, help: string, private readonly labelNames: readonly string[], readonly buckets: readonly number[] = LATENCY_BUCKETS) {
    super(name, help, 'histogram');
  }
  observe(values: readonly (string | undefined)[], v: number): void {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string | undefined> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]));
      s = { labels: labelText(labels), counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Counts per bucket (not cumulative) here; cumulated when rendered.
    let i = 0;
    while (i < this.buckets.length && v > this.buckets[i]) i++;
    if (i < this.buckets.length) s.counts[i]++;
    s.sum += v;
    s.count++;
  }
  /** Observations so far for these labels. */
  count(values: readonly (string | undefined)[] = []): number {
    return this.series.get(values.join('\u0000'))?.count ?? 0;
  }
  render(): string {
    let out = this.header();
    for (const s of this.series.values()) {
      const inner = s.labels ? `${s.labels.slice(1, -1)},` : '';
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i];
        out += `${this.name}_bucket{${inner}le="${number(le)}"} ${cumulative}\n`;
      });
      out += `${this.name}_bucket{${inner}le="+Inf"} ${s.count}\n`;
      out += `${this.name}_sum${s.labels} ${number(s.sum)}\n`;
      out += `${this.name}_count${s.labels} ${s.count}\n`;
    }
    return out;
  }
}

/** Names and meaning of every metric the router exposes (docs/router.md lists the same). */
export class RouterMetrics {
  /** Requests by decision: `route` read / write / refused, `reason` (a RouteReason or a refusal reason), `partition`. */
  readonly requests = new Counter(`${METRIC_PREFIX}requests_total`, 'Requests by route decision (read, write, refused), reason and partition.', ['route', 'reason', 'partition']);
  /** Time from the request's arrival to the end of the response (or the failure). */
  readonly duration = new Histogram(`${METRIC_PREFIX}request_duration_seconds`, 'Time from request arrival to the end of the response, by route and partition.', ['route', 'partition']);
  /** Time from sending to an upstream to its response headers. */
  readonly upstreamLatency = new Histogram(`${METRIC_PREFIX}upstream_response_seconds`, 'Time from sending the request to an upstream to its response headers, by upstream and partition.', ['upstream', 'partition']);
  readonly upstreamErrors = new Counter(`${METRIC_PREFIX}upstream_errors_total`, 'Upstream requests that failed, by upstream, partition and kind (unreachable, timeout, reset, aborted).', ['upstream', 'partition', 'kind']);
  readonly fallbacks = new Counter(`${METRIC_PREFIX}read_fallbacks_total`, 'Reads sent on to another upstream because one could not be reached, by the upstream that failed and partition.', ['upstream', 'partition']);
  readonly pins = new Counter(`${METRIC_PREFIX}read_your_writes_pins_total`, 'Read-your-own-writes markers issued after a write (each pins the client\'s reads of that partition to its write upstream for one window).', ['partition']);
  readonly bodyTooLarge = new Counter(`${METRIC_PREFIX}body_too_large_total`, 'GraphQL bodies over maxBodyBytes, by partition and outcome (streamed-to-write, refused).', ['partition', 'outcome']);
  readonly inFlight = new Counter(`${METRIC_PREFIX}in_flight_requests`, 'Requests being proxied now.', [], 'gauge');
  readonly partitions = new Counter(`${METRIC_PREFIX}partition_info`, 'One series per configured partition (value 1).', ['partition'], 'gauge');
  readonly parses = new Counter(`${METRIC_PREFIX}document_parses_total`, 'GraphQL documents parsed (document cache misses).', []);
  readonly windowSeconds = new Counter(`${METRIC_PREFIX}read_your_writes_window_seconds`, 'The read-your-own-writes window (0: off).', [], 'gauge');
  private readonly process = [
    new Counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', []),
    new Counter('process_resident_memory_bytes', 'Resident memory size in bytes.', [], 'gauge'),
    new Counter('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', [], 'gauge'),
  ] as const;
  private readonly startTime = Math.round(Date.now() / 1000 - process.uptime());

  constructor(private readonly sample: () => { documentParses: number; inFlight: number } = () => ({ documentParses: 0, inFlight: 0 })) {}

  /** The exposition text, every metric with its HELP and TYPE. */
  render(): string {
    const now = this.sample();
    this.parses.set([], now.documentParses);
    this.inFlight.set([], now.inFlight);
    const cpu = process.cpuUsage();
    this.process[0].set([], (cpu.user + cpu.system) / 1e6);
    this.process[1].set([], process.memoryUsage.rss());
    this.process[2].set([], this.startTime);
    return [
      this.requests, this.duration, this.upstreamLatency, this.upstreamErrors, this.fallbacks, this.pins, this.bodyTooLarge,
      this.inFlight, this.partitions, this.parses, this.windowSeconds, ...this.process,
    ].map((m) => m.render()).join('');
  }
}

/** Content type of the exposition. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
