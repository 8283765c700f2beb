import { z } from 'zod';
import { ruleOverrideSchema } from '../../platform/events/schemas/alertEvents';
import type { NodeReading } from '../collection/NodeReading';

export type AlertMetric =
  | 'used_memory_ratio'
  | 'hit_ratio'
  | 'evicted_keys_per_s'
  | 'node_reachable'
  | 'cluster_state_ok'
  | 'live_replicas'
  | 'master_link_up'
  | 'replication_lag_s'
  | 'rtt_ms'
  | 'latency_event_ms'
  | 'slowlog_growth'
  | 'pubsub_output_buffer_ratio'
  | 'hot_key_share'
  | SubjectMetric;

/** Metrics of subjects inside a node (a stream, a consumer group, a consumer): read from the messaging snapshot. */
export type SubjectMetric = 'stream_lag_growth_intervals' | 'stream_oldest_pending_idle_s' | 'stream_consumer_idle_s' | 'stream_unbounded_length';

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** The tunable part of a rule: what a per-cluster override may change. */
export interface RuleSettings {
  enabled: boolean;
  severity: AlertSeverity;
  /** The value that starts an incident (strictly beyond it). */
  raiseAt: number;
  /** The value that ends it (at or back past it): hysteresis, so a value hovering at the threshold does not flap. */
  clearAt: number;
  /** How long the breach must last before the alert fires (0 = on the first tick). */
  forSeconds: number;
}

/** A rule: which metric of which readings, in which direction, with its default settings. */
export interface AlertRule extends RuleSettings {
  id: string;
  metric: AlertMetric;
  /** `above`: fires when value > raiseAt, clears when value <= clearAt; `below` the other way round. */
  direction: 'above' | 'below';
  /** `node`: one incident per node; `cluster`: one for the whole cluster; `stream` / `group` / `consumer`: one per messaging subject. */
  scope: 'node' | 'cluster' | 'stream' | 'group' | 'consumer' | 'key';
  description: string;
}

/** The value a node-scoped rule looks at, or null when it does not apply / is unknown this tick (state kept). */
export type NodeValue = (reading: NodeReading) => number | null;

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);
/** Interval hit ratio counts only when the interval had enough lookups to mean something. */
export const minLookupsForHitRatio = 100;

/** How each metric is read from a node's reading. */
export const nodeValues: Record<Exclude<AlertMetric, 'cluster_state_ok' | 'hot_key_share' | SubjectMetric>, NodeValue> = {
  used_memory_ratio: (r) => r.memoryUsedRatio,
  hit_ratio: (r) => ((r.hitsDelta ?? 0) + (r.missesDelta ?? 0) >= minLookupsForHitRatio ? r.hitRatio : null),
  evicted_keys_per_s: (r) => r.evictionsPerSec,
  node_reachable: (r) => (r.reachable ? 1 : 0),
  // Masters that serve slots (cluster mode) should have a live replica; standalone caches often run without one.
  live_replicas: (r) => (r.role === 'master' && r.slotCount > 0 ? r.liveReplicas : null),
  master_link_up: (r) => (r.role === 'replica' ? bool(r.masterLinkUp) : null),
  replication_lag_s: (r) => r.replicationLagSeconds,
  rtt_ms: (r) => r.rttMs,
  latency_event_ms: (r) => r.latencyEventMs,
  slowlog_growth: (r) => r.slowlogNew,
  pubsub_output_buffer_ratio: (r) => r.messaging?.pubsubBufferRatio ?? null,
};

/** The whole cluster's `cluster_state`: 0 when any reachable node reports `fail`, null in standalone mode. */
export function clusterStateValue(readings: readonly NodeReading[]): number | null {
  const states = readings.filter((r) => r.reachable && r.clusterStateOk !== null).map((r) => r.clusterStateOk);
  if (states.length === 0) return null;
  return states.every(Boolean) ? 1 : 0;
}

