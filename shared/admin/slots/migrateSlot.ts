import type { Redis } from 'ioredis';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import type { NodeAddress } from '../../platform/redis/RedisTarget';
import { forgetSlotBatchScript, SCRIPT_MAX_KEYS, SCRIPT_MIGRATE_TIMEOUT_MS, scriptBatch, slotBatchScript } from './slotBatchScript';

/** A master as the saga addresses it. */
export interface SlotNode {
  id: string;
  address: NodeAddress;
}

/** A master with its (dedicated) connection. */
export type ConnectedNode = SlotNode & { redis: Redis };

/** Tuning of key moves (all with defaults in `slotRequest.ts`). */
export interface MigrateOptions {
  /** Bytes (MEMORY USAGE) per multi-key MIGRATE. */
  bytesPerBatch: number;
  /** Keys per multi-key MIGRATE at most (and per CLUSTER GETKEYSINSLOT). */
  maxKeysPerBatch: number;
  /** A key at least this big moves alone, with a timeout scaled to its size. */
  bigKeyBytes: number;
  /** MIGRATE timeout for a batch; a big key gets `migrateTimeoutMs + bytes / bytesPerSecondFloor`. */
  migrateTimeoutMs: number;
}

/** How key moves are paced. */
export interface Pacing {
  guard: LatencyGuard;
  deadline: number;
  /**
   * A connection of its own to the source for the guard's PING: on the saga's connection the PING would queue behind
   * the saga's own MIGRATEs (several steps share it) and measure them, not the server. @default the source's connection
   */
  probe?: Redis;
}

/** What moving one slot did. */
export interface SlotMoveResult {
  keysMoved: number;
  bytesMoved: number;
  bigKeys: number;
  busyKeysResolved: number;
  /** The slot was already owned by the target (a resumed saga finishing what a killed one began). */
  alreadyOwned: boolean;
}

/** A key that exists on both nodes with different values: moving it would lose one of them. */
export class BusyKeyConflictError extends Error {
  constructor(
    readonly slot: number,
    readonly keys: string[],
    /** Every slot of the step left open by a conflict (`slot` is the first). */
    readonly slots: number[] = [slot],
  ) {
    super(`slot${slots.length > 1 ? 's' : ''} ${slots.join(', ')}: ${keys.length} key(s) exist on both the source and the target with different values`);
    this.name = 'BusyKeyConflictError';
  }
}

/** Lower bound of MIGRATE throughput used to scale a big key's timeout (bytes/s). */
const BYTES_PER_SECOND_FLOOR = 8 * 1024 * 1024;

/**
 * Moves one slot from `source` to `target` the way `redis-cli --cluster reshard` does (clusterManagerMoveSlot),
 * made idempotent so a killed saga can run it again from any point: `migrateSlots` of one slot.
 */
export async function migrateSlot(
  slot: number,
  source: ConnectedNode,
  target: ConnectedNode,
  others: ConnectedNode[],
  options: MigrateOptions & { authArgs: string[] },
  pacing: Pacing,
): Promise<SlotMoveResult> {
  return migrateSlots([slot], source, target, others, options, pacing);
}

/**
 * Moves a group of slots from `source` to `target` as one idempotent step (each slot as redis-cli's
 * clusterManagerMoveSlot, but the group's commands pipelined, so the round trips and the nodes.conf saves each
 * SETSLOT costs are paid once per group, not once per slot). Safe to run again from any point:
 * 1. `SETSLOT IMPORTING` of every slot on the target (one pipeline), then `MIGRATING` of each on the source (one
 *    pipeline; no key moves before its slot is MIGRATING there). "already the owner" from the target means a
 *    previous run got to step 3 for that slot: only its announcements are left.
 * 2. The keys of each slot, moved by the source itself: a script (`slotBatchScript.ts`) runs GETKEYSINSLOT, MEMORY
 *    USAGE and one multi-key MIGRATE batch sized by bytes per call (MIGRATE needs every key in one slot: CROSSSLOT),
 *    the group's calls pipelined, so the keys never travel through this process (which paid one command per key for
 *    MEMORY USAGE and the key names twice: 3.4 of the 4.4 CPU seconds a 5461-slot reshard cost here). A big key moves
 *    alone with a timeout scaled to its size. Where the script cannot run (a password: its arguments are not redacted
 *    from SLOWLOG/MONITOR; scripts refused) or a batch failed, the client path (`moveByClient`) does the same through
 *    this process. `BUSYKEY` (the key is on the target already: an earlier MIGRATE restored it but timed out before
 *    deleting it here, IOERR) is resolved by comparing `DUMP` payloads: equal → `MIGRATE REPLACE` (drops the source
 *    copy), different → `BusyKeyConflictError` (nothing is overwritten). A timeout or IOERR is simply retried: keys
 *    are deleted from the source only after the target acknowledged them (MIGRATE's own rule, in the script too).
 * 3. `SETSLOT NODE <target>` of every slot on the target first (it owns them and bumps its config epoch), then on
 *    the source and every other master at once, so no master ever redirects to a node that does not know it owns it.
 */
