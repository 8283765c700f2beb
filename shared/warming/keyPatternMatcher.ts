import { globMatcher } from '../platform/keyspace/redisGlob';

/**
 * The namespace's keyPattern as the server's own glob matcher reads it (on the key's UTF-8 bytes, as written), so
 * warm keys can be held to it: a plan never writes outside its namespace. `prefix:*` is a prefix check.
 */
export function keyPatternMatcher(pattern: string): { test(key: string): boolean } {
  const matches = globMatcher(pattern);
  return { test: (key: string) => matches(key) };
}

/** `prefix` when the pattern is `prefix*` with no other glob character (every key starting with it matches), else null. */
export function literalPrefixOf(pattern: string): string | null {
  const literal = pattern.slice(0, -1);
  return pattern.endsWith('*') && !/[*?[\\]/.test(literal) ? literal : null;
}
