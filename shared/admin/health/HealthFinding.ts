/** Severity of a finding; the report's verdict is the worst one (`info` alone is `ok`). */
export type Severity = 'error' | 'warning' | 'info';

/** Stable finding codes (part of the API; docs/operations.md lists each with its fix). */
export type FindingCode =
  // what `redis-cli --cluster check` reports
  | 'config_disagreement'
  | 'slot_migrating'
  | 'slot_importing'
  | 'slots_not_covered'
  | 'slot_multiple_owners'
  | 'replica_of_unknown_master'
  // beyond redis-cli
  | 'cluster_state_fail'
  | 'node_failed'
  | 'node_pfail'
  | 'node_unreachable'
  | 'master_without_replica'
  | 'replica_link_down'
  | 'config_epoch_collision'
  | 'memory_headroom_low'
  | 'maxmemory_not_set'
  | 'rdb_bgsave_failed'
  | 'aof_write_failed'
  | 'node_loading'
  | 'node_is_replica'
  | 'node_noaddr'
  | 'aof_enable_failed'
  | 'cluster_mode_mismatch'
  // from the monitor's history and the hot-key radar (no Redis read)
  | 'hot_node'
  | 'hot_key';

/** One problem (or notable fact) found, with what shows it and what to do. */
export interface HealthFinding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** The data the finding rests on (node addresses and ids, slots, INFO fields). */
  evidence: Record<string, unknown>;
  /** Suggested remedy, concrete enough to act on. */
  fix: string;
  /** True when `redis-cli --cluster check` reports the same problem (same verdict level). */
  redisCli: boolean;
}

/** `ok` / `warning` / `error`: the worst severity among the findings, `info` not counting. */
export function verdictOf(findings: readonly HealthFinding[]): 'ok' | 'warning' | 'error' {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return 'ok';
}
