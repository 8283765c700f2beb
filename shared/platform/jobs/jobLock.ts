import type { TableClient } from '@azure/data-tables';
import { loadSettings } from '../config/loadSettings';
import type { ControlPlane } from '../controlPlane';
import { storageTarget, tableClient } from '../storage/storageClients';
import type { DomainError } from '../store/DomainError';
import { statusOf } from '../store/statusOf';
import { finalStatuses } from './JobRecord';
import type { JobStore } from './JobStore';

const tables = new Map<string, Promise<TableClient>>();

/** The lock table `<prefix><suffix>`, created once per process (again after a failed create). */
export function jobLockTable(cp: ControlPlane, suffix: string): Promise<TableClient> {
  const name = `${cp.settings.tablePrefix}${suffix}`;
  let table = tables.get(name);
  if (!table) {
    const client = tableClient(storageTarget(loadSettings()), name);
    table = client.createTable().then(() => client);
    table.catch(() => tables.delete(name));
    tables.set(name, table);
  }
  return table;
}

/** How a lock refuses: while another job holds it, and when concurrent takers kept winning the race. */
export interface JobLockRefusals {
  held(holderJobId: string, holderStatus: string): DomainError;
  contended(): DomainError;
}

/**
 * Takes the lock row (`partition`, `rowKey`) for `jobId`: a row naming the job that holds it, taken with a
 * conditional write (create, or replace with the ETag read) so of two concurrent takers exactly one wins. The holder
 * needs no release: the lock is free again once its job is final (succeeded, failed or cancelled), so a crashed
 * request or job never leaves it stuck; a row whose job does not exist yet is a taker right now (60 s, the job row
 * follows the lock). A row that already names `jobId` is returned as taken (a retried take of the same job). With
 * `coolDownMs` the lock stays held that long after its job finished (`finishedAt`): the refusal then names a final
 * status. Returns the row's ETag (to give it back when a larger all-or-nothing take fails).
 */
export async function takeJobLock(table: TableClient, jobs: JobStore, partition: string, rowKey: string, jobId: string, refuse: JobLockRefusals, options: { coolDownMs?: number } = {}): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    let existing: { jobId: string; etag: string; takenAt: number } | undefined;
    try {
      const row = await table.getEntity<{ jobId: string; takenAt: string }>(partition, rowKey);
      existing = { jobId: String(row.jobId), etag: row.etag, takenAt: Date.parse(String(row.takenAt)) };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (existing?.jobId === jobId) return existing.etag;
    if (existing) {
      const holder = await jobs.get(existing.jobId);
      const starting = !holder && Date.now() - existing.takenAt < 60_000;
      const finishedAt = holder ? Date.parse(holder.job.finishedAt ?? holder.job.updatedAt) : NaN;
      const coolingDown = holder !== undefined && finalStatuses.includes(holder.job.status) && Date.now() - finishedAt < (options.coolDownMs ?? 0);
      if (starting || coolingDown || (holder && !finalStatuses.includes(holder.job.status))) throw refuse.held(existing.jobId, holder?.job.status ?? 'starting');
    }
    try {
      const entity = { partitionKey: partition, rowKey, jobId, takenAt: new Date().toISOString() };
      const answer = existing ? await table.updateEntity(entity, 'Replace', { etag: existing.etag }) : await table.createEntity(entity);
      return String(answer.etag);
    } catch (error) {
      const status = statusOf(error);
      if (status !== 409 && status !== 412) throw error;
    }
  }
  throw refuse.contended();
}
