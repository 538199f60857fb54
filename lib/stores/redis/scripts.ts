import { LuaScript } from '../../idempotency';

/**
 * A key's string value, or nil and why not: 'missing', or 'not-string'. TYPE
 * comes first because a GET on another type would abort a script half-way,
 * and scripts are not rolled back.
 */
const STRING_VALUE = `
local function string_value(key)
  local kind = redis.call('TYPE', key).ok
  if kind == 'none' then return nil, 'missing' end
  if kind ~= 'string' then return nil, 'not-string' end
  return redis.call('GET', key), nil
end
`;

/**
 * In-flight test shared by the scripts, mirroring lib/records/detect.ts: the
 * plain marker, an idemscope record with status processing, or a Powertools
 * INPROGRESS record. Returns in-flight?, consumer (idemscope only).
 */
const IN_FLIGHT = `
local function in_flight(v)
  if v == 'processing' then return true, nil end
  if string.sub(v, 1, 1) ~= '{' then return false, nil end
  local ok, r = pcall(cjson.decode, v)
  if not ok or type(r) ~= 'table' then return false, nil end
  if r.fmt == 'idemscope' then
    if r.status == 'processing' then return true, r.consumer end
    return false, nil
  end
  return r.status == 'INPROGRESS' and type(r.expiration) == 'number', nil
end
`;

/**
 * Release = compare-and-delete, all keys of the batch in one script:
 * KEYS the targets; ARGV[1] stats prefix, ARGV[2] minute-bucket TTL,
 * ARGV[3] hour-bucket TTL, ARGV[3+i] the SHA-1 seen at preview for KEYS[i].
 * A key is deleted only if it is still in flight AND its value is
 * byte-for-byte the one previewed, so a record that completed (or was taken
 * over) in between always survives.
 * Releases of idemscope records are counted for their consumer, like the library's counters.
 */
export const RELEASE_IF_SEEN = new LuaScript(`${STRING_VALUE}${IN_FLIGHT}
local time = redis.call('TIME')
local sec = tonumber(time[1])
local minute = ARGV[1] .. 'm:' .. string.format('%d', sec - sec % 60)
local hour = ARGV[1] .. 'h:' .. string.format('%d', sec - sec % 3600)
local out = {}
for i, key in ipairs(KEYS) do
  local v, absent = string_value(key)
  if absent == 'missing' then
    out[i] = 'missing'
  elseif absent then
    out[i] = 'not-in-flight'
  else
    local flying, consumer = in_flight(v)
    if not flying then
      out[i] = 'not-in-flight'
    elseif redis.sha1hex(v) ~= ARGV[3 + i] then
      out[i] = 'changed'
    else
      redis.call('DEL', key)
      out[i] = 'released'
      if type(consumer) == 'string' then
        local field = consumer .. '|releases'
        if redis.call('HINCRBY', minute, field, 1) == 1 then redis.call('EXPIRE', minute, ARGV[2]) end
        if redis.call('HINCRBY', hour, field, 1) == 1 then redis.call('EXPIRE', hour, ARGV[3]) end
      end
    end
  end
end
return out
`);

/**
 * Purge of keys Redis would never expire on its own. KEYS the targets;
 * ARGV[1] mode (expire|delete), ARGV[2] TTL seconds for expire, ARGV[2+i]
 * the SHA-1 seen for KEYS[i]. A target must be unchanged since preview, and
 * either still without TTL or (delete only) a Powertools record past its own
 * expiration by the Redis server's clock. `expire` uses EXPIRE NX, so it never
 * shortens a TTL set meanwhile.
 */
export const PURGE_IF_SEEN = new LuaScript(`${STRING_VALUE}
local now = tonumber(redis.call('TIME')[1])
local out = {}
for i, key in ipairs(KEYS) do
  local v, absent = string_value(key)
  if absent == 'missing' then
    out[i] = 'missing'
  elseif absent or redis.sha1hex(v) ~= ARGV[2 + i] then
    out[i] = 'changed'
  else
    local ttl = redis.call('PTTL', key)
    local expired = false
    if string.sub(v, 1, 1) == '{' then
      local ok, r = pcall(cjson.decode, v)
      expired = ok and type(r) == 'table' and (r.status == 'INPROGRESS' or r.status == 'COMPLETED')
        and type(r.expiration) == 'number' and r.expiration <= now
    end
    if ttl == -1 or (ARGV[1] == 'delete' and expired) then
      if ARGV[1] == 'delete' then redis.call('DEL', key) else redis.call('EXPIRE', key, ARGV[2], 'NX') end
      out[i] = 'purged'
    else
      out[i] = 'has-ttl'
    end
  end
end
return out
`);

/** SHA-1 of each value too long to digest from its head; false for missing or non-string keys. */
export const DIGESTS = new LuaScript(`${STRING_VALUE}
local out = {}
for i, key in ipairs(KEYS) do
  local v = string_value(key)
  if v then out[i] = redis.sha1hex(v) else out[i] = false end
end
return out
`);
