import type { Counts } from '../../platform/jobs/JobRecord';
import { groupKeys } from '../../platform/keyspace/groupKeys';
import { pipelined, type Command } from '../../platform/keyspace/pipelined';
import type { KeyspaceOperation } from '../../platform/keyspace/scanKeyspace';
import { countSkipped, messagingPositions } from '../messaging/dropMessagingKeys';

const add = (counts: Counts, name: string, n: number) => (counts[name] = (counts[name] ?? 0) + n);

/**
 * TTL hygiene on scanned keys: `TTL` for each (pipelined) picks the keys without one (-1); each gets
 * `EXPIRE key ttl+jitter NX` (Redis 7), so a TTL set meanwhile by the application is never replaced. A dry run
 * only counts. Streams and queues (lists) never get a TTL unless `force` (counted as `skippedMessaging`).
 * Counts: `withoutTtl` (seen without TTL, messaging keys excluded), `ttlSet` (EXPIRE replies of 1).
 * @param force @default false
 */
export function expireWithoutTtl(ttlSeconds: number, jitterPercent: number, dryRun: boolean, force = false): KeyspaceOperation {
  const ttlFor = () => ttlSeconds + Math.floor(Math.random() * (Math.floor((ttlSeconds * jitterPercent) / 100) + 1));
  return {
    async select(node, keys, counts, pace) {
      const replies = await pipelined(node, keys.map((k): Command => ['ttl', k]), pace.guard);
      const noTtl = keys.filter((_, i) => Number(replies[i]) === -1);
      // Only keys without a TTL can be streams or queues to protect: one script call per batch of them.
      const messaging = force || noTtl.length === 0 ? new Set<number>() : await messagingPositions(node, noTtl, pace.guard);
      const without = messaging.size === 0 ? noTtl : noTtl.filter((_, i) => !messaging.has(i));
      countSkipped(counts, noTtl.length - without.length);
      add(counts, 'withoutTtl', without.length);
      return dryRun ? [] : without;
    },
    async apply(node, keys, counts, pace) {
      const replies = await pipelined(node, keys.map((k): Command => ['expire', k, ttlFor(), 'NX']), pace.guard);
      add(counts, 'ttlSet', replies.reduce<number>((sum, r) => sum + Number(r), 0));
    },
    /** A batch a dead holder may have applied: EXPIRE NX again (no-op where it did), counted in full. */
    async recover(client, keys, counts) {
      await Promise.all(groupKeys(keys, 'cluster', 1).map(([key]) => (key ? client.expire(key, ttlFor(), 'NX') : undefined)));
      add(counts, 'ttlSet', keys.length);
    },
  };
}
