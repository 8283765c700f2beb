/**
 * Redis glob matching (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a-c]`, `\x` escapes, byte-wise. Used to test
 * sampled keys against a SCAN MATCH pattern for dry-run estimates.
 */
export function globMatch(pattern: Uint8Array, key: Uint8Array): boolean {
  return match(pattern, 0, key, 0);
}

function match(p: Uint8Array, pi: number, s: Uint8Array, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi] as number;
    if (c === 0x2a /* * */) {
      while (p[pi + 1] === 0x2a) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (match(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === 0x3f /* ? */) {
      pi++;
      si++;
      continue;
    }
    if (c === 0x5b /* [ */) {
      const end = classEnd(p, pi);
      if (!classMatches(p, pi + 1, end, s[si] as number)) return false;
      pi = end + 1;
      si++;
      continue;
    }
    const literal = c === 0x5c && pi + 1 < p.length ? (p[++pi] as number) : c;
    if (literal !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Index of the `]` closing the class opened at `open` (or the last index when unterminated, as Redis does). */
function classEnd(p: Uint8Array, open: number): number {
  let i = open + 1;
  if (p[i] === 0x5e) i++;
  for (; i < p.length; i++) {
    if (p[i] === 0x5c) i++;
    else if (p[i] === 0x5d) return i;
  }
  return p.length - 1;
}

function classMatches(p: Uint8Array, from: number, end: number, ch: number): boolean {
  let i = from;
  const negate = p[i] === 0x5e;
  if (negate) i++;
  let found = false;
  for (; i < end; i++) {
    if (p[i] === 0x5c && i + 1 < end) {
      i++;
      if (p[i] === ch) found = true;
    } else if (p[i + 1] === 0x2d /* - */ && i + 2 < end) {
      let lo = p[i] as number;
      let hi = p[i + 2] as number;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) found = true;
      i += 2;
    } else if (p[i] === ch) found = true;
  }
  return negate ? !found : found;
}

/** The literal bytes a pattern starts with, up to its first glob character (what scopes it to a namespace). */
export function literalPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' || c === '?' || c === '[') break;
    if (c === '\\' && i + 1 < pattern.length) {
      out += pattern[++i];
      continue;
    }
    out += c;
  }
  return out;
}
