import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { statusOf } from '../store/statusOf';
import { cursorFromEntity, cursorToEntity, jobFromEntity, jobRowKey, jobToEntity } from './jobEntity';
import { finalStatuses, type CursorRecord, type JobRecord } from './JobRecord';

/** A job as read: the job row, its ETag (what the next conditional write must match) and its cursor rows. */
export interface LoadedJob {
  job: JobRecord;
  etag: string;
  cursors: CursorRecord[];
}

/** Table Storage allows 100 actions per transaction; one is always the job row. */
const cursorsPerTransaction = 99;

/**
 * Index partitions beside the job partitions (job ids are `[a-z0-9-]`, so `~` names can never be a job): `~active`
 * lists unfinished jobs (what the sweeper reads every minute instead of the whole table), `~finished-<yyyymmdd>` the
 * jobs finished that day (what the purge reads once they are past the retention).
 */
const activeIndex = '~active';
const finishedIndex = (at: string) => `~finished-${at.slice(0, 10).replace(/-/g, '')}`;

/**
 * Jobs in Table Storage: one partition per job, holding the job row and one row per cursor, so a checkpoint (job
 * row + the cursors that moved) is one entity-group transaction made conditional on the job row's ETag: a writer
 * whose lease was taken over is refused as a whole, never half-applied.
 */
export class JobStore {
  constructor(readonly table: TableClient) {}

