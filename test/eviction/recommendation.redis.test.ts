import { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyzeCluster, type AnalysisNamespace } from '../../shared/eviction/analysis/analyzeCluster';
import { RedisConnectionManager } from '../../shared/platform/redis/RedisConnectionManager';
import { testTarget } from '../cluster/targets';
import { closeClient, useOwnCluster } from '../helpers/redis';

// Own cluster: the scenarios FLUSHALL and change maxmemory-policy / lfu-log-factor on every master.
const own = useOwnCluster({ masters: 3, replicasPerMaster: 0 });
const manager = new RedisConnectionManager();
let client: Cluster;

beforeAll(() => {
  client = new Cluster(own.cluster.seeds);
});
afterAll(async () => {
  await closeClient(client);
  await manager.closeAll();
});
beforeEach(async () => {
  await Promise.all(own.cluster.masters.map(async (m) => client.nodes('master').find((n) => n.options.port === m.port)?.flushall()));
});

const ns = (namespace: string, keyPattern: string, extra: Partial<AnalysisNamespace> = {}): AnalysisNamespace => ({ namespace, keyPattern, ttlSeconds: null, priority: 50, protected: false, ...extra });
const write = (count: number, fn: (i: number) => Promise<unknown>) => Promise.all(Array.from({ length: count }, (_, i) => fn(i)));
const configSetAll = (...args: string[]) => Promise.all(client.nodes('master').map((n) => n.call('CONFIG', 'SET', ...args)));

async function recommend(policies: AnalysisNamespace[]) {
  const target = testTarget('cluster', own.cluster.seeds);
  const { recommendation } = await analyzeCluster(target, policies, { mode: 'exact', manager, maxKeysPerSecond: Infinity });
  return recommendation;
}

