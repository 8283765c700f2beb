import type { Redis } from 'ioredis';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import type { NodeAddress } from '../../platform/redis/RedisTarget';

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
  ) {
    super(`slot ${slot}: ${keys.length} key(s) exist on both the source and the target with different values`);
    this.name = 'BusyKeyConflictError';
  }
}

/** Lower bound of MIGRATE throughput used to scale a big key's timeout (bytes/s). */
const BYTES_PER_SECOND_FLOOR = 8 * 1024 * 1024;

/**
 * Moves one slot from `source` to `target` the way `redis-cli --cluster reshard` does (clusterManagerMoveSlot),
 * made idempotent so a killed saga can run it again from any point:
 * 1. `SETSLOT IMPORTING` on the target, then `MIGRATING` on the source. "already the owner" from the target means a
 *    previous run got to step 3: only the announcements are left.
 * 2. `GETKEYSINSLOT` → `MEMORY USAGE` (one pipeline) → multi-key `MIGRATE` batches sized by bytes; a big key alone
 *    with a timeout scaled to its size. `BUSYKEY` (the key is on the target already: an earlier MIGRATE restored it
 *    but timed out before deleting it here, IOERR) is resolved by comparing `DUMP` payloads: equal → `MIGRATE REPLACE`
 *    (drops the source copy), different → `BusyKeyConflictError` (nothing is overwritten). A timeout or IOERR is
 *    simply retried: keys are deleted from the source only after the target acknowledged them.
 * 3. `SETSLOT NODE <target>` on the target first (it owns the slot and bumps its config epoch), then on the source
 *    and every other master at once, so no master ever redirects to a node that does not know it owns the slot.
 */
export async function migrateSlot(
  slot: number,
  source: ConnectedNode,
  target: ConnectedNode,
  others: ConnectedNode[],
  options: MigrateOptions & { authArgs: string[] },
  pacing: { guard: LatencyGuard; deadline: number },
): Promise<SlotMoveResult> {
  const result: SlotMoveResult = { keysMoved: 0, bytesMoved: 0, bigKeys: 0, busyKeysResolved: 0, alreadyOwned: false };
  const s = String(slot);
  try {
    await target.redis.call('CLUSTER', 'SETSLOT', s, 'IMPORTING', source.id);
  } catch (error) {
    if (!/already the owner/i.test(messageOf(error))) throw error;
    result.alreadyOwned = true;
  }
  if (!result.alreadyOwned) {
    // MIGRATING and the first GETKEYSINSLOT in one round trip (one connection: they run in order).
    const [[migratingError], [keysError, firstKeys]] = ((await source.redis.pipeline().call('CLUSTER', 'SETSLOT', s, 'MIGRATING', target.id).callBuffer('CLUSTER', 'GETKEYSINSLOT', s, String(options.maxKeysPerBatch)).exec()) ?? []) as [Error | null, unknown][] as [[Error | null, unknown], [Error | null, unknown]];
    // The source gave the slot away already: only possible after the target took it (step 3 runs target first).
    if (migratingError && !/not the owner/i.test(messageOf(migratingError))) throw migratingError;
    if (keysError) throw keysError;
    let keys = firstKeys as Buffer[];
    for (;;) {
      if (keys.length === 0) break;
      await pacing.guard.beforeBatch(source.redis, pacing.deadline);
      const sizes = await memoryUsage(source.redis, keys);
      let clean = true;
      for (const batch of batchesBySize(keys, sizes, options)) {
        const bytes = batch.reduce((sum, i) => sum + (sizes[i] ?? 0), 0);
        const big = batch.length === 1 && (sizes[batch[0] ?? 0] ?? 0) >= options.bigKeyBytes;
        const timeout = options.migrateTimeoutMs + (big ? Math.ceil((bytes / BYTES_PER_SECOND_FLOOR) * 1000) : 0);
        const batchKeys = batch.map((i) => keys[i] as Buffer);
        const resolvedBefore = result.busyKeysResolved;
        const moved = await migrateBatch(source.redis, target, batchKeys, timeout, slot, result, options.authArgs);
        if (moved !== batchKeys.length || result.busyKeysResolved !== resolvedBefore) clean = false;
        result.keysMoved += moved;
        if (moved > 0) result.bytesMoved += bytes;
        if (big) result.bigKeys += 1;
      }
      // A MIGRATING source cannot gain keys in the slot (new keys are sent to the target with ASK): a short, clean
      // page was the last one, so the empty check costs no extra round trip.
      if (clean && keys.length < options.maxKeysPerBatch) break;
      keys = (await source.redis.callBuffer('CLUSTER', 'GETKEYSINSLOT', s, String(options.maxKeysPerBatch))) as Buffer[];
    }
  }
  // Target first (see above); every call is idempotent.
  await target.redis.call('CLUSTER', 'SETSLOT', s, 'NODE', target.id);
  // Once the target owns it, the source and the others may hear it in any order: each then sends MOVED to the target.
  await Promise.all([setSlotNodeTolerant(source.redis, s, target.id), ...others.map((o) => setSlotNodeTolerant(o.redis, s, target.id))]);
  return result;
}

/** `SETSLOT NODE` on a master that may not know the target yet (gossip lag) or already agree. */
async function setSlotNodeTolerant(redis: Redis, slot: string, targetId: string): Promise<void> {
  try {
    await redis.call('CLUSTER', 'SETSLOT', slot, 'NODE', targetId);
  } catch (error) {
    // An unknown node id: this master learns the owner by gossip (higher config epoch) within a node timeout.
    if (!/unknown node/i.test(messageOf(error))) throw error;
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
 * (BUSYKEY) are settled one by one by comparing DUMP payloads.
 */
async function migrateBatch(source: Redis, target: ConnectedNode, keys: Buffer[], timeoutMs: number, slot: number, result: SlotMoveResult, authArgs: string[]): Promise<number> {
  const migrate = (flags: string[], batch: Buffer[]): Promise<unknown> =>
    // The command carries the cluster's password: errors leave with the server's reply text only.
    source.callBuffer('MIGRATE', target.address.host, String(target.address.port), '', '0', String(timeoutMs), ...flags, ...authArgs, 'KEYS', ...batch).catch((error: unknown) => {
      throw new Error(messageOf(error));
    });
  try {
    const reply = await migrate([], keys);
    return String(reply) === 'NOKEY' ? 0 : keys.length;
  } catch (error) {
    if (!/BUSYKEY/.test(messageOf(error))) throw error;
  }
  // Some keys were restored and deleted here, some were refused: look at what is left.
  const exists = await Promise.all(keys.map((k) => source.exists(k)));
  const left = keys.filter((_, i) => exists[i] === 1);
  const conflicts: string[] = [];
  for (const key of left) {
    const [mine, theirs] = await Promise.all([source.dumpBuffer(key), dumpAsking(target.redis, key)]);
    if (mine === null) continue;
    if (theirs === null) {
      await migrate([], [key]);
      continue;
    }
    if (!dumpPayloadEqual(mine, theirs)) {
      conflicts.push(key.toString('base64'));
      continue;
    }
    // The target already holds this exact value (a MIGRATE that timed out after RESTORE): replacing it is a no-op
    // for the data and deletes the copy left here.
    await migrate(['REPLACE'], [key]);
    result.busyKeysResolved += 1;
  }
  if (conflicts.length > 0) throw new BusyKeyConflictError(slot, conflicts);
  return keys.length - conflicts.length;
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
