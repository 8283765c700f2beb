import type { EventStore } from '../store/EventStore';
import type { StoredEvent } from '../store/StoredEvent';
import { clusterStreamId } from '../store/streamId';
import type { ReceivedEvent } from './cloudEventSchema';

/** How many of a cluster's latest events a delivery without `streamversion` is looked for among. */
const lookBack = 500;

/**
 * The copy of a received event in its cluster's stream: the event with the delivery's id and type, at the
 * `streamversion` the delivery names (one point read), or among the stream's latest events when it names none.
 * Null when there is none — a forged delivery: whoever holds the webhook key can send any payload, but only the
 * manager records events. A subscriber that changes data or tells people acts on this copy, never on the payload.
 */
export async function recordedCopy(store: EventStore, event: Pick<ReceivedEvent, 'id' | 'type' | 'data' | 'streamversion'>): Promise<StoredEvent | null> {
  const clusterId = (event.data as { clusterId?: unknown }).clusterId;
  if (typeof clusterId !== 'string') return null;
  const streamId = clusterStreamId(clusterId);
  const version = event.streamversion === undefined ? undefined : Number(event.streamversion);
  const candidates = version !== undefined && Number.isSafeInteger(version) && version > 0 ? await store.read(streamId, version, version) : (await store.readBackward(streamId, lookBack)).events;
  return candidates.find((e) => e.id === event.id && e.type === event.type) ?? null;
}
