import type { TableClient } from '@azure/data-tables';
import { jobLockTable, takeJobLock } from '../platform/jobs/jobLock';
import type { JobRuntime } from '../platform/jobs/jobRuntime';
import { finalStatuses, type JobStatus } from '../platform/jobs/JobRecord';
import { conflict, isDomainError } from '../platform/store/DomainError';
import { statusOf } from '../platform/store/statusOf';

/** Why an event starts no warm: the namespace's event-triggered warm is queued/running, or finished within the cool-down. */
export type CoalesceReason = 'in-flight' | 'cool-down';

export type WarmTriggerSlot =
  | { taken: true; release(): Promise<void> }
  /**
   * `coalesced`: events folded into `jobId` so far, this one included; `ofReason`: those of them for this `reason`.
   * Both null when the count lost every race (a flood).
   */
  | { taken: false; jobId: string; reason: CoalesceReason; coalesced: number | null; ofReason: number | null };

/**
 * The single flight of event-triggered warms: one lock row per (cluster, namespace) in `<prefix>warmtriggerlocks`,
 * taken with `takeJobLock` (a conditional write, so of concurrent deliveries on any number of instances exactly one
 * wins) for the job the event would start. It stays held while that job is queued or running and `coolDownMs` after it
 * finished; an event that finds it held is coalesced into the holder, counted on the row. The winner releases the row
 * when its warm does not start after all (the cache does not answer, the plan is gone or skipped); once the job
 * exists the row stays (a failure after its creation, e.g. recording `Warm.Requested`, must not free a second warm).
 */
export async function takeWarmTriggerSlot(rt: JobRuntime, clusterId: string, namespace: string, jobId: string, coolDownMs: number): Promise<WarmTriggerSlot> {
  const table = await jobLockTable(rt.cp, 'warmtriggerlocks');
  let holder: { jobId: string; status: string } | undefined;
  try {
    await takeJobLock(
      table,
      rt.store,
      clusterId,
      namespace,
      jobId,
      {
        held: (holderJobId, status) => {
          holder = { jobId: holderJobId, status };
          return conflict('warm_in_progress', `${clusterId}/${namespace}: event-triggered warm ${holderJobId} is ${status}`);
        },
        contended: () => conflict('warm_in_progress', `${clusterId}/${namespace}: another event is starting a warm right now`),
      },
      { coolDownMs },
    );
    // A job that exists holds the slot until it is final (and cooled down), however its delivery failed afterwards.
    return { taken: true, release: async () => ((await rt.store.get(jobId)) ? undefined : release(table, clusterId, namespace, jobId)) };
  } catch (error) {
    // Held, or contended (other deliveries kept winning the row, so one of them holds it now): counted into the holder.
    if (!isDomainError(error) || error.code !== 'warm_in_progress') throw error;
    const reason: CoalesceReason = holder && finalStatuses.includes(holder.status as JobStatus) ? 'cool-down' : 'in-flight';
    const counted = await countCoalesced(table, clusterId, namespace, reason);
    // The row may have changed hands since the refusal (its job was free, another delivery took it): name that job.
    const into = counted?.jobId ?? holder?.jobId;
    if (!into) throw error; // contended, then released: nothing to coalesce into, so Event Grid redelivers
    return { taken: false, jobId: into, reason: counted && counted.jobId !== holder?.jobId ? 'in-flight' : reason, coalesced: counted?.total ?? null, ofReason: counted?.ofReason ?? null };
  }
}

const reasonCounter: Record<CoalesceReason, string> = { 'in-flight': 'coalescedInFlight', 'cool-down': 'coalescedCoolDown' };

/**
 * Adds one to the row's `coalesced` and to the reason's own count (conditional merge, jittered retries). Returns the
 * holder it was counted for and both counts, or null when the row is gone or every retry lost a race.
 */
async function countCoalesced(table: TableClient, partition: string, rowKey: string, reason: CoalesceReason): Promise<{ jobId: string; total: number; ofReason: number } | null> {
  const counter = reasonCounter[reason];
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    let row: Record<string, unknown> & { etag: string };
    try {
      row = await table.getEntity(partition, rowKey);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
    const total = (typeof row['coalesced'] === 'number' ? row['coalesced'] : 0) + 1;
    const ofReason = (typeof row[counter] === 'number' ? row[counter] : 0) + 1;
    try {
      await table.updateEntity({ partitionKey: partition, rowKey, coalesced: total, [counter]: ofReason }, 'Merge', { etag: row.etag });
      return { jobId: String(row['jobId']), total, ofReason };
    } catch (error) {
      const status = statusOf(error);
      if (status !== 412 && status !== 404) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
  }
  return null;
}

/** Deletes the row if it still names `jobId` (coalesced counts change its ETag, hence the re-read). */
async function release(table: TableClient, partition: string, rowKey: string, jobId: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const row = await table.getEntity<{ jobId: string }>(partition, rowKey);
      if (String(row.jobId) !== jobId) return;
      await table.deleteEntity(partition, rowKey, { etag: row.etag });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status !== 412) throw error;
    }
  }
}
