/** One monitored item: `count` over-estimates its true count by at most `error` (count − error ≤ true ≤ count). */
export interface SpaceSavingEntry {
  key: string;
  count: number;
  /** The count the item inherited when it replaced the minimum (0 when it was counted from its first hit). */
  error: number;
  /** Hits seen while monitored, split by kind (reads + writes + other = count − error). */
  reads: number;
  writes: number;
}

/** The serialisable state of a summary (kept in a job cursor between windows and chunks). */
export interface SpaceSavingState {
  capacity: number;
  /** Items counted, all of them (monitored or not). */
  total: number;
  /**
   * Largest count of an entry dropped to keep the stored state small (0 when none): a new item starts from it, as
   * it would from the minimum of a full summary, so the bound still holds.
   */
  floor?: number;
  entries: SpaceSavingEntry[];
}

export type HitKind = 'read' | 'write' | 'other';

/**
 * Space-Saving (Metwally, Agrawal, El Abbadi 2005): at most `capacity` counters; a new item replaces the one with
 * the smallest count and inherits it as its error. Guarantees, for any stream of N items:
 * every item with true count > N / capacity is monitored, and each monitored count over-estimates by at most
 * its `error` ≤ N / capacity (the minimum counter when it was taken over).
 *
 * The minimum is found with a bucket list (count → items), so `offer` is O(1) amortised.
 */
export class SpaceSaving {
  private readonly items = new Map<string, SpaceSavingEntry>();
  /** count → keys with that count; `minCount` tracks the smallest non-empty bucket. */
  private readonly buckets = new Map<number, Set<string>>();
  private minCount = 0;
  private floor = 0;
  total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  static from(state: SpaceSavingState): SpaceSaving {
    const s = new SpaceSaving(state.capacity);
    for (const e of state.entries.slice(0, state.capacity)) s.insert({ ...e });
    s.total = state.total;
    s.floor = state.floor ?? 0;
    return s;
  }

  get size(): number {
    return this.items.size;
  }

  /** The largest possible error of any count: the smallest counter once the summary is full, else 0 (exact). */
  get errorBound(): number {
    return Math.max(this.floor, this.items.size < this.capacity ? 0 : this.minCount);
  }

  offer(key: string, kind: HitKind = 'other', weight = 1): void {
    this.total += weight;
    const existing = this.items.get(key);
    if (existing) {
      this.move(existing, existing.count + weight);
      bump(existing, kind, weight);
      return;
    }
    if (this.items.size < this.capacity) {
      const entry: SpaceSavingEntry = { key, count: this.floor + weight, error: this.floor, reads: 0, writes: 0 };
      bump(entry, kind, weight);
      this.insert(entry);
      return;
    }
    const victimKey = this.minBucket().values().next().value as string;
    const victim = this.items.get(victimKey) as SpaceSavingEntry;
    const entry: SpaceSavingEntry = { key, count: victim.count + weight, error: victim.count, reads: 0, writes: 0 };
    bump(entry, kind, weight);
    this.insert(entry); // before the victim leaves, so the next minimum is usually found at count + 1
    this.remove(victim);
  }

  /** Monitored items, highest count first (ties by key, so the order is stable). */
  top(n = this.capacity): SpaceSavingEntry[] {
    return [...this.items.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, n).map((e) => ({ ...e }));
  }

  /**
   * The state to store, at most `maxChars` of JSON: the lowest entries are dropped until it fits (keys can be long)
   * and the largest dropped count becomes the floor new items start from.
   */
  state(maxChars = Infinity): SpaceSavingState {
    const entries = this.top();
    let floor = this.floor;
    let chars = JSON.stringify(entries).length;
    while (chars > maxChars && entries.length > 0) {
      const dropped = entries.pop() as SpaceSavingEntry;
      floor = Math.max(floor, dropped.count);
      chars -= JSON.stringify(dropped).length + 1;
    }
    return { capacity: this.capacity, total: this.total, entries, ...(floor > 0 ? { floor } : {}) };
  }

  private insert(entry: SpaceSavingEntry): void {
    this.items.set(entry.key, entry);
    this.bucket(entry.count).add(entry.key);
    if (this.items.size === 1 || entry.count < this.minCount) this.minCount = entry.count;
  }

  private remove(entry: SpaceSavingEntry): void {
    this.items.delete(entry.key);
    this.dropFromBucket(entry.count, entry.key);
  }

  private move(entry: SpaceSavingEntry, count: number): void {
    const old = entry.count;
    entry.count = count;
    this.bucket(count).add(entry.key);
    this.dropFromBucket(old, entry.key);
  }

  private dropFromBucket(count: number, key: string): void {
    const set = this.buckets.get(count);
    if (!set) return;
    set.delete(key);
    if (set.size === 0) {
      this.buckets.delete(count);
      if (count === this.minCount) this.minCount = this.buckets.has(count + 1) ? count + 1 : this.smallestBucket();
    }
  }

  private bucket(count: number): Set<string> {
    let set = this.buckets.get(count);
    if (!set) {
      set = new Set();
      this.buckets.set(count, set);
    }
    return set;
  }

  private minBucket(): Set<string> {
    return this.buckets.get(this.minCount) as Set<string>;
  }

  /** The new minimum after the old one emptied and count + 1 is empty too (weights above 1): a search of the buckets. */
  private smallestBucket(): number {
    let min = Infinity;
    for (const c of this.buckets.keys()) if (c < min) min = c;
    return min === Infinity ? 0 : min;
  }
}

function bump(entry: SpaceSavingEntry, kind: HitKind, weight: number): void {
  if (kind === 'read') entry.reads += weight;
  else if (kind === 'write') entry.writes += weight;
}
