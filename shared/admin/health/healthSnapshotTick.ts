import type { ControlPlane } from '../../platform/controlPlane';
import { healthFindingsTable } from '../../platform/findings/healthFindingsTable';
import { isRedisAccessError } from '../../platform/redis/redisErrors';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import type { HealthReport } from './assessHealth';
import { fullClusterHealth } from './fullClusterHealth';
import { recordHealth, recordUnreachable } from './recordHealth';

export interface HealthSnapshotResult {
  clusters: number;
  recorded: number;
  unreachable: number;
  /** Clusters whose health could not be read for another reason, or whose summary could not be stored. */
  failed: number;
}

/** Clusters checked at once. @default 4 */
const defaultConcurrency = 4;

/**
 * The `healthSnapshot` timer's work: every registered cluster's health (the same report as `GET …/health`, through the
 * pooled connections with their timeouts and circuit breakers), counted by severity and code into the findings table
 * the Prometheus scrape reads. A cluster that does not answer is recorded as `cluster_unreachable`.
 */
export async function healthSnapshotTick(
  cp: ControlPlane,
  log: (line: string) => void,
  options: { concurrency?: number; read?: (target: RedisTarget & { id: string }) => Promise<HealthReport> } = {},
): Promise<HealthSnapshotResult> {
  const table = healthFindingsTable(cp.settings.tablePrefix);
  const read = options.read ?? ((target: RedisTarget & { id: string }) => fullClusterHealth(cp, target));
  const clusters = await cp.clusters.list();
  const result: HealthSnapshotResult = { clusters: clusters.length, recorded: 0, unreachable: 0, failed: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < clusters.length; i = next++) {
      const cluster = clusters[i] as (typeof clusters)[number];
      try {
        let report: HealthReport;
        try {
          report = await read(cluster);
        } catch (error) {
          if (!isRedisAccessError(error) || error.kind !== 'unavailable') throw error;
          await recordUnreachable(table, cluster.id, Date.now());
          result.unreachable++;
          continue;
        }
        await recordHealth(table, report);
        result.recorded++;
      } catch (error) {
        result.failed++;
        log(`[healthSnapshot] cluster ${cluster.id}: ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : 'unknown error'}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? defaultConcurrency, clusters.length) }, worker));
  return result;
}
