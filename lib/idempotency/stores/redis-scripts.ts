import { LuaScript } from './lua-script';

/**
 * Shared head of the scripts that count deliveries. Buckets and leases use the
 * Redis server's clock so that consumers with skewed clocks agree on both.
 * A bucket hash gets its TTL when one of its fields is created, which is
 * always the case for the command that creates the hash itself.
 * ARGV[1] consumer, ARGV[2] stats prefix, ARGV[3] minute TTL s, ARGV[4] hour TTL s.
 */
const COUNTING = `
local time = redis.call('TIME')
local sec = tonumber(time[1])
local now = sec * 1000 + math.floor(tonumber(time[2]) / 1000)
local minute = ARGV[2] .. 'm:' .. string.format('%d', sec - sec % 60)
local hour = ARGV[2] .. 'h:' .. string.format('%d', sec - sec % 3600)
local function count(counter)
  local field = ARGV[1] .. '|' .. counter
  if redis.call('HINCRBY', minute, field, 1) == 1 then redis.call('EXPIRE', minute, ARGV[3]) end
  if redis.call('HINCRBY', hour, field, 1) == 1 then redis.call('EXPIRE', hour, ARGV[4]) end
end
`;

/**
 * KEYS[1] the key; ARGV[5] head and ARGV[6] tail of the in-flight JSON, which
 * the script completes with the server's clock; ARGV[7] lease ms, ARGV[8]
 * grace ms, ARGV[9] fingerprint or ''. Returns {'first' | 'takeover',
 * startedAt, leaseExpiresAt}, from which the caller rebuilds the exact value
 * written, or {'completed' | 'busy', value found}.
 * The JSON is assembled from pieces the client encoded, rather than with
 * cjson, because cjson does not keep key order and decodeRecord recognises
 * records by their leading `{"fmt":"idemscope"`.
 */
export const CLAIM = new LuaScript(`${COUNTING}
local lease = tonumber(ARGV[7])
local started = string.format('%d', now)
local expires = string.format('%d', now + lease)
local value = ARGV[5] .. ',"startedAt":' .. started .. ',"leaseExpiresAt":' .. expires .. ARGV[6]
local ttl = lease + tonumber(ARGV[8])
local previous = redis.call('SET', KEYS[1], value, 'NX', 'PX', ttl, 'GET')
count('deliveries')
if not previous then
  count('first')
  return {'first', started, expires}
end
count('duplicates')
if previous == 'processing' then
  count('inProgress')
  return {'busy', previous}
end
if string.sub(previous, 1, 18) ~= '{"fmt":"idemscope"' then return {'completed', previous} end
local ok, record = pcall(cjson.decode, previous)
if not ok or type(record) ~= 'table' or record.status ~= 'processing' then return {'completed', previous} end
local held = tonumber(record.leaseExpiresAt)
local same = ARGV[9] == '' or type(record.fingerprint) ~= 'string' or record.fingerprint == ARGV[9]
if held and held <= now and same then
  redis.call('SET', KEYS[1], value, 'PX', ttl)
  return {'takeover', started, expires}
end
count('inProgress')
return {'busy', previous}
`);

/** KEYS[1] the key; ARGV[1] the in-flight JSON we wrote, ARGV[2] completed JSON, ARGV[3] retention ms. */
export const COMPLETE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

/** KEYS[1] the key; ARGV[5] the in-flight JSON we wrote. Counts the failure even when the claim was already lost. */
export const RELEASE = new LuaScript(`${COUNTING}
count('failures')
if redis.call('GET', KEYS[1]) ~= ARGV[5] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);
