import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { onTestFinished } from 'vitest';
import { spawnManaged, type ManagedProcess } from '../../tools/local/managedProcess';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output; killed (SIGKILL) after `timeoutMs`. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A child that exits before reading its stdin makes the write fail with EPIPE; its result still comes from 'close'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Node arguments that run a TypeScript file directly (through tsx), with the same Node as the tests. */
export function nodeTs(file: string, ...args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', file, ...args]];
}

export interface BackgroundProcess extends ManagedProcess {
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/**
 * Starts a long-running process (a host, a fixture) in its own process group; stopped after the current test
 * (or by the caller), and orphan-protected like every tools/local process.
 */
export function startProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): BackgroundProcess {
  const proc = spawnManaged(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const append = (chunk: Buffer): void => {
    text += chunk.toString();
  };
  proc.child.stdout?.on('data', append);
  proc.child.stderr?.on('data', append);
  try {
    onTestFinished(() => proc.stop());
  } catch {
    // not inside a test: the caller stops it
  }
  const waitForOutput = async (pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = text.match(pattern);
      if (match) return match;
      if (proc.hasExited()) throw new Error(`process exited before printing ${String(pattern)}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}:\n${text}`);
      await sleep(25);
    }
  };
  return { ...proc, output: () => text, waitForOutput };
}

/** True while `pid` exists and is not a zombie. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Waits until none of `pids` is alive; returns the ones still alive after `timeoutMs` (empty = all gone). */
export async function waitForPidsToExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isPidAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}
