import type { MessagingSummary } from '../messaging/summarizeMessaging';
import type { NodeCounters } from './NodeSample';

/**
 * What one node looked like over one interval: raw gauges plus rates derived from the previous sample.
 * `null` = not known this interval (node unreachable, first sample, counters reset, no lookups...).
 */
export interface NodeReading {
  clusterId: string;
  node: string;
  nodeId: string | null;
  role: 'master' | 'replica';
  shard: string;
  slotCount: number;
  at: number;
  reachable: boolean;
  error: string | null;
  /** Seconds since the previous sample of this node (null on the first one). */
  intervalSeconds: number | null;
  /** The node restarted since the previous sample (`run_id` changed or uptime went back): rates are null. */
  restarted: boolean;
  collectionMs: number;
  rttMs: number | null;
  uptimeSeconds: number | null;
  opsPerSec: number | null;
  /** Hits / (hits + misses) over this interval, not since boot; null when the interval had no lookups. */
  hitRatio: number | null;
  hitsDelta: number | null;
  missesDelta: number | null;
  evictionsPerSec: number | null;
  expirationsPerSec: number | null;
  netInBytesPerSec: number | null;
  netOutBytesPerSec: number | null;
  usedMemoryBytes: number | null;
  /** 0 when no limit is set. */
  maxmemoryBytes: number | null;
  /** used / maxmemory; null without a limit. */
  memoryUsedRatio: number | null;
  rssBytes: number | null;
  fragmentationRatio: number | null;
  connectedClients: number | null;
  blockedClients: number | null;
  keys: number | null;
  expires: number | null;
  /** Replicas: bytes behind the master (master offset − own offset, both sampled this tick). */
  replicationLagBytes: number | null;
  /** Replicas: seconds since the master last heard from it (master's `lag=`, else `master_last_io_seconds_ago`). */
  replicationLagSeconds: number | null;
  /** Replicas: `master_link_status:up`. */
  masterLinkUp: boolean | null;
  /** Masters: replicas the master lists as `state=online`. */
  liveReplicas: number | null;
  clusterStateOk: boolean | null;
  slotsOk: number | null;
  slotsPfail: number | null;
  slotsFail: number | null;
  /** Worst `LATENCY LATEST` spike that happened during this interval (needs `latency-monitor-threshold`). */
  latencyEventMs: number | null;
  slowlogLength: number | null;
  /** SLOWLOG entries added during this interval (by entry id, so `SLOWLOG RESET` or the max length don't hide growth). */
  slowlogNew: number | null;
  /** The counters as read (what `prometheus-redis-exporter` shows as `*_total`). */
  totals: Omit<NodeCounters, 'rejectedConnections'> | null;
  /** Masters with messaging discovery on: streams, queues and Pub/Sub totals of this tick (`docs/monitoring.md`). */
  messaging?: MessagingSummary | null;
}
