import { spawnSync } from 'node:child_process';

/** A private tmux server (its own socket, so no other tmux is touched) for tests that need a real terminal. */
export interface TmuxServer {
  /** Runs a tmux command on this server; stdout as text. */
  run(...args: string[]): { status: number | null; stdout: string };
  /** Starts `command` (a shell line, run by bash) in a new detached session of `columns` × `rows`. */
  session(name: string, command: string, columns: number, rows: number): Session;
  kill(): void;
}

export interface Session {
  /** What the pane shows now, one string per line (trailing blanks trimmed, as tmux does). */
  screen(): string[];
  /** A pane format value, e.g. `history_size`, `alternate_on`, `cursor_flag`. */
  format(name: string): string;
  /** send-keys: key names such as `Tab`, `C-c`, `Enter`. */
  keys(...keys: string[]): void;
  /** Types text literally. */
  type(text: string): void;
  /** Polls the screen until `test` accepts it; fails showing the last screen. */
  waitFor(what: string, test: (lines: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
}

export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `env -i` with exactly these variables, as a shell prefix. */
export const envPrefix = (env: Record<string, string>): string => `env -i ${Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')}`;

export function tmuxServer(socket: string): TmuxServer {
  // spawnSync with stdin ignored: tmux commands return at once, and a piped stdin could EPIPE when tmux exits first.
  const run = (...args: string[]) => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout ?? '' };
  };
  return {
    run,
    kill: () => void run('kill-server'),
    session(name, command, columns, rows) {
      const started = run('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), 'bash', '--norc', '-c', command);
      if (started.status !== 0) throw new Error(`tmux new-session ${name} failed (${String(started.status)})`);
      const screen = () => run('capture-pane', '-p', '-t', name).stdout.replace(/\n$/, '').split('\n');
      return {
        screen,
        format: (f) => run('display-message', '-p', '-t', name, `#{${f}}`).stdout.trim(),
        keys: (...k) => void run('send-keys', '-t', name, ...k),
        type: (text) => void run('send-keys', '-t', name, '-l', text),
        async waitFor(what, test, timeoutMs = 30_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const lines = screen();
            if (test(lines)) return lines;
            if (Date.now() > deadline) throw new Error(`terminal never showed ${what}; last screen:\n${lines.join('\n')}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        },
      };
    },
  };
}
