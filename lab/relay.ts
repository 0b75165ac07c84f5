/**
 * The replication link a drill can break: a TCP relay on loopback between a
 * standby and its primary.
 *
 * - `delay(ms)`: every chunk, both ways, is forwarded `ms` later (in order):
 *   network lag.
 * - `cut()`: nothing moves either way, and new connections wait: a
 *   partition. Nothing is dropped — the relay stops reading, so TCP holds the
 *   data back as it would while packets are lost and retransmitted.
 * - `heal()`: everything held moves on.
 * - `retarget(port)`: new connections go to another server (the link
 *   follows a new primary); open ones are closed, so the standby reconnects.
 * - `reset()`: open connections are closed and what they held is dropped
 *   (the peer died: its undelivered data dies with it).
 *
 * When one side closes, what is already queued still arrives (it was on
 * the wire), then the other side is closed.
 */
import * as net from 'net';
import { listenOnLoopback } from './loopback';

export interface RelayStats {
  /** Bytes forwarded towards the target (standby → primary). */
  readonly up: number;
  /** Bytes forwarded back (primary → standby: the WAL stream). */
  readonly down: number;
  readonly connections: number;
}

interface Pipe {
  readonly from: net.Socket;
  readonly to: net.Socket;
  readonly queue: { chunk: Buffer; due: number }[];
  timer?: NodeJS.Timeout;
  direction: 'up' | 'down';
  /** The sending side closed: deliver what is queued (it is on the wire), then close. */
  ended: boolean;
}

export class Relay {
  private readonly server: net.Server;
  private targetPort: number;
  private delayMs = 0;
  private isCut = false;
  private readonly pipes = new Set<Pipe>();
  private readonly sockets = new Set<net.Socket>();
  private readonly waiting: (() => void)[] = [];
  private bytes = { up: 0, down: 0 };
  private accepted = 0;
  port = 0;

  constructor(readonly name: string, targetPort: number) {
    this.targetPort = targetPort;
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(port = 0): Promise<number> {
    this.port = await listenOnLoopback(this.server, port);
    return this.port;
  }

  get target(): number {
    return this.targetPort;
  }

  get cutActive(): boolean {
    return this.isCut;
  }

  get lagMs(): number {
    return this.delayMs;
  }

  get stats(): RelayStats {
    return { ...this.bytes, connections: this.accepted };
  }

  /** Forward every chunk `ms` later. */
  delay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** Partition: hold everything, both ways. */
  cut(): void {
    this.isCut = true;
    for (const p of this.pipes) p.from.pause();
  }

  /** End the partition: held data and waiting connections move on. */
  heal(): void {
    this.isCut = false;
    for (const p of this.pipes) {
      p.from.resume();
      this.pump(p);
    }
    for (const go of this.waiting.splice(0)) go();
  }

  /** Point the link at another server; open connections are closed. */
  retarget(port: number): void {
    this.targetPort = port;
    this.reset();
  }

  /** Close every open connection (the standby reconnects). */
  reset(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.reset();
    this.waiting.splice(0);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    this.track(client);
    client.pause();
    const open = () => {
      if (client.destroyed) return;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.track(upstream);
      upstream.once('connect', () => {
        this.link(client, upstream, 'up');
        this.link(upstream, client, 'down');
        client.resume();
      });
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.once('error', end);
      client.once('error', end);
      client.once('close', end);
    };
    if (this.isCut) this.waiting.push(open);
    else open();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private link(from: net.Socket, to: net.Socket, direction: 'up' | 'down'): void {
    const pipe: Pipe = { from, to, queue: [], direction, ended: false };
    this.pipes.add(pipe);
    from.on('data', (chunk: Buffer) => {
      pipe.queue.push({ chunk, due: Date.now() + this.delayMs });
      this.pump(pipe);
    });
    from.once('close', () => {
      pipe.ended = true;
      this.pump(pipe);
    });
    to.once('close', () => {
      if (pipe.timer) clearTimeout(pipe.timer);
      pipe.queue.length = 0;
      this.pipes.delete(pipe);
    });
    if (this.isCut) from.pause();
  }

  private pump(pipe: Pipe): void {
    if (pipe.timer) {
      clearTimeout(pipe.timer);
      pipe.timer = undefined;
    }
    const now = Date.now();
    while (!this.isCut && pipe.queue.length > 0 && pipe.queue[0].due <= now) {
      const { chunk } = pipe.queue.shift()!;
      this.bytes[pipe.direction] += chunk.length;
      if (!pipe.to.destroyed) pipe.to.write(chunk);
    }
    if (!this.isCut && pipe.queue.length > 0) {
      pipe.timer = setTimeout(() => this.pump(pipe), pipe.queue[0].due - now);
    } else if (pipe.ended && pipe.queue.length === 0) {
      pipe.to.destroy();
    }
  }
}
