import type { Redis } from 'ioredis';
import { addKey, emptyAggregate, type AnalysisAggregate, type KeyFacts, type SampleSums } from './AnalysisAggregate';
import type { NamespaceMatcher } from './NamespaceMatcher';
import { readPage, type AccessTracking, type ProbeOptions } from './probeKeys';
import { probeOptions } from './scanNodeChunk';
import { Throttle, type ThrottleOptions } from './Throttle';

export interface SampleNodeOptions extends ThrottleOptions {
  node: string;
  matcher: NamespaceMatcher;
  access: AccessTracking;
  /** Keys to draw (`RANDOMKEY`, with replacement). */
  samples: number;
  /** RANDOMKEYs per pipeline. @default 1000 */
  batchSize?: number;
  /** @default 5 */
  memorySamples?: number;
  /** @default 20 */
  topKeys?: number;
  /** @default 'script' */
  probe?: ProbeOptions['probe'];
}

export interface NodeSample {
  /** `DBSIZE` of the node when sampling started: the population the estimates are scaled to. */
  dbsize: number;
  aggregate: AnalysisAggregate;
}

/**
 * Sampled analysis of one node: `RANDOMKEY` n times (uniform, with replacement), the same probe as the exact scan,
 * and every counter scaled by DBSIZE / n so it estimates the node. Each namespace gets the variance of its key and
 * memory estimates (CLT over the per-sample values; `analysisReport` turns it into a 95 % bound). Variances of
 * independent nodes add, so node samples merge like exact chunks.
 */
export async function sampleNode(redis: Redis, options: SampleNodeOptions): Promise<NodeSample> {
  const dbsize = Number(await redis.dbsize());
  const aggregate = emptyAggregate('sampled');
  if (dbsize === 0 || options.samples <= 0) return { dbsize, aggregate };
  const throttle = new Throttle(options);
  const batchSize = options.batchSize ?? 1000;
  const drawn: { namespace: string; facts: KeyFacts }[] = [];
  for (let remaining = options.samples; remaining > 0; remaining -= batchSize) {
    const started = Date.now();
    const { facts } = await readPage(redis, { kind: 'random', count: Math.min(batchSize, remaining) }, probeOptions(options));
    for (const fact of facts) {
      if (fact.type === 'none' || fact.pttlMs === -2) aggregate.keysVanished += 1;
      else drawn.push({ namespace: options.matcher.namespaceOf(fact.key), facts: fact });
    }
    await throttle.after(facts.length, Date.now() - started);
  }
  const n = drawn.length;
  if (n === 0) return { dbsize, aggregate };
  const sums = new Map<string, SampleSums>();
  for (const { namespace, facts } of drawn) {
    addKey(aggregate, namespace, facts, options.node, dbsize / n, options.topKeys);
    const s = sums.get(namespace) ?? { samples: 0, memoryBytes: 0, memoryBytesSquared: 0 };
    const memory = facts.memoryBytes ?? 0;
    sums.set(namespace, { samples: s.samples + 1, memoryBytes: s.memoryBytes + memory, memoryBytesSquared: s.memoryBytesSquared + memory * memory });
  }
  for (const [namespace, s] of sums) {
    const ns = Object.hasOwn(aggregate.namespaces, namespace) ? aggregate.namespaces[namespace] : undefined;
    if (ns) ns.variance = estimateVariance(s, n, dbsize);
  }
  return { dbsize, aggregate };
}

/**
 * Variance of the estimates D·mean(y) where y is the sample's value if it belongs to the namespace, else 0
 * (keys: y ∈ {0,1}; memory: y = bytes). Sample variance with Bessel's correction; 0 when n = 1.
 */
export function estimateVariance(s: SampleSums, n: number, dbsize: number): { keys: number; memoryBytes: number } {
  if (n < 2) return { keys: 0, memoryBytes: 0 };
  const p = s.samples / n;
  const meanMemory = s.memoryBytes / n;
  const varianceKeys = (p * (1 - p) * n) / (n - 1);
  const varianceMemory = Math.max(0, (s.memoryBytesSquared / n - meanMemory * meanMemory) * (n / (n - 1)));
  return { keys: (dbsize * dbsize * varianceKeys) / n, memoryBytes: (dbsize * dbsize * varianceMemory) / n };
}
