import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { REAPER_SOURCE } from './reaperSource';

/**
 * Orphan protection. Node has no PR_SET_PDEATHSIG, so every process spawned by tools/local is recorded
 * with one detached watchdog per owner process (see reaperSource.ts). If the owner dies — normal exit,
 * uncaught error, SIGINT/SIGTERM, even SIGKILL — the watchdog's stdin closes and it kills what is left.
 */
let reaper: ChildProcess | undefined;
/** Tracked pids → their own SIGKILL grace (undefined: the watchdog's default). */
const live = new Map<number, number | undefined>();
let exitHookInstalled = false;

function channel(): NodeJS.WritableStream | undefined {
  if (reaper === undefined || reaper.exitCode !== null || reaper.signalCode !== null) {
    const env = { ...process.env };
    delete env['NODE_OPTIONS']; // e.g. --inspect or loaders meant for the owner, not for the watchdog
    env['RCM_REAPER_SOURCE'] = REAPER_SOURCE; // via env so `ps` shows a short, recognisable command line
    const argv = ['-e', 'eval(process.env.RCM_REAPER_SOURCE)', 'rcm-reaper', String(process.pid), '3000'];
    reaper = spawn(process.execPath, argv, {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env,
    });
    reaper.unref();
    (reaper.stdin as Socket | null)?.unref();
    reaper.stdin?.on('error', () => undefined);
  }
  return reaper.stdin ?? undefined;
}

function send(op: string, ...args: Array<string | number>): void {
  channel()?.write(`${[op, ...args].join('\t')}\n`);
}

/**
 * Records a spawned process group leader so it is stopped if this process dies first: one SIGTERM, then SIGKILL
 * after `graceMs` (@default the watchdog's 3000 ms). A process that saves state on SIGTERM (Azurite) needs a grace
 * long enough to finish saving.
 */
export function trackPid(pid: number, graceMs?: number): void {
  live.set(pid, graceMs);
  if (graceMs === undefined) send('add', pid);
  else send('add', pid, graceMs);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Synchronous best effort on an orderly exit; the watchdog follows up with SIGKILL if needed. Processes with
    // their own grace save state on SIGTERM and must get exactly one: the watchdog sends it, as the pipe closes.
    process.once('exit', () => {
      for (const [p, grace] of live) if (grace === undefined) killGroup(p, 'SIGTERM');
    });
  }
}

export function untrackPid(pid: number): void {
  live.delete(pid);
  send('del', pid);
}

/** Records a directory to delete if this process dies before cleaning it up itself. */
export function trackDir(dir: string): void {
  send('dir', dir);
}

export function untrackDir(dir: string): void {
  send('undir', dir);
}

/** Signals the process group led by `pid` (our children are spawned detached), then the pid itself. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
