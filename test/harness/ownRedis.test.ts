import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { connectStandalone, useOwnRedis } from '../helpers/redis';

describe('useOwnRedis', () => {
  const own = useOwnRedis();

  it('gives the file a private server whose config changes do not reach the shared one', async () => {
    expect(own.server.port).not.toBe(6379);
    const client = new Redis(own.server.url);
    try {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lfu']);
    } finally {
      client.disconnect();
    }
    const shared = connectStandalone();
    expect(await shared.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
  });
});
