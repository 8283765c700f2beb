import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../shared/admin/health/assessHealth';
import { readClusterHealth } from '../../shared/admin/health/readClusterHealth';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../shared/platform/redis/RedisTarget';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { freeClusterPort, freePort, redisText, spawnRedis, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { parityOf, redisCliCheck } from './redisCliCheck';
import { testTarget } from './targets';

// Health gaps found on clusters built to be broken (issue 13), each compared with redis-cli where it has an opinion.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
const manager = new RedisConnectionManager({ connectTimeoutMs: 1000, commandTimeoutMs: 1500 });
let target: RedisTarget;
const ids = new Map<RedisProcess, string>();
const extra: RedisProcess[] = [];

beforeAll(async () => {
  target = testTarget('cluster', own.cluster.seeds);
  for (const node of own.cluster.nodes) ids.set(node, await redisText(node.host, node.port, ['CLUSTER', 'MYID']));
});
afterAll(async () => {
  await manager.closeAll();
  await Promise.all(extra.map((p) => p.stop()));
});

const addr = (n: RedisProcess): string => `${n.host}:${n.port}`;
const cmd = (n: RedisProcess, ...args: string[]): Promise<string> => redisText(n.host, n.port, args);
const health = (t: RedisTarget = target): Promise<HealthReport> => readClusterHealth(t, { manager });
const finding = (r: HealthReport, code: string) => r.findings.find((f) => f.code === code);

async function eventually<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value, null, 1).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function spawnExtra(args: string[] = [], port?: number): Promise<RedisProcess> {
  const p = await spawnRedis({ args, ...(port ? { port } : {}) });
  extra.push(p);
  return p;
}

/** A key (with a fixed hash tag) that hashes to `slot`. */
function keyInSlot(slot: number, suffix: string): string {
  for (let i = 0; ; i++) if (keySlot(Buffer.from(`{h${i}}`)) === slot) return `{h${i}}:${suffix}`;
}

