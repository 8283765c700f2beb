import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';

/** Event Grid (`Alert.Raised`, memory pressure): sampled analysis → `Eviction.PolicyRecommended`; opt-in TTL shortening. */
export async function evictionOnMemoryAlert(event: EventGridEvent, context: InvocationContext): Promise<void> {
  // Loaded here, not at import: cold start of the app stays small (shared/platform/lazy.ts).
  const { onMemoryAlert } = await import('../shared/eviction/policy/onMemoryAlert.js');
  await onMemoryAlert(event, context);
}

app.eventGrid('evictionOnMemoryAlert', { handler: evictionOnMemoryAlert });
