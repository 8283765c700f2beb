import { setTimeout as sleep } from 'node:timers/promises';

/** What a supervisor needs of a process: when it ended (and how), and how to stop it. */
export interface Supervisable {
  pid: number;
  /** Resolves with how the process ended (`code 1`, `signal SIGKILL`). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** First restart delay, doubled per consecutive failure. @default 500 */
  initialDelayMs?: number;
  /** Longest delay between restarts. @default 10000 */
  maxDelayMs?: number;
  /** Uptime after which a process counts as healthy again (the delay starts over). @default 30000 */
  healthyAfterMs?: number;
  /** @default console.log */
  log?: (line: string) => void;
}

export interface Supervised<T extends Supervisable> {
  /** The process running now (a restart replaces it). */
  current(): T;
  /** Restarts so far. */
  restarts(): number;
  /** Stops supervising, then the process; idempotent. */
  stop(): Promise<void>;
}

/**
 * Keeps a local process running: when it exits without being asked to (crash, SIGKILL, OOM), `start` is called
 * again after a backoff (500 ms doubling to 10 s, starting over after 30 s of uptime), every step logged. `start`
 * gets the previous process so it can restart it behind the same ports: clients (the app's storage and Redis
 * connections) then reconnect by themselves, with no change of settings.
 */
export async function supervise<T extends Supervisable>(name: string, start: (previous: T | undefined) => Promise<T>, options: SuperviseOptions = {}): Promise<Supervised<T>> {
  const log = options.log ?? ((line: string) => console.log(line));
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const healthyAfterMs = options.healthyAfterMs ?? 30_000;
  let proc = await start(undefined);
  let stopping = false;
  let restarts = 0;
  let failures = 0;
  let startedAt = Date.now();
  const abort = new AbortController();

  const watch = async (): Promise<void> => {
    for (;;) {
      const how = await proc.exited;
      if (stopping) return;
      if (Date.now() - startedAt >= healthyAfterMs) failures = 0;
      for (;;) {
        const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
        failures += 1;
        log(`[supervisor] ${name} (pid ${proc.pid}) exited unexpectedly (${how}); restarting in ${(delay / 1000).toFixed(1)} s (attempt ${failures})`);
        const slept = await sleep(delay, true, { signal: abort.signal }).catch(() => false);
        if (stopping || !slept) return;
        try {
          const next = await start(proc);
          if (stopping) {
            await next.stop();
            return;
          }
          proc = next;
          restarts += 1;
          startedAt = Date.now();
          log(`[supervisor] ${name} restarted (pid ${proc.pid})`);
          break;
        } catch (error) {
          log(`[supervisor] ${name} failed to restart: ${((error as Error).message.split('\n')[0] ?? '').slice(0, 300)}`);
        }
      }
    }
  };
  const watching = watch();

  let stopped: Promise<void> | undefined;
  return {
    current: () => proc,
    restarts: () => restarts,
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        abort.abort();
        await proc.stop();
        await watching;
      })();
      return stopped;
    },
  };
}
