/**
 * `delConsumerIfIdle-1.lua` — removes a consumer from a group only when it holds no pending entries, atomically
 * (a check followed by XGROUP DELCONSUMER from the client could lose entries delivered in between).
 *
 * KEYS[1]  the stream
 * ARGV[1]  the group
 * ARGV[2]  the consumer
 * ARGV[3]  1 = dry run (check only)
 *
 * Output: {removed (1/0), pending} — pending = entries the consumer holds (nothing removed when > 0); a consumer
 * that does not exist gives {0, -1}.
 */
export const delConsumerIfIdleScript = `
local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
for _, c in ipairs(consumers) do
  local name, pending
  for i = 1, #c, 2 do
    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
  end
  if name == ARGV[2] then
    if pending > 0 or ARGV[3] == '1' then return {0, pending} end
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
    return {1, 0}
  end
end
return {0, -1}
`;
