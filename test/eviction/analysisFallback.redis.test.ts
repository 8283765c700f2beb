import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeCluster, type AnalysisNamespace } from '../../shared/eviction/analysis/analyzeCluster';
import type { NamespaceReport } from '../../shared/eviction/analysis/analysisReport';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { testTarget } from '../cluster/targets';
import { closeClient, describeEachRedis, useOwnRedis } from '../helpers/redis';

const manager = new RedisConnectionManager();
afterAll(() => manager.closeAll());
const ns = (namespace: string, keyPattern: string): AnalysisNamespace => ({ namespace, keyPattern, ttlSeconds: null, priority: 50, protected: false });
const comparable = (n: NamespaceReport | undefined) => n && { keys: n.keys, memoryBytes: n.memoryBytes, types: n.types, ttl: n.ttl, topKeys: n.topKeys.map((k) => k.key) };

describeEachRedis('page probe: Lua script and pipeline agree', (ctx) => {
  it('gives the same counts, memory, types, TTL buckets and top keys', async () => {
    const p = ctx.prefix;
    await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => ctx.client.set(`${p}s:${i}`, 'v'.repeat(i + 1), 'EX', 100 + i * 5000)),
      ...Array.from({ length: 20 }, (_, i) => ctx.client.zadd(`${p}z:${i}`, i, 'a', i + 1, 'b')),
      ctx.client.sadd(`${p}z:set`, 'x', 'y'),
    ]);
    const policies = [ns('strings', `${p}s:*`), ns('sorted', `${p}z:*`)];
    const target = testTarget(ctx.mode, ctx.seeds);
    const [script, pipeline] = await Promise.all([
      analyzeCluster(target, policies, { mode: 'exact', manager, maxKeysPerSecond: Infinity, probe: 'script' }),
      analyzeCluster(target, policies, { mode: 'exact', manager, maxKeysPerSecond: Infinity, probe: 'pipeline' }),
    ]);
    for (const name of ['strings', 'sorted']) {
      const a = comparable(script.summary.namespaces.find((n) => n.namespace === name));
      expect(a).toBeDefined();
      expect(comparable(pipeline.summary.namespaces.find((n) => n.namespace === name))).toEqual(a);
    }
    expect(script.summary.namespaces.find((n) => n.namespace === 'sorted')?.types).toMatchObject({ zset: { keys: 20 }, set: { keys: 1 } });
  });
});

const noScripts = useOwnRedis({ args: ['--rename-command', 'EVAL', '', '--rename-command', 'EVALSHA', ''] });

beforeAll(async () => {
  const redis = new Redis({ port: noScripts.server.port });
  await Promise.all(Array.from({ length: 300 }, (_, i) => redis.set(`item:${i}`, 'x'.repeat(50), 'EX', 600)));
  await closeClient(redis);
});

it('a server that refuses EVAL is analysed through pipelines (exact and sampled)', async () => {
  const target = testTarget('standalone', [{ host: noScripts.server.host, port: noScripts.server.port }]);
  const exact = await analyzeCluster(target, [], { mode: 'exact', manager, maxKeysPerSecond: Infinity });
  expect(exact.summary.namespaces.find((n) => n.namespace === 'item:*')).toMatchObject({ keys: { value: 300 }, ttl: { lt1h: { keys: 300 } } });
  const sampled = await analyzeCluster(target, [], { mode: 'sampled', samples: 200, manager, maxKeysPerSecond: Infinity });
  expect(sampled.summary.keysProbed).toBe(200);
  expect(sampled.summary.namespaces[0]?.keys.value).toBeCloseTo(300, 6); // one namespace: every sample is in it
});
