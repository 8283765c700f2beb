import { infoNumber, keyspaceTotals } from './parseInfo';

/** Keys, memory and replication of one node, from its `INFO`. */
export interface NodeMetrics {
  keys: number;
  keysWithTtl: number;
  memory: {
    usedBytes: number | null;
    peakBytes: number | null;
    rssBytes: number | null;
    /** 0 when no limit is set. */
    maxmemoryBytes: number | null;
    maxmemoryPolicy: string | null;
    fragmentationRatio: number | null;
  };
  replication: {
    role: 'master' | 'replica';
    connectedReplicas: number | null;
    masterLinkStatus: 'up' | 'down' | null;
    offset: number | null;
  };
  /** Counters for per-second rates (`rcm top` takes deltas between two reads, as `redis-cli --stat` does). */
  stats: {
    connectedClients: number | null;
    blockedClients: number | null;
    /** `total_commands_processed`. */
    commandsProcessed: number | null;
    /** `total_connections_received`. */
    connectionsReceived: number | null;
    keyspaceHits: number | null;
    keyspaceMisses: number | null;
  };
}

/** Reads `NodeMetrics` from an `INFO` field map. */
export function nodeMetrics(info: Record<string, string>): NodeMetrics {
  const { keys, expires } = keyspaceTotals(info);
  const role = info['role'] === 'slave' ? 'replica' : 'master';
  const link = info['master_link_status'];
  return {
    keys,
    keysWithTtl: expires,
    memory: {
      usedBytes: infoNumber(info, 'used_memory') ?? null,
      peakBytes: infoNumber(info, 'used_memory_peak') ?? null,
      rssBytes: infoNumber(info, 'used_memory_rss') ?? null,
      maxmemoryBytes: infoNumber(info, 'maxmemory') ?? null,
      maxmemoryPolicy: info['maxmemory_policy'] ?? null,
      fragmentationRatio: infoNumber(info, 'mem_fragmentation_ratio') ?? null,
    },
    replication: {
      role,
      connectedReplicas: infoNumber(info, 'connected_slaves') ?? null,
      masterLinkStatus: link === 'up' || link === 'down' ? link : null,
      offset: infoNumber(info, role === 'master' ? 'master_repl_offset' : 'slave_repl_offset') ?? null,
    },
    stats: {
      connectedClients: infoNumber(info, 'connected_clients') ?? null,
      blockedClients: infoNumber(info, 'blocked_clients') ?? null,
      commandsProcessed: infoNumber(info, 'total_commands_processed') ?? null,
      connectionsReceived: infoNumber(info, 'total_connections_received') ?? null,
      keyspaceHits: infoNumber(info, 'keyspace_hits') ?? null,
      keyspaceMisses: infoNumber(info, 'keyspace_misses') ?? null,
    },
  };
}
