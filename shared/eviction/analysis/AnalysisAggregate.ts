import { idleBucketOf, ttlBucketOf } from './buckets';

/** Keys and bytes of one slice of the data (estimates are fractional in sampled mode). */
export interface Counter {
  keys: number;
  memoryBytes: number;
}

/** One key as the probe saw it. */
export interface KeyFacts {
  key: Buffer;
  type: string;
  /** `PTTL`: ms left, -1 = no expiry. */
  pttlMs: number;
  /** `MEMORY USAGE`, null when refused. */
  memoryBytes: number | null;
  /** `OBJECT IDLETIME` (non-LFU policies), else null. */
  idleSeconds: number | null;
  /** `OBJECT FREQ` (LFU policies), else null. */
  lfuFrequency: number | null;
}

export interface TopKey {
  /** utf8, or base64 when the key is not valid UTF-8 (`keyEncoding`); cut at `maxKeyChars` (`keyTruncated`). */
  key: string;
  keyEncoding: 'utf8' | 'base64';
  keyTruncated?: true;
  type: string;
  memoryBytes: number;
  ttlMs: number | null;
  node: string;
}

/** Raw sums over the samples of one node, kept until the node's estimate is finalised. */
export interface SampleSums {
  samples: number;
  memoryBytes: number;
  memoryBytesSquared: number;
}

/** Everything the analysis keeps about one namespace: all of it mergeable by addition. */
export interface NamespaceAggregate extends Counter {
  types: Record<string, Counter>;
  ttl: Record<string, Counter>;
  idle: Record<string, Counter>;
  /** `OBJECT FREQ` value (0-255) → keys and bytes. */
  frequency: Record<string, Counter>;
  /** Largest keys, at most `topKeys` of them. */
  top: TopKey[];
  /** Sampled mode: variance of the `keys` and `memoryBytes` estimates (they add up across nodes). */
  variance: Counter;
}

/**
 * A partial result: of one chunk of one node, of a node, or of the whole cluster. Aggregates merge by addition
 * (`mergeAggregates`), so chunks can be computed anywhere, checkpointed as JSON and combined in any order.
 */
export interface AnalysisAggregate {
  mode: 'exact' | 'sampled';
  /** Keys looked at (scanned or sampled), not estimated. */
  keysProbed: number;
  /** Keys gone between SCAN/RANDOMKEY and the probe. */
  keysVanished: number;
  /** Which access statistic the nodes keep: idle time, LFU frequency, or both (nodes disagree). */
  accessTracking: 'idle' | 'frequency' | 'mixed' | 'none';
  namespaces: Record<string, NamespaceAggregate>;
}

export const defaultTopKeys = 20;

export function emptyAggregate(mode: AnalysisAggregate['mode']): AnalysisAggregate {
  return { mode, keysProbed: 0, keysVanished: 0, accessTracking: 'none', namespaces: {} };
}

function emptyNamespace(): NamespaceAggregate {
  return { keys: 0, memoryBytes: 0, types: {}, ttl: {}, idle: {}, frequency: {}, top: [], variance: { keys: 0, memoryBytes: 0 } };
}

function bump(map: Record<string, Counter>, bucket: string, keys: number, memoryBytes: number): void {
  const counter = (map[bucket] ??= { keys: 0, memoryBytes: 0 });
  counter.keys += keys;
  counter.memoryBytes += memoryBytes;
}

/**
 * Adds one probed key. `weight` is 1 for a full scan and `dbsize / samples` for a sample, so counters hold
 * estimates of the whole node directly.
 */
export function addKey(aggregate: AnalysisAggregate, namespace: string, facts: KeyFacts, node: string, weight = 1, topKeys = defaultTopKeys): void {
  aggregate.keysProbed += 1;
  // Own properties only: a namespace named `constructor` must not find Object.prototype.constructor.
  const ns = Object.hasOwn(aggregate.namespaces, namespace) ? (aggregate.namespaces[namespace] as NonNullable<(typeof aggregate.namespaces)[string]>) : (aggregate.namespaces[namespace] = emptyNamespace());
  const memory = facts.memoryBytes ?? 0;
  const [keys, bytes] = [weight, weight * memory];
  ns.keys += keys;
  ns.memoryBytes += bytes;
  bump(ns.types, facts.type, keys, bytes);
  bump(ns.ttl, ttlBucketOf(facts.pttlMs), keys, bytes);
  if (facts.lfuFrequency !== null) {
    bump(ns.frequency, String(facts.lfuFrequency), keys, bytes);
    aggregate.accessTracking = combineTracking(aggregate.accessTracking, 'frequency');
  } else if (facts.idleSeconds !== null) {
    bump(ns.idle, idleBucketOf(facts.idleSeconds), keys, bytes);
    aggregate.accessTracking = combineTracking(aggregate.accessTracking, 'idle');
  }
  if (facts.memoryBytes !== null) offerTop(ns.top, { ...describe(facts.key), type: facts.type, memoryBytes: memory, ttlMs: facts.pttlMs < 0 ? null : facts.pttlMs, node }, topKeys);
}

