/**
 * `setIfNewer-1.lua` — version-compare write of one key.
 *
 * KEYS[1]  the key
 * ARGV[1]  the new value (a JSON document carrying its version)
 * ARGV[2]  the new value's version (a number)
 * ARGV[3]  TTL in ms, 0 = no expiry
 * ARGV[4]  name of the version field inside the stored JSON document
 *
 * Output: 1 = written; 0 = skipped, because the key holds a document whose version is the same or newer, or a
 * value without a readable version (cannot prove it is older, so it is kept — warming never loses fresher data).
 */
export const setIfNewerScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, doc = pcall(cjson.decode, current)
  if not ok or type(doc) ~= 'table' then return 0 end
  local have = tonumber(doc[ARGV[4]])
  if have == nil or have >= tonumber(ARGV[2]) then return 0 end
end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`;
