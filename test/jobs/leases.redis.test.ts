import { afterAll, expect, inject, it, describe } from 'vitest';
import { FencedJob } from '../../shared/platform/jobs/FencedJob';
import { isLeaseLostError } from '../../shared/platform/jobs/LeaseLostError';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { connectStandalone, keyPrefix, scanAll } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

const seeds = () => [{ host: inject('redisStandalone').host, port: inject('redisStandalone').port }];
const params = (pattern: string, extra: Record<string, unknown> = {}) => ({ pattern, maxKeys: 1e9, keysPerSecondPerNode: null, latencyGuard: null, scanCount: 200, ...extra });

/** A queued invalidation job whose lease holder `A` took it by hand (as runJobChunk does), live for `liveMs`. */
async function leasedByHand(liveMs: number) {
  const bed = await jobTestbed('standalone', seeds());
  const prefix = keyPrefix();
  await bed.namespace('users', { keyPattern: `${prefix}u:*` });
  const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: params(`${prefix}u:*`) });
  const loaded = await bed.rt.store.load(job.id);
  if (!loaded) throw new Error('job missing');
  const leased = { ...loaded.job, status: 'running' as const, lease: { owner: 'A', token: 1, expiresAt: Date.now() + liveMs } };
  const etag = await bed.rt.store.write(leased, loaded.etag);
  return { bed, job, leased, etag };
}

describe('leases and fencing', () => {
  it('a live lease makes other runners back off; an expired one is taken over and the stale holder cannot write', async () => {
    // Holder A takes the lease by hand, live for 10 s.
    const { bed, job, leased, etag } = await leasedByHand(10_000);
    expect(await runJobChunk(job.id, { ...bed.rt, owner: 'B', log: () => undefined })).toEqual({ outcome: 'busy' });

    // A stalls past its lease: B takes over (token 2) and finishes the job.
    const stale = new FencedJob(bed.rt.store, leased, etag, []);
    await bed.rt.store.write({ ...leased, lease: { ...leased.lease, expiresAt: Date.now() - 1 } }, etag);
    const b = await runJobChunk(job.id, { ...bed.rt, owner: 'B', log: () => undefined });
    expect(b).toMatchObject({ outcome: 'ran', status: 'succeeded' });

    const error = await stale.checkpoint([{ id: 'ghost', state: { cursor: '42' }, counts: { deleted: 999 }, done: false }]).catch((e: unknown) => e);
    expect(isLeaseLostError(error)).toBe(true);
    const after = await bed.rt.store.load(job.id);
    expect(after?.cursors.map((c) => c.id)).not.toContain('ghost');
    expect(after?.job).toMatchObject({ status: 'succeeded', lease: { owner: 'B', token: 2 } });
  });

  it('cancel of a chunk that checkpoints back to back is accepted in one call, and the holder adopts it', async () => {
    const { bed, job, leased, etag } = await leasedByHand(30_000);
    const holder = new FencedJob(bed.rt.store, leased, etag, []);
    // The holder checkpoints without pause (two writers, as a chunk with two nodes does), until it sees the cancel.
    let writes = 0;
    const checkpoints = Array.from({ length: 2 }, async (_, n) => {
      for (let i = 0; !holder.cancelRequested && i < 2000; i++) {
        await holder.checkpoint([{ id: `node-${n}`, state: { cursor: String(i) }, counts: { deleted: i }, done: false }]);
        writes += 1;
      }
    });
    await new Promise((r) => setTimeout(r, 100));
    const before = writes;
    const outcomes: unknown[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await bed.jobs.cancel(job.id, { principal: { id: 'otto', kind: 'api-key', role: 'operator' }, correlationId: `c${i}` }).catch((e: unknown) => e));
    await Promise.all(checkpoints);
    expect(writes - before).toBeGreaterThan(0); // the holder was writing all along
    // Each call answers the running job with the flag set (the read-modify-write lost every race: "is changing; retry").
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'running', cancelRequested: true });
    expect(holder.cancelRequested).toBe(true);
    expect((await bed.rt.store.get(job.id))?.job).toMatchObject({ status: 'running', cancelRequested: true, lease: { owner: 'A', token: 1 } });
  });

  it('cancel reaches a running chunk at its next checkpoint; the job ends cancelled with its progress so far', async () => {
    const bed = await jobTestbed('standalone', seeds(), { chunkBudgetMs: 10_000 });
    const prefix = keyPrefix();
    const redis = connectStandalone();
    const p = redis.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`${prefix}u:${i}`, 'v');
    await p.exec();
    await bed.namespace('users', { keyPattern: `${prefix}u:*` });
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: params(`${prefix}u:*`, { keysPerSecondPerNode: 1000 }) });
    const chunk = runJobChunk(job.id, { ...bed.rt, log: () => undefined });
    await new Promise((r) => setTimeout(r, 700));
    const requested = await bed.jobs.cancel(job.id, { principal: { id: 'otto', kind: 'api-key', role: 'operator' }, correlationId: 'c' });
    expect(requested).toMatchObject({ status: 'running', cancelRequested: true });
    expect(await chunk).toMatchObject({ outcome: 'ran', status: 'cancelled' });
    const view = await bed.jobs.get(job.id);
    const left = (await scanAll(redis, `${prefix}u:*`)).length;
    expect(left).toBeGreaterThan(0);
    expect(view.progress['deleted']).toBe(5000 - left);
    const finished = (await bed.events()).filter((e) => e.type === 'RedisClusterManager.Job.Finished');
    expect(finished.map((e) => (e.data as { status: string }).status)).toEqual(['cancelled']);
  });
});
