import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterRoutes } from '../../../shared/admin/clusters/clusterRoutes';
import { namespaceRoutes } from '../../../shared/admin/namespaces/namespaceRoutes';
import { jobWorkerRuntime } from '../../../shared/app/jobKinds';
import { hotkeysReportRoutes, hotkeysRoutes } from '../../../shared/monitoring/hotkeys/hotkeysRoutes';
import type { ControlPlane } from '../../../shared/platform/controlPlane';
import { keySlot } from '../../../shared/platform/keyspace/keySlot';
import { clusterJobRoutes, jobCancelRoutes, jobRoutes } from '../../../shared/platform/jobs/jobRoutes';
import { runJobChunk } from '../../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../../shared/platform/redis/redisConnections';
import { callRoutes, testControlPlane, type Call } from '../../controlplane/api';
import { useOwnRedis } from '../../helpers/redis';
import { azuriteConnectionString } from '../../helpers/storage';
import { monitorClients, startSkewedLoad, type Planted } from './skewedLoad';

// Own servers: the radar watches every command of a node, so no other test file's traffic may be on it.
const plain = useOwnRedis();
const lfu = useOwnRedis({ args: ['--maxmemory-policy', 'allkeys-lfu'] });
let cp: ControlPlane;

const planted: Planted[] = [
  { key: 'hot:reads', share: 0.3, op: 'get' },
  { key: 'hot:writes', share: 0.12, op: 'incr' },
];