describe('health gaps, against real broken clusters and servers', () => {
  it('a key left in a slot its node does not own (migration abandoned with SETSLOT STABLE): multiple owners, like redis-cli --cluster-search-multiple-owners', async () => {
    const [m0, m1] = own.cluster.masters as [RedisProcess, RedisProcess];
    const key = keyInSlot(100, 'stray');
    await cmd(m0, 'SET', key, 'v');
    await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', ids.get(m0) ?? '');
    await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', ids.get(m1) ?? '');
    await cmd(m0, 'MIGRATE', m1.host, String(m1.port), key, '0', '5000');
    await cmd(m0, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    try {
      const report = await health();
      const owners = finding(report, 'slot_multiple_owners');
      expect(owners?.evidence).toMatchObject({ slots: '100', owners: expect.arrayContaining([addr(m0), addr(m1)]), keysInUnownedSlots: [{ slot: 100, node: addr(m1), keys: 1 }] });
      const cli = await redisCliCheck(report.checkedFrom, { searchMultipleOwners: true });
      expect(cli.multipleOwners).toEqual([100]);
      expect(parityOf(report).multipleOwners).toEqual(cli.multipleOwners);
      expect(report.redisCliVerdict).toBe(cli.verdict);
    } finally {
      // The stray key can only be reached with ASKING while its slot is importing.
      await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', ids.get(m0) ?? '');
      const direct = new Redis({ host: m1.host, port: m1.port, lazyConnect: true });
      await direct.connect();
      await direct.pipeline().call('ASKING').call('DEL', key).exec();
      direct.disconnect();
      await cmd(m1, 'CLUSTER', 'SETSLOT', '100', 'STABLE');
    }
    expect(finding(await health(), 'slot_multiple_owners')).toBeUndefined();
  });

  it('a node answering LOADING is node_loading, not a timeout', async () => {
    const replica = own.cluster.replicas[2] as RedisProcess;
    await cmd(replica, 'CONFIG', 'SET', 'loading-process-events-interval-bytes', '1024');
    await cmd(replica, 'CONFIG', 'SET', 'key-load-delay', '200');
    // 20000 keys in one slot of its master (so they replicate), enough to load for a few seconds.
    const master = own.cluster.masters[2] as RedisProcess;
    const tag = keyInSlot(12000, '');
    for (let b = 0; b < 20; b++) await cmd(master, 'MSET', ...Array.from({ length: 1000 }, (_, i) => [`${tag}${b}-${i}`, 'v']).flat());
    await eventually('replica synced', () => cmd(replica, 'DBSIZE'), (n) => Number(n) >= 20000);
    void redisText(replica.host, replica.port, ['DEBUG', 'RELOAD'], { timeoutMs: 30_000 }).catch(() => undefined);
    try {
      const report = await eventually('node_loading reported', () => health(), (r) => finding(r, 'node_loading') !== undefined, 10_000);
      expect(finding(report, 'node_loading')?.evidence).toMatchObject({ node: addr(replica) });
      expect(report.findings.some((f) => f.code === 'node_unreachable' && f.evidence['node'] === addr(replica))).toBe(false);
    } finally {
      await cmd(replica, 'CONFIG', 'SET', 'key-load-delay', '0').catch(() => undefined);
      await eventually('load finished', () => redisText(replica.host, replica.port, ['PING']).catch((e: Error) => e.message), (r) => r === 'PONG', 30_000);
      await cmd(master, 'FLUSHALL');
    }
  });

  it('a frozen node: the first call pays a short budget, the next ones answer in under 1 s', async () => {
    const replica = own.cluster.replicas[1] as RedisProcess;
    await health(); // warm connections
    process.kill(replica.pid, 'SIGSTOP');
    try {
      const first = Date.now();
      const r1 = await health();
      const firstMs = Date.now() - first;
      expect(r1.findings.some((f) => ['node_unreachable', 'node_pfail', 'node_failed'].includes(f.code) && f.evidence['node'] === addr(replica))).toBe(true);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = Date.now();
        const r = await health();
        times.push(Date.now() - t);
        expect(r.summary.reachable).toBe(5);
      }
      // Without the budget and the memory every call paid the command timeout (1.5 s here, 2 s by default) or more.
      expect(firstMs).toBeLessThan(2000);
      expect(Math.max(...times)).toBeLessThan(1000);
    } finally {
      process.kill(replica.pid, 'SIGCONT');
    }
    await eventually('thawed node seen again', () => health(), (r) => r.summary.reachable === 6, 30_000);
  });

  it('a replica reset HARD leaves a noaddr entry: listed and reported, never dropped', async () => {
    const replica = own.cluster.replicas[0] as RedisProcess;
    const oldId = ids.get(replica) ?? '';
    await cmd(replica, 'CLUSTER', 'RESET', 'HARD');
    const report = await eventually('old id flagged noaddr', () => health(), (r) => finding(r, 'node_noaddr') !== undefined);
    expect(finding(report, 'node_noaddr')).toMatchObject({ severity: 'warning', evidence: { nodeId: oldId, role: 'replica' } });
    const cli = await redisCliCheck(report.checkedFrom, { searchMultipleOwners: true });
    expect(parityOf(report)).toMatchObject({ verdict: cli.verdict, agree: cli.agree, allSlotsCovered: cli.allSlotsCovered });
  });

  it('a fresh node listed twice (":PORT" and "127.0.0.1:PORT") is one node; a single-node cluster owning every slot has no false multiple owners', async () => {
    const node = await spawnExtra(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'], await freeClusterPort());
    const single = testTarget('cluster', [{ host: node.host, port: node.port }]);
    const fresh = await health(single);
    expect(fresh.summary.nodes).toBe(1);
    await cmd(node, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const report = await eventually('cluster_state ok', () => health(single), (r) => !r.findings.some((f) => f.code === 'cluster_state_fail'));
    expect(report.summary).toMatchObject({ nodes: 1, masters: 1, slotsCovered: 16384 });
    expect(finding(report, 'slot_multiple_owners')).toBeUndefined();
    const cli = await redisCliCheck(report.checkedFrom, { searchMultipleOwners: true });
    expect(cli.multipleOwners).toEqual([]);
    expect(report.redisCliVerdict).toBe(cli.verdict);
    expect(report.redisCliVerdict).toBe('ok');
  });

  it('mode mismatch and not-a-Redis endpoints are named as such', async () => {
    const standalone = await spawnExtra();
    await expect(health(testTarget('cluster', [{ host: standalone.host, port: standalone.port }]))).rejects.toMatchObject({ code: 'cluster_mode_mismatch', kind: 'unprocessable' });
    const m0 = own.cluster.masters[0] as RedisProcess;
    const asStandalone = await health(testTarget('standalone', [{ host: m0.host, port: m0.port }]));
    expect(asStandalone.verdict).toBe('error');
    expect(finding(asStandalone, 'cluster_mode_mismatch')).toMatchObject({ severity: 'error', evidence: { clusterEnabled: 1 } });
    const httpPort = await freePort();
    const server: Server = createServer((_, res) => res.end('not redis'));
    await new Promise<void>((resolve) => server.listen(httpPort, '127.0.0.1', resolve));
    try {
      await expect(health(testTarget('standalone', [{ host: '127.0.0.1', port: httpPort }]))).rejects.toMatchObject({ code: 'redis_not_a_redis_server', kind: 'unprocessable' });
    } finally {
      server.close();
    }
  });

  it('rdb_bgsave_failed says whether writes are refused; a refused appendonly yes is reported', async () => {
    const server = await spawnExtra();
    const t = testTarget('standalone', [{ host: server.host, port: server.port }]);
    // A directory where the RDB file must go makes the rename of every save fail; a file where the AOF
    // directory must go makes CONFIG SET appendonly yes fail (root ignores permissions, this does not).
    mkdirSync(join(server.dir, 'dump.rdb', 'in-the-way'), { recursive: true });
    writeFileSync(join(server.dir, 'appendonlydir'), 'in the way');
    await cmd(server, 'SET', 'k', 'v');
    await cmd(server, 'BGSAVE');
    await eventually('bgsave failed', () => cmd(server, 'INFO', 'persistence'), (i) => i.includes('rdb_last_bgsave_status:err') && i.includes('rdb_bgsave_in_progress:0'));
    const noSavePoints = await health(t);
    expect(finding(noSavePoints, 'rdb_bgsave_failed')).toMatchObject({ severity: 'warning', evidence: { writesRefused: false, savePoints: '' } });
    expect(await cmd(server, 'SET', 'k2', 'v')).toBe('OK');
    await cmd(server, 'CONFIG', 'SET', 'save', '3600 1');
    const refusing = await health(t);
    expect(finding(refusing, 'rdb_bgsave_failed')).toMatchObject({ severity: 'error', evidence: { writesRefused: true, stopWritesOnBgsaveError: 'yes' } });
    await expect(cmd(server, 'SET', 'k3', 'v')).rejects.toThrow(/MISCONF/);
    await expect(cmd(server, 'CONFIG', 'SET', 'appendonly', 'yes')).rejects.toThrow(/appendonly/);
    const aof = await health(t);
    expect(finding(aof, 'aof_enable_failed')).toMatchObject({ severity: 'warning', evidence: { aofEnabled: 0, aofLastBgrewriteStatus: 'err' } });
    expect(finding(aof, 'aof_write_failed')).toBeUndefined();
  });
});
