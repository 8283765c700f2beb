import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../../shared/platform/registry/clusterSpec';
import { onMemoryAlert } from '../../shared/eviction/policy/onMemoryAlert';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import type { ControlPlane } from '../../shared/platform/controlPlane';
import { clusterStreamId } from '../../shared/platform/store/streamId';
import { testControlPlane } from '../controlplane/api';
import { closeClient, useOwnRedis } from '../helpers/redis';
import { azuriteConnectionString, uniqueTableName } from '../helpers/storage';
import type { TableClient } from '@azure/data-tables';
import { storageTarget, tableClient } from '../../shared/platform/storage/storageClients';
import { AlertStateStore } from '../../shared/monitoring/alerts/AlertStateStore';
import { alertKey, type AlertState } from '../../shared/monitoring/alerts/AlertState';

// Own server: the automatic action changes TTLs of whole namespaces.
const own = useOwnRedis();
const manager = new RedisConnectionManager();
const change = { principal: { id: 'ada', kind: 'api-key' as const, role: 'admin' as const }, correlationId: 'setup' };
let cp: ControlPlane;
let redis: Redis;
let alertStates: TableClient;
const logs: string[] = [];
const context = { log: (...a: unknown[]) => logs.push(a.join(' ')), warn: (...a: unknown[]) => logs.push(`WARN ${a.join(' ')}`) };

beforeAll(async () => {
  cp = await testControlPlane();
  redis = new Redis({ port: own.server.port });
  alertStates = tableClient(storageTarget({ AzureWebJobsStorage: azuriteConnectionString() }), uniqueTableName('alerts'));
  await alertStates.createTable();
});
afterAll(async () => {
  await closeClient(redis);
  await manager.closeAll();
});

const alert = (clusterId: string, metric = 'used_memory_ratio') => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/redis-cluster-manager',
  type: 'RedisClusterManager.Alert.Raised',
  subject: `clusters/${clusterId}`,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: { clusterId, alertId: `a-${randomUUID()}`, rule: 'memory_high', severity: 'warning', metric, node: `127.0.0.1:${own.server.port}`, value: 0.93, threshold: 0.9, raisedAt: new Date().toISOString() },
});

/** Monitoring's own store records the incident as firing, as a monitor tick that raised it would. */
async function firing(event: ReturnType<typeof alert>): Promise<typeof event> {
  const d = event.data;
  const state: AlertState = { rule: d.rule, metric: d.metric as AlertState['metric'], severity: 'warning', node: d.node, status: 'firing', since: Date.now() - 60_000, alertId: d.alertId, raisedAt: Date.now(), announced: true, value: d.value, threshold: d.threshold, lastSeen: Date.now() };
  await new AlertStateStore(alertStates).apply(d.clusterId, new Map([[alertKey(d.rule, d.node), state]]), []);
  return event;
}

/** maxmemory just above what is used now: memory read now is at ~95 % of the limit. */
async function memoryAt95(): Promise<void> {
  const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  await redis.config('SET', 'maxmemory', String(Math.ceil(used / 0.95)));
}

