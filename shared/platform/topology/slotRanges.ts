/** Number of hash slots in Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** Compresses a sorted or unsorted list of slots into inclusive ranges. */
export function toRanges(slots: Iterable<number>): [number, number][] {
  const sorted = [...new Set(slots)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const slot of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && slot === last[1] + 1) last[1] = slot;
    else ranges.push([slot, slot]);
  }
  return ranges;
}

/** `0-5460,5462` style text of ranges. */
export function formatRanges(ranges: readonly [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

/** Slot count of ranges. */
export function countSlots(ranges: readonly [number, number][]): number {
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
}
