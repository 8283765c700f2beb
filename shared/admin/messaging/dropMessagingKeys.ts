import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Counts } from '../../platform/jobs/JobRecord';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { pipelined, type Command } from '../../platform/keyspace/pipelined';
import { messagingKeysScript } from './messagingKeysScript';

/** Streams, and lists without a TTL (queues): keys whose messages exist nowhere else. */
export function isMessagingKey(type: unknown, pttl: unknown): boolean {
  return String(type) === 'stream' || (String(type) === 'list' && Number(pttl) === -1);
}

/** Counts what was left out as `skippedMessaging`. */
export function countSkipped(counts: Counts, skipped: number): void {
  if (skipped > 0) counts['skippedMessaging'] = (counts['skippedMessaging'] ?? 0) + skipped;
}

const scriptSha = createHash('sha1').update(messagingKeysScript).digest('hex');
/** Keys per script call: about a millisecond of the server's time. */
const keysPerCall = 1000;
/** Node clients that refused the script (Redis < 7, EVAL disabled): checked with pipelines from then on. */
const scriptRefused = new WeakSet<Redis>();

/**
 * Removes stream keys and queues (lists without a TTL) from a scanned batch, counting them as `skippedMessaging`:
 * invalidation never deletes a stream or queue without an admin's `force`. One `messagingKeys` script call per 1000
 * keys, pipelined (one round trip per batch); where the script is refused, `TYPE` and `PTTL` per key in one
 * pipeline. The script made the check ~10× cheaper: two commands per key through ioredis cost more CPU than the
 * UNLINKs themselves (bench `invalidateUserPath`, docs/jobs.md).
 */
export async function dropMessagingKeys(node: Redis, keys: Buffer[], counts: Counts, guard: LatencyGuard): Promise<Buffer[]> {
  if (keys.length === 0) return keys;
  let messaging: Set<number> | undefined;
  if (!scriptRefused.has(node)) {
    try {
      messaging = await withScript(node, keys);
    } catch (error) {
      // Only a reply error (script refused) falls back; a broken connection must fail the batch.
      if (!(error instanceof Error) || error.name !== 'ReplyError') throw error;
      scriptRefused.add(node);
    }
  }
  if (!messaging) {
    const replies = await pipelined(node, keys.flatMap((k): Command[] => [['type', k], ['pttl', k]]), guard);
    messaging = new Set(keys.flatMap((_, i) => (isMessagingKey(replies[i * 2], replies[i * 2 + 1]) ? [i] : [])));
  }
  if (messaging.size === 0) return keys;
  const kept = keys.filter((_, i) => !messaging.has(i));
  countSkipped(counts, keys.length - kept.length);
  return kept;
}

/** 0-based positions of the messaging keys, from one pipeline of script calls. */
async function withScript(node: Redis, keys: Buffer[]): Promise<Set<number>> {
  const calls = async (command: 'EVALSHA' | 'EVAL'): Promise<Set<number>> => {
    const pipeline = node.pipeline();
    for (let i = 0; i < keys.length; i += keysPerCall) pipeline.call(command, command === 'EVAL' ? messagingKeysScript : scriptSha, '0', ...keys.slice(i, i + keysPerCall));
    const results = (await pipeline.exec()) ?? [];
    const found = new Set<number>();
    for (const [index, [error, reply]] of results.entries()) {
      if (error) throw error;
      for (const position of reply as number[]) found.add(index * keysPerCall + Number(position) - 1);
    }
    return found;
  };
  try {
    return await calls('EVALSHA');
  } catch (error) {
    if (!(error instanceof Error) || !/^NOSCRIPT/.test(error.message)) throw error;
    return calls('EVAL');
  }
}
