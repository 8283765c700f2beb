import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { collectCluster } from '../../shared/monitoring/collection/collectCluster';
import { collectMessaging } from '../../shared/monitoring/messaging/collectMessaging';
import { defaultDiscoveryOptions, discoverNode, type DiscoveryOptions } from '../../shared/monitoring/messaging/discoverNode';
import type { ClusterMessaging, StreamInfo } from '../../shared/monitoring/messaging/MessagingSnapshot';
import { namespaceMatcher } from '../../shared/monitoring/messaging/namespaceOfKey';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { describeEachRedis, useOwnRedis } from '../helpers/redis';

const connections = new RedisConnectionManager();
afterAll(() => connections.closeAll());
// The shared servers also hold every other test file's keys (hundreds of thousands during the kill-and-resume suites),
// so one pass here may visit more than a production tick's budget: this file tests what is found, the pacing has its own.
const options = (over: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({ ...defaultDiscoveryOptions, maxKeysVisitedPerTick: Number.MAX_SAFE_INTEGER, latencyGuard: null, deadline: Date.now() + 60_000, ...over });
const matcher = namespaceMatcher([{ namespace: 'orders', keyPattern: 't:*:orders:*' }]);
const namespaceOf = (key: string) => matcher(key)?.namespace ?? null;

describeEachRedis('messaging discovery', (ctx) => {
  async function discover(previous?: ClusterMessaging): Promise<ClusterMessaging> {
    const target = { id: `msg-${ctx.mode}`, mode: ctx.mode, endpoints: ctx.seeds, tls: { enabled: false }, secretRef: { kind: 'none' as const } };
    return connections.run(target, async (c) => {
      const { samples } = await collectCluster(c, { nodeTimeoutMs: 3000, slowlogEntries: 0 });
      return collectMessaging(c, target.id, samples, previous, namespaceOf, options());
    });
  }
  const streamOf = (snapshot: ClusterMessaging, key: string): StreamInfo | undefined => snapshot.nodes.flatMap((n) => n.streams).find((s) => s.key === key);

  it('finds streams with groups, consumers, pending, lag, entries-read and the oldest pending entry; lists without TTL as queues; Pub/Sub subscribers', async () => {
    const { client, taggedPrefix: p } = ctx;
    const stream = `${p}orders:events`;
    for (let i = 0; i < 10; i++) await client.xadd(stream, '*', 'n', String(i));
    await client.xgroup('CREATE', stream, 'billing', '0');
    await client.xgroup('CREATE', stream, 'audit', '$');
    await client.xreadgroup('GROUP', 'billing', 'worker-a', 'COUNT', 4, 'STREAMS', stream, '>');
    const readB = (await client.xreadgroup('GROUP', 'billing', 'worker-b', 'COUNT', 3, 'STREAMS', stream, '>')) as [string, [string, string[]][]][];
    const firstOfB = readB[0]?.[1][0]?.[0];
    const ids = (await client.xrange(stream, '-', '+')).map(([id]) => id);
    await client.xack(stream, 'billing', ids[0] as string, ids[1] as string); // worker-a acks 2 of its 4
    await new Promise((r) => setTimeout(r, 30));
    await client.rpush(`${p}jobs:queue`, 'a', 'b', 'c');
    await client.rpush(`${p}feed:recent`, 'x');
    await client.expire(`${p}feed:recent`, 600);
    const subscriber = ctx.connect();
    await subscriber.subscribe(`${p}chan`);

    const snapshot = await discover();
    expect(snapshot.nodes.every((n) => n.complete && !n.truncated)).toBe(true);
    const found = streamOf(snapshot, stream);
    expect(found).toMatchObject({ length: 10, namespace: 'orders', capped: false, firstId: ids[0], lastId: ids[9], entriesAdded: 10, addedSinceLast: null });
    expect(found?.memoryBytes).toBeGreaterThan(0);
    const billing = found?.groups.find((g) => g.name === 'billing');
    expect(billing).toMatchObject({ consumerCount: 2, pending: 5, entriesRead: 7, lag: 3, lastDeliveredId: ids[6], oldestPendingId: ids[2], oldestPendingConsumer: 'worker-a', lagGrowthIntervals: 0 });
    expect(billing?.oldestPendingIdleMs).toBeGreaterThanOrEqual(20);
    expect(Object.fromEntries(billing?.consumers.map((c) => [c.name, c.pending]) ?? [])).toEqual({ 'worker-a': 2, 'worker-b': 3 });
    expect(billing?.consumers.every((c) => c.idleMs >= 20)).toBe(true);
    expect(found?.groups.find((g) => g.name === 'audit')).toMatchObject({ consumerCount: 0, pending: 0, lag: 0, oldestPendingId: null });
    expect(firstOfB).toBe(ids[4]);
    const queues = snapshot.nodes.flatMap((n) => n.queues);
    expect(queues.find((q) => q.key === `${p}jobs:queue`)).toMatchObject({ length: 3 });
    expect(queues.some((q) => q.key === `${p}feed:recent`)).toBe(false); // a list with a TTL is cache data
    const pubsub = snapshot.nodes.map((n) => n.pubsub);
    expect(pubsub.reduce((sum, ps) => sum + (ps?.topChannels.find((c) => c.channel === `${p}chan`)?.subscribers ?? 0), 0)).toBe(1);
    expect(pubsub.every((ps) => ps?.outputBufferLimitBytes === 8 * 1024 * 1024)).toBe(true); // Redis' default: soft 8 MB
    expect(snapshot.nodes.every((n) => n.complete && n.error === null && n.cost.commands > 0)).toBe(true);

    // Next tick: growth, the lag streak, and a trim turning the stream into a capped one.
    for (let i = 0; i < 5; i++) await client.xadd(stream, '*', 'n', 'more');
    const second = await discover(snapshot);
    const grown = streamOf(second, stream);
    expect(grown).toMatchObject({ length: 15, addedSinceLast: 5, capped: false });
    expect(grown?.groups.find((g) => g.name === 'billing')).toMatchObject({ lag: 8, lagGrowthIntervals: 1 });
    await client.xtrim(stream, 'MAXLEN', 12);
    const third = await discover(second);
    expect(streamOf(third, stream)).toMatchObject({ length: 12, capped: true, addedSinceLast: 0 });
    expect(streamOf(third, stream)?.groups.find((g) => g.name === 'billing')?.lagGrowthIntervals).toBe(1); // unchanged lag keeps the streak
    await client.del(stream);
    expect(streamOf(await discover(third), stream)).toBeUndefined();
  });
});

describe('discovery over 10 000 streams (own server)', () => {
  const own = useOwnRedis();

  it('stays within its pacing and reports its cost per stream', async () => {
    const redis = new Redis(own.server.url);
    try {
      const total = 10_000;
      for (let start = 0; start < total; start += 1000) {
        const pipeline = redis.pipeline();
        for (let i = start; i < start + 1000; i++) {
          pipeline.xadd(`bench:stream:${i}`, '*', 'v', '1');
          if (i % 10 === 0) pipeline.xgroup('CREATE', `bench:stream:${i}`, 'g', '0');
        }
        await pipeline.exec();
      }
      await Promise.all(Array.from({ length: 2000 }, (_, i) => redis.set(`bench:cache:${i}`, "x")));
      const run = async (keysPerSecond: number | null, previous?: Parameters<typeof discoverNode>[2]) => {
        const started = performance.now();
        const result = await discoverNode(redis, own.server.url, previous, () => null, options({ keysPerSecond, maxKeys: total, deadline: Date.now() + 60_000 }));
        return { result, ms: performance.now() - started };
      };
      // First tick: SCAN finds them; paced at 5 000 streams/s, reading 10 000 takes at least ~1.9 s (one bucket of burst).
      const paced = await run(5000);
      expect(paced.result.streams).toHaveLength(total);
      expect(paced.result.complete).toBe(true);
      expect(paced.ms).toBeGreaterThanOrEqual(1850);
      const groups = paced.result.streams.filter((s) => s.groups.length === 1).length;
      expect(groups).toBe(1000);
      // Unpaced, for the cost figure: commands and time per stream of a steady-state tick (keys known).
      const serverUsec = async (): Promise<number> => [...String(await redis.info('commandstats')).matchAll(/usec=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      const usecBefore = await serverUsec();
      const steady = await run(null, paced.result);
      const redisUs = (await serverUsec()) - usecBefore;
      const perStream = { commands: steady.result.cost.commands / total, usPerStream: (steady.ms * 1000) / total, scanCommands: Math.ceil(12_000 / 1000) * 2 };
      console.log(`[messaging cost] 10000 streams (1000 with a group): paced tick ${paced.ms.toFixed(0)} ms at 5000/s; unpaced ${steady.ms.toFixed(0)} ms, ${steady.result.cost.commands} commands = ${perStream.commands.toFixed(2)} commands and ${perStream.usPerStream.toFixed(1)} us per stream (Redis CPU ${(redisUs / total).toFixed(1)} us per stream)`);
      // XINFO STREAM + XINFO GROUPS + MEMORY USAGE per stream, XINFO CONSUMERS per group, the SCAN pages and Pub/Sub.
      expect(steady.result.cost.commands).toBeGreaterThanOrEqual(total * 3 + 1000);
      expect(steady.result.cost.commands).toBeLessThanOrEqual(total * 3 + 1000 + 100);
      expect(steady.result.cost.keysVisited).toBeGreaterThanOrEqual(12_000);
    } finally {
      redis.disconnect();
    }
  });

  it('visits at most its SCAN budget per tick and continues both cursors on the next ones', async () => {
    const redis = new Redis(own.server.url);
    try {
      for (let i = 0; i < 5; i++) await redis.rpush(`bench:queue:${i}`, 'job');
      const tickOptions = options({ maxKeysVisitedPerTick: 3000, keysPerSecond: null, scanCount: 1000, maxKeys: 50 });
      let state = await discoverNode(redis, 'n', undefined, () => null, tickOptions);
      let ticks = 1;
      expect(state.cost.keysVisited).toBeLessThanOrEqual(3000);
      expect(state.complete).toBe(false);
      while (!state.complete && ticks < 20) {
        state = await discoverNode(redis, 'n', state, () => null, tickOptions);
        expect(state.cost.keysVisited).toBeLessThanOrEqual(3000);
        ticks += 1;
      }
      // 12 005 keys, two typed passes of ~12 000 visits each, 3 000 a tick: about 8 ticks, never a pass started over.
      expect(state.complete).toBe(true);
      expect(ticks).toBeGreaterThanOrEqual(8);
      expect(ticks).toBeLessThanOrEqual(10);
      expect(state.truncated).toBe(true); // 10 005 keys found, 50 kept
      expect(state.streams).toHaveLength(50);
    } finally {
      redis.disconnect();
    }
  });
});
