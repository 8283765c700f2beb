import type { Redis } from 'ioredis';
import type { ClusterNodeEntry } from './parseClusterNodes';
import { keyspaceTotals } from './parseInfo';
import { CLUSTER_SLOTS } from './slotRanges';

/** Keys a node holds in one slot. */
export interface SlotKeys {
  slot: number;
  keys: number;
}

/**
 * Slots in which a master holds keys without owning them (an abandoned migration, `SETSLOT STABLE` after some
 * keys moved, slots reassigned by hand). `CLUSTER COUNTKEYSINSLOT` for every slot the node does not own, in one
 * pipeline (an O(1) command each; ~16k for a 3-master cluster take a few ms), skipped for a node without keys.
 * This is what `redis-cli --cluster check --cluster-search-multiple-owners` and `fix` rely on.
 */
export async function countKeysOutsideOwnSlots(redis: Redis, self: ClusterNodeEntry, info: Record<string, string> | undefined, timeoutMs: number): Promise<SlotKeys[]> {
  if (info && keyspaceTotals(info).keys === 0) return [];
  const owned = new Uint8Array(CLUSTER_SLOTS);
  for (const [a, b] of self.slots) owned.fill(1, a, b + 1);
  // Keys already moved into a slot this node is importing are expected; the open slot is reported on its own.
  for (const { slot } of self.importing) owned[slot] = 1;
  const slots: number[] = [];
  owned.forEach((o, slot) => {
    if (!o) slots.push(slot);
  });
  const pipeline = redis.pipeline();
  for (const slot of slots) pipeline.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot));
  let timer: NodeJS.Timeout | undefined;
  const results = await Promise.race([
    pipeline.exec(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`CLUSTER COUNTKEYSINSLOT timed out after ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const found: SlotKeys[] = [];
  (results ?? []).forEach(([error, value], i) => {
    const slot = slots[i];
    if (!error && slot !== undefined && Number(value) > 0) found.push({ slot, keys: Number(value) });
  });
  return found;
}
