/** TTL buckets of the analysis, in the order they are reported. `none` = the key does not expire. */
export const ttlBuckets = ['none', 'lt1h', '1h-4h', '4h-12h', '12h-24h', '1d-7d', '7d-30d', 'gt30d'] as const;
export type TtlBucket = (typeof ttlBuckets)[number];

const hour = 3_600_000;
const day = 24 * hour;
const ttlUpperBounds: readonly [number, TtlBucket][] = [
  [hour, 'lt1h'],
  [4 * hour, '1h-4h'],
  [12 * hour, '4h-12h'],
  [day, '12h-24h'],
  [7 * day, '1d-7d'],
  [30 * day, '7d-30d'],
];

/** Bucket of a `PTTL` reply (ms; -1 = no expiry). */
export function ttlBucketOf(pttlMs: number): TtlBucket {
  if (pttlMs < 0) return 'none';
  for (const [upper, bucket] of ttlUpperBounds) if (pttlMs < upper) return bucket;
  return 'gt30d';
}

/** Idle-time buckets (`OBJECT IDLETIME`, LRU and other non-LFU policies). */
export const idleBuckets = ['lt1m', '1m-10m', '10m-1h', '1h-24h', 'gt24h'] as const;
export type IdleBucket = (typeof idleBuckets)[number];

/** Bucket of an idle time in seconds. */
export function idleBucketOf(idleSeconds: number): IdleBucket {
  if (idleSeconds < 60) return 'lt1m';
  if (idleSeconds < 600) return '1m-10m';
  if (idleSeconds < 3600) return '10m-1h';
  if (idleSeconds < 86_400) return '1h-24h';
  return 'gt24h';
}
