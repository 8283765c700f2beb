/**
 * messagingKeys-0 (Lua, EVAL): which keys of a batch are streams or queues (lists without a TTL), in one call.
 *
 * KEYS: none. The keys come from this node's own SCAN, so they are local by construction; a batch spans many slots,
 *   hence `allow-cross-slot-keys`.
 * ARGV: the keys.
 * Output: the 1-based positions in ARGV of the stream keys and of the lists without a TTL (empty when none).
 *
 * Read-only (`no-writes`); TYPE and PTTL touch no key's LRU/LFU statistics. One call costs the server about a
 * microsecond per key, so the caller sends batches of at most 1000 keys per call (other clients run between them).
 */
export const messagingKeysScript = `#!lua flags=no-writes,allow-cross-slot-keys
local call = redis.call
local out = {}
for i = 1, #ARGV do
  local t = call('TYPE', ARGV[i])['ok']
  if t == 'stream' or (t == 'list' and call('PTTL', ARGV[i]) == -1) then out[#out + 1] = i end
end
return out
`;
