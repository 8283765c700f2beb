import type { Redis } from 'ioredis';
import type { LatencyGuard } from '../../platform/keyspace/LatencyGuard';
import { batchesBySize, BusyKeyConflictError, dumpPayloadEqual, type ConnectedNode, type MigrateOptions } from './migrateSlot';

/** Lower bound of MIGRATE throughput used to scale a big key's timeout (bytes/s), as in migrateSlot. */
const BYTES_PER_SECOND_FLOOR = 8 * 1024 * 1024;

/**
 * Moves every key of `slot` from `source` — a master that does not own the slot and has it IMPORTING from `target`,
 * so MIGRATE works on it and reads need ASKING — to `target`, the slot's owner. Byte-sized batches like a reshard;
 * keys leave the source only once the target acknowledged them. BUSYKEY (the owner already has the key) is settled
 * by comparing DUMP payloads: the same value → `MIGRATE REPLACE` (drops the copy left here); a different value →
 * `BusyKeyConflictError` naming the keys, nothing overwritten, nothing deleted.
 */
export async function coldMoveKeys(
  slot: number,
  source: ConnectedNode,
  target: ConnectedNode,
  options: MigrateOptions & { authArgs: string[] },
  pacing: { guard: LatencyGuard; deadline: number },
): Promise<{ keysMoved: number; bytesMoved: number; busyKeysResolved: number }> {
  const result = { keysMoved: 0, bytesMoved: 0, busyKeysResolved: 0 };
  const migrate = (flags: string[], keys: Buffer[], timeoutMs: number): Promise<unknown> =>
    // The command carries the cluster's password: errors leave with the server's reply text only.
    source.redis.callBuffer('MIGRATE', target.address.host, String(target.address.port), '', '0', String(timeoutMs), ...flags, ...options.authArgs, 'KEYS', ...keys).catch((error: unknown) => {
      throw new Error(messageOf(error));
    });
  for (;;) {
    const keys = (await source.redis.callBuffer('CLUSTER', 'GETKEYSINSLOT', String(slot), String(options.maxKeysPerBatch))) as Buffer[];
    if (keys.length === 0) return result;
    await pacing.guard.beforeBatch(source.redis, pacing.deadline);
    const sizes = await asking(source.redis, keys.map((k) => ['MEMORY', 'USAGE', k]));
    const conflicts: string[] = [];
    for (const batch of batchesBySize(keys, sizes.map((v) => (typeof v === 'number' ? v : 0)), options)) {
      const batchKeys = batch.map((i) => keys[i] as Buffer);
      const bytes = batch.reduce((n, i) => n + (Number(sizes[i]) || 0), 0);
      const timeout = options.migrateTimeoutMs + (batch.length === 1 && bytes >= options.bigKeyBytes ? Math.ceil((bytes / BYTES_PER_SECOND_FLOOR) * 1000) : 0);
      try {
        const reply = await migrate([], batchKeys, timeout);
        if (String(reply) !== 'NOKEY') {
          result.keysMoved += batchKeys.length;
          result.bytesMoved += bytes;
        }
        continue;
      } catch (error) {
        if (!/BUSYKEY/.test(messageOf(error))) throw error;
      }
      // Some keys were restored and deleted here, some refused: settle what is left one by one.
      const exists = await asking(source.redis, batchKeys.map((k) => ['EXISTS', k]));
      for (const [i, key] of batchKeys.entries()) {
        if (Number(exists[i]) !== 1) {
          result.keysMoved += 1;
          continue;
        }
        const [mine] = await asking(source.redis, [['DUMP', key]]);
        const [theirs] = await asking(target.redis, [['DUMP', key]]);
        if (!(mine instanceof Buffer)) continue;
        if (!(theirs instanceof Buffer)) {
          await migrate([], [key], timeout);
          result.keysMoved += 1;
        } else if (dumpPayloadEqual(mine, theirs)) {
          await migrate(['REPLACE'], [key], timeout);
          result.keysMoved += 1;
          result.busyKeysResolved += 1;
        } else {
          conflicts.push(key.toString('base64'));
        }
      }
    }
    if (conflicts.length > 0) throw new BusyKeyConflictError(slot, conflicts);
  }
}

/** Each command preceded by ASKING (the slot is importing here, so keyed reads are served only that way). */
async function asking(redis: Redis, commands: (string | Buffer)[][]): Promise<unknown[]> {
  const pipeline = redis.pipeline();
  for (const [name, ...args] of commands) pipeline.call('ASKING').callBuffer(String(name), ...args);
  const replies = (await pipeline.exec()) ?? [];
  return replies.filter((_, i) => i % 2 === 1).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
