/** One command as MONITOR printed it: lower-case name and its arguments as latin1 strings (one char per byte). */
export interface MonitoredCommand {
  name: string;
  /** Arguments after the name, decoded from MONITOR's quoting (`sdscatrepr`); at most `maxArgs`. */
  args: string[];
}

const quote = 0x22;
const backslash = 0x5c;
const escapes: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x61: 0x07, 0x62: 0x08, 0x22: 0x22, 0x5c: 0x5c };

/**
 * Parses one MONITOR line without its CRLF, e.g. `+1339518083.107412 [0 127.0.0.1:60866] "set" "x" "6"`.
 * Arguments are quoted by the server with `sdscatrepr` (`\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`, `\xHH`), so any
 * bytes of a key come back exactly. Null for anything else (`+OK`, an error line, a line cut short).
 */
export function parseMonitorLine(line: Buffer, start = 0, end = line.length, maxArgs = 64): MonitoredCommand | null {
  if (line[start] !== 0x2b /* + */) return null;
  // The client part ends at `] ` before the first quote; the address itself never holds a quote.
  let i = line.indexOf('] "', start);
  if (i < 0 || i >= end) return null;
  i += 2;
  const parts: string[] = [];
  while (i < end && parts.length <= maxArgs) {
    if (line[i] !== quote) return null;
    i += 1;
    // Fast path: no escape before the closing quote (most keys): one slice.
    let j = i;
    while (j < end && line[j] !== quote && line[j] !== backslash) j += 1;
    if (j < end && line[j] === quote) {
      parts.push(line.toString('latin1', i, j));
      i = j + 1;
      if (line[i] === 0x20) i += 1;
      continue;
    }
    const bytes: number[] = [];
    for (let k = i; k < j; k += 1) bytes.push(line[k] as number);
    i = j;
    let closed = false;
    while (i < end) {
      const c = line[i] as number;
      if (c === quote) {
        closed = true;
        i += 1;
        break;
      }
      if (c === backslash && i + 1 < end) {
        const n = line[i + 1] as number;
        if (n === 0x78 /* x */ && i + 3 < end) {
          bytes.push(parseInt(String.fromCharCode(line[i + 2] as number, line[i + 3] as number), 16));
          i += 4;
          continue;
        }
        bytes.push(escapes[n] ?? n);
        i += 2;
        continue;
      }
      bytes.push(c);
      i += 1;
    }
    if (!closed) return null;
    parts.push(latin1(bytes));
    if (line[i] === 0x20) i += 1;
  }
  const [name, ...args] = parts;
  return name === undefined ? null : { name: name.toLowerCase(), args };
}

function latin1(bytes: number[]): string {
  let s = '';
  for (let k = 0; k < bytes.length; k += 4096) s += String.fromCharCode(...bytes.slice(k, k + 4096));
  return s;
}
