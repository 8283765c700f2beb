/**
 * unlinkUnlessMessaging (Lua, EVAL): the invalidation's messaging check and UNLINK in one call — each key's TYPE,
 * PTTL for lists, and UNLINK unless the key is a stream or a queue (a list without a TTL).
 *
 * KEYS: the keys, when they share one slot (a crash replay through the routing client, which routes by them); or
 *   none, then
 * ARGV: the keys (a node's own SCAN batch: local by construction but across many slots, hence `allow-cross-slot-keys`;
 *   each UNLINK names one key, so no command is cross-slot).
 * Output: `{deleted, kept}`: the number of keys UNLINK removed, and the 1-based positions of the streams and queues
 *   left in place (empty when none). A key gone before the call (TYPE none) is neither.
 *
 * `allow-oom`: it only frees memory, and invalidation is what one runs when memory is short. Checking and deleting in
 * one call also closes the window in which a key checked as a string could become a stream before its UNLINK.
 * About a microsecond of the server's time per key, so callers send at most 1000 keys per call.
 */
export const unlinkUnlessMessagingScript = `#!lua flags=allow-oom,allow-cross-slot-keys
local call = redis.call
local keys = #KEYS > 0 and KEYS or ARGV
local deleted = 0
local kept = {}
for i = 1, #keys do
  local t = call('TYPE', keys[i])['ok']
  if t == 'stream' or (t == 'list' and call('PTTL', keys[i]) == -1) then kept[#kept + 1] = i
  elseif t ~= 'none' then deleted = deleted + call('UNLINK', keys[i]) end
end
return {deleted, kept}
`;
