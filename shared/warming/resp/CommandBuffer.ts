/**
 * Encodes Redis commands (RESP2 arrays of bulk strings) straight into one growing Buffer, so a batch of thousands
 * of commands costs one socket write and no per-command objects. Keeps each command's start offset so a single
 * command can be re-sent (after a MOVED/ASK redirect) without re-encoding the batch.
 */
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