async function register(id: string, labels?: Record<string, string>) {
  const spec: ClusterSpec = { mode: 'standalone', endpoints: [{ host: own.server.host, port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'none' }, ...(labels ? { labels } : {}) };
  await cp.clusters.put(id, spec, change);
  await cp.namespaces.put(id, 'feed', { keyPattern: 'feed:*', ttlSeconds: 600, ttlJitterPercent: 0, priority: 10, protected: false, warmPlan: null }, change);
  await cp.namespaces.put(id, 'orders', { keyPattern: 'order:*', ttlSeconds: 600, ttlJitterPercent: 0, priority: 90, protected: false, warmPlan: null }, change);
}

const recommended = async (clusterId: string) => (await cp.store.read(clusterStreamId(clusterId))).filter((e) => e.type === 'RedisClusterManager.Eviction.PolicyRecommended');

describe('memory-pressure alert → Eviction.PolicyRecommended', () => {
  beforeAll(async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 200; i++) pipeline.set(`feed:${i}`, 'f'.repeat(100)); // low priority, no TTL
    for (let i = 0; i < 100; i++) pipeline.set(`feed:t${i}`, 'f'.repeat(100), 'EX', 3600); // TTL longer than half the policy's
    for (let i = 0; i < 100; i++) pipeline.set(`order:${i}`, 'o'.repeat(100)); // high priority, no TTL
    await pipeline.exec();
  });

  it('runs a sampled analysis and records the recommendation with the alert that triggered it; changes no key by default', async () => {
    await register('mem-off');
    const event = await firing(alert('mem-off'));
    await onMemoryAlert(event, context, { cp, manager, samples: 2000, alertStates });
    const [rec] = await recommended('mem-off');
    expect(rec?.principal.id).toBe('redis-cluster-manager');
    expect(rec?.data).toMatchObject({ clusterId: 'mem-off', current: 'noeviction', recommended: 'allkeys-lru', trigger: { rule: 'memory_high', metric: 'used_memory_ratio', value: 0.93 }, analysis: { mode: 'sampled' } });
    expect(rec?.data).not.toHaveProperty('actions');
    expect((rec?.data as { reasons: string[] }).reasons.join(' ')).toMatch(/of memory .* is in keys with a TTL/);
    expect(await redis.ttl('feed:1')).toBe(-1);

    await onMemoryAlert(event, context, { cp, manager, alertStates }); // redelivery: deduped
    expect(await recommended('mem-off')).toHaveLength(1);
  });

  it('other alerts and malformed events are ignored with a log line', async () => {
    await register('mem-other');
    await onMemoryAlert(alert('mem-other', 'latency_p99_ms'), context, { cp, manager, alertStates });
    await onMemoryAlert({ ...alert('mem-other'), data: { clusterId: 'mem-other' } }, context, { cp, manager, alertStates });
    expect(await recommended('mem-other')).toEqual([]);
    expect(logs.some((l) => l.includes('latency_p99_ms is not memory pressure'))).toBe(true);
    expect(logs.some((l) => l.startsWith('WARN') && l.includes('rejected: data.alertId'))).toBe(true);
  });

  it('an alert that is not firing in the alert store (forged, or resolved meanwhile) changes nothing and records nothing', async () => {
    await register('mem-forged', { 'rcm.eviction.auto-shorten-ttl': 'on' });
    await memoryAt95();
    try {
      await onMemoryAlert(alert('mem-forged'), context, { cp, manager, samples: 2000, alertStates });
      const other = await firing(alert('mem-forged'));
      // A real incident id, but a different metric than the event claims: not trusted either.
      await onMemoryAlert({ ...other, id: randomUUID(), data: { ...other.data, metric: 'evicted_keys_per_s' } }, context, { cp, manager, alertStates });
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect(await recommended('mem-forged')).toEqual([]);
    expect(await redis.ttl('feed:1')).toBe(-1);
    expect(logs.filter((l) => l.includes('is not firing in the alert store'))).toHaveLength(2);
  });

  it('a firing alert whose memory pressure is gone when read now: the recommendation says so, no TTL is touched', async () => {
    await register('mem-gone', { 'rcm.eviction.auto-shorten-ttl': 'on' });
    await onMemoryAlert(await firing(alert('mem-gone')), context, { cp, manager, samples: 2000, alertStates }); // maxmemory 0: no limit
    const [rec] = await recommended('mem-gone');
    expect(rec?.data).not.toHaveProperty('actions');
    expect((rec?.data as { warnings: string[] }).warnings[0]).toMatch(/automatic TTL shortening skipped: memory now has no maxmemory limit/);
    expect(await redis.ttl('feed:1')).toBe(-1);
  });

  it('with the opt-in label, shortens TTLs of low-priority namespaces only (PEXPIRE LT), and audits it in the event', async () => {
    await register('mem-on', { 'rcm.eviction.auto-shorten-ttl': 'on' });
    await memoryAt95();
    try {
      await onMemoryAlert(await firing(alert('mem-on')), context, { cp, manager, samples: 2000, alertStates });
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    const [rec] = await recommended('mem-on');
    expect((rec?.data as { actions: unknown[] }).actions).toEqual([
      { action: 'shorten-ttl', namespace: 'feed', keysChanged: 300, detail: expect.stringContaining('PEXPIRE 300000 ms LT') },
    ]);
    const ttl = await redis.pttl('feed:1');
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect(await redis.pttl('feed:t1')).toBeLessThanOrEqual(300_000);
    expect(await redis.ttl('order:1')).toBe(-1); // priority 90: untouched
  });
});