export async function migrateSlots(
  slots: readonly number[],
  source: ConnectedNode,
  target: ConnectedNode,
  others: ConnectedNode[],
  options: MigrateOptions & { authArgs: string[] },
  pacing: Pacing,
): Promise<SlotMoveResult> {
  const result: SlotMoveResult = { keysMoved: 0, bytesMoved: 0, bigKeys: 0, busyKeysResolved: 0, alreadyOwned: false };
  const importing = await replies(slots.reduce((p, slot) => p.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.id), target.redis.pipeline()));
  const open: number[] = [];
  importing.forEach(([error], i) => {
    if (!error) open.push(slots[i] as number);
    else if (!/already the owner/i.test(messageOf(error))) throw error;
  });
  result.alreadyOwned = open.length === 0;
  /** Slots with a key on both nodes with different values: left open, never announced. */
  const conflicted = new Map<number, string[]>();
  if (open.length > 0) {
    const scripted = await moveByScript(open, source, target, options, pacing, result);
    if (scripted.clientPath.length > 0) await moveByClient(scripted.clientPath, scripted.pages, source, target, options, pacing, result, conflicted);
  }
  // Target first (see above); every call is idempotent. Conflicted slots stay open for the operator (the error says how).
  const done = slots.filter((slot) => !conflicted.has(slot));
  for (const [error] of await replies(done.reduce((p, slot) => p.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id), target.redis.pipeline()))) if (error) throw error;
  // Once the target owns them, the source and the others may hear it in any order: each then sends MOVED to the target.
  await Promise.all([source, ...others].map((node) => setSlotsNodeTolerant(node.redis, done, target.id)));
  if (conflicted.size > 0) {
    const [first] = conflicted.keys();
    throw new BusyKeyConflictError(first as number, [...conflicted.values()].flat(), [...conflicted.keys()]);
  }
  return result;
}

/**
 * `SETSLOT MIGRATING` of every slot on the source, then its keys moved by the source itself (`slotBatchScript.ts`),
 * one MIGRATE batch per script run: unpaced, every slot's runs in one pipeline per round; paced, one run at a time
 * behind the guard. A big key the script stops at moves alone from here (its timeout scaled to its size), then the
 * script goes on. Returns the slots the client path must finish: every slot when the source refuses scripts or the
 * cluster has a password (a script's arguments are not redacted from SLOWLOG and MONITOR as MIGRATE's are), and a
 * slot whose batch failed (BUSYKEY, IOERR, timeout) or whose big key conflicts: the client path settles them.
 */
