import type { Redis } from 'ioredis';
import type { Counts } from '../../platform/jobs/JobRecord';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { pipelined, type Command } from '../../platform/keyspace/pipelined';

/** Streams, and lists without a TTL (queues): keys whose messages exist nowhere else. */
export function isMessagingKey(type: unknown, pttl: unknown): boolean {
  return String(type) === 'stream' || (String(type) === 'list' && Number(pttl) === -1);
}

/** Counts what was left out as `skippedMessaging`. */
export function countSkipped(counts: Counts, skipped: number): void {
  if (skipped > 0) counts['skippedMessaging'] = (counts['skippedMessaging'] ?? 0) + skipped;
}

/**
 * Removes stream keys and queues (lists without a TTL) from a scanned batch, counting them as `skippedMessaging`:
 * invalidation never deletes a stream or queue without an admin's `force`. `TYPE` and `PTTL` per key in one
 * pipeline (one round trip per batch).
 */
export async function dropMessagingKeys(node: Redis, keys: Buffer[], counts: Counts, guard: LatencyGuard): Promise<Buffer[]> {
  if (keys.length === 0) return keys;
  const replies = await pipelined(node, keys.flatMap((k): Command[] => [['type', k], ['pttl', k]]), guard);
  const kept = keys.filter((_, i) => !isMessagingKey(replies[i * 2], replies[i * 2 + 1]));
  countSkipped(counts, keys.length - kept.length);
  return kept;
}
