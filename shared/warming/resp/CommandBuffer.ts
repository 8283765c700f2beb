/**
 * Encodes Redis commands (RESP2 arrays of bulk strings) straight into one growing Buffer, so a batch of thousands
 * of commands costs one socket write and no per-command objects. Keeps each command's start offset so a single
 * command can be re-sent (after a MOVED/ASK redirect) without re-encoding the batch.
 */
const SET3 = Buffer.from('*3\r\n$3\r\nSET\r\n');
const SET4 = Buffer.from('*4\r\n$3\r\nSET\r\n');
const SET5 = Buffer.from('*5\r\n$3\r\nSET\r\n');
const SET6 = Buffer.from('*6\r\n$3\r\nSET\r\n');
const PX = Buffer.from('$2\r\nPX\r\n');
const NX = Buffer.from('$2\r\nNX\r\n');

export class CommandBuffer {
  private buf: Buffer;
  private used = 0;
  private starts: number[] = [];

  constructor(initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.used;
  }

  get commands(): number {
    return this.starts.length;
  }

  /** Appends one command; each argument is a string (UTF-8) or raw bytes. */
  push(args: readonly (string | Buffer)[]): void {
    this.starts.push(this.used);
    this.header(0x2a, args.length);
    for (const arg of args) {
      if (typeof arg === 'string') {
        const n = Buffer.byteLength(arg);
        this.header(0x24, n);
        this.ensure(n + 2);
        this.used += this.buf.write(arg, this.used, 'utf8');
      } else {
        this.header(0x24, arg.length);
        this.ensure(arg.length + 2);
        arg.copy(this.buf, this.used);
        this.used += arg.length;
      }
      this.buf[this.used++] = 13;
      this.buf[this.used++] = 10;
    }
  }

  /**
   * `SET key value [PX ttl] [NX]`, the warm's hot path: the constant parts are copied from pre-encoded bytes
   * instead of being encoded per key.
   */
  pushSet(key: string | Buffer, value: string | Buffer, ttl: string | null, nx: boolean, valueStart = 0, valueEnd = -1): void {
    this.starts.push(this.used);
    const head = ttl === null ? (nx ? SET4 : SET3) : nx ? SET6 : SET5;
    this.ensure(head.length);
    head.copy(this.buf, this.used);
    this.used += head.length;
    this.arg(key);
    if (typeof value !== 'string' && valueEnd >= 0) this.bytes(value, valueStart, valueEnd);
    else this.arg(value);
    if (ttl !== null) {
      this.ensure(PX.length);
      PX.copy(this.buf, this.used);
      this.used += PX.length;
      this.arg(ttl);
    }
    if (nx) {
      this.ensure(NX.length);
      NX.copy(this.buf, this.used);
      this.used += NX.length;
    }
  }

  /** A bulk string from `source[start..end)`, copied without creating a Buffer view first. */
  private bytes(source: Buffer, start: number, end: number): void {
    const n = end - start;
    this.header(0x24, n);
    this.ensure(n + 2);
    source.copy(this.buf, this.used, start, end);
    this.used += n;
    this.buf[this.used++] = 13;
    this.buf[this.used++] = 10;
  }

  private arg(arg: string | Buffer): void {
    if (typeof arg === 'string') {
      const n = arg.length;
      // One byte per char for ASCII (the usual key/value): byteLength equals length then, checked cheaply.
      const bytes = Buffer.byteLength(arg);
      this.header(0x24, bytes);
      this.ensure(bytes + 2);
      this.used += this.buf.write(arg, this.used, bytes === n ? 'latin1' : 'utf8');
    } else {
      this.header(0x24, arg.length);
      this.ensure(arg.length + 2);
      arg.copy(this.buf, this.used);
      this.used += arg.length;
    }
    this.buf[this.used++] = 13;
    this.buf[this.used++] = 10;
  }

  /** The encoded bytes of command `i` of this batch. */
  command(i: number): Buffer {
    const start = this.starts[i] ?? 0;
    const end = this.starts[i + 1] ?? this.used;
    return Buffer.from(this.buf.subarray(start, end));
  }

  /** Hands the encoded bytes over and starts a new batch (the returned Buffer is not reused). */
  take(): { bytes: Buffer; starts: number[] } {
    const bytes = this.buf.subarray(0, this.used);
    const starts = this.starts;
    this.buf = Buffer.allocUnsafe(Math.max(this.buf.length, 64 * 1024));
    this.used = 0;
    this.starts = [];
    return { bytes, starts };
  }

  private header(marker: number, n: number): void {
    this.ensure(24);
    this.buf[this.used++] = marker;
    this.used += this.buf.write(String(n), this.used, 'latin1');
    this.buf[this.used++] = 13;
    this.buf[this.used++] = 10;
  }

  private ensure(extra: number): void {
    if (this.used + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + extra + 1024));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}
