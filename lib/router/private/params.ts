import { PERSISTED_ID_PARAMS } from './request-parts';

/**
 * Reading GraphQL request parameters (body or URL) the way servers may read
 * them: stored-document references and parameter names in another letter case.
 */

/** Body fields that select what runs, in the order servers read them. */
export const SELECTING_FIELDS = ['query', 'operationName', 'extensions', 'documentId', 'doc_id', 'id', 'queryId'] as const;
export type Params = Partial<Record<(typeof SELECTING_FIELDS)[number] | 'variables', unknown>>;

const canonicalNames = (names: readonly string[]): ReadonlyMap<string, string> => new Map(names.map((n) => [n.toLowerCase(), n]));
export const PARAM_NAMES = canonicalNames([...SELECTING_FIELDS, 'variables']);
export const EXTENSION_NAMES = canonicalNames(['persistedQuery']);

/**
 * A key that names a GraphQL parameter in another letter case (`"QUERY"`,
 * `"PersistedQuery"`): servers that bind JSON case-insensitively (ASP.NET
 * Core's default) read it, the router does not.
 */
export function hasCaseVariant(object: object, names: ReadonlyMap<string, string>): boolean {
  for (const key in object) {
    const canonical = names.get(key.toLowerCase());
    if (canonical !== undefined && canonical !== key) return true;
  }
  return false;
}

export function persistedHash(persistedQuery: unknown): string | undefined {
  if (typeof persistedQuery !== 'object' || persistedQuery === null) return undefined;
  const hash = (persistedQuery as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' && hash !== '' ? hash : undefined;
}

/**
 * The stored-document id a request names (`documentId`, Relay's `doc_id`/`id`,
 * `queryId`), lower case, without a `sha256:` prefix; `undefined` for none,
 * `null` for several that disagree or one that is not a string.
 */
export function persistedId(params: Params): string | undefined | null {
  let found: string | undefined;
  for (const field of PERSISTED_ID_PARAMS) {
    const value = params[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value === '') return null;
    const id = value.toLowerCase().replace(/^sha256:/, '');
    if (found !== undefined && found !== id) return null;
    found = id;
  }
  return found;
}

