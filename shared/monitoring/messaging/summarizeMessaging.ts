import type { NodeMessaging } from './MessagingSnapshot';

/** Per-node totals of messaging: what goes into the history rows and onto the node's reading. */
export interface MessagingSummary {
  streams: number;
  streamEntries: number;
  groups: number;
  consumers: number;
  pending: number;
  /** Largest `lag` of any group (null when no group reports one). */
  maxLag: number | null;
  /** Idle time of the oldest pending entry of any group, seconds. */
  maxPendingIdleSeconds: number | null;
  queues: number;
  queueItems: number;
  /** Bytes in streams and queues (`MEMORY USAGE`). */
  memoryBytes: number;
  pubsubChannels: number | null;
  pubsubPatterns: number | null;
  pubsubClients: number | null;
  /** Largest subscriber output buffer / the pubsub limit. */
  pubsubBufferRatio: number | null;
  /** Commands and ms discovery spent on the node this tick. */
  discoveryCommands: number;
  discoveryMs: number;
}

export function summarizeMessaging(m: NodeMessaging): MessagingSummary {
  const groups = m.streams.flatMap((s) => s.groups);
  const lags = groups.map((g) => g.lag).filter((l): l is number => l !== null);
  const idles = groups.map((g) => g.oldestPendingIdleMs).filter((l): l is number => l !== null);
  return {
    streams: m.streams.length,
    streamEntries: m.streams.reduce((sum, s) => sum + s.length, 0),
    groups: groups.length,
    consumers: groups.reduce((sum, g) => sum + g.consumerCount, 0),
    pending: groups.reduce((sum, g) => sum + g.pending, 0),
    maxLag: lags.length ? Math.max(...lags) : null,
    maxPendingIdleSeconds: idles.length ? Math.max(...idles) / 1000 : null,
    queues: m.queues.length,
    queueItems: m.queues.reduce((sum, q) => sum + q.length, 0),
    memoryBytes: [...m.streams, ...m.queues].reduce((sum, k) => sum + (k.memoryBytes ?? 0), 0),
    pubsubChannels: m.pubsub?.channels ?? null,
    pubsubPatterns: m.pubsub?.patterns ?? null,
    pubsubClients: m.pubsub?.subscriberClients ?? null,
    pubsubBufferRatio: m.pubsub?.maxLimitRatio ?? null,
    discoveryCommands: m.cost.commands,
    discoveryMs: m.cost.ms,
  };
}
