import { afterAll, describe, expect, inject, it } from 'vitest';
import { rcmBin, useCliHarness } from './cliHarness';
import { envPrefix, shellQuote, tmuxServer, type Session } from './tmuxTerminal';

// `rcm top` in a real pseudo-terminal (tmux): frames drawn in place on the alternate screen, nothing piling up in
// the scrollback, a resize laid out again, and q / Ctrl-C leaving the terminal as it was.
const h = useCliHarness();
const tmux = tmuxServer(`rcm-top-${process.pid}`);
afterAll(() => tmux.kill());

/** Runs `rcm top CLUSTER --interval 0.5` in a new session; the shell prints EXIT=<code> after it. */
function top(name: string, cluster: string, columns: number, rows: number, extra: string[] = []): Session {
  const command = `${envPrefix({ ...h.env('reader'), TERM: 'xterm-256color' })} ${shellQuote(process.execPath)} ${shellQuote(rcmBin)} top ${cluster} --interval 0.5 ${extra.join(' ')}; echo "EXIT=$?"; sleep 60`;
  return tmux.session(name, command, columns, rows);
}

const headerTime = (lines: string[]): string | undefined => /^rcm top \S+ {2}(\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ)/.exec(lines[0] ?? '')?.[1];
const nodeRows = (lines: string[]): string[] => lines.filter((l) => /^127\.0\.0\.1:\d+ /.test(l));

async function register(id: string): Promise<void> {
  const { seeds } = inject('redisCluster');
  const endpoints = seeds.flatMap((s) => ['--endpoint', `${s.host}:${s.port}`]);
  expect((await h.rcm(['clusters', 'add', id, '--mode', 'cluster', ...endpoints])).code).toBe(0);
}

describe('rcm top in a terminal', () => {
  it('redraws in place on the alternate screen, re-lays out on a resize, and q restores the terminal', async () => {
    await register('top-six');
    const term = top('top', 'top-six', 120, 30);
    // The 6 nodes of the shared cluster, one frame: the header on the first line, the table under it.
    const first = await term.waitFor('a frame with 6 nodes', (l) => headerTime(l) !== undefined && nodeRows(l).length === 6);
    expect([term.format('alternate_on'), term.format('cursor_flag')]).toEqual(['1', '0']);
    expect(first[2]).toMatch(/^NODE\s+ROLE\s+KEYS\s+MEM\s+CLIENTS\s+BLOCKED\s+OPS\/S\s+HIT%\s+CONN\/S\s+STATE$/);
    expect(first.filter((l) => l.startsWith('rcm top '))).toHaveLength(1);
    const history = term.format('history_size');

    // Later frames: the same one screen, the time moved on, the header still on top, no history grown.
    const time = headerTime(first);
    for (let frame = 0; frame < 2; frame++) {
      const seen = headerTime(await term.screen());
      const next = await term.waitFor('a newer frame', (l) => headerTime(l) !== undefined && headerTime(l) !== seen && nodeRows(l).length === 6, 15_000);
      expect(next.filter((l) => l.startsWith('rcm top '))).toHaveLength(1);
      expect(next.filter((l) => /^NODE /.test(l))).toHaveLength(1);
      expect(nodeRows(next).every((r) => /\d/.test(r))).toBe(true);
    }
    expect(headerTime(term.screen())).not.toBe(time);
    expect(term.format('history_size')).toBe(history);

    // Narrow and short: columns dropped to fit 60 characters, 4 node rows and a line for the 2 that do not fit.
    expect(tmux.run('resize-window', '-t', 'top', '-x', '60', '-y', '8').status).toBe(0);
    const small = await term.waitFor('the frame laid out for 60 × 8', (l) => /more nodes/.test(l.join('\n')) && headerTime(l) !== undefined, 15_000);
    expect(small.every((l) => l.length <= 60)).toBe(true);
    expect(small[2]).toMatch(/^NODE /);
    expect(small[2]).not.toMatch(/CONN\/S/);
    expect(nodeRows(small)).toHaveLength(4);
    expect(small.at(-1)).toMatch(/^… 2 more nodes/);
    expect(term.format('history_size')).toBe(history);

    // Back to wide: every column again.
    expect(tmux.run('resize-window', '-t', 'top', '-x', '120', '-y', '30').status).toBe(0);
    await term.waitFor('the full table again', (l) => /CONN\/S/.test(l[2] ?? '') && nodeRows(l).length === 6, 15_000);

    term.keys('q');
    const after = await term.waitFor('EXIT after q', (l) => l.some((x) => /^EXIT=\d+/.test(x)), 15_000);
    expect(after.find((x) => x.startsWith('EXIT='))).toBe('EXIT=0');
    // The shell's own screen is back: no frame left on it, cursor shown, alternate screen left.
    expect(after.some((x) => /^NODE |^rcm top /.test(x))).toBe(false);
    expect([term.format('alternate_on'), term.format('cursor_flag')]).toEqual(['0', '1']);
    expect(term.format('history_size')).toBe(history);
  }, 120_000);

  it('Ctrl-C quits cleanly too (exit 0, terminal restored)', async () => {
    await register('top-ctrlc');
    const term = top('ctrlc', 'top-ctrlc', 120, 30);
    await term.waitFor('a frame', (l) => headerTime(l) !== undefined && nodeRows(l).length === 6);
    term.keys('C-c');
    const after = await term.waitFor('EXIT after Ctrl-C', (l) => l.some((x) => /^EXIT=\d+/.test(x)), 15_000);
    expect(after.find((x) => x.startsWith('EXIT='))).toBe('EXIT=0');
    expect([term.format('alternate_on'), term.format('cursor_flag')]).toEqual(['0', '1']);
  }, 60_000);

  it('--count N on a terminal leaves the last frame on the normal screen', async () => {
    await register('top-count');
    const term = top('count', 'top-count', 120, 30, ['--count', '2']);
    const after = await term.waitFor('EXIT after 2 refreshes', (l) => l.some((x) => /^EXIT=\d+/.test(x)), 30_000);
    expect(after.find((x) => x.startsWith('EXIT='))).toBe('EXIT=0');
    expect(after[0]).toMatch(/^rcm top top-count {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}every 0\.5s$/);
    expect(after.filter((l) => /^NODE /.test(l))).toHaveLength(1);
    expect(nodeRows(after)).toHaveLength(6);
    expect([term.format('alternate_on'), term.format('cursor_flag')]).toEqual(['0', '1']);
  }, 60_000);
});
