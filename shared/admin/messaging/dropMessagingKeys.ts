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

/**
 * Removes stream keys and queues (lists without a TTL) from a scanned batch, counting them as `skippedMessaging`:
 * invalidation never deletes a stream or queue without an admin's `force`.
 */
export async function dropMessagingKeys(node: Redis, keys: Buffer[], counts: Counts, guard: LatencyGuard): Promise<Buffer[]> {
  if (keys.length === 0) return keys;
  const messaging = await messagingPositions(node, keys, guard);
  if (messaging.size === 0) return keys;
  const kept = keys.filter((_, i) => !messaging.has(i));
  countSkipped(counts, keys.length - kept.length);
  return kept;
}

const scriptSha = createHash('sha1').update(messagingKeysScript).digest('hex');
/** Keys per script call without the latency guard: about a millisecond of the server's time. */
const keysPerCall = 1000;
/** Node clients that refused the script (Redis < 7, EVAL disabled): checked with pipelines from then on. */
const scriptRefused = new WeakSet<Redis>();
/** Replies that say nothing about the script itself: this batch goes by pipeline, the script is kept for the next. */
const transient = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|LOADING|BUSY|MASTERDOWN)\b|non local key|same slot/;

/**
 * 0-based positions of the streams and queues in `keys`. One `messagingKeys` script call per 1000 keys, pipelined
 * (one round trip per batch); with the latency guard on, calls of `guard.writeBatch` keys one round trip each. Where
 * the script is refused, `TYPE` and `PTTL` per key in pipelines: two commands a key through ioredis, +660–820 % on the
 * invalidation's time against +40–130 % by script (`npm run bench -- invalidateTypeCheck`, docs/jobs.md). The
 * pipelines are the fallback of every script failure, so a misjudged error costs speed, never a stream.
 */
export async function messagingPositions(node: Redis, keys: Buffer[], guard: LatencyGuard): Promise<Set<number>> {
  if (!scriptRefused.has(node)) {
    try {
      return await withScript(node, keys, guard);
    } catch (error) {
      // Only a reply error (the server answered) falls back; a broken connection must fail the batch.
      if (!(error instanceof Error) || error.name !== 'ReplyError') throw error;
      if (!transient.test(error.message)) scriptRefused.add(node);
    }
  }
  const replies = await pipelined(node, keys.flatMap((k): Command[] => [['type', k], ['pttl', k]]), guard);
  return new Set(keys.flatMap((_, i) => (isMessagingKey(replies[i * 2], replies[i * 2 + 1]) ? [i] : [])));
}

async function withScript(node: Redis, keys: Buffer[], guard: LatencyGuard): Promise<Set<number>> {
  const perCall = guard.enabled ? guard.writeBatch : keysPerCall;
  const starts: number[] = [];
  for (let i = 0; i < keys.length; i += perCall) starts.push(i);
  const send = async (command: 'evalsha' | 'eval'): Promise<unknown[]> => {
    const call = (start: number): Command => [command, command === 'eval' ? messagingKeysScript : scriptSha, 0, ...keys.slice(start, start + perCall)];
    if (!guard.enabled) return pipelined(node, starts.map(call), guard);
    const replies: unknown[] = [];
    for (const start of starts) replies.push(...(await pipelined(node, [call(start)], guard)));
    return replies;
  };
  let replies: unknown[];
  try {
    replies = await send('evalsha');
  } catch (error) {
    if (!(error instanceof Error) || !/^NOSCRIPT/.test(error.message)) throw error;
    replies = await send('eval');
  }
  const found = new Set<number>();
  replies.forEach((positions, n) => {
    if (!Array.isArray(positions)) throw new Error('messagingKeys returned an unexpected reply');
    for (const p of positions) found.add((starts[n] as number) + Number(p) - 1);
  });
  return found;
}
