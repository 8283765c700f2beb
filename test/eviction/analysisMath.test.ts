import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimatedReads, skewFromFrequency, skewFromIdle } from '../../shared/eviction/analysis/accessSkew';
import { addKey, boundAggregate, emptyAggregate, mergeAggregates, type KeyFacts } from '../../shared/eviction/analysis/AnalysisAggregate';
import { analysisSummary } from '../../shared/eviction/analysis/analysisReport';
import { ttlBucketOf } from '../../shared/eviction/analysis/buckets';
import { NamespaceMatcher } from '../../shared/eviction/analysis/NamespaceMatcher';
import { globMatch } from '../../shared/platform/keyspace/redisGlob';
import { estimateVariance } from '../../shared/eviction/analysis/sampleNode';
import { recommendPolicy } from '../../shared/eviction/policy/recommendPolicy';
import { fromManagedRedisPolicy, toManagedRedisPolicy, evictionPolicies } from '../../shared/eviction/policy/evictionPolicies';

const facts = (key: string, memoryBytes: number, pttlMs = -1, type = 'string'): KeyFacts => ({ key: Buffer.from(key), type, pttlMs, memoryBytes, idleSeconds: 5, lfuFrequency: null });

describe('namespaces', () => {
  it('matches Redis globs: *, ?, classes, negation, escapes', () => {
    expect(globMatch('user:*', 'user:42')).toBe(true);
    expect(globMatch('user:?', 'user:42')).toBe(false);
    expect(globMatch('h[ae]llo', 'hallo')).toBe(true);
    expect(globMatch('h[^e]llo', 'hello')).toBe(false);
    expect(globMatch('a\\*b', 'a*b')).toBe(true);
    expect(globMatch('a\\*b', 'axb')).toBe(false);
    expect(globMatch('v1.2:*', 'v1x2:a')).toBe(false);
  });

  it('the most specific configured pattern wins, then prefixes, then (none) and (other)', () => {
    const m = new NamespaceMatcher({ patterns: [{ name: 'users', keyPattern: 'user:*' }, { name: 'vip', keyPattern: 'user:vip:*' }], maxPrefixes: 2 });
    expect(m.namespaceOf('user:vip:1')).toBe('vip');
    expect(m.namespaceOf('user:1')).toBe('users');
    expect(m.namespaceOf('cart:9')).toBe('cart:*');
    expect(m.namespaceOf('plainkey')).toBe('(none)');
    expect(m.namespaceOf('feed:1')).toBe('feed:*');
    expect(m.namespaceOf('third:1')).toBe('(other)');
    expect(m.namespaceOf('cart:10')).toBe('cart:*');
  });
});

describe('buckets and estimates', () => {
  it('puts TTLs in the documented buckets at their boundaries', () => {
    const h = 3_600_000;
    expect([-1, 0, h - 1, h, 4 * h, 12 * h, 24 * h, 7 * 24 * h, 30 * 24 * h].map(ttlBucketOf)).toEqual(['none', 'lt1h', 'lt1h', '1h-4h', '4h-12h', '12h-24h', '1d-7d', '7d-30d', 'gt30d']);
  });

  it('variance of a namespace estimate: p(1-p)·D²/(n-1) for keys, 0 for a namespace that is every sample', () => {
    const half = estimateVariance({ samples: 50, memoryBytes: 5000, memoryBytesSquared: 50 * 100 * 100 }, 100, 1000);
    expect(half.keys).toBeCloseTo((0.25 * 1000 * 1000) / 99, 6);
    expect(estimateVariance({ samples: 100, memoryBytes: 10_000, memoryBytesSquared: 100 * 100 * 100 }, 100, 1000)).toEqual({ keys: 0, memoryBytes: 0 });
  });

  it('merging aggregates is order-independent (any split of the same keys gives the same summary)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a:', 'b:', 'c'), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: -1, max: 40 * 86_400_000 })), { minLength: 1, maxLength: 60 }), fc.nat(), (rows, cut) => {
        const keyed = rows.map(([prefix, bytes, ttl], i) => facts(`${prefix}${i}`, bytes, ttl));
        const whole = emptyAggregate('exact');
        const m = new NamespaceMatcher();
        for (const f of keyed) addKey(whole, m.namespaceOf(f.key), f, 'n1', 1, 5);
        const at = cut % keyed.length;
        const [left, right] = [emptyAggregate('exact'), emptyAggregate('exact')];
        keyed.forEach((f, i) => addKey(i < at ? left : right, m.namespaceOf(f.key), f, 'n1', 1, 5));
        const summary = (a: typeof whole) => analysisSummary(a, () => false, { topKeys: 5 });
        expect(summary(mergeAggregates(right, left, 5))).toEqual(summary(whole));
      }),
      { numRuns: 100 },
    );
  });
});

