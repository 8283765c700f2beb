import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DomainEvent } from '../../shared/platform/events/catalogue';
import type { ChangeContext } from '../../shared/platform/registry/ClusterStreams';
import { runJobChunk, type ChunkRunResult, type JobRunnerDeps } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { closeClient, connectStandalone, keyPrefix } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

afterAll(() => redisConnections.closeAll());

const seeds = () => [{ host: inject('redisStandalone').host, port: inject('redisStandalone').port }];

describe('chunk hand-off in one process', () => {
  it('the next chunk starts at once when its Job.ChunkCompleted is delivered while the chunk that freed the lease is still recording it', async () => {
    // Delivery as the local host (or an instance that gets its own event back at once) does it: the job event is
    // handled inside the publishing call, before that call returns.
    const bed = await jobTestbed('standalone', seeds(), { chunkBudgetMs: 150 });
    const prefix = keyPrefix();
    const redis = connectStandalone();
    try {
      const p = redis.pipeline();
      for (let i = 0; i < 3000; i++) p.set(`${prefix}u:${i}`, 'v');
      await p.exec();
    } finally {
      await closeClient(redis);
    }
    await bed.namespace('users', { keyPattern: `${prefix}u:*` });
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'users', params: { pattern: `${prefix}u:*`, maxKeys: 1e9, keysPerSecondPerNode: 5000, latencyGuard: null, scanCount: 100 } });

    const nested: ChunkRunResult[] = [];
    const streams = Object.create(bed.cp.streams) as typeof bed.cp.streams;
    const deps: JobRunnerDeps = { ...bed.rt, cp: { clusters: bed.cp.clusters, streams }, log: () => undefined };
    streams.record = async (clusterId: string, context: ChangeContext, events: DomainEvent[]) => {
      const stored = await bed.cp.streams.record(clusterId, context, events);
      if (events.some((e) => e.type === 'RedisClusterManager.Job.ChunkCompleted')) nested.push(await runJobChunk(job.id, deps));
      return stored;
    };
    const first = await runJobChunk(job.id, deps);
    expect(first).toMatchObject({ outcome: 'ran' });
    // Every hand-off ran the next chunk (none came back busy), down to the last one, which finished the job.
    expect(nested.length).toBeGreaterThanOrEqual(2);
    expect(nested.every((r) => r.outcome === 'ran')).toBe(true);
    const view = await bed.jobs.get(job.id);
    expect(view.status).toBe('succeeded');
    expect(view.progress['deleted']).toBe(3000);
    expect(view.lease.token).toBe(view.chunks);
  });
});
