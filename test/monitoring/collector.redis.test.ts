import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Monitoring } from '../../shared/monitoring/collection/openMonitoring';
import { runMonitorTick, type TickResult } from '../../shared/monitoring/collection/runMonitorTick';
import { spawnRedis, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { alertEvents, change, RedisConnectionManager, recordingPublisher, testMonitoring, tickDeps } from './fixtures';

// A private 3×1 cluster: this file kills and restarts a node.
const own = useOwnCluster();
const env = { MONITOR_INTERVAL_SECONDS: '5', MONITOR_NODE_TIMEOUT_MS: '1000' };
const budgetMs = 4000;
const publisher = recordingPublisher();
const connections = new RedisConnectionManager();
let m: Monitoring;
let restarted: RedisProcess | undefined;

async function tick(): Promise<TickResult> {
  return runMonitorTick(tickDeps(m, connections, env), budgetMs);
}

beforeAll(async () => {
  m = await testMonitoring({ publisher, env });
  await m.cp.clusters.put('own', { mode: 'cluster', endpoints: own.cluster.seeds, tls: { enabled: false }, secretRef: { kind: 'none' } }, change);
});

afterAll(async () => {
  await connections.closeAll();
  await restarted?.stop();
});

describe('collector on a 6-node cluster', () => {
  it('samples every node with role and shard; the first sample has no rates yet', async () => {
    const result = await tick();
    const [cluster] = result.clusters;
    expect(cluster?.mode).toBe('cluster');
    const readings = cluster?.readings ?? [];
    expect(readings.map((r) => r.node).sort()).toEqual(own.cluster.nodes.map((n) => `127.0.0.1:${n.port}`).sort());
    expect(readings.every((r) => r.reachable)).toBe(true);
    const masters = readings.filter((r) => r.role === 'master');
    expect(masters).toHaveLength(3);
    expect(masters.every((r) => r.slotCount > 0 && r.shard === r.nodeId && r.liveReplicas === 1)).toBe(true);
    for (const replica of readings.filter((r) => r.role === 'replica')) {
      expect(masters.map((x) => x.shard)).toContain(replica.shard);
      expect(replica.masterLinkUp).toBe(true);
      expect(replica.replicationLagBytes).toBeGreaterThanOrEqual(0);
    }
    expect(readings.every((r) => r.clusterStateOk === true && r.slotsOk === 16384 && r.opsPerSec === null)).toBe(true);
    expect(result.withinBudget).toBe(true);
  });

  it('derives per-interval rates: hit ratio of the interval, ops/s, nothing negative', async () => {
    const client = new Cluster(own.cluster.seeds, { redisOptions: { connectTimeout: 3000 } });
    try {
      const keys = Array.from({ length: 30 }, (_, i) => `{hits}k${i}`);
      await client.mset(Object.fromEntries(keys.map((k) => [k, 'v'])));
      await tick(); // the base sample of this interval
      for (const k of keys) await client.get(k);
      for (let i = 0; i < 10; i++) await client.get(`{hits}missing${i}`);
      const owner = (client.slots[Number(await client.cluster('KEYSLOT', keys[0] as string))] ?? [])[0];
      const readings = (await tick()).clusters[0]?.readings ?? [];
      const node = readings.find((r) => r.node === owner);
      expect(node?.hitsDelta).toBe(30);
      expect(node?.missesDelta).toBe(10);
      expect(node?.hitRatio).toBeCloseTo(0.75, 5);
      expect(node?.opsPerSec).toBeGreaterThan(0);
      for (const r of readings) {
        for (const v of [r.opsPerSec, r.evictionsPerSec, r.expirationsPerSec, r.netInBytesPerSec, r.netOutBytesPerSec]) expect(v).toBeGreaterThanOrEqual(0);
      }
      // Nodes that served no lookups have no hit ratio for the interval (not 0, not the since-boot ratio).
      expect(readings.filter((r) => r.node !== owner && r.role === 'master').every((r) => r.hitRatio === null)).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('a killed node: exactly one node_unreachable alert within one tick, the others still collected, the tick within budget; restarting it resolves the alert', async () => {
    const victim = own.cluster.replicas[0] as RedisProcess;
    const address = `127.0.0.1:${victim.port}`;
    publisher.sent.length = 0;
    process.kill(victim.pid, 'SIGKILL');
    const down = await tick();
    const readings = down.clusters[0]?.readings ?? [];
    expect(readings.find((r) => r.node === address)).toMatchObject({ reachable: false });
    expect(readings.filter((r) => r.reachable)).toHaveLength(5);
    expect(down.durationMs).toBeLessThan(budgetMs);
    expect(down.withinBudget).toBe(true);
    expect(alertEvents(publisher.sent).filter(([, rule]) => rule === 'node_unreachable')).toEqual([['Raised', 'node_unreachable', address]]);
    expect((await m.alerts.active('own')).find((a) => a.rule === 'node_unreachable')).toMatchObject({ status: 'firing', node: address, announced: true });

    await tick(); // still down: no second Raised
    expect(alertEvents(publisher.sent).filter(([, rule]) => rule === 'node_unreachable')).toHaveLength(1);

    restarted = await spawnRedis({
      port: victim.port,
      dir: victim.dir,
      args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-replica-validity-factor', '0', '--cluster-announce-ip', '127.0.0.1'],
    });
    const up = await tick();
    const back = up.clusters[0]?.readings.find((r) => r.node === address);
    expect(back).toMatchObject({ reachable: true, restarted: true, opsPerSec: null });
    expect(alertEvents(publisher.sent).filter(([, rule]) => rule === 'node_unreachable')).toEqual([
      ['Raised', 'node_unreachable', address],
      ['Resolved', 'node_unreachable', address],
    ]);
    expect((await m.alerts.active('own')).some((a) => a.rule === 'node_unreachable')).toBe(false);
  });

  it('keeps compact history rows the metrics API reads', async () => {
    const rows = await m.store.history('own', Date.now() - 60_000, Date.now());
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.every((r) => r.nodes.length === 6)).toBe(true);
  });
});
