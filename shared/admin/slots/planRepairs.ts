import { formatRanges, toRanges } from '../../platform/topology/slotRanges';
import type { DownMaster, FixMaster, FixState } from './readFixState';

/** The problems fix repairs, named like the health findings that report them. */
export type FixProblem = 'open_slot' | 'slots_not_covered' | 'slot_multiple_owners' | 'keys_in_unowned_slot' | 'owner_down' | 'config_disagreement';

/**
 * One repair step of a `slots` job, frozen in its parameters: a range of slots with the same problem and the same
 * decision. `move` finishes an open slot forward (`from` → `owner`) with the reshard's idempotent slot step; `settle`
 * makes `owner` the only owner of each slot (claims it if needed, moves every other master's keys in, closes every
 * open state, announces it to every master, bumps the owner's epoch).
 */
export interface RepairStep {
  kind: 'move' | 'settle';
  problem: FixProblem;
  slots: [number, number][];
  owner: { id: string; address: string };
  from?: { id: string; address: string };
  /** What was found and what the step does (no slot numbers: they are in `slots`). */
  detail: string;
  /** Keys in these slots on every reachable master (CLUSTER COUNTKEYSINSLOT when planned). */
  keys: number;
  /** Of those, keys on masters other than the owner: what the step moves. */
  keysToMove: number;
  /** Set when an unreachable owner's slots are reassigned (admin + force): what may be lost if it comes back. */
  forced?: { downMaster: string; keysAtRisk: number | null };
}

/** A problem fix will not repair as asked, with why and what to do by hand. */
export interface Refusal {
  /** First slot (kept for clients of the first fix version). */
  slot: number;
  slots: string;
  problem: FixProblem;
  reason: string;
  manualSteps: string;
}

/** Keys a down master holds (counted on a reachable replica), by its id; null when nobody can count them. */
export type KeysAtRisk = Map<string, number | null>;

/**
 * What fix does with each slot that has a problem, decided from every reachable master's own view and key counts:
 * - **open slot** whose owner migrates towards a reachable master (or that master imports it from the owner), no
 *   third master holding keys: finished forward (`move`), other importers without keys closed;
 * - any other open state (two importers, an importer holding keys, an importer whose source does not own the slot,
 *   a migration towards an unknown or down node, migrating on a non-owner): `settle` on the claimant;
 * - **uncovered**: `settle` on the master holding its keys (the one with most, the others' keys moved in), or on the
 *   master with fewest slots when nobody holds any;
 * - **multiple owners**: `settle` on the claimant with most keys (ties: higher config epoch, then lower id);
 * - **keys outside their owner** (a migration abandoned with SETSLOT STABLE): `settle` on the claimant;
 * - **views disagreeing** about a slot with one claimant: `settle` (announces it);
 * - **owner down** (the owner is failed or unreachable, nobody reachable claims it): refused unless `force` — it may
 *   come back with its data —; with force, reassigned like an uncovered slot and the step names the keys at risk.
 */
export function planRepairs(state: FixState, options: { force: boolean; keysAtRisk?: KeysAtRisk }): { steps: RepairStep[]; refused: Refusal[] } {
  const byId = new Map(state.masters.map((m) => [m.id, m]));
  const slotCounts = new Map(state.masters.map((m) => [m.id, m.owns.size]));
  const decisions: Decision[] = [];
  const refusedSlots = new Map<string, { problem: FixProblem; reason: string; manualSteps: string; slots: number[] }>();
  const emptyOwner = assignEmptySlots(state, slotCounts, options.force);
  for (const slot of state.slotsOfInterest) {
    const d = decide(slot, state, byId, emptyOwner, options);
    if ('refusal' in d) {
      const key = `${d.problem}|${d.reason}`;
      const group = refusedSlots.get(key) ?? { problem: d.problem, reason: d.reason, manualSteps: d.manualSteps, slots: [] };
      group.slots.push(slot);
      refusedSlots.set(key, group);
      continue;
    }
    decisions.push(d);
  }
  const refused = [...refusedSlots.values()].map((g) => ({ slot: g.slots[0] ?? 0, slots: formatRanges(toRanges(g.slots)), problem: g.problem, reason: g.reason, manualSteps: g.manualSteps }));
  return { steps: group(decisions, state, options.keysAtRisk), refused };
}

interface Decision {
  slot: number;
  kind: 'move' | 'settle';
  problem: FixProblem;
  owner: FixMaster;
  from?: FixMaster;
  detail: string;
  forced?: DownMaster;
}

type Refused = { refusal: true; problem: FixProblem; reason: string; manualSteps: string };

