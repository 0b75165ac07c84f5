import * as http from 'http';
import { ClassifiableRequest, createRouterServer, RouterServer } from '../../lib/router';
import { RealServer, ServerKind, SERVER_KINDS, startRealServer } from './real-servers';
import { CLASSIFIER_OPTIONS, LEAKS, M_LOGOUT, rows } from './request-shapes';

/**
 * Issue 19: the router in front of real GraphQL servers from npm. Every
 * request of the classification table (leaks included) goes through the
 * router to a primary and a replica of the same server, and directly to a
 * third "control" instance. The control shows what the request does on that
 * server; the replica must never execute a mutation.
 */

/** Requests that cannot be sent over a socket as written (platform-only flags, a Content-Length without its body). */
const replayable = rows.filter(([, request]) => !request.bodyTruncated && !(request.headers?.['content-length'] !== undefined && request.body === undefined));

/**
 * The leaks a server of each kind really has: the control executes a
 * mutation for these requests, which the router before issue 19 sent to the
 * replica. The suite checks they are still real, so it keeps proving something.
 */
const REAL_LEAKS: Record<ServerKind, readonly string[]> = {
  'graphql-http': [],
  'apollo-server-4 (express)': ['charset=utf-7 body with a second "query" (UTF-7 view: a mutation)'],
  'express-graphql': [
    'charset=utf-7 body with a second "query" (UTF-7 view: a mutation)',
    'POST ?query=mutation with a query body',
    'POST ?operationName= selecting the mutation of the body document',
    'POST application/graphql ?operationName= selecting a mutation',
  ],
  'graphql-http + stored documents': [
    'query text + APQ hash of another document (a stored mutation)',
    'query text + APQ hash of a stored mutation, operationName of the stored one',
  ],
};

interface Outcome {
  readonly name: string;
  readonly route: string | undefined;
  readonly status: number;
  readonly onReplica: number;
  readonly onPrimary: number;
  readonly onControl: number;
}

describe.each(SERVER_KINDS)('router in front of %s', (kind) => {
  let primary: RealServer;
  let replica: RealServer;
  let control: RealServer;
  let router: RouterServer;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    const stored = [M_LOGOUT];
    [primary, replica, control] = await Promise.all([
      startRealServer(kind, 'primary', stored),
      startRealServer(kind, 'replica', stored),
      startRealServer(kind, 'control', stored),
    ]);
    router = createRouterServer({ primary: primary.url, read: replica.url, ...CLASSIFIER_OPTIONS, readYourWrites: false });
    await router.listen();
    for (const [name, request] of replayable) {
      const before = [replica.executed.length, primary.executed.length, control.executed.length];
      const routed = await send(router.url, request, agent);
      await send(control.url, request, agent);
      outcomes.push({
        name,
        route: routed.headers['x-multiregion-route'] as string | undefined,
        status: routed.status,
        onReplica: replica.executed.length - before[0],
        onPrimary: primary.executed.length - before[1],
        onControl: control.executed.length - before[2],
      });
    }
  });

  afterAll(async () => {
    agent.destroy();
    await router?.close(500);
    await Promise.all([primary?.close(), replica?.close(), control?.close()]);
  });

  it('replays the whole table, leaks included', () => {
    expect(outcomes.length).toBe(replayable.length);
    expect(outcomes.length).toBeGreaterThan(120);
    expect(outcomes.map((o) => o.name)).toEqual(expect.arrayContaining(LEAKS.map(([name]) => name).filter((n) => replayable.some(([r]) => r === n))));
  });

  it('0 mutations executed on the replica', () => {
    expect(outcomes.filter((o) => o.onReplica > 0).map((o) => o.name)).toEqual([]);
    expect(replica.executed).toEqual([]);
  });

  it('every request that runs a mutation on this server ran it on the primary instead', () => {
    const mismatched = outcomes.filter((o) => o.onControl > 0 && o.onPrimary !== o.onControl);
    expect(mismatched.map((o) => `${o.name}: control ${o.onControl}, primary ${o.onPrimary}`)).toEqual([]);
    expect(outcomes.filter((o) => o.onControl > 0 && o.route !== 'write').map((o) => o.name)).toEqual([]);
    expect(primary.executed.length).toBeGreaterThan(3);
  });

  it('the leaks of issue 19 are real on this server: sent directly, they execute a mutation', () => {
    const proven = outcomes.filter((o) => o.onControl > 0).map((o) => o.name);
    expect(proven).toEqual(expect.arrayContaining([...REAL_LEAKS[kind]]));
    for (const name of REAL_LEAKS[kind]) expect(outcomes.find((o) => o.name === name)?.route).toBe('write');
  });

  it('queries still reach the replica', () => {
    const reads = outcomes.filter((o) => o.route === 'read');
    expect(reads.length).toBeGreaterThan(20);
  });
});

/** Send a table request as it stands (method, target, headers, bytes) and collect the answer. */
function send(base: string, request: ClassifiableRequest, agent: http.Agent): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body);
  const headers: http.OutgoingHttpHeaders = { ...request.headers, 'apollo-require-preflight': 'true' };
  delete headers['content-length'];
  if (body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = body.length;
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: request.method, path: request.url, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Bounded: a server that never answers fails the test instead of hanging it.
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${base} to ${request.method} ${request.url}`)));
    req.end(body);
  });
}