async function moveByScript(
  slots: readonly number[],
  source: ConnectedNode,
  target: ConnectedNode,
  options: MigrateOptions & { authArgs: string[] },
  pacing: Pacing,
  result: SlotMoveResult,
): Promise<{ clientPath: number[]; pages?: Buffer[][] }> {
  const sha = options.authArgs.length === 0 && options.maxKeysPerBatch <= SCRIPT_MAX_KEYS ? await slotBatchScript(source.redis) : null;
  const run = (p: ReturnType<Redis['pipeline']>, slot: number): ReturnType<Redis['pipeline']> =>
    p.callBuffer('EVALSHA', sha as string, '0', String(slot), String(options.maxKeysPerBatch), String(options.bytesPerBatch), String(options.bigKeyBytes), target.address.host, String(target.address.port), String(Math.min(options.migrateTimeoutMs, SCRIPT_MIGRATE_TIMEOUT_MS)));
  // MIGRATING of each slot (with its first page of keys when there is no script) in one round trip: one
  // connection, so they run in order. A script runs only once its slot is MIGRATING here: its MIGRATE on a slot
  // still stable here would hide the keys it moved from this node's clients.
  const pipeline = source.redis.pipeline();
  for (const slot of slots) {
    pipeline.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.id);
    if (!sha) pipeline.callBuffer('CLUSTER', 'GETKEYSINSLOT', String(slot), String(options.maxKeysPerBatch));
  }
  const first = await replies(pipeline);
  const perSlot = sha ? 1 : 2;
  /** Slots the source gave away already (only after the target took them: step 3 runs target first). */
  const givenAway: number[] = [];
  slots.forEach((slot, i) => {
    const [error] = first[perSlot * i] ?? [null];
    if (!error) return;
    if (!/not the owner/i.test(messageOf(error))) throw error;
    givenAway.push(slot);
  });
  if (!sha) {
    const pages = slots.map((_, i) => {
      const [error, keys] = first[2 * i + 1] ?? [null, []];
      if (error) throw error;
      return keys as Buffer[];
    });
    return { clientPath: [...slots], pages };
  }
  // A slot given away keeps whatever keys it still has for the client path (which says what is wrong with them).
  const clientPath: number[] = [...givenAway];
  let todo: [number, [Error | null, unknown]][] = [];
  let pending = slots.filter((slot) => !givenAway.includes(slot));
  for (;;) {
    for (const [slot, reply] of todo) {
      const batch = scriptBatch(reply);
      if (/NOSCRIPT/.test(batch.status)) forgetSlotBatchScript(source.redis);
      if (batch.status === 'big' && batch.bigKey) {
        // Alone, its own timeout scaled to its size, BUSYKEY settled as on the client path; a conflict hands the
        // slot to the client path, which finds it again and reports it.
        if (pacing.guard.enabled) await pacing.guard.beforeBatch(pacing.probe ?? source.redis, pacing.deadline);
        const timeout = options.migrateTimeoutMs + Math.ceil((batch.bytes / BYTES_PER_SECOND_FLOOR) * 1000);
        const { moved, conflicts } = await migrateBatch(source.redis, target, [batch.bigKey], timeout, result, options.authArgs);
        if (conflicts.length > 0) {
          clientPath.push(slot);
          continue;
        }
        result.keysMoved += moved;
        result.bytesMoved += moved > 0 ? batch.bytes : 0;
        result.bigKeys += 1;
        pending.push(slot);
        continue;
      }
      result.keysMoved += batch.moved;
      result.bytesMoved += batch.bytes;
      if (batch.status !== 'ok') clientPath.push(slot);
      else if (batch.more) pending.push(slot);
    }
    if (pending.length === 0) return { clientPath };
    if (pacing.guard.enabled) {
      todo = [];
      for (const slot of pending) {
        await pacing.guard.beforeBatch(pacing.probe ?? source.redis, pacing.deadline);
        todo.push([slot, (await replies(run(source.redis.pipeline(), slot)))[0] ?? [new Error('no reply'), null]]);
      }
    } else {
      const again = await replies(pending.reduce(run, source.redis.pipeline()));
      todo = pending.map((slot, i) => [slot, again[i] ?? [new Error('no reply'), null]]);
    }
    pending = [];
  }
}

/**
 * The keys of `slots` (MIGRATING already) moved through the client: `GETKEYSINSLOT` → `MEMORY USAGE` (one pipeline) →
 * MIGRATE batches by bytes, a big key alone with its scaled timeout, BUSYKEY settled by comparing DUMP payloads.
 * Slots with a key on both nodes with different values are added to `conflicted` (left open).
 */
