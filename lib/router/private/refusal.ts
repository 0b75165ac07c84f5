import type { PartitionRefusal } from '../partitions';

/**
 * A refused request's answer, as a GraphQL-over-HTTP request error: a 4xx
 * status and `{"errors":[…]}`, in `application/graphql-response+json` when
 * the client accepts it and `application/json` otherwise
 * (https://graphql.github.io/graphql-over-http/draft/#sec-Accept and
 * #sec-application-graphql-response-json). The same for the Node router and
 * the Lambda@Edge handler.
 */
export interface RefusalResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/** The media type to answer with, from the request's `Accept`. */
export function responseMediaType(accept: string | undefined): string {
  if (accept === undefined) return 'application/json';
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';');
    if (type.trim().toLowerCase() !== GRAPHQL_RESPONSE_JSON) continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return GRAPHQL_RESPONSE_JSON;
  }
  return 'application/json';
}

export function refusalResponse(refusal: PartitionRefusal, accept: string | undefined): RefusalResponse {
  const body = JSON.stringify({
    errors: [{ message: refusal.message, extensions: { code: refusal.reason.toUpperCase().replace(/-/g, '_') } }],
  });
  const headers: Record<string, string> = {
    'content-type': `${responseMediaType(accept)}; charset=utf-8`,
    'cache-control': 'no-store',
  };
  if (refusal.authenticate) headers['www-authenticate'] = refusal.authenticate;
  return { status: refusal.status, headers, body };
}
