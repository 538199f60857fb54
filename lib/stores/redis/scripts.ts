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
 * In-flight test shared by the scripts, mirroring the format readers in
 * lib/records/formats for a key under a pattern of format \`fmt\`: the plain
 * marker, an idemscope record in flight, a Powertools INPROGRESS record, a
 * @node-idempotency IN_PROGRESS record; each only where that pattern's format
 * reads it (\`plain\` reads ours and Powertools' too, \`auto\` every
 * signature). Returns in-flight?, consumer (idemscope only).
 */
const IN_FLIGHT = `
local function in_flight(v, fmt)
  local any = fmt == 'auto' or fmt == 'plain'
  if v == 'processing' then return any, nil end
  if string.sub(v, 1, 1) ~= '{' then return false, nil end
  local ok, r = pcall(cjson.decode, v)
  if not ok or type(r) ~= 'table' then return false, nil end
  if r.fmt == 'idemscope' then
    if (any or fmt == 'idemscope') and r.status == 'processing'
      and type(r.startedAt) == 'number' and type(r.leaseExpiresAt) == 'number' then return true, r.consumer end
    return false, nil
  end
  if r.status == 'INPROGRESS' and type(r.expiration) == 'number' then return any or fmt == 'powertools', nil end
  if r.status == 'IN_PROGRESS' and (r.fingerPrint == nil or type(r.fingerPrint) == 'string') then
    return fmt == 'auto' or fmt == 'node-idempotency', nil
  end
  return false, nil
end
`;

/**
 * A BullMQ dedup key \`<prefix>:<queue>:de:<id>\` holding job id \`v\` is stray
 * when it has no TTL and its job is gone or finished (lib/records/formats/bullmq.ts).
 */
const STRAY_JOB = `
local function stray_job(key, v)
  local at = string.find(key, ':de:', 1, true)
  if not at or at == 1 or redis.call('PTTL', key) ~= -1 then return false end
  local job = string.sub(key, 1, at) .. v
  return redis.call('EXISTS', job) == 0 or redis.call('HEXISTS', job, 'finishedOn') == 1
end
`;

/**
 * KEYS[1] of RELEASE_IF_SEEN and PURGE_IF_SEEN: the in-flight index that may
 * hold the targets (RedisAccess.inFlightIndexOf: the one set on a single node,
 * the set of the target's slot group on a cluster). On a cluster a target
 * outside the library's slot groups is in no index, and no index shares its
 * slot: the caller then passes the target itself as KEYS[1], which means none.
 */
const INDEX_OF = `
local index = KEYS[1]
if index == KEYS[2] then index = false end
`;

/**
 * Release = compare-and-delete, all keys of the batch in one script:
 * KEYS[1] the library's in-flight index that may hold the targets (see
 * INDEX_OF), KEYS[2..] the targets (target i is KEYS[i + 1]); ARGV[1] stats
 * prefix, ARGV[2] minute-bucket TTL, ARGV[3] hour-bucket TTL, ARGV[4] the
 * hash tag of the counter hashes ('' on a single node), ARGV[3+2i] the SHA-1
 * seen at preview for target i and ARGV[4+2i] the format of its pattern. An
 * empty prefix counts nothing.
 * A key is deleted only if it is still in flight AND its value is
 * byte-for-byte the one previewed, so a record that completed (or was taken
 * over) in between always survives. A BullMQ dedup key is deleted only if it
 * still holds the job id previewed (else \`changed\`) and is still stray,
 * like BullMQ's own removal, which deletes a dedup key only while it holds
 * the same job id.
 * Releases of idemscope records are counted for their consumer, like the library's counters.
 * Every key released leaves the in-flight index (ZREM of a non-member is a no-op).
 * On a cluster each call carries one key, and the counter hashes and the
 * index carry that key's slot-group tag (lib/idempotency/stores/redis-layout.ts),
 * so they are in the key's slot; the counter hashes are built here from the
 * server's clock rather than declared, which Redis 7 allows within the slot
 * of the declared key.
 */
export const RELEASE_IF_SEEN = new LuaScript(`${STRING_VALUE}${IN_FLIGHT}${STRAY_JOB}${INDEX_OF}
local time = redis.call('TIME')
local sec = tonumber(time[1])
local minute = ARGV[1] .. 'm:' .. string.format('%d', sec - sec % 60) .. ARGV[4]
local hour = ARGV[1] .. 'h:' .. string.format('%d', sec - sec % 3600) .. ARGV[4]
local out = {}
for i = 1, #KEYS - 1 do
  local key = KEYS[i + 1]
  local v, absent = string_value(key)
  if absent == 'missing' then
    out[i] = 'missing'
  elseif absent then
    out[i] = 'not-in-flight'
  elseif ARGV[4 + 2 * i] == 'bullmq' then
    if redis.sha1hex(v) ~= ARGV[3 + 2 * i] then
      out[i] = 'changed'
    elseif not stray_job(key, v) then
      out[i] = 'not-in-flight'
    else
      redis.call('DEL', key)
      if index then redis.call('ZREM', index, key) end
      out[i] = 'released'
    end
  else
    local flying, consumer = in_flight(v, ARGV[4 + 2 * i])
    if not flying then
      out[i] = 'not-in-flight'
    elseif redis.sha1hex(v) ~= ARGV[3 + 2 * i] then
      out[i] = 'changed'
    else
      redis.call('DEL', key)
      if index then redis.call('ZREM', index, key) end
      out[i] = 'released'
      if type(consumer) == 'string' and ARGV[1] ~= '' then
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
 * Purge of keys Redis would never expire on its own. KEYS[1] the library's
 * in-flight index that may hold the targets (see INDEX_OF), KEYS[2..] the targets (target i is KEYS[i + 1]);
 * ARGV[1] mode (expire|delete), ARGV[2] TTL seconds for expire, ARGV[2+i]
 * the SHA-1 seen for target i. A deleted key leaves the in-flight index. A target must be unchanged since preview, and
 * either still without TTL or (delete only) a Powertools record past its own
 * expiration by the Redis server's clock. `expire` uses EXPIRE NX, so it never
 * shortens a TTL set meanwhile.
 */
