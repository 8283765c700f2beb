import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix } from '../helpers/redis';
import { json, rcmBin, useCliHarness } from './cliHarness';

// `rcm invalidate` on a real terminal: a private tmux server (its own socket, so no other tmux is touched) runs
// the CLI in a pseudo-terminal; pipe-pane records every byte it draws, send-keys types and presses Ctrl-C.
const h = useCliHarness();
const socket = `rcm-test-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'rcm-pty-'));
afterAll(() => {
  tmux('kill-server');
  rmSync(dir, { recursive: true, force: true });
});

// spawnSync with stdin ignored: tmux commands return at once, and a piped stdin could EPIPE when tmux exits first.
const tmux = (...args: string[]): number | null => spawnSync('tmux', ['-L', socket, ...args], { stdio: 'ignore', timeout: 10_000 }).status;
const ESC = String.fromCharCode(27);
/** Terminal control sequences (colour, erase line, cursor moves). */
const CSI = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g');
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `rcm ...args` in a new tmux session; returns a reader of everything the terminal was sent. */
async function inTerminal(name: string, args: string[]): Promise<{ log: () => string; waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>; keys: (...k: string[]) => number | null }> {
  const logFile = join(dir, `${name}.log`);
  const env = Object.entries(h.env()).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
  // The shell waits for a key before starting rcm, so pipe-pane is attached before the first byte is drawn.
  const command = `read -r _; env -i ${env} TERM=xterm-256color ${shellQuote(process.execPath)} ${shellQuote(rcmBin)} ${args.map(shellQuote).join(' ')}; echo "EXIT=$?"; sleep 30`;
  expect(tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '40', 'bash', '--norc', '-c', command)).toBe(0);
  tmux('pipe-pane', '-t', name, '-o', `cat >> ${shellQuote(logFile)}`);
  tmux('send-keys', '-t', name, 'Enter');
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  // Matched without escape sequences (colour, cursor moves); the raw bytes stay in log().
  const text = (): string => log().replace(CSI, '');
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(text())) {
      if (Date.now() > deadline) throw new Error(`terminal never showed ${String(pattern)}:\n${JSON.stringify(log())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return text();
  };
  return { log, waitFor, keys: (...k: string[]) => tmux('send-keys', '-t', name, ...k) };
}

async function fillNamespace(cluster: string, count: number): Promise<string> {
  const { host, port } = inject('redisStandalone');
  const prefix = keyPrefix(`pty-${cluster}`);
  expect((await h.rcm(['clusters', 'add', cluster, '--mode', 'standalone', '--endpoint', `${host}:${port}`])).code).toBe(0);
  expect((await h.rcm(['ns', 'set', cluster, 'items', '--pattern', `${prefix}item:*`])).code).toBe(0);
  const redis = connectStandalone();
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i++) pipeline.set(`${prefix}item:${i}`, 'v');
  await pipeline.exec();
  return prefix;
}

