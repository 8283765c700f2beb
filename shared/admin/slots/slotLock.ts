import type { TableClient } from '@azure/data-tables';
import { loadSettings } from '../../platform/config/loadSettings';
import type { ControlPlane } from '../../platform/controlPlane';
import { finalStatuses } from '../../platform/jobs/JobRecord';
import type { JobStore } from '../../platform/jobs/JobStore';
import { storageTarget, tableClient } from '../../platform/storage/storageClients';
import { conflict } from '../../platform/store/DomainError';
import { statusOf } from '../../platform/store/statusOf';

const tables = new Map<string, Promise<TableClient>>();

function lockTable(cp: ControlPlane): Promise<TableClient> {
  const name = `${cp.settings.tablePrefix}slotlocks`;
  let table = tables.get(name);
  if (!table) {
    const client = tableClient(storageTarget(loadSettings()), name);
    table = client.createTable().then(() => client);
    table.catch(() => tables.delete(name));
    tables.set(name, table);
  }
  return table;
}

/**
 * One slot operation per cluster at a time: a row per cluster naming the job that holds it, taken with a
 * conditional write (create, or replace with the ETag read) so of two concurrent requests exactly one wins. The
 * holder needs no release: the lock is free again once its job is finished (succeeded, failed or cancelled), so a
 * crashed request or job never leaves it stuck. 409 `slot_operation_in_progress` names the running job.
 */
export async function takeSlotLock(cp: ControlPlane, jobs: JobStore, clusterId: string, jobId: string): Promise<void> {
  const table = await lockTable(cp);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    let existing: { jobId: string; etag: string; takenAt: number } | undefined;
    try {
      const row = await table.getEntity<{ jobId: string; takenAt: string }>('lock', clusterId);
      existing = { jobId: String(row.jobId), etag: row.etag, takenAt: Date.parse(String(row.takenAt)) };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (existing) {
      const holder = await jobs.get(existing.jobId);
      // A lock whose job does not exist yet is being taken right now (the job row follows the lock).
      const starting = !holder && Date.now() - existing.takenAt < 60_000;
      if (starting || (holder && !finalStatuses.includes(holder.job.status))) {
        throw conflict('slot_operation_in_progress', `cluster '${clusterId}' is already running slot operation ${existing.jobId} (${holder?.job.status ?? 'starting'}): wait for it or cancel it (POST /api/jobs/${existing.jobId}/cancel)`);
      }
    }
    try {
      const entity = { partitionKey: 'lock', rowKey: clusterId, jobId, takenAt: new Date().toISOString() };
      if (existing) await table.updateEntity(entity, 'Replace', { etag: existing.etag });
      else await table.createEntity(entity);
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status !== 409 && status !== 412) throw error;
    }
  }
  throw conflict('slot_operation_in_progress', `cluster '${clusterId}': another slot operation is being started right now`);
}
