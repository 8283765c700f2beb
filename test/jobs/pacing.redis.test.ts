import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { Redis } from 'ioredis';
import { scanAll, useOwnRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

/**
 * Pacing that explains itself: the job view (`JobService.get`, what GET /api/jobs/{id} answers) shows the rate,
 * what binds it, the guard's last PING and its back-offs, per node and summed.
 */
// A server of its own: SCAN's work (and so the number of guarded batches) depends on the whole keyspace, and the
// shared servers hold every other test file's keys.
const own = useOwnRedis();
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});
function context() {
  const client = new Redis(own.server.port, own.server.host);
  clients.push(client);
  return { mode: 'standalone' as const, seeds: [{ host: own.server.host, port: own.server.port }], client, prefix: `pace${Date.now().toString(36)}:` };
}

describe('job pacing in the job view', () => {
  it('a latency guard that trips shows its back-offs, pause and last PING, and names the guard as what binds', async () => {
    const ctx = context();
    // A threshold of 1 µs: no PING round trip is that fast, so every PING backs off (10, 20, 40... ms) until the
    // chunk's deadline, then the chunk goes on with one batch. Deterministic whatever the machine's load.
    const bed = await jobTestbed(ctx.mode, ctx.seeds, { chunkBudgetMs: 400 });
    await bed.namespace('guarded', { keyPattern: `${ctx.prefix}g:*` });
    for (let i = 0; i < 30; i++) await ctx.client.set(`${ctx.prefix}g:${i}`, 'v');
    const { job } = await bed.create({
      kind: 'invalidate',
      namespace: 'guarded',
      params: { pattern: `${ctx.prefix}g:*`, maxKeys: 1000, keysPerSecondPerNode: null, latencyGuard: { maxLatencyMs: 0.001 }, scanCount: 1000 },
    });
    await bed.runToEnd(job.id);
    expect(await scanAll(ctx.client, `${ctx.prefix}g:*`)).toEqual([]);
    const view = await bed.jobs.get(job.id);
    expect(view.status).toBe('succeeded');
    expect(view.pacing?.guard?.maxLatencyMs).toBe(0.001);
    expect(view.pacing?.guard?.backoffs).toBeGreaterThan(0);
    expect(view.pacing?.guard?.pauseMs).toBeGreaterThanOrEqual(10);
    expect(view.pacing?.guard?.lastLatencyMs).toBeGreaterThan(0.001);
    expect(view.result?.['guardBackoffs']).toBe(view.pacing?.guard?.backoffs);
    expect(view.pacing?.rateLimit).toBeNull();
    const nodes = view.nodes.map((n) => n.pace as { binding: string; guard: { backoffs: number } });
    expect(nodes.every((p) => p.guard.backoffs > 0 && p.binding === 'latency-guard')).toBe(true);
  });

  it('while a rate-limited job runs, the view shows its rate and the rate limit as what binds', async () => {
    const ctx = context();
    const bed = await jobTestbed(ctx.mode, ctx.seeds, { chunkBudgetMs: 20_000 });
    await bed.namespace('paced', { keyPattern: `${ctx.prefix}p:*` });
    for (let i = 0; i < 1200; i += 200) await Promise.all(Array.from({ length: 200 }, (_, j) => ctx.client.set(`${ctx.prefix}p:${i + j}`, 'v')));
    // 500 keys/s: about 2.4 s; the view is read after 1.2 s.
    const { job } = await bed.create({
      kind: 'invalidate',
      namespace: 'paced',
      params: { pattern: `${ctx.prefix}p:*`, maxKeys: 100_000, keysPerSecondPerNode: 500, latencyGuard: null, scanCount: 50 },
    });
    const running = runJobChunk(job.id, { ...bed.rt, log: () => undefined });
    await new Promise((r) => setTimeout(r, 1200));
    const view = await bed.jobs.get(job.id);
    await running;
    await bed.runToEnd(job.id);
    expect(view.status).toBe('running');
    expect(view.pacing?.binding).toBe('rate-limit');
    expect(view.pacing?.rateLimit).toEqual({ keysPerSecondPerNode: 500 });
    expect(view.pacing?.guard).toBeNull();
    // Bounded by the limit (the bucket holds a tenth of a second of tokens), never above it by more than that.
    expect(view.pacing?.keysPerSecond).toBeGreaterThan(0);
    expect(view.pacing?.keysPerSecond).toBeLessThanOrEqual(500 * 1.2);
    expect(view.pacing?.timeMs['rateWait']).toBeGreaterThan(0);
    expect((await bed.jobs.get(job.id)).progress['deleted']).toBe(1200);
  });
});
