/** The lab's servers listen on the loopback interface only. */
import type { AddressInfo, Server } from 'net';

/** Listens on 127.0.0.1:`port` (0: any free port) and resolves with the port bound. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
