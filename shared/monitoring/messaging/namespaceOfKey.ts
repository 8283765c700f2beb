import { globMatcher, literalPrefix } from '../../platform/keyspace/redisGlob';
import { resourceIdPattern } from '../../platform/registry/resourceId';

/** A registered namespace: name and Redis glob. */
export interface NamespaceRef {
  namespace: string;
  keyPattern: string;
}

/** Where a key belongs: a registered namespace, or the prefix namespace proposed for it. */
export interface KeyNamespace {
  namespace: string;
  keyPattern: string;
  registered: boolean;
}

/** Escapes Redis glob characters so a literal prefix matches only itself. */
const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Attributes keys to namespaces: the registered pattern with the longest literal head that matches wins; otherwise
 * the key's prefix up to the first `:` is proposed (`orders:eu:1` → `orders` / `orders:*`, a key without `:` stands
 * for itself), so an unregistered stream can be registered and protected. Null when no valid id can be derived.
 */
export function namespaceMatcher(registered: readonly NamespaceRef[]): (key: string) => KeyNamespace | null {
  const compiled = [...registered]
    .sort((a, b) => literalPrefix(b.keyPattern).length - literalPrefix(a.keyPattern).length)
    .map((r) => ({ ...r, matches: globMatcher(r.keyPattern) }));
  return (key) => {
    for (const r of compiled) if (r.matches(key)) return { namespace: r.namespace, keyPattern: r.keyPattern, registered: true };
    if (key.startsWith('b64:')) return null;
    const colon = key.indexOf(':');
    const head = colon > 0 ? key.slice(0, colon) : key;
    const id = head.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
    if (!resourceIdPattern.test(id) || head.length > 200) return null;
    return { namespace: id, keyPattern: colon > 0 ? `${escapeGlob(head)}:*` : escapeGlob(key), registered: false };
  };
}
