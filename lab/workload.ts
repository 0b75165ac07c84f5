/**
 * The workload: writer clients that create an order and then read their own
 * orders back, and readers, all through the routers. Half the writers use
 * the router with read-your-own-writes on, half the one with it off.
 *
 * Every acknowledged write is logged client-side with its id; a drill
 * compares that log with what the promoted database holds. A read after an
 * acknowledged write that does not contain that write is a stale own read
 * (or, if the write is gone from the final database too, a lost write:
 * the report tells the two apart).
 */
import * as http from 'http';
import { RYW_HEADER } from './router-process';
import { sleep } from './postgres';

export interface WorkloadSettings {
  /** Writer clients per router. */
  readonly writersPerRouter: number;
  /** Reader clients (through the read-your-own-writes router). */
  readonly readers: number;
  /** Pause after each write-then-read, ms. */
  readonly pauseMs: number;
  /** Pause after a failed request, ms. */
  readonly retryMs: number;
  /** A request with no answer after this fails, ms. */
  readonly requestTimeoutMs: number;
}

export type RouterName = 'ryw-on' | 'ryw-off';

export interface Op {
  /** Lab time the request was sent, ms. */
  readonly t: number;
  /** Lab time the answer (or the failure) arrived, ms. */
  readonly end: number;
  readonly kind: 'write' | 'read';
  readonly client: string;
  readonly router: RouterName;
  readonly ok: boolean;
  /** The order id written, or (for an own read) the id the read must contain. */
  readonly id?: string;
  /** An own read (right after an acknowledged write) without that write. */
  readonly stale?: boolean;
  /** Error code (GraphQL extension code, HTTP status or transport error). */
  readonly code?: string;
}

export interface Ack {
  readonly id: string;
  /** The region whose database committed it. */
  readonly region: string;
  readonly client: string;
  readonly router: RouterName;
  readonly sentAt: number;
  readonly ackedAt: number;
}

interface Answer {
  ok: boolean;
  code?: string;
  data?: Record<string, unknown>;
  marker?: string;
}

export class Workload {
  readonly ops: Op[] = [];
  readonly acks: Ack[] = [];
  private running = false;
  private paused = false;
  private busy = 0;
  private loops: Promise<void>[] = [];
  private readonly agents = new Map<RouterName, http.Agent>();

  constructor(
    private readonly routers: Readonly<Record<RouterName, string>>,
    private readonly settings: WorkloadSettings,
    private readonly clock: () => number,
  ) {
    for (const r of Object.keys(routers) as RouterName[]) this.agents.set(r, new http.Agent({ keepAlive: true, maxSockets: 16 }));
  }

  start(): void {
    this.running = true;
    for (const router of ['ryw-on', 'ryw-off'] as const) {
      for (let i = 1; i <= this.settings.writersPerRouter; i++) this.loops.push(this.writer(`${router === 'ryw-on' ? 'on' : 'off'}${i}`, router));
    }
    for (let i = 1; i <= this.settings.readers; i++) this.loops.push(this.reader(`reader${i}`));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.paused = false;
    await Promise.all(this.loops);
    for (const a of this.agents.values()) a.destroy();
  }

  /** Hold every client before its next request; resolves when none has one in flight. */
  async pause(): Promise<void> {
    this.paused = true;
    while (this.busy > 0) await sleep(2);
  }

  resume(): void {
    this.paused = false;
  }

  /** Waits while paused; false once stopped. */
  private async go(): Promise<boolean> {
    while (this.paused && this.running) await sleep(2);
    return this.running;
  }

  private async writer(client: string, router: RouterName): Promise<void> {
    let seq = 0;
    let marker: string | undefined;
    while (await this.go()) {
      this.busy++;
      try {
        await this.writeThenRead(client, router, `${client}-${++seq}`, marker, (m) => (marker = m));
      } finally {
        this.busy--;
      }
    }
  }

  private async writeThenRead(client: string, router: RouterName, id: string, marker: string | undefined, setMarker: (m: string) => void): Promise<void> {
    const t = this.clock();
    const w = await this.graphql(router, 'mutation($id: ID!, $c: String!) { createOrder(id: $id, customer: $c) { id region } }', { id, c: client }, marker);
    const wEnd = this.clock();
    this.ops.push({ t, end: wEnd, kind: 'write', client, router, ok: w.ok, id, code: w.code });
    if (!w.ok) {
      await sleep(this.settings.retryMs);
      return;
    }
    const region = String((w.data?.createOrder as { region?: string } | undefined)?.region ?? '?');
    this.acks.push({ id, region, client, router, sentAt: t, ackedAt: wEnd });
    if (w.marker) {
      marker = w.marker;
      setMarker(w.marker);
    }
    const rt = this.clock();
    const r = await this.graphql(router, 'query($c: String!) { orders(customer: $c, limit: 3) { id } }', { c: client }, marker);
    const ids = r.ok ? ((r.data?.orders as { id: string }[] | undefined) ?? []).map((o) => o.id) : [];
    this.ops.push({ t: rt, end: this.clock(), kind: 'read', client, router, ok: r.ok, id, stale: r.ok ? !ids.includes(id) : undefined, code: r.code });
    await sleep(r.ok ? this.settings.pauseMs : this.settings.retryMs);
  }

  private async reader(client: string): Promise<void> {
    let n = 0;
    while (await this.go()) {
      this.busy++;
      try {
        const customer = `on${(n++ % Math.max(1, this.settings.writersPerRouter)) + 1}`;
        const t = this.clock();
        const r = await this.graphql('ryw-on', 'query($c: String!) { orders(customer: $c, limit: 3) { id } }', { c: customer });
        this.ops.push({ t, end: this.clock(), kind: 'read', client, router: 'ryw-on', ok: r.ok, code: r.code });
        await sleep(r.ok ? this.settings.pauseMs : this.settings.retryMs);
      } finally {
        this.busy--;
      }
    }
  }

  /** POST a GraphQL request; echo the read-your-own-writes marker the router handed out. */
  private graphql(router: RouterName, query: string, variables: Record<string, unknown>, marker?: string): Promise<Answer> {
    const body = JSON.stringify({ query, variables });
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      'content-length': Buffer.byteLength(body),
    };
    if (marker) headers[RYW_HEADER] = marker;
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const done = (a: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(a);
      };
      const req = http.request(`${this.routers[router]}/graphql`, { method: 'POST', headers, agent: this.agents.get(router) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('error', () => done({ ok: false, code: 'RESET' }));
        res.on('end', () => {
          const m = res.headers[RYW_HEADER];
          const markerOut = typeof m === 'string' ? m : undefined;
          try {
            const json = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
            if (json.errors && json.errors.length > 0) {
              done({ ok: false, code: json.errors[0].extensions?.code ?? `HTTP_${res.statusCode}` });
            } else {
              done({ ok: res.statusCode === 200 && !!json.data, code: res.statusCode === 200 ? undefined : `HTTP_${res.statusCode}`, data: json.data ?? undefined, marker: markerOut });
            }
          } catch {
            done({ ok: false, code: `HTTP_${res.statusCode}` });
          }
        });
      });
      const timer = setTimeout(() => {
        req.destroy();
        done({ ok: false, code: 'TIMEOUT' });
      }, this.settings.requestTimeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code ?? 'ERROR' }));
      req.end(body);
    });
  }
}