describe('checkpoint size', () => {
  it('keeps an aggregate under a size by trimming top keys, then folding the smallest prefix namespaces into (other); totals stay', () => {
    const a = emptyAggregate('exact');
    const m = new NamespaceMatcher({ patterns: [{ name: 'tiny', keyPattern: 'tiny:*' }], maxPrefixes: 1000 });
    addKey(a, m.namespaceOf('tiny:1'), facts('tiny:1', 1), 'n1');
    for (let p = 0; p < 300; p++) for (let i = 0; i < 10; i++) addKey(a, m.namespaceOf(`p${p}:${'k'.repeat(600)}${i}`), facts(`p${p}:${'k'.repeat(600)}${i}`, 100 + p), 'n1');
    const before = JSON.stringify(a).length;
    const totals = (x: typeof a) => Object.values(x.namespaces).reduce((s, n) => ({ keys: s.keys + n.keys, bytes: s.bytes + n.memoryBytes }), { keys: 0, bytes: 0 });
    const expected = totals(a);
    boundAggregate(a, 60_000, (name) => !m.isConfigured(name));
    expect(before).toBeGreaterThan(200_000);
    expect(JSON.stringify(a).length).toBeLessThanOrEqual(60_000);
    expect(totals(a)).toEqual(expected);
    expect(a.namespaces['tiny']?.keys).toBe(1); // configured: never folded, though the smallest
    expect(a.namespaces['(other)']?.keys).toBeGreaterThan(0);
    expect(a.namespaces['p299:*']?.top[0]?.keyTruncated).toBe(true); // the largest survives, its keys cut at 512 chars
  });
});

describe('access skew', () => {
  it('estimates reads from LFU counters with the log factor (factor 0: one read per increment)', () => {
    expect(estimatedReads(5, 10)).toBe(0);
    expect(estimatedReads(35, 0)).toBe(30);
    expect(estimatedReads(7, 10)).toBe(12); // 1 read from 5 to 6, then 11 expected (p = 1/11) from 6 to 7
  });

  it('hottest 20 % read share from a histogram', () => {
    // 10 keys with 30 reads each, 90 keys with 1: the top 20 keys get 300 + 10 of 390 reads.
    const skew = skewFromFrequency({ '35': { keys: 10, memoryBytes: 0 }, '6': { keys: 90, memoryBytes: 0 } }, 0);
    expect(skew?.hottest20PercentReadShare).toBeCloseTo(310 / 390, 10);
    expect(skew?.skewed).toBe(false);
    expect(skewFromFrequency({ '5': { keys: 10, memoryBytes: 0 } }, 10)).toBeNull(); // no reads at all: no basis
    expect(skewFromIdle({ lt1m: { keys: 1, memoryBytes: 0 }, 'gt24h': { keys: 9, memoryBytes: 0 } })).toMatchObject({ recentShare: 0.1, staleShare: 0.9, skewed: true });
  });
});

describe('recommendation details', () => {
  const summaryOf = (rows: KeyFacts[]) => {
    const a = emptyAggregate('exact');
    for (const f of rows) addKey(a, new NamespaceMatcher().namespaceOf(f.key), f, 'n1');
    return analysisSummary(a, () => false);
  };
  const node = (fragmentationRatio: number) => ({ address: { host: 'h', port: 6380 }, name: 'h:6380', role: 'master' as const, memory: { usedBytes: 900, maxmemoryBytes: 1024 * 1024 * 1024, policy: 'volatile-lru', fragmentationRatio } });

  it('Azure Cache for Redis: maxmemory-reserved from maxmemory and fragmentation; other modes: none', () => {
    const summary = summaryOf([facts('s:1', 100, 60_000)]);
    const low = recommendPolicy({ mode: 'azure-cache-for-redis', summary, policies: {}, nodes: [node(1.1)] });
    expect(low.maxmemoryReserved).toMatchObject({ recommendedMb: 103, maxmemoryMb: 1024 });
    const high = recommendPolicy({ mode: 'azure-cache-for-redis', summary, policies: {}, nodes: [node(1.6)] });
    expect(high.maxmemoryReserved?.recommendedMb).toBe(205);
    expect(high.maxmemoryReserved?.reason.message).toContain('fragmentation ratio is 1.60');
    expect(recommendPolicy({ mode: 'azure-managed-redis', summary, policies: {}, nodes: [node(1.6)] }).maxmemoryReserved).toBeNull();
  });

  it('an empty cache gets allkeys-lru with a reason, nodes that disagree are "mixed"', () => {
    const r = recommendPolicy({ mode: 'cluster', summary: summaryOf([]), policies: {}, nodes: [node(1), { ...node(1), name: 'h:6381', memory: { ...node(1).memory, policy: 'allkeys-lru' } }] });
    expect(r).toMatchObject({ current: 'mixed', recommended: 'allkeys-lru' });
    expect(r.reasons[0]?.rule).toBe('empty');
  });

  it('maps every policy to Azure Managed Redis PascalCase and back', () => {
    for (const p of evictionPolicies) expect(fromManagedRedisPolicy(toManagedRedisPolicy(p))).toBe(p);
    expect(toManagedRedisPolicy('allkeys-lru')).toBe('AllKeysLRU');
    expect(fromManagedRedisPolicy('volatilettl')).toBe('volatile-ttl');
    expect(fromManagedRedisPolicy('Bogus')).toBeNull();
  });
});
