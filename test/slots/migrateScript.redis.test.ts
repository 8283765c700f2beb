import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSlots, type ConnectedNode, type MigrateOptions } from '../../shared/admin/slots/migrateSlot';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { LatencyGuard } from '../../shared/platform/keyspace/LatencyGuard';
import { redisText, type RedisProcess } from '../../tools/local/index';
import { useOwnCluster } from '../helpers/redis';
import { addEmptyMaster } from './slotTestbed';

// migrateSlots on real servers: the keys moved by the source itself (one script run per MIGRATE batch), a big key
// moved alone between script runs, the paced path, and a cluster with a password (client path only: a script's
// arguments would show the password in SLOWLOG and MONITOR).
const own = useOwnCluster({ masters: 3, replicasPerMaster: 1 });
let fourth: { node: RedisProcess; id: string };
const opened: Redis[] = [];
const PASSWORD = 'migrate-script-pw-0123';

beforeAll(async () => {
  fourth = await addEmptyMaster(own.cluster);
});
afterAll(async () => {
  opened.forEach((r) => r.disconnect());
  await fourth?.node.stop();
});

const options: MigrateOptions = { bytesPerBatch: 4096, maxKeysPerBatch: 1000, bigKeyBytes: 100_000, migrateTimeoutMs: 5000 };
const unpaced = { guard: new LatencyGuard(null, 1), deadline: Date.now() + 600_000 };

async function connect(n: RedisProcess, password?: string): Promise<ConnectedNode> {
  const redis = new Redis({ host: n.host, port: n.port, ...(password ? { password } : {}) });
  opened.push(redis);
  return { id: await redisText(n.host, n.port, ['CLUSTER', 'MYID'], ...(password ? [{ password }] : [])), address: { host: n.host, port: n.port }, redis };
}

/** `count` keys of 100 B (and, with `big`, one ≈ 300 KB hash) in the slot of hash tag `tag`. */
async function fillSlot(redis: Redis, tag: string, count: number, big = false): Promise<{ slot: number; keys: Map<string, string> }> {
  const keys = new Map<string, string>();
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i++) {
    const key = `{${tag}}:${i}`;
    const value = `${tag}:${i}:`.padEnd(100, 'x');
    keys.set(key, value);
    pipeline.set(key, value);
  }
  if (big) for (let i = 0; i < 3000; i++) pipeline.hset(`{${tag}}:big`, `f${i}`, 'v'.repeat(100));
  await pipeline.exec();
  return { slot: keySlot(Buffer.from(tag)), keys };
}

const evalshaCalls = async (n: RedisProcess, password?: string): Promise<number> => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redisText(n.host, n.port, ['INFO', 'commandstats'], ...(password ? [{ password }] : [])))?.[1] ?? 0);

async function replicaOf(master: RedisProcess): Promise<RedisProcess> {
  for (const n of own.cluster.nodes) {
    const role = await redisText(n.host, n.port, ['ROLE']);
    if (role.startsWith('slave') && role.includes(`,${master.port},`)) return n;
  }
  throw new Error(`no replica of ${master.port}`);
}

async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await ok()); i++) {
    if (i > 100) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Tags whose slot the first master owns (its range starts at 0). */
function tagsOfFirstMaster(count: number): string[] {
  const tags: string[] = [];
  for (let i = 0; tags.length < count; i++) if (keySlot(Buffer.from(`t${i}`)) < 5000) tags.push(`t${i}`);
  return tags;
}

async function expectMoved(source: ConnectedNode, target: ConnectedNode, slots: number[], keys: Map<string, string>): Promise<void> {
  for (const slot of slots) expect(Number(await source.redis.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)))).toBe(0);
  const values = await [...keys.keys()].reduce((p, k) => p.get(k), target.redis.pipeline()).exec();
  expect(values?.map(([, v]) => v)).toEqual([...keys.values()]);
  const self = (await redisText(fourth.node.host, fourth.node.port, ['CLUSTER', 'NODES'], ...(target.redis.options.password ? [{ password: target.redis.options.password }] : []))).split('\n').find((l) => l.includes('myself')) ?? '';
  for (const slot of slots) expect(self).toMatch(new RegExp(`(^| )${slot}( |$|-)|-${slot}( |$)`));
  expect(self).not.toMatch(/\[/);
}

