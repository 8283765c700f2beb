import type { Attributes, Meter, Observable, ObservableResult } from '@opentelemetry/api';
import type { NodeReading } from './NodeReading';

/** One exported instrument: name, unit, kind and how its value is read from a reading. */
export interface InstrumentDefinition {
  name: string;
  unit: string;
  kind: 'gauge' | 'counter' | 'updown';
  description: string;
  read: (r: NodeReading) => number | null;
}

const flag = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/**
 * The metrics the collector exports (docs/monitoring.md has the mapping table). Where Azure Monitor has a Redis
 * platform metric for the same thing, its REST name (`cachehits`, `usedmemory`, `usedmemorypercentage`,
 * `operationsPerSecond`, `cacheLatency`…) and its unit (percent, microseconds), so one workbook charts managed and
 * self-hosted caches alike; the rest keep the OpenTelemetry Collector `redisreceiver` scheme (`redis.*`). Counters
 * are cumulative as Redis reports them: with the Azure Monitor exporter's delta temporality each export carries the
 * interval's count, which is what Azure's Total aggregation of `cachehits` / `evictedkeys` means. UCUM units.
 */
export const monitorInstruments: readonly InstrumentDefinition[] = [
  { name: 'redis.up', unit: '1', kind: 'gauge', description: '1 when the node answered within its timeout, else 0', read: (r) => (r.reachable ? 1 : 0) },
  { name: 'redis.uptime', unit: 's', kind: 'gauge', description: 'uptime_in_seconds', read: (r) => r.uptimeSeconds },
  { name: 'cacheLatency', unit: 'us', kind: 'gauge', description: 'PING round trip from the function app, microseconds (Azure: cacheLatency)', read: (r) => (r.rttMs === null ? null : r.rttMs * 1000) },
  { name: 'redis.collection.duration', unit: 's', kind: 'gauge', description: 'time spent collecting the node', read: (r) => r.collectionMs / 1000 },
  { name: 'totalcommandsprocessed', unit: '{command}', kind: 'counter', description: 'total_commands_processed (Azure: totalcommandsprocessed)', read: (r) => r.totals?.commands ?? null },
  { name: 'operationsPerSecond', unit: '{command}/s', kind: 'gauge', description: 'commands per second over the interval (Azure: operationsPerSecond)', read: (r) => r.opsPerSec },
  { name: 'cachehits', unit: '{hit}', kind: 'counter', description: 'keyspace_hits (Azure: cachehits)', read: (r) => r.totals?.hits ?? null },
  { name: 'cachemisses', unit: '{miss}', kind: 'counter', description: 'keyspace_misses (Azure: cachemisses)', read: (r) => r.totals?.misses ?? null },
  { name: 'redis.keyspace.hit_ratio', unit: '1', kind: 'gauge', description: 'hits / (hits + misses) over the interval (not since boot)', read: (r) => r.hitRatio },
  { name: 'evictedkeys', unit: '{key}', kind: 'counter', description: 'evicted_keys (Azure: evictedkeys)', read: (r) => r.totals?.evicted ?? null },
  { name: 'redis.keys.evicted.rate', unit: '{key}/s', kind: 'gauge', description: 'evictions per second over the interval', read: (r) => r.evictionsPerSec },
  { name: 'expiredkeys', unit: '{key}', kind: 'counter', description: 'expired_keys (Azure: expiredkeys)', read: (r) => r.totals?.expired ?? null },
  { name: 'redis.keys.expired.rate', unit: '{key}/s', kind: 'gauge', description: 'expirations per second over the interval', read: (r) => r.expirationsPerSec },
  { name: 'totalkeys', unit: '{key}', kind: 'updown', description: 'keys over all databases (Azure: totalkeys)', read: (r) => r.keys },
  { name: 'redis.db.expires', unit: '{key}', kind: 'updown', description: 'keys with a TTL over all databases', read: (r) => r.expires },
  { name: 'connectedclients', unit: '{client}', kind: 'updown', description: 'connected_clients (Azure: connectedclients)', read: (r) => r.connectedClients },
  { name: 'redis.clients.blocked', unit: '{client}', kind: 'updown', description: 'blocked_clients', read: (r) => r.blockedClients },
  { name: 'redis.connections.received', unit: '{connection}', kind: 'counter', description: 'total_connections_received', read: (r) => r.totals?.connectionsReceived ?? null },
  { name: 'redis.net.input', unit: 'By', kind: 'counter', description: 'total_net_input_bytes', read: (r) => r.totals?.netIn ?? null },
  { name: 'redis.net.output', unit: 'By', kind: 'counter', description: 'total_net_output_bytes', read: (r) => r.totals?.netOut ?? null },
  { name: 'cacheWrite', unit: 'By/s', kind: 'gauge', description: 'network in per second over the interval (Azure: cacheWrite)', read: (r) => r.netInBytesPerSec },
  { name: 'cacheRead', unit: 'By/s', kind: 'gauge', description: 'network out per second over the interval (Azure: cacheRead)', read: (r) => r.netOutBytesPerSec },
  { name: 'usedmemory', unit: 'By', kind: 'gauge', description: 'used_memory (Azure: usedmemory)', read: (r) => r.usedMemoryBytes },
  { name: 'usedmemoryRss', unit: 'By', kind: 'gauge', description: 'used_memory_rss (Azure: usedmemoryRss)', read: (r) => r.rssBytes },
  { name: 'redis.maxmemory', unit: 'By', kind: 'gauge', description: 'maxmemory (0 = no limit)', read: (r) => r.maxmemoryBytes },
  { name: 'usedmemorypercentage', unit: '%', kind: 'gauge', description: 'used_memory / maxmemory in percent, nodes with a limit (Azure: usedmemorypercentage)', read: (r) => (r.memoryUsedRatio === null ? null : r.memoryUsedRatio * 100) },
  { name: 'redis.memory.fragmentation_ratio', unit: '1', kind: 'gauge', description: 'mem_fragmentation_ratio', read: (r) => r.fragmentationRatio },
  { name: 'redis.replication.lag', unit: 'By', kind: 'gauge', description: 'replica: bytes behind its master', read: (r) => r.replicationLagBytes },
  { name: 'redis.replication.lag.time', unit: 's', kind: 'gauge', description: "replica: seconds since the master's last ack from it", read: (r) => r.replicationLagSeconds },
  { name: 'redis.replication.link.up', unit: '1', kind: 'gauge', description: 'replica: master_link_status up (1) or down (0)', read: (r) => flag(r.masterLinkUp) },
  { name: 'redis.replicas.online', unit: '{replica}', kind: 'gauge', description: 'master: replicas in state online', read: (r) => r.liveReplicas },
  { name: 'redis.cluster.state', unit: '1', kind: 'gauge', description: 'cluster_state ok (1) or fail (0) as the node sees it', read: (r) => flag(r.clusterStateOk) },
  { name: 'redis.latency.spike', unit: 's', kind: 'gauge', description: 'worst LATENCY LATEST spike during the interval', read: (r) => (r.latencyEventMs === null ? null : r.latencyEventMs / 1000) },
  { name: 'redis.slowlog.length', unit: '{entry}', kind: 'gauge', description: 'SLOWLOG LEN', read: (r) => r.slowlogLength },
  { name: 'redis.slowlog.growth', unit: '{entry}', kind: 'gauge', description: 'SLOWLOG entries added during the interval', read: (r) => r.slowlogNew },
];

