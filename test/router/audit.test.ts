import { auditServer, AuditResult } from 'graphql-http';
import { createRouterServer, RouterServer } from '../../lib/router';
import { startGraphqlServer, TestUpstream } from './helpers';

/**
 * The GraphQL-over-HTTP server audits (graphql-http's `auditServer`), run
 * against a compliant server directly and through the router: the router
 * must not change the outcome of any audit.
 */
describe('GraphQL-over-HTTP audits through the router', () => {
  let primary: TestUpstream;
  let replica: TestUpstream;
  let router: RouterServer;
  let direct: AuditResult[];
  let routed: AuditResult[];

  beforeAll(async () => {
    primary = await startGraphqlServer('primary');
    replica = await startGraphqlServer('replica');
    router = createRouterServer({ primary: primary.url, read: replica.url });
    await router.listen(0, '127.0.0.1');
    direct = await auditServer({ url: `${primary.url}/graphql` });
    routed = await auditServer({ url: `${router.url}/graphql` });
  });

  afterAll(async () => {
    await router.close(1000);
    await Promise.all([primary.close(), replica.close()]);
  });

  it('runs the full audit list both ways', () => {
    expect(direct.length).toBeGreaterThan(30);
    expect(routed.map((r) => r.id)).toEqual(direct.map((r) => r.id));
  });

  it('the direct server passes the MUST audits (sanity check of the baseline)', () => {
    const mustFailures = direct.filter((r) => r.name.startsWith('MUST') && r.status !== 'ok');
    expect(mustFailures.map((r) => `${r.id} ${r.name}`)).toEqual([]);
  });

  it('every audit has the same outcome through the router as direct', () => {
    const outcome = (results: AuditResult[]) => Object.fromEntries(results.map((r) => [`${r.id} ${r.name}`, r.status]));
    expect(outcome(routed)).toEqual(outcome(direct));
  });

  it('the audits exercised both routes', () => {
    const seenByReplica = replica.seen.length;
    const seenByPrimary = primary.seen.length;
    expect(seenByReplica).toBeGreaterThan(0);
    // The primary got the direct run plus every write / unclassifiable request of the routed run.
    expect(seenByPrimary).toBeGreaterThan(direct.length);
  });
});
