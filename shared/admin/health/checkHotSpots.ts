import type { ControlPlane } from '../../platform/controlPlane';
import { jobRuntime } from '../../platform/jobs/jobRuntime';
import { metricsHistoryTable, readMasterOps } from '../../platform/metrics/metricsHistoryTable';
import type { HealthFinding } from './HealthFinding';

/** History read for `hot_node`: the last 15 minutes of the monitor's per-node ops/s. */
const historyWindowMs = 15 * 60_000;
/** A radar's `hot_key` findings count for this long after it finished. */
const radarFreshMs = 24 * 3600_000;
/** Jobs of the cluster looked through for the latest radar. */
const jobsLooked = 50;

/**
 * `hot_node` and `hot_key`, read through platform contracts (the admin area never imports monitoring): per-master
 * mean ops/s over the monitor's last 15 minutes of history (`readMasterOps`) — a master above 1.5 × the median and
 * above 1000 ops/s is hot — and the `hot_key` findings of the cluster's latest succeeded hot-key radar job of the last
 * 24 h (its result on the job row). Nothing is read from Redis: no history or no radar, no finding.
 */
export async function checkHotSpots(cp: ControlPlane, clusterId: string, now = Date.now()): Promise<HealthFinding[]> {
  const findings: HealthFinding[] = [];
  const { masters } = await readMasterOps(metricsHistoryTable(cp.settings.tablePrefix), clusterId, now - historyWindowMs, now);
  const rates = [...masters.values()].map((m) => m.meanOpsPerSec).sort((a, b) => a - b);
  if (rates.length >= 2) {
    const mid = rates.length / 2;
    const median = rates.length % 2 ? (rates[Math.floor(mid)] as number) : ((rates[mid - 1] as number) + (rates[mid] as number)) / 2;
    for (const m of masters.values()) {
      if (m.meanOpsPerSec < 1000 || m.meanOpsPerSec < 1.5 * median) continue;
      findings.push({
        code: 'hot_node',
        severity: 'warning',
        message: `master ${m.node} served ${Math.round(m.meanOpsPerSec)} ops/s over the last 15 minutes, ${(m.meanOpsPerSec / Math.max(1, median)).toFixed(1)}× the median master (${Math.round(median)} ops/s)`,
        evidence: { node: m.node, nodeId: m.id, meanOpsPerSec: m.meanOpsPerSec, medianOpsPerSec: median, samples: m.samples, window: 'monitor history, last 15 minutes' },
        fix: `Find out whether one key makes it hot: POST /api/clusters/${clusterId}/hotkeys (rcm hotkeys ${clusterId}). If no key dominates, move slots off it: POST /api/clusters/${clusterId}/slots/rebalance with weightBy "ops"`,
        redisCli: false,
      });
    }
  }
  const jobs = await (await jobRuntime(cp)).store.list({ clusterId, limit: jobsLooked });
  const radar = jobs.find((j) => j.kind === 'hotkeys' && j.status === 'succeeded' && now - Date.parse(j.finishedAt ?? '') < radarFreshMs);
  const radarFindings = (radar?.result?.['findings'] ?? []) as Array<{ code?: unknown; node?: unknown; message?: unknown }>;
  for (const f of Array.isArray(radarFindings) ? radarFindings : []) {
    if (f.code !== 'hot_key' || typeof f.message !== 'string') continue;
    findings.push({
      code: 'hot_key',
      severity: 'warning',
      message: `${f.message} (hot-key radar ${radar?.id}, finished ${radar?.finishedAt})`,
      evidence: { jobId: radar?.id, finishedAt: radar?.finishedAt, node: f.node, report: `/api/clusters/${clusterId}/hotkeys/${radar?.id}` },
      fix: 'See the radar report for the advice per key: client-side caching or replica reads for read-mostly keys, splitting a write-heavy key into sub-keys; resharding does not spread one key',
      redisCli: false,
    });
  }
  return findings;
}
