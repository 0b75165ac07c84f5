import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResponseEvent } from 'aws-lambda';
import { createOriginRequestHandler, createOriginResponseHandler, EdgeRouterConfig } from '../../lib/router';
import { loadEdgeConfig } from '../../lib/router/edge-handler';

const config: EdgeRouterConfig = {
  writeHost: 'write.api.example.com',
  readHost: 'read.api.example.com',
  manifest: { abc123: 'query' },
};

/** A CloudFront origin-request event as Lambda@Edge receives it (includeBody: true, custom origin). */
function originRequest(request: Partial<CloudFrontRequest> & { body?: CloudFrontRequest['body'] }): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==',
          },
          request: {
            clientIp: '203.0.113.178',
            method: 'GET',
            uri: '/graphql',
            querystring: '',
            headers: {
              host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
              'user-agent': [{ key: 'User-Agent', value: 'Amazon CloudFront' }],
              via: [{ key: 'Via', value: '2.0 2afae0d44e2540f472c0635ab62c232b.cloudfront.net (CloudFront)' }],
              'x-forwarded-for': [{ key: 'X-Forwarded-For', value: '203.0.113.178' }],
            },
            origin: {
              custom: {
                customHeaders: {},
                domainName: 'placeholder.example.com',
                keepaliveTimeout: 5,
                path: '',
                port: 443,
                protocol: 'https',
                readTimeout: 30,
                sslProtocols: ['TLSv1.2'],
              },
            },
            ...request,
          },
        },
      },
    ],
  };
}

const jsonHeaders = {
  host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
  'content-type': [{ key: 'Content-Type', value: 'application/json' }],
};
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** An unpartitioned handler always returns the request (never a generated response). */
const asRequest = (h: ReturnType<typeof createOriginRequestHandler>) => async (e: CloudFrontRequestEvent) => (await h(e)) as CloudFrontRequest;