/** Default rules (docs/monitoring.md has the table). */
export const defaultAlertRules: readonly AlertRule[] = [
  { id: 'memory_high', metric: 'used_memory_ratio', direction: 'above', scope: 'node', raiseAt: 0.9, clearAt: 0.85, forSeconds: 120, severity: 'warning', enabled: true, description: 'used_memory above this share of maxmemory (nodes with a limit)' },
  { id: 'hit_ratio_low', metric: 'hit_ratio', direction: 'below', scope: 'node', raiseAt: 0.8, clearAt: 0.85, forSeconds: 300, severity: 'warning', enabled: true, description: `hit ratio of the interval below this (intervals with at least ${minLookupsForHitRatio} lookups)` },
  { id: 'eviction_spike', metric: 'evicted_keys_per_s', direction: 'above', scope: 'node', raiseAt: 100, clearAt: 10, forSeconds: 60, severity: 'warning', enabled: true, description: 'evicted keys per second' },
  { id: 'node_unreachable', metric: 'node_reachable', direction: 'below', scope: 'node', raiseAt: 1, clearAt: 1, forSeconds: 0, severity: 'critical', enabled: true, description: 'the node did not answer within its timeout' },
  { id: 'cluster_state_fail', metric: 'cluster_state_ok', direction: 'below', scope: 'cluster', raiseAt: 1, clearAt: 1, forSeconds: 0, severity: 'critical', enabled: true, description: 'a reachable node reports cluster_state:fail (queries refused)' },
  { id: 'replica_missing', metric: 'live_replicas', direction: 'below', scope: 'node', raiseAt: 1, clearAt: 1, forSeconds: 30, severity: 'warning', enabled: true, description: 'a master serving slots has no online replica' },
  { id: 'replication_link_down', metric: 'master_link_up', direction: 'below', scope: 'node', raiseAt: 1, clearAt: 1, forSeconds: 30, severity: 'warning', enabled: true, description: 'a replica reports master_link_status:down' },
  { id: 'replication_lag_high', metric: 'replication_lag_s', direction: 'above', scope: 'node', raiseAt: 30, clearAt: 5, forSeconds: 60, severity: 'warning', enabled: true, description: 'seconds since the master last heard from the replica' },
  { id: 'rtt_high', metric: 'rtt_ms', direction: 'above', scope: 'node', raiseAt: 50, clearAt: 20, forSeconds: 60, severity: 'warning', enabled: true, description: 'PING round trip from the function app, ms' },
  { id: 'latency_spike', metric: 'latency_event_ms', direction: 'above', scope: 'node', raiseAt: 100, clearAt: 20, forSeconds: 0, severity: 'warning', enabled: true, description: 'worst LATENCY LATEST spike of the interval, ms (needs latency-monitor-threshold)' },
  { id: 'slowlog_growth', metric: 'slowlog_growth', direction: 'above', scope: 'node', raiseAt: 20, clearAt: 2, forSeconds: 0, severity: 'info', enabled: true, description: 'SLOWLOG entries added during the interval' },
  // Messaging (docs/monitoring.md, "Messaging"): subjects come from the tick's discovery snapshot.
  { id: 'stream_lag_growing', metric: 'stream_lag_growth_intervals', direction: 'above', scope: 'group', raiseAt: 2, clearAt: 0, forSeconds: 0, severity: 'warning', enabled: true, description: 'consecutive intervals in which a consumer group\'s lag grew (fires on the 3rd; a shrinking lag clears it)' },
  { id: 'stream_pending_stuck', metric: 'stream_oldest_pending_idle_s', direction: 'above', scope: 'group', raiseAt: 300, clearAt: 60, forSeconds: 0, severity: 'warning', enabled: true, description: 'seconds since the oldest pending entry of a group was delivered (XPENDING idle)' },
  { id: 'stream_consumer_dead', metric: 'stream_consumer_idle_s', direction: 'above', scope: 'consumer', raiseAt: 300, clearAt: 60, forSeconds: 0, severity: 'warning', enabled: true, description: 'seconds a consumer with pending entries has been idle (a dead worker: claim its entries)' },
  { id: 'stream_unbounded', metric: 'stream_unbounded_length', direction: 'above', scope: 'stream', raiseAt: 1_000_000, clearAt: 0, forSeconds: 0, severity: 'warning', enabled: true, description: 'entries of a growing stream that was never trimmed (no MAXLEN/MINID); trimming clears it' },
  { id: 'hot_key', metric: 'hot_key_share', direction: 'above', scope: 'key', raiseAt: 0.1, clearAt: 0.05, forSeconds: 0, severity: 'warning', enabled: true, description: 'share of its node\'s commands one key took over a whole hot-key radar (≥ 5 s of sampled windows); evaluated when a radar finishes, resolved by a later radar that finds it below clearAt or gone' },
  { id: 'pubsub_buffer_near_limit', metric: 'pubsub_output_buffer_ratio', direction: 'above', scope: 'node', raiseAt: 0.8, clearAt: 0.5, forSeconds: 0, severity: 'critical', enabled: true, description: 'largest subscriber output buffer / client-output-buffer-limit pubsub (at 1 Redis disconnects it and its messages are lost)' },
];

