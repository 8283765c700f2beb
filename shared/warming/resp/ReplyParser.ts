/** One RESP2 reply, reduced to what a warm needs to count it. */
export type Reply =
  | { kind: 'ok' } // +OK / any simple string
  | { kind: 'nil' } // $-1 / *-1: SET ... NX found the key present
  | { kind: 'int'; value: number }
  | { kind: 'bulk'; value: Buffer }
  | { kind: 'array'; length: number } // elements follow as separate replies are NOT expected by the writer
  | { kind: 'error'; message: string };

const OK: Reply = { kind: 'ok' };
const NIL: Reply = { kind: 'nil' };

/**
 * Incremental RESP2 reply parser for pipelined writes: feed socket chunks, get complete replies in order.
 * Arrays are flattened into one `array` reply whose elements are consumed and dropped (warm commands do not
 * return arrays; SCRIPT LOAD / AUTH replies are strings).
 */
export class ReplyParser {
  private pending: Buffer | null = null;

  /**
   * Parses every complete reply in `chunk` (plus what was left over) and calls `onReply` for each; a run of
   * consecutive `+OK` replies goes to `onOks(count)` instead when given (one call per run, not per key).
   */
  feed(chunk: Buffer, onReply: (reply: Reply) => void, onOks?: (count: number) => void): void {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let pos = 0;
    while (pos < buf.length) {
      // +OK\r\n is nearly every reply of a warm: recognised without a line search.
      if (isOk(buf, pos)) {
        let n = 0;
        do {
          n++;
          pos += 5;
        } while (isOk(buf, pos));
        if (onOks) onOks(n);
        else for (let i = 0; i < n; i++) onReply(OK);
        continue;
      }
      const end = parseOne(buf, pos, onReply);
      if (end < 0) break;
      pos = end;
    }
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos));
  }
}

function isOk(buf: Buffer, pos: number): boolean {
  return pos + 4 < buf.length && buf[pos] === 0x2b && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b && buf[pos + 3] === 13;
}

/** Parses one reply at `pos`; returns the offset after it or -1 when incomplete. */
function parseOne(buf: Buffer, pos: number, onReply: (reply: Reply) => void): number {
  const lineEnd = buf.indexOf(13, pos + 1);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) return -1;
  const type = buf[pos];
  switch (type) {
    case 0x2b: // +
      onReply(OK);
      return lineEnd + 2;
    case 0x2d: // -
      onReply({ kind: 'error', message: buf.toString('utf8', pos + 1, lineEnd) });
      return lineEnd + 2;
    case 0x3a: // :
      onReply({ kind: 'int', value: Number(buf.toString('latin1', pos + 1, lineEnd)) });
      return lineEnd + 2;
    case 0x24: {
      // $
      const n = Number(buf.toString('latin1', pos + 1, lineEnd));
      if (n < 0) {
        onReply(NIL);
        return lineEnd + 2;
      }
      const start = lineEnd + 2;
      if (start + n + 2 > buf.length) return -1;
      onReply({ kind: 'bulk', value: Buffer.from(buf.subarray(start, start + n)) });
      return start + n + 2;
    }
    case 0x2a: {
      // *
      const n = Number(buf.toString('latin1', pos + 1, lineEnd));
      if (n < 0) {
        onReply(NIL);
        return lineEnd + 2;
      }
      let at = lineEnd + 2;
      for (let i = 0; i < n; i++) {
        at = parseOne(buf, at, () => undefined);
        if (at < 0) return -1;
      }
      onReply({ kind: 'array', length: n });
      return at;
    }
    default:
      throw new Error(`protocol error: unexpected reply byte 0x${(type ?? 0).toString(16)}`);
  }
}
