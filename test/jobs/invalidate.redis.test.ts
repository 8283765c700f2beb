import { Cluster } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { describeEachRedis, scanAll, type AnyRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

/** Writes `n` string keys `<prefix><i>` (pipelined per slot-agnostic single-key SETs). */
async function fill(client: AnyRedis, prefix: string, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i += 1000) {
    const pipeline = client instanceof Cluster ? null : client.pipeline();
    const writes: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(from + n, i + 1000); j++) {
      if (pipeline) pipeline.set(`${prefix}${j}`, 'v');
      else writes.push(client.set(`${prefix}${j}`, 'v'));
    }
    if (pipeline) await pipeline.exec();
    await Promise.all(writes);
  }
}

const params = (pattern: string, extra: Record<string, unknown> = {}) => ({ pattern, maxKeys: 10_000_000, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 500, ...extra });

describeEachRedis('invalidation job', (ctx) => {
  it('unlinks every key of the namespace on every master, leaves other keys, and publishes Keys.Invalidated with counts', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('users', { keyPattern: `${ctx.prefix}user:*` });
    await fill(ctx.client, `${ctx.prefix}user:`, 3000);
    await fill(ctx.client, `${ctx.prefix}session:`, 500);
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: params(`${ctx.prefix}user:*`) });
    const chunks = await bed.runToEnd(job.id);
    expect(chunks.at(-1)).toMatchObject({ outcome: 'ran', status: 'succeeded' });
    expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toEqual([]);
    expect(await scanAll(ctx.client, `${ctx.prefix}session:*`)).toHaveLength(500);
    const view = await bed.jobs.get(job.id);
    expect(view.status).toBe('succeeded');
    expect(view.progress['deleted']).toBe(3000);
    expect(view.nodes).toHaveLength(ctx.mode === 'cluster' ? 3 : 1);
    const invalidated = (await bed.events()).find((e) => e.type === 'RedisClusterManager.Keys.Invalidated');
    expect(invalidated?.data).toMatchObject({ clusterId: bed.clusterId, namespace: 'users', jobId: job.id, deletedCount: 3000 });
    const perNode = (invalidated?.data as { nodes: { deletedCount: number }[] }).nodes;
    expect(perNode.reduce((s, n) => s + n.deletedCount, 0)).toBe(3000);
    if (ctx.mode === 'cluster') expect(perNode.every((n) => n.deletedCount > 0)).toBe(true);
    expect((await bed.events()).map((e) => e.type)).toEqual(
      expect.arrayContaining(['RedisClusterManager.Job.Queued', 'RedisClusterManager.Keys.Invalidated', 'RedisClusterManager.Job.Finished']),
    );
  });

  it('continues over many short chunks from its checkpoints, with counts that add up', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds, { chunkBudgetMs: 150 });
    await bed.namespace('users', { keyPattern: `${ctx.prefix}user:*` });
    await fill(ctx.client, `${ctx.prefix}user:`, 4000);
    // 1000 keys/s per node: each 150 ms chunk gets through at most a few hundred keys per node, so many chunks.
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: params(`${ctx.prefix}user:*`, { keysPerSecondPerNode: 1000, scanCount: 100 }) });
    const chunks = await bed.runToEnd(job.id);
    expect(chunks.length).toBeGreaterThan(2);
    expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toEqual([]);
    const view = await bed.jobs.get(job.id);
    expect(view.progress['deleted']).toBe(4000);
    expect(chunks.filter((c) => c.outcome === 'ran' && c.status === 'running').length).toBe(chunks.length - 1);
    // Every chunk after the first took over a lease its predecessor freed: one hand-off each, timed by the taker.
    expect(view.handoffs?.count).toBe(chunks.length - 1);
    expect(view.handoffs?.maxMs).toBeGreaterThanOrEqual(view.handoffs?.lastMs ?? Infinity);
  });

  it('stops at the maximum and says so', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('users', { keyPattern: `${ctx.prefix}user:*` });
    await fill(ctx.client, `${ctx.prefix}user:`, 2000);
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: params(`${ctx.prefix}user:*`, { maxKeys: 700 }) });
    await bed.runToEnd(job.id);
    const view = await bed.jobs.get(job.id);
    expect(view.status).toBe('succeeded');
    expect(view.result).toMatchObject({ limitReached: true });
    expect(view.progress['deleted']).toBe(700);
    expect(await scanAll(ctx.client, `${ctx.prefix}user:*`)).toHaveLength(1300);
  });

  it('deletes keys whose names are not valid UTF-8 or hold spaces, newlines and glob characters', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('odd', { keyPattern: `${ctx.prefix}odd:*` });
    const names = [Buffer.concat([Buffer.from(`${ctx.prefix}odd:`), Buffer.from([0xff, 0xfe, 0x00, 0x80])]), Buffer.from(`${ctx.prefix}odd:with space\nand newline`), Buffer.from(`${ctx.prefix}odd:*[?]`)];
    for (const name of names) await ctx.client.set(name, 'x');
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'odd', params: params(`${ctx.prefix}odd:*`) });
    await bed.runToEnd(job.id);
    expect((await bed.jobs.get(job.id)).progress['deleted']).toBe(3);
    for (const name of names) expect(await ctx.client.exists(name)).toBe(0);
  });
});
