import type { MetricFamily } from './Exposition';

const gauge = (name: string, help: string): MetricFamily => ({ name, type: 'gauge', help });
const counter = (name: string, help: string): MetricFamily => ({ name, type: 'counter', help });

/**
 * Families with `prometheus-redis-exporter`'s names, types and labels (the overlap a redis_exporter Grafana dashboard
 * reads); our series add `instance` (host:port), `cluster`, `role` and `shard`. Values are the node's INFO fields as
 * the last monitor tick read them.
 */
export const exporterFamilies = {
  up: gauge('redis_up', 'Information about the Redis instance (1 = answered the last collection)'),
  uptime: gauge('redis_uptime_in_seconds', 'uptime_in_seconds'),
  connectedClients: gauge('redis_connected_clients', 'connected_clients'),
  blockedClients: gauge('redis_blocked_clients', 'blocked_clients'),
  memoryUsed: gauge('redis_memory_used_bytes', 'used_memory'),
  memoryRss: gauge('redis_memory_used_rss_bytes', 'used_memory_rss'),
  memoryMax: gauge('redis_memory_max_bytes', 'maxmemory'),
  fragmentation: gauge('redis_mem_fragmentation_ratio', 'mem_fragmentation_ratio'),
  dbKeys: gauge('redis_db_keys', 'Total number of keys by DB'),
  dbKeysExpiring: gauge('redis_db_keys_expiring', 'Total number of expiring keys by DB'),
  connectedSlaves: gauge('redis_connected_slaves', 'connected_slaves'),
  masterReplOffset: gauge('redis_master_repl_offset', 'master_repl_offset'),
  masterLinkUp: gauge('redis_master_link_up', 'Master link status on Redis slave'),
  slowlogLength: gauge('redis_slowlog_length', 'Total slowlog'),
  commandsProcessed: counter('redis_commands_processed_total', 'total_commands_processed'),
  connectionsReceived: counter('redis_connections_received_total', 'total_connections_received'),
  rejectedConnections: counter('redis_rejected_connections_total', 'rejected_connections'),
  netInput: counter('redis_net_input_bytes_total', 'total_net_input_bytes'),
  netOutput: counter('redis_net_output_bytes_total', 'total_net_output_bytes'),
  keyspaceHits: counter('redis_keyspace_hits_total', 'keyspace_hits'),
  keyspaceMisses: counter('redis_keyspace_misses_total', 'keyspace_misses'),
  evictedKeys: counter('redis_evicted_keys_total', 'evicted_keys'),
  expiredKeys: counter('redis_expired_keys_total', 'expired_keys'),
} as const;

/**
 * The exporter's `--check-streams` families (labels `db`, `stream`, `group`, `consumer` as it has them), served for
 * the streams messaging discovery found (`redis_stream_group_lag` / `_entries_read` are newer exporters' names; 1.45
 * has neither). Apart from `exporterFamilies`: they exist only on nodes holding streams.
 */
export const streamFamilies = {
  streamLength: gauge('redis_stream_length', 'The number of elements of the stream'),
  streamLastGeneratedId: gauge('redis_stream_last_generated_id', 'The epoch milliseconds of the last generated id'),
  streamGroups: gauge('redis_stream_groups', 'Groups in stream'),
  streamGroupConsumers: gauge('redis_stream_group_consumers', 'Consumers count of stream group'),
  streamGroupPending: gauge('redis_stream_group_messages_pending', 'Pending number of messages in that stream group'),
  streamGroupLastDeliveredId: gauge('redis_stream_group_last_delivered_id', 'The epoch milliseconds of the last delivered message'),
  streamGroupLag: gauge('redis_stream_group_lag', 'Entries of the stream not yet delivered to the group (Redis 7)'),
  streamGroupEntriesRead: gauge('redis_stream_group_entries_read', 'Logical read counter of the group (Redis 7)'),
  streamConsumerPending: gauge('redis_stream_group_consumer_messages_pending', 'Pending number of messages for this specific consumer'),
  streamConsumerIdle: gauge('redis_stream_group_consumer_idle_seconds', 'Consumer idle time in seconds'),
} as const;

/** The product's own families: what the collector derives per interval, and alerts and jobs of the control plane. */
export const rcmFamilies = {
  sampleTimestamp: gauge('rcm_sample_timestamp_seconds', 'When the last monitor tick of the cluster collected it (Unix seconds)'),
  rtt: gauge('rcm_node_rtt_seconds', 'PING round trip of the last collection'),
  opsPerSecond: gauge('rcm_node_ops_per_second', 'Commands per second over the last interval'),
  hitRatio: gauge('rcm_node_hit_ratio', 'Keyspace hits / lookups over the last interval (absent without lookups)'),
  evictionsPerSecond: gauge('rcm_node_evictions_per_second', 'Evicted keys per second over the last interval'),
  expirationsPerSecond: gauge('rcm_node_expirations_per_second', 'Expired keys per second over the last interval'),
  netInPerSecond: gauge('rcm_node_net_input_bytes_per_second', 'Network input bytes per second over the last interval'),
  netOutPerSecond: gauge('rcm_node_net_output_bytes_per_second', 'Network output bytes per second over the last interval'),
  memoryUsedRatio: gauge('rcm_node_memory_used_ratio', 'used_memory / maxmemory (absent without a limit)'),
  replicationLagBytes: gauge('rcm_node_replication_lag_bytes', "Replica: bytes behind its master's offset"),
  replicationLagSeconds: gauge('rcm_node_replication_lag_seconds', 'Replica: seconds since its master last heard from it'),
  liveReplicas: gauge('rcm_node_live_replicas', 'Master: replicas in state=online'),
  clusterStateOk: gauge('rcm_cluster_state_ok', 'cluster_state:ok as this node sees it (1 = ok)'),
  clusterSlots: gauge('rcm_cluster_slots', 'cluster_slots_ok / pfail / fail as this node sees them'),
  latencySpike: gauge('rcm_node_latency_spike_seconds', 'Worst LATENCY LATEST spike within the last interval'),
  slowlogGrowth: gauge('rcm_node_slowlog_growth', 'SLOWLOG entries added within the last interval'),
  clusters: gauge('rcm_clusters_registered', 'Registered clusters'),
  alertsFiring: gauge('rcm_alerts_firing', 'Firing alert incidents by cluster and severity'),
  alertsPending: gauge('rcm_alerts_pending', 'Breaches waiting for their rule duration, by cluster and severity'),
  alertRuleFiring: gauge('rcm_alert_rule_firing', 'Firing alert incidents by cluster, rule (alert type) and severity'),
  healthChecked: gauge('rcm_health_checked_timestamp_seconds', "When the cluster's health findings were last recorded (Unix seconds)"),
  healthFindings: gauge('rcm_health_findings', 'Health findings of the last recorded check, by cluster, severity and code'),
  jobsActive: gauge('rcm_jobs_active', 'Queued or running jobs by cluster, kind and status'),
  jobProgress: gauge('rcm_job_progress', "A queued or running job's progress counters (keys scanned, deleted, written...)"),
} as const;
