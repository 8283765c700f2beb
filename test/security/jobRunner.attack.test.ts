import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeClient, keyPrefix } from '../helpers/redis';
import { startSecurityHost, until, type Json, type SecurityHost } from './securityHost';
import { securityKeys } from './securityKeys';

// Forged Job.ChunkCompleted deliveries (a valid key, fresh event ids) for a job whose chunk is running in the same
// process: the lease check let its own process in ("someone else holds it" only), so each delivery started a second
// chunk of the same job beside the first, which then lost its lease after it had already changed Redis — its last
// batch done twice or, for a trim, removed and never counted. The same race opened whenever the sweeper timer
// picked a job at a chunk hand-off.
let host: SecurityHost;
let redis: Redis;
const key = `${keyPrefix('jobrunner-attack')}events`;
const entries = 12_000;
const batch = 100;

beforeAll(async () => {
  host = await startSecurityHost({ JOB_CHUNK_BUDGET_MS: '20000', MONITOR_MESSAGING: 'off' });
  const { host: h, port } = inject('redisStandalone');
  redis = new Redis(port, h);
  expect((await host.setup('PUT', '/api/clusters/jr', { body: { mode: 'standalone', endpoints: [{ host: h, port }], secretRef: { kind: 'none' } } })).status).toBe(201);
  for (let i = 0; i < entries; i += 1000) {
    const p = redis.pipeline();
    for (let j = i; j < i + 1000; j++) p.xadd(key, '*', 'n', String(j));
    await p.exec();
  }
}, 90_000);
afterAll(async () => {
  await redis?.del(key);
  await closeClient(redis);
  await host?.stop();
});

const chunkCompleted = (jobId: string) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/redis-cluster-manager',
  type: 'RedisClusterManager.Job.ChunkCompleted',
  subject: 'clusters/jr',
  time: new Date().toISOString(),
  data: { clusterId: 'jr', jobId, kind: 'stream-action', chunk: 1, progress: {} },
});

describe('attack: forged job events for a running job', () => {
  it('start no second chunk beside the running one: the trim counts exactly what it removed, one lease token per chunk', async () => {
    // 12 000 entries at 2 000/s: one chunk of ~6 s (the budget is 20 s), so every forged delivery finds it running.
    const started = await host.api('POST', '/api/clusters/jr/stream-actions', { as: 'operator', body: { action: 'trim', key, maxLen: 0, batch, entriesPerSecond: 2000 } });
    expect(started.status, started.text).toBe(202);
    const jobId = started.json.jobId as string;
    await until('the chunk to run', async () => ((await host.api('GET', `/api/jobs/${jobId}`, { as: 'reader' })).json?.progress?.removed ?? 0) > 0 ? true : undefined);
    for (let i = 0; i < 4; i++) {
      const res = await host.raw('POST', `/runtime/webhooks/eventgrid?functionName=jobRunner&code=${securityKeys.master}`, { 'content-type': 'application/cloudevents+json', 'aeg-event-type': 'Notification' }, JSON.stringify(chunkCompleted(jobId)));
      expect(res.status).toBe(202);
      await new Promise((r) => setTimeout(r, 300));
    }
    const job: Json = await until('the trim to finish', async () => {
      const j = (await host.api('GET', `/api/jobs/${jobId}`, { as: 'reader' })).json;
      return j?.status === 'succeeded' || j?.status === 'failed' ? j : undefined;
    }, 60_000);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(await redis.xlen(key)).toBe(0);
    expect(job.progress.removed, JSON.stringify(job.progress)).toBe(entries);
    expect(job.lease.token).toBe(job.chunks);
    expect(host.proc.output()).not.toMatch(new RegExp(`job ${jobId}: lease lost`));
  }, 90_000);
});
