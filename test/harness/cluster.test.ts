import { Redis } from 'ioredis';
import { inject, describe, expect, it } from 'vitest';
import { connectCluster, keyPrefix } from '../helpers/redis';
import { isPidAlive } from '../helpers/processes';

describe('shared Redis Cluster', () => {
  it('covers all 16384 slots with 3 masters, each with a live, linked replica', async () => {
    const cluster = connectCluster();
    const slots = await cluster.cluster('SLOTS');
    let covered = 0;
    const masters = new Set<string>();
    for (const [first, last, master, ...replicas] of slots) {
      covered += last - first + 1;
      masters.add(`${master?.[0]}:${master?.[1]}`);
      expect(replicas.length, `slots ${first}-${last} have a replica`).toBeGreaterThanOrEqual(1);
    }
    expect(covered).toBe(16384);
    expect(masters.size).toBe(3);

    for (const node of cluster.nodes('master')) {
      const info = await node.info('replication');
      expect(info).toMatch(/connected_slaves:1\b/);
      expect(info).toMatch(/slave0:.*state=online/);
    }
    for (const { pid } of inject('redisCluster').nodes) expect(isPidAlive(pid)).toBe(true);
    expect(inject('redisCluster').nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
  });

  it('reads back a key written through the cluster client, from the slot owner', async () => {
    const cluster = connectCluster();
    const key = `${keyPrefix()}greeting`;
    await cluster.set(key, 'hello', 'EX', 60);
    expect(await cluster.get(key)).toBe('hello');
    const slot = await cluster.cluster('KEYSLOT', key);
    const [, , owner] = (await cluster.cluster('SLOTS')).find(([first, last]) => slot >= first && slot <= last) ?? [];
    expect(owner).toBeDefined();
    const direct = new Redis(owner?.[1] ?? 0, owner?.[0] ?? '127.0.0.1', { lazyConnect: true });
    try {
      await direct.connect();
      expect(await direct.get(key)).toBe('hello');
    } finally {
      direct.disconnect();
    }
  });

  it('supports multi-key commands under a hash-tagged prefix', async () => {
    const cluster = connectCluster();
    const prefix = keyPrefix(undefined, { hashTag: true });
    await cluster.mset(`${prefix}a`, '1', `${prefix}b`, '2');
    expect(await cluster.mget(`${prefix}a`, `${prefix}b`)).toEqual(['1', '2']);
  });
});
