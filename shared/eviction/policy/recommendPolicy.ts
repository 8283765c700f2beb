import { skewFromFrequency, skewFromIdle, type AccessSkew } from '../analysis/accessSkew';
import type { Counter } from '../analysis/AnalysisAggregate';
import type { AnalysisSummary, NamespaceReport } from '../analysis/analysisReport';
import type { DataNode } from '../../platform/topology/listNodes';
import type { ClusterSpec } from '../../platform/registry/clusterSpec';
import type { NamespacePolicySpec } from '../../platform/registry/namespacePolicy';
import { isEvictionPolicy, type EvictionPolicy } from './evictionPolicies';
import { formatBytes, percent } from './formatBytes';

/** One explained step of the recommendation: which rule, what it concluded, and the numbers behind it. */
export interface RecommendationReason {
  rule: string;
  message: string;
  evidence: Record<string, number | string | boolean | null>;
}

export interface Recommendation {
  /** The policy the nodes run now (`mixed` when they disagree). */
  current: EvictionPolicy | 'mixed' | 'unknown';
  currentByNode: Record<string, string>;
  recommended: EvictionPolicy;
  /** Azure Cache for Redis only: memory kept out of the dataset for fragmentation and replication buffers. */
  maxmemoryReserved: { recommendedMb: number; maxmemoryMb: number; reason: RecommendationReason } | null;
  reasons: RecommendationReason[];
  warnings: RecommendationReason[];
}

export interface RecommendThresholds {
  /** Share of cache memory under TTL from which volatile-* is chosen. @default 0.9 */
  volatileTtlShare?: number;
  /** With persistent data, share of cache memory under TTL below which nothing can be evicted safely. @default 0.5 */
  persistentMinEvictableShare?: number;
  /** LFU: share of reads taken by the hottest 20 % of keys that counts as skewed. @default 0.8 */
  paretoShare?: number;
  /** `lfu-log-factor` of the nodes (CONFIG GET; Azure keeps the default). @default 10 */
  lfuLogFactor?: number;
}

export interface RecommendInput {
  mode: ClusterSpec['mode'];
  summary: AnalysisSummary;
  /** Configured namespace policies by name. */
  policies: Record<string, Pick<NamespacePolicySpec, 'ttlSeconds' | 'priority' | 'protected'> & { retention?: 'cache' | 'persistent' | undefined }>;
  /** Data nodes with their memory facts (current policy per node). */
  nodes: readonly DataNode[];
  thresholds?: RecommendThresholds;
}

const sumCounters = (counters: Counter[]): Counter => counters.reduce((a, c) => ({ keys: a.keys + c.keys, memoryBytes: a.memoryBytes + c.memoryBytes }), { keys: 0, memoryBytes: 0 });

/**
 * Turns an analysis and the current configuration into a `maxmemory-policy` (and on Azure Cache for Redis a
 * `maxmemory-reserved`) with explainable rules, each with its numbers:
 * 1. persistent namespaces: keep their keys out of reach of eviction (volatile-*, or noeviction when too little
 *    cache memory carries a TTL) and warn about data loss under allkeys-*;
 * 2. TTL coverage of cache memory: nearly all of it under TTL → volatile-*, else allkeys-*;
 * 3. access skew: a small set of keys takes most reads → *-lfu, else *-lru;
 * 4. warnings: cache keys without TTL (never evicted under volatile-*; against their policy's TTL), persistent keys
 *    with a TTL (evictable under volatile-*), noeviction on a cache (writes fail with OOM at maxmemory).
 */
