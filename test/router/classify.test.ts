import { createClassifier, classify } from '../../lib/router';
import { apq, CLASSIFIER_OPTIONS, json, M_ADD, Q_ME, rows, sha } from './request-shapes';

const classifier = createClassifier(CLASSIFIER_OPTIONS);

describe('classify: real-world request shapes', () => {
  it('has at least 130 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(130);
  });

  const cases = rows.map(([name, request, route, reason]) => [name, route, reason, request] as const);
  it.each(cases)('%s → %s (%s)', (_name, route, reason, request) => {
    const decision = classifier.classify(request);
    expect(decision.route).toBe(route);
    expect(decision.reason).toBe(reason);
  });
});

describe('classify: options and helpers', () => {
  it('classifies with defaults (no manifest: hash-only goes to the primary)', () => {
    expect(classify(json({ query: Q_ME }))).toEqual({ route: 'read', reason: 'query' });
    expect(classify(json({ extensions: apq(sha(Q_ME)) }))).toEqual({ route: 'write', reason: 'persisted-query-unknown' });
  });

  it('honours a custom GraphQL path (and several)', () => {
    const c = createClassifier({ graphqlPath: ['/api/graphql', '/v2/graphql'] });
    expect(c.classify({ ...json({ query: Q_ME }), url: '/api/graphql' }).route).toBe('read');
    expect(c.classify({ ...json({ query: Q_ME }), url: '/v2/graphql?x=1' }).route).toBe('read');
    // /graphql is now an ordinary path: POST is a write, whatever it holds
    expect(c.classify(json({ query: Q_ME }))).toEqual({ route: 'write', reason: 'unsafe-method' });
  });

  it('reports the batch entry that made a batch a write', () => {
    expect(classifier.classify(json([{ query: Q_ME }, { query: Q_ME }, { query: M_ADD }]))).toEqual({
      route: 'write',
      reason: 'batch-with-mutation',
      batchIndex: 2,
    });
  });

  it('classifyHead decides without the body when it can, and asks for it otherwise', () => {
    expect(classifier.classifyHead({ method: 'GET', url: '/graphql?query={a}' })).toEqual({ route: 'read', reason: 'query' });
    expect(classifier.classifyHead({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' } })).toBeUndefined();
  });

  it('accepts an Apollo persisted-query manifest', () => {
    const c = createClassifier({
      manifest: {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [
          { id: 'aa11', name: 'Me', type: 'query', body: Q_ME },
          { id: 'bb22', name: 'AddToCart', type: 'mutation', body: M_ADD },
        ],
      },
    });
    expect(c.classify(json({ extensions: apq('aa11') })).route).toBe('read');
    expect(c.classify(json({ extensions: apq('bb22') })).route).toBe('write');
  });

  it('rejects an unreadable manifest with every bad entry named', () => {
    expect(() => createClassifier({ manifest: { abc: 'not graphql {', def: 'fragment F on T { a }' } })).toThrow(
      /2 configuration problems:[\s\S]*manifest\['abc'\] value 'not graphql \{' is neither an operation type nor a parseable GraphQL document; set it to 'query', 'mutation' or 'subscription'[\s\S]*manifest\['def'\]/,
    );
  });

  it('never throws, whatever the body', () => {
    const bodies = ['', '[', '{"query":', '\u0000', '[[[[]]]]', '{"query":"{","operationName":{}}', 'null', '1e999'];
    for (const body of bodies) {
      expect(classifier.classify(json(body)).route).toBe('write');
    }
  });
});
