import type { TableEntityResult } from '@azure/data-tables';
import { expiresAt } from '../store/claimRow';
import { jsonFromChunks, jsonToChunks } from '../store/jsonChunks';
import type { CursorRecord, JobRecord, JobStatus } from './JobRecord';

/** Row key of the job row; cursor rows are `c-<cursor id>` in the same partition (the job id). */
export const jobRowKey = 'job';
export const cursorRowKey = (id: string) => `c-${id}`;

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

const json = (value: unknown) => JSON.stringify(value ?? null);
const parse = <T>(value: unknown, fallback: T): T => (typeof value === 'string' && value !== 'null' ? (JSON.parse(value) as T) : fallback);

/** The job row as a table entity (params in chunks: they may be large, e.g. a key list). */
export function jobToEntity(job: JobRecord): Entity {
  return {
    partitionKey: job.id,
    rowKey: jobRowKey,
    kind: job.kind,
    clusterId: job.clusterId,
    namespace: job.namespace ?? '',
    status: job.status,
    ...jsonToChunks('params', job.params),
    progress: json(job.progress),
    createdBy: json(job.createdBy),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    startedAt: job.startedAt ?? '',
    finishedAt: job.finishedAt ?? '',
    chunks: job.chunks,
    failedChunks: job.failedChunks,
    cancelRequested: job.cancelRequested,
    result: json(job.result),
    error: json(job.error),
    estimate: json(job.estimate),
    handoffs: json(job.handoffs),
    leaseOwner: job.lease.owner ?? '',
    leaseToken: job.lease.token,
    leaseExpiresAt: expiresAt(job.lease.expiresAt),
    traceparent: job.traceparent ?? '',
  };
}

export function jobFromEntity(row: TableEntityResult<Record<string, unknown>>): JobRecord {
  const text = (name: string) => (typeof row[name] === 'string' && row[name] !== '' ? (row[name] as string) : undefined);
  const job: JobRecord = {
    id: row.partitionKey ?? '',
    kind: String(row['kind']),
    clusterId: String(row['clusterId']),
    params: jsonFromChunks('params', row) as Record<string, unknown>,
    status: String(row['status']) as JobStatus,
    progress: parse(row['progress'], {}),
    createdBy: parse(row['createdBy'], { id: 'unknown', kind: 'system', role: 'reader' }),
    createdAt: String(row['createdAt']),
    updatedAt: String(row['updatedAt']),
    chunks: Number(row['chunks'] ?? 0),
    failedChunks: Number(row['failedChunks'] ?? 0),
    cancelRequested: row['cancelRequested'] === true,
    lease: { owner: text('leaseOwner') ?? null, token: Number(row['leaseToken'] ?? 0), expiresAt: Number(row['leaseExpiresAt'] ?? 0) },
  };
  const namespace = text('namespace');
  if (namespace) job.namespace = namespace;
  const startedAt = text('startedAt');
  if (startedAt) job.startedAt = startedAt;
  const finishedAt = text('finishedAt');
  if (finishedAt) job.finishedAt = finishedAt;
  const result = parse<Record<string, unknown> | undefined>(row['result'], undefined);
  if (result) job.result = result;
  const error = parse<{ code: string; message: string } | undefined>(row['error'], undefined);
  if (error) job.error = error;
  const estimate = parse<JobRecord['estimate']>(row['estimate'], undefined);
  if (estimate) job.estimate = estimate;
  const handoffs = parse<JobRecord['handoffs']>(row['handoffs'], undefined);
  if (handoffs) job.handoffs = handoffs;
  const traceparent = text('traceparent');
  if (traceparent) job.traceparent = traceparent;
  return job;
}

export function cursorToEntity(jobId: string, cursor: CursorRecord): Entity {
  return { partitionKey: jobId, rowKey: cursorRowKey(cursor.id), ...jsonToChunks('state', cursor.state), counts: json(cursor.counts), done: cursor.done };
}

export function cursorFromEntity(row: TableEntityResult<Record<string, unknown>>): CursorRecord {
  return {
    id: (row.rowKey ?? '').slice(2),
    state: jsonFromChunks('state', row) as Record<string, unknown>,
    counts: parse(row['counts'], {}),
    done: row['done'] === true,
  };
}
