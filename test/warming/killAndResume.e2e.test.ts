import { describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { uploadBlob } from './fixtures';
import { call, eventsOf, startHostChild, waitForJob, type Json } from './host';

// Done-when: SIGKILL the host in the middle of a large warm, start a new one, and the job completes with the exact
// key count. 200k keys in the suite; WARM_KILL_KEYS=1000000 runs it at full size.
const keys = Number(process.env.WARM_KILL_KEYS ?? 200_000);

describe('killing the host mid-warm', () => {
  it('a new host resumes from the checkpoint and the namespace ends with exactly the source key count', async () => {
    const prefix = keyPrefix('warm-kill');
    const redis = connectStandalone();
    const { host: rh, port } = inject('redisStandalone');
    let text = '';
    for (let i = 0; i < keys; i++) text += `{"id":${i},"value":"value-${i}-${'x'.repeat(40)}"}\n`;
    const { container, blob } = await uploadBlob(Buffer.from(text));
    const settings = { AzureWebJobsStorage: azuriteConnectionString(), STATE_TABLE_PREFIX: uniqueTableName('warmkill'), WARM_BLOB_CONTAINERS: 'warm-*', JOB_CHUNK_BUDGET_MS: '1500', JOB_LEASE_GRACE_MS: '1000' };

    const first = await startHostChild(settings);
    await call(first.url, 'PUT', '/api/clusters/wk', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' } });
    // Rate-limited so the warm is surely mid-way when killed (200k keys at 40k/s take ≥ 5 s).
    const plan = { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}k:{id}` }, keysPerSecond: 40_000 };
    expect((await call(first.url, 'PUT', '/api/clusters/wk/namespaces/big', { keyPattern: `${prefix}k:*`, ttlSeconds: 3600, warmPlan: plan })).status).toBe(201);
    const started = await call(first.url, 'POST', '/api/clusters/wk/warm', { namespace: 'big' });
    expect(started.status).toBe(202);
    const jobId = started.json.jobId as string;

    // Killed mid-piece: keys past the last checkpoint are already in Redis (the writer goes in source order), so the
    // next holder finds them present and cannot tell who wrote them.
    let before: Json;
    for (let i = 0; i < 600; i++) {
      before = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
      const written = before.progress?.written ?? 0;
      if (written >= 40_000 && (await redis.exists(`${prefix}k:${written + 2000}`)) === 1) {
        const again = (await call(first.url, 'GET', `/api/jobs/${jobId}`)).json;
        if ((again.progress?.written ?? 0) === written) break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(before.status).toBe('running');
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(isPidAlive(first.proc.pid)).toBe(false);
    const atKill = (await scanAll(redis, `${prefix}k:*`)).length;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(keys);

    const second = await startHostChild(settings);
    try {
      const job = await waitForJob(second.url, jobId, 90_000);
      expect(job.status).toBe('succeeded');
      if (process.env.RCM_TEST_VERBOSE) console.log(`killed at ${before.progress.written} written (${atKill} keys in Redis); finished: ${JSON.stringify(job.progress)} in ${job.chunks} chunks`);
      expect(job.lease.token).toBeGreaterThan(before.lease.token);
      expect(await scanAll(redis, `${prefix}k:*`)).toHaveLength(keys);
      expect(await redis.get(`${prefix}k:${keys - 1}`)).toBe(`value-${keys - 1}-${'x'.repeat(40)}`);
      // Every record counted once, and none presented wrongly: the keys the killed host wrote after its last checkpoint
      // come back as present (NX) and are reported as `uncounted` (it may have written them, or they were there),
      // never as skipped. No key existed before, so written ≤ true count (all keys) ≤ written + uncounted, skipped 0.
      expect(job.progress.read).toBe(keys);
      expect(job.progress.skipped ?? 0).toBe(0);
      expect(job.progress.written + (job.progress.uncounted ?? 0)).toBe(keys);
      expect(job.progress.written).toBeGreaterThanOrEqual(before.progress.written);
      expect(job.progress.uncounted ?? 0).toBeLessThanOrEqual(2 * 20_000 + 10_000);
      expect(job.progress.failed).toBe(0);
      const [completed] = await eventsOf(second.url, 'wk', 'Warm.Completed');
      expect(completed.data).toMatchObject({ jobId, recordsRead: keys, keysFailed: 0 });
      expect(completed.data.keysWritten + (completed.data.keysUncounted ?? 0)).toBe(keys);
      expect(completed.data.keysSkipped).toBe(0);
    } finally {
      second.proc.child.kill('SIGTERM');
      await second.proc.exited;
    }
  }, 120_000);
});
