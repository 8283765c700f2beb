import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/local/index';
import type { Principal } from '../../shared/platform/auth/Principal';
import { jobWorkerRuntime, type JobWorkerRuntime } from '../../shared/app/jobKinds';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { JobService } from '../../shared/platform/jobs/JobService';
import { controlPlane } from '../../shared/platform/controlPlane';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import type { StoredEvent } from '../../shared/platform/store/StoredEvent';
import { toCloudEvent } from '../../shared/platform/events/toCloudEvent';
import { warmPlanSchema } from '../../shared/platform/registry/warmPlan';
import { parseTimerSchedule } from '../../tools/host/timer/timerSchedule';
import { requestWarm, warmJobId } from '../../shared/warming/requestWarm';
import { takeWarmTriggerSlot } from '../../shared/warming/warmTriggerSlot';
import { runScheduledWarms, warmAfterAzureMaintenance, warmAfterInvalidation } from '../../shared/warming/warmTriggers';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { uploadBlob } from './fixtures';

const operator: Principal = { id: 'otto', kind: 'api-key', role: 'operator' };
const change = { principal: operator, correlationId: 'warm-job-test' };
const quiet = { log: () => undefined, warn: () => undefined };
let rt: JobWorkerRuntime;
let counter = 0;

// The job kind records its events through the process-wide control plane, so the test wires that one (as the host does).
beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  process.env['STATE_TABLE_PREFIX'] = uniqueTableName('warmjob');
  process.env['WARM_BLOB_CONTAINERS'] = 'warm-*';
  rt = await jobWorkerRuntime(await controlPlane());
  // maxFailedChunks well above 1: a permanent failure must fail the job in its first chunk, not after retries.
  rt = { ...rt, settings: { ...rt.settings, chunkBudgetMs: 5000, maxFailedChunks: 5 } };
});

