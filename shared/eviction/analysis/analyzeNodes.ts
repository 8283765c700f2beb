import type { Redis } from 'ioredis';
import { emptyAggregate, mergeAggregates, type AnalysisAggregate } from './AnalysisAggregate';
import type { NamespaceMatcher } from './NamespaceMatcher';
import { nodeAccessTracking } from './probeKeys';
import { sampleNode } from './sampleNode';
import { scanNodeChunk } from './scanNodeChunk';
import type { ThrottleOptions } from './Throttle';

export interface AnalyzeNodesOptions extends ThrottleOptions {
  mode: 'exact' | 'sampled';
  matcher: NamespaceMatcher;
  /** Sampled: keys drawn over all masters, split by their DBSIZE (at least 100 each). @default 20000 */
  samples?: number;
  /** Masters analysed at once. @default 4 */
  maxParallelNodes?: number;
  /** Exact: stop every node after this long; unfinished nodes report their cursor. @default Infinity */
  budgetMs?: number;
  /** Exact: SCAN COUNT. @default 1000 */
  scanCount?: number;
  /** @default 5 */
  memorySamples?: number;
  /** @default 20 */
  topKeys?: number;
  /** @default 'script' */
  probe?: 'script' | 'pipeline';
  /** Exact: where each node resumes (`host:port` → cursor). @default every node from 0 */
  cursors?: Record<string, string>;
}

/** What happened on one master. */
export interface NodeProgress {
  node: string;
  dbsize: number;
  policy: string;
  keysProbed: number;
  /** Exact mode: resume cursor (`'0'` once done). */
  cursor: string | null;
  done: boolean;
  durationMs: number;
}

/**
 * Analyses masters in parallel (at most `maxParallelNodes` at once, each throttled on its own) and merges their
 * aggregates. Every node runs the same pure engine: `sampleNode` or `scanNodeChunk` from its cursor.
 */
export async function analyzeNodes(masters: readonly { name: string; redis: Redis }[], options: AnalyzeNodesOptions): Promise<{ aggregate: AnalysisAggregate; nodes: NodeProgress[] }> {
  const sizes = await Promise.all(masters.map(async (m) => Number(await m.redis.dbsize())));
  const population = sizes.reduce((s, n) => s + n, 0);
  const totalSamples = options.samples ?? 20_000;
  const common = {
    matcher: options.matcher,
    ...(options.maxKeysPerSecond !== undefined ? { maxKeysPerSecond: options.maxKeysPerSecond } : {}),
    ...(options.latencyGuardMs !== undefined ? { latencyGuardMs: options.latencyGuardMs } : {}),
    ...(options.memorySamples !== undefined ? { memorySamples: options.memorySamples } : {}),
    ...(options.topKeys !== undefined ? { topKeys: options.topKeys } : {}),
    ...(options.probe !== undefined ? { probe: options.probe } : {}),
  };
  const one = async (index: number): Promise<{ aggregate: AnalysisAggregate; progress: NodeProgress }> => {
    const { name, redis } = masters[index] as { name: string; redis: Redis };
    const started = Date.now();
    const { policy, access } = await nodeAccessTracking(redis);
    const dbsize = sizes[index] ?? 0;
    if (options.mode === 'sampled') {
      const samples = population === 0 || dbsize === 0 ? 0 : Math.max(100, Math.round((totalSamples * dbsize) / population));
      const result = await sampleNode(redis, { ...common, node: name, access, samples });
      return { aggregate: result.aggregate, progress: { node: name, dbsize: result.dbsize, policy, keysProbed: result.aggregate.keysProbed, cursor: null, done: true, durationMs: Date.now() - started } };
    }
    const chunk = await scanNodeChunk(redis, options.cursors?.[name] ?? '0', {
      ...common,
      node: name,
      access,
      ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      ...(options.scanCount !== undefined ? { scanCount: options.scanCount } : {}),
    });
    return { aggregate: chunk.aggregate, progress: { node: name, dbsize, policy, keysProbed: chunk.aggregate.keysProbed, cursor: chunk.cursor, done: chunk.done, durationMs: Date.now() - started } };
  };
  const results = await mapLimited(masters.length, options.maxParallelNodes ?? 4, one);
  const aggregate = results.reduce((acc, r) => mergeAggregates(acc, r.aggregate, options.topKeys), emptyAggregate(options.mode));
  return { aggregate, nodes: results.map((r) => r.progress) };
}

/** `fn(0..count-1)` with at most `limit` running at once, results in index order. */
export async function mapLimited<T>(count: number, limit: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}
