import { globToRegExp } from '../platform/keyspace/globToRegExp';

/**
 * A Redis glob (`*`, `?`, `[...]`, `\x`) as a RegExp, the way SCAN MATCH reads it, so warm keys can be held to the
 * namespace's keyPattern: a plan never writes outside its namespace.
 */
export function keyPatternMatcher(pattern: string): { test(key: string): boolean } {
  // The common case, `prefix:*`, is a prefix check: no regex per key on the hot path.
  const literal = literalPrefixOf(pattern);
  if (literal !== null) return { test: (key: string) => key.startsWith(literal) };
  return globToRegExp(pattern);
}

/** `prefix` when the pattern is `prefix*` with no other glob character (every key starting with it matches), else null. */
export function literalPrefixOf(pattern: string): string | null {
  const literal = pattern.slice(0, -1);
  return pattern.endsWith('*') && !/[*?[\\]/.test(literal) ? literal : null;
}
