import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/** Event Grid (alerts raised/resolved, failed jobs and warms): one message per incident to the configured channels. */
export async function notify(event: EventGridEvent, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { notifyOnEvent } = await import('../shared/monitoring/notifications/notifyOnEvent.js');
  await notifyOnEvent(event, context);
}

app.eventGrid('notify', { handler: notify });
