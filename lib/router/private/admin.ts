import * as http from 'http';
import type { AddressInfo } from 'net';
import { METRICS_CONTENT_TYPE, RouterMetrics } from '../metrics';

/**
 * The admin listener: `GET /metrics` (Prometheus text format) on its own
 * address, so the metrics never share the public listener (and its load
 * balancer) with client traffic. Everything else is 404.
 */
export function createAdminServer(metrics: RouterMetrics, path: string): http.Server {
  return http.createServer((req, res) => {
    const target = (req.url ?? '/').split('?')[0];
    if (target !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const text = metrics.render();
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
  });
}

export function listenOn(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