describe('Lambda@Edge origin-request handler', () => {
  const handler = asRequest(createOriginRequestHandler(config, { log: () => undefined }));

  it('GET query → read host (origin domain and Host header)', async () => {
    const req = await handler(originRequest({ querystring: `query=${encodeURIComponent('{ products { id } }')}` }));
    expect(req.origin?.custom?.domainName).toBe('read.api.example.com');
    expect(req.headers.host).toEqual([{ key: 'Host', value: 'read.api.example.com' }]);
    expect(req.headers['x-multiregion-route']).toEqual([{ key: 'x-multiregion-route', value: 'read' }]);
    expect(req.headers['x-multiregion-route-reason'][0].value).toBe('query');
  });

  it('POST mutation with a base64 body → write host, body untouched', async () => {
    const body = { action: 'read-only' as const, data: base64({ query: 'mutation { checkout { id } }' }), encoding: 'base64' as const, inputTruncated: false };
    const req = await handler(originRequest({ method: 'POST', headers: jsonHeaders, body }));
    expect(req.origin?.custom?.domainName).toBe('write.api.example.com');
    expect(req.headers.host[0].value).toBe('write.api.example.com');
    expect(req.body).toEqual(body);
  });

  it('POST query with a base64 body → read host', async () => {
    const body = { action: 'read-only' as const, data: base64({ query: 'query Q { me { id } }', operationName: 'Q' }), encoding: 'base64' as const, inputTruncated: false };
    const req = await handler(originRequest({ method: 'POST', headers: jsonHeaders, body }));
    expect(req.origin?.custom?.domainName).toBe('read.api.example.com');
  });

  it('POST with a text-encoded body is classified too', async () => {
    const body = { action: 'read-only' as const, data: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ABC123' } } }), encoding: 'text' as const, inputTruncated: false };
    const req = await handler(originRequest({ method: 'POST', headers: jsonHeaders, body }));
    expect(req.headers['x-multiregion-route-reason'][0].value).toBe('persisted-query');
  });

  it('truncated body (over CloudFront\'s limit) → write host', async () => {
    const partial = Buffer.from(JSON.stringify({ query: '{ a }', variables: { blob: 'x'.repeat(100) } })).subarray(0, 40).toString('base64');
    const req = await handler(originRequest({ method: 'POST', headers: jsonHeaders, body: { action: 'read-only', data: partial, encoding: 'base64', inputTruncated: true } }));
    expect(req.origin?.custom?.domainName).toBe('write.api.example.com');
    expect(req.headers['x-multiregion-route-reason'][0].value).toBe('body-truncated');
  });

  it('non-GraphQL path: GET → read, POST → write', async () => {
    const get = await handler(originRequest({ uri: '/images/logo.png' }));
    expect(get.origin?.custom?.domainName).toBe('read.api.example.com');
    const post = await handler(originRequest({ method: 'POST', uri: '/api/orders', headers: jsonHeaders, body: { action: 'read-only', data: base64({}), encoding: 'base64', inputTruncated: false } }));
    expect(post.origin?.custom?.domainName).toBe('write.api.example.com');
  });

  it('garbage base64 → write host, no exception', async () => {
    const req = await handler(originRequest({ method: 'POST', headers: jsonHeaders, body: { action: 'read-only', data: '@@not base64@@', encoding: 'base64', inputTruncated: false } }));
    expect(req.origin?.custom?.domainName).toBe('write.api.example.com');
  });

  it('a live read-your-writes cookie sends reads to the write host', async () => {
    const cookie = [{ key: 'Cookie', value: `session=abc; mr_ryw=${Date.now() + 2000}` }];
    const req = await handler(originRequest({ querystring: 'query=%7Ba%7D', headers: { ...jsonHeaders, cookie } }));
    expect(req.origin?.custom?.domainName).toBe('write.api.example.com');
    expect(req.headers['x-multiregion-route-reason'][0].value).toBe('read-your-writes');
  });

  it('replaces an S3 origin by a custom origin', async () => {
    const event = originRequest({ querystring: 'query=%7Ba%7D' });
    event.Records[0].cf.request.origin = {
      s3: { authMethod: 'none', customHeaders: {}, domainName: 'bucket.s3.amazonaws.com', path: '' },
    };
    const req = await handler(event);
    expect(req.origin?.custom).toMatchObject({ domainName: 'read.api.example.com', protocol: 'https', port: 443 });
    expect(req.origin?.s3).toBeUndefined();
  });

  it('rejects a bad configuration with the fix in the message', () => {
    expect(() => createOriginRequestHandler({ writeHost: 'https://write.example.com', readHost: '' })).toThrow(
      "EdgeRouter 'router-config.json': writeHost 'https://write.example.com' is not a bare hostname; set writeHost to a DNS name",
    );
  });
});

describe('Lambda@Edge origin-response handler', () => {
  const handler = createOriginResponseHandler(config);
  const event = (route: string, reason: string, status: string): CloudFrontResponseEvent => ({
    Records: [
      {
        cf: {
          config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'origin-response', requestId: 'r1' },
          request: {
            clientIp: '203.0.113.178',
            method: 'POST',
            uri: '/graphql',
            querystring: '',
            headers: {
              'x-multiregion-route': [{ key: 'x-multiregion-route', value: route }],
              'x-multiregion-route-reason': [{ key: 'x-multiregion-route-reason', value: reason }],
            },
          },
          response: { status, statusDescription: 'OK', headers: { 'set-cookie': [{ key: 'Set-Cookie', value: 'session=abc' }] } },
        },
      },
    ],
  });

  it('adds the marker cookie after a successful write, keeping other cookies', async () => {
    const res = await handler(event('write', 'mutation', '200'));
    expect(res.headers['set-cookie']).toHaveLength(2);
    expect(res.headers['set-cookie'][1].value).toMatch(/^mr_ryw=\d+; Max-Age=5; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(res.headers['x-multiregion-route'][0].value).toBe('write');
  });

  it('does not mark reads, failed writes or read-your-writes reads', async () => {
    for (const [route, reason, status] of [
      ['read', 'query', '200'],
      ['write', 'mutation', '500'],
      ['write', 'read-your-writes', '200'],
    ]) {
      const res = await handler(event(route, reason, status));
      expect(res.headers['set-cookie']).toHaveLength(1);
    }
  });
});

describe('edge-handler config file', () => {
  it('reads router-config.json from the handler directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-'));
    try {
      writeFileSync(join(dir, 'router-config.json'), JSON.stringify(config));
      expect(loadEdgeConfig(dir)).toEqual(config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Lambda@Edge fails safe (issue 19, item 9)', () => {
  const handler = asRequest(createOriginRequestHandler(config, { log: () => undefined }));

  it('an event without headers goes to the write host instead of throwing', async () => {
    const event = originRequest({ querystring: 'query=%7Ba%7D' });
    delete (event.Records[0].cf.request as Partial<CloudFrontRequest>).headers;
    const req = await handler(event);
    expect(req.origin?.custom?.domainName).toBe('write.api.example.com');
    expect(req.headers.host).toEqual([{ key: 'Host', value: 'write.api.example.com' }]);
    expect(req.headers['x-multiregion-route-reason'][0].value).toBe('malformed-request');
  });

  it('headers that are not CloudFront-shaped, or a missing method, go to the write host', async () => {
    const nullHeaders = originRequest({ querystring: 'query=%7Ba%7D' });
    (nullHeaders.Records[0].cf.request as { headers: unknown }).headers = null;
    expect((await handler(nullHeaders)).origin?.custom?.domainName).toBe('write.api.example.com');
    const noMethod = originRequest({ querystring: 'query=%7Ba%7D' });
    delete (noMethod.Records[0].cf.request as { method?: string }).method;
    expect((await handler(noMethod)).origin?.custom?.domainName).toBe('write.api.example.com');
    const oddValue = originRequest({ querystring: 'query=%7Ba%7D' });
    (oddValue.Records[0].cf.request.headers as Record<string, unknown>).cookie = 'not-a-list';
    expect((await handler(oddValue)).origin?.custom?.domainName).toBe('read.api.example.com');
  });

  it('the origin-response handler copes with an event without headers', async () => {
    const response = createOriginResponseHandler(config);
    const event = {
      Records: [{ cf: { config: { distributionDomainName: 'd', distributionId: 'E', eventType: 'origin-response', requestId: 'r' }, request: { clientIp: '203.0.113.1', method: 'GET', uri: '/graphql', querystring: '' }, response: { status: '200', statusDescription: 'OK' } } }],
    } as unknown as CloudFrontResponseEvent;
    const res = await response(event);
    expect(res.headers).toEqual({});
  });
});

describe('Lambda@Edge read-your-own-writes (issue 19, item 8)', () => {
  const signed: EdgeRouterConfig = { ...config, readYourWrites: { windowMs: 5000, signingKey: 's'.repeat(48) } };
  const responseEvent = (reason: string): CloudFrontResponseEvent => ({
    Records: [
      {
        cf: {
          config: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'origin-response', requestId: 'r1' },
          request: {
            clientIp: '203.0.113.178',
            method: 'POST',
            uri: '/graphql',
            querystring: '',
            headers: {
              'x-multiregion-route': [{ key: 'x-multiregion-route', value: 'write' }],
              'x-multiregion-route-reason': [{ key: 'x-multiregion-route-reason', value: reason }],
            },
          },
          response: { status: '200', statusDescription: 'OK', headers: {} },
        },
      },
    ],
  });

  it('an APQ miss or a parse error on the primary does not mark the client', async () => {
    const response = createOriginResponseHandler(config);
    for (const reason of ['persisted-query-unknown', 'parse-error', 'missing-query', 'ambiguous-params']) {
      expect((await response(responseEvent(reason))).headers['set-cookie']).toBeUndefined();
    }
    expect((await response(responseEvent('batch-with-mutation'))).headers['set-cookie']).toHaveLength(1);
  });

  it('signed markers: the one the response handler sets is honoured, a forged one is not', async () => {
    const res = await createOriginResponseHandler(signed)(responseEvent('mutation'));
    const cookie = res.headers['set-cookie'][0].value.split(';')[0];
    expect(cookie).toMatch(/^mr_ryw=\d+\.[A-Za-z0-9_-]{43}$/);
    const handler = asRequest(createOriginRequestHandler(signed, { log: () => undefined }));
    const withCookie = (value: string) => originRequest({ querystring: 'query=%7Ba%7D', headers: { ...jsonHeaders, cookie: [{ key: 'Cookie', value }] } });
    expect((await handler(withCookie(cookie))).origin?.custom?.domainName).toBe('write.api.example.com');
    expect((await handler(withCookie(`mr_ryw=${Date.now() + 2000}`))).origin?.custom?.domainName).toBe('read.api.example.com');
  });
});
