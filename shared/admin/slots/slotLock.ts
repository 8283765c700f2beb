import type { TableClient } from '@azure/data-tables';
import type { ControlPlane } from '../../platform/controlPlane';
import { jobLockTable, takeJobLock } from '../../platform/jobs/jobLock';
import type { JobStore } from '../../platform/jobs/JobStore';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { withRedis } from '../../platform/redis/redisConnections';
import { conflict } from '../../platform/store/DomainError';
import { parseClusterNodes } from '../../platform/topology/parseClusterNodes';

/**
 * One slot operation per physical cluster at a time, however many registrations point at it: a job lock row per
 * node id (`takeJobLock`: conditional write, free again once its job is final, so a crashed request or job never
 * leaves it stuck) for every node the cluster lists (CLUSTER NODES of the first seed that answers), plus `also` (the
 * node add-node joins). Taken in sorted order, all or nothing: a request that loses one gives back the rows it took
 * and answers 409 `slot_operation_in_progress` naming the running job. Two registrations of one cluster share node
 * ids, so their operations exclude each other (a lock per registration let both move slots at once and lose keys).
 */
export async function takeSlotLock(cp: ControlPlane, jobs: JobStore, clusterId: string, jobId: string, also: readonly string[] = []): Promise<SlotLock> {
  const cluster = await cp.clusters.get(clusterId);
  const ids = [...new Set([...(await withRedis(cluster, clusterNodeIds)), ...also])].sort();
  const table = await jobLockTable(cp, 'slotlocks');
  const taken: { rowKey: string; etag: string }[] = [];
  try {
    for (const nodeId of ids) {
      const etag = await takeJobLock(table, jobs, 'node', nodeId, jobId, {
        held: (holder, status) => conflict('slot_operation_in_progress', `cluster '${clusterId}': node ${nodeId} is already in slot operation ${holder} (${status}), possibly through another registration of the same cluster: wait for it or cancel it (POST /api/jobs/${holder}/cancel)`),
        contended: () => conflict('slot_operation_in_progress', `cluster '${clusterId}': another slot operation on node ${nodeId} is being started right now`),
      });
      taken.push({ rowKey: nodeId, etag });
    }
  } catch (error) {
    await giveBack(table, taken);
    throw error;
  }
  return {
    async createJob<T>(create: () => Promise<T>): Promise<T> {
      try {
        return await create();
      } catch (error) {
        // No job, no holder: the rows go back now instead of refusing every slot operation for 60 s in the name of
        // a job that never existed. A job row that was written (its event failed after it) keeps them.
        if (!(await jobs.get(jobId).catch(() => true))) await giveBack(table, taken);
        throw error;
      }
    },
  };
}

/** The lock a request took for its job (`jobId`). */
export interface SlotLock {
  /** Runs `create` (the job's creation); if it fails before the job row exists, the lock's rows are given back. */
  createJob<T>(create: () => Promise<T>): Promise<T>;
}

function giveBack(table: TableClient, taken: { rowKey: string; etag: string }[]): Promise<unknown> {
  return Promise.all(taken.map((t) => table.deleteEntity('node', t.rowKey, { etag: t.etag }).catch(() => undefined)));
}

/** Ids of every node (handshakes aside) the first seed that answers lists in CLUSTER NODES. */
async function clusterNodeIds(connection: RedisConnection): Promise<string[]> {
  let lastError: unknown = new Error('no endpoints registered');
  for (const seed of connection.seeds) {
    try {
      const text = String(await (await connection.node(seed)).call('CLUSTER', 'NODES'));
      const ids = parseClusterNodes(text).filter((e) => !e.flags.includes('handshake')).map((e) => e.id);
      if (ids.length > 0) return ids;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
