import { globElementEnd, globMatch } from './redisGlob';

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
    // Element boundaries from the matcher itself (`[a-]x]`, unterminated classes and escapes split as the server splits them).
    const end = globElementEnd(pattern, i);
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

const empty = new Uint8Array(0);

/** A byte both sets hold, or -1. */
function common(a: Uint8Array | null, b: Uint8Array | null): number {
  for (let x = 0; x < 256; x++) if ((a === null || a[x]) && (b === null || b[x])) return x;
  return -1;
}

/**
 * A key both Redis globs match, or null when no key can match both. Exact (not a heuristic): a search over pairs of
 * positions in the two patterns (at most 257 x 257 of them, twice: before and after the first byte), where `*` may
 * stay or move on and single-byte tokens must share a byte. The empty key is special to the server (only the empty
 * pattern and a lone `*` match it), so it is a witness only when both globs really match it; otherwise the witness has
 * at least one byte. Callers deciding protection treat anything but a proven `null` as overlapping.
 */
export function globIntersection(a: string | Uint8Array, b: string | Uint8Array): Uint8Array | null {
  const pa = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const pb = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (globMatch(pa, empty) && globMatch(pb, empty)) return empty;
  const ta = tokenize(pa);
  const tb = tokenize(pb);
  const width = tb.length + 1;
  // A state is (i, j, consumed): positions in a and b, and whether a byte was taken yet (the empty key is ruled out).
  const id = (i: number, j: number, consumed: number) => (i * width + j) * 2 + consumed;
  // parent[state] = previous state and the byte consumed to get here (-1: a `*` matched the empty string).
  const parent = new Map<number, [number, number]>();
  const start = id(0, 0, 0);
  const goal = id(ta.length, tb.length, 1);
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
    const consumed = state % 2;
    const i = Math.floor(state / 2 / width);
    const j = Math.floor(state / 2) % width;
    const x = ta[i];
    const y = tb[j];
    if (x?.star) visit(state, id(i + 1, j, consumed), -1);
    if (y?.star) visit(state, id(i, j + 1, consumed), -1);
    if (!x || !y) continue;
    if (x.star && y.star && consumed === 1) continue; // both stay on a further byte: nothing new
    const byte = common(x.star ? null : x.bytes, y.star ? null : y.bytes);
    if (byte < 0) continue;
    visit(state, id(x.star ? i : i + 1, y.star ? j : j + 1, 1), byte);
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
