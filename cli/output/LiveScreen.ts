const ESC = '\x1b[';

/** Minimal terminal streams the screen drives (process.stdout / process.stdin by default). */
export interface LiveScreenIo {
  out: NodeJS.WriteStream;
  input: NodeJS.ReadStream;
}

/**
 * A full-screen live view, as `top` and `watch` draw one: the alternate screen (the shell's screen and scrollback
 * come back untouched on exit, and frames never pile up in the scrollback), the cursor hidden, each frame drawn
 * from the top-left over the previous one (`CSI H`, every line erased to its end, the rest of the screen erased
 * below), lines cut to the terminal's width so nothing wraps, and as many lines as the terminal has rows.
 * Keys: q, Q, Ctrl-C or Ctrl-D stop (the terminal is in raw mode, so Ctrl-C arrives as a key, not SIGINT);
 * SIGINT, SIGTERM and SIGHUP stop too. A resize redraws at once through `onResize`.
 */
export class LiveScreen {
  private active = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly onKey = (data: Buffer): void => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u0004') this.stop();
  };
  private readonly onSignal = (): void => this.stop();
  private readonly resized = (): void => this.onResize?.();
  /** Called after a resize (draw the last frame again at the new size). */
  onResize: (() => void) | undefined;

  constructor(private readonly io: LiveScreenIo = { out: process.stdout, input: process.stdin }) {}

  /** The terminal's size now (80 × 24 when unknown). */
  get size(): { columns: number; rows: number } {
    return { columns: this.io.out.columns || 80, rows: this.io.out.rows || 24 };
  }

  /** True once a key or signal asked to stop. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Enters the alternate screen, hides the cursor, listens for keys, signals and resizes. */
  enter(): void {
    if (this.active) return;
    this.active = true;
    this.io.out.write(`${ESC}?1049h${ESC}?25l`);
    if (this.io.input.isTTY) {
      this.io.input.setRawMode(true);
      this.io.input.on('data', this.onKey);
      this.io.input.resume();
    }
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
    this.io.out.on('resize', this.resized);
  }

  /** Draws one frame over the previous one: at most `rows` lines, each cut to `columns` visible characters. */
  draw(lines: readonly string[]): void {
    const { columns, rows } = this.size;
    const shown = lines.slice(0, rows).map((l) => cut(l, columns) + `${ESC}K`);
    this.io.out.write(`${ESC}H${shown.join('\r\n')}${ESC}J`);
  }

  /** Waits `ms`, or less when a key or signal stops the view. */
  async sleep(ms: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Leaves the alternate screen and shows the cursor again; the terminal is as it was before `enter`. */
  leave(): void {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.onSignal);
    if (!this.active) return;
    this.active = false;
    this.io.out.off('resize', this.resized);
    if (this.io.input.isTTY) {
      this.io.input.off('data', this.onKey);
      this.io.input.setRawMode(false);
      this.io.input.pause();
    }
    this.io.out.write(`${ESC}?25h${ESC}?1049l`);
  }
}

const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'y');

/** `text` cut to `width` visible characters; colour codes are kept (and reset when the cut falls inside one). */
export function cut(text: string, width: number): string {
  let visible = 0;
  let out = '';
  let coloured = false;
  for (let i = 0; i < text.length; ) {
    SGR.lastIndex = i;
    const m = SGR.exec(text);
    if (m) {
      out += m[0];
      coloured = m[0] !== `${ESC}0m` && m[0] !== `${ESC}m`;
      i += m[0].length;
      continue;
    }
    if (visible === width) return coloured ? `${out}${ESC}0m` : out;
    const ch = String.fromCodePoint(text.codePointAt(i) as number);
    out += ch;
    visible += 1;
    i += ch.length;
  }
  return out;
}
