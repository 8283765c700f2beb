import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { takeHotSetSnapshot } from '../../shared/warming/hotSetSnapshot';
import { redisSource } from '../../shared/warming/sources/redisSource';
import { snapshotBlobName, snapshotSource } from '../../shared/warming/sources/snapshotSource';
import { closeClient, describeEachRedis, keyPrefix, scanAll, useOwnRedis } from '../helpers/redis';
import { uniqueContainerName } from '../helpers/storage';
import { blobService, plan, targetOf, warmAll } from './fixtures';

const source = useOwnRedis({ args: ['--maxmemory-policy', 'allkeys-lfu'] });

describeEachRedis('Redis to Redis warm (DUMP / RESTORE with the remaining TTL)', (ctx) => {
  it('copies every type with its remaining TTL, skips present keys (NX) and persistent keys get the namespace TTL', async () => {
    const prefix = keyPrefix('r2r');
    const src = new Redis(source.server.port, '127.0.0.1');
    try {
      for (let i = 0; i < 300; i++) await src.set(`${prefix}s:${i}`, `v${i}`, 'PX', 600_000);
      await src.hset(`${prefix}h:1`, { a: '1', b: '2' });
      await src.rpush(`${prefix}l:1`, 'x', 'y', 'z');
      await src.set(`${prefix}p:1`, 'persistent');
      await src.set(`other:${prefix}`, 'not in the namespace');
      await ctx.client.set(`${prefix}s:5`, 'fresher');

      const srcTarget = { id: `src-${process.pid}`, mode: 'standalone' as const, endpoints: [{ host: '127.0.0.1', port: source.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
      const namespace = { keyPattern: `${prefix}*`, ttlSeconds: 100, ttlJitterPercent: 0 };
      const reader = redisSource(srcTarget, { pattern: `${prefix}*`, readFrom: 'replica', ttlForPersistent: () => 100_000, scanCount: 50 });
      const p = plan({ source: { kind: 'redis', clusterId: srcTarget.id } });
      const { counts, chunks } = await warmAll({ target: targetOf(ctx.mode, ctx.seeds), plan: p, source: reader, namespace, maxMs: 0 });

      expect(chunks.length).toBeGreaterThan(1);
      expect(counts).toMatchObject({ read: 303, written: 302, skipped: 1, failed: 0 });
      expect(await ctx.client.get(`${prefix}s:5`)).toBe('fresher');
      expect(await ctx.client.get(`${prefix}s:299`)).toBe('v299');
      expect(await ctx.client.hgetall(`${prefix}h:1`)).toEqual({ a: '1', b: '2' });
      expect(await ctx.client.lrange(`${prefix}l:1`, 0, -1)).toEqual(['x', 'y', 'z']);
      const ttl = await ctx.client.pttl(`${prefix}s:1`);
      expect(ttl).toBeGreaterThan(500_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
      expect(await ctx.client.pttl(`${prefix}p:1`)).toBeGreaterThan(90_000);
      expect(await ctx.client.pttl(`${prefix}h:1`)).toBeGreaterThan(90_000);
      expect(await ctx.client.exists(`other:${prefix}`)).toBe(0);
    } finally {
      await closeClient(src);
    }
  });
});

describe('hot-set snapshot', () => {
  it('keeps the hottest keys by LFU frequency, stores DUMP payloads in Blob Storage, and restores them after a flush', async () => {
    const prefix = keyPrefix('hot');
    const redis = new Redis(source.server.port, '127.0.0.1');
    try {
      for (let i = 0; i < 500; i++) await redis.set(`${prefix}k:${i}`, `v${i}`, 'EX', 3600);
      const hot = Array.from({ length: 20 }, (_, i) => `${prefix}k:${i * 7}`);
      for (let round = 0; round < 30; round++) await Promise.all(hot.map((k) => redis.get(k)));

      const target = { id: `hot-${process.pid}`, mode: 'standalone' as const, endpoints: [{ host: '127.0.0.1', port: source.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
      const container = uniqueContainerName('snap');
      const snapshot = await takeHotSetSnapshot(target, { namespace: 'hot', keyPattern: `${prefix}k:*` }, blobService(), container, { topN: 20 });
      expect(snapshot).toMatchObject({ keys: 20, scanned: 500, rankedBy: 'lfu' });

      await redis.del(...(await scanAll(redis, `${prefix}k:*`))); // the cache was flushed (or failed over empty)
      const blob = await snapshotBlobName(blobService(), container, target.id, 'hot');
      expect(blob).toBe(snapshot.blob);
      const reader = snapshotSource(blobService(), container, blob, () => null);
      const p = plan({ source: { kind: 'snapshot' } });
      const { counts } = await warmAll({ target, plan: p, source: reader, namespace: { keyPattern: `${prefix}k:*`, ttlSeconds: null, ttlJitterPercent: 0 } });
      expect(counts).toMatchObject({ read: 20, written: 20, failed: 0 });
      expect((await scanAll(redis, `${prefix}k:*`)).sort()).toEqual([...hot].sort());
      expect(await redis.get(`${prefix}k:7`)).toBe('v7');
      const ttl = await redis.ttl(`${prefix}k:7`);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    } finally {
      await closeClient(redis);
    }
  });
});
