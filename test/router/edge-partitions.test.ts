import { generateKeyPairSync } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResponseEvent, CloudFrontResultResponse } from 'aws-lambda';
import * as jwt from 'jsonwebtoken';
import { buildEdgeBundle } from '../../lib/aws/private/edge-bundle';
import { createOriginRequestHandler, createOriginResponseHandler, EdgeRouterConfig } from '../../lib/router';

const partitions = {
  eu: { writeHost: 'write.eu.api.example.com', readHost: 'read.eu.api.example.com' },
  us: { writeHost: 'write.us.api.example.com', readHost: 'read.us.api.example.com' },
};
const byHeader: EdgeRouterConfig = { partitioning: { partitions, source: { type: 'header', name: 'x-tenant' } } };

function event(method: string, headers: Record<string, string | string[]>, body?: unknown, querystring = ''): CloudFrontRequestEvent {
  const cf: CloudFrontHeaders = {};
  for (const [name, value] of Object.entries(headers)) cf[name] = ([] as string[]).concat(value).map((v) => ({ key: name, value: v }));
  return {
    Records: [{
      cf: {
        config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'origin-request', requestId: 'req-1' },
        request: {
          clientIp: '203.0.113.9',
          method,
          uri: '/graphql',
          querystring,
          headers: { host: [{ key: 'Host', value: 'd1.cloudfront.net' }], 'content-type': [{ key: 'Content-Type', value: 'application/json' }], ...cf },
          body: body === undefined ? undefined : { action: 'read-only', data: Buffer.from(JSON.stringify(body)).toString('base64'), encoding: 'base64', inputTruncated: false },
          origin: { custom: { customHeaders: {}, domainName: 'placeholder.example.com', keepaliveTimeout: 5, path: '', port: 443, protocol: 'https', readTimeout: 30, sslProtocols: ['TLSv1.2'] } },
        },
      },
    }],
  };
}
const isResponse = (r: CloudFrontRequest | CloudFrontResultResponse): r is CloudFrontResultResponse => 'status' in r;

