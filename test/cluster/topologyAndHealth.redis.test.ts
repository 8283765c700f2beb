import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readClusterHealth } from '../../shared/admin/health/readClusterHealth';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { readTopology } from '../../shared/platform/topology/readTopology';
import { freePort, redisText } from '../../tools/local/index';
import { describeEachRedis, useOwnRedis } from '../helpers/redis';
import { testTarget } from './targets';

const manager = new RedisConnectionManager({ connectTimeoutMs: 1000 });
afterAll(() => manager.closeAll());

describeEachRedis('topology', (ctx) => {
  it('lists every node with role, slots, link, epochs, keys and memory', async () => {
    const key = `${ctx.prefix}k`;
    await ctx.client.set(key, 'v');
    const topology = await readTopology(testTarget(ctx.mode, ctx.seeds), manager);
    expect(topology.mode).toBe(ctx.mode);
    for (const node of topology.nodes) {
      expect(node.reachable).toBe(true);
      expect(node.metrics?.memory.usedBytes).toBeGreaterThan(0);
      expect(node.failState).toBe('ok');
    }
    if (ctx.mode === 'standalone') {
      expect(topology.nodes).toHaveLength(1);
      expect(topology.nodes[0]).toMatchObject({ role: 'master', linkState: 'self' });
      expect(topology.nodes[0]?.metrics?.keys).toBeGreaterThanOrEqual(1);
      return;
    }
    const masters = topology.nodes.filter((n) => n.role === 'master');
    const replicas = topology.nodes.filter((n) => n.role === 'replica');
    expect([masters.length, replicas.length]).toEqual([3, 3]);
    expect(masters.reduce((n, m) => n + m.slotCount, 0)).toBe(16384);
    expect(masters.map((m) => m.slots[0]?.[0])).toEqual([0, 5461, 10923 - 1]);
    for (const replica of replicas) {
      expect(masters.map((m) => m.id)).toContain(replica.masterId);
      expect(replica.metrics?.replication).toMatchObject({ role: 'replica', masterLinkStatus: 'up' });
    }
    expect(topology.nodes.filter((n) => n.linkState === 'self')).toHaveLength(1);
    expect(topology.nodes.every((n) => n.linkState === 'self' || n.linkState === 'connected')).toBe(true);
    expect(topology.nodes.every((n) => (n.configEpoch ?? 0) > 0 && (n.currentEpoch ?? 0) > 0 && n.clusterState === 'ok')).toBe(true);
    // The key is counted on its owner.
    const slot = Number(await redisText(ctx.seeds[0]?.host ?? '', ctx.seeds[0]?.port ?? 0, ['CLUSTER', 'KEYSLOT', key]));
    const owner = masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));
    expect(owner?.metrics?.keys).toBeGreaterThanOrEqual(1);
  });
});

describeEachRedis('health of a healthy server', (ctx) => {
  it('finds nothing beyond info', async () => {
    const report = await readClusterHealth(testTarget(ctx.mode, ctx.seeds), { manager });
    expect(report.verdict).toBe('ok');
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.summary.role).toBe(ctx.mode === 'standalone' ? 'master' : null);
  });
});

describe('health of a troubled standalone server', () => {
  const own = useOwnRedis();

  it('reports memory headroom, a failed RDB save, then a replica whose link is down', async () => {
    const { host, port, dir } = own.server;
    const target = testTarget('standalone', [own.server]);
    expect((await readClusterHealth(target, { manager })).verdict).toBe('ok'); // also opens the pooled connection
    const used = Number(/used_memory:(\d+)/.exec(await redisText(host, port, ['INFO', 'memory']))?.[1]);
    await redisText(host, port, ['CONFIG', 'SET', 'maxmemory', String(Math.ceil(used / 0.88))]);
    await redisText(host, port, ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
    // The data directory disappears under the server: the next BGSAVE fails.
    rmSync(dir, { recursive: true, force: true });
    await redisText(host, port, ['BGSAVE']);
    const report = await pollHealth(target, (codes) => codes.includes('rdb_bgsave_failed'));
    // The test server has no save points (`--save ''`): the failed save refuses no writes, so it is a warning.
    expect(report.verdict).toBe('warning');
    const headroom = report.findings.find((f) => f.code === 'memory_headroom_low');
    expect(headroom).toMatchObject({ severity: 'warning', evidence: { maxmemoryPolicy: 'noeviction', usedRatio: expect.closeTo(0.88, 1) } });
    expect(headroom?.fix).toContain('OOM');
    expect(report.findings.find((f) => f.code === 'rdb_bgsave_failed')).toMatchObject({ severity: 'warning', evidence: { writesRefused: false } });

    await redisText(host, port, ['CONFIG', 'SET', 'maxmemory', '0']);
    await redisText(host, port, ['REPLICAOF', '127.0.0.1', String(await freePort())]);
    const replica = await readClusterHealth(target, { manager });
    expect(replica.summary.role).toBe('replica');
    expect(replica.findings.map((f) => `${f.severity}:${f.code}`)).toEqual(expect.arrayContaining(['error:replica_link_down', 'info:node_is_replica', 'info:maxmemory_not_set']));
  });
});

async function pollHealth(target: ReturnType<typeof testTarget>, done: (codes: string[]) => boolean): Promise<Awaited<ReturnType<typeof readClusterHealth>>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const report = await readClusterHealth(target, { manager });
    if (done(report.findings.map((f) => f.code)) || Date.now() > deadline) return report;
    await new Promise((r) => setTimeout(r, 100));
  }
}
