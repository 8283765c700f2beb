import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import type { BackgroundProcess } from '../helpers/processes';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import { uploadBlob } from './fixtures';
import { call, eventsOf, startHostChild, waitForJob, type Json } from './host';

const ttlSeconds = 900;
const jitter = 10;

describe('warming through the local host', () => {
  let host: { proc: BackgroundProcess; url: string };
  beforeAll(async () => {
    host = await startHostChild({ AzureWebJobsStorage: azuriteConnectionString(), STATE_TABLE_PREFIX: uniqueTableName('warm'), WARM_HTTP_ALLOWED_HOSTS: '127.0.0.1', WARM_BLOB_CONTAINERS: 'warm-*' });
  });
  afterAll(async () => {
    host.proc.child.kill('SIGTERM');
    await host.proc.exited;
  });

  it('a plan fed from Blob Storage fills the namespace (values, TTL within jitter, NX) and reports counts; invalidation re-warms it through Event Grid', async () => {
    const prefix = keyPrefix('warm-e2e');
    const redis = connectStandalone();
    const { host: rh, port } = inject('redisStandalone');
    const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, value: `v${i}` }));
    lines[41] = '{"id": 41, "value": '; // line 42 is malformed
    const { container, blob } = await uploadBlob(lines.join('\n') + '\n');
    await redis.set(`${prefix}user:7`, 'fresher');

    expect((await call(host.url, 'PUT', '/api/clusters/wc', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' } })).status).toBe(201);
    const plan = { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}user:{id}` }, rewarmAfterInvalidation: true };
    const put = await call(host.url, 'PUT', '/api/clusters/wc/namespaces/users', { keyPattern: `${prefix}user:*`, ttlSeconds, ttlJitterPercent: jitter, warmPlan: plan }, 'operator');
    expect(put.status).toBe(201);
    expect(put.json.warmPlan).toMatchObject({ writeMode: 'nx', source: { kind: 'blob', format: 'ndjson' } });

    const started = await call(host.url, 'POST', '/api/clusters/wc/warm', { namespace: 'users' }, 'operator');
    expect(started.status).toBe(202);
    const job = await waitForJob(host.url, started.json.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toMatchObject({ read: 1000, written: 998, skipped: 1, failed: 1 });

    expect(await redis.get(`${prefix}user:7`)).toBe('fresher');
    expect(await redis.get(`${prefix}user:999`)).toBe('v999');
    expect(await redis.exists(`${prefix}user:41`)).toBe(0);
    expect(await scanAll(redis, `${prefix}user:*`)).toHaveLength(999);
    for (const id of [0, 500, 999]) {
      const ttl = await redis.pttl(`${prefix}user:${id}`);
      expect(ttl).toBeGreaterThan(ttlSeconds * 1000 - 10_000);
      expect(ttl).toBeLessThanOrEqual(ttlSeconds * 1000 * (1 + jitter / 100));
    }
    const [requested] = await eventsOf(host.url, 'wc', 'Warm.Requested');
    expect(requested.data).toMatchObject({ namespace: 'users', reason: 'manual', jobId: job.id });
    const completed = await eventsOf(host.url, 'wc', 'Warm.Completed');
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toMatchObject({ jobId: job.id, keysWritten: 998, keysSkipped: 1, keysFailed: 1, recordsRead: 1000, dryRun: false });
    expect(completed[0].data.errors).toEqual([expect.objectContaining({ line: 42, code: 'malformed_record' })]);
    expect((await eventsOf(host.url, 'wc', 'Warm.ChunkCompleted')).length).toBeGreaterThanOrEqual(1);

    // Invalidate the namespace: Keys.Invalidated → Event Grid → warmOnInvalidation → a new warm job.
    const inv = await call(host.url, 'POST', '/api/clusters/wc/namespaces/users/invalidate', {}, 'operator');
    expect(inv.status).toBe(202);
    expect((await waitForJob(host.url, inv.json.jobId)).status).toBe('succeeded');
    let rewarm: Json;
    for (let i = 0; i < 300 && !rewarm; i++) {
      rewarm = (await eventsOf(host.url, 'wc', 'Warm.Requested')).find((e: Json) => e.data.reason === 'invalidation');
      if (!rewarm) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rewarm.data.causationId).toBeTruthy();
    expect((await waitForJob(host.url, rewarm.data.jobId)).status).toBe('succeeded');
    expect(await scanAll(redis, `${prefix}user:*`)).toHaveLength(999);
    expect(await redis.get(`${prefix}user:7`)).toBe('v7'); // the invalidation removed the fresher value; the warm restored the source's
  });

  it('refuses plans pointing at the metadata endpoint or a loopback Redis, with a clear error', async () => {
    const { host: rh, port } = inject('redisStandalone');
    await call(host.url, 'PUT', '/api/clusters/ssrf', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' } });
    const planFor = (url: string, extra: object = {}) => ({ keyPattern: 'x:*', warmPlan: { source: { kind: 'http', url, ...extra }, mapping: { key: 'x:{id}' } } });

    const metadata = await call(host.url, 'PUT', '/api/clusters/ssrf/namespaces/meta', planFor('http://169.254.169.254/latest/meta-data/'), 'operator');
    expect(metadata.status).toBe(400);
    expect(metadata.json.code).toBe('warm_source_refused');
    expect(metadata.json.detail).toContain('169.254.169.254 is link-local (includes the cloud metadata endpoint 169.254.169.254)');
    expect(metadata.json.errors[0].field).toBe('body.warmPlan.source.url');

    const loopback = await call(host.url, 'PUT', '/api/clusters/ssrf/namespaces/loop', planFor('http://127.0.0.1:6379/'), 'operator');
    expect(loopback.status).toBe(400);
    expect(loopback.json.detail).toContain('address 127.0.0.1 is loopback; refused (allowPrivateNetworks is off)');

    const privateAsOperator = await call(host.url, 'PUT', '/api/clusters/ssrf/namespaces/loop', planFor('http://127.0.0.1:6379/', { allowPrivateNetworks: true }), 'operator');
    expect(privateAsOperator.status).toBe(403);
    expect((await call(host.url, 'GET', '/api/clusters/ssrf/namespaces/loop')).status).toBe(404); // nothing was stored
  });

  it('an admin-approved private HTTP source is run by an operator (JSON array over HTTP)', async () => {
    const prefix = keyPrefix('warm-http');
    const body = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ sku: `s${i}`, price: { amount: i } })));
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices.json`;
      const { host: rh, port } = inject('redisStandalone');
      await call(host.url, 'PUT', '/api/clusters/hp', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' } });
      const policy = { keyPattern: `${prefix}price:*`, warmPlan: { source: { kind: 'http', url, format: 'json-array', allowPrivateNetworks: true }, mapping: { key: `${prefix}price:{sku}`, value: 'price' } } };
      expect((await call(host.url, 'PUT', '/api/clusters/hp/namespaces/prices', policy, 'admin')).status).toBe(201);
      const started = await call(host.url, 'POST', '/api/clusters/hp/warm', { namespace: 'prices' }, 'operator');
      expect(started.status).toBe(202);
      const job = await waitForJob(host.url, started.json.jobId);
      expect(job.status).toBe('succeeded');
      expect(job.progress).toMatchObject({ read: 50, written: 50, failed: 0 });
      expect(await connectStandalone().get(`${prefix}price:s49`)).toBe('{"amount":49}');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a hot-set snapshot taken through the API restores the namespace after its keys are gone', async () => {
    const prefix = keyPrefix('warm-snap');
    const redis = connectStandalone();
    const { host: rh, port } = inject('redisStandalone');
    for (let i = 0; i < 200; i++) await redis.set(`${prefix}s:${i}`, `v${i}`, 'EX', 1800);
    await new Promise((r) => setTimeout(r, 2100)); // idle times tick in seconds: make the touched keys the least idle
    const hot = Array.from({ length: 10 }, (_, i) => `${prefix}s:${i * 13}`);
    for (const key of hot) await redis.get(key);
    await call(host.url, 'PUT', '/api/clusters/sn', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' } });
    await call(host.url, 'PUT', '/api/clusters/sn/namespaces/hot', { keyPattern: `${prefix}s:*`, warmPlan: { source: { kind: 'snapshot' } } });
    const snap = await call(host.url, 'POST', '/api/clusters/sn/namespaces/hot/warm-snapshot', { topN: 10 }, 'operator');
    expect(snap.status).toBe(201);
    expect(snap.json).toMatchObject({ keys: 10, scanned: 200, rankedBy: 'idle', container: 'warm-snapshots' });

    await redis.del(...(await scanAll(redis, `${prefix}s:*`)));
    const started = await call(host.url, 'POST', '/api/clusters/sn/warm', { namespace: 'hot' }, 'operator');
    const job = await waitForJob(host.url, started.json.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.progress).toMatchObject({ read: 10, written: 10, failed: 0 });
    expect((await scanAll(redis, `${prefix}s:*`)).sort()).toEqual([...hot].sort());
    expect(await redis.ttl(hot[0] as string)).toBeGreaterThan(1700);
  });

  it('Microsoft.Cache.PatchingCompleted (Event Grid schema) warms the plans of the matching registration', async () => {
    const prefix = keyPrefix('warm-azure');
    const redis = connectStandalone();
    const { host: rh, port } = inject('redisStandalone');
    const resourceId = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Cache/redis/cache-one';
    const { container, blob } = await uploadBlob([1, 2, 3].map((id) => JSON.stringify({ id, value: `a${id}` })).join('\n'));
    await call(host.url, 'PUT', '/api/clusters/az', { mode: 'standalone', endpoints: [{ host: rh, port }], secretRef: { kind: 'none' }, azureResourceId: resourceId });
    await call(host.url, 'PUT', '/api/clusters/az/namespaces/items', { keyPattern: `${prefix}item:*`, warmPlan: { source: { kind: 'blob', container, blob }, mapping: { key: `${prefix}item:{id}` } } });
    const event = {
      id: 'patch-evt-1',
      eventType: 'Microsoft.Cache.PatchingCompleted',
      subject: 'PatchingCompleted',
      topic: resourceId,
      eventTime: new Date().toISOString(),
      dataVersion: '1.0',
      data: { name: 'PatchingCompleted', status: 'Succeeded', timestamp: new Date().toISOString() },
    };
    expect((await call(host.url, 'POST', '/admin/functions/warmOnAzureMaintenance', { input: JSON.stringify(event) })).status).toBe(202);
    let requested: Json;
    for (let i = 0; i < 100 && !requested; i++) {
      requested = (await eventsOf(host.url, 'az', 'Warm.Requested'))[0];
      if (!requested) await new Promise((r) => setTimeout(r, 100));
    }
    expect(requested.data).toMatchObject({ reason: 'azure-maintenance', causationId: 'patch-evt-1', namespace: 'items' });
    expect((await waitForJob(host.url, requested.data.jobId)).status).toBe('succeeded');
    expect(await redis.get(`${prefix}item:3`)).toBe('a3');
  });
});
