import type { NodeCounters, NodeSample } from './NodeSample';
import type { NodeReading } from './NodeReading';

/**
 * Readings of one cluster's tick: each sample against the previous sample of the same node (rates per second over
 * the real elapsed time), replication lag against the master's sample of the same tick. Pure.
 */
export function deriveReadings(clusterId: string, samples: readonly NodeSample[], previous: ReadonlyMap<string, NodeSample>): NodeReading[] {
  const byNode = new Map(samples.map((s) => [s.node, s] as const));
  return samples.map((sample) => deriveReading(clusterId, sample, previous.get(sample.node), sample.master ? byNode.get(sample.master) : undefined));
}

/** True when the counters cannot be compared: another process (`run_id`), uptime went back, or a counter went down. */
export function countersReset(previous: NodeSample, current: NodeSample): boolean {
  if (previous.runId !== null && current.runId !== null && previous.runId !== current.runId) return true;
  if (previous.uptimeSeconds !== null && current.uptimeSeconds !== null && current.uptimeSeconds < previous.uptimeSeconds) return true;
  const a = previous.counters;
  const b = current.counters;
  if (!a || !b) return false;
  return (Object.keys(b) as (keyof NodeCounters)[]).some((k) => b[k] < a[k]);
}

function deriveReading(clusterId: string, sample: NodeSample, previous: NodeSample | undefined, master: NodeSample | undefined): NodeReading {
  const usable = previous?.reachable && sample.reachable ? previous : undefined;
  const restarted = usable !== undefined && countersReset(usable, sample);
  const seconds = usable && !restarted ? (sample.at - usable.at) / 1000 : null;
  const a = usable?.counters;
  const b = sample.counters;
  const delta = (k: keyof NodeCounters): number | null => (seconds !== null && seconds > 0 && a && b ? b[k] - a[k] : null);
  const rate = (k: keyof NodeCounters): number | null => {
    const d = delta(k);
    return d === null || seconds === null ? null : d / seconds;
  };
  const hits = delta('hits');
  const misses = delta('misses');
  const lookups = hits !== null && misses !== null ? hits + misses : 0;
  const lastSlowId = (s: NodeSample | undefined) => (s?.slowlog.length ? Math.max(...s.slowlog.map((e) => e.id)) : null);
  const slowNow = lastSlowId(sample);
  const slowBefore = lastSlowId(usable);
  const windowStart = (usable?.at ?? sample.at - 60_000) / 1000;
  const spikes = sample.latency.filter((e) => e.at >= windowStart).map((e) => e.latestMs);
  const replica = sample.role === 'replica';
  const link = master?.replicas.find((r) => r.address === sample.node);
  return {
    clusterId,
    node: sample.node,
    nodeId: sample.nodeId,
    role: sample.role,
    shard: sample.shard,
    slotCount: sample.slotCount,
    at: sample.at,
    reachable: sample.reachable,
    error: sample.error ?? null,
    intervalSeconds: seconds,
    restarted,
    collectionMs: round(sample.durationMs, 3),
    rttMs: sample.rttMs === null ? null : round(sample.rttMs, 3),
    uptimeSeconds: sample.uptimeSeconds,
    opsPerSec: rate('commands'),
    hitRatio: lookups > 0 && hits !== null ? hits / lookups : null,
    hitsDelta: hits,
    missesDelta: misses,
    evictionsPerSec: rate('evicted'),
    expirationsPerSec: rate('expired'),
    netInBytesPerSec: rate('netIn'),
    netOutBytesPerSec: rate('netOut'),
    usedMemoryBytes: sample.usedMemory,
    maxmemoryBytes: sample.maxmemory,
    memoryUsedRatio: sample.usedMemory !== null && sample.maxmemory ? sample.usedMemory / sample.maxmemory : null,
    rssBytes: sample.rss,
    fragmentationRatio: sample.fragmentation,
    connectedClients: sample.clients,
    blockedClients: sample.blockedClients,
    keys: sample.keys,
    expires: sample.expires,
    replicationLagBytes: replica && master?.reachable && master.replOffset !== null && sample.replOffset !== null ? Math.max(0, master.replOffset - sample.replOffset) : null,
    replicationLagSeconds: replica ? (link?.lagSeconds ?? sample.masterLastIoSeconds) : null,
    masterLinkUp: replica ? sample.masterLinkUp : null,
    liveReplicas: sample.reachable && !replica ? sample.replicas.filter((r) => r.state === 'online').length : null,
    clusterStateOk: sample.clusterStateOk,
    slotsOk: sample.slots?.ok ?? null,
    slotsPfail: sample.slots?.pfail ?? null,
    slotsFail: sample.slots?.fail ?? null,
    latencyEventMs: spikes.length ? Math.max(...spikes) : sample.reachable ? 0 : null,
    slowlogLength: sample.slowlogLength,
    slowlogNew: !usable || restarted ? null : slowNow === null ? 0 : slowBefore === null ? sample.slowlog.length : Math.max(0, slowNow - slowBefore),
    totals: b
      ? { commands: b.commands, hits: b.hits, misses: b.misses, evicted: b.evicted, expired: b.expired, netIn: b.netIn, netOut: b.netOut, connectionsReceived: b.connectionsReceived }
      : null,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
