import { TableClient } from '@azure/data-tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobToEntity } from '../../shared/platform/jobs/jobEntity';
import type { JobRecord } from '../../shared/platform/jobs/JobRecord';
import { JobStore } from '../../shared/platform/jobs/JobStore';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

// Real Azurite table. The store's queries are recorded (the table underneath is the real one) so the test can
// say which partitions the sweeper's read touches: only the ~active index and point reads, never a table scan.
let table: TableClient;
let store: JobStore;
const filters: string[] = [];

function job(id: string, status: JobRecord['status'], finishedAt?: string): JobRecord {
  const at = finishedAt ?? new Date().toISOString();
  return { id, kind: 'invalidate', clusterId: 'c1', params: {}, status, progress: { scanned: 1 }, createdBy: { id: 'otto', kind: 'api-key', role: 'operator' }, createdAt: at, updatedAt: at, ...(finishedAt ? { finishedAt } : {}), chunks: 0, failedChunks: 0, cancelRequested: false, lease: { owner: null, token: 0, expiresAt: 0 } } as JobRecord;
}

beforeAll(async () => {
  table = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName('jobidx'), { allowInsecureConnection: true });
  await table.createTable();
  const list = table.listEntities.bind(table);
  table.listEntities = ((options?: Parameters<typeof list>[0]) => {
    filters.push(options?.queryOptions?.filter ?? '(all)');
    return list(options);
  }) as typeof table.listEntities;
  store = new JobStore(table);
});

describe('job indexes: the sweep reads the running jobs, not the table', () => {
  it('active() lists unfinished jobs from the ~active index; finishing a job takes it out', async () => {
    // A job from before the index (written as the old store did): found once by the backfill scan.
    await table.createEntity(jobToEntity(job('old-running', 'running')));
    for (let i = 0; i < 30; i++) await store.create(job(`done-${i}`, 'succeeded', '2020-01-0' + (1 + (i % 5)) + 'T00:00:00.000Z'));
    expect(await store.create(job('run-1', 'running'))).toBe(true);
    expect(await store.create(job('queued-1', 'queued'))).toBe(true);
    expect((await store.active()).map((j) => j.id).sort()).toEqual(['old-running', 'queued-1', 'run-1']);

    filters.length = 0;
    const loaded = await store.get('run-1');
    await store.write({ ...(loaded?.job as JobRecord), status: 'succeeded', finishedAt: new Date().toISOString() }, loaded?.etag ?? '');
    expect((await store.active()).map((j) => j.id).sort()).toEqual(['old-running', 'queued-1']);
    // After the one backfill, a sweep's read is the index partition alone (point reads are not queries).
    expect(filters).toEqual(["PartitionKey eq '~active'"]);
  });

  it('a job finished behind the index’s back (index not updated) is retired by the next read', async () => {
    const loaded = await store.get('queued-1');
    await table.updateEntity(jobToEntity({ ...(loaded?.job as JobRecord), status: 'cancelled', finishedAt: new Date().toISOString() }), 'Replace');
    expect((await store.active()).map((j) => j.id)).toEqual(['old-running']);
    await expect(table.getEntity('~active', 'queued-1')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('purgeFinished deletes jobs (and their cursors) finished before the cutoff, reading only the old days', async () => {
    await table.upsertEntity({ partitionKey: 'done-0', rowKey: 'c-node1', cursor: '0' });
    filters.length = 0;
    const purged = await store.purgeFinished(Date.parse('2020-01-04T00:00:00.000Z'), 1000);
    expect(purged).toBe(18); // finished 2020-01-01..03: 3 of every 5
    expect(filters[0]).toBe("PartitionKey ge '~finished-' and PartitionKey lt '~finished-20200104'");
    await expect(store.get('done-0')).resolves.toBeUndefined();
    await expect(table.getEntity('done-0', 'c-node1')).rejects.toMatchObject({ statusCode: 404 });
    await expect(store.get('done-3')).resolves.toMatchObject({ job: { status: 'succeeded' } }); // finished 2020-01-04: kept
    expect(await store.purgeFinished(Date.parse('2020-01-04T00:00:00.000Z'), 1000)).toBe(0);
    // Bounded per call: a backlog drains over several sweeps.
    expect(await store.purgeFinished(Date.now(), 5)).toBe(5);
  });
});
