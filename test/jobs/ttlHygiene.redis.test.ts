import { afterAll, expect, it } from 'vitest';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { scheduleTtlHygiene } from '../../shared/admin/ttlHygiene/scheduleTtlHygiene';
import { describeEachRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

const params = (pattern: string, dryRun: boolean) => ({ pattern, ttlSeconds: 600, jitterPercent: 20, dryRun, keysPerSecondPerNode: null, latencyGuard: { maxLatencyMs: 5 }, scanCount: 200 });

describeEachRedis('TTL hygiene job', (ctx) => {
  it('dry run counts keys without TTL and changes nothing; the real run sets TTL + jitter with NX only on them', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('sessions', { keyPattern: `${ctx.prefix}s:*`, ttlSeconds: 600, ttlJitterPercent: 20 });
    for (let i = 0; i < 300; i++) await ctx.client.set(`${ctx.prefix}s:${i}`, 'x');
    for (let i = 300; i < 400; i++) await ctx.client.set(`${ctx.prefix}s:${i}`, 'x', 'EX', 50);
    await ctx.client.set(`${ctx.prefix}other:1`, 'x');

    const dry = await bed.create({ kind: 'ttl-hygiene', namespace: 'sessions', params: params(`${ctx.prefix}s:*`, true) });
    await bed.runToEnd(dry.job.id);
    const dryView = await bed.jobs.get(dry.job.id);
    expect(dryView.status).toBe('succeeded');
    expect(dryView.progress).toMatchObject({ withoutTtl: 300 });
    expect(dryView.progress['ttlSet'] ?? 0).toBe(0);
    expect(await ctx.client.ttl(`${ctx.prefix}s:0`)).toBe(-1);

    const setFrom = Date.now();
    const real = await bed.create({ kind: 'ttl-hygiene', namespace: 'sessions', params: params(`${ctx.prefix}s:*`, false) });
    await bed.runToEnd(real.job.id);
    expect((await bed.jobs.get(real.job.id)).progress).toMatchObject({ withoutTtl: 300, ttlSet: 300 });
    const ttls = await Promise.all(Array.from({ length: 300 }, (_, i) => ctx.client.ttl(`${ctx.prefix}s:${i}`)));
    // Each TTL was set to 600..720 s; it has since counted down by at most the time the job and the reads took.
    const elapsedSeconds = Math.ceil((Date.now() - setFrom) / 1000);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(600 - elapsedSeconds);
    expect(Math.max(...ttls)).toBeLessThanOrEqual(720);
    expect(new Set(ttls).size).toBeGreaterThan(10); // jitter spreads them
    expect(await ctx.client.ttl(`${ctx.prefix}s:350`)).toBeLessThanOrEqual(50); // NX: existing TTL kept
    expect(await ctx.client.ttl(`${ctx.prefix}other:1`)).toBe(-1);
  });

  it('the daily schedule creates one job per TTL namespace per day, idempotently, skipping protected ones', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('sessions', { keyPattern: `${ctx.prefix}s:*`, ttlSeconds: 600 });
    await bed.namespace('forever', { keyPattern: `${ctx.prefix}f:*` });
    await bed.namespace('vault', { keyPattern: `${ctx.prefix}v:*`, ttlSeconds: 60, protected: true });
    const day = new Date('2030-01-02T03:00:00Z');
    const first = await scheduleTtlHygiene(bed.rt, day);
    expect(first.created).toHaveLength(1);
    expect(first.skipped).toEqual([{ clusterId: bed.clusterId, namespace: 'vault', reason: 'protected' }]);
    const again = await scheduleTtlHygiene(bed.rt, day);
    expect(again).toMatchObject({ created: [], existing: first.created });
    const job = await bed.jobs.get(first.created[0] as string);
    expect(job).toMatchObject({ kind: 'ttl-hygiene', namespace: 'sessions', status: 'queued', params: { ttlSeconds: 600, dryRun: false } });
  });
});
