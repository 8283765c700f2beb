import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';

/** Where a command writes: human output on stdout, problems and progress on stderr. */
export interface Output {
  /** stdout is a terminal: aligned tables, colour (unless disabled), progress bars. */
  readonly isTTY: boolean;
  /** stderr is a terminal (progress bars and prompts go there, so stdout stays clean for pipes). */
  readonly errIsTTY: boolean;
  /** Colours for stdout; no-ops when piped, under NO_COLOR, TERM=dumb or --no-color. */
  readonly color: Colors;
  /** Colours for stderr, same rules applied to stderr. */
  readonly errColor: Colors;
  /** Terminal width, 80 when unknown. */
  readonly columns: number;
  line(text?: string): void;
  err(text: string): void;
  /** Raw write to stderr (progress redraws). */
  errRaw(text: string): void;
}

/**
 * Colour is on when the stream is a terminal and neither NO_COLOR (any value, https://no-color.org),
 * TERM=dumb nor --no-color says otherwise; FORCE_COLOR (non-empty, not 0) turns it on anyway.
 */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

/** The process's Output. */
export function processOutput(noColorFlag: boolean): Output {
  const isTTY = process.stdout.isTTY === true;
  const errIsTTY = process.stderr.isTTY === true;
  return {
    isTTY,
    errIsTTY,
    color: picocolors.createColors(colorEnabled(isTTY, process.env, noColorFlag)),
    errColor: picocolors.createColors(colorEnabled(errIsTTY, process.env, noColorFlag)),
    columns: process.stdout.columns ?? process.stderr.columns ?? 80,
    line: (text = '') => void process.stdout.write(text + '\n'),
    err: (text) => void process.stderr.write(text + '\n'),
    errRaw: (text) => void process.stderr.write(text),
  };
}