beforeAll(async () => {
  process.env['AzureWebJobsStorage'] = azuriteConnectionString();
  cp = await testControlPlane();
  await put('/clusters/hk', { mode: 'standalone', endpoints: [{ host: plain.server.host, port: plain.server.port }], secretRef: { kind: 'none' } });
  await put('/clusters/hk/namespaces/hot', { keyPattern: 'hot:*' });
  await put('/clusters/hk-lfu', { mode: 'standalone', endpoints: [{ host: lfu.server.host, port: lfu.server.port }], secretRef: { kind: 'none' } });
  await put('/clusters/hk-amr', { mode: 'azure-managed-redis', endpoints: [{ host: plain.server.host, port: plain.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' } });
});
afterAll(() => redisConnections.closeAll());

async function put(path: string, body: unknown): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = { id: parts[1] ?? '' };
  if (parts[3]) params['ns'] = parts[3];
  const res = await callRoutes(cp, parts[3] ? namespaceRoutes : clusterRoutes, { method: 'PUT', path, params, body, as: 'admin' });
  if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${JSON.stringify(res.json)}`);
}

const start = (id: string, body?: unknown, as: Call['as'] = 'operator') =>
  callRoutes(cp, hotkeysRoutes, { method: 'POST', path: `/clusters/${id}/hotkeys`, params: { id }, ...(body === undefined ? {} : { body }), as });
const report = (id: string, jobId: string, as: Call['as'] = 'reader') =>
  callRoutes(cp, hotkeysReportRoutes, { method: 'GET', path: `/clusters/${id}/hotkeys/${jobId}`, params: { id, jobId }, as });

async function runToEnd(jobId: string): Promise<string> {
  const rt = await jobWorkerRuntime(cp);
  for (let i = 0; i < 100; i++) {
    const ran = await runJobChunk(jobId, { ...rt, log: () => undefined });
    if (ran.outcome !== 'ran' || ran.status !== 'running') return ran.outcome === 'ran' ? ran.status : ran.outcome;
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe('hot-key radar (MONITOR windows) on a real redis-server with a skewed load', () => {
  it('finds the planted hot keys with shares and ops/s in bounds, their node, slot, namespace and read/write mix', async () => {
    const load = startSkewedLoad(plain.server.port, planted);
    const started = await start('hk', { durationSeconds: 6, windowMs: 500, dutyCycle: 0.25, maxLatencyMs: null, capacity: 200 });
    expect(started.status).toBe(202);
    expect(started.headers['location']).toBe(`/api/jobs/${started.json.jobId}`);
    const status = await runToEnd(started.json.jobId);
    const { total } = await load.stop();
    expect(status).toBe('succeeded');
    expect(total).toBeGreaterThan(1000);

    const res = await report('hk', started.json.jobId);
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r.nodes).toHaveLength(1);
    const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${started.json.jobId}`, params: { id: started.json.jobId }, as: 'reader' });
    expect(job.json.progress.total).toBe(3); // 6 s at one 500 ms window every 2 s
    expect(job.json.progress.windows).toBe(r.nodes[0].windows);
    const node = r.nodes[0];
    expect(node.method).toBe('monitor');
    expect(node.windows).toBeGreaterThanOrEqual(2);
    expect(node.commands).toBeGreaterThan(500);
    expect(node.maxWindowBytes).toBeLessThanOrEqual(node.maxBytesPerWindow);
    expect(r.keys[0].key).toBe('hot:reads');
    expect(r.keys[1].key).toBe('hot:writes');
    for (const [i, p] of planted.entries()) {
      const k = r.keys[i];
      expect(k).toMatchObject({ keyEncoding: 'utf8', node: node.node, slot: keySlot(Buffer.from(p.key)), namespace: 'hot' });
      // The planted share is what the generator draws; MONITOR samples windows of it. Generous: load decides the sample size.
      expect(Math.abs(k.share - p.share)).toBeLessThan(0.06);
      expect(k.shareLow).toBeLessThanOrEqual(k.share);
      expect(k.shareHigh).toBeGreaterThanOrEqual(k.share);
      expect(k.opsPerSec).toBeGreaterThan(0);
      expect(k.opsPerSecLow).toBeLessThanOrEqual(k.opsPerSec);
      expect(k.error).toBe(0); // a key that hot is counted from its first hit
    }
    expect(r.keys[0].writes).toBe(0);
    expect(r.keys[0].reads).toBe(r.keys[0].sampled);
    expect(r.keys[1].reads).toBe(0);
    expect(r.keys[1].writes).toBe(r.keys[1].sampled);
    const hot = r.findings.filter((f: { code: string }) => f.code === 'hot_key').map((f: { key: string }) => f.key);
    expect(hot).toEqual(['hot:reads', 'hot:writes']);
    expect(r.findings[0].advice.join(' ')).toMatch(/client-side caching|Cache it in the clients/);
    expect(r.findings[1].advice.join(' ')).toMatch(/Split the key/);
    expect(await monitorClients(plain.server.port)).toEqual([]); // every window's MONITOR connection is gone
  });

  it('stays within its byte cap: reading stops at exactly the cap, every window', async () => {
    const load = startSkewedLoad(plain.server.port, planted);
    const started = await start('hk', { durationSeconds: 5, windowMs: 3000, dutyCycle: 0.5, maxBytesPerWindow: 65_536, maxLatencyMs: null });
    expect(started.status).toBe(202);
    expect(await runToEnd(started.json.jobId)).toBe('succeeded');
    await load.stop();
    const node = (await report('hk', started.json.jobId)).json.nodes[0];
    expect(node.stops.bytes).toBeGreaterThanOrEqual(1);
    expect(node.maxWindowBytes).toBeLessThanOrEqual(65_536);
    expect(node.bytesRead).toBeLessThanOrEqual(65_536 * node.windows);
    expect(await monitorClients(plain.server.port)).toEqual([]);
  });

  it('one radar per node: a second request is 409 naming the first, free again once it is cancelled', async () => {
    const first = await start('hk', { durationSeconds: 30 });
    expect(first.status).toBe(202);
    const second = await start('hk');
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ code: 'hotkeys_radar_in_progress' });
    expect(second.json.detail ?? second.json.message ?? JSON.stringify(second.json)).toContain(first.json.jobId);
    // The same server registered under another id is the same node.
    await put('/clusters/hk-alias', { mode: 'standalone', endpoints: [{ host: plain.server.host, port: plain.server.port }], secretRef: { kind: 'none' } });
    expect((await start('hk-alias')).status).toBe(409);
    const cancel = await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${first.json.jobId}/cancel`, params: { id: first.json.jobId }, as: 'operator' });
    expect(cancel.status).toBe(200);
    const third = await start('hk', { durationSeconds: 5 });
    expect(third.status).toBe(202);
    await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${third.json.jobId}/cancel`, params: { id: third.json.jobId }, as: 'operator' });
  });

  it('bad input is a 400 naming the field, roles bound every caller, and nothing starts', async () => {
    const tooShort = await start('hk', { windowMs: 10 });
    expect(tooShort.status).toBe(400);
    expect(JSON.stringify(tooShort.json)).toContain('windowMs');
    expect((await start('hk', { durationSeconds: 3600 })).status).toBe(400);
    expect((await start('hk', { surprise: true })).status).toBe(400);
    expect((await start('hk', '{not json')).status).toBe(400);
    expect((await start('hk', {}, 'reader')).status).toBe(403);
    expect((await start('hk', {}, 'nobody')).status).toBe(401);
    expect((await start('nope')).status).toBe(404);
    expect((await report('hk', 'hotkeys-none')).status).toBe(404);
    expect((await report('hk', 'bad id!')).status).toBe(400);
    // None of the refused requests took the node: a radar can start now.
    const ok = await start('hk', { durationSeconds: 5 });
    expect(ok.status).toBe(202);
    await callRoutes(cp, jobCancelRoutes, { method: 'POST', path: `/jobs/${ok.json.jobId}/cancel`, params: { id: ok.json.jobId }, as: 'operator' });
  });

  it('Azure Managed Redis without an LFU policy: 409 hotkeys_not_available, no job', async () => {
    const res = await start('hk-amr');
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'hotkeys_not_available' });
    const jobs = await callRoutes(cp, clusterJobRoutes, { method: 'GET', path: '/clusters/hk-amr/jobs', params: { id: 'hk-amr' }, as: 'reader' });
    expect(jobs.json.items).toEqual([]);
  });
});

