import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisExporter, type RedisExporter } from '../../bench/scenarios/monitorExporter';
import { collectCluster } from '../../shared/monitoring/collection/collectCluster';
import { deriveReadings } from '../../shared/monitoring/collection/deriveReadings';
import type { NodeReading } from '../../shared/monitoring/collection/NodeReading';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { localTelemetry, type MonitorTelemetry } from '../../shared/monitoring/collection/MonitorTelemetry';
import { useOwnRedis } from '../helpers/redis';
import { InMemoryReader } from './otelReader';

// Own server: evictions and expirations need server-wide settings, and nobody else's traffic may move the counters.
const own = useOwnRedis({ args: ['--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru'] });
const connections = new RedisConnectionManager();
const reader = new InMemoryReader();
let telemetry: MonitorTelemetry;
let exporter: RedisExporter;
let readings: NodeReading[];
let scraped: Map<string, number>;

beforeAll(async () => {
  telemetry = await localTelemetry([reader]);
  const traffic = new Redis(own.server.url);
  for (let i = 0; i < 400; i++) await traffic.set(`parity:big:${i}`, 'x'.repeat(10_000)); // ~4 MB into 2 MB: evictions
  for (let i = 0; i < 50; i++) await traffic.set(`parity:ttl:${i}`, '1', 'PX', 1);
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 50; i++) await traffic.get(`parity:ttl:${i}`); // expired on access
  for (let i = 390; i < 400; i++) await traffic.get(`parity:big:${i}`); // hits
  // Off the limit again: at it, any command of either reader (even INFO) may evict one more key between the reads.
  await traffic.config('SET', 'maxmemory', '64mb');
  traffic.disconnect();
  exporter = await startRedisExporter(`127.0.0.1:${own.server.port}`);
  const target = { id: 'parity', mode: 'standalone' as const, endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' as const } };
  // Same node, same moment: our collection, then at once one exporter scrape.
  const { samples } = await connections.run(target, (c) => collectCluster(c, { nodeTimeoutMs: 2000, slowlogEntries: 10 }));
  scraped = await exporter.scrape();
  readings = deriveReadings('parity', samples, new Map());
  telemetry.record(readings);
});

afterAll(async () => {
  await exporter?.stop();
  await connections.closeAll();
});

describe('parity with prometheus-redis-exporter (same node, same moment)', () => {
  it('keyspace hits/misses, evicted and expired keys are equal; memory, clients and commands agree within what the two reads themselves change', async () => {
    const exported = new Map((await reader.points()).map((p) => [p.name, p.value]));
    const ours = (name: string) => exported.get(name);
    const theirs = (name: string) => scraped.get(name);
    expect(theirs('redis_evicted_keys_total')).toBeGreaterThan(0);
    expect(theirs('redis_expired_keys_total')).toBeGreaterThanOrEqual(50);
    expect(ours('cachehits')).toBe(theirs('redis_keyspace_hits_total'));
    expect(ours('cachemisses')).toBe(theirs('redis_keyspace_misses_total'));
    expect(ours('evictedkeys')).toBe(theirs('redis_evicted_keys_total'));
    expect(ours('expiredkeys')).toBe(theirs('redis_expired_keys_total'));
    expect(ours('redis.maxmemory')).toBe(theirs('redis_memory_max_bytes'));
    expect(ours('redis.maxmemory')).toBe(64 * 1024 * 1024);
    expect(ours('totalkeys')).toBe(theirs('redis_db_keys{db="db0"}'));
    expect(ours('redis.connections.received')).toBe((theirs('redis_connections_received_total') ?? 0) - 1); // + the exporter's connection
    // The exporter's own connection is open during its INFO, not during ours.
    expect(ours('connectedclients')).toBe((theirs('redis_connected_clients') ?? 0) - 1);
    // Our PING/LATENCY/SLOWLOG after our INFO and the exporter's commands before its INFO: a handful, never fewer.
    const commandsGap = (theirs('redis_commands_processed_total') ?? 0) - (ours('totalcommandsprocessed') ?? 0);
    expect(commandsGap).toBeGreaterThanOrEqual(1);
    expect(commandsGap).toBeLessThan(40);
    // Client buffers of the two connections move used_memory by a few KiB.
    expect(Math.abs((theirs('redis_memory_used_bytes') ?? 0) - (ours('usedmemory') ?? 0))).toBeLessThan(256 * 1024);
  });

  it('exports stable names, UCUM units and the cluster/node/role/shard attributes', async () => {
    const points = await reader.points();
    const byName = new Map(points.map((p) => [p.name, p] as const));
    expect(Object.fromEntries(['usedmemory', 'redis.keyspace.hit_ratio', 'operationsPerSecond', 'cacheLatency', 'redis.up', 'evictedkeys'].map((n) => [n, byName.get(n)?.unit ?? 'not exported']))).toEqual({
      usedmemory: 'By',
      'redis.keyspace.hit_ratio': 'not exported', // first sample: no interval yet, so no ratio (never a since-boot value)
      operationsPerSecond: 'not exported',
      cacheLatency: 'us',
      'redis.up': '1',
      evictedkeys: '{key}',
    });
    expect(byName.get('redis.up')?.attributes).toEqual({ 'redis.cluster': 'parity', 'redis.node': `127.0.0.1:${own.server.port}`, 'redis.role': 'master', 'redis.shard': 'standalone' });
    expect(byName.get('redis.up')?.value).toBe(1);
  });
});