/**
 * Owners of the slots nobody reachable claims and nobody holds keys in (uncovered, or a down master's with force): in
 * contiguous blocks to the masters with fewest slots, so the counts even out and consecutive slots form one step.
 */
function assignEmptySlots(state: FixState, slotCounts: Map<string, number>, force: boolean): Map<number, FixMaster> {
  const empty = state.slotsOfInterest.filter(
    (slot) => !state.masters.some((m) => m.owns.has(slot) || (m.keys.get(slot) ?? 0) > 0) && (force || !state.down.some((d) => d.slots.includes(slot))),
  );
  const out = new Map<number, FixMaster>();
  if (state.masters.length === 0) return out;
  const total = [...slotCounts.values()].reduce((a, b) => a + b, 0) + empty.length;
  const share = Math.ceil(total / state.masters.length);
  let next = 0;
  const byCount = [...state.masters].sort((a, b) => (slotCounts.get(a.id) ?? 0) - (slotCounts.get(b.id) ?? 0) || (a.id < b.id ? -1 : 1));
  for (const [i, master] of byCount.entries()) {
    const take = i === byCount.length - 1 ? empty.length - next : Math.max(0, Math.min(empty.length - next, share - (slotCounts.get(master.id) ?? 0)));
    for (const slot of empty.slice(next, next + take)) out.set(slot, master);
    slotCounts.set(master.id, (slotCounts.get(master.id) ?? 0) + take);
    next += take;
  }
  return out;
}

function decide(slot: number, state: FixState, byId: Map<string, FixMaster>, emptyOwner: Map<number, FixMaster>, options: { force: boolean }): Decision | Refused {
  const keysOn = (m: FixMaster): number => m.keys.get(slot) ?? 0;
  const claimants = state.masters.filter((m) => m.owns.has(slot));
  const holders = state.masters.filter((m) => keysOn(m) > 0);
  const migrators = state.masters.filter((m) => m.migrating.has(slot));
  const importers = state.masters.filter((m) => m.importing.has(slot));
  const where = describe(slot, state, claimants, holders, migrators, importers);
  if (claimants.length === 0) {
    const downOwner = state.down.find((d) => d.slots.includes(slot));
    if (downOwner && !options.force) {
      const replica = downOwner.replicas.find((r) => r.reachable);
      return {
        refusal: true,
        problem: 'owner_down',
        reason: `owned by master ${downOwner.addressKey} (${downOwner.id}), which is ${downOwner.reason} and was not replaced by a replica: it may come back with its keys, so fix does not reassign its slots`,
        manualSteps: replica
          ? `Restart ${downOwner.addressKey}, or promote its replica: CLUSTER FAILOVER FORCE on ${replica.addressKey} (TAKEOVER if most masters are down). Only if ${downOwner.addressKey} is gone for good and its keys may be lost, run fix again as admin with "force": true.`
          : `Restart ${downOwner.addressKey} (its keys come back with it). It has no reachable replica; only if it is gone for good and its keys may be lost, run fix again as admin with "force": true (its slots go to reachable masters, empty).`,
      };
    }
    const owner = holders.length > 0 ? pick(holders, keysOn) : emptyOwner.get(slot);
    if (!owner) return { refusal: true, problem: 'slots_not_covered', reason: 'no reachable master can take it', manualSteps: 'Restart the masters, then run fix again.' };
    const why = holders.length > 1 ? `keys on ${holders.length} masters: ${owner.addressKey} (most keys) takes it and the others' keys move there` : holders.length === 1 ? `${owner.addressKey} holds its keys and takes it` : `no master holds keys in it: ${owner.addressKey} takes it (slots without keys go in blocks to the masters with fewest slots)`;
    return { slot, kind: 'settle', problem: downOwner ? 'owner_down' : 'slots_not_covered', owner, detail: `${downOwner ? `owner ${downOwner.addressKey} is ${downOwner.reason}; reassigned with force` : 'no master owns it'}${where}; ${why}`, ...(downOwner ? { forced: downOwner } : {}) };
  }
  if (claimants.length > 1) {
    const owner = pick(claimants, keysOn) as FixMaster;
    return { slot, kind: 'settle', problem: 'slot_multiple_owners', owner, detail: `claimed by ${claimants.map((c) => c.addressKey).join(' and ')}${where}; ${owner.addressKey} (most keys, then higher config epoch) keeps it, the others' keys move there` };
  }
  const claimant = claimants[0] as FixMaster;
  if (migrators.length > 0 || importers.length > 0) {
    const to = claimant.migrating.get(slot);
    const importerOfClaimant = importers.filter((m) => m.importing.get(slot) === claimant.id);
    const target = to !== undefined ? byId.get(to) : importerOfClaimant.length === 1 ? importerOfClaimant[0] : undefined;
    const forward =
      target !== undefined &&
      target.id !== claimant.id &&
      migrators.every((m) => m.id === claimant.id) &&
      holders.every((m) => m.id === claimant.id || m.id === target.id) &&
      importers.every((m) => m.id === target.id || keysOn(m) === 0);
    if (forward) {
      const extra = importers.filter((m) => m.id !== target.id);
      return { slot, kind: 'move', problem: 'open_slot', owner: target, from: claimant, detail: `open${where}; finished forward: ${claimant.addressKey} → ${target.addressKey}${extra.length > 0 ? `, importing closed on ${extra.map((m) => m.addressKey).join(', ')} (no keys there)` : ''}` };
    }
    const why = to !== undefined && !byId.has(to) ? `the migration target ${to} is not a reachable master (keys already sent there stay there)` : 'not a state a move can finish';
    return { slot, kind: 'settle', problem: 'open_slot', owner: claimant, detail: `open${where}: ${why}; closed, and every key moved to the owner ${claimant.addressKey}` };
  }
  if (holders.some((m) => m.id !== claimant.id)) {
    return { slot, kind: 'settle', problem: 'keys_in_unowned_slot', owner: claimant, detail: `owned by ${claimant.addressKey}${where}; the keys move to the owner` };
  }
  return { slot, kind: 'settle', problem: 'config_disagreement', owner: claimant, detail: `owned by ${claimant.addressKey}, but ${state.masters.filter((m) => m.viewOwner[slot] !== claimant.id).map((m) => m.addressKey).join(', ')} see another owner; announced with SETSLOT NODE` };
}

