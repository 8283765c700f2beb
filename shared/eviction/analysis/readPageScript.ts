/**
 * readPage-0 (Lua, EVAL): one page of the analysis in one call — the keys and their probe.
 *
 * KEYS: none. The script reads keys of this node only (from its own SCAN or RANDOMKEY), so they are local by
 *   construction; a page spans many slots, hence `allow-cross-slot-keys`.
 * ARGV[1]: MEMORY USAGE SAMPLES; ARGV[2]: `FREQ` or `IDLETIME`;
 *   ARGV[3]: `scan` (ARGV[4] = cursor, ARGV[5] = COUNT) or `random` (ARGV[4] = number of RANDOMKEY draws).
 * Output: { next cursor (`0` for random), then 5 entries per key: key, type (`none` when gone), PTTL,
 *   MEMORY USAGE (-1 when the key vanished), OBJECT FREQ/IDLETIME (-1 if refused) }. A refused MEMORY USAGE fails the
 *   script, and the caller falls back to pipelines for that node.
 *
 * Read-only (`no-writes`), touches no key's LRU/LFU statistics, and runs O(page) commands: a page of ~1000 keys
 * holds the node for a few milliseconds.
 */
export const readPageScript = `#!lua flags=no-writes,allow-cross-slot-keys
local call = redis.call
local samples = ARGV[1]
local access = ARGV[2]
local keys
local out = {}
if ARGV[3] == 'scan' then
  local page = call('SCAN', ARGV[4], 'COUNT', ARGV[5])
  out[1] = page[1]
  keys = page[2]
else
  out[1] = '0'
  keys = {}
  for i = 1, tonumber(ARGV[4]) do
    local k = call('RANDOMKEY')
    if k then keys[#keys + 1] = k end
  end
end
local n = 1
for i = 1, #keys do
  local key = keys[i]
  local t = call('TYPE', key)['ok']
  out[n + 1] = key
  out[n + 2] = t
  if t == 'none' then
    out[n + 3] = -2
    out[n + 4] = -1
    out[n + 5] = -1
  else
    out[n + 3] = call('PTTL', key)
    out[n + 4] = call('MEMORY', 'USAGE', key, 'SAMPLES', samples) or -1
    local a = redis.pcall('OBJECT', access, key)
    if type(a) == 'number' then out[n + 5] = a else out[n + 5] = -1 end
  end
  n = n + 5
end
return out
`;
