import { ConfigProblem, MultiRegionConfigError, show } from '../../core/errors';
import type { ClassifierOptions } from '../classify';
import { DEFAULT_DOCUMENT_BUDGET } from '../document';

const CONFIG_SOURCE = { construct: 'Router', path: 'classifier' };

/** Throws `MultiRegionConfigError` listing every bad classifier option. */
export function validateClassifierOptions(options: ClassifierOptions): void {
  const problems: ConfigProblem[] = [];
  const positive: [keyof ClassifierOptions, unknown, string][] = [
    ['maxBodyBytes', options.maxBodyBytes, '1048576'],
    ['maxTokens', options.maxTokens, String(DEFAULT_DOCUMENT_BUDGET.maxTokens)],
    ['maxDepth', options.maxDepth, String(DEFAULT_DOCUMENT_BUDGET.maxDepth)],
    ['maxAliases', options.maxAliases, String(DEFAULT_DOCUMENT_BUDGET.maxAliases)],
  ];
  for (const [property, value, example] of positive) {
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < 1)) {
      problems.push({ property, message: `${property} ${show(value)} is not a whole number >= 1`, fix: `set it to a positive integer, e.g. ${example} (the default)` });
    }
  }
  const cache = options.documentCacheSize;
  if (cache !== undefined && (!Number.isSafeInteger(cache) || cache < 0)) {
    problems.push({ property: 'documentCacheSize', message: `documentCacheSize ${show(cache)} is not a whole number >= 0`, fix: 'set it to 1000 (the default), or 0 to disable the cache' });
  }
  const paths = options.graphqlPath;
  for (const p of paths === undefined ? [] : typeof paths === 'string' ? [paths] : paths) {
    if (typeof p !== 'string' || !p.startsWith('/') || p.includes('?') || p.includes('#')) {
      problems.push({ property: 'graphqlPath', message: `graphqlPath ${show(p)} is not an absolute path`, fix: "use a path such as '/graphql'" });
    }
  }
  const variable = options.partitionVariable;
  if (variable !== undefined && (typeof variable !== 'string' || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(variable))) {
    problems.push({ property: 'partitionVariable', message: `partitionVariable ${show(variable)} is not a GraphQL variable name`, fix: "give the name without '$', e.g. 'tenant'" });
  }
  if (problems.length > 0) throw new MultiRegionConfigError(CONFIG_SOURCE, problems);
}
