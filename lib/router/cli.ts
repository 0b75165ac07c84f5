#!/usr/bin/env node
/**
 * multiregion-router: the GraphQL-aware read/write reverse proxy, from the
 * command line.
 *
 *   multiregion-router --listen 127.0.0.1:8080 \
 *     --primary http://10.0.0.10:4000 --read http://127.0.0.1:4001 \
 *     [--manifest persisted.json] [--max-body-bytes 1048576] [--ryw-window-ms 5000]
 */
import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { createRouterServer, RouterServer, RouterServerOptions } from './server';

export const USAGE = `Usage: multiregion-router --primary <url> --read <url> [options]

  --listen <host:port>         address to listen on (default 127.0.0.1:8080)
  --primary <url>              base URL of the read-write (primary) endpoint
  --read <url>                 base URL of the read (replica) endpoint
  --graphql-path <path>        GraphQL path, repeatable (default /graphql)
  --manifest <file>            persisted-query manifest (JSON: hash → type or document,
                               or an Apollo persisted-query manifest)
  --max-body-bytes <n>         largest GraphQL body classified (default 1048576)
  --ryw-window-ms <n>          read-your-own-writes window, 0 disables (default 5000)
  --ryw-mode <cookie|header>   how clients are marked after a write (default cookie)
  --ryw-name <name>            marker cookie/header name (default mr_ryw / x-multiregion-ryw)
  --insecure-cookie            omit Secure on the marker cookie (plain-HTTP development)
  --preserve-host              forward the client's Host (default: the upstream's host)
  --trust-forwarded            keep X-Forwarded-Proto/-Host sent by a trusted load balancer
  --health-path <path>         router health endpoint (default /healthz)
  --upstream-timeout-ms <n>    wait for upstream response headers (default 30000)
  --shutdown-timeout-ms <n>    drain time on SIGTERM/SIGINT (default 10000)
  --access-log                 one JSON line per request on stdout
  --help                       show this help
`;

/** What the command line asks for. */
export interface CliConfig {
  readonly host: string;
  readonly port: number;
  readonly options: RouterServerOptions;
}

/** Parse arguments (without `node` and the script). Throws `Error` with a usage-style message. */
export function parseCliArgs(argv: readonly string[]): CliConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      listen: { type: 'string', default: '127.0.0.1:8080' },
      primary: { type: 'string' },
      read: { type: 'string' },
      'graphql-path': { type: 'string', multiple: true },
      manifest: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'ryw-window-ms': { type: 'string' },
      'ryw-mode': { type: 'string' },
      'ryw-name': { type: 'string' },
      'insecure-cookie': { type: 'boolean', default: false },
      'preserve-host': { type: 'boolean', default: false },
      'trust-forwarded': { type: 'boolean', default: false },
      'health-path': { type: 'string' },
      'upstream-timeout-ms': { type: 'string' },
      'shutdown-timeout-ms': { type: 'string' },
      'access-log': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.primary) throw new Error('--primary <url> is required');
  if (!values.read) throw new Error('--read <url> is required');
  const { host, port } = parseListen(values.listen ?? '127.0.0.1:8080');
  const mode = values['ryw-mode'];
  if (mode !== undefined && mode !== 'cookie' && mode !== 'header') throw new Error(`--ryw-mode '${mode}' must be cookie or header`);
  let manifest: RouterServerOptions['manifest'];
  if (values.manifest) {
    try {
      manifest = JSON.parse(readFileSync(values.manifest, 'utf8'));
    } catch (err) {
      throw new Error(`--manifest ${values.manifest}: ${(err as Error).message}`);
    }
  }
  const options: RouterServerOptions = {
    primary: values.primary,
    read: values.read,
    graphqlPath: values['graphql-path'],
    manifest,
    maxBodyBytes: int(values, 'max-body-bytes'),
    readYourWrites: {
      windowMs: int(values, 'ryw-window-ms'),
      mode,
      name: values['ryw-name'],
      secure: !values['insecure-cookie'],
    },
    hostHeader: values['preserve-host'] ? 'preserve' : 'upstream',
    trustForwardedHeaders: values['trust-forwarded'],
    healthPath: values['health-path'],
    upstreamTimeoutMs: int(values, 'upstream-timeout-ms'),
    shutdownTimeoutMs: int(values, 'shutdown-timeout-ms'),
    onRequest: values['access-log'] ? (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`) : undefined,
  };
  return { host, port, options };
}

function int(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} '${String(raw)}' must be a whole number >= 0`);
  return n;
}

/** `127.0.0.1:8080`, `[::1]:8080`, `:8080` or `8080`. */
export function parseListen(value: string): { host: string; port: number } {
  let host = '127.0.0.1';
  let portText = value;
  const colon = value.lastIndexOf(':');
  if (colon !== -1) {
    host = value.slice(0, colon) || host;
    portText = value.slice(colon + 1);
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  }
  const port = Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen '${value}' must be host:port`);
  }
  return { host, port };
}

/** Run the router until SIGTERM/SIGINT. Resolves with the running server. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<RouterServer | undefined> {
  let config: CliConfig | 'help';
  try {
    config = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`multiregion-router: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return undefined;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return undefined;
  }
  const router = createRouterServer(config.options);
  await router.listen(config.port, config.host);
  process.stderr.write(
    `multiregion-router listening on ${router.url} (write → ${String(config.options.primary)}, read → ${String(config.options.read)})\n`,
  );
  const shutdown = (signal: string) => {
    process.stderr.write(`multiregion-router: ${signal}, draining ${router.inFlight} in-flight request(s)\n`);
    router.close().then(() => {
      process.stderr.write('multiregion-router: stopped\n');
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return router;
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`multiregion-router: ${err.message}\n`);
    process.exit(1);
  });
}
