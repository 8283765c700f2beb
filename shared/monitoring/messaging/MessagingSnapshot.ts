/** One consumer of a group (`XINFO CONSUMERS`). */
export interface StreamConsumer {
  name: string;
  /** Entries delivered to it and not acknowledged. */
  pending: number;
  /** Milliseconds since it last interacted with the stream (Redis 7.0 `idle`). */
  idleMs: number;
}

/** One consumer group of a stream (`XINFO GROUPS`, Redis 7: `entries-read`, `lag`). */
export interface StreamGroup {
  name: string;
  consumers: StreamConsumer[];
  /** Consumers in the group (all of them, even when `consumers` was cut at `maxConsumersPerGroup`). */
  consumerCount: number;
  pending: number;
  lastDeliveredId: string;
  /** Logical counter of entries read by the group; null when Redis cannot tell (Redis < 7). */
  entriesRead: number | null;
  /** Entries not yet delivered to the group; null when Redis cannot compute it (entries deleted in between). */
  lag: number | null;
  /** Lowest pending id and how long since it was last delivered (`XPENDING key group - + 1`). */
  oldestPendingId: string | null;
  oldestPendingIdleMs: number | null;
  oldestPendingConsumer: string | null;
  /** Consecutive intervals in which `lag` grew (kept across ticks; a shrinking lag resets it, an equal one keeps it). */
  lagGrowthIntervals: number;
}

/** A stream as found on one node. */
export interface StreamInfo {
  /** The key: UTF-8, or `b64:<base64>` when it is not valid UTF-8. */
  key: string;
  /** Registered namespace whose pattern matches, else the proposed prefix namespace, else null. */
  namespace: string | null;
  length: number;
  memoryBytes: number | null;
  firstId: string | null;
  lastId: string;
  /** Entries ever added (Redis 7 `entries-added`). */
  entriesAdded: number | null;
  /**
   * Trimmed or deleted from at some point (`entries-added` > `length`): a cap (MAXLEN / MINID) or XDEL is at work.
   * A stream that never lost an entry grows without bound.
   */
  capped: boolean;
  /** Entries added since the previous tick (null on first sight). */
  addedSinceLast: number | null;
  groups: StreamGroup[];
}

/** A list without a TTL: a queue (LPUSH/BRPOP). Lists with a TTL are cache data and not listed. */
export interface QueueInfo {
  key: string;
  namespace: string | null;
  length: number;
  memoryBytes: number | null;
}

/** A Pub/Sub client (`CLIENT LIST TYPE pubsub`). */
export interface PubsubClient {
  id: string;
  addr: string;
  name: string;
  subscriptions: number;
  patterns: number;
  /** Output buffer memory (`omem`): messages Redis could not write to the socket yet. */
  omemBytes: number;
  /** omem / the effective `client-output-buffer-limit pubsub` (null without a limit or CONFIG refused). */
  limitRatio: number | null;
}

export interface PubsubInfo {
  /** `PUBSUB CHANNELS` count (channels with at least one subscriber on this node). */
  channels: number;
  /** `PUBSUB NUMPAT`. */
  patterns: number;
  /** `PUBSUB SHARDCHANNELS` count (Redis 7 sharded Pub/Sub). */
  shardChannels: number;
  /** Subscribers of the busiest channels (`PUBSUB NUMSUB`, up to 20). */
  topChannels: { channel: string; subscribers: number }[];
  subscriberClients: number;
  /** Clients with the largest output buffers (up to 20). */
  clients: PubsubClient[];
  /** The smaller non-zero of hard and soft `client-output-buffer-limit pubsub`; null when none or unreadable. */
  outputBufferLimitBytes: number | null;
  maxOmemBytes: number;
  maxLimitRatio: number | null;
}

/** What discovery cost on one node this tick. */
export interface DiscoveryCost {
  /** Redis commands sent (SCAN, XINFO, XPENDING, MEMORY USAGE, LLEN, PUBSUB, CLIENT LIST, CONFIG GET). */
  commands: number;
  /** Our wall time on the node, ms. */
  ms: number;
  /** Keys SCAN visited (its COUNT, summed). */
  keysVisited: number;
  streamsRead: number;
  queuesRead: number;
  /** Pauses of the latency guard. */
  backoffs: number;
  /** Known streams and queues not re-read this tick (out of time): they show last tick's values. */
  unread: number;
}

/** Messaging on one master node. */
export interface NodeMessaging {
  node: string;
  at: number;
  streams: StreamInfo[];
  queues: QueueInfo[];
  pubsub: PubsubInfo | null;
  /** SCAN cursors (stream, list) to continue from next tick; '0' once a pass completed. */
  cursors: { stream: string; list: string };
  /** Full SCAN passes completed per type. */
  passes: { stream: number; list: number };
  /** A full SCAN pass of both types completed at least once (earlier, only part of the keyspace was looked at). */
  complete: boolean;
  /** More streams/queues exist than the caps allow (`MONITOR_MESSAGING_MAX_KEYS`). */
  truncated: boolean;
  cost: DiscoveryCost;
  error: string | null;
}

/** Messaging of one cluster as of the last tick (kept as one blob, read by the streams API). */
export interface ClusterMessaging {
  clusterId: string;
  at: number;
  nodes: NodeMessaging[];
  /** Namespaces already announced in `Messaging.WorkloadDiscovered` (announced once). */
  announced: string[];
}
