import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runJobChunk } from '../../shared/platform/jobs/runJobChunk';
import { redisConnections } from '../../shared/platform/redis/redisConnections';
import { scanAll, useOwnCluster } from '../helpers/redis';
import { jobTestbed } from './jobTestbed';

// Kills a master of a private cluster while an invalidation runs on it: the shard's SCAN restarts on the promoted
// replica and the job still ends with no key left and a deleted count of at least the keys written.
const own = useOwnCluster();
afterAll(() => redisConnections.closeAll());

describe('invalidation across a failover', () => {
  it('restarts the failed shard on its new master; zero keys left, every key counted', async () => {
    const keys = 30_000;
    const client = new Cluster(own.cluster.seeds, { redisOptions: { connectTimeout: 2000 } });
    for (let i = 0; i < keys; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, j) => client.set(`fo:${i + j}`, 'v')));
    const bed = await jobTestbed('cluster', own.cluster.seeds, { chunkBudgetMs: 20_000 });
    await bed.namespace('fo', { keyPattern: 'fo:*' });
    // 2500 keys/s per master: ~4 s per shard, so the kill lands mid-scan.
    const { job } = await bed.create({ kind: 'invalidate', namespace: 'fo', params: { pattern: 'fo:*', maxKeys: 1e9, keysPerSecondPerNode: 2500, latencyGuard: null, scanCount: 200 } });
    const log: string[] = [];
    const firstChunk = runJobChunk(job.id, { ...bed.rt, log: (m) => log.push(m) });
    await new Promise((r) => setTimeout(r, 1500));
    const victim = own.cluster.masters[0];
    if (!victim) throw new Error('no master');
    process.kill(victim.pid, 'SIGKILL');
    await firstChunk;
    // On a loaded machine the first chunk may only see the dead connection and end; a later one finds the new master.
    await bed.runToEnd(job.id, 200, (m) => log.push(m));

    const view = await bed.jobs.get(job.id);
    expect(view.status).toBe('succeeded');
    // Counted by UNLINK replies. A SIGKILLed master may die before its replica received its last UNLINKs: those keys
    // are back on the promoted replica and deleted (and counted) again, at most what ~2 s of deletions at the paced
    // rate can leave unreplicated. Without such a loss the count is exact (failoverPending and killAndResume hold it).
    const deleted = view.progress['deleted'] ?? 0;
    expect(deleted).toBeGreaterThanOrEqual(keys);
    expect(deleted - keys).toBeLessThanOrEqual(5000);
    expect(view.nodes.some((n) => Number(n.restarts) >= 1)).toBe(true);
    expect(log.join('\n')).toMatch(/master changed .* SCAN restarts from 0/);
    expect(await scanAll(client, 'fo:*')).toEqual([]);
    const invalidated = (await bed.events()).find((e) => e.type === 'RedisClusterManager.Keys.Invalidated');
    expect(invalidated?.data).toMatchObject({ deletedCount: deleted });
    client.disconnect();
  }, 60_000);
});
