import { afterAll, expect, it } from 'vitest';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { describeEachRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

const pending = async (client: { call(...args: unknown[]): Promise<unknown> }, key: string, group: string): Promise<Record<string, number>> => {
  const summary = (await client.call('XPENDING', key, group)) as [number, string | null, string | null, [string, string][] | null];
  return Object.fromEntries((summary[3] ?? []).map(([c, n]) => [c, Number(n)]));
};

describeEachRedis('stream actions and messaging protection', (ctx) => {
  it('claims a dead worker\'s entries, removes a consumer only when empty, trims only below what groups still need unless forced', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    const key = `${ctx.prefix}orders`;
    for (let i = 0; i < 20; i++) await ctx.client.xadd(key, '*', 'n', String(i));
    const ids = (await ctx.client.xrange(key, '-', '+')).map(([id]) => id);
    await ctx.client.xgroup('CREATE', key, 'billing', '0');
    await ctx.client.xreadgroup('GROUP', 'billing', 'worker-a', 'COUNT', 5, 'STREAMS', key, '>'); // dies without XACK
    const b = (await ctx.client.xreadgroup('GROUP', 'billing', 'worker-b', 'COUNT', 3, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
    await ctx.client.xack(key, 'billing', ...(b[0]?.[1].map(([id]) => id) ?? []));
    await new Promise((r) => setTimeout(r, 50));
    const run = async (params: Record<string, unknown>) => {
      const { job } = await bed.create({ kind: 'stream-action', params: { keyBase64: Buffer.from(key).toString('base64'), dryRun: false, ...params } });
      await bed.runToEnd(job.id);
      return bed.jobs.get(job.id);
    };
    const claimParams = { action: 'claim', group: 'billing', consumer: 'worker-c', minIdleMs: 20, count: 2, maxEntries: 1000, entriesPerSecond: 10_000 };

    const dry = await run({ ...claimParams, dryRun: true });
    expect([dry.status, dry.progress['wouldClaim'], dry.progress['claimed'] ?? 0]).toEqual(['succeeded', 5, 0]);
    expect(await pending(ctx.client, key, 'billing')).toEqual({ 'worker-a': 5 });

    // Paged by COUNT 2: three XAUTOCLAIM calls, checkpointed after each.
    const claimed = await run(claimParams);
    expect([claimed.status, claimed.progress['claimed']]).toEqual(['succeeded', 5]);
    expect(await pending(ctx.client, key, 'billing')).toEqual({ 'worker-c': 5 });

    const busy = await run({ action: 'remove-consumer', group: 'billing', consumer: 'worker-c' });
    expect([busy.status, busy.error?.code]).toEqual(['failed', 'consumer_has_pending']);
    const removed = await run({ action: 'remove-consumer', group: 'billing', consumer: 'worker-a' });
    expect([removed.status, removed.result?.['removed']]).toEqual(['succeeded', true]);
    const consumers = ((await ctx.client.call('XINFO', 'CONSUMERS', key, 'billing')) as unknown[][]).map((c) => String(c[1]));
    expect(consumers.sort()).toEqual(['worker-b', 'worker-c']);

    const trim = { action: 'trim', maxLen: 0, force: false, batch: 3, entriesPerSecond: 100_000 };
    // worker-c holds ids[0..4]: nothing below the oldest pending entry can go.
    const blocked = await run(trim);
    expect([blocked.status, blocked.progress['removed'] ?? 0, blocked.result?.['limitedByGroup'], blocked.result?.['groupsBound']]).toEqual(['succeeded', 0, 'billing', ids[0]]);
    expect(await ctx.client.xlen(key)).toBe(20);
    await ctx.client.xack(key, 'billing', ...ids.slice(0, 5));
    // Now the bound is the first id not delivered to the group (right after ids[7]): 8 entries go, in batches of 3.
    const [ms, seq] = (ids[7] as string).split('-');
    const afterDelivered = `${ms}-${Number(seq) + 1}`;
    const dryTrim = await run({ ...trim, dryRun: true });
    expect([dryTrim.progress['wouldRemove'], await ctx.client.xlen(key)]).toEqual([8, 20]);
    const trimmed = await run(trim);
    expect([trimmed.status, trimmed.progress['removed'], trimmed.result?.['groupsBound']]).toEqual(['succeeded', 8, afterDelivered]);
    expect((await ctx.client.xrange(key, '-', '+', 'COUNT', 1))[0]?.[0]).toBe(ids[8]);
    const byId = await run({ action: 'trim', minId: ids[15], force: true, batch: 1000, entriesPerSecond: 100_000 });
    expect([byId.progress['removed'], await ctx.client.xlen(key)]).toEqual([7, 5]);
  });

  it('invalidation and TTL hygiene leave streams and queues alone without an admin force', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    const p = ctx.taggedPrefix;
    await bed.namespace('mixed', { keyPattern: `${p}*`, ttlSeconds: 600 });
    for (let i = 0; i < 20; i++) await ctx.client.set(`${p}s:${i}`, 'x');
    await ctx.client.xadd(`${p}events`, '*', 'a', '1');
    await ctx.client.rpush(`${p}queue`, 'job');
    await ctx.client.rpush(`${p}feed`, 'item');
    await ctx.client.expire(`${p}feed`, 300);
    const scan = { pattern: `${p}*`, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 100 };

    const { job: hygiene } = await bed.create({ kind: 'ttl-hygiene', namespace: 'mixed', params: { ...scan, ttlSeconds: 600, jitterPercent: 0, dryRun: false } });
    await bed.runToEnd(hygiene.id);
    expect((await bed.jobs.get(hygiene.id)).progress).toMatchObject({ withoutTtl: 20, ttlSet: 20, skippedMessaging: 2 });
    expect([await ctx.client.ttl(`${p}events`), await ctx.client.ttl(`${p}queue`)]).toEqual([-1, -1]);

    const { job } = await bed.create({ kind: 'invalidate', namespace: 'mixed', params: { ...scan, maxKeys: 1000 } });
    await bed.runToEnd(job.id);
    const view = await bed.jobs.get(job.id);
    expect(view.progress).toMatchObject({ deleted: 21, skippedMessaging: 2 }); // 20 strings + the feed list with a TTL
    expect([await ctx.client.exists(`${p}events`), await ctx.client.exists(`${p}queue`), await ctx.client.exists(`${p}feed`)]).toEqual([1, 1, 0]);

    const { job: forced } = await bed.create({ kind: 'invalidate', namespace: 'mixed', params: { ...scan, maxKeys: 1000, force: true } });
    await bed.runToEnd(forced.id);
    expect((await bed.jobs.get(forced.id)).progress).toMatchObject({ deleted: 2 });
    expect(await ctx.client.exists(`${p}events`, `${p}queue`)).toBe(0);
  });
});
