/** One replica as its master's `INFO replication` lists it (`slave0:ip=...,port=...,state=online,offset=...,lag=...`). */
export interface ReplicaLink {
  address: string;
  state: string;
  offset: number;
  /** Seconds since the replica's last acknowledgement. */
  lagSeconds: number;
}

/** A `LATENCY LATEST` row: the latest spike of one event class. */
export interface LatencyEvent {
  event: string;
  /** Unix seconds of the latest spike. */
  at: number;
  latestMs: number;
  maxMs: number;
}

/** A `SLOWLOG GET` entry without its arguments (they can hold keys and values). */
export interface SlowlogEntry {
  id: number;
  at: number;
  durationUs: number;
  command: string;
}

/** Monotonic counters from `INFO`; reset by a restart (`run_id` changes, uptime goes back). */
export interface NodeCounters {
  commands: number;
  hits: number;
  misses: number;
  evicted: number;
  expired: number;
  netIn: number;
  netOut: number;
  connectionsReceived: number;
  rejectedConnections: number;
}

/** What one node said in one tick (raw: rates are derived against the previous sample). */
export interface NodeSample {
  /** `host:port`. */
  node: string;
  nodeId: string | null;
  role: 'master' | 'replica';
  /** Node id of the shard's master (cluster), `standalone` otherwise. */
  shard: string;
  /** `host:port` of the master, for replicas. */
  master: string | null;
  /** Slots the node serves (masters in cluster mode). */
  slotCount: number;
  /** When the node answered (ms since epoch). */
  at: number;
  reachable: boolean;
  /** Why not (`connection`, `timeout`, `auth`...), when unreachable. */
  error?: string;
  /** Wall time spent on this node. */
  durationMs: number;
  rttMs: number | null;
  runId: string | null;
  uptimeSeconds: number | null;
  counters: NodeCounters | null;
  usedMemory: number | null;
  maxmemory: number | null;
  rss: number | null;
  fragmentation: number | null;
  clients: number | null;
  blockedClients: number | null;
  keys: number | null;
  expires: number | null;
  /** Keys per database as `INFO keyspace` lists them (the Prometheus endpoint's `redis_db_keys{db}`). Absent in older states. */
  databases?: { db: string; keys: number; expires: number }[];
  /** `master_repl_offset` (masters) or `slave_repl_offset` (replicas). */
  replOffset: number | null;
  masterLinkUp: boolean | null;
  masterLastIoSeconds: number | null;
  replicas: ReplicaLink[];
  clusterStateOk: boolean | null;
  slots: { ok: number; pfail: number; fail: number } | null;
  latency: LatencyEvent[];
  slowlogLength: number | null;
  slowlog: SlowlogEntry[];
}

/** A sample of a node that did not answer. */
export function unreachableSample(base: Pick<NodeSample, 'node' | 'nodeId' | 'role' | 'shard' | 'master' | 'slotCount'>, at: number, error: string, durationMs: number): NodeSample {
  return {
    ...base,
    at,
    reachable: false,
    error,
    durationMs,
    rttMs: null,
    runId: null,
    uptimeSeconds: null,
    counters: null,
    usedMemory: null,
    maxmemory: null,
    rss: null,
    fragmentation: null,
    clients: null,
    blockedClients: null,
    keys: null,
    expires: null,
    replOffset: null,
    masterLinkUp: null,
    masterLastIoSeconds: null,
    replicas: [],
    clusterStateOk: null,
    slots: null,
    latency: [],
    slowlogLength: null,
    slowlog: [],
  };
}
