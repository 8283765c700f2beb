import type { ControlPlane } from '../../platform/controlPlane';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import type { HealthReport } from './assessHealth';
import { checkHotSpots } from './checkHotSpots';
import { verdictOf } from './HealthFinding';
import { readClusterHealth } from './readClusterHealth';

/**
 * The health report `GET …/health` answers and the `healthSnapshot` timer records: Redis' health plus the hot spots
 * (hot_node, hot_key) read from stored history and radar jobs. Storage trouble there must not hide Redis' health
 * (/api/health reports storage).
 */
export async function fullClusterHealth(cp: ControlPlane, cluster: RedisTarget & { id: string }): Promise<HealthReport> {
  const [report, hot] = await Promise.all([readClusterHealth(cluster), checkHotSpots(cp, cluster.id).catch(() => [])]);
  // A shared health read is reused by concurrent callers: add to a copy, never to the shared object.
  const findings = [...report.findings, ...hot];
  return { ...report, findings, verdict: verdictOf(findings) };
}
