import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCluster, type AnalysisNamespace } from '../../shared/eviction/analysis/analyzeCluster';
import type { NamespaceReport } from '../../shared/eviction/analysis/analysisReport';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { testTarget } from '../cluster/targets';
import { closeClient, REDIS_MODES, useOwnCluster, useOwnRedis } from '../helpers/redis';

const manager = new RedisConnectionManager();
afterAll(() => manager.closeAll());
const ns = (namespace: string, keyPattern: string): AnalysisNamespace => ({ namespace, keyPattern, ttlSeconds: null, priority: 50, protected: false });
const comparable = (n: NamespaceReport | undefined) => n && { keys: n.keys, memoryBytes: n.memoryBytes, types: n.types, ttl: n.ttl, topKeys: n.topKeys.map((k) => k.key) };

// Exact analysis reads the whole keyspace, so the comparison runs on servers of its own: on the shared ones it would
// also walk every other test file's keys (hundreds of thousands while the kill-and-resume suites run) and time out.
const ownStandalone = useOwnRedis();
const ownCluster = useOwnCluster({ replicasPerMaster: 0 });

describe.each(REDIS_MODES)('page probe: Lua script and pipeline agree [%s]', (mode) => {
  it('gives the same counts, memory, types, TTL buckets and top keys', async () => {
    const seeds = mode === 'standalone' ? [{ host: ownStandalone.server.host, port: ownStandalone.server.port }] : ownCluster.cluster.seeds;
    const client = mode === 'standalone' ? new Redis(seeds[0] ?? {}) : new Cluster(seeds);
    const p = 'probe:';
    try {
      await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => client.set(`${p}s:${i}`, 'v'.repeat(i + 1), 'EX', 100 + i * 5000)),
        ...Array.from({ length: 20 }, (_, i) => client.zadd(`${p}z:${i}`, i, 'a', i + 1, 'b')),
        client.sadd(`${p}z:set`, 'x', 'y'),
      ]);
    } finally {
      await closeClient(client);
    }
    const policies = [ns('strings', `${p}s:*`), ns('sorted', `${p}z:*`)];
    const target = testTarget(mode, seeds);
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
