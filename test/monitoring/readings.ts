import type { NodeReading } from '../../shared/monitoring/collection/NodeReading';
import { unreachableSample, type NodeSample } from '../../shared/monitoring/collection/NodeSample';

/** A reachable node's reading with everything unknown except what the test sets. */
export function reading(overrides: Partial<NodeReading> = {}): NodeReading {
  return {
    clusterId: 'c1', node: '10.0.0.1:6379', nodeId: 'n1', role: 'master', shard: 'n1', slotCount: 5461, at: 0, reachable: true, error: null,
    intervalSeconds: 60, restarted: false, collectionMs: 1, rttMs: 0.3, uptimeSeconds: 100, opsPerSec: 10, hitRatio: null, hitsDelta: 0, missesDelta: 0,
    evictionsPerSec: 0, expirationsPerSec: 0, netInBytesPerSec: 0, netOutBytesPerSec: 0, usedMemoryBytes: 1000, maxmemoryBytes: 0, memoryUsedRatio: null,
    rssBytes: 2000, fragmentationRatio: 2, connectedClients: 1, blockedClients: 0, keys: 0, expires: 0, replicationLagBytes: null, replicationLagSeconds: null,
    masterLinkUp: null, liveReplicas: 1, clusterStateOk: true, slotsOk: 16384, slotsPfail: 0, slotsFail: 0, latencyEventMs: 0, slowlogLength: 0, slowlogNew: 0,
    totals: null,
    ...overrides,
  };
}

/** A reachable sample at `at` with the given counters (everything else plausible). */
export function sample(at: number, counters: Partial<NonNullable<NodeSample['counters']>>, overrides: Partial<NodeSample> = {}): NodeSample {
  return {
    ...unreachableSample({ node: '10.0.0.1:6379', nodeId: 'n1', role: 'master', shard: 'n1', master: null, slotCount: 0 }, at, '', 1),
    reachable: true,
    error: undefined,
    runId: 'run-a',
    uptimeSeconds: at / 1000,
    counters: { commands: 0, hits: 0, misses: 0, evicted: 0, expired: 0, netIn: 0, netOut: 0, connectionsReceived: 0, rejectedConnections: 0, ...counters },
    usedMemory: 100,
    maxmemory: 1000,
    ...overrides,
  };
}