export function recommendPolicy(input: RecommendInput): Recommendation {
  const t = { volatileTtlShare: 0.9, persistentMinEvictableShare: 0.5, paretoShare: 0.8, lfuLogFactor: 10, ...input.thresholds };
  const reasons: RecommendationReason[] = [];
  const warnings: RecommendationReason[] = [];
  const masters = input.nodes.filter((n) => n.role === 'master');
  const currentByNode = Object.fromEntries(input.nodes.map((n) => [n.name, n.memory.policy]));
  const distinct = [...new Set(Object.values(currentByNode))];
  const current = distinct.length === 0 ? 'unknown' : distinct.length > 1 ? 'mixed' : isEvictionPolicy(distinct[0] as string) ? (distinct[0] as EvictionPolicy) : 'unknown';

  const retentionOf = (ns: NamespaceReport): 'cache' | 'persistent' => input.policies[ns.namespace]?.retention ?? 'cache';
  const cache = input.summary.namespaces.filter((ns) => retentionOf(ns) === 'cache');
  const persistent = input.summary.namespaces.filter((ns) => retentionOf(ns) === 'persistent');
  const memory = (list: NamespaceReport[]): number => list.reduce((s, ns) => s + ns.memoryBytes.value, 0);
  const noTtl = (list: NamespaceReport[]): Counter => sumCounters(list.map((ns) => ns.ttl['none'] ?? { keys: 0, memoryBytes: 0 }));
  const cacheMemory = memory(cache);
  const persistentMemory = memory(persistent);
  const cacheNoTtl = noTtl(cache);
  const cacheTtlMemory = cacheMemory - cacheNoTtl.memoryBytes;
  const ttlShare = cacheMemory > 0 ? cacheTtlMemory / cacheMemory : 0;

  let family: 'volatile' | 'allkeys' | 'noeviction';
  if (cacheMemory + persistentMemory === 0) {
    family = 'allkeys';
    reasons.push({ rule: 'empty', message: 'no keys were found: nothing to weigh, allkeys-lru is the safe default for a cache', evidence: { keys: 0 } });
  } else if (persistentMemory > 0) {
    const persistentNoTtl = noTtl(persistent);
    const evidence = {
      persistentNamespaces: persistent.map((ns) => ns.namespace).join(', '),
      persistentMemoryBytes: Math.round(persistentMemory),
      persistentKeysWithTtl: Math.round(persistent.reduce((s, ns) => s + ns.keys.value - (ns.ttl['none']?.keys ?? 0), 0)),
      cacheMemoryUnderTtlBytes: Math.round(cacheTtlMemory),
      cacheMemoryUnderTtlShare: round(ttlShare),
    };
    if (cacheMemory > 0 && ttlShare >= t.persistentMinEvictableShare) {
      family = 'volatile';
      reasons.push({
        rule: 'persistent_data',
        message: `namespaces marked persistent (${evidence.persistentNamespaces}) hold ${formatBytes(persistentMemory)}; volatile-* evicts only keys with a TTL, so their ${formatBytes(persistentNoTtl.memoryBytes)} without TTL are never evicted, while ${percent(ttlShare)} of cache memory (${formatBytes(cacheTtlMemory)}) stays evictable`,
        evidence,
      });
    } else {
      family = 'noeviction';
      reasons.push({
        rule: 'persistent_data',
        message: `namespaces marked persistent (${evidence.persistentNamespaces}) hold ${formatBytes(persistentMemory)} and only ${percent(ttlShare)} of cache memory has a TTL (threshold ${percent(t.persistentMinEvictableShare)}): no policy can free memory without risking persistent keys, so noeviction (writes fail with OOM at maxmemory instead of losing data)`,
        evidence,
      });
    }
    warnings.push({
      rule: 'persistent_data_loss',
      message: `allkeys-* policies would evict keys of ${evidence.persistentNamespaces} (${formatBytes(persistentMemory)}) and lose data that exists nowhere else${current.startsWith('allkeys') ? `; the current policy ${current} already can` : ''}`,
      evidence: { persistentMemoryBytes: Math.round(persistentMemory), current },
    });
    for (const ns of persistent) {
      const withTtl = ns.keys.value - (ns.ttl['none']?.keys ?? 0);
      if (withTtl > 0 && family === 'volatile') {
        warnings.push({
          rule: 'persistent_keys_with_ttl',
          message: `${Math.round(withTtl)} keys of persistent namespace ${ns.namespace} have a TTL: volatile-* can evict them before they expire`,
          evidence: { namespace: ns.namespace, keysWithTtl: Math.round(withTtl) },
        });
      }
    }
  } else {
    family = ttlShare >= t.volatileTtlShare ? 'volatile' : 'allkeys';
    reasons.push({
      rule: 'ttl_coverage',
      message:
        family === 'volatile'
          ? `${percent(ttlShare)} of memory (${formatBytes(cacheTtlMemory)} of ${formatBytes(cacheMemory)}) is in keys with a TTL (threshold ${percent(t.volatileTtlShare)}): volatile-* evicts among them and keeps the ${formatBytes(cacheNoTtl.memoryBytes)} without TTL`
          : `only ${percent(ttlShare)} of memory (${formatBytes(cacheTtlMemory)} of ${formatBytes(cacheMemory)}) is in keys with a TTL (threshold ${percent(t.volatileTtlShare)}): volatile-* could free at most that much, so allkeys-* lets eviction reach the ${formatBytes(cacheNoTtl.memoryBytes)} without TTL`,
      evidence: { cacheMemoryBytes: Math.round(cacheMemory), memoryUnderTtlBytes: Math.round(cacheTtlMemory), memoryUnderTtlShare: round(ttlShare), keysWithoutTtl: Math.round(cacheNoTtl.keys), threshold: t.volatileTtlShare },
    });
  }

  let recommended: EvictionPolicy = 'noeviction';
  if (family !== 'noeviction') {
    const skew = combinedSkew(family === 'volatile' ? cache : input.summary.namespaces, t.lfuLogFactor, t.paretoShare);
    const suffix = skew?.skewed ? 'lfu' : 'lru';
    recommended = `${family}-${suffix}` as EvictionPolicy;
    reasons.push(skewReason(skew, suffix, t.paretoShare));
  }

  for (const ns of cache) {
    const none = ns.ttl['none'];
    if (!none || none.keys < 0.5) continue;
    const policyTtl = input.policies[ns.namespace]?.ttlSeconds ?? null;
    const share = ns.keys.value > 0 ? none.keys / ns.keys.value : 0;
    warnings.push({
      rule: 'cache_keys_without_ttl',
      message: `${Math.round(none.keys)} keys (${percent(share)}) of cache namespace ${ns.namespace}, ${formatBytes(none.memoryBytes)}, have no TTL${policyTtl !== null ? ` although its policy sets ${policyTtl} s` : ''}${recommended.startsWith('volatile') ? `; ${recommended} never evicts them` : ''}`,
      evidence: { namespace: ns.namespace, keysWithoutTtl: Math.round(none.keys), memoryBytes: Math.round(none.memoryBytes), share: round(share), policyTtlSeconds: policyTtl },
    });
  }
  if (current === 'noeviction' && recommended !== 'noeviction' && cacheMemory > 0) {
    const fullest = masters.reduce<DataNode | null>((a, n) => (n.memory.maxmemoryBytes > 0 && (!a || ratio(n) > ratio(a)) ? n : a), null);
    warnings.push({
      rule: 'noeviction_on_cache',
      message: `the nodes run noeviction: at maxmemory every write fails with OOM instead of evicting cache keys${fullest ? ` (fullest node ${fullest.name} at ${percent(ratio(fullest))} of maxmemory)` : ''}`,
      evidence: { fullestNode: fullest?.name ?? null, usedRatio: fullest ? round(ratio(fullest)) : null },
    });
  }
  return { current, currentByNode, recommended, maxmemoryReserved: input.mode === 'azure-cache-for-redis' ? reservedFor(masters) : null, reasons, warnings };
}

