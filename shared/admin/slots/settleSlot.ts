import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { isReplica, parseClusterNodes, selfEntry } from '../../platform/topology/parseClusterNodes';
import { coldMoveKeys } from './coldMoveKeys';
import type { ConnectedNode, MigrateOptions } from './migrateSlot';

/** One master's own state of one slot, read again at every run (the step is idempotent). */
interface SlotState {
  owns: boolean;
  migrating: boolean;
  importingFrom: string | undefined;
  /** Who owns the slot in this master's view. */
  viewOwner: string | undefined;
  keys: number;
}

/** What settling one slot did. */
export interface SettleResult {
  keysMoved: number;
  bytesMoved: number;
  busyKeysResolved: number;
  /** The owner took the slot (ADDSLOTS or SETSLOT NODE on itself) in this run. */
  claimed: boolean;
}

/**
 * Makes `owner` the only owner of `slot` without losing a key, from any state (open in any combination, uncovered,
 * claimed by several masters, keys left on non-owners), and safe to run again from any point after a crash:
 * 1. every other master that claims the slot gives it up (`DELSLOTS`, never `SETSLOT NODE` while it has keys, which
 *    Redis refuses, nor gossip from a higher epoch, which would make Redis delete its keys in the slot), and every other
 *    master holding keys is set `IMPORTING` from the owner, so it ignores gossip about the slot and MIGRATE works on it;
 * 2. the owner closes its own open state and claims the slot (`ADDSLOTS` if unassigned in its view, else `SETSLOT
 *    NODE` itself), then `CLUSTER BUMPEPOCH` so its claim wins over any stale one (a master that comes back);
 * 3. keys move from every other master to the owner (`coldMoveKeys`: BUSYKEY settled by value, a different value
 *    refused with the key named);
 * 4. every other master is closed (`SETSLOT STABLE`) and told the owner (`SETSLOT NODE`).
 */
export async function settleSlot(
  slot: number,
  owner: ConnectedNode,
  others: ConnectedNode[],
  options: MigrateOptions & { authArgs: string[] },
  pacing: { guard: LatencyGuard; deadline: number },
): Promise<SettleResult> {
  const s = String(slot);
  const result: SettleResult = { keysMoved: 0, bytesMoved: 0, busyKeysResolved: 0, claimed: false };
  const states = await Promise.all(others.map((n) => slotState(n, slot)));
  let contested = false;
  for (const [i, node] of others.entries()) {
    const st = states[i] as SlotState;
    if (st.owns) {
      contested = true;
      if (st.migrating) await node.redis.call('CLUSTER', 'SETSLOT', s, 'STABLE');
      await tolerate(node.redis.call('CLUSTER', 'DELSLOTS', s), /already unassigned/i);
    }
    if (st.keys > 0 && st.importingFrom !== owner.id) {
      if (st.migrating || st.importingFrom !== undefined) await node.redis.call('CLUSTER', 'SETSLOT', s, 'STABLE');
      await node.redis.call('CLUSTER', 'SETSLOT', s, 'IMPORTING', owner.id);
    }
  }
  const mine = await slotState(owner, slot);
  if (mine.migrating || mine.importingFrom !== undefined) await owner.redis.call('CLUSTER', 'SETSLOT', s, 'STABLE');
  if (!mine.owns) {
    if (mine.viewOwner === undefined) await tolerate(owner.redis.call('CLUSTER', 'ADDSLOTS', s), /already busy/i);
    else await owner.redis.call('CLUSTER', 'SETSLOT', s, 'NODE', owner.id);
    result.claimed = true;
  }
  if (result.claimed || contested) await owner.redis.call('CLUSTER', 'BUMPEPOCH');
  // Masters left IMPORTING ignore gossip about the slot: told the owner now, or they count it uncovered (CLUSTERDOWN).
  await Promise.all(others.map((n, i) => ((states[i] as SlotState).viewOwner !== owner.id ? tolerate(n.redis.call('CLUSTER', 'SETSLOT', s, 'NODE', owner.id), /unknown node/i) : undefined)));
  for (const [i, node] of others.entries()) {
    if ((states[i] as SlotState).keys === 0 && (await countKeys(node, slot)) === 0) continue;
    const moved = await coldMoveKeys(slot, node, owner, options, pacing);
    result.keysMoved += moved.keysMoved;
    result.bytesMoved += moved.bytesMoved;
    result.busyKeysResolved += moved.busyKeysResolved;
  }
  await Promise.all(
    others.map(async (node) => {
      const st = await slotState(node, slot);
      if (st.migrating || st.importingFrom !== undefined) await node.redis.call('CLUSTER', 'SETSLOT', s, 'STABLE');
      // A master that does not know the owner yet learns it by gossip (the owner has the highest epoch).
      if (st.viewOwner !== owner.id && !st.owns) await tolerate(node.redis.call('CLUSTER', 'SETSLOT', s, 'NODE', owner.id), /unknown node/i);
    }),
  );
  return result;
}

