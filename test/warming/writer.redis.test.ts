import { describe, expect, inject, it } from 'vitest';
import { WarmWriter } from '../../shared/warming/WarmWriter';
import { writeTopology } from '../../shared/warming/writeTopology';
import { connectCluster, keyPrefix, scanAll, useOwnRedis } from '../helpers/redis';

describe('warm writer', () => {
  it('follows MOVED when its slot map is wrong (resharding, failover) and learns the owners', async () => {
    const prefix = keyPrefix('moved');
    const seeds = inject('redisCluster').seeds;
    const first = seeds[0] as { host: string; port: number };
    // Every slot "owned" by the first master: two thirds of the keys get MOVED and must be re-sent to their owner.
    const writer = new WarmWriter({ masters: [{ ...first }], slotOwner: new Int16Array(16384), nodeDefaults: {} }, { mode: 'nx', batchSize: 100 });
    await writer.connect();
    try {
      for (let i = 0; i < 3000; i++) writer.addValue({ key: `${prefix}${i}`, value: `v${i}`, ttlMs: 60_000, line: i + 1 });
      await writer.drain();
      expect(writer.counts).toMatchObject({ written: 3000, skipped: 0, failed: 0 });
      expect(writer.errors).toEqual([]);
      const cluster = connectCluster();
      expect(await cluster.get(`${prefix}2999`)).toBe('v2999'); // also waits for the client's slot map
      expect(await scanAll(cluster, `${prefix}*`)).toHaveLength(3000);
    } finally {
      writer.close();
    }
  });

  it('a mark counts exactly the records added before it, redirected ones included, while later ones are in flight', async () => {
    const prefix = keyPrefix('mark');
    const seeds = inject('redisCluster').seeds;
    const first = seeds[0] as { host: string; port: number };
    const cluster = connectCluster();
    // Present already: NX skips them, and the mark must count them as skipped in the piece they belong to.
    for (let i = 0; i < 50; i++) await cluster.set(`${prefix}${i}`, 'old');
    const writer = new WarmWriter({ masters: [{ ...first }], slotOwner: new Int16Array(16384), nodeDefaults: {} }, { mode: 'nx', batchSize: 100 });
    await writer.connect();
    try {
      for (let i = 0; i < 1000; i++) writer.addValue({ key: `${prefix}${i}`, value: `v${i}`, ttlMs: 60_000, line: i + 1 });
      writer.reject({ line: 1001, code: 'malformed', message: 'line 1001: not valid JSON' });
      const first1000 = writer.mark();
      for (let i = 1000; i < 3000; i++) writer.addValue({ key: `${prefix}${i}`, value: `v${i}`, ttlMs: 60_000, line: i + 2 });
      const all = writer.mark();
      expect(await first1000).toMatchObject({ written: 950, skipped: 50, failed: 1 });
      expect(await all).toMatchObject({ written: 2950, skipped: 50, failed: 1 });
      await writer.drain();
      expect(writer.counts).toMatchObject({ written: 2950, skipped: 50, failed: 1 });
      expect(await scanAll(cluster, `${prefix}*`)).toHaveLength(3000);
    } finally {
      writer.close();
    }
  });

  describe('with a password (secret reference resolved for the raw write sockets)', () => {
    const own = useOwnRedis({ password: 'warm-writer-secret-pw' });
    it('authenticates, and a wrong secret fails without showing it', async () => {
      process.env['REDIS_SECRET_TEST_WARM_PW'] = 'warm-writer-secret-pw';
      const target = { id: `pw-${process.pid}`, mode: 'standalone' as const, endpoints: [{ host: '127.0.0.1', port: own.server.port }], tls: { enabled: false }, secretRef: { kind: 'env' as const, name: 'REDIS_SECRET_TEST_WARM_PW' } };
      const writer = new WarmWriter(await writeTopology(target), { mode: 'overwrite' });
      await writer.connect();
      writer.addValue({ key: 'pw:1', value: 'ok', ttlMs: null });
      await writer.drain();
      writer.close();
      expect(writer.counts.written).toBe(1);

      const wrong = new WarmWriter({ masters: [{ host: '127.0.0.1', port: own.server.port, password: 'not-the-password' }], slotOwner: null, nodeDefaults: {} }, { mode: 'nx' });
      const error = await wrong.connect().then(() => null, (e: Error) => e);
      expect(error?.message).toMatch(/refused the connection \(WRONGPASS/);
      expect(error?.message).not.toContain('not-the-password');
    });
  });
});
