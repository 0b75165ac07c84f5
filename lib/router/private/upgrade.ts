import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { ForwardingPolicy, upstreamRequestHeaders } from './proxy-headers';
import { Upstream, upstreamRequestOptions } from './upstream';
import { REASON_HEADER, ROUTE_HEADER } from '../route-headers';

const KEEP_FOR_UPGRADE: ReadonlySet<string> = new Set(['connection', 'upgrade']);

/**
 * Proxy an HTTP Upgrade (WebSocket, e.g. graphql-ws subscriptions) to
 * `upstream`: relay the handshake, then splice the two sockets. An upstream
 * that has not answered the handshake within `timeoutMs` gets a 504.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  upstream: Upstream,
  policy: ForwardingPolicy,
  timeoutMs: number,
): void {
  const headers = upstreamRequestHeaders(req, upstream.host, policy, KEEP_FOR_UPGRADE);
  headers[ROUTE_HEADER] = 'write';
  headers[REASON_HEADER] = 'subscription';
  const options = { ...upstreamRequestOptions(upstream, req.method ?? 'GET', req.url ?? '/', headers), agent: false as const };
  const upstreamReq = upstream.request(options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    upstreamReq.destroy();
  }, timeoutMs);
  socket.on('error', () => upstreamReq.destroy());
  socket.once('close', () => {
    clearTimeout(timer);
    upstreamReq.destroy();
  });

  upstreamReq.once('upgrade', (res, upstreamSocket, upstreamHead) => {
    clearTimeout(timer);
    socket.write(statusBlock(res, 'Switching Protocols'));
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    // Either side closing (or failing) closes the other.
    upstreamSocket.on('error', () => socket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
  });
  upstreamReq.once('response', (res) => {
    clearTimeout(timer);
    // The upstream declined the upgrade: relay its answer and close.
    socket.write(statusBlock(res, '', true));
    res.pipe(socket);
  });
  upstreamReq.once('error', () => {
    clearTimeout(timer);
    if (socket.writable) {
      const status = timedOut ? '504 Gateway Timeout' : '502 Bad Gateway';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\nx-multiregion-route: write\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  upstreamReq.end();
}

const FRAMING: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Status line and headers; `declined` re-frames the body as close-delimited. */
function statusBlock(res: IncomingMessage, message: string, declined = false): string {
  const lines = [`HTTP/1.1 ${res.statusCode} ${res.statusMessage || message}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    if (declined && FRAMING.has(res.rawHeaders[i].toLowerCase())) continue;
    lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  }
  if (declined) lines.push('Connection: close');
  lines.push('x-multiregion-route: write', 'x-multiregion-route-reason: subscription');
  return `${lines.join('\r\n')}\r\n\r\n`;
}
