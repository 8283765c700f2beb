/**
 * readPage-0 (Lua, EVAL): one page of the analysis in one call — the keys and their probe.
 *
 * KEYS: none. The script reads keys of this node only (from its own SCAN or RANDOMKEY), so they are local by
 *   construction; a page spans many slots, hence `allow-cross-slot-keys`.
 * ARGV[1]: MEMORY USAGE SAMPLES; ARGV[2]: `FREQ` or `IDLETIME`;
 *   ARGV[3]: `scan` (ARGV[4] = cursor, ARGV[5] = COUNT) or `random` (ARGV[4] = number of RANDOMKEY draws).
 * Output: { next cursor (`0` for random), then 5 entries per key: key, type (`none` when gone), PTTL,
 *   MEMORY USAGE (-1 if refused), OBJECT FREQ/IDLETIME (-1 if refused) }.
 *
 * Read-only (`no-writes`), touches no key's LRU/LFU statistics, and runs O(page) commands: a page of ~1000 keys
 * holds the node for a few milliseconds.
 */
export const readPageScript = `#!lua flags=no-writes,allow-cross-slot-keys
local samples = ARGV[1]
local access = ARGV[2]
local keys
local out = {}
if ARGV[3] == 'scan' then
  local page = redis.call('SCAN', ARGV[4], 'COUNT', ARGV[5])
  out[1] = page[1]
  keys = page[2]
else
  out[1] = '0'
  keys = {}
  for i = 1, tonumber(ARGV[4]) do
    local k = redis.call('RANDOMKEY')
    if k then keys[#keys + 1] = k end
  end
end
for i = 1, #keys do
  local key = keys[i]
  local t = redis.call('TYPE', key)['ok']
  out[#out + 1] = key
  out[#out + 1] = t
  if t == 'none' then
    out[#out + 1] = -2
    out[#out + 1] = -1
    out[#out + 1] = -1
  else
    out[#out + 1] = redis.call('PTTL', key)
    local m = redis.pcall('MEMORY', 'USAGE', key, 'SAMPLES', samples)
    if type(m) == 'number' then out[#out + 1] = m else out[#out + 1] = -1 end
    local a = redis.pcall('OBJECT', access, key)
    if type(a) == 'number' then out[#out + 1] = a else out[#out + 1] = -1 end
  end
end
return out
`;