export const PURGE_IF_SEEN = new LuaScript(`${STRING_VALUE}${INDEX_OF}
local now = tonumber(redis.call('TIME')[1])
local out = {}
for i = 1, #KEYS - 1 do
  local key = KEYS[i + 1]
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
      if ARGV[1] == 'delete' then
        redis.call('DEL', key)
        if index then redis.call('ZREM', index, key) end
      else
        redis.call('EXPIRE', key, ARGV[2], 'NX')
      end
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

/**
 * One page of the library's in-flight index after a position, oldest first:
 * KEYS[1] the index; ARGV[1] a score, ARGV[2] a member (or '' for "after
 * every member of that score"), ARGV[3] the highest score wanted ('' for
 * none), ARGV[4] how many. Returns score and member pairs flat, [member,
 * score, …]. The position is sought by score and member, not by rank, so a
 * page starts where the last one ended even when members came and went in
 * between: members of one score (a claim batch shares its claim time) are
 * ordered bytewise by Redis, and found here by a binary search over their
 * ranks, compared byte by byte (Lua's `<` follows the server's locale).
 * Reads only (no-writes), so it never touches a record, and a member whose
 * key has gone stays for the library's pruner. A key of another type is an
 * empty index.
 */
export const IN_FLIGHT_PAGE = new LuaScript(`#!lua flags=no-writes
local index = KEYS[1]
if redis.call('TYPE', index).ok ~= 'zset' then return {} end
local function greater(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local start
if ARGV[2] == '' then
  start = redis.call('ZCOUNT', index, '-inf', ARGV[1])
else
  local lo = redis.call('ZCOUNT', index, '-inf', '(' .. ARGV[1])
  local hi = lo + redis.call('ZCOUNT', index, ARGV[1], ARGV[1])
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if greater(redis.call('ZRANGE', index, mid, mid)[1], ARGV[2]) then hi = mid else lo = mid + 1 end
  end
  start = lo
end
local rows = redis.call('ZRANGE', index, start, start + tonumber(ARGV[4]) - 1, 'WITHSCORES')
if ARGV[3] == '' then return rows end
local top = tonumber(ARGV[3])
local out = {}
for i = 1, #rows, 2 do
  if tonumber(rows[i + 1]) > top then break end
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
end
return out
`);
