import * as http from 'http';
import type { AddressInfo } from 'net';
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';

/** A small schema whose resolvers report which server ran them. */
export function reportingSchema(name: string): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        servedBy: { type: new GraphQLNonNull(GraphQLString), resolve: () => name },
        echo: {
          type: GraphQLString,
          args: { text: { type: GraphQLString } },
          resolve: (_root, args: { text?: string }) => args.text ?? null,
        },
      },
    }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: {
        write: {
          type: new GraphQLNonNull(GraphQLString),
          args: { value: { type: GraphQLString } },
          resolve: () => name,
        },
      },
    }),
  });
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface TestUpstream {
  readonly name: string;
  readonly url: string;
  readonly server: http.Server;
  /** Every request this server received. */
  readonly seen: SeenRequest[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A graphql-http server on 127.0.0.1:0 at /graphql, plus test endpoints:
 * /echo (method, headers and body size back as JSON), /slow?ms=n.
 */
export async function startGraphqlServer(name: string): Promise<TestUpstream> {
  const graphql = createHandler({ schema: reportingSchema(name) });
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/graphql') {
      graphql(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    if (path === '/echo' || path === '/slow') {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
        const timer = setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name });
          res.end(JSON.stringify({ servedBy: name, method: req.method, headers: req.headers, bytes }));
        }, ms);
        res.once('close', () => clearTimeout(timer));
      });
      return;
    }
    res.writeHead(404).end();
  });
  const upstream: TestUpstream = {
    name,
    url: '',
    server,
    seen,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => upstream.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (upstream as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST a JSON body to `url` and return status, headers and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Raw HTTP request (for chunked bodies and odd headers fetch will not send). */
export function rawRequest(
  url: string,
  options: http.RequestOptions,
  chunks: (string | Buffer)[] = [],
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, ...options }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