async function moveByClient(
  slots: readonly number[],
  /** The first page of keys of each slot when it was fetched with MIGRATING. */
  firstPages: Buffer[][] | undefined,
  source: ConnectedNode,
  target: ConnectedNode,
  options: MigrateOptions & { authArgs: string[] },
  pacing: Pacing,
  result: SlotMoveResult,
  conflicted: Map<number, string[]>,
): Promise<void> {
  let again: readonly number[] = slots;
  let fetched = firstPages;
  for (;;) {
    const next = fetched ?? (await keyPages(source.redis, again, options.maxKeysPerBatch));
    fetched = undefined;
    const pages = new Map(again.map((slot, i) => [slot, next[i] ?? []]));
    const keys = [...pages.values()].flat();
    if (keys.length === 0) return;
    await pacing.guard.beforeBatch(pacing.probe ?? source.redis, pacing.deadline);
    const sizes = await memoryUsage(source.redis, keys);
    // MIGRATE refuses keys of different slots (CROSSSLOT): batches are cut per slot, by bytes.
    const batches: { slot: number; keys: Buffer[]; bytes: number; big: boolean; timeout: number }[] = [];
    let offset = 0;
    for (const [slot, page] of pages) {
      const pageSizes = sizes.slice(offset, offset + page.length);
      offset += page.length;
      for (const batch of batchesBySize(page, pageSizes, options)) {
        const bytes = batch.reduce((sum, i) => sum + (pageSizes[i] ?? 0), 0);
        const big = batch.length === 1 && (pageSizes[batch[0] ?? 0] ?? 0) >= options.bigKeyBytes;
        batches.push({ slot, keys: batch.map((i) => page[i] as Buffer), bytes, big, timeout: options.migrateTimeoutMs + (big ? Math.ceil((bytes / BYTES_PER_SECOND_FLOOR) * 1000) : 0) });
      }
    }
    // Unpaced: the normal batches in one pipeline (no round trip between them). Paced: one at a time behind the
    // guard, so other clients' commands run between them. A big key always goes alone, its own timeout running.
    const piped = pacing.guard.enabled ? [] : batches.filter((b) => !b.big);
    const pipedReplies = await replies(piped.reduce((p, b) => p.callBuffer('MIGRATE', ...migrateArgs(target, b.timeout, [], options.authArgs, b.keys)), source.redis.pipeline()));
    const sent = new Map<(typeof batches)[number], [Error | null, unknown]>(piped.map((b, i) => [b, pipedReplies[i] ?? [new Error('no reply to a pipelined MIGRATE'), null]]));
    const dirty = new Set<number>();
    for (const [i, b] of batches.entries()) {
      if (!sent.has(b) && i > 0) await pacing.guard.beforeBatch(pacing.probe ?? source.redis, pacing.deadline);
      const resolvedBefore = result.busyKeysResolved;
      const { moved, conflicts } = await migrateBatch(source.redis, target, b.keys, b.timeout, result, options.authArgs, sent.get(b));
      if (conflicts.length > 0) conflicted.set(b.slot, [...(conflicted.get(b.slot) ?? []), ...conflicts.map((k) => k.toString('base64'))]);
      if (moved !== b.keys.length || result.busyKeysResolved !== resolvedBefore) dirty.add(b.slot);
      result.keysMoved += moved;
      if (moved > 0) result.bytesMoved += b.bytes;
      if (b.big) result.bigKeys += 1;
    }
    // A MIGRATING source cannot gain keys in the slot (new keys are sent to the target with ASK): a short page
    // that moved cleanly was the slot's last one, so the empty check costs no extra round trip.
    again = [...pages].filter(([slot, page]) => !conflicted.has(slot) && (dirty.has(slot) || page.length >= options.maxKeysPerBatch)).map(([slot]) => slot);
    if (again.length === 0) return;
  }
}

/** `CLUSTER GETKEYSINSLOT` of each slot (one pipeline). */
async function keyPages(redis: Redis, slots: readonly number[], count: number): Promise<Buffer[][]> {
  return (await replies(slots.reduce((p, slot) => p.callBuffer('CLUSTER', 'GETKEYSINSLOT', String(slot), String(count)), redis.pipeline()))).map(([error, page]) => {
    if (error) throw error;
    return page as Buffer[];
  });
}

/** A pipeline's replies, `[error, value]` per command. */
async function replies(pipeline: ReturnType<Redis['pipeline']>): Promise<[Error | null, unknown][]> {
  return ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
}

