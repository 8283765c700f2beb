import { odata } from '@azure/data-tables';
import type { EventPublisher } from '../events/EventPublisher';
import type { EventStore } from './EventStore';
import type { StoredEvent } from './StoredEvent';
import { statusOf } from './statusOf';
import { outboxRowKey } from './streamId';

/** Minimal logger so this module stays free of `@azure/functions` types (an `InvocationContext` fits). */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface RelayResult {
  /** Events sent to the topic and marked published by this run. */
  published: number;
  /** Events still pending after this run (publish failed, or beyond `maxEvents`). */
  pending: number;
}

/**
 * Transactional outbox over the event store: every append writes an `o-<version>` marker in the same transaction.
 * After the append the writer tries to publish at once; the marker is deleted only once Event Grid accepted the
 * event, so a dead topic delays events but never loses them. The timer relay publishes what is left. Delivery is
 * at-least-once (a relay and a writer may both send an event), hence subscribers dedupe by event id.
 */
export class Outbox {
  constructor(
    private readonly store: EventStore,
    private readonly publisher: EventPublisher | undefined,
    private readonly log: Logger,
  ) {}

  /** Publishes freshly appended events; returns false (and keeps them pending) when the topic is not reachable. */
  async publishNow(events: readonly StoredEvent[]): Promise<boolean> {
    if (!this.publisher || events.length === 0) return false;
    try {
      await this.publisher.publish(events);
    } catch (error) {
      this.log.warn(`event publish deferred to the outbox relay (${events.length} events): ${describe(error)}`);
      return false;
    }
    await this.markPublished(events);
    return true;
  }

  /** Publishes pending events, oldest version first per stream, at most `maxEvents` per run (bounded invocation). */
  async relay(maxEvents = 500): Promise<RelayResult> {
    const pending = await this.pending();
    if (!this.publisher) return { published: 0, pending: pending.length };
    const byStream = new Map<string, number[]>();
    for (const marker of pending.slice(0, maxEvents)) byStream.set(marker.streamId, [...(byStream.get(marker.streamId) ?? []), marker.version]);
    let published = 0;
    for (const [streamId, versions] of byStream) {
      const wanted = new Set(versions);
      const events = (await this.store.read(streamId, Math.min(...versions), Math.max(...versions))).filter((e) => wanted.has(e.version));
      if (events.length !== versions.length) this.log.error(`outbox of ${streamId} names ${versions.length} events but ${events.length} exist`);
      if (events.length === 0) continue;
      try {
        await this.publisher.publish(events);
      } catch (error) {
        this.log.warn(`outbox relay could not publish ${events.length} events of ${streamId}: ${describe(error)}`);
        continue;
      }
      await this.markPublished(events);
      published += events.length;
    }
    return { published, pending: pending.length - published };
  }

  /** Every pending marker (cross-partition query; the outbox of a control plane is small). */
  async pending(): Promise<{ streamId: string; version: number }[]> {
    const markers: { streamId: string; version: number }[] = [];
    const filter = odata`RowKey ge ${'o-'} and RowKey lt ${'o.'}`;
    for await (const row of this.store.table.listEntities<{ version: number }>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'version'] } })) {
      markers.push({ streamId: row.partitionKey ?? '', version: Number(row.version) });
    }
    return markers;
  }

  private async markPublished(events: readonly StoredEvent[]): Promise<void> {
    await Promise.all(
      events.map(async (event) => {
        try {
          await this.store.table.deleteEntity(event.streamId, outboxRowKey(event.version));
        } catch (error) {
          // Already deleted by a concurrent relay or writer: the event is published either way.
          if (statusOf(error) !== 404) throw error;
        }
      }),
    );
  }
}

/** Error text safe for logs: the message only (SDK errors carry request details but never the key). */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
