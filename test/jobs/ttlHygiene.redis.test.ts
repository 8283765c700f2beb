import { afterAll, expect, it } from 'vitest';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { scheduleTtlHygiene } from '../../shared/admin/ttlHygiene/scheduleTtlHygiene';
import { ttlHygieneEstimate } from '../../shared/admin/ttlHygiene/ttlHygieneEstimate';
import { describeEachRedis } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

const params = (pattern: string, dryRun: boolean) => ({ pattern, ttlSeconds: 600, jitterPercent: 20, dryRun, keysPerSecondPerNode: null, latencyGuard: { maxLatencyMs: 5 }, scanCount: 200 });

/** Twice the 95 % bound an estimate's basis names (0 when it counted exactly), so a sampled estimate fails this ~never. */
const marginOf = (basis: string) => (basis.includes('counted') ? 0 : 2 * Number(/±(\d+)/.exec(basis)?.[1] ?? NaN));

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

  it('counts scanned keys against the sampled/counted estimate: total and a sane ETA while running, 100 % at the end', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds, { chunkBudgetMs: 800 });
    await bed.namespace('sessions', { keyPattern: `${ctx.prefix}e:*`, ttlSeconds: 600 });
    const keys = 1500;
    for (let i = 0; i < keys; i += 100) await ctx.client.mset(...Array.from({ length: 100 }, (_, j) => [`${ctx.prefix}e:{t}${i + j}`, 'x']).flat());
    await ctx.client.set(`${ctx.prefix}other:{t}1`, 'x');
    const cluster = await bed.cp.clusters.get(bed.clusterId);
    const sampled = await ttlHygieneEstimate(cluster, `${ctx.prefix}e:*`);
    expect(sampled).toMatchObject({ counter: 'scanned', exact: false });
    expect(Math.abs((sampled.total ?? 0) - keys)).toBeLessThanOrEqual(marginOf(sampled.basis));
    // The shared test server may hold other tests' keys (then the total is sampled): run against the true count, so
    // the percentage below is deterministic; the estimate itself is checked just above.
    const estimate = { ...sampled, total: keys };
    // 400 keys/s per node and 0.8 s chunks: several chunks, each checkpointing part of the way.
    const job = await bed.create({ kind: 'ttl-hygiene', namespace: 'sessions', params: { ...params(`${ctx.prefix}e:*`, false), keysPerSecondPerNode: 400, scanCount: 50 }, estimate });
    const first = await runJobChunk(job.job.id, { ...bed.rt, log: () => undefined });
    expect(first).toMatchObject({ outcome: 'ran', status: 'running' });
    const running = await bed.jobs.get(job.job.id);
    expect(running.progress['total']).toBe(keys);
    expect(running.percent).toBeGreaterThan(0);
    expect(running.percent).toBeLessThan(100);
    // At the measured rate the rest takes (keys - scanned) / rate: positive, and under a minute at ~400 keys/s.
    expect(running.etaSeconds).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeLessThan(60);
    expect(running.etaSeconds).toBe(Math.round((keys - (running.progress['scanned'] ?? 0)) / (running.ratePerSecond ?? 1)));
    await bed.runToEnd(job.job.id);
    const final = await bed.jobs.get(job.job.id);
    expect(final).toMatchObject({ status: 'succeeded', percent: 100, etaSeconds: 0, progress: { scanned: keys, ttlSet: keys, total: keys } });
  });

  it('the daily schedule gives each job the estimate of its namespace keys as the total', async () => {
    const bed = await jobTestbed(ctx.mode, ctx.seeds);
    await bed.namespace('sessions', { keyPattern: `${ctx.prefix}d:*`, ttlSeconds: 600 });
    for (let i = 0; i < 120; i++) await ctx.client.set(`${ctx.prefix}d:${i}`, 'x');
    const { created } = await scheduleTtlHygiene(bed.rt, new Date('2030-02-03T03:00:00Z'));
    const job = await bed.jobs.get(created[0] as string);
    expect(job).toMatchObject({ status: 'queued', measure: { counter: 'scanned', exact: false } });
    // A sample of the shared server (other files' keys too) may find none of the 120: a total of 0 has no percentage yet.
    expect(job.percent).toBe((job.measure?.total ?? 0) > 0 ? 0 : null);
    expect(job.progress['total']).toBe(job.measure?.total);
    expect(Math.abs((job.measure?.total ?? 0) - 120)).toBeLessThanOrEqual(marginOf(job.measure?.basis ?? ''));
  });
});
