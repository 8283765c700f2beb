import type { Redis } from 'ioredis';
import { LatencyGuard, type LatencyGuardOptions } from '../../platform/keyspace/LatencyGuard';
import { TokenBucket } from '../../platform/keyspace/TokenBucket';
import type { NodeMessaging, QueueInfo, StreamInfo } from './MessagingSnapshot';
import { readPubsub } from './readPubsub';
import { readQueues } from './readQueues';
import { readStreams } from './readStreams';
import { keyText } from './replyFields';

export interface DiscoveryOptions {
  /** SCAN COUNT (upper bound; the latency guard adapts it). @default 1000 */
  scanCount: number;
  /** Keys SCAN may visit per node and tick, both types together; the cursor continues next tick. @default 200000 */
  maxKeysVisitedPerTick: number;
  /** Streams and queues read (XINFO / LLEN) per second per node; null = unlimited. @default 5000 */
  keysPerSecond: number | null;
  /** Streams + queues kept per node (the rest is reported as `truncated`). @default 10000 */
  maxKeys: number;
  /** Latency guard of the scan; null = off. @default { maxLatencyMs: 5 } */
  latencyGuard: LatencyGuardOptions | null;
  /** Streams (or queues) per pipeline. @default 100 */
  batch: number;
  /** Epoch ms: nothing new is started past it; what was not read keeps last tick's values. */
  deadline: number;
}

export const defaultDiscoveryOptions: Omit<DiscoveryOptions, 'deadline'> = { scanCount: 1000, maxKeysVisitedPerTick: 200_000, keysPerSecond: 5000, maxKeys: 10_000, latencyGuard: { maxLatencyMs: 5 }, batch: 100 };

type KeyType = 'stream' | 'list';

/**
 * Messaging discovery on one master: continues `SCAN cursor COUNT n TYPE stream` and `… TYPE list` from last tick's
 * cursors (at most `maxKeysVisitedPerTick` keys visited, so a large cache is covered over several ticks instead of
 * holding it each minute), adds what it finds to the keys already known, then re-reads every known key in
 * pipelined batches paced by a token bucket and the latency guard, and reads Pub/Sub. Known keys that vanished
 * (deleted, expired, type changed, a list given a TTL) are dropped.
 */
export async function discoverNode(node: Redis, nodeName: string, previous: NodeMessaging | undefined, namespaceOf: (key: string) => string | null, options: DiscoveryOptions): Promise<NodeMessaging> {
  const started = performance.now();
  const guard = new LatencyGuard(options.latencyGuard, options.scanCount);
  const bucket = new TokenBucket(options.keysPerSecond);
  const cost = { commands: 0, ms: 0, keysVisited: 0, streamsRead: 0, queuesRead: 0, backoffs: 0, unread: 0 };
  const known: Record<KeyType, Set<string>> = { stream: new Set(previous?.streams.map((s) => s.key)), list: new Set(previous?.queues.map((q) => q.key)) };
  const cursors = { ...(previous?.cursors ?? { stream: '0', list: '0' }) };
  const passes = { ...(previous?.passes ?? { stream: 0, list: 0 }) };
  // Each guard check is one PING on the node: counted, so the reported cost is every command we sent.
  const paced = async (): Promise<void> => {
    if (options.latencyGuard) cost.commands += 1;
    await guard.beforeBatch(node, options.deadline);
  };
  let budget = options.maxKeysVisitedPerTick;
  // The type with fewer completed passes goes first (streams on a tie: they are what alerts are about), so with a
  // budget smaller than the keyspace both passes advance in turn instead of streams starting over every tick.
  const order: KeyType[] = passes.list < passes.stream ? ['list', 'stream'] : ['stream', 'list'];
  for (const type of order) {
    for (let first = true; budget > 0 && Date.now() < options.deadline && (first || cursors[type] !== '0'); first = false) {
      await paced();
      const count = Math.min(guard.scanCount, budget);
      const t = performance.now();
      const [next, keys] = await node.scanBuffer(cursors[type], 'COUNT', count, 'TYPE', type);
      guard.observe(performance.now() - t);
      cost.commands += 1;
      cost.keysVisited += count;
      budget -= count;
      for (const key of keys) known[type].add(keyText(key));
      cursors[type] = next.toString();
      if (cursors[type] === '0') passes[type] += 1;
    }
  }
  const streamKeys = [...known.stream];
  const queueKeys = [...known.list];
  // Only the kept keys carry over between ticks, so a later tick of the same pass may not see the overflow again:
  // once a pass has found more than the cap it stays truncated until a fresh pass (both cursors back at 0) says otherwise.
  const freshPass = !previous || (previous.cursors.stream === '0' && previous.cursors.list === '0');
  const truncated = streamKeys.length + queueKeys.length > options.maxKeys || (!freshPass && previous.truncated);
  const keptStreams = streamKeys.slice(0, options.maxKeys);
  const keptQueues = queueKeys.slice(0, Math.max(0, options.maxKeys - keptStreams.length));

  const before = new Map((previous?.streams ?? []).map((s) => [s.key, s] as const));
  const streams: StreamInfo[] = [];
  for (let i = 0; i < keptStreams.length; i += options.batch) {
    const batch = keptStreams.slice(i, i + options.batch);
    if (Date.now() >= options.deadline || !(await bucket.take(batch.length, options.deadline))) {
      // Out of time: the rest keeps last tick's values (and is read first next time it gets there).
      streams.push(...keptStreams.slice(i).flatMap((k) => before.get(k) ?? []));
      cost.unread += keptStreams.length - i;
      break;
    }
    await paced();
    const read = await readStreams(node, batch, before, namespaceOf);
    streams.push(...read.streams);
    cost.commands += read.commands;
    cost.streamsRead += read.streams.length + read.gone.length;
  }
  const queues: QueueInfo[] = [];
  const queuesBefore = new Map((previous?.queues ?? []).map((q) => [q.key, q] as const));
  for (let i = 0; i < keptQueues.length; i += options.batch) {
    const batch = keptQueues.slice(i, i + options.batch);
    if (Date.now() >= options.deadline || !(await bucket.take(batch.length, options.deadline))) {
      queues.push(...keptQueues.slice(i).flatMap((k) => queuesBefore.get(k) ?? []));
      cost.unread += keptQueues.length - i;
      break;
    }
    await paced();
    const read = await readQueues(node, batch, namespaceOf);
    queues.push(...read.queues);
    cost.commands += read.commands;
    cost.queuesRead += batch.length;
  }
  const { pubsub, commands } = await readPubsub(node);
  cost.commands += commands;
  cost.backoffs = guard.backoffs;
  cost.ms = performance.now() - started;
  return { node: nodeName, at: Date.now(), streams, queues, pubsub, cursors, passes, complete: passes.stream > 0 && passes.list > 0, truncated, cost, error: null };
}
