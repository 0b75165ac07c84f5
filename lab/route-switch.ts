/**
 * A route the lab moves: a loopback HTTP forwarder whose target changes.
 *
 * In the clouds the router's upstreams are hostnames (`write.api.example.com`)
 * whose DNS records the failover procedure changes; the router itself is
 * never reconfigured. The lab keeps that shape: the router's `--primary` and
 * `--read` URLs point at two switches, and the drill moves a switch. Every
 * request looks the target up anew, like a record with TTL 0, so the move
 * takes effect at the next request; requests already forwarded finish where
 * they went.
 */
import * as http from 'http';
import { listenOnLoopback } from './loopback';

export interface RouteMove {
  /** ms on the lab clock. */
  readonly at: number;
  readonly from: string;
  readonly to: string;
}

export class RouteSwitch {
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private current: { name: string; port: number };
  private readonly history: RouteMove[] = [];
  private readonly perTarget = new Map<string, number>();
  port = 0;

  constructor(readonly name: string, target: { name: string; port: number }, private readonly clock: () => number) {
    this.current = target;
    this.server = http.createServer({ keepAlive: true }, (req, res) => this.forward(req, res));
  }

  async listen(port = 0): Promise<number> {
    this.port = await listenOnLoopback(this.server, port);
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The region the route points at. */
  get target(): string {
    return this.current.name;
  }

  get moves(): readonly RouteMove[] {
    return this.history;
  }

  /** Requests forwarded per region. */
  get counts(): ReadonlyMap<string, number> {
    return this.perTarget;
  }

  /** Point the route at another region (the DNS record change). */
  move(target: { name: string; port: number }): void {
    if (target.name === this.current.name && target.port === this.current.port) return;
    this.history.push({ at: this.clock(), from: this.current.name, to: target.name });
    this.current = target;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = this.current;
    this.perTarget.set(target.name, (this.perTarget.get(target.name) ?? 0) + 1);
    const out = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.once('error', () => res.destroy());
      },
    );
    out.once('error', () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify({ errors: [{ message: `${this.name} route: region ${target.name} is unreachable`, extensions: { code: 'UNREACHABLE' } }] });
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    res.once('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  }
}
