import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { subscriptionMatches, type EventGridSubscription } from '../../../shared/platform/events/subscriptionsSchema.js';
import type { HostLogger } from '../core/hostLogger.js';
import { eventId, eventType, type EventSchema, type GridEvent } from './parseEvents.js';

export interface DeliveryOptions {
  /** Attempts per event and subscription, capped by the subscription's maxDeliveryAttempts. @default 5 */
  maxAttempts?: number;
  /** Wait before the first retry; doubles per attempt. @default 100 */
  initialDelayMs?: number;
  /** Longest wait between attempts. @default 2000 */
  maxDelayMs?: number;
  /** Folder for `<subscription>.ndjson` dead-letter files. @default <os tmpdir>/local-functions-host/deadletter */
  deadLetterDir?: string;
}

export interface DeadLetter {
  subscription: string;
  function: string;
  deadLetterReason: 'MaxDeliveryAttemptsExceeded' | 'TimeToLiveExceeded' | 'NonRetriableStatus';
  deliveryAttempts: number;
  lastHttpStatusCode: number;
  lastDeliveryOutcome: string;
  publishTime: string;
  lastDeliveryAttemptTime: string;
  event: GridEvent;
}

/** Sends one event to one function, through the webhook, and answers with its HTTP status. */
export type DeliverOne = (functionName: string, event: GridEvent, schema: EventSchema) => Promise<number>;

export interface EventDelivery {
  publish(source: 'topic' | 'redis', schema: EventSchema, events: GridEvent[]): void;
  deadLetters(): ReadonlyArray<DeadLetter>;
  idle(): Promise<void>;
  stop(): void;
}

const nonRetriable = new Set([400, 413]);

/**
 * Event Grid's delivery loop, locally: one delivery per event and subscription, retried with exponential
 * backoff until it succeeds (2xx), the attempts or the time to live run out, or the status is one Event Grid
 * does not retry (400, 413). Undeliverable events go to the dead-letter log.
 */
export function createEventDelivery(
  subscriptions: EventGridSubscription[],
  deliver: DeliverOne,
  options: Required<Omit<DeliveryOptions, 'deadLetterDir'>> & { deadLetterDir: string },
  logger: HostLogger,
): EventDelivery {
  const dead: DeadLetter[] = [];
  let pending = 0;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let writes: Promise<unknown> = Promise.resolve();

  function settle(): void {
    pending--;
    if (pending === 0) {
      void writes.then(() => {
        if (pending !== 0) return;
        const done = waiters;
        waiters = [];
        done.forEach((w) => w());
      });
    }
  }

  function deadLetter(letter: DeadLetter): void {
    dead.push(letter);
    logger.host(
      'warning',
      `Event ${eventId(letter.event)} dead-lettered for subscription '${letter.subscription}': ${letter.deadLetterReason} after ${letter.deliveryAttempts} attempt(s), last status ${letter.lastHttpStatusCode}`,
    );
    const file = join(options.deadLetterDir, `${letter.subscription}.ndjson`);
    writes = writes
      .then(() => mkdir(options.deadLetterDir, { recursive: true }))
      .then(() => appendFile(file, `${JSON.stringify(letter)}\n`))
      .catch((err: unknown) => logger.host('error', `Cannot write dead-letter file ${file}: ${String(err)}`));
  }

  function start(subscription: EventGridSubscription, schema: EventSchema, event: GridEvent): void {
    const publishTime = new Date();
    const maxAttempts = Math.min(options.maxAttempts, subscription.maxDeliveryAttempts);
    const ttlMs = subscription.eventTimeToLiveMinutes * 60_000;
    let attempt = 0;
    pending++;

    const finish = (reason: DeadLetter['deadLetterReason'] | undefined, status: number, outcome: string) => {
      if (reason) {
        deadLetter({
          subscription: subscription.name,
          function: subscription.function,
          deadLetterReason: reason,
          deliveryAttempts: attempt,
          lastHttpStatusCode: status,
          lastDeliveryOutcome: outcome,
          publishTime: publishTime.toISOString(),
          lastDeliveryAttemptTime: new Date().toISOString(),
          event,
        });
      }
      settle();
    };

    const tryOnce = async (): Promise<void> => {
      if (stopped) return finish(undefined, 0, 'HostStopped');
      attempt++;
      let status: number;
      try {
        status = await deliver(subscription.function, event, schema);
      } catch {
        status = 500;
      }
      if (status >= 200 && status < 300) return finish(undefined, status, 'Delivered');
      const outcome = `Http${status}`;
      if (nonRetriable.has(status)) return finish('NonRetriableStatus', status, outcome);
      if (attempt >= maxAttempts) return finish('MaxDeliveryAttemptsExceeded', status, outcome);
      const delay = Math.min(options.initialDelayMs * 2 ** (attempt - 1), options.maxDelayMs);
      if (Date.now() + delay - publishTime.getTime() > ttlMs) return finish('TimeToLiveExceeded', status, outcome);
      logger.host('information', `Retrying event ${eventId(event)} for '${subscription.name}' in ${delay}ms (attempt ${attempt} got ${status})`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        void tryOnce();
      }, delay);
      timers.add(timer);
    };
    void tryOnce();
  }

  return {
    publish(source, schema, events) {
      for (const event of events) {
        const subject = typeof event.subject === 'string' ? event.subject : '';
        const matching = subscriptions.filter((s) => s.source === source && subscriptionMatches(s, eventType(event), subject));
        if (matching.length === 0) {
          logger.host('information', `Event ${eventId(event)} (${eventType(event)}) on '${source}' matches no subscription`);
        }
        for (const subscription of matching) start(subscription, schema, event);
      }
    },
    deadLetters: () => dead,
    idle() {
      if (pending === 0) return writes.then(() => undefined);
      return new Promise((resolve) => waiters.push(resolve));
    },
    stop() {
      stopped = true;
      for (const timer of timers) {
        clearTimeout(timer);
        settle();
      }
      timers.clear();
    },
  };
}
