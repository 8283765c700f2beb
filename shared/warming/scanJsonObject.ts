/** Where one wanted top-level field's value is in the line, and what it is. */
export interface FieldRange {
  start: number;
  end: number;
  /** 's' string (range excludes the quotes), 'n' number, 'o' anything else. */
  kind: 's' | 'n' | 'o';
  /** Strings: 1 = has escapes (needs JSON.parse), 2 = has non-ASCII bytes. */
  flags: number;
}

/** The line is not JSON at all. */
export const MALFORMED = 1;
/** Valid so far but beyond the fast path (escaped field names, deep nesting): use JSON.parse. */
export const FALLBACK = 2;

const maxDepth = 64;

/**
 * Validates one JSON text (bytes `start..end` of `buf`) that should be an object, and returns the ranges of the
 * wanted top-level fields — without creating a string or an object. The warm's hot path for NDJSON uses it instead
 * of `toString` + `JSON.parse`; anything unusual answers FALLBACK and the line takes the JSON.parse path, so the
 * result (keys, values, errors) is the same either way (a property test holds it to that).
 */
export function scanJsonObject(buf: Buffer, start: number, end: number, wanted: readonly Buffer[], out: (FieldRange | undefined)[]): number {
  for (let i = 0; i < wanted.length; i++) out[i] = undefined;
  let p = ws(buf, start, end);
  if (buf[p] !== 0x7b) return p < end && (buf[p] === 0x5b || buf[p] === 0x22 || buf[p] === 0x2d || isDigit(buf[p]) || buf[p] === 0x74 || buf[p] === 0x66 || buf[p] === 0x6e) ? FALLBACK : MALFORMED;
  p = ws(buf, p + 1, end);
  if (buf[p] === 0x7d) return ws(buf, p + 1, end) === end ? 0 : MALFORMED;
  for (;;) {
    if (buf[p] !== 0x22) return MALFORMED;
    const nameStart = p + 1;
    const nameEnd = str(buf, p, end);
    if (nameEnd < 0) return MALFORMED;
    if (stringFlags !== 0) return FALLBACK;
    p = ws(buf, nameEnd + 1, end);
    if (buf[p] !== 0x3a) return MALFORMED;
    p = ws(buf, p + 1, end);
    const valueStart = p;
    const c = buf[p];
    let kind: FieldRange['kind'] = 'o';
    let flags = 0;
    let valueEnd: number;
    if (c === 0x22) {
      valueEnd = str(buf, p, end);
      if (valueEnd < 0) return MALFORMED;
      kind = 's';
      flags = stringFlags;
      p = valueEnd + 1;
    } else {
      valueEnd = value(buf, p, end, 1);
      if (valueEnd < 0) return valueEnd === -2 ? FALLBACK : MALFORMED;
      if (c === 0x2d || isDigit(c)) kind = 'n';
      p = valueEnd;
    }
    for (let i = 0; i < wanted.length; i++) {
      const w = wanted[i] as Buffer;
      if (w.length === nameEnd - nameStart && same(buf, nameStart, w)) {
        out[i] = kind === 's' ? { start: valueStart + 1, end: valueEnd, kind, flags } : { start: valueStart, end: valueEnd, kind, flags };
      }
    }
    p = ws(buf, p, end);
    if (buf[p] === 0x2c) {
      p = ws(buf, p + 1, end);
      continue;
    }
    if (buf[p] === 0x7d) return ws(buf, p + 1, end) === end ? 0 : MALFORMED;
    return MALFORMED;
  }
}

/** Set by `str`: 1 = has escapes, 2 = has non-ASCII bytes. */
let stringFlags = 0;

/** What a byte is inside a JSON string: 0 plain, 1 `"`, 2 control (invalid), 3 `\`, 4 non-ASCII. */
const inString = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 0x20; c++) table[c] = 2;
  table[0x22] = 1;
  table[0x5c] = 3;
  for (let c = 0x80; c < 256; c++) table[c] = 4;
  return table;
})();

/** Scans a string starting at the quote `p`; returns the index of the closing quote or -1. */
function str(buf: Buffer, p: number, end: number): number {
  stringFlags = 0;
  for (let i = p + 1; i < end; i++) {
    // One table look-up per byte (most are plain) instead of four comparisons.
    const k = inString[buf[i] as number] as number;
    if (k === 0) continue;
    if (k === 1) return i;
    if (k === 2) return -1;
    if (k === 4) stringFlags |= 2;
    else {
      stringFlags |= 1;
      const e = buf[i + 1];
      if (e === 0x75) {
        for (let k = 2; k <= 5; k++) if (!isHex(buf[i + k])) return -1;
        i += 5;
      } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 1;
      else return -1;
    }
  }
  return -1;
}

/** Scans any value at `p`; returns the index after it, -1 malformed, -2 too deep. */
function value(buf: Buffer, p: number, end: number, depth: number): number {
  const c = buf[p];
  if (c === 0x22) {
    const q = str(buf, p, end);
    return q < 0 ? -1 : q + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    if (depth >= maxDepth) return -2;
    const close = c === 0x7b ? 0x7d : 0x5d;
    let i = ws(buf, p + 1, end);
    if (buf[i] === close) return i + 1;
    for (;;) {
      if (c === 0x7b) {
        if (buf[i] !== 0x22) return -1;
        const q = str(buf, i, end);
        if (q < 0) return -1;
        i = ws(buf, q + 1, end);
        if (buf[i] !== 0x3a) return -1;
        i = ws(buf, i + 1, end);
      }
      i = value(buf, i, end, depth + 1);
      if (i < 0) return i;
      i = ws(buf, i, end);
      if (buf[i] === 0x2c) {
        i = ws(buf, i + 1, end);
        continue;
      }
      return buf[i] === close ? i + 1 : -1;
    }
  }
  if (c === 0x74) return lit(buf, p, end, 'true');
  if (c === 0x66) return lit(buf, p, end, 'false');
  if (c === 0x6e) return lit(buf, p, end, 'null');
  return num(buf, p, end);
}

function lit(buf: Buffer, p: number, end: number, word: string): number {
  if (p + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (buf[p + k] !== word.charCodeAt(k)) return -1;
  return p + word.length;
}

/** JSON number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
function num(buf: Buffer, p: number, end: number): number {
  let i = p;
  if (buf[i] === 0x2d) i++;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i]) && buf[i] !== 0x30) while (i < end && isDigit(buf[i])) i++;
  else return -1;
  if (buf[i] === 0x2e) {
    i++;
    if (!isDigit(buf[i])) return -1;
    while (i < end && isDigit(buf[i])) i++;
  }
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    i++;
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    if (!isDigit(buf[i])) return -1;
    while (i < end && isDigit(buf[i])) i++;
  }
  return i;
}

function ws(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = buf[p];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    p++;
  }
  return p;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

function same(buf: Buffer, at: number, name: Buffer): boolean {
  for (let k = 0; k < name.length; k++) if (buf[at + k] !== name[k]) return false;
  return true;
}