/** `redis.cluster.slots` is one instrument with a `redis.slot.state` attribute (ok, pfail, fail). */
export const slotsInstrument = { name: 'redis.cluster.slots', unit: '{slot}', description: 'slots by state as the node sees them (CLUSTER INFO)' };

/** Attributes of every data point: cluster, node, role, shard. */
export function readingAttributes(r: NodeReading): Attributes {
  return { 'redis.cluster': r.clusterId, 'redis.node': r.node, 'redis.role': r.role, 'redis.shard': r.shard };
}

/**
 * Registers the instruments on `meter`, observed from `latest()` whenever a reader collects (Azure Monitor's periodic
 * reader, or a test's in-memory reader): values are the last tick's, never re-collected from Redis at export time.
 */
export function registerMonitorInstruments(meter: Meter, latest: () => readonly NodeReading[]): void {
  const observables = new Map<InstrumentDefinition, Observable>();
  for (const def of monitorInstruments) {
    const options = { unit: def.unit, description: def.description };
    const instrument =
      def.kind === 'counter' ? meter.createObservableCounter(def.name, options) : def.kind === 'updown' ? meter.createObservableUpDownCounter(def.name, options) : meter.createObservableGauge(def.name, options);
    observables.set(def, instrument);
  }
  const slots = meter.createObservableGauge(slotsInstrument.name, { unit: slotsInstrument.unit, description: slotsInstrument.description });
  meter.addBatchObservableCallback(
    (result) => {
      for (const reading of latest()) {
        const attributes = readingAttributes(reading);
        for (const [def, observable] of observables) observe(result, observable, def.read(reading), attributes);
        observe(result, slots, reading.slotsOk, { ...attributes, 'redis.slot.state': 'ok' });
        observe(result, slots, reading.slotsPfail, { ...attributes, 'redis.slot.state': 'pfail' });
        observe(result, slots, reading.slotsFail, { ...attributes, 'redis.slot.state': 'fail' });
      }
    },
    [...observables.values(), slots],
  );
}

function observe(result: { observe(o: Observable, value: number, attributes?: Attributes): void }, observable: Observable, value: number | null, attributes: Attributes): void {
  if (value !== null && Number.isFinite(value)) result.observe(observable, value, attributes);
}

export type { ObservableResult };
