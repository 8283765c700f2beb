import { globMatch } from './redisGlob';

/** One position of a glob: `*`, or one byte out of a set (a literal, `?`, an escape or a `[...]` class). */
type Token = { star: true } | { star: false; bytes: Uint8Array };

/**
 * Splits a glob the way the matcher reads it, and takes each single-byte token's set of bytes *from the matcher*
 * (`globMatch(token, [b])` for every byte `b`), so classes, ranges, escapes and unterminated brackets mean here exactly
 * what they mean to the matcher.
 */
function tokenize(pattern: Uint8Array): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as number;
    if (c === 0x2a /* * */) {
      while (pattern[i] === 0x2a) i++;
      tokens.push({ star: true });
      continue;
    }
    let end = i + 1;
    if (c === 0x5c /* \ */ && i + 1 < pattern.length) end = i + 2;
    else if (c === 0x5b /* [ */) end = classEnd(pattern, i) + 1;
    const token = pattern.subarray(i, end);
    const bytes = new Uint8Array(256);
    const one = new Uint8Array(1);
    for (let b = 0; b < 256; b++) {
      one[0] = b;
      bytes[b] = globMatch(token, one) ? 1 : 0;
    }
    tokens.push({ star: false, bytes });
    i = end;
  }
  return tokens;
}

/** Index of the `]` closing the class opened at `open`, or the last index when unterminated (as the matcher reads it). */
function classEnd(p: Uint8Array, open: number): number {
  let i = open + 1;
  if (p[i] === 0x5e /* ^ */) i++;
  for (; i < p.length; i++) {
    if (p[i] === 0x5c) i++;
    else if (p[i] === 0x5d) return i;
  }
  return p.length - 1;
}

/** A byte both sets hold, or -1. */
function common(a: Uint8Array | null, b: Uint8Array | null): number {
  for (let x = 0; x < 256; x++) if ((a === null || a[x]) && (b === null || b[x])) return x;
  return -1;
}

/**
 * A key both Redis globs match, or null when no key can match both. Exact (not a heuristic): a search over pairs of
 * positions in the two patterns (at most 257 x 257 of them), where `*` may stay or move on and single-byte tokens
 * must share a byte. Callers deciding protection treat anything but a proven `null` as overlapping.
 */
export function globIntersection(a: string | Uint8Array, b: string | Uint8Array): Uint8Array | null {
  const ta = tokenize(typeof a === 'string' ? Buffer.from(a, 'utf8') : a);
  const tb = tokenize(typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
  const width = tb.length + 1;
  // parent[state] = previous state and the byte consumed to get here (-1: a `*` matched the empty string).
  const parent = new Map<number, [number, number]>();
  const start = 0;
  const goal = ta.length * width + tb.length;
  const queue = [start];
  parent.set(start, [-1, -1]);
  const visit = (from: number, to: number, byte: number) => {
    if (parent.has(to)) return;
    parent.set(to, [from, byte]);
    queue.push(to);
  };
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number;
    if (state === goal) break;
    const i = Math.floor(state / width);
    const j = state % width;
    const x = ta[i];
    const y = tb[j];
    if (x?.star) visit(state, (i + 1) * width + j, -1);
    if (y?.star) visit(state, i * width + j + 1, -1);
    if (!x || !y) continue;
    if (x.star && y.star) continue; // both stay: nothing new
    const byte = common(x.star ? null : x.bytes, y.star ? null : y.bytes);
    if (byte < 0) continue;
    visit(state, (x.star ? i : i + 1) * width + (y.star ? j : j + 1), byte);
  }
  if (!parent.has(goal)) return null;
  const out: number[] = [];
  for (let s = goal; s !== start; ) {
    const [from, byte] = parent.get(s) as [number, number];
    if (byte >= 0) out.push(byte);
    s = from;
  }
  return Uint8Array.from(out.reverse());
}

/** True unless the two globs provably share no key. */
export function globsIntersect(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return globIntersection(a, b) !== null;
}
