import type { RegisteredFunction } from '../core/createCoreApi.js';
import type { HostLogger } from '../core/hostLogger.js';
import type { InvocationOutcome, Invoker } from '../core/invokeFunction.js';
import type { TimerSchedule } from './timerSchedule.js';

const neverRan = '0001-01-01T00:00:00';
/** setTimeout cannot wait longer than ~24.8 days; longer waits are re-armed. */
const maxTimeout = 2 ** 31 - 1;

export interface TimerRunner {
  start(): void;
  /** Runs the function now; waits behind a run already in flight (no overlap). */
  runNow(reason: string): Promise<InvocationOutcome>;
  stop(): void;
  nextRun(): Date | undefined;
}

/**
 * One timer function: fires on its schedule, never two runs at once. As the real host does, the next
 * occurrence is computed after a run finishes, so ticks that fall inside a long run are skipped.
 */
export function createTimerRunner(
  fn: RegisteredFunction,
  triggerName: string,
  schedule: TimerSchedule,
  invoker: Invoker,
  logger: HostLogger,
): TimerRunner {
  let handle: NodeJS.Timeout | undefined;
  let stopped = false;
  let last: Date | undefined;
  let next: Date | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  function input(isPastDue: boolean) {
    const now = new Date();
    return {
      Schedule: { AdjustForDST: schedule.adjustForDst },
      ScheduleStatus: {
        Last: last?.toISOString() ?? neverRan,
        Next: (schedule.next(now) ?? now).toISOString(),
        LastUpdated: (last ?? now).toISOString(),
      },
      IsPastDue: isPastDue,
    };
  }

  function run(reason: string, isPastDue: boolean): Promise<InvocationOutcome> {
    const result = tail.then(() =>
      invoker.invoke(fn, {
        inputData: [{ name: triggerName, data: { json: JSON.stringify(input(isPastDue)) } }],
        triggerMetadata: {},
        reason,
      }),
    );
    tail = result.then(() => {
      last = new Date();
    });
    return result;
  }

  function arm(): void {
    if (stopped) return;
    next = schedule.next(new Date());
    if (!next) {
      logger.host('warning', `Timer '${fn.metadata.name}' has no future occurrence of "${schedule.expression}"`);
      return;
    }
    const due = next;
    const wait = () => {
      const delay = due.getTime() - Date.now();
      if (delay > maxTimeout) {
        handle = setTimeout(wait, maxTimeout);
        return;
      }
      handle = setTimeout(() => {
        handle = undefined;
        if (stopped) return;
        const isPastDue = Date.now() - due.getTime() > 1000;
        void run(`Timer fired at ${new Date().toISOString()}`, isPastDue).then(arm, arm);
      }, Math.max(0, delay));
    };
    wait();
  }

  return {
    start() {
      arm();
    },
    runNow: (reason) => run(reason, false),
    stop() {
      stopped = true;
      if (handle) clearTimeout(handle);
      handle = undefined;
    },
    nextRun: () => next,
  };
}
