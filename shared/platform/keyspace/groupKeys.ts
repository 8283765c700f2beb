import { keySlot } from './keySlot';

/**
 * Keys grouped for multi-key commands: in cluster mode by hash slot (a multi-key command across slots is a
 * CROSSSLOT error even on one node), at most `size` per group; standalone simply in groups of `size`.
 */
export function groupKeys(keys: readonly Buffer[], mode: 'standalone' | 'cluster', size: number): Buffer[][] {
  if (mode === 'standalone') {
    const groups: Buffer[][] = [];
    for (let i = 0; i < keys.length; i += size) groups.push(keys.slice(i, i + size));
    return groups;
  }
  const bySlot = new Map<number, Buffer[][]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const lists = bySlot.get(slot) ?? [];
    const last = lists.at(-1);
    if (last && last.length < size) last.push(key);
    else lists.push([key]);
    bySlot.set(slot, lists);
  }
  return [...bySlot.values()].flat();
}
