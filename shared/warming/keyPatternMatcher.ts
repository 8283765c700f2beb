/**
 * A Redis glob (`*`, `?`, `[...]`, `\x`) as a RegExp, the way SCAN MATCH reads it, so warm keys can be held to the
 * namespace's keyPattern: a plan never writes outside its namespace.
 */
export function keyPatternMatcher(pattern: string): { test(key: string): boolean } {
  // The common case, `prefix:*`, is a prefix check: no regex per key on the hot path.
  const literal = literalPrefixOf(pattern);
  if (literal !== null) return { test: (key: string) => key.startsWith(literal) };
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) out += escape(pattern[++i] as string);
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        const negate = body.startsWith('^');
        if (negate) body = body.slice(1);
        out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else out += escape(c);
  }
  return new RegExp(`${out}$`);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `prefix` when the pattern is `prefix*` with no other glob character (every key starting with it matches), else null. */
export function literalPrefixOf(pattern: string): string | null {
  const literal = pattern.slice(0, -1);
  return pattern.endsWith('*') && !/[*?[\\]/.test(literal) ? literal : null;
}
