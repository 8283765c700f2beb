import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { statusOf } from '../store/statusOf';
import { cursorFromEntity, cursorToEntity, jobFromEntity, jobRowKey, jobToEntity } from './jobEntity';
import type { CursorRecord, JobRecord } from './JobRecord';

/** A job as read: the job row, its ETag (what the next conditional write must match) and its cursor rows. */
export interface LoadedJob {
  job: JobRecord;
  etag: string;
  cursors: CursorRecord[];
}

/** Table Storage allows 100 actions per transaction; one is always the job row. */
const cursorsPerTransaction = 99;

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
   * Writes the job row (only if its ETag is still `etag`) and the given cursor rows atomically; returns the new
   * ETag. Throws the 412 `RestError` when someone else wrote the job row since.
   */
  async write(job: JobRecord, etag: string, cursors: readonly CursorRecord[] = []): Promise<string> {
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
