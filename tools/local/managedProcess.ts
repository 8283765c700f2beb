import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { killGroup, trackPid, untrackPid } from './reaper';

export interface ManagedProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves once the process has exited (for any reason). */
  exited: Promise<void>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; idempotent; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnManagedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** @default ['ignore', 'ignore', 'ignore'] */
  stdio?: StdioOptions;
  /**
   * How long SIGTERM may take before SIGKILL, in `stop()` and when the orphan watchdog stops the process after its
   * owner died. @default 5000 for `stop()`, the watchdog's 3000 ms after the owner's death
   */
  graceMs?: number;
}

/**
 * Spawns a process in its own process group (so terminal Ctrl-C goes to the owner, which shuts down in order,
 * and so the whole group can be killed), registered with the orphan watchdog until it exits.
 */
export function spawnManaged(command: string, args: string[], options: SpawnManagedOptions = {}): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.stdio ?? ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`failed to spawn ${command}`);
  trackPid(pid, options.graceMs);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      done = true;
      untrackPid(pid);
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = options.graceMs ?? 5000): Promise<void> => {
    stopping ??= (async () => {
      if (done) return;
      killGroup(pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      });
      const late = await Promise.race([exited.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) killGroup(pid, 'SIGKILL');
      await exited;
    })();
    return stopping;
  };
  return { child, pid, exited, hasExited: () => done, stop };
}

/** How a child ended, for logs: `code 0`, `signal SIGKILL`. */
export function describeExit(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode ?? 'unknown'}`;
}
