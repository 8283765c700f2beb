import type { Redis } from 'ioredis';
import type { QueueInfo } from './MessagingSnapshot';
import { keyBytes } from './replyFields';

export interface QueueReads {
  queues: QueueInfo[];
  /** Gone, no longer a list, or a list with a TTL (cache data, not a queue). */
  gone: string[];
  commands: number;
}

/**
 * `LLEN`, `PTTL` and `MEMORY USAGE` per list in one pipeline. Only lists without a TTL count as queues: a list
 * that expires is a cache (a feed, a recent-items list), and queues are never given a TTL by the producer.
 */
export async function readQueues(node: Redis, keys: readonly string[], namespaceOf: (key: string) => string | null): Promise<QueueReads> {
  const pipeline = node.pipeline();
  for (const key of keys) {
    const k = keyBytes(key);
    pipeline.call('LLEN', k).call('PTTL', k).call('MEMORY', 'USAGE', k);
  }
  const replies = (await pipeline.exec()) ?? [];
  const queues: QueueInfo[] = [];
  const gone: string[] = [];
  keys.forEach((key, i) => {
    const [lenError, length] = replies[i * 3] ?? [null, null];
    const [, pttl] = replies[i * 3 + 1] ?? [null, null];
    const [, memory] = replies[i * 3 + 2] ?? [null, null];
    if (lenError || Number(pttl) !== -1 || Number(length) === 0) return void gone.push(key);
    queues.push({ key, namespace: namespaceOf(key), length: Number(length), memoryBytes: memory === null || memory === undefined ? null : Number(memory) });
  });
  return { queues, gone, commands: keys.length * 3 };
}
