import type { NodeReading } from './NodeReading';

/** A charted metric: where it comes from in a reading, its unit and a label. Order = column order of history rows. */
export interface SeriesDefinition {
  metric: string;
  unit: string;
  label: string;
  read: (r: NodeReading) => number | null;
}

const flag = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/**
 * Columns of the compact history rows (version 1). Append only: rows store values by position, so a new column
 * goes at the end and old rows simply lack it.
 */
export const historyColumns: readonly SeriesDefinition[] = [
  { metric: 'ops_per_sec', unit: '{command}/s', label: 'Operations/s', read: (r) => r.opsPerSec },
  { metric: 'hit_ratio', unit: '1', label: 'Hit ratio (interval)', read: (r) => r.hitRatio },
  { metric: 'evictions_per_sec', unit: '{key}/s', label: 'Evictions/s', read: (r) => r.evictionsPerSec },
  { metric: 'expirations_per_sec', unit: '{key}/s', label: 'Expirations/s', read: (r) => r.expirationsPerSec },
  { metric: 'net_in_bytes_per_sec', unit: 'By/s', label: 'Network in', read: (r) => r.netInBytesPerSec },
  { metric: 'net_out_bytes_per_sec', unit: 'By/s', label: 'Network out', read: (r) => r.netOutBytesPerSec },
  { metric: 'used_memory_bytes', unit: 'By', label: 'Used memory', read: (r) => r.usedMemoryBytes },
  { metric: 'maxmemory_bytes', unit: 'By', label: 'maxmemory', read: (r) => r.maxmemoryBytes },
  { metric: 'memory_used_ratio', unit: '1', label: 'Memory used / maxmemory', read: (r) => r.memoryUsedRatio },
  { metric: 'fragmentation_ratio', unit: '1', label: 'Fragmentation', read: (r) => r.fragmentationRatio },
  { metric: 'connected_clients', unit: '{client}', label: 'Clients', read: (r) => r.connectedClients },
  { metric: 'keys', unit: '{key}', label: 'Keys', read: (r) => r.keys },
  { metric: 'replication_lag_bytes', unit: 'By', label: 'Replication lag', read: (r) => r.replicationLagBytes },
  { metric: 'replication_lag_seconds', unit: 's', label: 'Replication lag (time)', read: (r) => r.replicationLagSeconds },
  { metric: 'rtt_ms', unit: 'ms', label: 'PING round trip', read: (r) => r.rttMs },
  { metric: 'latency_event_ms', unit: 'ms', label: 'Latency spike', read: (r) => r.latencyEventMs },
  { metric: 'slowlog_new', unit: '{entry}', label: 'New slowlog entries', read: (r) => r.slowlogNew },
  { metric: 'live_replicas', unit: '{replica}', label: 'Online replicas', read: (r) => r.liveReplicas },
  { metric: 'cluster_state_ok', unit: '1', label: 'cluster_state ok', read: (r) => flag(r.clusterStateOk) },
  { metric: 'slots_ok', unit: '{slot}', label: 'Slots ok', read: (r) => r.slotsOk },
  { metric: 'slots_pfail', unit: '{slot}', label: 'Slots pfail', read: (r) => r.slotsPfail },
  { metric: 'slots_fail', unit: '{slot}', label: 'Slots fail', read: (r) => r.slotsFail },
  { metric: 'up', unit: '1', label: 'Reachable', read: (r) => (r.reachable ? 1 : 0) },
  { metric: 'collection_ms', unit: 'ms', label: 'Collection time', read: (r) => r.collectionMs },
  // Messaging (masters with discovery on): totals per node; per-stream detail is in GET …/streams.
  { metric: 'streams', unit: '{stream}', label: 'Streams', read: (r) => r.messaging?.streams ?? null },
  { metric: 'stream_entries', unit: '{entry}', label: 'Stream entries', read: (r) => r.messaging?.streamEntries ?? null },
  { metric: 'stream_groups', unit: '{group}', label: 'Consumer groups', read: (r) => r.messaging?.groups ?? null },
  { metric: 'stream_consumers', unit: '{consumer}', label: 'Consumers', read: (r) => r.messaging?.consumers ?? null },
  { metric: 'stream_pending', unit: '{entry}', label: 'Pending entries', read: (r) => r.messaging?.pending ?? null },
  { metric: 'stream_lag_max', unit: '{entry}', label: 'Largest group lag', read: (r) => r.messaging?.maxLag ?? null },
  { metric: 'stream_pending_idle_max_seconds', unit: 's', label: 'Oldest pending entry idle', read: (r) => r.messaging?.maxPendingIdleSeconds ?? null },
  { metric: 'queues', unit: '{queue}', label: 'Queues (lists without TTL)', read: (r) => r.messaging?.queues ?? null },
  { metric: 'queue_items', unit: '{item}', label: 'Queued items', read: (r) => r.messaging?.queueItems ?? null },
  { metric: 'pubsub_channels', unit: '{channel}', label: 'Pub/Sub channels', read: (r) => r.messaging?.pubsubChannels ?? null },
  { metric: 'pubsub_patterns', unit: '{pattern}', label: 'Pub/Sub patterns', read: (r) => r.messaging?.pubsubPatterns ?? null },
  { metric: 'pubsub_clients', unit: '{client}', label: 'Pub/Sub clients', read: (r) => r.messaging?.pubsubClients ?? null },
  { metric: 'pubsub_buffer_ratio', unit: '1', label: 'Subscriber buffer / limit', read: (r) => r.messaging?.pubsubBufferRatio ?? null },
  { metric: 'messaging_discovery_ms', unit: 'ms', label: 'Messaging discovery time', read: (r) => r.messaging?.discoveryMs ?? null },
];

/** Four significant digits: charts need no more, and rows stay small. */
export function compactNumber(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (value === 0) return 0;
  return Number(value.toPrecision(Math.max(4, Math.ceil(Math.log10(Math.abs(value))))));
}