describe('migrateSlots: keys moved by the source itself, client path where the script must not or cannot', () => {
  it('unpaced: several script runs per slot (batches by bytes), a big key moved alone with its scaled timeout, nothing lost', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const [source, target, ...others] = await Promise.all([connect(m0), connect(fourth.node), connect(m1), connect(m2)]);
    const [a, b] = tagsOfFirstMaster(2) as [string, string];
    const slotA = await fillSlot(source.redis, a, 300, true);
    const slotB = await fillSlot(source.redis, b, 50);
    const bigValue = await source.redis.hgetall(`{${a}}:big`);
    const before = await evalshaCalls(m0);
    const result = await migrateSlots([slotA.slot, slotB.slot], source, target, others, { ...options, authArgs: [] }, unpaced);
    expect(result).toMatchObject({ keysMoved: 351, bigKeys: 1, busyKeysResolved: 0, alreadyOwned: false });
    // 350 keys × ≈ 150 B at 4 KiB per batch: more than one run per slot; fewer than one per key.
    const runs = (await evalshaCalls(m0)) - before;
    expect(runs).toBeGreaterThan(10);
    expect(runs).toBeLessThan(60);
    await expectMoved(source, target, [slotA.slot, slotB.slot], new Map([...slotA.keys, ...slotB.keys]));
    expect(await target.redis.hgetall(`{${a}}:big`)).toEqual(bigValue);
    // The source's replica dropped them too: MIGRATE's deletions inside the script replicate as DELs.
    const replica = await replicaOf(m0);
    await waitFor(async () => Number(await redisText(replica.host, replica.port, ['CLUSTER', 'COUNTKEYSINSLOT', String(slotA.slot)])) === 0);
    expect(Number(await redisText(replica.host, replica.port, ['CLUSTER', 'COUNTKEYSINSLOT', String(slotB.slot)]))).toBe(0);
    // Run again (a resumed saga): the target owns them, nothing moves.
    expect(await migrateSlots([slotA.slot, slotB.slot], source, target, others, { ...options, authArgs: [] }, unpaced)).toMatchObject({ keysMoved: 0, alreadyOwned: true });
  }, 60_000);

  it('paced: one script run at a time behind the guard', async () => {
    const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
    const [source, target, ...others] = await Promise.all([connect(m0), connect(fourth.node), connect(m1), connect(m2)]);
    const [, , c] = tagsOfFirstMaster(3) as [string, string, string];
    const slotC = await fillSlot(source.redis, c, 200);
    const guard = new LatencyGuard({ maxLatencyMs: 50 }, 1);
    const result = await migrateSlots([slotC.slot], source, target, others, { ...options, authArgs: [] }, { guard, deadline: Date.now() + 600_000 });
    expect(result.keysMoved).toBe(200);
    await expectMoved(source, target, [slotC.slot], slotC.keys);
  }, 60_000);

  it('a cluster with a password: the client path (MIGRATE … AUTH), no script run', async () => {
    const nodes = [...own.cluster.masters, fourth.node];
    for (const n of nodes) await redisText(n.host, n.port, ['CONFIG', 'SET', 'masterauth', PASSWORD, 'requirepass', PASSWORD]);
    try {
      const [m0, m1, m2] = own.cluster.masters as [RedisProcess, RedisProcess, RedisProcess];
      const [source, target, ...others] = await Promise.all([connect(m0, PASSWORD), connect(fourth.node, PASSWORD), connect(m1, PASSWORD), connect(m2, PASSWORD)]);
      const [, , , d] = tagsOfFirstMaster(4) as [string, string, string, string];
      const slotD = await fillSlot(source.redis, d, 120);
      const before = await evalshaCalls(m0, PASSWORD);
      const result = await migrateSlots([slotD.slot], source, target, others, { ...options, authArgs: ['AUTH', PASSWORD] }, unpaced);
      expect(result.keysMoved).toBe(120);
      expect(await evalshaCalls(m0, PASSWORD)).toBe(before);
      await expectMoved(source, target, [slotD.slot], slotD.keys);
    } finally {
      for (const n of nodes) await redisText(n.host, n.port, ['CONFIG', 'SET', 'requirepass', '', 'masterauth', ''], { password: PASSWORD });
    }
  }, 60_000);
});
