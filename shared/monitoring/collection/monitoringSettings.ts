import { z } from 'zod';
import { withoutEmptySettings } from '../../platform/config/withoutEmptySettings';

/**
 * Settings of the monitoring area, read from app settings (environment). They are optional with defaults, so they
 * live here next to the area instead of in the required app-settings schema.
 */
export const monitoringSettingsSchema = z.object({
  /** Collection interval; the timer schedule is derived from it (`monitorSchedule`). @default 60 */
  MONITOR_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Share of the interval one tick may take, all clusters together. @default 0.8 */
  MONITOR_TICK_BUDGET_RATIO: z.coerce.number().min(0.1).max(0.95).default(0.8),
  /** Time one node may take (PING, INFO, CLUSTER INFO, LATENCY, SLOWLOG) before it counts as unreachable. @default 2000 */
  MONITOR_NODE_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2000),
  /** Newest SLOWLOG entries read per node and tick (command names and durations only, never arguments). @default 10 */
  MONITOR_SLOWLOG_ENTRIES: z.coerce.number().int().min(0).max(128).default(10),
  /** How long the per-minute (per-tick) history rows are kept in Table Storage. @default 168 (7 days) */
  MONITOR_RETENTION_HOURS: z.coerce.number().min(1).max(24 * 90).default(168),
  /** How long the 1-hour aggregate rows (min/max/mean/last) are kept. @default 90 */
  MONITOR_HOURLY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Rows one run of the `monitorPurge` timer deletes at most, all clusters together; a backlog drains over the next runs. @default 5000 */
  MONITOR_PURGE_MAX_ROWS: z.coerce.number().int().min(100).max(100_000).default(5000),
  /** Clusters collected at the same time. @default 8 */
  MONITOR_CLUSTER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Streams, queues and Pub/Sub discovery on every master each tick (`docs/monitoring.md`, "Messaging"). @default on */
  MONITOR_MESSAGING: z.enum(['on', 'off']).default('on'),
  /** Streams + queues kept per node; more are reported as `truncated`. @default 10000 */
  MONITOR_MESSAGING_MAX_KEYS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Streams and queues read per second per node (XINFO / LLEN batches). @default 5000 */
  MONITOR_MESSAGING_KEYS_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Keys SCAN visits per node and tick (its COUNTs summed); a larger keyspace is covered over several ticks. @default 200000 */
  MONITOR_MESSAGING_SCAN_KEYS_PER_TICK: z.coerce.number().int().min(100).max(10_000_000).default(200_000),
  /** Latency guard of the discovery scan: PING above this pauses and shrinks it; 0 = off. @default 5 */
  MONITOR_MESSAGING_MAX_LATENCY_MS: z.coerce.number().min(0).max(1000).default(5),
});

export type MonitoringSettings = z.output<typeof monitoringSettingsSchema>;

/** Reads and validates the monitoring settings; one line per bad setting, naming it. */
export function monitoringSettings(env: NodeJS.ProcessEnv = process.env): MonitoringSettings {
  const result = monitoringSettingsSchema.safeParse(withoutEmptySettings(env));
  if (result.success) return result.data;
  throw new Error(`invalid monitoring settings: ${result.error.issues.map((i) => `setting '${i.path.join('.')}' ${i.message}`).join('; ')}`);
}

/** Milliseconds one tick may take. */
export function tickBudgetMs(settings: MonitoringSettings): number {
  return Math.round(settings.MONITOR_INTERVAL_SECONDS * 1000 * settings.MONITOR_TICK_BUDGET_RATIO);
}
