import type { Redis } from 'ioredis';
import { addKey, emptyAggregate, type AnalysisAggregate } from './AnalysisAggregate';
import type { NamespaceMatcher } from './NamespaceMatcher';
import { readPage, type AccessTracking, type Page, type ProbeOptions } from './probeKeys';
import { Throttle, type ThrottleOptions } from './Throttle';

export interface ScanChunkOptions extends ThrottleOptions {
  /** `host:port` of the node, recorded with its top keys. */
  node: string;
  matcher: NamespaceMatcher;
  access: AccessTracking;
  /** SCAN COUNT hint. @default 1000 */
  scanCount?: number;
  /** Stop after about this many keys; the returned cursor resumes. @default Infinity */
  maxKeys?: number;
  /** Stop after this much time (ms); the returned cursor resumes. @default Infinity */
  budgetMs?: number;
  /** @default 5 */
  memorySamples?: number;
  /** @default 20 */
  topKeys?: number;
  /** @default 'script' (see `ProbeOptions.probe`) */
  probe?: ProbeOptions['probe'];
}

export interface ScanChunk {
  /** Cursor to resume from; `'0'` with `done` once the node's keyspace was walked. */
  cursor: string;
  done: boolean;
  aggregate: AnalysisAggregate;
}

/**
 * Exact analysis of one node, resumable: SCAN from `cursor` with COUNT and probe every returned key (one EVAL per
 * page, or SCAN + one pipeline), add it to a fresh aggregate, and stop when the keyspace is done, `maxKeys` or `budgetMs` is
 * reached. Chunks of one node merge into the node's result (`mergeAggregates`); the cursor is all a job must
 * checkpoint. SCAN may return a key twice while the node rehashes, so counts can exceed DBSIZE by a few.
 */
export async function scanNodeChunk(redis: Redis, cursor: string, options: ScanChunkOptions): Promise<ScanChunk> {
  const aggregate = emptyAggregate('exact');
  const started = Date.now();
  const throttle = new Throttle(options);
  const probe = probeOptions(options);
  const count = options.scanCount ?? 1000;
  const maxKeys = options.maxKeys ?? Infinity;
  const budgetMs = options.budgetMs ?? Infinity;
  let next = cursor;
  let probed = 0;
  let batchStarted = Date.now();
  let pending: Promise<Page> | null = readPage(redis, { kind: 'scan', cursor: next, count }, probe);
  while (pending) {
    const page: Page = await pending;
    next = page.cursor;
    probed += page.facts.length;
    const more = next !== '0' && probed < maxKeys && Date.now() - started < budgetMs;
    const batchMs = Date.now() - batchStarted;
    await throttle.after(page.facts.length, batchMs);
    // The next page is read while this one is added up: Redis and the aggregation run side by side.
    batchStarted = Date.now();
    pending = more ? readPage(redis, { kind: 'scan', cursor: next, count }, probe) : null;
    for (const fact of page.facts) {
      if (fact.type === 'none' || fact.pttlMs === -2) {
        aggregate.keysVanished += 1;
        continue;
      }
      addKey(aggregate, options.matcher.namespaceOf(fact.key), fact, options.node, 1, options.topKeys);
    }
  }
  return { cursor: next, done: next === '0', aggregate };
}

/** The probe settings of scan and sample options. */
export function probeOptions(options: { access: AccessTracking; memorySamples?: number; probe?: ProbeOptions['probe'] }): ProbeOptions {
  return {
    access: options.access,
    ...(options.memorySamples !== undefined ? { memorySamples: options.memorySamples } : {}),
    ...(options.probe !== undefined ? { probe: options.probe } : {}),
  };
}
