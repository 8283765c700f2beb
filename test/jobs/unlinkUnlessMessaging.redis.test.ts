import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { unlinkUnlessMessaging } from '../../shared/admin/invalidation/unlinkUnlessMessaging';
import { LatencyGuard } from '../../shared/platform/keyspace/LatencyGuard';
import { keyPrefix, useOwnCluster, useOwnRedis } from '../helpers/redis';

/**
 * Invalidation's check-and-UNLINK: one script call per 1000 keys, or TYPE + PTTL pipelines then UNLINK where the
 * script is refused (a server with EVAL and EVALSHA renamed away). Both must delete exactly the keys that are not
 * streams or lists without a TTL, count `deleted` from the server's replies, and leave every stream and queue. The
 * crash replay (routing client, per slot) must count the same. Own servers: the tests read commandstats.
 */
const withScript = useOwnRedis();
const withoutScript = useOwnRedis({ args: ['--rename-command', 'EVAL', 'EVAL_OFF_0123', '--rename-command', 'EVALSHA', 'EVALSHA_OFF_0123'] });
const cluster = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const clients: (Redis | Cluster)[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

async function calls(nodes: Redis[], command: string): Promise<number> {
  const found = await Promise.all(nodes.map(async (n) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(String(await n.info('commandstats')))?.[1] ?? 0)));
  return found.reduce((a, b) => a + b, 0);
}

