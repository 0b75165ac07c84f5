import * as http from 'http';
import { createClassifier } from '../../lib/router';
import { RealServer, SERVER_KINDS, startRealServer } from './real-servers';
import { CLASSIFIER_OPTIONS, M_LOGOUT, sha } from './request-shapes';

/**
 * A seeded property test next to the table: random combinations of methods,
 * path spellings, URL parameters, charsets, bodies, batches, persisted-query
 * extensions and method overrides. Every request the classifier routes to
 * `read`, sent to a real server of each kind, must execute no mutation.
 * Write-routed samples are sent too, to show the check can see a mutation.
 */
const REQUESTS = 400;

interface Generated {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

function generator(seed: number): () => Generated {
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return (state >>> 12) % n; // high bits: the low bits of this LCG have short periods
  };
  const pick = <T>(values: readonly T[]): T => values[rnd(values.length)];
  const maybe = (percent: number) => rnd(100) < percent;
  const docs = ['{ me { id } }', 'query Q { me { id } }', 'query A { a } mutation B { logout }', 'mutation { logout }', 'query Q { me { id } } mutation M { logout }', '{ a }'];
  const extensions = () => pick([{ persistedQuery: { version: 1, sha256Hash: sha(M_LOGOUT) } }, { persistedQuery: { version: 1, sha256Hash: sha('{ me { id } }') } }, {}, { tracing: true }]);
  return () => {
    const method = pick(['GET', 'POST', 'POST', 'HEAD']);
    const path = maybe(70) ? '/graphql' : pick(['/GraphQL', '//graphql', '/graphql/', '/%67raphql', '/other', '/graphql/x']);
    const params: string[] = [];
    if (method !== 'POST' || maybe(15)) {
      if (maybe(90)) params.push(`query=${encodeURIComponent(pick(docs))}`);
      if (maybe(30)) params.push(`operationName=${pick(['A', 'B', 'Q', 'M'])}`);
      if (maybe(15)) params.push(`extensions=${encodeURIComponent(JSON.stringify(extensions()))}`);
      if (maybe(10)) params.push(`${pick(['Query', 'variables', 'id', 'x', 'query[0]'])}=${encodeURIComponent(pick(docs))}`);
    }
    const url = params.length > 0 ? `${path}?${params.join(maybe(5) ? ';' : '&')}` : path;
    const headers: Record<string, string> = {};
    let body: Buffer | undefined;
    if (method === 'POST' || maybe(5)) {
      headers['content-type'] = maybe(80) ? 'application/json' : pick(['application/json; charset=utf-8', 'application/json; charset=utf-7', 'application/graphql', 'application/json; charset=UTF-8']);
      const params: Record<string, unknown> = { query: pick(docs) };
      if (maybe(40)) params.operationName = pick(['A', 'B', 'Q', 'M', null, '']);
      if (maybe(25)) params.extensions = extensions();
      if (maybe(5)) params.documentId = sha(M_LOGOUT);
      let text = headers['content-type'].startsWith('application/graphql') ? pick(docs) : JSON.stringify(maybe(15) ? [params, { query: pick(docs) }] : params);
      if (maybe(5)) text = text.replace(/^\{/, `{"query":${JSON.stringify(pick(docs))},`);
      if (headers['content-type'].includes('utf-7') && maybe(50)) text = '{"query":"{ me { id } }","x":"+ACI-,+ACI-query+ACI-:+ACI-mutation { logout }+ACI-,+ACI-y+ACI-:+ACI-"}';
      body = Buffer.from(text);
    }
    if (maybe(5)) headers['x-http-method-override'] = pick(['GET', 'POST']);
    return { method, url, headers, body };
  };
}

function send(server: RealServer, request: Generated, agent: http.Agent): Promise<number> {
  const { hostname, port } = new URL(server.url);
  const headers: http.OutgoingHttpHeaders = { ...request.headers, 'apollo-require-preflight': 'true' };
  if (request.body) headers['content-length'] = request.body.length;
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: request.method, path: request.url, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${request.method} ${request.url}`)));
    req.end(request.body);
  });
}

describe('random requests against real servers', () => {
  const classifier = createClassifier(CLASSIFIER_OPTIONS);
  const next = generator(20261129);
  const requests = Array.from({ length: REQUESTS }, next);
  const routedRead = requests.filter((r) => classifier.classify({ method: r.method, url: r.url, headers: r.headers, body: r.body }).route === 'read');
  const routedWrite = requests.filter((r) => !routedRead.includes(r));

  it('the generator produces both reads and writes', () => {
    expect(routedRead.length).toBeGreaterThan(50);
    expect(routedWrite.length).toBeGreaterThan(50);
  });

  it.each(SERVER_KINDS)('%s: no request routed to read executes a mutation', async (kind) => {
    const server = await startRealServer(kind, 'control', [M_LOGOUT]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const leaks: string[] = [];
      for (const request of routedRead) {
        const before = server.executed.length;
        await send(server, request, agent);
        if (server.executed.length > before) leaks.push(`${request.method} ${request.url} ${request.body?.toString() ?? ''}`);
      }
      expect(leaks).toEqual([]);
      // The same server does execute mutations, among the write-routed requests.
      for (const request of routedWrite.slice(0, 150)) await send(server, request, agent);
      expect(server.executed.length).toBeGreaterThan(0);
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
