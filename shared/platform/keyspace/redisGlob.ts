/**
 * The Redis glob dialect (SCAN MATCH, KEYS), byte for byte: a port of `stringmatchlen` in redis/src/util.c with
 * `nocase = 0`, the one matcher every area uses (invalidation estimates, analysis and messaging namespaces, warm keys,
 * hygiene). What it keeps from the C code, because a cleaner reading would disagree with the server:
 *
 * - `?` and every class consume one *byte* (a UTF-8 `é` is two);
 * - `\x` escapes x, in and outside classes; a trailing `\` is a literal backslash;
 * - `[^...]` negates; a range `[z-a]` is swapped; range bounds and the byte compared are C `char`s, so on the
 *   platforms Redis runs on bytes 0x80-0xFF are negative in a range (`[a-\xff]` holds 0x00-0x61 and 0xFF);
 * - `[a-]...` takes `]` as the range's end and the class goes on to the next `]`; an unterminated class ends with the
 *   pattern (`[^` matches any one byte);
 * - a string that runs out skips trailing `*`s, but an empty string is only matched by an empty pattern;
 * - recursion deeper than 1000 `*`s is no match.
 *
 * SCAN and KEYS never call it for the pattern `*` alone: that one returns every key, the empty key too. {@link globMatch}
 * does the same; {@link stringMatchLen} is the bare function.
 */
export function stringMatchLen(pattern: Uint8Array, key: Uint8Array): boolean {
  return matchAt(pattern, 0, key, 0, { skipLongerMatches: false }, 0);
}

/** Does SCAN MATCH / KEYS with `pattern` return `key`? (Strings are UTF-8 encoded, as ioredis sends them.) */
export function globMatch(pattern: Uint8Array | string, key: Uint8Array | string): boolean {
  const p = bytes(pattern);
  return (p.length === 1 && p[0] === star) || stringMatchLen(p, bytes(key));
}

/**
 * A reusable matcher for one pattern. `prefix*` with no other glob character (the usual namespace pattern) is a byte
 * prefix check, which is what `stringmatchlen` decides for it, without the general loop on hot paths.
 */
export function globMatcher(pattern: string | Uint8Array): (key: Uint8Array | string) => boolean {
  const p = bytes(pattern);
  if (p.length === 1 && p[0] === star) return () => true;
  const head = p.subarray(0, p.length - 1);
  if (p.length > 1 && p[p.length - 1] === star && !head.some(isSpecial)) {
    const text = typeof pattern === 'string' ? pattern.slice(0, -1) : undefined;
    return (key) => {
      if (typeof key === 'string' && text !== undefined) return key.startsWith(text);
      const k = bytes(key);
      return k.length >= head.length && Buffer.from(k.buffer, k.byteOffset, head.length).equals(head);
    };
  }
  return (key) => stringMatchLen(p, bytes(key));
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

/**
 * Where the pattern element starting at `i` ends (exclusive), exactly as `stringmatchlen` consumes it: a run of `*`,
 * `?`, an escape, a class (with its `[a-]` and unterminated quirks) or one literal byte. For code that reasons about a
 * pattern element by element (e.g. glob intersection) and must split it the way the server does.
 */
export function globElementEnd(pattern: Uint8Array, i: number): number {
  const c = pattern[i];
  if (c === star) {
    let j = i;
    while (pattern[j] === star) j++;
    return j;
  }
  if (c === backslash) return i + 1 < pattern.length ? i + 2 : i + 1;
  if (c !== open) return i + 1;
  let j = i + 1;
  if (pattern[j] === caret) j++;
  for (;;) {
    const left = pattern.length - j;
    if (pattern[j] === backslash && left >= 2) j++;
    else if (left > 0 && pattern[j] === close) return j + 1;
    else if (left <= 0) return pattern.length;
    else if (left >= 3 && pattern[j + 1] === dash) j += 2;
    j++;
  }
}

const star = 0x2a;
const question = 0x3f;
const open = 0x5b;
const close = 0x5d;
const caret = 0x5e;
const dash = 0x2d;
const backslash = 0x5c;

const encoder = new TextEncoder();
const bytes = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? encoder.encode(v) : v);
const isSpecial = (b: number) => b === star || b === question || b === open || b === backslash;
/**
 * A byte as the C `char` it is in `stringmatchlen`: signed on x86-64, where Redis servers (and Azure's) run and where the
 * property test checks it. (On arm64 Linux `char` is unsigned; ranges with bytes 0x80-0xFF would read differently there.)
 */
const signed = (b: number) => (b << 24) >> 24;

/**
 * `stringmatchlen_impl`, with the pattern and string as (array, offset) instead of moving pointers. Reading past the
 * pattern's end gives 0, like the NUL that ends an sds string.
 */
function matchAt(p: Uint8Array, pi: number, s: Uint8Array, si: number, state: { skipLongerMatches: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  const at = (i: number) => p[i] ?? 0;
  while (pi < p.length && si < s.length) {
    const c = p[pi] as number;
    if (c === star) {
      while (pi < p.length && at(pi + 1) === star) pi++;
      if (p.length - pi === 1) return true;
      while (si < s.length) {
        if (matchAt(p, pi + 1, s, si, state, nesting + 1)) return true;
        if (state.skipLongerMatches) return false;
        si++;
      }
      // No match for the rest from anywhere in the rest of the string: longer matches of earlier stars cannot help.
      state.skipLongerMatches = true;
      return false;
    } else if (c === question) {
      si++;
    } else if (c === open) {
      pi++;
      const not = at(pi) === caret;
      if (not) pi++;
      let match = false;
      const ch = s[si] as number;
      for (;;) {
        const left = p.length - pi;
        if (at(pi) === backslash && left >= 2) {
          pi++;
          if (at(pi) === ch) match = true;
        } else if (at(pi) === close) {
          break;
        } else if (left === 0) {
          pi--;
          break;
        } else if (left >= 3 && at(pi + 1) === dash) {
          let start = signed(at(pi));
          let end = signed(at(pi + 2));
          if (start > end) [start, end] = [end, start];
          pi += 2;
          const sc = signed(ch);
          if (sc >= start && sc <= end) match = true;
        } else if (at(pi) === ch) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      if (c === backslash && p.length - pi >= 2) pi++;
      if (at(pi) !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === s.length) {
      while (at(pi) === star) pi++;
      break;
    }
  }
  return pi === p.length && si === s.length;
}
