import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Principal } from '../auth/Principal';
import type { DomainEvent } from '../events/catalogue';
import { ConcurrencyError } from './ConcurrencyError';
import { fromEventRow, toEventRow } from './eventRow';
import { jsonFromChunks, jsonToChunks } from './jsonChunks';
import type { StoredEvent } from './StoredEvent';
import { eventRowKey, headRowKey, outboxRowKey, streamIdSchema } from './streamId';
import { statusOf } from './statusOf';
import { activeTraceparent } from '../telemetry/activeTraceparent';

/** Who and why, recorded with every event of one append. */
export interface AppendContext {
  principal: Principal;
  correlationId: string;
  /**
   * Projection state after these events (given the events as stored), kept on the head row in the same transaction
   * so reads need not replay. Replay must give the same state; a test holds the projections to that.
   */
  snapshot?: (appended: readonly StoredEvent[]) => unknown;
}

/** The head row: the stream's version and (optionally) the snapshot written with the last append. */
export interface StreamHead {
  streamId: string;
  version: number;
  snapshot: unknown;
  etag: string;
}

/** Each event takes an event row and an outbox row, the head one more: 49 events fit a 100-action transaction. */
const maxEventsPerAppend = 49;

/**
 * Append-only event streams on one table. Layout of a partition (= stream):
 * `head` (version + snapshot), `e-<version>` (events), `o-<version>` (outbox: published-pending markers).
 * An append is one entity-group transaction, so events, outbox markers and head change together or not at all;
 * the head is created (version 0) or updated with its ETag, so a stale writer always fails instead of overwriting.
 */
export class EventStore {
  constructor(readonly table: TableClient) {}

  /** Appends `events` if the stream is at `expectedVersion` (0 = new stream); throws `ConcurrencyError` otherwise. */
  async append(streamId: string, expectedVersion: number, events: readonly DomainEvent[], context: AppendContext): Promise<StoredEvent[]> {
    streamIdSchema.parse(streamId);
    if (events.length === 0 || events.length > maxEventsPerAppend) throw new RangeError(`an append takes 1-${maxEventsPerAppend} events`);
    const head = expectedVersion === 0 ? undefined : await this.head(streamId);
    if (expectedVersion !== 0 && head?.version !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion);

    const time = new Date().toISOString();
    const actions: TransactionAction[] = [];
    const stored: StoredEvent[] = [];
    const traceparent = activeTraceparent();
    events.forEach((event, i) => {
      const version = expectedVersion + i + 1;
      const row = toEventRow(streamId, version, event, { principal: context.principal, correlationId: context.correlationId, time, traceparent });
      actions.push(['create', row.entity]);
      actions.push(['create', { partitionKey: streamId, rowKey: outboxRowKey(version), eventId: row.stored.id, version, createdAt: time }]);
      stored.push(row.stored);
    });
    const newVersion = expectedVersion + events.length;
    const headEntity = { partitionKey: streamId, rowKey: headRowKey, version: newVersion, updatedAt: time, ...jsonToChunks('snapshot', context.snapshot ? context.snapshot(stored) : null) };
    actions.push(head ? ['update', headEntity, 'Replace', { etag: head.etag }] : ['create', headEntity]);
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) throw new ConcurrencyError(streamId, expectedVersion);
      throw error;
    }
    return stored;
  }

  /** The stream's head, or version 0 and no snapshot when the stream does not exist yet. */
  async head(streamId: string): Promise<StreamHead> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(streamId, headRowKey);
      return { streamId, version: Number(entity['version']), snapshot: jsonFromChunks('snapshot', entity), etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return { streamId, version: 0, snapshot: null, etag: '' };
      throw error;
    }
  }

  /** Events `fromVersion..toVersion` (inclusive), oldest first, each validated against the catalogue. */
  async read(streamId: string, fromVersion = 1, toVersion = 9_999_999_999): Promise<StoredEvent[]> {
    const filter = odata`PartitionKey eq ${streamId} and RowKey ge ${eventRowKey(fromVersion)} and RowKey le ${eventRowKey(toVersion)}`;
    const events: StoredEvent[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      events.push(fromEventRow(entity));
    }
    return events;
  }

  /** A page of the stream, newest first: events below `beforeVersion` (default: all), at most `limit`. */
  async readBackward(streamId: string, limit: number, beforeVersion?: number): Promise<{ events: StoredEvent[]; nextBefore?: number }> {
    const top = beforeVersion === undefined ? (await this.head(streamId)).version : Math.min(beforeVersion - 1, (await this.head(streamId)).version);
    if (top < 1) return { events: [] };
    const from = Math.max(1, top - limit + 1);
    const events = (await this.read(streamId, from, top)).reverse();
    return from > 1 ? { events, nextBefore: from } : { events };
  }

  /** Heads of every stream whose id starts with `prefix` (e.g. all clusters), for listings. */
  async *heads(prefix: string): AsyncIterable<StreamHead> {
    const filter = odata`RowKey eq ${headRowKey} and PartitionKey ge ${prefix} and PartitionKey lt ${prefix + '\uffff'}`;
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      yield { streamId: entity.partitionKey ?? '', version: Number(entity['version']), snapshot: jsonFromChunks('snapshot', entity), etag: entity.etag };
    }
  }
}