  /** Creates the job; false when a job with this id exists (deterministic ids make scheduled creation idempotent). */
  async create(job: JobRecord): Promise<boolean> {
    try {
      // Index first: an index row without its job is dropped by the next sweep; a job without one would never be swept.
      const index = finalStatuses.includes(job.status) ? finishedIndex(job.finishedAt ?? job.updatedAt) : activeIndex;
      await this.table.upsertEntity({ partitionKey: index, rowKey: job.id }, 'Replace');
      await this.table.createEntity(jobToEntity(job));
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  /** The job with its cursors, or undefined. */
  async load(jobId: string): Promise<LoadedJob | undefined> {
    let found: { job: JobRecord; etag: string } | undefined;
    const cursors: CursorRecord[] = [];
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${jobId}` } })) {
      if (row.rowKey === jobRowKey) found = { job: jobFromEntity(row), etag: row.etag };
      else cursors.push(cursorFromEntity(row));
    }
    return found && { ...found, cursors: cursors.sort((a, b) => a.id.localeCompare(b.id)) };
  }

  /** The job row alone (a point read). */
  async get(jobId: string): Promise<{ job: JobRecord; etag: string } | undefined> {
    try {
      const row = await this.table.getEntity<Record<string, unknown>>(jobId, jobRowKey);
      return { job: jobFromEntity(row as TableEntityResult<Record<string, unknown>>), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Sets `cancelRequested` on the job row whatever its ETag (a Merge of that one property, `If-Match: *`): a running
   * chunk checkpoints often, and a read-modify-write of the whole row could lose to it again and again. The chunk's
   * next conditional write then fails, it re-reads the row and sees the flag. 404 when the row is gone.
   */
  async requestCancel(jobId: string): Promise<void> {
    await this.table.updateEntity({ partitionKey: jobId, rowKey: jobRowKey, cancelRequested: true }, 'Merge', { etag: '*' });
  }

  /**
   * Writes the job row (only if its ETag is still `etag`) and the given cursor rows atomically; returns the new
   * ETag. Throws the 412 `RestError` when someone else wrote the job row since.
   */
  async write(job: JobRecord, etag: string, cursors: readonly CursorRecord[] = []): Promise<string> {
    const written = await this.writeRows(job, etag, cursors);
    // The job row is written; the index follows best effort (a sweep that finds a finished job in it retires it then).
    if (finalStatuses.includes(job.status)) await this.retire(job).catch(() => undefined);
    return written;
  }

  /** Unfinished jobs from the `~active` index: one partition read plus a point read per job, whatever the table holds. */
  async active(): Promise<JobRecord[]> {
    if (!this.backfilled) {
      // Jobs created before the index existed: indexed once per process by one scan, never again.
      for (const job of await this.list({ active: true })) await this.table.upsertEntity({ partitionKey: activeIndex, rowKey: job.id }, 'Replace');
      this.backfilled = true;
    }
    const ids: string[] = [];
    for await (const row of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${activeIndex}`, select: ['RowKey'] } })) ids.push(row.rowKey ?? '');
    const jobs = await Promise.all(ids.map((id) => this.get(id)));
    const active: JobRecord[] = [];
    for (const [i, found] of jobs.entries()) {
      if (!found) await this.table.deleteEntity(activeIndex, ids[i] ?? '').catch(() => undefined);
      else if (finalStatuses.includes(found.job.status)) await this.retire(found.job).catch(() => undefined);
      else active.push(found.job);
    }
    return active;
  }

  /**
   * Deletes up to `max` jobs (job row and cursors) that finished before `before` (ms), reading only the
   * `~finished-<day>` index partitions older than it. Returns how many went.
   */
  async purgeFinished(before: number, max = 50): Promise<number> {
    const cutoff = finishedIndex(new Date(before).toISOString());
    const filter = odata`PartitionKey ge ${'~finished-'} and PartitionKey lt ${cutoff}`;
    let purged = 0;
    for await (const row of this.table.listEntities<{ finishedAt?: string }>({ queryOptions: { filter } })) {
      if (purged >= max) break;
      const jobId = row.rowKey ?? '';
      const keys: string[] = [];
      for await (const r of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${jobId}`, select: ['RowKey'] } })) keys.push(r.rowKey ?? '');
      for (let i = 0; i < keys.length; i += 100) await this.table.submitTransaction(keys.slice(i, i + 100).map((rowKey): TransactionAction => ['delete', { partitionKey: jobId, rowKey }]));
      await this.table.deleteEntity(row.partitionKey ?? '', jobId).catch((e: unknown) => (statusOf(e) === 404 ? undefined : Promise.reject(e)));
      purged += 1;
    }
    return purged;
  }

  private backfilled = false;

  /** A finished job leaves `~active` and joins the day it finished, for the purge. */
  private async retire(job: JobRecord): Promise<void> {
    await this.table.upsertEntity({ partitionKey: finishedIndex(job.finishedAt ?? job.updatedAt), rowKey: job.id }, 'Replace');
    await this.table.deleteEntity(activeIndex, job.id).catch((e: unknown) => (statusOf(e) === 404 ? undefined : Promise.reject(e)));
  }

  private async writeRows(job: JobRecord, etag: string, cursors: readonly CursorRecord[]): Promise<string> {
    if (cursors.length === 0) {
      const updated = await this.table.updateEntity(jobToEntity(job), 'Replace', { etag });
      return updated.etag ?? (await this.get(job.id))?.etag ?? etag;
    }
    let current = etag;
    for (let i = 0; i < cursors.length; i += cursorsPerTransaction) {
      const actions: TransactionAction[] = [
        ['update', jobToEntity(job), 'Replace', { etag: current }],
        ...cursors.slice(i, i + cursorsPerTransaction).map((c): TransactionAction => ['upsert', cursorToEntity(job.id, c), 'Replace']),
      ];
      let response;
      try {
        response = await this.table.submitTransaction(actions);
      } catch (error) {
        // A failed transaction reports the failing action's status; the job row is the only conditional one.
        throw statusOf(error) === 412 || statusOf(error) === 409 ? Object.assign(error as Error, { statusCode: 412 }) : error;
      }
      const etagOfJob = response.subResponses.find((r) => r.rowKey === jobRowKey)?.etag ?? response.subResponses[0]?.etag;
      // Without the new ETag the next conditional write could not be made: read it back (rare; services return it).
      current = etagOfJob ?? (await this.get(job.id))?.etag ?? current;
    }
    return current;
  }

  /** Jobs, newest first, optionally of one cluster and/or only unfinished ones. Bounded by `limit`. */
  async list(filter: { clusterId?: string; active?: boolean; limit?: number } = {}): Promise<JobRecord[]> {
    const clauses = [odata`RowKey eq ${jobRowKey}`];
    if (filter.clusterId) clauses.push(odata`clusterId eq ${filter.clusterId}`);
    if (filter.active) clauses.push(`(status eq 'queued' or status eq 'running')`);
    const jobs: JobRecord[] = [];
    for await (const row of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: clauses.join(' and ') } })) {
      jobs.push(jobFromEntity(row));
    }
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, filter.limit ?? 1000);
  }
}