describe('eviction recommendation on a local cluster', () => {
  it('nearly all memory under TTL → volatile-lru, with the share and bytes behind it', async () => {
    await write(300, (i) => client.set(`sess:${i}`, 'x'.repeat(100), 'EX', 1800));
    await write(200, (i) => client.set(`page:${i}`, 'y'.repeat(300), 'EX', 7200));
    await client.set('config:flag', '1'); // a tiny key without TTL stays protected by volatile-*
    const r = await recommend([ns('sessions', 'sess:*', { ttlSeconds: 1800 }), ns('pages', 'page:*')]);
    expect(r.current).toBe('noeviction');
    expect(r.recommended).toBe('volatile-lru');
    const ttl = r.reasons.find((x) => x.rule === 'ttl_coverage');
    expect(ttl?.evidence['memoryUnderTtlShare']).toBeGreaterThan(0.99);
    expect(ttl?.message).toMatch(/^99\.\d % of memory \(.+ of .+\) is in keys with a TTL/);
    expect(r.warnings.map((w) => w.rule)).toContain('noeviction_on_cache');
    expect(r.warnings.find((w) => w.rule === 'cache_keys_without_ttl')?.evidence).toMatchObject({ namespace: 'config:*', keysWithoutTtl: 1 });
  });

  it('a large share without TTL → allkeys-lru, and a warning naming the namespace whose policy expects a TTL', async () => {
    await write(300, (i) => client.set(`sess:${i}`, 'x'.repeat(100), 'EX', 1800));
    await write(200, (i) => client.set(`profile:${i}`, 'p'.repeat(400)));
    const r = await recommend([ns('sessions', 'sess:*'), ns('profiles', 'profile:*', { ttlSeconds: 3600 })]);
    expect(r.recommended).toBe('allkeys-lru');
    const ttl = r.reasons.find((x) => x.rule === 'ttl_coverage');
    expect(ttl?.evidence['memoryUnderTtlShare']).toBeLessThan(0.5);
    expect(ttl?.message).toMatch(/^only \d+\.\d % of memory/);
    const warning = r.warnings.find((w) => w.rule === 'cache_keys_without_ttl' && w.evidence['namespace'] === 'profiles');
    expect(warning?.evidence).toMatchObject({ keysWithoutTtl: 200, share: 1, policyTtlSeconds: 3600 });
    expect(warning?.message).toContain('although its policy sets 3600 s');
  });

  it('skewed reads under LFU → allkeys-lfu, with the read share of the hottest 20 %', async () => {
    // lfu-log-factor 0: every read increments the counter, so the test controls the frequencies exactly.
    await configSetAll('maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0');
    await write(400, (i) => client.set(`catalog:${i}`, 'c'.repeat(200)));
    for (let round = 0; round < 50; round++) await write(40, (i) => client.get(`catalog:${i}`)); // 10 % of keys, 50 reads each
    await write(400, (i) => (i >= 40 ? client.get(`catalog:${i}`) : Promise.resolve())); // the rest once
    const r = await recommend([ns('catalog', 'catalog:*')]);
    expect(r.current).toBe('allkeys-lfu');
    expect(r.recommended).toBe('allkeys-lfu');
    const skew = r.reasons.find((x) => x.rule === 'access_skew');
    expect(skew?.evidence['basis']).toBe('frequency');
    expect(skew?.evidence['hottest20PercentReadShare']).toBeGreaterThan(0.8);
    expect(skew?.message).toMatch(/the hottest 20 % of keys took \d+\.\d % of reads/);

    // Same data, reads spread evenly: LRU again.
    await Promise.all(client.nodes('master').map((n) => n.flushall()));
    await write(400, (i) => client.set(`catalog:${i}`, 'c'.repeat(200)));
    for (let round = 0; round < 5; round++) await write(400, (i) => client.get(`catalog:${i}`));
    const even = await recommend([ns('catalog', 'catalog:*')]);
    expect(even.recommended).toBe('allkeys-lru');
    expect(even.reasons.find((x) => x.rule === 'access_skew')?.evidence['hottest20PercentReadShare']).toBeLessThan(0.3);
    await configSetAll('maxmemory-policy', 'noeviction', 'lfu-log-factor', '10');
  });

  it('persistent namespace → volatile-* keeps it out of eviction, and warns about data loss under allkeys-*', async () => {
    await configSetAll('maxmemory-policy', 'allkeys-lru');
    await write(300, (i) => client.set(`sess:${i}`, 'x'.repeat(100), 'EX', 1800));
    await write(100, (i) => client.hset(`ledger:${i}`, { amount: String(i), currency: 'EUR' }));
    await client.set('ledger:expiring', '1', 'EX', 600);
    const r = await recommend([ns('sessions', 'sess:*'), ns('ledger', 'ledger:*', { retention: 'persistent', protected: true })]);
    expect(r.recommended).toBe('volatile-lru');
    const reason = r.reasons.find((x) => x.rule === 'persistent_data');
    expect(reason?.evidence).toMatchObject({ persistentNamespaces: 'ledger', persistentKeysWithTtl: 1, cacheMemoryUnderTtlShare: 1 });
    const loss = r.warnings.find((w) => w.rule === 'persistent_data_loss');
    expect(loss?.message).toContain('the current policy allkeys-lru already can');
    expect(r.warnings.find((w) => w.rule === 'persistent_keys_with_ttl')?.evidence).toMatchObject({ namespace: 'ledger', keysWithTtl: 1 });

    // Persistent data and a cache that mostly has no TTL: nothing can be evicted safely.
    await write(300, (i) => client.persist(`sess:${i}`));
    const strict = await recommend([ns('sessions', 'sess:*'), ns('ledger', 'ledger:*', { retention: 'persistent' })]);
    expect(strict.recommended).toBe('noeviction');
    expect(strict.reasons.find((x) => x.rule === 'persistent_data')?.message).toMatch(/only 0\.0 % of cache memory has a TTL/);
    await configSetAll('maxmemory-policy', 'noeviction');
  });
});