describe('Lambda@Edge with partitions', () => {
  const lines: string[] = [];
  const handler = createOriginRequestHandler(byHeader, { log: (l) => lines.push(l) });

  it('routes a query to the partition\'s read host and a mutation to its write host', async () => {
    const q = (await handler(event('POST', { 'x-tenant': 'eu' }, { query: '{ me { id } }' }))) as CloudFrontRequest;
    expect([q.origin?.custom?.domainName, q.headers.host[0].value, q.headers['x-multiregion-partition'][0].value]).toEqual(['read.eu.api.example.com', 'read.eu.api.example.com', 'eu']);
    const m = (await handler(event('POST', { 'x-tenant': 'us' }, { query: 'mutation { logout }' }))) as CloudFrontRequest;
    expect(m.origin?.custom?.domainName).toBe('write.us.api.example.com');
  });

  it.each([
    ['no partition header', {}, 'PARTITION_MISSING'],
    ['an unknown partition', { 'x-tenant': 'apac' }, 'PARTITION_UNKNOWN'],
    ['the header twice', { 'x-tenant': ['eu', 'us'] }, 'PARTITION_AMBIGUOUS'],
  ])('%s → a generated 400 response (the origin is never called)', async (_name, headers, code) => {
    const res = await handler(event('POST', { ...headers, accept: 'application/graphql-response+json' }, { query: 'mutation { logout }' }));
    expect(isResponse(res)).toBe(true);
    const r = res as CloudFrontResultResponse;
    expect([r.status, r.headers?.['content-type']?.[0].value, JSON.parse(r.body!).errors[0].extensions.code]).toEqual(['400', 'application/graphql-response+json; charset=utf-8', code]);
    expect(r.headers?.['x-multiregion-route']?.[0].value).toBe('refused');
  });

  it('replaces a viewer\'s own x-multiregion-partition header', async () => {
    const r = (await handler(event('POST', { 'x-tenant': 'eu', 'x-multiregion-partition': 'us' }, { query: '{ me { id } }' }))) as CloudFrontRequest;
    expect(r.headers['x-multiregion-partition']).toEqual([{ key: 'x-multiregion-partition', value: 'eu' }]);
  });

  it('logs one JSON line per decision, without body, query string, token or cookie', async () => {
    lines.length = 0;
    await handler(event('POST', { 'x-tenant': 'eu', cookie: 'session=SECRETCOOKIE', authorization: 'Bearer SECRETTOKEN' }, { query: 'mutation SECRETBODY { logout }' }, 'v=SECRETQUERY'));
    await handler(event('POST', { 'x-tenant': 'nope' }, { query: '{ me { id } }' }));
    expect(lines).toHaveLength(2);
    const [routed, refused] = lines.map((l) => JSON.parse(l));
    expect(routed).toEqual({ type: 'multiregion-router.decision', requestId: 'req-1', method: 'POST', path: '/graphql', route: 'write', reason: 'mutation', partition: 'eu', host: 'write.eu.api.example.com' });
    expect(refused).toEqual({ type: 'multiregion-router.decision', requestId: 'req-1', method: 'POST', path: '/graphql', route: 'refused', reason: 'partition-unknown', status: 400 });
    expect(lines.join('\n')).not.toMatch(/SECRET|nope/);
  });

  it('decisionLog: false logs nothing', async () => {
    const quiet: string[] = [];
    await createOriginRequestHandler({ ...byHeader, decisionLog: false }, { log: (l) => quiet.push(l) })(event('POST', { 'x-tenant': 'eu' }, { query: '{ a }' }));
    expect(quiet).toEqual([]);
  });

  it('reads a GraphQL variable from the base64 body', async () => {
    const h = createOriginRequestHandler({ partitioning: { partitions, source: { type: 'variable', name: 'tenant' } } }, { log: () => undefined });
    const r = (await h(event('POST', {}, { query: 'mutation M($tenant: String!) { logout }', variables: { tenant: 'us' } }))) as CloudFrontRequest;
    expect(r.origin?.custom?.domainName).toBe('write.us.api.example.com');
    const refused = (await h(event('POST', {}, { query: 'mutation { logout }', variables: { tenant: 'us' } }))) as CloudFrontResultResponse;
    expect([refused.status, JSON.parse(refused.body!).errors[0].extensions.code]).toEqual(['400', 'PARTITION_MISSING']);
  });

  it('verifies a JWT against the public key in the config', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const h = createOriginRequestHandler({
      partitioning: { partitions, source: { type: 'jwt', claim: 'partition', keys: { pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string }, audience: 'api' } },
    }, { log: () => undefined });
    const token = (claims: object) => jwt.sign({ aud: 'api', exp: Math.floor(Date.now() / 1000) + 60, ...claims }, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { algorithm: 'RS256' });
    const ok = (await h(event('POST', { authorization: `Bearer ${token({ partition: 'eu' })}` }, { query: 'mutation { a }' }))) as CloudFrontRequest;
    expect(ok.origin?.custom?.domainName).toBe('write.eu.api.example.com');
    const expired = (await h(event('POST', { authorization: `Bearer ${token({ partition: 'eu', exp: 1 })}` }, { query: 'mutation { a }' }))) as CloudFrontResultResponse;
    expect([expired.status, expired.headers?.['www-authenticate']?.[0].value]).toEqual(['401', 'Bearer realm="multiregion-router", error="invalid_token"']);
  });

  it('read-your-own-writes per partition: the response handler marks eu, and eu reads go to eu\'s write host', async () => {
    const response = createOriginResponseHandler(byHeader);
    const responseEvent = (partition: string, cookie?: string): CloudFrontResponseEvent => ({
      Records: [{
        cf: {
          config: { distributionDomainName: 'd', distributionId: 'E', eventType: 'origin-response', requestId: 'r' },
          request: {
            clientIp: '203.0.113.9', method: 'POST', uri: '/graphql', querystring: '',
            headers: {
              'x-multiregion-route': [{ key: 'x-multiregion-route', value: 'write' }],
              'x-multiregion-route-reason': [{ key: 'x-multiregion-route-reason', value: 'mutation' }],
              'x-multiregion-partition': [{ key: 'x-multiregion-partition', value: partition }],
              ...(cookie ? { cookie: [{ key: 'Cookie', value: cookie }] } : {}),
            },
          },
          response: { status: '200', statusDescription: 'OK', headers: {} },
        },
      }],
    });
    const eu = (await response(responseEvent('eu'))).headers['set-cookie'][0].value.split(';')[0];
    expect(eu).toMatch(/^mr_ryw=eu:\d+$/);
    const pinned = (await handler(event('POST', { 'x-tenant': 'eu', cookie: eu }, { query: '{ me { id } }' }))) as CloudFrontRequest;
    expect([pinned.origin?.custom?.domainName, pinned.headers['x-multiregion-route-reason'][0].value]).toEqual(['write.eu.api.example.com', 'read-your-writes']);
    const us = (await handler(event('POST', { 'x-tenant': 'us', cookie: eu }, { query: '{ me { id } }' }))) as CloudFrontRequest;
    expect(us.origin?.custom?.domainName).toBe('read.us.api.example.com');
    const both = (await response(responseEvent('us', eu))).headers['set-cookie'][0].value.split(';')[0];
    expect(both).toMatch(/^mr_ryw=us:\d+~eu:\d+$/);
  });

  it('the partition map baked into the edge bundle routes (router-config.json next to the bundled handler)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mrc-edge-partitions-'));
    try {
      buildEdgeBundle({ ...byHeader, decisionLog: false }, dir);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundled = require(join(dir, 'router', 'edge-handler.js')) as { handler: (e: CloudFrontRequestEvent) => Promise<CloudFrontRequest | CloudFrontResultResponse> };
      const routed = (await bundled.handler(event('POST', { 'x-tenant': 'us' }, { query: '{ me { id } }' }))) as CloudFrontRequest;
      expect(routed.origin?.custom?.domainName).toBe('read.us.api.example.com');
      const refused = (await bundled.handler(event('POST', { 'x-tenant': 'apac' }, { query: '{ me { id } }' }))) as CloudFrontResultResponse;
      expect(refused.status).toBe('400');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
