import type { ClassifiableRequest, PartitionSource, RefusalReason, Route, RouteReason } from '../../lib/router';
import { apq, get, json, sha, UNKNOWN_HASH, UTF7_SMUGGLE } from './request-shapes';

/**
 * The classification table with partitions (partition rows): a request, the
 * partition source, the header lines the source reads, and either the route
 * it takes in which partition, or the refusal. Asserted by
 * test/router/partitions.test.ts, and replayed over HTTP through the Node
 * router by test/router/partitions-e2e.test.ts.
 */
export const PARTITIONS = ['eu', 'us'] as const;

export const Q_T = 'query Orders($tenant: String!) { me { id } }';
export const M_T = 'mutation Place($tenant: String!) { addToCart(sku: "a") { id } }';
export const Q_DEFAULT = 'query Orders($tenant: String = "us") { me { id } }';
export const M_UNDECLARED = 'mutation { logout }';
export const MULTI_T = 'query A($tenant: String!) { me { id } } mutation B { logout }';
export const partitionManifest = {
  [sha(Q_T)]: 'query', // type only: no declarations known
  [sha(Q_DEFAULT)]: Q_DEFAULT, // document text: the default counts
  [sha(M_T)]: M_T,
};

export type Expect =
  | { readonly route: Route; readonly reason: RouteReason; readonly partition: string }
  | { readonly refused: RefusalReason; readonly status: number };

export type PartitionRow = [name: string, source: PartitionSource, request: ClassifiableRequest, lines: readonly string[], expected: Expect];

const header: PartitionSource = { type: 'header', name: 'x-tenant' };
const cookie: PartitionSource = { type: 'cookie', name: 'tenant' };
const variable: PartitionSource = { type: 'variable', name: 'tenant' };

const read = (reason: RouteReason, partition: string): Expect => ({ route: 'read', reason, partition });
const write = (reason: RouteReason, partition: string): Expect => ({ route: 'write', reason, partition });
const refused = (reason: RefusalReason, status = 400): Expect => ({ refused: reason, status });

const Q = { query: '{ me { id } }' };
const M = { query: 'mutation { logout }' };

