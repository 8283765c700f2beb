import { infoNumber, keyspaceTotals } from '../../platform/topology/parseInfo';
import type { LatencyEvent, NodeCounters, NodeSample, ReplicaLink, SlowlogEntry } from './NodeSample';

/** The replies one node gave in one tick. */
export interface NodeReplies {
  info: Record<string, string>;
  clusterInfo: Record<string, string> | null;
  latencyLatest: unknown;
  slowlogLength: unknown;
  slowlogEntries: unknown;
}

/** Builds the reachable part of a sample from a node's replies (pure). */
export function readNodeSample(replies: NodeReplies): Omit<NodeSample, 'node' | 'nodeId' | 'role' | 'shard' | 'master' | 'slotCount' | 'at' | 'durationMs' | 'rttMs'> {
  const { info, clusterInfo } = replies;
  const n = (field: string) => infoNumber(info, field) ?? null;
  const replica = info['role'] === 'slave';
  const { keys, expires } = keyspaceTotals(info);
  const link = info['master_link_status'];
  return {
    reachable: true,
    runId: info['run_id'] ?? null,
    uptimeSeconds: n('uptime_in_seconds'),
    counters: readCounters(info),
    usedMemory: n('used_memory'),
    maxmemory: n('maxmemory'),
    rss: n('used_memory_rss'),
    fragmentation: n('mem_fragmentation_ratio'),
    clients: n('connected_clients'),
    blockedClients: n('blocked_clients'),
    keys,
    expires,
    databases: Object.entries(info)
      .filter(([field]) => /^db\d+$/.test(field))
      .map(([db, value]) => ({ db, keys: Number(/keys=(\d+)/.exec(value)?.[1] ?? 0), expires: Number(/expires=(\d+)/.exec(value)?.[1] ?? 0) })),
    replOffset: n(replica ? 'slave_repl_offset' : 'master_repl_offset'),
    masterLinkUp: replica ? link === 'up' : null,
    masterLastIoSeconds: replica ? n('master_last_io_seconds_ago') : null,
    replicas: readReplicaLinks(info),
    clusterStateOk: clusterInfo ? clusterInfo['cluster_state'] === 'ok' : null,
    slots: clusterInfo
      ? { ok: infoNumber(clusterInfo, 'cluster_slots_ok') ?? 0, pfail: infoNumber(clusterInfo, 'cluster_slots_pfail') ?? 0, fail: infoNumber(clusterInfo, 'cluster_slots_fail') ?? 0 }
      : null,
    latency: readLatencyLatest(replies.latencyLatest),
    slowlogLength: typeof replies.slowlogLength === 'number' ? replies.slowlogLength : null,
    slowlog: readSlowlog(replies.slowlogEntries),
  };
}

function readCounters(info: Record<string, string>): NodeCounters | null {
  const value = (field: string) => infoNumber(info, field) ?? 0;
  if (info['total_commands_processed'] === undefined) return null;
  return {
    commands: value('total_commands_processed'),
    hits: value('keyspace_hits'),
    misses: value('keyspace_misses'),
    evicted: value('evicted_keys'),
    expired: value('expired_keys'),
    netIn: value('total_net_input_bytes'),
    netOut: value('total_net_output_bytes'),
    connectionsReceived: value('total_connections_received'),
    rejectedConnections: value('rejected_connections'),
  };
}

/** `slaveN:ip=127.0.0.1,port=7001,state=online,offset=1234,lag=0` lines of a master. */
function readReplicaLinks(info: Record<string, string>): ReplicaLink[] {
  return Object.entries(info)
    .filter(([field]) => /^slave\d+$/.test(field))
    .map(([, value]) => {
      const f = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]));
      const host = f['ip'] ?? '';
      return {
        address: host.includes(':') ? `[${host}]:${f['port'] ?? ''}` : `${host}:${f['port'] ?? ''}`,
        state: f['state'] ?? 'unknown',
        offset: Number(f['offset'] ?? 0),
        lagSeconds: Number(f['lag'] ?? 0),
      };
    });
}

function readLatencyLatest(reply: unknown): LatencyEvent[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((row: unknown) => {
    if (!Array.isArray(row) || row.length < 4) return [];
    const [event, at, latest, max] = row as unknown[];
    return [{ event: String(event), at: Number(at), latestMs: Number(latest), maxMs: Number(max) }];
  });
}

function readSlowlog(reply: unknown): SlowlogEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((row: unknown) => {
    if (!Array.isArray(row) || row.length < 4) return [];
    const [id, at, duration, args] = row as unknown[];
    const command = Array.isArray(args) && args.length > 0 ? String(args[0]).toLowerCase().slice(0, 64) : '';
    return [{ id: Number(id), at: Number(at), durationUs: Number(duration), command }];
  });
}