describe('rcm invalidate in a terminal', () => {
  it('asks naming the cluster, draws the bar with rate and ETA up to 100 %, ends with the summary', async () => {
    const prefix = await fillNamespace('pty-full', 3000);
    // 1000 keys/s: about 3 s of bar, several redraws.
    const term = await inTerminal('full', ['invalidate', 'pty-full', 'items', '--rate', '1000']);
    await term.waitFor(/Invalidate namespace 'items' on cluster 'pty-full'\? .*\[y\/N\] /);
    // The count is the dry run's estimate: sampled when the shared server holds other files' keys, so not always 3,000.
    expect(term.log()).toMatch(/This UNLINKs ~[\d,]+ keys matching '/);
    term.keys('y', 'Enter');
    const out = await term.waitFor(/EXIT=\d+/, 90_000);
    expect(out).toMatch(/EXIT=0/);
    // Colour on a terminal: the question is bold, "succeeded" green.
    expect(term.log()).toContain(`${ESC}[1mInvalidate namespace`);
    expect(term.log()).toContain(`${ESC}[32msucceeded${ESC}[39m`);
    // Redraws in place (carriage return + erase line), with a percentage below 100 first, then 100 %.
    const frames = out.split('\r');
    const percents = frames.flatMap((f) => /\]\s+(\d+) %\s+[\d,]+\/[\d,]+ keys/.exec(f)?.[1] ?? []).map(Number);
    expect(percents.length).toBeGreaterThan(2);
    expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
    expect(percents.at(-1)).toBe(100);
    expect(frames.some((f) => /\d+ % {2}[\d,]+\/[\d,]+ keys {2}[\d.]+k?\/s {2}ETA \d+[sm]/.test(f))).toBe(true);
    expect(out).toMatch(/\[#{10,}\]\s+100 %\s+3,000\/3,000 keys\s+invalidate pty-full\/items/);
    expect(out).toMatch(/Job invalidate-\S+ .*succeeded.* in \d+s: deleted 3,000 keys \(scanned 3,000\) on 1 node\(s\)\./);
    expect(await connectStandalone().exists(`${prefix}item:1`)).toBe(0);
  }, 120_000);

  it('Ctrl-C asks cancel or detach; detach returns at once and the job goes on to the end', async () => {
    const prefix = await fillNamespace('pty-detach', 3000);
    // 200 keys/s: ~15 s of work, so the job is surely mid-way when we detach.
    const term = await inTerminal('detach', ['invalidate', 'pty-detach', 'items', '--rate', '200', '--yes']);
    await term.waitFor(/\]\s+\d+ %\s+[\d,]+\/[\d,]+ keys/);
    term.keys('C-c');
    await term.waitFor(/\[c\] cancel it, \[d\] detach \(it goes on\), \[r\] resume watching: /);
    const jobId = /Job (invalidate-\S+) is still running on cluster 'pty-detach'/.exec(term.log())?.[1] as string;
    expect(jobId).toBeDefined();
    term.keys('d');
    const out = await term.waitFor(/EXIT=\d+/);
    expect(out).toMatch(/EXIT=0/);
    expect(out).toContain(`Detached. Job ${jobId} goes on; follow it with: rcm jobs watch ${jobId}`);
    const right = json<{ status: string; progress: { deleted?: number } }>(await h.rcm(['jobs', 'show', jobId, '--json']));
    expect(right.status).toBe('running');
    expect(right.progress.deleted ?? 0).toBeLessThan(3000);
    expect(await connectStandalone().exists(`${prefix}item:2999`, `${prefix}item:0`)).toBeGreaterThan(0);
    // Detached, not cancelled: it finishes on its own and deletes everything.
    const watched = await h.rcm(['jobs', 'watch', jobId], { timeoutMs: 90_000 });
    expect(watched.code).toBe(0);
    expect(json<{ status: string; progress: { deleted: number } }>(await h.rcm(['jobs', 'show', jobId, '--json']))).toMatchObject({ status: 'succeeded', progress: { deleted: 3000 } });
  }, 150_000);

  it('Ctrl-C then [c] cancels the job: it ends cancelled with keys left, exit 1', async () => {
    const prefix = await fillNamespace('pty-cancel', 3000);
    const term = await inTerminal('cancel', ['invalidate', 'pty-cancel', 'items', '--rate', '200', '--yes']);
    await term.waitFor(/\]\s+\d+ %\s+[\d,]+\/[\d,]+ keys/);
    term.keys('C-c');
    await term.waitFor(/\[r\] resume watching: /);
    term.keys('c');
    const out = await term.waitFor(/EXIT=\d+/, 90_000);
    expect(out).toMatch(/Cancel requested/);
    expect(out).toMatch(/Job invalidate-\S+ .*cancelled/);
    expect(out).toMatch(/EXIT=1/);
    expect(await connectStandalone().exists(`${prefix}item:2999`, `${prefix}item:0`, `${prefix}item:1500`)).toBeGreaterThan(0);
  }, 120_000);
});