function pick(candidates: FixMaster[], keysOn: (m: FixMaster) => number): FixMaster | undefined {
  return [...candidates].sort((a, b) => keysOn(b) - keysOn(a) || b.configEpoch - a.configEpoch || a.owns.size - b.owns.size || (a.id < b.id ? -1 : 1))[0];
}

/** ` (migrating on A to B, importing on C from A, keys on D)` — what health would show about the slot. */
function describe(slot: number, state: FixState, claimants: FixMaster[], holders: FixMaster[], migrators: FixMaster[], importers: FixMaster[]): string {
  const name = (id: string | undefined): string => state.masters.find((m) => m.id === id)?.addressKey ?? state.down.find((d) => d.id === id)?.addressKey ?? `unknown node ${id ?? '?'}`;
  const parts = [
    ...migrators.map((m) => `migrating on ${m.addressKey} to ${name(m.migrating.get(slot))}`),
    ...importers.map((m) => `importing on ${m.addressKey} from ${name(m.importing.get(slot))}`),
  ];
  const strays = holders.filter((m) => !claimants.includes(m));
  if (strays.length > 0) parts.push(`keys on ${strays.map((m) => m.addressKey).join(', ')}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Consecutive slots with the same decision become one step. */
function group(decisions: Decision[], state: FixState, keysAtRisk: KeysAtRisk | undefined): RepairStep[] {
  const steps: RepairStep[] = [];
  let last: { key: string; step: RepairStep; end: number } | undefined;
  for (const d of decisions) {
    const key = `${d.kind}|${d.problem}|${d.owner.id}|${d.from?.id ?? ''}|${d.detail}`;
    const keys = state.masters.reduce((n, m) => n + (m.keys.get(d.slot) ?? 0), 0);
    const keysToMove = keys - (d.owner.keys.get(d.slot) ?? 0);
    if (last && last.key === key && last.end === d.slot - 1) {
      const range = last.step.slots[last.step.slots.length - 1] as [number, number];
      range[1] = d.slot;
      last.end = d.slot;
      last.step.keys += keys;
      last.step.keysToMove += keysToMove;
      continue;
    }
    const step: RepairStep = {
      kind: d.kind,
      problem: d.problem,
      slots: [[d.slot, d.slot]],
      owner: { id: d.owner.id, address: d.owner.addressKey },
      ...(d.from ? { from: { id: d.from.id, address: d.from.addressKey } } : {}),
      detail: d.detail,
      keys,
      keysToMove,
      ...(d.forced ? { forced: { downMaster: `${d.forced.addressKey} (${d.forced.id})`, keysAtRisk: keysAtRisk?.get(d.forced.id) ?? null } } : {}),
    };
    steps.push(step);
    last = { key, step, end: d.slot };
  }
  return steps;
}
