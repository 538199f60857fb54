import { LuaScript } from './lua-script';

/**
 * Shared head of the scripts. Buckets and leases use the Redis server's clock
 * so that consumers with skewed clocks agree on both. Counts are summed per
 * field first and written once per field and bucket; a bucket hash gets its
 * TTL when the increment creates one of its fields, which is always the case
 * for the write that creates the hash itself.
 * ARGV[1] stats prefix, ARGV[2] minute TTL s, ARGV[3] hour TTL s.
 */
const COUNTING = `
local time = redis.call('TIME')
local sec = tonumber(time[1])
local now = sec * 1000 + math.floor(tonumber(time[2]) / 1000)
local counts, fields = {}, {}
local function count(consumer, counter)
  local field = consumer .. '|' .. counter
  if not counts[field] then
    counts[field] = 0
    fields[#fields + 1] = field
  end
  counts[field] = counts[field] + 1
end
local function flush()
  local minute = ARGV[1] .. 'm:' .. string.format('%d', sec - sec % 60)
  local hour = ARGV[1] .. 'h:' .. string.format('%d', sec - sec % 3600)
  for _, field in ipairs(fields) do
    local n = counts[field]
    if redis.call('HINCRBY', minute, field, n) == n then redis.call('EXPIRE', minute, ARGV[2]) end
    if redis.call('HINCRBY', hour, field, n) == n then redis.call('EXPIRE', hour, ARGV[3]) end
  end
end
`;

/** Values per key in CLAIM's ARGV, after the four shared ones. */
export const CLAIM_ARGS_PER_KEY = 5;

/**
 * Claims each of KEYS in turn, each atomically (a key given twice is busy the
 * second time). ARGV[4] grace ms; then per key: consumer, head and tail of the
 * in-flight JSON (which the script completes with the server's clock), lease
 * ms, fingerprint or ''. Returns per key {'first' | 'takeover', startedAt,
 * leaseExpiresAt}, from which the caller rebuilds the exact value written, or
 * {'completed' | 'busy' | 'failed', value found}.
 * Every delivery that finds a value is a duplicate, whatever the value: in
 * flight, completed or failed. A failed record, or one in flight whose lease
 * ran out, is taken over by a delivery with the same payload.
 * The JSON is assembled from pieces the client encoded, rather than with
 * cjson, because cjson does not keep key order and decodeRecord recognises
 * records by their leading `{"fmt":"idemscope"`. A completed record is told
 * by its status alone, so its result is never decoded.
 */
export const CLAIM = new LuaScript(`${COUNTING}
local grace = tonumber(ARGV[4])
local HEAD = '{"fmt":"idemscope","v":1,"status":"'
local replies = {}
for k = 1, #KEYS do
  local at = 4 + (k - 1) * ${CLAIM_ARGS_PER_KEY}
  local consumer, fingerprint, lease = ARGV[at + 1], ARGV[at + 5], tonumber(ARGV[at + 4])
  local started = string.format('%d', now)
  local expires = string.format('%d', now + lease)
  local value = ARGV[at + 2] .. ',"startedAt":' .. started .. ',"leaseExpiresAt":' .. expires .. ARGV[at + 3]
  local previous = redis.call('SET', KEYS[k], value, 'NX', 'PX', lease + grace, 'GET')
  count(consumer, 'deliveries')
  if not previous then
    count(consumer, 'first')
    replies[k] = {'first', started, expires}
  else
    count(consumer, 'duplicates')
    local status
    if previous == 'processing' then
      status = 'processing'
    elseif string.sub(previous, 1, #HEAD) == HEAD then
      status = string.match(previous, '^(%a+)"', #HEAD + 1)
    end
    local record
    if status == 'processing' or status == 'failed' then
      local ok, decoded = pcall(cjson.decode, previous)
      if ok and type(decoded) == 'table' then record = decoded end
    end
    if status ~= 'processing' and not record then
      replies[k] = {'completed', previous}
    else
      local held = record and tonumber(record.leaseExpiresAt)
      local open = record and (record.status == 'failed' or (held and held <= now))
      local same = fingerprint == '' or type(record and record.fingerprint) ~= 'string' or record.fingerprint == fingerprint
      if open and same then
        redis.call('SET', KEYS[k], value, 'PX', lease + grace)
        replies[k] = {'takeover', started, expires}
      elseif record and record.status == 'failed' then
        replies[k] = {'failed', previous}
      else
        count(consumer, 'inProgress')
        replies[k] = {'busy', previous}
      end
    end
  end
end
flush()
return replies
`);

/** Values per key in COMPLETE's ARGV. */
export const COMPLETE_ARGS_PER_KEY = 3;

/**
 * For each of KEYS, per key ARGV: the in-flight JSON we wrote, the completed
 * JSON, retention ms. Stores the result only where the key still holds exactly
 * our in-flight value. Returns per key 1 if stored, 0 if the lease was lost.
 */
export const COMPLETE = new LuaScript(`
local replies = {}
for k = 1, #KEYS do
  local at = (k - 1) * ${COMPLETE_ARGS_PER_KEY}
  if redis.call('GET', KEYS[k]) == ARGV[at + 1] then
    redis.call('SET', KEYS[k], ARGV[at + 2], 'PX', ARGV[at + 3])
    replies[k] = 1
  else
    replies[k] = 0
  end
end
return replies
`);

/**
 * KEYS[1] the key; ARGV[4] consumer, ARGV[5] the in-flight JSON we wrote,
 * ARGV[6] and ARGV[7] head and tail of the failed record around its
 * failedAt, which the server's clock fills in. Only if the key still holds our
 * claim, replaces it with the failed record and keeps the key's remaining TTL,
 * so the retry finds it and counts as a duplicate, as in Postgres. Counts the
 * failure either way.
 */
export const RELEASE = new LuaScript(`${COUNTING}
count(ARGV[4], 'failures')
flush()
if redis.call('GET', KEYS[1]) ~= ARGV[5] then return 0 end
redis.call('SET', KEYS[1], ARGV[6] .. ',"failedAt":' .. string.format('%d', now) .. ARGV[7], 'KEEPTTL')
return 1
`);