describe('hot-key radar, LFU path (OBJECT FREQ on a SCAN sample), cross-checked by one MONITOR window', () => {
  it('ranks the planted keys by OBJECT FREQ and the MONITOR window agrees', async () => {
    // OBJECT FREQ reads keys that exist: GETs of missing keys leave nothing to count.
    const seed = new Redis({ port: lfu.server.port });
    await seed.mset(Object.fromEntries([['hot:reads', 'v'], ...Array.from({ length: 2000 }, (_, i) => [`cold:${i}`, 'v'])]));
    seed.disconnect();
    const load = startSkewedLoad(lfu.server.port, planted, 2000);
    await new Promise((r) => setTimeout(r, 1500)); // let the LFU counters of the hot keys climb
    const started = await start('hk-lfu', { durationSeconds: 5, windowMs: 1000, maxLatencyMs: null });
    expect(started.status).toBe(202);
    expect(await runToEnd(started.json.jobId)).toBe('succeeded');
    await load.stop();
    const r = (await report('hk-lfu', started.json.jobId)).json;
    const node = r.nodes[0];
    expect(node.method).toBe('lfu');
    expect(node.policy).toBe('allkeys-lfu');
    expect(node.lfu.scanned).toBeGreaterThan(0);
    expect(node.windows).toBe(1);
    const lfuRanked = r.keys.filter((k: { lfuFreq: number | null }) => k.lfuFreq !== null).sort((a: { lfuFreq: number }, b: { lfuFreq: number }) => b.lfuFreq - a.lfuFreq);
    expect(lfuRanked.slice(0, 2).map((k: { key: string }) => k.key).sort()).toEqual(['hot:reads', 'hot:writes']);
    expect(node.lfu.crossCheck.monitorTop10InLfuTop10).toBeGreaterThanOrEqual(2);
    const job = await callRoutes(cp, jobRoutes, { method: 'GET', path: `/jobs/${started.json.jobId}`, params: { id: started.json.jobId }, as: 'reader' });
    expect(job.json.result.nodes[0].method).toBe('lfu');
  });
});