async function clusterWithPlan(prefix: string, warmPlan: Record<string, unknown>): Promise<string> {
  const clusterId = `wj-${process.pid}-${counter++}`;
  const { host, port } = inject('redisStandalone');
  await rt.cp.clusters.put(clusterId, { mode: 'standalone', endpoints: [{ host, port }], tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
  await rt.cp.namespaces.put(clusterId, 'ns', { keyPattern: `${prefix}*`, ttlSeconds: 60, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: warmPlan as never }, change);
  return clusterId;
}

async function runToEnd(jobId: string) {
  for (let i = 0; i < 50; i++) {
    const r = await runJobChunk(jobId, { ...rt, log: () => undefined });
    if (r.outcome !== 'ran' || r.status !== 'running') return (await rt.store.get(jobId))?.job;
  }
  throw new Error('not finished');
}

const eventTypes = async (clusterId: string) => (await rt.cp.store.read(clusterStreamId(clusterId))).map((e) => e.type.replace('RedisClusterManager.', ''));

describe('warm job on the job machinery', () => {
  it('fails with error_budget_exceeded in the chunk that spent the budget, Warm.Failed once naming the lines', async () => {
    const prefix = keyPrefix('budget');
    const lines = Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? `broken ${i}` : JSON.stringify({ id: i, value: 'v' })));
    const { container, blob } = await uploadBlob(lines.join('\n'));
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, maxFailed: 5 });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
    expect(await runJobChunk(job.id, { ...rt, log: () => undefined })).toEqual({ outcome: 'ran', status: 'failed', chunk: 1 });
    const final = (await rt.store.get(job.id))?.job;
    expect(final).toMatchObject({ status: 'failed', chunks: 1, failedChunks: 0, error: { code: 'error_budget_exceeded', message: expect.stringMatching(/^9 of 39 records failed \(budget: 5/) } });
    expect(await runJobChunk(job.id, { ...rt, log: () => undefined })).toEqual({ outcome: 'finished' });
    const events = await rt.cp.store.read(clusterStreamId(clusterId));
    const failed = events.filter((e) => e.type === 'RedisClusterManager.Warm.Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ jobId: job.id, retryable: false, error: { code: 'error_budget_exceeded', message: expect.stringContaining('line 4: not valid JSON') } });
    const types = await eventTypes(clusterId);
    expect(types).not.toContain('Warm.Completed');
    expect(types.indexOf('Warm.Failed')).toBeLessThan(types.indexOf('Job.Finished'));
  });

  it('a blob warm counts records read against an estimate from the blob size: total and a sane ETA while running, 100 % at the end', async () => {
    const prefix = keyPrefix('eta');
    const records = 3000;
    // Records of varying length, so the estimate from bytes is close but not exact.
    const text = Array.from({ length: records }, (_, i) => JSON.stringify({ id: i, value: 'v'.repeat(i % 50) })).join('\n') + '\n';
    const { container, blob } = await uploadBlob(text);
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, keysPerSecond: 1500 });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
    const jobs = new JobService(rt);
    expect((await jobs.get(job.id)).measure).toMatchObject({ counter: 'read', total: null, exact: false });
    // 1500 records/s and 1 s chunks: the first chunk reads part of the blob.
    const short = { ...rt, settings: { ...rt.settings, chunkBudgetMs: 1000 }, log: () => undefined };
    expect(await runJobChunk(job.id, short)).toMatchObject({ outcome: 'ran', status: 'running' });
    const running = await jobs.get(job.id);
    const bytes = Buffer.byteLength(text);
    expect(running.progress).toMatchObject({ sourceBytes: bytes, sourceBytesRead: expect.any(Number) });
    const read = running.progress['read'] ?? 0;
    const bytesRead = running.progress['sourceBytesRead'] ?? 0;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(records);
    expect(running.progress['total']).toBe(Math.round((read * bytes) / bytesRead));
    // An estimate within 25 % of the real count (the early records are the shorter ones: it starts high).
    expect(Math.abs((running.progress['total'] ?? 0) - records) / records).toBeLessThan(0.25);
    expect(running.measure).toMatchObject({ counter: 'read', exact: false, basis: expect.stringContaining('estimated') });
    expect(running.percent).toBeGreaterThan(0);
    expect(running.percent).toBeLessThan(100);
    // About (total - read) / 1500 s left at the throttled rate: positive, and well under a minute.
    expect(running.etaSeconds).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeLessThan(60);
    // The exact counts stay as they were: written + skipped + failed = read.
    expect(running.progress['written']).toBe(read);
    const final = await runToEnd(job.id);
    expect(final?.status).toBe('succeeded');
    const view = await jobs.get(job.id);
    expect(view).toMatchObject({ percent: 100, etaSeconds: 0, progress: { read: records, written: records, total: records, recordsEstimated: records, sourceBytes: bytes, sourceBytesRead: bytes } });
  });

  it('dry run reads and checks the whole source and writes nothing', async () => {
    const prefix = keyPrefix('dry');
    const { container, blob } = await uploadBlob([1, 2, 3].map((id) => JSON.stringify({ id, value: 'v' })).join('\n') + '\n{bad\n');
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` } });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual', dryRun: true }, change);
    const final = await runToEnd(job.id);
    expect(final?.status).toBe('succeeded');
    expect(final?.progress).toMatchObject({ read: 4, written: 3, failed: 1 });
    expect(await scanAll(connectStandalone(), `${prefix}*`)).toEqual([]);
    const completed = (await rt.cp.store.read(clusterStreamId(clusterId))).find((e) => e.type === 'RedisClusterManager.Warm.Completed');
    expect(completed?.data).toMatchObject({ dryRun: true, keysWritten: 3, keysFailed: 1, errors: [expect.objectContaining({ line: 4 })] });
  });

  it('a missing source blob fails the job in its first chunk; a namespace without a plan is a 409', async () => {
    const prefix = keyPrefix('missing');
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container: 'warm-no-such-container', blob: 'x.ndjson' }, mapping: { key: `${prefix}{id}` } });
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'manual' }, change);
    expect(await runJobChunk(job.id, { ...rt, log: () => undefined })).toEqual({ outcome: 'ran', status: 'failed', chunk: 1 });
    const final = (await rt.store.get(job.id))?.job;
    expect(final).toMatchObject({ status: 'failed', chunks: 1, failedChunks: 0 });
    expect(final?.error).toMatchObject({ code: 'source_unreachable', message: 'blob warm-no-such-container/x.ndjson does not exist' });
    const failed = (await rt.cp.store.read(clusterStreamId(clusterId))).filter((e) => e.type === 'RedisClusterManager.Warm.Failed');
    expect(failed.map((e) => e.data)).toEqual([expect.objectContaining({ jobId: job.id, error: { code: 'source_unreachable', message: 'blob warm-no-such-container/x.ndjson does not exist' } })]);
    await rt.cp.namespaces.put(clusterId, 'bare', { keyPattern: 'b:*', ttlSeconds: null, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: null }, change);
    await expect(requestWarm(rt, { clusterId, namespace: 'bare', reason: 'manual' }, change)).rejects.toMatchObject({ code: 'warm_plan_missing' });
  });

  it('the schedule timer starts a plan once per minute it fires in', async () => {
    const prefix = keyPrefix('sched');
    const { container, blob } = await uploadBlob(JSON.stringify({ id: 1, value: 'v' }));
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, schedule: '0 */15 * * * *' });
    const at = new Date('2030-01-01T10:30:00Z');
    const first = await runScheduledWarms(rt, at, quiet);
    const again = await runScheduledWarms(rt, new Date('2030-01-01T10:30:40Z'), quiet);
    const offSchedule = await runScheduledWarms(rt, new Date('2030-01-01T10:31:00Z'), quiet);
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    expect(offSchedule).toEqual([]);
    const requested = (await rt.cp.store.read(clusterStreamId(clusterId))).filter((e) => e.type === 'RedisClusterManager.Warm.Requested');
    expect(requested).toHaveLength(1);
    expect(requested[0]?.data).toMatchObject({ reason: 'schedule' });
    expect(requested[0]?.data).toMatchObject({ jobId: first[0] });
  });
});

describe('event subscribers', () => {
  it('Keys.Invalidated starts one warm per invalidation job, however often it is delivered; only as recorded', async () => {
    const prefix = keyPrefix('inv');
    const { container, blob } = await uploadBlob(JSON.stringify({ id: 1, value: 'v' }));
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` }, rewarmAfterInvalidation: true });
    const data = (jobId: string, namespace?: string) => ({ clusterId, ...(namespace ? { namespace } : {}), pattern: `${prefix}*`, jobId, deletedCount: 3, scannedCount: 3, completedAt: new Date().toISOString() });
    /** As the invalidation job records and Event Grid delivers it. */
    const recorded = async (eventData: ReturnType<typeof data>) => {
      const [stored] = await rt.cp.streams.record(clusterId, change, [{ type: 'RedisClusterManager.Keys.Invalidated', data: eventData }]);
      const { extensionAttributes, time, ...ce } = toCloudEvent(stored as StoredEvent);
      return { specversion: '1.0', ...ce, time: (time as Date).toISOString(), ...extensionAttributes } as Record<string, unknown> & { data: ReturnType<typeof data> };
    };
    const forged = (eventData: ReturnType<typeof data>) => ({ specversion: '1.0', id: `forged-${counter++}`, source: '/redis-cluster-manager', type: 'RedisClusterManager.Keys.Invalidated', subject: `clusters/${clusterId}/namespaces/ns`, time: new Date().toISOString(), data: eventData });
    const warms = async () => (await eventTypes(clusterId)).filter((t) => t === 'Warm.Requested').length;

    // Forged (no recorded copy, with or without a stream version pointing at another event): nothing starts.
    expect(await warmAfterInvalidation(rt, forged(data('invalidate-forged-1', 'ns')), quiet)).toBeNull();
    expect(await warmAfterInvalidation(rt, { ...forged(data('invalidate-forged-2', 'ns')), streamversion: 1 }, quiet)).toBeNull();
    expect(await warms()).toBe(0);

    const real = await recorded(data('invalidate-1', 'ns'));
    // Altered: the real event's id and version with another job in the payload; the recorded copy is acted on.
    const first = await warmAfterInvalidation(rt, { ...real, data: { ...real.data, jobId: 'invalidate-altered' } }, quiet);
    await warmAfterInvalidation(rt, real, quiet); // redelivery: deduped
    const other = await warmAfterInvalidation(rt, await recorded(data('invalidate-1', 'ns')), quiet); // another recorded event for the same invalidation
    expect(first).toMatch(/^warm-/);
    expect(other).toBe(first);
    const requested = (await rt.cp.store.read(clusterStreamId(clusterId))).filter((e) => e.type === 'RedisClusterManager.Warm.Requested');
    expect(requested.map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'invalidation', causationId: real.id, jobId: first })]);
    expect(await warmAfterInvalidation(rt, await recorded(data('invalidate-2')), quiet)).toBeNull(); // no namespace: nothing to re-warm
  });

  it('Azure maintenance events warm only the registration whose ARM id is the topic, exactly (any case), on success, once', async () => {
    const prefix = keyPrefix('az');
    const { container, blob } = await uploadBlob(JSON.stringify({ id: 1, value: 'v' }));
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` } });
    const rg = (group: string, subscription = '00000000-0000-0000-0000-000000000002') => `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Cache/Redis`;
    const resourceId = `${rg('rg')}/${clusterId}`;
    const registration = await rt.cp.clusters.get(clusterId);
    await rt.cp.clusters.put(clusterId, { mode: registration.mode, endpoints: registration.endpoints, tls: registration.tls, secretRef: registration.secretRef, azureResourceId: resourceId }, change);
    // As the cache's system topic delivers it (Event Grid schema): the topic is the ARM id, subject and data.name the event's name.
    const azureEvent = (topic: string, status = 'Succeeded', id = randomUUID()) => ({ id, eventType: 'Microsoft.Cache.ScalingCompleted', subject: 'ScalingCompleted', topic, eventTime: new Date().toISOString(), dataVersion: '1.0', data: { name: 'ScalingCompleted', timestamp: new Date().toISOString(), status } });
    const nothing = [
      azureEvent(`${rg('rg-other')}/${clusterId}`), // the same cache name in another resource group
      azureEvent(`${rg('rg', '00000000-0000-0000-0000-000000000003')}/${clusterId}`), // ... or another subscription
      azureEvent(`${resourceId}-eu`), // a registration for …/prod is not …/prod-eu
      azureEvent(`${resourceId}/databases/default`),
      { ...azureEvent(`${rg('rg')}/some-other-cache`), subject: resourceId, data: { name: clusterId, status: 'Succeeded' } }, // the payload naming the cache elsewhere
      azureEvent(resourceId, 'Failed'),
      { eventType: 'Microsoft.Cache.ExportRDBCompleted', id: 'x', topic: resourceId },
      { ...azureEvent(resourceId), topic: undefined },
    ];
    for (const event of nothing) expect([event.topic, await warmAfterAzureMaintenance(rt, event, quiet)]).toEqual([event.topic, []]);
    const exact = azureEvent(resourceId.toUpperCase());
    const started = await warmAfterAzureMaintenance(rt, exact, quiet);
    expect(started).toHaveLength(1);
    expect(await warmAfterAzureMaintenance(rt, exact, quiet)).toEqual([]); // redelivery: deduped by event id
    const requested = (await rt.cp.store.read(clusterStreamId(clusterId))).filter((e) => e.type === 'RedisClusterManager.Warm.Requested');
    expect(requested.map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'azure-maintenance', causationId: exact.id, jobId: started[0] })]);
  });

  it('an Azure maintenance event for a cache that does not answer starts nothing and fails, so Event Grid redelivers', async () => {
    const clusterId = `wj-${process.pid}-${counter++}`;
    const resourceId = `/subscriptions/00000000-0000-0000-0000-000000000004/resourceGroups/rg/providers/Microsoft.Cache/redis/${clusterId}`;
    const { host } = inject('redisStandalone');
    await rt.cp.clusters.put(clusterId, { mode: 'standalone', endpoints: [{ host, port: await freePort() }], tls: { enabled: false }, secretRef: { kind: 'none' }, azureResourceId: resourceId }, change);
    await rt.cp.namespaces.put(clusterId, 'ns', { keyPattern: 'down:*', ttlSeconds: 60, ttlJitterPercent: 0, priority: 50, protected: false, warmPlan: { source: { kind: 'blob', container: 'warm-x', blob: 'a.ndjson' }, mapping: { key: 'down:{id}' } } as never }, change);
    const event = { id: randomUUID(), eventType: 'Microsoft.Cache.PatchingCompleted', subject: 'PatchingCompleted', topic: resourceId, data: { name: 'PatchingCompleted', status: 'Succeeded' } };
    await expect(warmAfterAzureMaintenance(rt, event, quiet)).rejects.toThrow();
    await expect(warmAfterAzureMaintenance(rt, event, quiet)).rejects.toThrow(); // not remembered as applied
    // The failed delivery gave the per-namespace cap back: a new event is not coalesced into a warm that never started.
    await expect(warmAfterAzureMaintenance(rt, { ...event, id: randomUUID() }, quiet)).rejects.toThrow();
    expect((await eventTypes(clusterId)).filter((t) => t === 'Warm.Requested' || t === 'Warm.TriggerCoalesced')).toEqual([]);
  });

  it('an event-triggered warm job that exists keeps the cap, whatever failed in its delivery after it was created', async () => {
    const prefix = keyPrefix('capkept');
    const { container, blob } = await uploadBlob(JSON.stringify({ id: 1, value: 'v' }));
    const clusterId = await clusterWithPlan(prefix, { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}{id}` } });
    const first = warmJobId(clusterId, 'ns', 'azure:e1');
    const slot = await takeWarmTriggerSlot(rt, clusterId, 'ns', first, 0);
    expect(slot.taken).toBe(true);
    const { job } = await requestWarm(rt, { clusterId, namespace: 'ns', reason: 'azure-maintenance', idempotencyKey: 'azure:e1' }, change);
    expect(job.id).toBe(first);
    // The delivery fails after the job was stored (e.g. recording Warm.Requested): its job is queued and will run.
    if (slot.taken) await slot.release();
    expect(await takeWarmTriggerSlot(rt, clusterId, 'ns', warmJobId(clusterId, 'ns', 'azure:e2'), 0)).toMatchObject({ taken: false, jobId: first, reason: 'in-flight' });
  });
});

describe('NCRONTAB schedules', () => {
  const plan = (schedule: string) => warmPlanSchema.safeParse({ source: { kind: 'blob', container: 'warm', blob: 'a.ndjson' }, mapping: { key: 'warm:{id}' }, schedule });
  const hostAccepts = (schedule: string) => {
    try {
      parseTimerSchedule(schedule);
      return true;
    } catch {
      return false;
    }
  };

  it('a warm plan accepts exactly the schedules the host timers accept (one parser)', () => {
    const accepted = ['0 0 3 * * *', '0 0 9 * * MON', '0 30 9 * Jan Mon', '0 0 12 * * MON-FRI', '5-1 * * * * *', '0 0 0 * * sunday'];
    const refused = ['0 0 0 * * 7', '0 3 * * *', '0 61 * * * *', '0 0 0 * FOO *'];
    for (const schedule of [...accepted, ...refused]) {
      expect([schedule, plan(schedule).success, hostAccepts(schedule)]).toEqual([schedule, accepted.includes(schedule), accepted.includes(schedule)]);
    }
    expect(plan('0 0 0 * * 7').error?.issues[0]?.message).toMatch(/7 is outside 0-6/);
  });
});
