#!/usr/bin/env node
/**
 * multiregion-router: the GraphQL-aware read/write reverse proxy, from the
 * command line.
 *
 *   multiregion-router --listen 127.0.0.1:8080 \
 *     --primary http://10.0.0.10:4000 --read http://127.0.0.1:4001 \
 *     [--manifest persisted.json] [--max-body-bytes 1048576] [--ryw-window-ms 5000] …
 *   (`--help` lists every option)
 */
import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { parse as parseYaml } from 'yaml';
import { MultiRegionConfigError } from '../core/errors';
import type { JwtKeySet } from './jwt';
import { NodePartitionRouting, parsePartitionSource, PartitionSource } from './partitions';
import { MIN_SIGNING_KEY_LENGTH } from './read-your-writes';
import { createRouterServer, DEFAULT_METRICS_PORT, RouterServer, RouterServerOptions } from './server';

export const USAGE = `Usage: multiregion-router --primary <url> --read <url> [options]
       multiregion-router --partitions <file> --partition-source <source> [options]

  --listen <host:port>         address to listen on (default 127.0.0.1:8080)
  --primary <url>              base URL of the read-write (primary) endpoint
  --read <url>                 base URL of the read (replica) endpoint
  --partitions <file>          partition-aware routing: JSON or YAML map of partition name →
                               { write: <url>, read: <url> | [<url>, ...] } (instead of
                               --primary/--read)
  --partition-source <source>  where the partition key comes from: header:<name>,
                               cookie:<name>, variable:<name> or jwt:<claim>
  --trusted-peer <ip|cidr>     header/cookie source: honour it only from this peer (the
                               layer in front that sets it), repeatable
  --preflight-partition <name> partition whose read upstream answers CORS preflights
                               without a partition key (default: refused)
  --jwt-keys <file>            jwt source: a JWKS (JSON), PEM public key(s), or HMAC
                               secrets one per line (>= 32 characters)
  --jwt-issuer <iss>           jwt source: accepted issuer, repeatable
  --jwt-audience <aud>         jwt source: accepted audience, repeatable
  --jwt-clock-tolerance-s <n>  jwt source: leeway for exp/nbf in seconds (default 0)
  --metrics-listen <host:port> Prometheus /metrics on a separate admin listener (default
                               off; e.g. 127.0.0.1:${DEFAULT_METRICS_PORT})
  --graphql-path <path>        GraphQL path, repeatable (default /graphql)
  --manifest <file>            persisted-query manifest (JSON: hash → type or document,
                               or an Apollo persisted-query manifest)
  --max-body-bytes <n>         largest GraphQL body classified (default 1048576)
  --max-tokens <n>             parse budget: GraphQL tokens read before a document goes
                               to the primary unparsed (default 15000)
  --max-depth <n>              parse budget: deepest nesting of { ( [ (default 64)
  --max-aliases <n>            parse budget: field aliases (default 1000)
  --document-cache-size <n>    parsed documents kept, 0 disables (default 1000)
  --no-read-fallback           answer 502 when the read upstream is down, instead of
                               sending reads to the primary (default: fall back)
  --ryw-window-ms <n>          read-your-own-writes window, 0 disables (default 5000)
  --ryw-mode <cookie|header>   how clients are marked after a mutation (default cookie)
  --ryw-name <name>            marker cookie/header name (default mr_ryw / x-multiregion-ryw)
  --ryw-key-file <file>        sign the marker with HMAC-SHA256: one key per line (>= 32
                               characters; the first signs, all verify), same file on
                               every instance (default: unsigned marker)
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
      partitions: { type: 'string' },
      'partition-source': { type: 'string' },
      'trusted-peer': { type: 'string', multiple: true },
      'preflight-partition': { type: 'string' },
      'jwt-keys': { type: 'string' },
      'jwt-issuer': { type: 'string', multiple: true },
      'jwt-audience': { type: 'string', multiple: true },
      'jwt-clock-tolerance-s': { type: 'string' },
      'metrics-listen': { type: 'string' },
      'graphql-path': { type: 'string', multiple: true },
      manifest: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-depth': { type: 'string' },
      'max-aliases': { type: 'string' },
      'document-cache-size': { type: 'string' },
      'no-read-fallback': { type: 'boolean', default: false },
      'ryw-window-ms': { type: 'string' },
      'ryw-key-file': { type: 'string' },
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
  const partitioning = values.partitions === undefined ? undefined : readPartitioning(values);
  if (!partitioning) {
    if (!values.primary) throw new Error('--primary <url> is required (or --partitions <file> for partition-aware routing)');
    if (!values.read) throw new Error('--read <url> is required (or --partitions <file> for partition-aware routing)');
    for (const flag of ['partition-source', 'trusted-peer', 'preflight-partition', 'jwt-keys', 'jwt-issuer', 'jwt-audience', 'jwt-clock-tolerance-s'] as const) {
      if (values[flag] !== undefined) throw new Error(`--${flag} needs --partitions <file>`);
    }
  } else if (values.primary || values.read) {
    throw new Error('--partitions replaces --primary and --read: give the upstreams of each partition in the file');
  }
  const { host, port } = parseListen(values.listen ?? '127.0.0.1:8080');
  let metrics: RouterServerOptions['metrics'];
  if (values['metrics-listen'] !== undefined) {
    const admin = parseListen(values['metrics-listen'], 'metrics-listen');
    if (admin.port === port && port !== 0) {
      throw new Error(`--metrics-listen '${values['metrics-listen']}' uses the port of --listen (${port}); give the admin listener its own port, e.g. 127.0.0.1:${port === DEFAULT_METRICS_PORT ? DEFAULT_METRICS_PORT + 1 : DEFAULT_METRICS_PORT}`);
    }
    metrics = { host: admin.host, port: admin.port };
  }
  const mode = values['ryw-mode'];
  if (mode !== undefined && mode !== 'cookie' && mode !== 'header') throw new Error(`--ryw-mode '${mode}' must be cookie or header`);
  let signingKey: string[] | undefined;
  if (values['ryw-key-file'] !== undefined) signingKey = readKeys(values['ryw-key-file']);
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
    partitioning,
    metrics,
    graphqlPath: values['graphql-path'],
    manifest,
    maxBodyBytes: int(values, 'max-body-bytes', 1),
    maxTokens: int(values, 'max-tokens', 1),
    maxDepth: int(values, 'max-depth', 1),
    maxAliases: int(values, 'max-aliases', 1),
    documentCacheSize: int(values, 'document-cache-size'),
    readFallback: !values['no-read-fallback'],
    readYourWrites: {
      windowMs: int(values, 'ryw-window-ms'),
      mode,
      name: values['ryw-name'],
      secure: !values['insecure-cookie'],
      signingKey,
    },
    hostHeader: values['preserve-host'] ? 'preserve' : 'upstream',
    trustForwardedHeaders: values['trust-forwarded'],
    healthPath: values['health-path'],
    upstreamTimeoutMs: int(values, 'upstream-timeout-ms', 1),
    shutdownTimeoutMs: int(values, 'shutdown-timeout-ms', 1),
    onRequest: values['access-log'] ? (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`) : undefined,
  };
  return { host, port, options };
}

