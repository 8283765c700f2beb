import type { Redis } from 'ioredis';

/**
 * One MIGRATE batch of a slot run by the source itself: `CLUSTER GETKEYSINSLOT`, `MEMORY USAGE` of the keys until the
 * batch is full (bytes or keys), then one multi-key `MIGRATE` of them. ARGV: slot, keys per page, bytes per batch,
 * big-key bytes, target host, target port, MIGRATE timeout (ms).
 * Returns `{moved, bytes, more, status, bigKey}`: `more` 1 while the slot may hold keys still; `status` `ok`, `big`
 * (the next key is a big key, named with its size in `bytes`: the client moves it alone with a timeout scaled to its
 * size, then the script goes on) or MIGRATE's error (the client path takes the slot over).
 * The keys never travel through the client (the client path pays one command per key for MEMORY USAGE, and the
 * key names twice); safety is MIGRATE's own (keys are deleted here only after the target acknowledged them).
 */
const SCRIPT = `
local keys = redis.call('CLUSTER', 'GETKEYSINSLOT', ARGV[1], ARGV[2])
local limit, big = tonumber(ARGV[3]), tonumber(ARGV[4])
local batch, bytes = {}, 0
for _, key in ipairs(keys) do
  local size = redis.call('MEMORY', 'USAGE', key) or 0
  if size >= big then
    if #batch == 0 then return {0, size, 1, 'big', key} end
    break
  end
  if #batch > 0 and bytes + size > limit then break end
  batch[#batch + 1] = key
  bytes = bytes + size
end
if #batch == 0 then return {0, 0, 0, 'ok'} end
local reply = redis.pcall('MIGRATE', ARGV[5], ARGV[6], '', 0, ARGV[7], 'KEYS', unpack(batch))
if type(reply) == 'table' and reply.err then return {0, 0, 1, reply.err} end
local more = 0
if #batch < #keys or #keys >= tonumber(ARGV[2]) then more = 1 end
return {#batch, bytes, more, 'ok'}
`;

/** Keys per page above which the script's `unpack` of a batch could overflow Lua's C stack (LUAI_MAXCSTACK 8000). */
export const SCRIPT_MAX_KEYS = 5000;

/**
 * A script's MIGRATE runs under a short timeout so the script (which blocks the source as MIGRATE does, but makes
 * other clients' commands answer BUSY once it runs past `busy-reply-threshold`, 5 s by default) stays short; a batch
 * that times out goes to the client path with the full timeout.
 */
export const SCRIPT_MIGRATE_TIMEOUT_MS = 1000;

const loaded = new WeakMap<Redis, Promise<string | null>>();

/**
 * The script's SHA on this connection's server (SCRIPT LOAD once per connection), or null when the server refuses
 * scripts (ACL, disabled): the client path is then used.
 */
export function slotBatchScript(redis: Redis): Promise<string | null> {
  let sha = loaded.get(redis);
  if (!sha) {
    sha = (redis.call('SCRIPT', 'LOAD', SCRIPT) as Promise<string>).catch(() => null);
    loaded.set(redis, sha);
  }
  return sha;
}

/** A server that lost its script cache (restart, SCRIPT FLUSH) loads it again on the next step. */
export function forgetSlotBatchScript(redis: Redis): void {
  loaded.delete(redis);
}

/** What one run of the script did. */
export interface ScriptBatch {
  moved: number;
  bytes: number;
  more: boolean;
  /** `ok`, `big`, or the MIGRATE error (then nothing of the batch is counted as moved). */
  status: string;
  /** `big`: the key to move alone (`bytes` is its size). */
  bigKey?: Buffer;
}

/** The script's reply, or its error as a status (the client path then takes the slot over). */
export function scriptBatch([error, reply]: [Error | null, unknown]): ScriptBatch {
  if (error) return { moved: 0, bytes: 0, more: true, status: error.message };
  const [moved, bytes, more, status, bigKey] = reply as [number, number, number, Buffer, Buffer | undefined];
  return { moved: Number(moved), bytes: Number(bytes), more: Number(more) === 1, status: status.toString(), ...(bigKey ? { bigKey } : {}) };
}
