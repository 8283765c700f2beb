import { globMatcher } from '../../platform/keyspace/redisGlob';

/** A configured namespace: its name and Redis glob (`NamespacePolicySpec.keyPattern`). */
export interface NamespacePattern {
  name: string;
  keyPattern: string;
}

/** Namespace name of keys without the delimiter (when no configured pattern matches). */
export const unprefixedNamespace = '(none)';
/** Namespace name once `maxPrefixes` distinct prefixes were seen. */
export const overflowNamespace = '(other)';

export interface NamespaceMatcherOptions {
  /** Configured namespaces; the first match wins, most specific (longest literal head) first. @default [] */
  patterns?: readonly NamespacePattern[];
  /** Delimiter of the key prefix used for keys no pattern matches. @default ':' */
  delimiter?: string;
  /** Distinct prefix namespaces before the rest is counted as `(other)` (bounds the aggregate). @default 200 */
  maxPrefixes?: number;
}

/**
 * Puts keys into namespaces: the configured namespace whose pattern matches, else the prefix up to the first
 * delimiter (`user:42` → `user:*`). Names of prefix namespaces are the glob they stand for, so they can be
 * registered as namespace policies as they are.
 */
export class NamespaceMatcher {
  private readonly compiled: { name: string; matches: (key: Uint8Array | string) => boolean }[];
  private readonly delimiter: string;
  private readonly maxPrefixes: number;
  private readonly prefixes = new Set<string>();

  constructor(options: NamespaceMatcherOptions = {}) {
    const byHead = [...(options.patterns ?? [])].sort((a, b) => literalHead(b.keyPattern).length - literalHead(a.keyPattern).length);
    this.compiled = byHead.map((p) => ({ name: p.name, matches: globMatcher(p.keyPattern) }));
    this.delimiter = options.delimiter ?? ':';
    this.maxPrefixes = options.maxPrefixes ?? 200;
  }

  /** True when `name` is a configured namespace (not a prefix found in the data). */
  isConfigured(name: string): boolean {
    return this.compiled.some((c) => c.name === name);
  }

  /** Counts prefix namespaces found earlier (a resumed job) against `maxPrefixes`, so resuming keeps the bound. */
  remember(names: Iterable<string>): void {
    for (const name of names) if (!this.isConfigured(name) && name !== unprefixedNamespace && name !== overflowNamespace) this.prefixes.add(name);
  }

  /** The namespace of one key: patterns are matched on the key's bytes, as SCAN MATCH does; prefixes are read as latin1. */
  namespaceOf(key: Buffer | string): string {
    for (const { name, matches } of this.compiled) if (matches(key)) return name;
    const text = typeof key === 'string' ? key : key.toString('latin1');
    const at = text.indexOf(this.delimiter);
    if (at <= 0) return unprefixedNamespace;
    const prefix = `${text.slice(0, at + this.delimiter.length)}*`;
    if (this.prefixes.has(prefix)) return prefix;
    if (this.prefixes.size >= this.maxPrefixes) return overflowNamespace;
    this.prefixes.add(prefix);
    return prefix;
  }
}

/** The part of a glob before its first special character. */
function literalHead(glob: string): string {
  const special = glob.search(/[*?[\\]/);
  return special === -1 ? glob : glob.slice(0, special);
}