export const ruleIds = defaultAlertRules.map((r) => r.id);

/** A per-cluster override of one rule: any subset of its settings (the contract is in the event catalogue). */
export { ruleOverrideSchema };
export type RuleOverride = z.output<typeof ruleOverrideSchema>;

/** The body of `PUT /api/clusters/{id}/alert-rules`: overrides by rule id (unknown ids refused). */
export const alertRuleOverridesSchema = z.strictObject({
  rules: z.partialRecord(z.enum(ruleIds as [string, ...string[]]), ruleOverrideSchema),
});
export type AlertRuleOverrides = z.output<typeof alertRuleOverridesSchema>;

/** Defaults with a cluster's overrides applied. Throws naming the rule when hysteresis would be inverted. */
export function effectiveRules(overrides: AlertRuleOverrides['rules'] = {}): AlertRule[] {
  return defaultAlertRules.map((rule) => {
    const merged = { ...rule, ...(overrides[rule.id] ?? {}) };
    // A new raise threshold alone keeps the default's hysteresis gap, within what the metric can be (memory_high at
    // raiseAt 0.001 clears at 0, not at -0.049).
    if (overrides[rule.id]?.raiseAt !== undefined && overrides[rule.id]?.clearAt === undefined) {
      const [min, max] = thresholdRange(rule.metric);
      merged.clearAt = Math.min(max, Math.max(min, Number((merged.raiseAt - (rule.raiseAt - rule.clearAt)).toFixed(12))));
    }
    return merged;
  });
}

/** Rules whose clear threshold lies beyond the raise threshold (they would flap): `rules.<id>.clearAt`. */
export function invertedHysteresis(rules: readonly AlertRule[]): string[] {
  return rules.filter((r) => (r.direction === 'above' ? r.clearAt > r.raiseAt : r.clearAt < r.raiseAt)).map((r) => `rules.${r.id}.clearAt`);
}

/** Where a rule's thresholds may lie, by metric: shares and flags in [0, 1], counts, seconds and ms from 0. */
export function thresholdRange(metric: AlertMetric): [number, number] {
  switch (metric) {
    case 'used_memory_ratio':
    case 'hit_ratio':
    case 'hot_key_share':
    case 'pubsub_output_buffer_ratio':
    case 'node_reachable':
    case 'cluster_state_ok':
    case 'master_link_up':
      return [0, 1];
    default:
      return [0, Number.MAX_SAFE_INTEGER];
  }
}

/** Thresholds outside their metric's range (a `hot_key` share of -1 would fire on every key): `rules.<id>.<field>`. */
export function thresholdsOutOfRange(rules: readonly AlertRule[]): { field: string; message: string }[] {
  return rules.flatMap((r) => {
    const [min, max] = thresholdRange(r.metric);
    return (['raiseAt', 'clearAt'] as const)
      .filter((f) => r[f] < min || r[f] > max)
      .map((f) => ({ field: `rules.${r.id}.${f}`, message: `${r.metric} thresholds lie within [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]` }));
  });
}

const severityRank = { info: 0, warning: 1, critical: 2 } as const;

/**
 * Rules whose default is critical (a node down, the cluster refusing queries, subscribers about to be cut off) that
 * `after` turns off or downgrades where `before` did not: silencing them is an admin's decision, not an operator's.
 */
export function weakenedCriticalRules(before: readonly AlertRule[], after: readonly AlertRule[]): string[] {
  const weak = (r: AlertRule | undefined) => !r || !r.enabled || severityRank[r.severity] < severityRank.critical;
  return defaultAlertRules
    .filter((d) => d.severity === 'critical')
    .filter((d) => weak(after.find((r) => r.id === d.id)) && !weak(before.find((r) => r.id === d.id)))
    .map((d) => d.id);
}
