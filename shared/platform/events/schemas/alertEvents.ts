import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

/** Metrics alert rules watch (docs/monitoring.md lists the rules); appended to, never renamed: consumers branch on them. */
const alertMetric = z.enum([
  'hit_ratio',
  'used_memory_ratio',
  'latency_p99_ms',
  'evicted_keys_per_s',
  'connected_clients',
  'replication_lag_s',
  'node_reachable',
  'cluster_state_ok',
  'live_replicas',
  'master_link_up',
  'rtt_ms',
  'latency_event_ms',
  'slowlog_growth',
  'stream_lag_growth_intervals',
  'stream_oldest_pending_idle_s',
  'stream_consumer_idle_s',
  'stream_unbounded_length',
  'pubsub_output_buffer_ratio',
  'hot_key_share',
]);

/** What a messaging alert is about inside the node: a stream, one of its consumer groups, one consumer. */
const messagingSubject = {
  /** Stream key (UTF-8, or base64 with a `b64:` prefix for binary keys). */
  stream: z.string().max(1100).optional(),
  group: z.string().max(1100).optional(),
  consumer: z.string().max(1100).optional(),
  /** Hot-key alerts: the key (UTF-8, or base64 with a `b64:` prefix for binary keys). */
  key: z.string().max(1100).optional(),
};

/** `RedisClusterManager.Alert.Raised`: a monitored metric crossed its threshold (eviction reacts to memory alerts). */
export const alertRaisedData = z.strictObject({
  clusterId: resourceIdSchema,
  alertId: z.string().min(1).max(128),
  rule: z.string().min(1).max(128),
  severity: z.enum(['info', 'warning', 'critical']),
  metric: alertMetric,
  /** host:port of the node, absent when the alert is about the whole cluster. */
  node: z.string().max(260).optional(),
  ...messagingSubject,
  value: z.number(),
  threshold: z.number(),
  raisedAt: z.iso.datetime(),
});

/** `RedisClusterManager.Alert.Resolved`: the metric is back within its threshold. */
export const alertResolvedData = z.strictObject({
  clusterId: resourceIdSchema,
  alertId: z.string().min(1).max(128),
  rule: z.string().min(1).max(128),
  metric: alertMetric,
  /** Severity of the incident as raised (notifications route the resolution like the raise). Absent in older events. */
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  /** host:port of the node, absent when the alert was about the whole cluster. */
  node: z.string().max(260).optional(),
  ...messagingSubject,
  value: z.number(),
  resolvedAt: z.iso.datetime(),
});

/** A per-cluster override of one alert rule: any subset of its settings (docs/monitoring.md, "Overrides per cluster"). */
export const ruleOverrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
  raiseAt: z.number().finite().optional(),
  clearAt: z.number().finite().optional(),
  forSeconds: z.number().int().min(0).max(86_400).optional(),
});

/**
 * `RedisClusterManager.Alert.RulesChanged`: an operator replaced the alert-rule overrides of a cluster (`PUT
 * …/alert-rules`). `version` is the rules' own version (their ETag), not the stream's; `overrides` is the whole set
 * after the change (rule id → override). `migratedFrom`: the change was carried over from the `<prefix>alertrules`
 * table that held them before (who made it and when, as that table said).
 */
export const alertRulesChangedData = z.strictObject({
  clusterId: resourceIdSchema,
  version: z.int().min(1),
  overrides: z.record(z.string().min(1).max(128), ruleOverrideSchema),
  migratedFrom: z.strictObject({ updatedAt: z.string().max(64), updatedBy: z.string().max(300) }).optional(),
});