/** `SETSLOT NODE` of `slots` (one pipeline) on a master that may not know the target yet (gossip lag) or already agree. */
async function setSlotsNodeTolerant(redis: Redis, slots: readonly number[], targetId: string): Promise<void> {
  for (const [error] of await replies(slots.reduce((p, slot) => p.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', targetId), redis.pipeline()))) {
    // An unknown node id: this master learns the owner by gossip (higher config epoch) within a node timeout.
    // "only with masters": a source that gave away its last slot became a replica of the new owner (Redis 7,
    // cluster-allow-replica-migration) as soon as it heard of it; it needs no announcement any more.
    if (error && !/unknown node|only with masters/i.test(messageOf(error))) throw error;
  }
}

async function memoryUsage(redis: Redis, keys: Buffer[]): Promise<number[]> {
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('MEMORY', 'USAGE', key);
  const replies = (await pipeline.exec()) ?? [];
  // A key deleted meanwhile answers ASK (migrating slot) or nil: size unknown, counted as small.
  return replies.map(([error, value]) => (error || value === null ? 0 : Number(value)));
}

/** Indexes of `keys` grouped into MIGRATE batches: by bytes, at most `maxKeysPerBatch`, big keys alone. */
export function batchesBySize(keys: readonly unknown[], sizes: readonly number[], options: Pick<MigrateOptions, 'bytesPerBatch' | 'maxKeysPerBatch' | 'bigKeyBytes'>): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  keys.forEach((_, i) => {
    const size = sizes[i] ?? 0;
    if (size >= options.bigKeyBytes) {
      batches.push([i]);
      return;
    }
    if (current.length > 0 && (bytes + size > options.bytesPerBatch || current.length >= options.maxKeysPerBatch)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * One multi-key MIGRATE; returns the keys it moved. Keys MIGRATE could not restore because the target has them
 * (BUSYKEY) are settled one by one by comparing DUMP payloads; those whose values differ are returned as conflicts
 * (nothing overwritten).
 */
async function migrateBatch(
  source: Redis,
  target: ConnectedNode,
  keys: Buffer[],
  timeoutMs: number,
  result: SlotMoveResult,
  authArgs: string[],
  /** The reply of this batch's MIGRATE when it was already sent in a pipeline. */
  sent?: [Error | null, unknown],
): Promise<{ moved: number; conflicts: Buffer[] }> {
  const migrate = (flags: string[], batch: Buffer[]): Promise<unknown> =>
    // The command carries the cluster's password: errors leave with the server's reply text only.
    source.callBuffer('MIGRATE', ...migrateArgs(target, timeoutMs, flags, authArgs, batch)).catch((error: unknown) => {
      throw new Error(messageOf(error));
    });
  try {
    if (sent?.[0]) throw new Error(messageOf(sent[0]));
    const reply = sent ? sent[1] : await migrate([], keys);
    return { moved: String(reply) === 'NOKEY' ? 0 : keys.length, conflicts: [] };
  } catch (error) {
    if (!/BUSYKEY/.test(messageOf(error))) throw error;
  }
  // Some keys were restored and deleted here, some were refused: look at what is left.
  const exists = await Promise.all(keys.map((k) => source.exists(k)));
  const left = keys.filter((_, i) => exists[i] === 1);
  const conflicts: Buffer[] = [];
  for (const key of left) {
    const [mine, theirs] = await Promise.all([source.dumpBuffer(key), dumpAsking(target.redis, key)]);
    if (mine === null) continue;
    if (theirs === null) {
      await migrate([], [key]);
      continue;
    }
    if (!dumpPayloadEqual(mine, theirs)) {
      conflicts.push(key);
      continue;
    }
    // The target already holds this exact value (a MIGRATE that timed out after RESTORE): replacing it is a no-op
    // for the data and deletes the copy left here.
    await migrate(['REPLACE'], [key]);
    result.busyKeysResolved += 1;
  }
  return { moved: keys.length - conflicts.length, conflicts };
}

/** MIGRATE's arguments after the command name. */
function migrateArgs(target: ConnectedNode, timeoutMs: number, flags: string[], authArgs: string[], keys: Buffer[]): (string | Buffer)[] {
  return [target.address.host, String(target.address.port), '', '0', String(timeoutMs), ...flags, ...authArgs, 'KEYS', ...keys];
}

async function dumpAsking(redis: Redis, key: Buffer): Promise<Buffer | null> {
  const replies = (await redis.pipeline().call('ASKING').dumpBuffer(key).exec()) ?? [];
  const [error, value] = replies[1] ?? [null, null];
  if (error) throw error;
  return (value as Buffer | null) ?? null;
}

/** DUMP payloads end with the RDB version (2 bytes) and a CRC64 (8 bytes); the serialized value comes first. */
export function dumpPayloadEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.subarray(0, a.length - 10).equals(b.subarray(0, b.length - 10));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
