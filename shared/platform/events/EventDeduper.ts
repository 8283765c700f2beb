import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { claimRow, expiresAt, purgeExpired } from '../store/claimRow';
import { statusOf } from '../store/statusOf';

/** Event ids usable as a RowKey as they are; others (with `/`, `#`, `?`...) are hashed. */
const plainId = /^[A-Za-z0-9._:-]{1,200}$/;

export class EventInProgressError extends Error {
  readonly code = 'event_in_progress';
  constructor(eventId: string) {
    super(`event ${eventId} is being applied by another invocation; retry later`);
    this.name = 'EventInProgressError';
  }
}

/**
 * Idempotency for subscribers: Event Grid delivers at least once, so each consumer applies an event id once within a
 * bounded TTL. Seen ids live in a table (not in the managed Redis, which may be flushed or evict them), per consumer.
 * While an event is being applied its row is a short lease; if the handler throws the lease is dropped so the
 * redelivery applies it, and if the instance dies the lease simply expires.
 */
export class EventDeduper {
  constructor(
    readonly table: TableClient,
    private readonly options: { ttlSeconds: number; leaseSeconds?: number },
  ) {}

  /**
   * Runs `apply` unless `consumer` already applied `eventId`. Returns 'applied' or 'duplicate'.
   * @throws EventInProgressError while another invocation holds the event (throw it on, so Event Grid retries)
   */
  async once(consumer: string, eventId: string, apply: () => Promise<void>): Promise<'applied' | 'duplicate'> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(consumer)) throw new Error(`consumer name '${consumer}' must be 1-64 letters, digits or -`);
    const rowKey = plainId.test(eventId) ? eventId : `h-${createHash('sha256').update(eventId).digest('hex')}`;
    const lease = (this.options.leaseSeconds ?? 300) * 1000;
    const claim = await claimRow(this.table, consumer, rowKey, { state: 'applying', expiresAt: Date.now() + lease });
    if (!claim.claimed) {
      if (claim.row.state === 'applied') return 'duplicate';
      throw new EventInProgressError(eventId);
    }
    try {
      await apply();
    } catch (error) {
      await this.table.deleteEntity(consumer, rowKey, { etag: claim.etag }).catch((e: unknown) => {
        if (statusOf(e) !== 404 && statusOf(e) !== 412) throw e;
      });
      throw error;
    }
    await this.table.updateEntity({ partitionKey: consumer, rowKey, state: 'applied', expiresAt: expiresAt(Date.now() + this.options.ttlSeconds * 1000) }, 'Replace', { etag: claim.etag });
    return 'applied';
  }

  /** Frees the space of expired ids (the outbox relay timer calls it). */
  purgeExpired(max?: number): Promise<number> {
    return purgeExpired(this.table, max);
  }
}
