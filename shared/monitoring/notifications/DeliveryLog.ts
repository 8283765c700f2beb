import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { claimRow, expiresAt } from '../../platform/store/claimRow';
import { statusOf } from '../../platform/store/statusOf';

/** State of one message on one channel: being sent (a lease), sent, or given up on (dead-lettered). */
export type DeliveryState = 'sending' | 'delivered' | 'dead-lettered' | 'superseded';

/** One message that could not be delivered, as kept for an operator (no secret: URL and signature are not stored). */
export interface DeadLetter {
  channel: string;
  noticeKey: string;
  eventId: string;
  eventType: string;
  clusterId: string;
  attempts: number;
  lastStatus: number | null;
  reason: string;
  failedAt: string;
  /** The rendered message, so it can be re-sent by hand. */
  body: string;
}

/** Row keys must avoid `/ \ # ?`; notice keys are ids, but hash anything else rather than trust it. */
const rowKeyOf = (key: string) => (/^[A-Za-z0-9._:-]{1,200}$/.test(key) ? key : `h-${createHash('sha256').update(key).digest('hex')}`);

/**
 * Per channel and notice key, whether the message went (`<prefix>notifydeliveries`), and the dead letters
 * (`<prefix>notifydeadletters`, newest first). This — not the event id — is what makes it one message per incident:
 * a redelivered event, the same incident recorded twice, or Warm.Failed and Job.Finished of one job all map to one
 * row, claimed atomically by one sender.
 */
export class DeliveryLog {
  constructor(
    private readonly deliveries: TableClient,
    private readonly deadLetters: TableClient,
    private readonly retentionMs: number,
  ) {}

  /** Claims the message for sending (a lease of `leaseMs`); otherwise says what state another sender left it in. */
  async claim(channel: string, key: string, leaseMs: number): Promise<{ claimed: true; etag: string } | { claimed: false; state: DeliveryState }> {
    const claim = await claimRow(this.deliveries, channel, rowKeyOf(key), { state: 'sending', expiresAt: Date.now() + leaseMs, noticeKey: key });
    return claim.claimed ? claim : { claimed: false, state: claim.row.state as DeliveryState };
  }

  /** Records the outcome on the claimed row (kept for the retention, so later duplicates are recognised). */
  async settle(channel: string, key: string, etag: string, state: Exclude<DeliveryState, 'sending'>, details: { attempts: number; status: number | null }): Promise<void> {
    const row = { partitionKey: channel, rowKey: rowKeyOf(key), noticeKey: key, state, attempts: details.attempts, lastStatus: details.status ?? -1, settledAt: new Date().toISOString(), expiresAt: expiresAt(Date.now() + this.retentionMs) };
    await this.deliveries.updateEntity(row, 'Replace', { etag });
  }

  /** Drops a claim that will not be settled (the sender failed unexpectedly), so a redelivery can claim it at once. */
  async release(channel: string, key: string, etag: string): Promise<void> {
    await this.deliveries.deleteEntity(channel, rowKeyOf(key), { etag }).catch((error: unknown) => {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    });
  }

  /** The settled state of a message on a channel, or null when it never was sent there. */
  async state(channel: string, key: string): Promise<DeliveryState | null> {
    try {
      const row = await this.deliveries.getEntity<{ state: DeliveryState; expiresAt: number }>(channel, rowKeyOf(key));
      return Number(row.expiresAt) > Date.now() ? row.state : null;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    // Inverted time first: a partition query lists the newest dead letters first.
    const rowKey = `${String(9_999_999_999_999 - Date.now()).padStart(13, '0')}-${rowKeyOf(letter.noticeKey)}`;
    await this.deadLetters.upsertEntity({ partitionKey: letter.channel, rowKey, ...letter, lastStatus: letter.lastStatus ?? -1, body: letter.body.slice(0, 30_000), expiresAt: expiresAt(Date.now() + this.retentionMs) }, 'Replace');
  }

  /** Dead letters of a channel, newest first. */
  async listDeadLetters(channel: string, limit = 50): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    const rows = this.deadLetters.listEntities<DeadLetter & { lastStatus: number }>({ queryOptions: { filter: `PartitionKey eq '${channel}'` } });
    for await (const row of rows) {
      out.push({ channel: row.channel, noticeKey: row.noticeKey, eventId: row.eventId, eventType: row.eventType, clusterId: row.clusterId, attempts: row.attempts, lastStatus: row.lastStatus < 0 ? null : row.lastStatus, reason: row.reason, failedAt: row.failedAt, body: row.body });
      if (out.length >= limit) break;
    }
    return out;
  }
}
