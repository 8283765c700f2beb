import { afterAll, expect, it } from 'vitest';
import { analyzeCluster, type AnalysisNamespace } from '../../shared/eviction/analysis/analyzeCluster';
import type { NamespaceReport } from '../../shared/eviction/analysis/analysisReport';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { testTarget } from '../cluster/targets';
import { describeEachRedis, type AnyRedis } from '../helpers/redis';

const manager = new RedisConnectionManager();
afterAll(() => manager.closeAll());

const ns = (namespace: string, keyPattern: string, extra: Partial<AnalysisNamespace> = {}): AnalysisNamespace => ({ namespace, keyPattern, ttlSeconds: null, priority: 50, protected: false, ...extra });

function find(namespaces: NamespaceReport[], name: string): NamespaceReport {
  const found = namespaces.find((n) => n.namespace === name);
  if (!found) throw new Error(`namespace ${name} missing from ${namespaces.map((n) => n.namespace).join(', ')}`);
  return found;
}

/** MEMORY USAGE of every key under a prefix, the way a user would check the analysis by hand. */
async function memoryOf(client: AnyRedis, keys: string[]): Promise<number> {
  let total = 0;
  for (const key of keys) total += Number(await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '5'));
  return total;
}

describeEachRedis('memory analysis', (ctx) => {
  const target = () => testTarget(ctx.mode, ctx.seeds);

  it('exact: counts keys, memory, types and TTL buckets per configured namespace, and finds the largest key', async () => {
    const p = ctx.prefix;
    const sessions = Array.from({ length: 40 }, (_, i) => `${p}sess:${i}`);
    const users = Array.from({ length: 25 }, (_, i) => `${p}user:${i}`);
    for (const key of sessions) await ctx.client.set(key, 'x'.repeat(50), 'EX', 1800); // < 1 h
    for (const key of users) await ctx.client.hset(key, { name: 'ada', plan: 'pro' }); // no TTL
    await ctx.client.set(`${p}user:big`, 'y'.repeat(20_000), 'EX', 3 * 86_400); // 1-7 d, the largest key
    await ctx.client.rpush(`${p}feed:1`, 'a', 'b', 'c');
    await ctx.client.pexpire(`${p}feed:1`, 5 * 3_600_000); // 4-12 h

    const policies = [ns('sessions', `${p}sess:*`), ns('users', `${p}user:*`), ns('feeds', `${p}feed:*`)];
    const result = await analyzeCluster(target(), policies, { mode: 'exact', manager, maxKeysPerSecond: Infinity });
    expect(result.complete).toBe(true);
    expect(result.nodes.length).toBe(ctx.mode === 'cluster' ? 3 : 1);

    const s = find(result.summary.namespaces, 'sessions');
    expect(s.configured).toBe(true);
    expect(s.keys).toEqual({ value: 40, errorBound95: null });
    expect(s.types).toEqual({ string: { keys: 40, memoryBytes: await memoryOf(ctx.client, sessions) } });
    expect(s.ttl['lt1h']?.keys).toBe(40);
    expect(s.ttl['none']?.keys).toBe(0);
    expect(s.memoryBytes.value).toBe(await memoryOf(ctx.client, sessions));

    const u = find(result.summary.namespaces, 'users');
    expect(u.keys.value).toBe(26);
    expect(u.types['hash']?.keys).toBe(25);
    expect(u.ttl['none']).toEqual({ keys: 25, memoryBytes: await memoryOf(ctx.client, users) });
    expect(u.ttl['1d-7d']?.keys).toBe(1);
    expect(u.topKeys[0]).toMatchObject({ key: `${p}user:big`, type: 'string', keyEncoding: 'utf8' });
    expect(u.topKeys[0]?.ttlMs).toBeGreaterThan(2 * 86_400_000);

    const f = find(result.summary.namespaces, 'feeds');
    expect(f.types['list']?.keys).toBe(1);
    expect(f.ttl['4h-12h']?.keys).toBe(1);
    // Freshly written keys: idle time under a minute (the shared servers run the default noeviction policy).
    expect(s.access.tracking).toBe('idle');
    expect(s.access.buckets['lt1m']?.keys).toBe(40);
  });

  it('groups keys outside configured namespaces by prefix, and accepts binary keys', async () => {
    // A delimiter no other test uses, so only this test's keys form prefix namespaces.
    const u = ctx.prefix.replace(/[^a-z0-9]/g, '');
    await ctx.client.set(Buffer.concat([Buffer.from(`${u}bin|`), Buffer.from([0xff, 0xfe])]), 'v');
    await ctx.client.set(`${u}plain|1`, 'v');
    await ctx.client.set(`${u}plain|2`, 'v');
    const result = await analyzeCluster(target(), [], { mode: 'exact', manager, maxKeysPerSecond: Infinity, delimiter: '|' });
    const plain = find(result.summary.namespaces, `${u}plain|*`);
    expect(plain.configured).toBe(false);
    expect(plain.keys.value).toBe(2);
    const bin = find(result.summary.namespaces, `${u}bin|*`);
    expect(bin.topKeys[0]).toMatchObject({ keyEncoding: 'base64', key: Buffer.concat([Buffer.from(`${u}bin|`), Buffer.from([0xff, 0xfe])]).toString('base64') });
  });

  it('sampled: estimates per namespace hold the exact value within their 95 % bound', async () => {
    const p = ctx.prefix;
    await Promise.all([
      ...Array.from({ length: 3000 }, (_, i) => ctx.client.set(`${p}small:${i}`, 'x'.repeat(20))),
      ...Array.from({ length: 1000 }, (_, i) => ctx.client.set(`${p}large:${i}`, 'x'.repeat(400), 'EX', 600)),
    ]);
    const policies = [ns('small', `${p}small:*`), ns('large', `${p}large:*`)];
    const exact = await analyzeCluster(target(), policies, { mode: 'exact', manager, maxKeysPerSecond: Infinity });
    const sampled = await analyzeCluster(target(), policies, { mode: 'sampled', samples: 4000, manager, maxKeysPerSecond: Infinity });
    expect(sampled.summary.mode).toBe('sampled');
    for (const name of ['small', 'large']) {
      const e = find(exact.summary.namespaces, name);
      const s = find(sampled.summary.namespaces, name);
      const bound = s.memoryBytes.errorBound95 ?? 0;
      expect(bound).toBeGreaterThan(0);
      // 95 % bounds: widen to 2x so the test is not flaky one run in twenty, still far tighter than a wrong estimator.
      expect(Math.abs(s.memoryBytes.value - e.memoryBytes.value)).toBeLessThanOrEqual(2 * bound);
      expect(Math.abs(s.keys.value - e.keys.value)).toBeLessThanOrEqual(2 * (s.keys.errorBound95 ?? 0));
    }
    // Far fewer keys probed than exist on the servers (sampling, not a scan).
    expect(sampled.summary.keysProbed).toBeLessThan(exact.summary.keysProbed);
  });
});