export const partitionRows: PartitionRow[] = [
  // --- header source (set by a trusted layer in front)
  ['header: query', header, json(Q), ['eu'], read('query', 'eu')],
  ['header: mutation', header, json(M), ['us'], write('mutation', 'us')],
  ['header: parse error goes to the partition\'s write route', header, json({ query: '{ me {' }), ['eu'], write('parse-error', 'eu')],
  ['header: UTF-7 smuggling body goes to the partition\'s write route', header, { ...json(''), headers: { 'content-type': 'application/json; charset=utf-7' }, body: UTF7_SMUGGLE }, ['us'], write('unsupported-charset', 'us')],
  ['header: unknown persisted hash goes to the partition\'s write route', header, json({ extensions: apq(UNKNOWN_HASH) }), ['eu'], write('persisted-query-unknown', 'eu')],
  ['header: REST GET elsewhere reads in the partition', header, { method: 'GET', url: '/products/42', headers: {} }, ['eu'], read('safe-method', 'eu')],
  ['header: REST POST elsewhere writes in the partition', header, { method: 'POST', url: '/api/orders', headers: { 'content-type': 'application/json' }, body: '{}' }, ['us'], write('unsafe-method', 'us')],
  ['header: GET query', header, get({ query: '{ me { id } }' }), ['us'], read('query', 'us')],
  ['header: missing', header, json(Q), [], refused('partition-missing')],
  ['header: empty', header, json(Q), [' '], refused('partition-missing')],
  ['header: unknown partition', header, json(M), ['apac'], refused('partition-unknown')],
  ['header: another letter case is another partition name', header, json(M), ['EU'], refused('partition-unknown')],
  ['header: twice', header, json(M), ['eu', 'us'], refused('partition-ambiguous')],
  ['header: twice with the same value', header, json(M), ['eu', 'eu'], refused('partition-ambiguous')],
  ['header: a list', header, json(M), ['eu, us'], refused('partition-ambiguous')],
  ['header: CORS preflight without the header (no preflightPartition)', header, { method: 'OPTIONS', url: '/graphql', headers: {} }, [], refused('partition-missing')],
  // --- cookie source
  ['cookie: query', cookie, json(Q), ['session=x; tenant=eu'], read('query', 'eu')],
  ['cookie: mutation', cookie, json(M), ['tenant=us'], write('mutation', 'us')],
  ['cookie: the same cookie twice, same value', cookie, json(M), ['tenant=us; a=b; tenant=us'], write('mutation', 'us')],
  ['cookie: two values (servers keep the first or the last)', cookie, json(M), ['tenant=eu; tenant=us'], refused('partition-ambiguous')],
  ['cookie: two Cookie header lines with different values', cookie, json(M), ['tenant=eu', 'tenant=us'], refused('partition-ambiguous')],
  ['cookie: another letter case (case-insensitive servers read it)', cookie, json(M), ['tenant=eu; Tenant=us'], refused('partition-ambiguous')],
  ['cookie: quoted value', cookie, json(M), ['tenant="eu"'], refused('partition-unknown')],
  ['cookie: percent-encoded value', cookie, json(M), ['tenant=e%75'], refused('partition-unknown')],
  ['cookie: no such cookie', cookie, json(M), ['session=x'], refused('partition-missing')],
  // --- variable source: read as a server reads it
  ['variable: query', variable, json({ query: Q_T, variables: { tenant: 'eu' } }), [], read('query', 'eu')],
  ['variable: mutation', variable, json({ query: M_T, variables: { tenant: 'us' } }), [], write('mutation', 'us')],
  ['variable: the declared default when absent', variable, json({ query: Q_DEFAULT }), [], read('query', 'us')],
  ['variable: explicit null beats the default', variable, json({ query: Q_DEFAULT, variables: { tenant: null } }), [], refused('partition-missing')],
  ['variable: an explicit value beats the default', variable, json({ query: Q_DEFAULT, variables: { tenant: 'eu' } }), [], read('query', 'eu')],
  ['variable: the operation does not declare $tenant (the server never reads it)', variable, json({ query: M_UNDECLARED, variables: { tenant: 'eu' } }), [], refused('partition-missing')],
  ['variable: operationName selects the operation that does not declare it', variable, json({ query: MULTI_T, operationName: 'B', variables: { tenant: 'eu' } }), [], refused('partition-missing')],
  ['variable: operationName selects the operation that declares it', variable, json({ query: MULTI_T, operationName: 'A', variables: { tenant: 'eu' } }), [], read('query', 'eu')],
  ['variable: absent, no default', variable, json({ query: Q_T }), [], refused('partition-missing')],
  ['variable: not a string', variable, json({ query: Q_T, variables: { tenant: 5 } }), [], refused('partition-unreadable')],
  ['variable: another letter case next to it', variable, json({ query: Q_T, variables: { tenant: 'eu', Tenant: 'us' } }), [], refused('partition-ambiguous')],
  ['variable: duplicate key in variables', variable, json(`{"query":${JSON.stringify(Q_T)},"variables":{"tenant":"eu","tenant":"us"}}`), [], refused('partition-unreadable')],
  ['variable: variables as a JSON string (express-graphql parses it)', variable, json({ query: Q_T, variables: JSON.stringify({ tenant: 'us' }) }), [], read('query', 'us')],
  ['variable: variables as a JSON string with a duplicate key', variable, json({ query: Q_T, variables: '{"tenant":"eu","tenant":"us"}' }), [], refused('partition-ambiguous')],
  ['variable: unknown partition', variable, json({ query: M_T, variables: { tenant: 'apac' } }), [], refused('partition-unknown')],
  ['variable: GET query with variables in the URL', variable, get({ query: Q_T, variables: JSON.stringify({ tenant: 'eu' }) }), [], read('query', 'eu')],
  ['variable: GET mutation (the partition\'s primary answers 405)', variable, get({ query: M_T, variables: JSON.stringify({ tenant: 'us' }) }), [], write('mutation-over-get', 'us')],
  ['variable: GET with unparseable variables', variable, get({ query: Q_T, variables: '{tenant' }), [], refused('partition-unreadable')],
  ['variable: batch, every entry in eu', variable, json([{ query: Q_T, variables: { tenant: 'eu' } }, { query: Q_DEFAULT, variables: { tenant: 'eu' } }]), [], read('batch-of-queries', 'eu')],
  ['variable: batch with a mutation, every entry in us', variable, json([{ query: Q_T, variables: { tenant: 'us' } }, { query: M_T, variables: { tenant: 'us' } }]), [], write('batch-with-mutation', 'us')],
  ['variable: batch spanning two partitions', variable, json([{ query: Q_T, variables: { tenant: 'eu' } }, { query: M_T, variables: { tenant: 'us' } }]), [], refused('partition-ambiguous')],
  ['variable: batch with an entry without a partition', variable, json([{ query: Q_T, variables: { tenant: 'eu' } }, { query: M_UNDECLARED }]), [], refused('partition-ambiguous')],
  ['variable: URL variables on a POST naming another partition (express-graphql reads the URL)', variable, { ...json({ query: Q_T, variables: { tenant: 'eu' } }), url: `/graphql?variables=${encodeURIComponent('{"tenant":"us"}')}` }, [], refused('partition-ambiguous')],
  ['variable: URL variables on a POST naming the same partition', variable, { ...json({ query: Q_T, variables: { tenant: 'eu' } }), url: `/graphql?variables=${encodeURIComponent('{"tenant":"eu"}')}` }, [], read('query', 'eu')],
  ['variable: URL operationName on a POST selecting another operation', variable, { ...json({ query: MULTI_T, operationName: 'A', variables: { tenant: 'eu' } }), url: '/graphql?operationName=B' }, [], refused('partition-ambiguous')],
  ['variable: APQ miss keeps the explicit value (the client retries with the text)', variable, json({ extensions: apq(UNKNOWN_HASH), variables: { tenant: 'eu' } }), [], write('persisted-query-unknown', 'eu')],
  ['variable: persisted query known by type only: the explicit value', variable, json({ extensions: apq(sha(Q_T)), variables: { tenant: 'us' } }), [], read('persisted-query', 'us')],
  ['variable: persisted document text: its default counts', variable, json({ extensions: apq(sha(Q_DEFAULT)) }), [], read('persisted-query', 'us')],
  ['variable: persisted mutation by document text', variable, json({ extensions: apq(sha(M_T)), variables: { tenant: 'eu' } }), [], write('persisted-mutation', 'eu')],
  ['variable: application/graphql body: only a default can name the partition', variable, json(Q_DEFAULT, 'application/graphql'), [], read('query', 'us')],
  ['variable: application/graphql body without a default', variable, json(Q_T, 'application/graphql'), [], refused('partition-missing')],
  ['variable: document over the parse budget keeps the explicit value (to the write route)', variable, json({ query: `query Big($tenant: String) { ${'f '.repeat(16_000)}}`, variables: { tenant: 'eu' } }), [], write('document-over-budget', 'eu')],
  ['variable: parse error with the value', variable, json({ query: '{ me {', variables: { tenant: 'us' } }), [], write('parse-error', 'us')],
  ['variable: invalid JSON', variable, json('{"query": "{ me }", "variables": {"tenant": "eu"}'), [], refused('partition-unreadable')],
  ['variable: UTF-7 smuggling body', variable, { ...json(''), headers: { 'content-type': 'application/json; charset=utf-7' }, body: UTF7_SMUGGLE }, [], refused('partition-unreadable')],
  ['variable: duplicate "variables" key', variable, json(`{"query":${JSON.stringify(M_T)},"variables":{"tenant":"eu"},"variables":{"tenant":"us"}}`), [], refused('partition-unreadable')],
  ['variable: REST GET elsewhere has no variable', variable, { method: 'GET', url: '/products/42', headers: {} }, [], refused('partition-missing')],
  ['variable: multipart upload', variable, json('--x\r\n', 'multipart/form-data; boundary=x'), [], refused('partition-unreadable')],
];
