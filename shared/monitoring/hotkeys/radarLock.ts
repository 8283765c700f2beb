import type { ControlPlane } from '../../platform/controlPlane';
import { jobLockTable, takeJobLock } from '../../platform/jobs/jobLock';
import type { JobStore } from '../../platform/jobs/JobStore';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { conflict } from '../../platform/store/DomainError';

/** Row key of a node: its address (the same server registered in two clusters is one node). */
const rowKeyOf = (address: NodeAddress): string => nodeKey(address).replace(/[/\\#?]/g, '_');

/**
 * Never more than one radar per node: a job lock row per node address (`takeJobLock`: conditional write, free again
 * once its job is final, so a crashed job never leaves it stuck). All or nothing: a request that loses one node gives
 * back the rows it took and answers 409 `hotkeys_radar_in_progress` naming the running job.
 */
export async function takeRadarLocks(cp: ControlPlane, jobs: JobStore, nodes: readonly NodeAddress[], jobId: string): Promise<void> {
  const table = await jobLockTable(cp, 'radarlocks');
  const taken: { rowKey: string; etag: string }[] = [];
  try {
    for (const node of nodes) {
      const rowKey = rowKeyOf(node);
      const etag = await takeJobLock(table, jobs, 'node', rowKey, jobId, {
        held: (holder, status) => conflict('hotkeys_radar_in_progress', `node ${nodeKey(node)} is already watched by hot-key radar ${holder} (${status}): wait for it (GET /api/jobs/${holder}) or cancel it (POST /api/jobs/${holder}/cancel)`),
        contended: () => conflict('hotkeys_radar_in_progress', `node ${nodeKey(node)}: another hot-key radar is being started right now`),
      });
      taken.push({ rowKey, etag });
    }
  } catch (error) {
    await Promise.all(taken.map((t) => table.deleteEntity('node', t.rowKey, { etag: t.etag }).catch(() => undefined)));
    throw error;
  }
}