function int(values: Record<string, unknown>, name: string, min = 0): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name} '${String(raw)}' must be a whole number >= ${min}`);
  return n;
}

/** Signing keys from a file: one per line, blank lines and surrounding spaces ignored. */
function readKeys(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--ryw-key-file ${file}: ${(err as Error).message}`);
  }
  const keys = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (keys.length === 0) throw new Error(`--ryw-key-file ${file}: no key in the file`);
  keys.forEach((key, i) => {
    if (key.length < MIN_SIGNING_KEY_LENGTH) {
      throw new Error(`--ryw-key-file ${file}: key ${i + 1} has ${key.length} characters; use at least ${MIN_SIGNING_KEY_LENGTH} (e.g. openssl rand -base64 48)`);
    }
  });
  return keys;
}

/** `--partitions`, `--partition-source` and the JWT flags, read and checked. */
function readPartitioning(values: Record<string, unknown>): NodePartitionRouting {
  const file = values.partitions as string;
  let partitions: unknown;
  try {
    partitions = parseYaml(readFileSync(file, 'utf8')); // YAML is a superset of JSON
  } catch (err) {
    throw new Error(`--partitions ${file}: ${(err as Error).message}`);
  }
  const sourceText = values['partition-source'] as string | undefined;
  if (sourceText === undefined) throw new Error('--partition-source <source> is required with --partitions (header:<name>, cookie:<name>, variable:<name> or jwt:<claim>)');
  const jwtFlags = ['jwt-keys', 'jwt-issuer', 'jwt-audience', 'jwt-clock-tolerance-s'].filter((f) => values[f] !== undefined);
  let source: PartitionSource;
  try {
    if (sourceText.startsWith('jwt:')) {
      if (values['jwt-keys'] === undefined) throw new Error('--partition-source jwt:<claim> needs --jwt-keys <file>: a claim is read only from a token whose signature verifies');
      const tolerance = values['jwt-clock-tolerance-s'] === undefined ? undefined : int(values, 'jwt-clock-tolerance-s');
      source = parsePartitionSource(sourceText, {
        keys: readJwtKeys(values['jwt-keys'] as string),
        issuer: values['jwt-issuer'] as string[] | undefined,
        audience: values['jwt-audience'] as string[] | undefined,
        clockToleranceSeconds: tolerance,
      });
    } else {
      if (jwtFlags.length > 0) throw new Error(`--${jwtFlags[0]} needs --partition-source jwt:<claim>`);
      source = parsePartitionSource(sourceText);
      const peers = values['trusted-peer'] as string[] | undefined;
      if (peers) {
        if (source.type !== 'header' && source.type !== 'cookie') throw new Error('--trusted-peer needs a header or cookie source');
        source = { ...source, trustedPeers: peers };
      }
    }
  } catch (err) {
    if (err instanceof MultiRegionConfigError) throw new Error(err.problems.map((p) => `${p.message}; ${p.fix}`).join('\n'));
    throw err;
  }
  return { partitions: partitions as NodePartitionRouting['partitions'], source, preflightPartition: values['preflight-partition'] as string | undefined };
}

