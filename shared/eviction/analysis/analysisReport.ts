import type { AnalysisAggregate, Counter, NamespaceAggregate, TopKey } from './AnalysisAggregate';
import { skewFromFrequency, skewFromIdle, type AccessSkew } from './accessSkew';
import { idleBuckets, ttlBuckets } from './buckets';

/** A number and, for sampled analyses, its 95 % error bound (±). */
export interface Estimate {
  value: number;
  /** Half-width of the 95 % confidence interval; null for exact analyses. */
  errorBound95: number | null;
}

export interface NamespaceReport {
  namespace: string;
  /** A configured namespace policy (else a key prefix found in the data). */
  configured: boolean;
  keys: Estimate;
  memoryBytes: Estimate;
  /** Share of the cluster's analysed memory. */
  memoryShare: number;
  types: Record<string, Counter>;
  /** Every TTL bucket, by keys and by memory. */
  ttl: Record<string, Counter>;
  /** Idle-time buckets (non-LFU policies) or LFU counter ranges. */
  access: {
    tracking: 'idle' | 'frequency' | 'none';
    buckets: Record<string, Counter>;
    /** LFU: every `OBJECT FREQ` value seen → keys and bytes (what the skew is computed from). */
    frequencyHistogram?: Record<string, Counter>;
    skew: AccessSkew | null;
  };
  topKeys: TopKey[];
}

export interface AnalysisSummary {
  mode: 'exact' | 'sampled';
  keysProbed: number;
  keysVanished: number;
  accessTracking: AnalysisAggregate['accessTracking'];
  totals: { keys: Estimate; memoryBytes: Estimate };
  namespaces: NamespaceReport[];
  topKeys: TopKey[];
}

const z95 = 1.96;
const frequencyRanges: [string, number, number][] = [
  ['0-4', 0, 4],
  ['5-9', 5, 9],
  ['10-31', 10, 31],
  ['32-99', 32, 99],
  ['100-255', 100, 255],
];

/**
 * The user-facing summary of an aggregate: namespaces by memory (largest first), estimates with 95 % bounds in
 * sampled mode (1.96 · √variance), all TTL buckets present, access buckets and skew, top keys.
 */
export function analysisSummary(aggregate: AnalysisAggregate, configured: (namespace: string) => boolean, options: { lfuLogFactor?: number; topKeys?: number } = {}): AnalysisSummary {
  const sampled = aggregate.mode === 'sampled';
  const estimate = (value: number, variance: number): Estimate => ({ value, errorBound95: sampled ? z95 * Math.sqrt(variance) : null });
  const entries = Object.entries(aggregate.namespaces);
  const totalMemory = entries.reduce((s, [, ns]) => s + ns.memoryBytes, 0);
  const namespaces = entries
    .map(([name, ns]) => ({
      namespace: name,
      configured: configured(name),
      keys: estimate(ns.keys, ns.variance.keys),
      memoryBytes: estimate(ns.memoryBytes, ns.variance.memoryBytes),
      memoryShare: totalMemory > 0 ? ns.memoryBytes / totalMemory : 0,
      types: ns.types,
      ttl: Object.fromEntries(ttlBuckets.map((b) => [b, ns.ttl[b] ?? { keys: 0, memoryBytes: 0 }])),
      access: accessOf(ns, options.lfuLogFactor),
      topKeys: ns.top,
    }))
    .sort((a, b) => b.memoryBytes.value - a.memoryBytes.value || (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  // Namespaces are disjoint; their estimates are not independent (one sample lands in exactly one), so the total's
  // bound is computed as if they were — conservative enough for a report, and exact mode has no bound at all.
  const sum = (f: (ns: NamespaceAggregate) => number): number => entries.reduce((s, [, ns]) => s + f(ns), 0);
  return {
    mode: aggregate.mode,
    keysProbed: aggregate.keysProbed,
    keysVanished: aggregate.keysVanished,
    accessTracking: aggregate.accessTracking,
    totals: { keys: estimate(sum((ns) => ns.keys), 0), memoryBytes: estimate(totalMemory, sum((ns) => ns.variance.memoryBytes)) },
    namespaces,
    topKeys: entries
      .flatMap(([, ns]) => ns.top)
      .sort((a, b) => b.memoryBytes - a.memoryBytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, options.topKeys ?? 20),
  };
}

function accessOf(ns: NamespaceAggregate, lfuLogFactor?: number): NamespaceReport['access'] {
  if (Object.keys(ns.frequency).length > 0) {
    const buckets: Record<string, Counter> = {};
    for (const [range, low, high] of frequencyRanges) {
      const c = (buckets[range] = { keys: 0, memoryBytes: 0 });
      for (const [value, counter] of Object.entries(ns.frequency)) {
        if (Number(value) >= low && Number(value) <= high) {
          c.keys += counter.keys;
          c.memoryBytes += counter.memoryBytes;
        }
      }
    }
    return { tracking: 'frequency', buckets, frequencyHistogram: ns.frequency, skew: skewFromFrequency(ns.frequency, lfuLogFactor) };
  }
  if (Object.keys(ns.idle).length > 0) {
    return { tracking: 'idle', buckets: Object.fromEntries(idleBuckets.map((b) => [b, ns.idle[b] ?? { keys: 0, memoryBytes: 0 }])), skew: skewFromIdle(ns.idle) };
  }
  return { tracking: 'none', buckets: {}, skew: null };
}