/**
 * The claim part of `settleSlot` for many slots of one owner at once, pipelined (a down master's 5461 slots in a few
 * round trips): run before any key moves, because while a slot is uncovered every master refuses keyed commands
 * (CLUSTERDOWN), MIGRATE included. Other masters give up claims (DELSLOTS) and, where they hold keys, are set
 * IMPORTING from the owner; the owner claims (ADDSLOTS, or SETSLOT NODE itself where its view names a down master)
 * and bumps its epoch; every master is told the owner. Keys move later, slot by slot (`settleSlot`).
 */
export async function claimSlots(slots: number[], owner: ConnectedNode, others: ConnectedNode[]): Promise<number> {
  if (slots.length === 0) return 0;
  const nodes = [owner, ...others];
  const views = await Promise.all(nodes.map(async (n) => parseClusterNodes(String(await n.redis.call('CLUSTER', 'NODES')))));
  const keys = await Promise.all(others.map((n) => pipelined(n, slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', String(s)]))));
  const ownerOf = (view: ReturnType<typeof parseClusterNodes>, slot: number): string | undefined => view.find((e) => !isReplica(e) && e.slots.some(([a, b]) => slot >= a && slot <= b))?.id;
  await Promise.all(
    others.map(async (n, i) => {
      const view = views[i + 1] ?? [];
      const self = selfEntry(view);
      const claimed = slots.filter((s) => ownerOf(view, s) === self?.id);
      if (claimed.length > 0) await n.redis.call('CLUSTER', 'DELSLOTS', ...claimed.map(String));
      const holding = slots.filter((s, j) => Number(keys[i]?.[j]) > 0 && self?.importing.find((m) => m.slot === s)?.from !== owner.id);
      await pipelined(n, holding.flatMap((s) => [['CLUSTER', 'SETSLOT', String(s), 'STABLE'], ['CLUSTER', 'SETSLOT', String(s), 'IMPORTING', owner.id]]), true);
    }),
  );
  const mine = views[0] ?? [];
  const myId = selfEntry(mine)?.id;
  const toClaim = slots.filter((s) => ownerOf(mine, s) !== myId);
  const unassigned = toClaim.filter((s) => ownerOf(mine, s) === undefined);
  await pipelined(owner, slots.map((s) => ['CLUSTER', 'SETSLOT', String(s), 'STABLE']), true);
  if (unassigned.length > 0) await owner.redis.call('CLUSTER', 'ADDSLOTS', ...unassigned.map(String));
  await pipelined(owner, toClaim.filter((s) => !unassigned.includes(s)).map((s) => ['CLUSTER', 'SETSLOT', String(s), 'NODE', owner.id]));
  await owner.redis.call('CLUSTER', 'BUMPEPOCH');
  await Promise.all(others.map((n) => pipelined(n, slots.map((s) => ['CLUSTER', 'SETSLOT', String(s), 'NODE', owner.id]), true)));
  return toClaim.length;
}

/** One pipeline; replies in order. `lenient`: per-command errors are ignored (idempotent announcements). */
async function pipelined(node: ConnectedNode, commands: string[][], lenient = false): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < commands.length; i += 2000) {
    const pipeline = node.redis.pipeline();
    for (const [name, ...args] of commands.slice(i, i + 2000)) pipeline.call(String(name), ...args);
    for (const [error, value] of (await pipeline.exec()) ?? []) {
      if (error && !lenient) throw error;
      out.push(value);
    }
  }
  return out;
}

async function slotState(node: ConnectedNode, slot: number): Promise<SlotState> {
  const [[viewError, text], [countError, keys]] = ((await node.redis.pipeline().call('CLUSTER', 'NODES').call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)).exec()) ?? []) as [[Error | null, unknown], [Error | null, unknown]];
  if (viewError) throw viewError;
  if (countError) throw countError;
  const view = parseClusterNodes(String(text));
  const self = selfEntry(view);
  if (!self || isReplica(self)) throw new Error(`${node.address.host}:${node.address.port} is not a master any more`);
  const covers = (e: (typeof view)[number]): boolean => e.slots.some(([a, b]) => slot >= a && slot <= b);
  return {
    owns: covers(self),
    migrating: self.migrating.some((m) => m.slot === slot),
    importingFrom: self.importing.find((m) => m.slot === slot)?.from,
    viewOwner: view.find((e) => !isReplica(e) && covers(e))?.id,
    keys: Number(keys),
  };
}

async function countKeys(node: ConnectedNode, slot: number): Promise<number> {
  return Number(await node.redis.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
}

async function tolerate(call: Promise<unknown>, acceptable: RegExp): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!acceptable.test(error instanceof Error ? error.message : String(error))) throw error;
  }
}
