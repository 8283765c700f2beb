import { describe, expect, it } from 'vitest';
import { isConcurrencyError } from '../../shared/platform/store/ConcurrencyError';
import { EventStoreCorruptionError } from '../../shared/platform/store/EventStoreCorruptionError';
import type { DomainEvent } from '../../shared/platform/events/catalogue';
import { alice, freshStore } from './fixtures';

const registered = (clusterId: string): DomainEvent => ({
  type: 'RedisClusterManager.Cluster.Registered',
  data: { clusterId, cluster: { mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 6390 }], tls: { enabled: false }, secretRef: { kind: 'none' } } },
});
const removed = (clusterId: string): DomainEvent => ({ type: 'RedisClusterManager.Cluster.Removed', data: { clusterId } });
const ctx = { principal: alice, correlationId: 'corr-1' };

describe('EventStore', () => {
  it('appends with increasing versions and reads them back with who, when and correlation id', async () => {
    const store = await freshStore();
    const first = await store.append('cluster-a', 0, [registered('a')], ctx);
    const second = await store.append('cluster-a', 1, [removed('a'), registered('a')], ctx);
    expect([...first, ...second].map((e) => e.version)).toEqual([1, 2, 3]);
    const read = await store.read('cluster-a');
    expect(read.map((e) => [e.version, e.type])).toEqual([
      [1, 'RedisClusterManager.Cluster.Registered'],
      [2, 'RedisClusterManager.Cluster.Removed'],
      [3, 'RedisClusterManager.Cluster.Registered'],
    ]);
    expect(read[0]).toMatchObject({ principal: alice, correlationId: 'corr-1', id: first[0]?.id });
    expect(Date.parse(read[0]?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect((await store.head('cluster-a')).version).toBe(3);
    expect(await store.read('cluster-other')).toEqual([]);
  });

  it('pages newest first', async () => {
    const store = await freshStore();
    for (let v = 0; v < 5; v += 1) await store.append('cluster-p', v, [v % 2 === 0 ? registered('p') : removed('p')], ctx);
    const page1 = await store.readBackward('cluster-p', 2);
    expect(page1.events.map((e) => e.version)).toEqual([5, 4]);
    const page2 = await store.readBackward('cluster-p', 2, page1.nextBefore);
    expect(page2.events.map((e) => e.version)).toEqual([3, 2]);
    const page3 = await store.readBackward('cluster-p', 2, page2.nextBefore);
    expect(page3).toEqual({ events: [expect.objectContaining({ version: 1 })] });
  });

  it('refuses a stale expected version and a future one, storing nothing', async () => {
    const store = await freshStore();
    await store.append('cluster-s', 0, [registered('s')], ctx);
    await store.append('cluster-s', 1, [removed('s')], ctx);
    await expect(store.append('cluster-s', 1, [registered('s')], ctx)).rejects.toSatisfy(isConcurrencyError);
    await expect(store.append('cluster-s', 0, [registered('s')], ctx)).rejects.toSatisfy(isConcurrencyError);
    await expect(store.append('cluster-s', 7, [registered('s')], ctx)).rejects.toSatisfy(isConcurrencyError);
    expect((await store.read('cluster-s')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('lets exactly one of many parallel writers win each version, losing nothing', async () => {
    const store = await freshStore();
    await store.append('cluster-race', 0, [registered('race')], ctx);
    const writers = 12;
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) => store.append('cluster-race', 1, [removed('race')], { ...ctx, correlationId: `w${i}` })),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && isConcurrencyError(r.reason))).toHaveLength(writers - 1);
    const events = await store.read('cluster-race');
    expect(events.map((e) => e.version)).toEqual([1, 2]);
    // The stored event is the winner's, not a mix.
    const winner = winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof store.append>>>;
    expect(events[1]?.correlationId).toBe(winner.value[0]?.correlationId);
  });

  it('validates events on write: an invalid payload is never stored', async () => {
    const store = await freshStore();
    const bad = { type: 'RedisClusterManager.Cluster.Removed', data: { clusterId: '../etc' } } as DomainEvent;
    await expect(store.append('cluster-v', 0, [bad], ctx)).rejects.toThrow(/data\.clusterId/);
    await expect(store.append('cluster-v', 0, [{ type: 'Nope', data: {} } as unknown as DomainEvent], ctx)).rejects.toThrow(/unknown event type 'Nope'/);
    expect((await store.head('cluster-v')).version).toBe(0);
  });

  it('validates events on read: a corrupted row fails with the row and field named', async () => {
    const store = await freshStore();
    await store.append('cluster-c', 0, [registered('c')], ctx);
    const data = JSON.stringify({ clusterId: 'c', cluster: { mode: 'mainframe', endpoints: [], secretRef: { kind: 'none' } } });
    await store.table.updateEntity({ partitionKey: 'cluster-c', rowKey: 'e-0000000001', data0: data, dataChunks: 1 }, 'Merge');
    const failure = store.read('cluster-c');
    await expect(failure).rejects.toBeInstanceOf(EventStoreCorruptionError);
    await expect(store.read('cluster-c')).rejects.toThrow(/cluster-c\/e-0000000001 \(RedisClusterManager\.Cluster\.Registered\) is invalid: 'data\.cluster\.mode/);
  });
});
