import { parseCloudEvent, type ReceivedEvent } from '../../platform/events/cloudEventSchema';
import { recordedCopy } from '../../platform/events/recordedCopy';
import type { ChannelResource } from './ChannelRegistry';
import { deliverNotice, type ChannelOutcome } from './deliverNotice';
import { noticeFor, type Notice } from './notices';
import { notifications, type Notifications } from './openNotifications';
import { routeMatches } from './routeNotice';

interface EventInvocation {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/** Some channel could not be settled now (being sent elsewhere, or storage failed): Event Grid redelivers the event. */
export class NotificationPendingError extends Error {
  readonly code = 'notification_pending';
  constructor(message: string) {
    super(message);
    this.name = 'NotificationPendingError';
  }
}

/**
 * Channels a notice goes to. A resolution goes where its raise went (so every "raised" gets its "resolved", even
 * after routes changed) plus wherever the routes send it now; a raise is dropped on a channel that already got the
 * resolution (events arrive unordered: a late raise must not reopen a closed incident in the chat).
 */
async function targetsOf(n: Notifications, notice: Notice, channels: readonly ChannelResource[]): Promise<ChannelResource[]> {
  const log = n.delivery.log;
  const picked = await Promise.all(
    channels.map(async (c) => {
      if (!c.enabled) return null;
      if (notice.closes) {
        const raised = await log.state(c.name, notice.closes);
        return raised === 'delivered' || raised === 'dead-lettered' || routeMatches(c, notice) ? c : null;
      }
      if (!routeMatches(c, notice)) return null;
      if (notice.phase === 'raised' && notice.key.endsWith('-raised') && (await log.state(c.name, notice.key.replace(/-raised$/, '-resolved'))) !== null) return null;
      return c;
    }),
  );
  return picked.filter((c): c is ChannelResource => c !== null);
}

/**
 * The `notify` subscriber: alerts raised and resolved, failed jobs and warms (`notifiableEvents`) to the configured
 * channels. Idempotent twice over: per event id (the deduper) and per channel and incident (the delivery log), so
 * at-least-once delivery and incidents recorded twice still make one message each. One channel failing for good
 * is dead-lettered without holding up the others; only a channel that could not be settled now makes the event fail
 * (Event Grid retries; channels already settled are skipped then).
 *
 * People are told only what the manager recorded: the notice is made from the event's copy in its cluster's stream
 * (`recordedCopy`), so a forged delivery (a fake incident, or a fake resolution that would close a real one in the
 * chat and swallow its real raise) is logged and dropped without touching a channel or the delivery log.
 */
export async function notifyOnEvent(raw: unknown, context: EventInvocation, open: () => Promise<Notifications> = notifications): Promise<ChannelOutcome[]> {
  const parsed = parseCloudEvent(raw);
  if (!parsed.ok) {
    context.warn(`notify: ${parsed.problem}`);
    return [];
  }
  const received = parsed.event;
  if (!noticeFor(received)) {
    context.log(`notify: event ${received.id} (${received.type}) is not notifiable; ignored`);
    return [];
  }
  const n = await open();
  const recorded = await recordedCopy(n.cp.streams.store, received);
  if (!recorded) {
    context.warn(`notify: event ${received.id} (${received.type}) is not recorded in the stream of cluster '${(received.data as { clusterId: string }).clusterId}'; ignored`);
    return [];
  }
  const event = { ...received, type: recorded.type, data: recorded.data, time: recorded.time } as ReceivedEvent;
  const notice = noticeFor(event);
  if (!notice) {
    context.log(`notify: event ${event.id} (${event.type}) as recorded is not notifiable; ignored`);
    return [];
  }
  let outcomes: ChannelOutcome[] = [];
  await n.cp.dedupe.once('notify', event.id, async () => {
    const targets = await targetsOf(n, notice, await n.channels.list());
    const settled = await Promise.allSettled(targets.map((c) => deliverNotice(c, notice, n.delivery)));
    outcomes = settled.map((s, i) => (s.status === 'fulfilled' ? s.value : { channel: targets[i]?.name ?? '?', outcome: 'in-progress', attempts: 0, reason: (s.reason as Error).message }));
    const line = outcomes.map((o) => `${o.channel}=${o.outcome}${o.attempts > 1 ? `(${o.attempts} attempts)` : ''}${o.reason ? ` [${o.reason}]` : ''}`).join(', ');
    context.log(`notify: event ${event.id} ${notice.key}: ${line || 'no channel routed'}`);
    const pending = outcomes.filter((o) => o.outcome === 'in-progress');
    if (pending.length) throw new NotificationPendingError(`notice ${notice.key} not settled on ${pending.map((o) => o.channel).join(', ')}; retry`);
  });
  return outcomes;
}