function ratio(n: DataNode): number {
  return n.memory.maxmemoryBytes > 0 ? n.memory.usedBytes / n.memory.maxmemoryBytes : 0;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function combinedSkew(namespaces: NamespaceReport[], lfuLogFactor: number, paretoShare: number): AccessSkew | null {
  const frequency: Record<string, Counter> = {};
  const idle: Record<string, Counter> = {};
  for (const ns of namespaces) {
    const target = ns.access.tracking === 'frequency' ? frequency : idle;
    const source = ns.access.tracking === 'frequency' ? (ns.access.frequencyHistogram ?? {}) : ns.access.buckets;
    for (const [bucket, c] of Object.entries(source)) {
      const into = (target[bucket] ??= { keys: 0, memoryBytes: 0 });
      into.keys += c.keys;
      into.memoryBytes += c.memoryBytes;
    }
  }
  return skewFromFrequency(frequency, lfuLogFactor, paretoShare) ?? skewFromIdle(idle);
}

function skewReason(skew: AccessSkew | null, suffix: 'lfu' | 'lru', paretoShare: number): RecommendationReason {
  if (!skew) {
    return { rule: 'access_skew', message: 'no access statistics (the nodes report neither idle times nor LFU counters): LRU, the general-purpose choice', evidence: { basis: 'none' } };
  }
  if (skew.basis === 'frequency') {
    const share = skew.hottest20PercentReadShare ?? 0;
    return {
      rule: 'access_skew',
      message:
        suffix === 'lfu'
          ? `the hottest 20 % of keys took ${percent(share)} of reads (estimated from OBJECT FREQ over ${Math.round(skew.keys)} keys; threshold ${percent(paretoShare)}): LFU keeps that hot set even when a burst of one-off reads would push it out under LRU`
          : `the hottest 20 % of keys took ${percent(share)} of reads (threshold ${percent(paretoShare)}): access is spread, LRU tracks it well`,
      evidence: { basis: 'frequency', keys: Math.round(skew.keys), hottest20PercentReadShare: round(share), threshold: paretoShare },
    };
  }
  return {
    rule: 'access_skew',
    message:
      suffix === 'lfu'
        ? `only ${percent(skew.recentShare ?? 0)} of keys were read in the last 10 minutes while ${percent(skew.staleShare ?? 0)} have been idle for over an hour (OBJECT IDLETIME over ${Math.round(skew.keys)} keys): a small hot set, which LFU protects better than LRU`
        : `${percent(skew.recentShare ?? 0)} of keys were read in the last 10 minutes and ${percent(skew.staleShare ?? 0)} have been idle for over an hour (OBJECT IDLETIME over ${Math.round(skew.keys)} keys): no small hot set, LRU fits`,
    evidence: { basis: 'idle', keys: Math.round(skew.keys), recentShare: round(skew.recentShare ?? 0), staleShare: round(skew.staleShare ?? 0) },
  };
}

/**
 * Azure Cache for Redis reserves `maxmemory-reserved` for non-cache work (replication buffers, fragmentation,
 * failover). Microsoft's guidance is at least 10 % of maxmemory, more when fragmentation is high: 15 % from a
 * fragmentation ratio of 1.25, 20 % from 1.5 (the worst master decides).
 */
function reservedFor(masters: readonly DataNode[]): Recommendation['maxmemoryReserved'] {
  const limits = masters.map((m) => m.memory.maxmemoryBytes).filter((b) => b > 0);
  if (limits.length === 0) return null;
  const maxmemory = Math.min(...limits);
  const fragmentation = Math.max(...masters.map((m) => m.memory.fragmentationRatio ?? 1));
  const share = fragmentation >= 1.5 ? 0.2 : fragmentation >= 1.25 ? 0.15 : 0.1;
  const mb = 1024 * 1024;
  const recommendedMb = Math.ceil((maxmemory * share) / mb);
  return {
    recommendedMb,
    maxmemoryMb: Math.round(maxmemory / mb),
    reason: {
      rule: 'maxmemory_reserved',
      message: `reserve ${percent(share)} of maxmemory (${recommendedMb} MB of ${Math.round(maxmemory / mb)} MB) for replication buffers and fragmentation: the worst master's fragmentation ratio is ${fragmentation.toFixed(2)}`,
      evidence: { maxmemoryBytes: maxmemory, fragmentationRatio: fragmentation, share, recommendedMb },
    },
  };
}
