import type { TableClient } from '@azure/data-tables';
import { loadSettings } from '../../platform/config/loadSettings';
import type { ControlPlane } from '../../platform/controlPlane';
import { finalStatuses } from '../../platform/jobs/JobRecord';
import type { JobStore } from '../../platform/jobs/JobStore';
import { nodeKey, type NodeAddress } from '../../platform/redis/RedisTarget';
import { storageTarget, tableClient } from '../../platform/storage/storageClients';
import { conflict } from '../../platform/store/DomainError';
import { statusOf } from '../../platform/store/statusOf';

const tables = new Map<string, Promise<TableClient>>();

function lockTable(cp: ControlPlane): Promise<TableClient> {
  const name = `${cp.settings.tablePrefix}radarlocks`;
  let table = tables.get(name);
  if (!table) {
    const client = tableClient(storageTarget(loadSettings()), name);
    table = client.createTable().then(() => client);
    table.catch(() => tables.delete(name));
    tables.set(name, table);
  }
  return table;
}

/** Row key of a node: its address (the same server registered in two clusters is one node). */
const rowKeyOf = (address: NodeAddress): string => nodeKey(address).replace(/[/\\#?]/g, '_');

/**
 * Never more than one radar per node: one row per node address naming the job that holds it, each taken with a
 * conditional write (create, or replace with the ETag read) so of two concurrent requests exactly one wins a node.
 * A lock is free again once its job is final (succeeded, failed or cancelled), so a crashed job never leaves it
 * stuck; a row whose job does not exist yet is a request taking it right now (60 s). All or nothing: a request that
 * loses one node gives back the rows it took and answers 409 `hotkeys_radar_in_progress` naming the running job.
 */
export async function takeRadarLocks(cp: ControlPlane, jobs: JobStore, nodes: readonly NodeAddress[], jobId: string): Promise<void> {
  const table = await lockTable(cp);
  const taken: { rowKey: string; etag: string }[] = [];
  try {
    for (const node of nodes) taken.push(await takeOne(table, jobs, node, jobId));
  } catch (error) {
    await Promise.all(taken.map((t) => table.deleteEntity('node', t.rowKey, { etag: t.etag }).catch(() => undefined)));
    throw error;
  }
}

async function takeOne(table: TableClient, jobs: JobStore, node: NodeAddress, jobId: string): Promise<{ rowKey: string; etag: string }> {
  const rowKey = rowKeyOf(node);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    let existing: { jobId: string; etag: string; takenAt: number } | undefined;
    try {
      const row = await table.getEntity<{ jobId: string; takenAt: string }>('node', rowKey);
      existing = { jobId: String(row.jobId), etag: row.etag, takenAt: Date.parse(String(row.takenAt)) };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (existing) {
      const holder = await jobs.get(existing.jobId);
      const starting = !holder && Date.now() - existing.takenAt < 60_000;
      if (starting || (holder && !finalStatuses.includes(holder.job.status))) {
        throw conflict('hotkeys_radar_in_progress', `node ${nodeKey(node)} is already watched by hot-key radar ${existing.jobId} (${holder?.job.status ?? 'starting'}): wait for it (GET /api/jobs/${existing.jobId}) or cancel it (POST /api/jobs/${existing.jobId}/cancel)`);
      }
    }
    try {
      const entity = { partitionKey: 'node', rowKey, jobId, takenAt: new Date().toISOString() };
      const answer = existing ? await table.updateEntity(entity, 'Replace', { etag: existing.etag }) : await table.createEntity(entity);
      return { rowKey, etag: String(answer.etag) };
    } catch (error) {
      const status = statusOf(error);
      if (status !== 409 && status !== 412) throw error;
    }
  }
  throw conflict('hotkeys_radar_in_progress', `node ${nodeKey(node)}: another hot-key radar is being started right now`);
}
