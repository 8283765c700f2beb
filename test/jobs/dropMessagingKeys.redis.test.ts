import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { dropMessagingKeys } from '../../shared/admin/messaging/dropMessagingKeys';
import { LatencyGuard } from '../../shared/platform/keyspace/LatencyGuard';
import { keyPrefix, useOwnCluster, useOwnRedis } from '../helpers/redis';

/**
 * The messaging check of invalidation: one script call per 1000 keys, or TYPE + PTTL pipelines where the script is
 * refused (here: a server with EVAL and EVALSHA renamed away). Both must leave out exactly the streams and the lists
 * without a TTL, wherever they sit in a batch larger than one script call. Own servers: the tests read commandstats
 * (the script asks PTTL of lists only, the pipelines of every key: so a silent fallback would show).
 */
const withScript = useOwnRedis();
const withoutScript = useOwnRedis({ args: ['--rename-command', 'EVAL', 'EVAL_OFF_0123', '--rename-command', 'EVALSHA', 'EVALSHA_OFF_0123'] });
const cluster = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const clients: (Redis | Cluster)[] = [];

/** PTTL calls on these nodes since their CONFIG RESETSTAT. */
async function pttlCalls(nodes: Redis[]): Promise<number> {
  const calls = await Promise.all(nodes.map(async (n) => Number(/cmdstat_pttl:calls=(\d+)/.exec(String(await n.info('commandstats')))?.[1] ?? 0)));
  return calls.reduce((a, b) => a + b, 0);
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

async function batch(redis: Redis, prefix: string): Promise<{ keys: Buffer[]; messaging: string[] }> {
  const keys: Buffer[] = [];
  const messaging: string[] = [];
  const pipeline = redis.pipeline();
  for (let i = 0; i < 2500; i++) {
    const key = `${prefix}${i}`;
    if (i === 3 || i === 1999) {
      pipeline.xadd(key, '*', 'n', '1');
      messaging.push(key);
    } else if (i === 1000 || i === 2499) {
      pipeline.rpush(key, 'job');
      messaging.push(key);
    } else if (i === 1500) pipeline.rpush(key, 'feed').pexpire(key, 60_000); // a list with a TTL is a cache
    else pipeline.set(key, 'v');
    keys.push(Buffer.from(key));
  }
  await pipeline.exec();
  return { keys, messaging };
}

describe('dropMessagingKeys', () => {
  for (const [name, server] of [['script', withScript], ['pipelines (EVAL refused)', withoutScript]] as const) {
    it(`leaves out exactly the streams and queues of a 2500-key batch (${name})`, async () => {
      const redis = new Redis(server.server.port, server.server.host);
      clients.push(redis);
      const prefix = keyPrefix('drop');
      const { keys, messaging } = await batch(redis, prefix);
      const counts: Record<string, number> = {};
      await redis.config('RESETSTAT');
      const kept = await dropMessagingKeys(redis, [...keys, Buffer.from(`${prefix}gone`)], counts, new LatencyGuard(null, 5000));
      expect(await pttlCalls([redis])).toBe(name === 'script' ? 3 : 2501);
      const keptNames = new Set(kept.map(String));
      expect(messaging.filter((k) => keptNames.has(k))).toEqual([]);
      expect(kept.length).toBe(2500 - 4 + 1); // a key gone since SCAN is kept (UNLINK counts it 0)
      expect(keptNames.has(`${prefix}1500`)).toBe(true);
      expect(counts).toEqual({ skippedMessaging: 4 });
    });
  }

  it('by script on every master of a cluster: a node\'s batch spans many slots (allow-cross-slot-keys), guard off and on', async () => {
    const client = new Cluster(cluster.cluster.seeds);
    clients.push(client);
    const plain: string[] = [];
    let messaging = 0;
    for (let i = 0; i < 300; i++) {
      const key = `drop:${i}`; // untagged: spread over every master and many slots
      if (i % 10 === 0) await client.xadd(key, '*', 'n', '1').then(() => messaging++);
      else if (i % 10 === 1) await client.rpush(key, 'job').then(() => messaging++);
      else if (i % 10 === 2) await client.rpush(key, 'feed').then(() => client.pexpire(key, 60_000)).then(() => plain.push(key));
      else await client.set(key, 'v').then(() => plain.push(key));
    }
    const masters = client.nodes('master');
    for (const guard of [() => new LatencyGuard(null, 5000), () => new LatencyGuard({ maxLatencyMs: 1000 }, 5000)]) {
      await Promise.all(masters.map((m) => m.config('RESETSTAT')));
      const kept: string[] = [];
      const counts: Record<string, number> = {};
      for (const node of masters) {
        const keys: Buffer[] = [];
        let cursor = '0';
        do {
          const [next, found] = await node.scanBuffer(cursor, 'MATCH', 'drop:*', 'COUNT', 10_000);
          cursor = String(next);
          keys.push(...found);
        } while (cursor !== '0');
        kept.push(...(await dropMessagingKeys(node, keys, counts, guard())).map(String));
      }
      expect(kept.sort()).toEqual([...plain].sort());
      expect(counts).toEqual({ skippedMessaging: messaging });
      expect(await pttlCalls(masters)).toBe(60); // the lists only: no master fell back to per-key pipelines
    }
  });
});
