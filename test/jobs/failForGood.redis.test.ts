import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../shared/platform/auth/Principal';
import { jobWorkerRuntime, type JobWorkerRuntime } from '../../shared/app/jobKinds';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { controlPlane } from '../../shared/platform/controlPlane';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { requestWarm } from '../../shared/warming/requestWarm';
import { keyPrefix } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { uploadBlob } from '../warming/fixtures';

const operator: Principal = { id: 'otto', kind: 'api-key', role: 'operator' };
const change = { principal: operator, correlationId: 'fail-for-good-test' };
const quiet = () => undefined;
let rt: JobWorkerRuntime;
let counter = 0;

// The warm kind records through the process-wide control plane, so the test wires that one (as the host does).
beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  process.env['STATE_TABLE_PREFIX'] = uniqueTableName('failgood');
  process.env['WARM_BLOB_CONTAINERS'] = 'warm-*';
  rt = await jobWorkerRuntime(await controlPlane());
  rt = { ...rt, settings: { ...rt.settings, chunkBudgetMs: 5000, maxFailedChunks: 5 } };
});

/** A warm job whose NDJSON source is mostly broken lines, so its error budget is spent in the first chunk. */
async function brokenWarm(): Promise<{ clusterId: string; jobId: string }> {
  const prefix = keyPrefix('failgood');
  const clusterId = `fg-${process.pid}-${counter++}`;
  const { host, port } = inject('redisStandalone');
  await rt.cp.clusters.put(clusterId, { mode: 'standalone', endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  const lines = Array.from({ length: 20 }, (_, i) => (i % 2 ? `nope ${i}` : JSON.stringify({ id: i, value: 'v' })));
  const { container, blob } = await uploadBlob(lines.join('\n') + '\n');
  const warmPlan = { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, maxFailed: 3 };
  await rt.cp.namespaces.put(clusterId, 'ns', { keyPattern: `${prefix}*`, ttlSeconds: null, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: warmPlan as never }, change);
  const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
  return { clusterId, jobId: job.id };
}

const eventsOf = async (clusterId: string) => (await rt.cp.store.read(clusterStreamId(clusterId))).map((e) => ({ type: e.type.replace('RedisClusterManager.', ''), data: e.data as Record<string, unknown> }));

describe('a job kind fails its job for good', () => {
  it('the runner marks the job failed in the same chunk, with the reason, after its events and Job.Finished', async () => {
    const { clusterId, jobId } = await brokenWarm();
    expect(await runJobChunk(jobId, { ...rt, log: quiet })).toEqual({ outcome: 'ran', status: 'failed', chunk: 1 });
    const job = (await rt.store.get(jobId))?.job;
    expect(job).toMatchObject({ status: 'failed', chunks: 1, failedChunks: 0, lease: { expiresAt: 0 }, error: { code: 'error_budget_exceeded' }, result: { failed: 10, read: 20 } });
    expect(job?.finishedAt).toBeDefined();
    // Nothing but the failure after the job was queued: no retry, no continuation, no success.
    const all = await eventsOf(clusterId);
    const events = all.slice(all.findIndex((e) => e.data['jobId'] === jobId)).filter((e) => !['Warm.Requested', 'Job.Queued'].includes(e.type));
    expect(events.map((e) => e.type)).toEqual(['Warm.Failed', 'Job.Finished']);
    expect(events[0]?.data).toMatchObject({ jobId, retryable: false, keysWritten: 10, keysFailed: 10, error: { code: 'error_budget_exceeded' } });
    expect(events[1]?.data).toMatchObject({ jobId, status: 'failed', chunks: 1, error: { code: 'error_budget_exceeded', message: job?.error?.message } });
  });

  it('a crash between the failure checkpoint and the final status is finished by the next holder, events recorded then', async () => {
    const { clusterId, jobId } = await brokenWarm();
    // The event store is down when the runner records Warm.Failed + Job.Finished: the chunk throws, the job stays running.
    const brokenStreams = { record: () => Promise.reject(new Error('event store down')) };
    await expect(runJobChunk(jobId, { ...rt, cp: { clusters: rt.cp.clusters, streams: brokenStreams as never }, log: quiet })).rejects.toThrow('event store down');
    const loaded = await rt.store.load(jobId);
    if (!loaded) throw new Error('job missing');
    expect(loaded.job.status).toBe('running');
    expect((await eventsOf(clusterId)).map((e) => e.type)).not.toContain('Warm.Failed');
    // Its lease runs out (as after a crash); the sweeper's next chunk finishes the job from the checkpointed failure.
    await rt.store.write({ ...loaded.job, lease: { ...loaded.job.lease, expiresAt: Date.now() - 1 } }, loaded.etag);
    expect(await runJobChunk(jobId, { ...rt, owner: 'sweeper', log: quiet })).toEqual({ outcome: 'ran', status: 'failed', chunk: 2 });
    expect((await rt.store.get(jobId))?.job).toMatchObject({ status: 'failed', failedChunks: 0, error: { code: 'error_budget_exceeded' } });
    const types = (await eventsOf(clusterId)).map((e) => e.type);
    expect(types.filter((t) => t === 'Warm.Failed')).toHaveLength(1);
    expect(types.filter((t) => t === 'Job.Finished')).toHaveLength(1);
  });
});
