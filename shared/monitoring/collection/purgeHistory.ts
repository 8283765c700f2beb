import { randomUUID } from 'node:crypto';
import type { ClusterResource } from '../../platform/registry/clusterSpec';
import type { MonitoringSettings } from './monitoringSettings';
import { HOUR_MS, type MonitorStore } from './MonitorStore';

export interface PurgeDeps {
  store: MonitorStore;
  listClusters: () => Promise<readonly Pick<ClusterResource, 'id'>[]>;
  settings: Pick<MonitoringSettings, 'MONITOR_RETENTION_HOURS' | 'MONITOR_HOURLY_RETENTION_DAYS' | 'MONITOR_PURGE_MAX_ROWS'>;
  /** Who takes the lease. @default a fresh id per run */
  holder?: string;
  /** How long the lease is held at most (a run that dies frees it after this). @default 300000 */
  leaseMs?: number;
  now?: number;
}

export interface PurgeResult {
  /** `false`: another instance holds the lease, nothing was deleted. */
  leased: boolean;
  minuteRows: number;
  hourlyRows: number;
  /** The run stopped at `MONITOR_PURGE_MAX_ROWS` or because the lease was lost: more may be left for the next run. */
  stopped: boolean;
}

/**
 * One bounded purge of the metric history under the purge lease: minute rows older than `MONITOR_RETENTION_HOURS`,
 * hour aggregates older than `MONITOR_HOURLY_RETENTION_DAYS`, at most `MONITOR_PURGE_MAX_ROWS` rows in all. The
 * lease's fencing token is checked before every batch, so two instances never delete at the same time.
 */
export async function purgeHistory(deps: PurgeDeps): Promise<PurgeResult> {
  const now = deps.now ?? Date.now();
  const lease = deps.store.purgeLease;
  const grant = await lease.acquire(deps.holder ?? randomUUID(), deps.leaseMs ?? 300_000, now);
  if (!grant) return { leased: false, minuteRows: 0, hourlyRows: 0, stopped: false };
  const result: PurgeResult = { leased: true, minuteRows: 0, hourlyRows: 0, stopped: false };
  let held = true;
  const stillHeld = async () => (held = held && (await lease.holds(grant)));
  try {
    let budget = deps.settings.MONITOR_PURGE_MAX_ROWS;
    const minuteBefore = now - deps.settings.MONITOR_RETENTION_HOURS * HOUR_MS;
    const hourlyBefore = now - deps.settings.MONITOR_HOURLY_RETENTION_DAYS * 24 * HOUR_MS;
    for (const cluster of await deps.listClusters()) {
      if (budget <= 0 || !held) break;
      const minutes = await deps.store.purgeHistory(cluster.id, minuteBefore, budget, stillHeld);
      result.minuteRows += minutes;
      budget -= minutes;
      if (budget <= 0 || !held) break;
      const hours = await deps.store.purgeHourly(cluster.id, hourlyBefore, budget, stillHeld);
      result.hourlyRows += hours;
      budget -= hours;
    }
    result.stopped = budget <= 0 || !held;
    return result;
  } finally {
    if (held) await lease.release(grant);
  }
}
