import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/** Event Grid (`Messaging.WorkloadDiscovered`): namespaces holding streams or queues become `retention: persistent`. */
export async function markPersistentOnDiscovery(event: EventGridEvent, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { onMessagingDiscovered } = await import('../shared/admin/messaging/onMessagingDiscovered.js');
  await onMessagingDiscovered(event, context);
}

app.eventGrid('markPersistentOnDiscovery', { handler: markPersistentOnDiscovery });