/**
 * JWT keys from a file: a JSON Web Key Set (`{"keys":[…]}`), PEM public
 * key(s), or else HMAC secrets, one per line.
 */
export function readJwtKeys(file: string): JwtKeySet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--jwt-keys ${file}: ${(err as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return { jwks: JSON.parse(trimmed) };
    } catch (err) {
      throw new Error(`--jwt-keys ${file}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (trimmed.includes('-----BEGIN')) {
    const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
    return { pem: blocks };
  }
  const secrets = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (secrets.length === 0) throw new Error(`--jwt-keys ${file}: no key in the file`);
  return { hmacSecret: secrets };
}

/** `127.0.0.1:8080`, `[::1]:8080`, `:8080` or `8080`. */
export function parseListen(value: string, flag = 'listen'): { host: string; port: number } {
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
    throw new Error(`--${flag} '${value}' must be host:port`);
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
  let router: RouterServer;
  try {
    router = createRouterServer(config.options);
  } catch (err) {
    process.stderr.write(`multiregion-router: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
  try {
    await router.listen(config.port, config.host);
  } catch (err) {
    process.stderr.write(`multiregion-router: ${(err as Error).message}\n`);
    process.exitCode = 2;
    await router.close(0);
    return undefined;
  }
  const partitions = config.options.partitioning;
  process.stderr.write(
    partitions
      ? `multiregion-router listening on ${router.url} (partitions ${Object.keys(partitions.partitions).join(', ')} by ${describe(partitions.source)})\n`
      : `multiregion-router listening on ${router.url} (write → ${String(config.options.primary)}, read → ${String(config.options.read)})\n`,
  );
  if (router.metricsUrl) process.stderr.write(`multiregion-router metrics on ${router.metricsUrl}\n`);
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

function describe(source: PartitionSource): string {
  return source.type === 'jwt' ? `verified JWT claim '${source.claim}'` : `${source.type} '${source.name}'`;
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`multiregion-router: ${err.message}\n`);
    process.exit(1);
  });
}
