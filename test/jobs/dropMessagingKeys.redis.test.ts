import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { dropMessagingKeys } from '../../shared/admin/messaging/dropMessagingKeys';
import { LatencyGuard } from '../../shared/platform/keyspace/LatencyGuard';
import { keyPrefix, useOwnRedis } from '../helpers/redis';

/**
 * The messaging check of invalidation: one script call per 1000 keys, or TYPE + PTTL pipelines where the script is
 * refused (here: a server with EVAL and EVALSHA renamed away). Both must leave out exactly the streams and the lists
 * without a TTL, wherever they sit in a batch larger than one script call.
 */
const withScript = useOwnRedis();
const withoutScript = useOwnRedis({ args: ['--rename-command', 'EVAL', 'EVAL_OFF_0123', '--rename-command', 'EVALSHA', 'EVALSHA_OFF_0123'] });
const clients: Redis[] = [];
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
      const kept = await dropMessagingKeys(redis, [...keys, Buffer.from(`${prefix}gone`)], counts, new LatencyGuard(null, 5000));
      const keptNames = new Set(kept.map(String));
      expect(messaging.filter((k) => keptNames.has(k))).toEqual([]);
      expect(kept.length).toBe(2500 - 4 + 1); // a key gone since SCAN is kept (UNLINK counts it 0)
      expect(keptNames.has(`${prefix}1500`)).toBe(true);
      expect(counts).toEqual({ skippedMessaging: 4 });
    });
  }
});
