import { DomainError } from '../../platform/store/DomainError';
import type { ClusterLayout, LayoutMaster } from './clusterLayout';

/** An open-slot state fix cannot repair safely, with the manual steps. */
export interface Unfixable {
  slot: number;
  reason: string;
  manualSteps: string;
}

/**
 * Which open slots can be finished by moving the slot forward with the idempotent slot step: a slot MIGRATING on its
 * owner towards a known master (whether or not that master is IMPORTING yet), or IMPORTING on a master from the
 * slot's current owner (the owner is then set MIGRATING). Moving forward never drops a key: keys are only deleted
 * from the source after the target acknowledged them, and BUSYKEY is settled by comparing values. Everything else
 * (an importer whose source does not own the slot, two importers, a migration towards an unknown node, a slot
 * without owner) is refused with the reason and the manual steps, never guessed at.
 */
export function planFix(layout: ClusterLayout): { pairs: Map<string, { from: LayoutMaster; to: LayoutMaster; slots: number[] }>; unfixable: Unfixable[] } {
  const pairs = new Map<string, { from: LayoutMaster; to: LayoutMaster; slots: number[] }>();
  const unfixable: Unfixable[] = [];
  const planned = new Set<number>();
  const byId = new Map(layout.masters.map((m) => [m.id, m]));
  const add = (from: LayoutMaster, to: LayoutMaster, slot: number): void => {
    const key = `${from.id}>${to.id}`;
    const pair = pairs.get(key) ?? { from, to, slots: [] };
    pair.slots.push(slot);
    pairs.set(key, pair);
    planned.add(slot);
  };
  const importers = new Map<number, string[]>();
  const masters = layout.masters.map((master) => ({ master, migrating: master.migrating, importing: master.importing }));
  for (const { master, importing } of masters) for (const { slot } of importing) importers.set(slot, [...(importers.get(slot) ?? []), master.id]);
  for (const { master, migrating } of masters) {
    for (const { slot, to } of migrating) {
      const target = byId.get(to);
      const others = (importers.get(slot) ?? []).filter((id) => id !== to);
      if (!target || layout.ownerOf[slot] !== master.id || others.length > 0) {
        unfixable.push({
          slot,
          reason: !target ? `migrating to ${to}, which is not a reachable master` : layout.ownerOf[slot] !== master.id ? `migrating on ${master.addressKey}, which does not own it` : `also importing on ${others.join(', ')}`,
          manualSteps: `Decide which master must own slot ${slot}; on every other node run CLUSTER SETSLOT ${slot} STABLE after moving its keys there (MIGRATE with the slot IMPORTING on the owner), then CLUSTER SETSLOT ${slot} NODE <owner-id> on every master.`,
        });
        planned.add(slot);
        continue;
      }
      add(master, target, slot);
    }
  }
  for (const { master, importing } of masters) {
    for (const { slot, from } of importing) {
      if (planned.has(slot)) continue;
      const owner = byId.get(layout.ownerOf[slot] ?? '');
      const several = (importers.get(slot) ?? []).length > 1;
      if (!owner || owner.id !== from || several) {
        unfixable.push({
          slot,
          reason: !owner ? `importing on ${master.addressKey} but no reachable master owns it` : several ? `importing on ${(importers.get(slot) ?? []).length} masters` : `importing on ${master.addressKey} from ${from}, but ${owner.addressKey} owns it`,
          manualSteps: `Check where slot ${slot}'s keys are (CLUSTER COUNTKEYSINSLOT ${slot} on each master). If the importer has none, CLUSTER SETSLOT ${slot} STABLE on it; otherwise set the owner MIGRATING to it and finish the move, or move its keys back with the owner IMPORTING.`,
        });
        planned.add(slot);
        continue;
      }
      add(owner, master, slot);
    }
  }
  return { pairs, unfixable };
}

/** 409 `cannot_fix`: every state fix refuses, each with its reason and manual steps. */
export function cannotFix(unfixable: Unfixable[]): DomainError {
  return new DomainError('conflict', 'cannot_fix', `fix refuses ${unfixable.length} slot(s), changing nothing: ${unfixable.map((u) => `slot ${u.slot}: ${u.reason}. ${u.manualSteps}`).join(' | ')}`);
}
