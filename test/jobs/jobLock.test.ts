import { TableClient } from '@azure/data-tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeJobLock, type JobLockRefusals } from '../../shared/platform/jobs/jobLock';
import type { JobRecord } from '../../shared/platform/jobs/JobRecord';
import { JobStore } from '../../shared/platform/jobs/JobStore';
import { conflict } from '../../shared/platform/store/DomainError';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';

// Real Azurite tables: the lock's conditional writes are what keeps several instances to one holder.
let locks: TableClient;
let store: JobStore;
let counter = 0;
const refuse: JobLockRefusals = { held: (holder, status) => conflict('held', `${holder} ${status}`), contended: () => conflict('contended', 'contended') };

function job(id: string, status: JobRecord['status'], finishedAt?: string): JobRecord {
  const at = new Date().toISOString();
  return { id, kind: 'warm', clusterId: 'c1', params: {}, status, progress: {}, createdBy: { id: 'otto', kind: 'api-key', role: 'operator' }, createdAt: at, updatedAt: at, ...(finishedAt ? { finishedAt } : {}), chunks: 0, failedChunks: 0, cancelRequested: false, lease: { owner: null, token: 0, expiresAt: 0 } } as JobRecord;
}
const take = (row: string, jobId: string, coolDownMs?: number) => takeJobLock(locks, store, 'p', row, jobId, refuse, coolDownMs === undefined ? {} : { coolDownMs });
const outcome = (p: Promise<string>) => p.then(() => 'taken', (e: Error) => e.message);

beforeAll(async () => {
  locks = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName('locks'), { allowInsecureConnection: true });
  const jobs = TableClient.fromConnectionString(azuriteConnectionString(), uniqueTableName('lockjobs'), { allowInsecureConnection: true });
  await Promise.all([locks.createTable(), jobs.createTable()]);
  store = new JobStore(jobs);
});

describe('takeJobLock', () => {
  it('of 8 concurrent takers exactly one wins; a retake by the same job is no refusal', async () => {
    const row = `r${counter++}`;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => outcome(take(row, `job-${row}-${i}`))));
    expect(results.filter((r) => r === 'taken')).toHaveLength(1);
    expect(results.filter((r) => r !== 'taken').every((r) => /^job-\S+ starting$/.test(r))).toBe(true);
    const winner = `job-${row}-${results.indexOf('taken')}`;
    expect(await outcome(take(row, winner))).toBe('taken');
  });

  it('is held while its job runs and `coolDownMs` after it finished, then free', async () => {
    const row = `r${counter++}`;
    await store.create(job(`first-${row}`, 'running'));
    await take(row, `first-${row}`);
    expect(await outcome(take(row, `second-${row}`, 60_000))).toBe(`first-${row} running`);
    const current = await store.get(`first-${row}`);
    await store.write({ ...job(`first-${row}`, 'succeeded', new Date(Date.now() - 5_000).toISOString()) }, current?.etag ?? '*');
    expect(await outcome(take(row, `second-${row}`, 60_000))).toBe(`first-${row} succeeded`); // finished 5 s ago: cooling down
    expect(await outcome(take(row, `second-${row}`, 4_000))).toBe('taken'); // past a 4 s cool-down
  });

  it('without a cool-down a finished holder frees it at once', async () => {
    const row = `r${counter++}`;
    await store.create(job(`first-${row}`, 'failed', new Date().toISOString()));
    await take(row, `first-${row}`);
    expect(await outcome(take(row, `second-${row}`))).toBe('taken');
  });
});