function combineTracking(a: AnalysisAggregate['accessTracking'], b: AnalysisAggregate['accessTracking']): AnalysisAggregate['accessTracking'] {
  if (a === 'none') return b;
  if (b === 'none' || a === b) return a;
  return 'mixed';
}

/** Largest first; ties by key then node, so the kept set does not depend on the order keys arrive in. */
function compareTop(a: TopKey, b: TopKey): number {
  return b.memoryBytes - a.memoryBytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

function offerTop(top: TopKey[], candidate: TopKey, limit: number): void {
  const last = top.at(-1);
  if (top.length >= limit && last && compareTop(candidate, last) >= 0) return;
  if (top.some((t) => t.key === candidate.key && t.node === candidate.node)) return;
  top.push(candidate);
  top.sort(compareTop);
  if (top.length > limit) top.length = limit;
}

/** Keys in reports are cut here: aggregates are checkpointed in Table rows, and a report needs no more. */
export const maxKeyChars = 512;

function describe(key: Buffer): { key: string; keyEncoding: 'utf8' | 'base64'; keyTruncated?: true } {
  const text = key.toString('utf8');
  const described = Buffer.from(text, 'utf8').equals(key) ? { key: text, keyEncoding: 'utf8' as const } : { key: key.toString('base64'), keyEncoding: 'base64' as const };
  return described.key.length > maxKeyChars ? { ...described, key: described.key.slice(0, maxKeyChars), keyTruncated: true } : described;
}

/** Sum of two aggregates of the same mode (neither is modified). */
export function mergeAggregates(a: AnalysisAggregate, b: AnalysisAggregate, topKeys = defaultTopKeys): AnalysisAggregate {
  const out: AnalysisAggregate = {
    mode: a.mode,
    keysProbed: a.keysProbed + b.keysProbed,
    keysVanished: a.keysVanished + b.keysVanished,
    accessTracking: combineTracking(a.accessTracking, b.accessTracking),
    namespaces: structuredClone(a.namespaces),
  };
  for (const [name, source] of Object.entries(b.namespaces)) {
    const ns = Object.hasOwn(out.namespaces, name) ? (out.namespaces[name] as NonNullable<(typeof out.namespaces)[string]>) : (out.namespaces[name] = emptyNamespace());
    ns.keys += source.keys;
    ns.memoryBytes += source.memoryBytes;
    ns.variance.keys += source.variance.keys;
    ns.variance.memoryBytes += source.variance.memoryBytes;
    for (const field of ['types', 'ttl', 'idle', 'frequency'] as const) {
      for (const [bucket, counter] of Object.entries(source[field])) bump(ns[field], bucket, counter.keys, counter.memoryBytes);
    }
    for (const top of source.top) offerTop(ns.top, top, topKeys);
  }
  return out;
}

/**
 * Keeps an aggregate's JSON under `maxChars` (a checkpoint row holds ~450 000): first fewer top keys (3 per
 * namespace), then the smallest namespaces that `foldable` allows (prefix namespaces, not configured ones) are
 * added into `(other)`. Counts and bytes are kept; only detail is lost. Returns the same object, changed.
 */
export function boundAggregate(aggregate: AnalysisAggregate, maxChars: number, foldable: (namespace: string) => boolean): AnalysisAggregate {
  const fits = (): boolean => JSON.stringify(aggregate).length <= maxChars;
  if (fits()) return aggregate;
  for (const ns of Object.values(aggregate.namespaces)) ns.top = ns.top.slice(0, 3);
  const candidates = Object.entries(aggregate.namespaces)
    .filter(([name]) => name !== '(other)' && foldable(name))
    .sort(([, a], [, b]) => a.memoryBytes - b.memoryBytes);
  for (const [name, ns] of candidates) {
    if (fits()) break;
    const { [name]: _folded, ...rest } = aggregate.namespaces;
    const folded = mergeAggregates({ ...emptyAggregate(aggregate.mode), namespaces: rest }, { ...emptyAggregate(aggregate.mode), namespaces: { '(other)': ns } }, 3);
    aggregate.namespaces = folded.namespaces;
  }
  return aggregate;
}