/** 2500 keys: 2 streams and 2 lists without a TTL (kept), a list with a TTL (a cache: deleted), strings. */
async function fill(client: Redis | Cluster, prefix: string, n = 2500): Promise<{ keys: Buffer[]; messaging: string[] }> {
  const keys: Buffer[] = [];
  const messaging: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${prefix}${i}`;
    if (i === 3 || i === 1999) messaging.push(await client.xadd(key, '*', 'n', '1').then(() => key));
    else if (i === 1000 || i === 2499) messaging.push(await client.rpush(key, 'job').then(() => key));
    else if (i === 1500) await client.rpush(key, 'feed').then(() => client.pexpire(key, 60_000));
    else await client.set(key, 'v');
    keys.push(Buffer.from(key));
  }
  return { keys, messaging };
}

async function left(client: Redis | Cluster, keys: Buffer[]): Promise<string[]> {
  const exists = await Promise.all(keys.map((k) => client.exists(k)));
  return keys.filter((_, i) => exists[i] === 1).map(String).sort();
}

describe('unlinkUnlessMessaging', () => {
  for (const [name, server] of [['script', withScript], ['pipelines (EVAL refused)', withoutScript]] as const) {
    it(`deletes all but the streams and queues of a 2500-key batch, counted from the replies (${name})`, async () => {
      const redis = new Redis(server.server.port, server.server.host);
      clients.push(redis);
      const prefix = keyPrefix('unlink');
      const { keys, messaging } = await fill(redis, prefix);
      const counts: Record<string, number> = {};
      await redis.config('RESETSTAT');
      await unlinkUnlessMessaging.apply(redis, [...keys, Buffer.from(`${prefix}gone`)], counts, { guard: new LatencyGuard(null, 5000), mode: 'standalone' });
      expect(await left(redis, keys)).toEqual([...messaging].sort());
      expect(counts).toEqual({ deleted: 2500 - 4, skippedMessaging: 4 }); // the key gone since SCAN counts 0
      // The script asks PTTL of the lists only; the pipelines of every key.
      expect(await calls([redis], 'pttl')).toBe(name === 'script' ? 3 : 2501);
      expect(await calls([redis], 'evalsha')).toBe(name === 'script' ? 3 : 0);
    });
  }

  it('replays a written-ahead batch through the routing client: gone keys count as deleted, duplicates once, messaging kept', async () => {
    for (const server of [withScript, withoutScript]) {
      const redis = new Redis(server.server.port, server.server.host);
      clients.push(redis);
      const prefix = keyPrefix('replay');
      const { keys, messaging } = await fill(redis, prefix, 300);
      // The dead holder got through the first 100 keys (none of them messaging) before it died.
      await redis.unlink(...keys.slice(4, 100));
      const counts: Record<string, number> = { deleted: 7 };
      await unlinkUnlessMessaging.recover(redis, [...keys, ...keys.slice(0, 10)], counts);
      // 300 distinct keys, one of them a stream (key 3): 299 deleted, by the dead holder or by the replay.
      expect(messaging).toEqual([`${prefix}3`]);
      expect(counts).toEqual({ deleted: 7 + 299, skippedMessaging: 1 });
      expect(await left(redis, keys)).toEqual(messaging);
    }
  });

  it('on every master of a cluster: a node\'s batch spans many slots, guard off and on; the replay per slot', async () => {
    const client = new Cluster(cluster.cluster.seeds);
    clients.push(client);
    await client.ping();
    const masters = client.nodes('master');
    expect(masters).toHaveLength(3);
    for (const guard of [() => new LatencyGuard(null, 5000), () => new LatencyGuard({ maxLatencyMs: 1000 }, 5000)]) {
      const prefix = keyPrefix('cluster'); // untagged: spread over every master and many slots
      const { keys, messaging } = await fill(client, prefix, 2500);
      await Promise.all(masters.map((m) => m.config('RESETSTAT')));
      const counts: Record<string, number> = {};
      for (const node of masters) {
        const found: Buffer[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await node.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
          cursor = String(next);
          found.push(...batch);
        } while (cursor !== '0');
        await unlinkUnlessMessaging.apply(node, found, counts, { guard: guard(), mode: 'cluster' });
      }
      expect(await left(client, keys)).toEqual([...messaging].sort());
      expect(counts).toEqual({ deleted: 2496, skippedMessaging: 4 });
      expect(await calls(masters, 'type')).toBe(2500); // by script on every master: no fallback to pipelines
    }
    // A key this master does not serve (its slot moved) late in a call: the script fails after some UNLINKs. Nothing
    // is counted, the error is the engine's topology change, and the replay of the batch counts every key.
    const moved = keyPrefix('cluster-moved');
    const filled = await fill(client, moved, 300);
    const [first, second] = masters as [Redis, Redis];
    const own: Buffer[] = [];
    let foreign: Buffer | undefined;
    for (const key of filled.keys) {
      const slot = Number(await first.call('CLUSTER', 'KEYSLOT', key));
      const owner = client.slots[slot]?.[0];
      if (owner === `${first.options.host}:${first.options.port}`) own.push(key);
      else if (owner === `${second.options.host}:${second.options.port}`) foreign ??= key;
    }
    const batch = [...own, foreign as Buffer];
    const partial: Record<string, number> = {};
    await expect(unlinkUnlessMessaging.apply(first, batch, partial, { guard: new LatencyGuard(null, 5000), mode: 'cluster' })).rejects.toThrow(/non local key/);
    expect(partial).toEqual({});
    expect((await left(client, own)).length).toBeLessThan(own.length); // some were unlinked before the failure
    const replayed: Record<string, number> = {};
    await unlinkUnlessMessaging.recover(client, batch, replayed);
    const batchMessaging = filled.messaging.filter((k) => batch.some((b) => String(b) === k));
    expect(replayed).toEqual({ deleted: batch.length - batchMessaging.length, ...(batchMessaging.length ? { skippedMessaging: batchMessaging.length } : {}) });
    expect(await left(client, batch)).toEqual(batchMessaging.sort());
    const prefix = keyPrefix('cluster-replay');
    const { keys, messaging } = await fill(client, prefix, 2500);
    const counts: Record<string, number> = {};
    await unlinkUnlessMessaging.recover(client, keys, counts);
    expect(counts).toEqual({ deleted: 2496, skippedMessaging: 4 });
    expect(await left(client, keys)).toEqual([...messaging].sort());
  });
});
