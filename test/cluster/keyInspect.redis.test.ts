import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectKey } from '../../shared/admin/keys/inspectKey';
import { keySlot } from '../../shared/platform/keyspace/keySlot';
import { MAX_KEY_BYTES, parseKeyParam } from '../../shared/admin/keys/parseKeyParam';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { isDomainError } from '../../shared/platform/store/DomainError';
import { redisText } from '../../tools/local/index';
import { describeEachRedis, useOwnRedis } from '../helpers/redis';
import { testTarget } from './targets';

const manager = new RedisConnectionManager();
afterAll(() => manager.closeAll());

describeEachRedis('key inspection', (ctx) => {
  const target = () => testTarget(ctx.mode, ctx.seeds);

  it('reports type, TTL, memory, encoding, idle time, slot and owning node', async () => {
    const key = `${ctx.prefix}hash`;
    await ctx.client.hset(key, 'a', '1', 'b', '2');
    await ctx.client.pexpire(key, 60_000);
    const result = await inspectKey(target(), Buffer.from(key), manager);
    expect(result).toMatchObject({ key, keyEncoding: 'utf8', type: 'hash', encoding: 'listpack', accessTracking: 'idle', lfuFrequency: null });
    expect(result.ttlMs).toBeGreaterThan(50_000);
    expect(result.ttlMs).toBeLessThanOrEqual(60_000);
    expect(result.memoryUsageBytes).toBeGreaterThan(0);
    expect(result.idleSeconds).toBeGreaterThanOrEqual(0);
    if (ctx.client instanceof Cluster) {
      expect(result.slot).toBe(await ctx.client.cluster('KEYSLOT', key));
      // The reported owner really holds the key.
      const [host, port] = result.node.address.split(':') as [string, string];
      expect(await redisText(host, Number(port), ['TYPE', key])).toBe('hash');
      expect(await redisText(host, Number(port), ['CLUSTER', 'MYID'])).toBe(result.node.id);
    } else {
      expect(result.node.address).toBe(`${ctx.seeds[0]?.host}:${ctx.seeds[0]?.port}`);
    }
  });

  it('reports a key without TTL as ttlMs null, and a binary key in base64', async () => {
    const key = Buffer.concat([Buffer.from(ctx.prefix), Buffer.from([0xff, 0x00, 0xfe])]);
    await ctx.client.set(key, 'x');
    const result = await inspectKey(target(), key, manager);
    expect(result).toMatchObject({ type: 'string', ttlMs: null, keyEncoding: 'base64', key: key.toString('base64') });
    expect(result.encoding).toBe('embstr');
  });

  it('fails with key_not_found for a missing key', async () => {
    const error = await inspectKey(target(), Buffer.from(`${ctx.prefix}missing`), manager).catch((e: unknown) => e);
    expect(isDomainError(error) && error.kind === 'not_found' && error.code === 'key_not_found').toBe(true);
  });
});

describe('key inspection under an LFU policy', () => {
  const own = useOwnRedis({ args: ['--maxmemory-policy', 'allkeys-lfu'] });

  it('reports the LFU frequency instead of the idle time', async () => {
    const target = testTarget('standalone', [own.server]);
    await redisText(own.server.host, own.server.port, ['SET', 'lfu:k', 'v']);
    const result = await inspectKey(target, Buffer.from('lfu:k'), manager);
    expect(result).toMatchObject({ accessTracking: 'frequency', idleSeconds: null });
    expect(result.lfuFrequency).toBeGreaterThanOrEqual(0);
  });
});

describe('key names', () => {
  it('computes the slot like CLUSTER KEYSLOT, hash tags included', () => {
    // Reference values from Redis' cluster spec and `CLUSTER KEYSLOT`.
    expect(keySlot(Buffer.from('123456789'))).toBe(12739);
    expect(keySlot(Buffer.from('foo'))).toBe(12182);
    expect(keySlot(Buffer.from('{user1000}.following'))).toBe(keySlot(Buffer.from('user1000')));
    expect(keySlot(Buffer.from('foo{}{bar}'))).toBe(keySlot(Buffer.from('foo{}{bar}')));
    expect(keySlot(Buffer.from('foo{{bar}}zap'))).toBe(keySlot(Buffer.from('{bar')));
  });

  it('accepts UTF-8 and base64url keys and refuses empty, oversized or malformed ones', () => {
    expect(parseKeyParam('user:42:profile').toString()).toBe('user:42:profile');
    expect(parseKeyParam('a/b c', 'utf8').toString()).toBe('a/b c');
    expect([...parseKeyParam(Buffer.from([0xff, 0x00]).toString('base64url'), 'base64')]).toEqual([0xff, 0x00]);
    const refused = (raw: string | undefined, encoding?: string): string => {
      try {
        parseKeyParam(raw, encoding);
        return 'accepted';
      } catch (error) {
        return isDomainError(error) ? `${error.kind}:${error.code}:${error.errors[0]?.field ?? ''}` : 'other';
      }
    };
    expect(refused('')).toBe('validation:invalid_key:key');
    expect(refused(undefined)).toBe('validation:invalid_key:key');
    expect(refused('k'.repeat(MAX_KEY_BYTES))).toBe('accepted');
    expect(refused('é'.repeat(MAX_KEY_BYTES / 2 + 1))).toBe('validation:invalid_key:key');
    expect(refused('not base64!', 'base64')).toBe('validation:invalid_key:key');
    expect(refused('abc', 'hex')).toBe('validation:invalid_key_encoding:keyEncoding');
    expect(refused('bad\uD800surrogate')).toBe('validation:invalid_key:key');
  });
});
