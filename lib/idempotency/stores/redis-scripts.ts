import { LuaScript } from './lua-script';

/**
 * Shared head of the scripts. Buckets and leases use the Redis server's clock
 * so that consumers with skewed clocks agree on both. KEYS[1] and KEYS[2] are
 * the minute and hour counter hashes the caller picked from its estimate of
 * the server's clock (declared, and on a cluster tagged like the records, see
 * redis-layout.ts); ARGV[1] is that minute's start in seconds. When the
 * server's own minute differs (a first call, a minute boundary, a skewed
 * estimate) the script writes nothing and answers STALE_BUCKET's shape, `{now}`,
 * and the caller retries with the right hashes.
 * Counts are summed per consumer first and written once per field and bucket;
 * a bucket hash gets its TTL when the increment creates one of its fields,
 * which is always the case for the write that creates the hash itself.
 * Counters are table slots rather than `consumer|counter` strings until the
 * flush, since building and hashing a string per delivery was a good part of
 * the script's time. ARGV[2] minute TTL s, ARGV[3] hour TTL s.
 */
const COUNTING = `
local time = redis.call('TIME')
local sec = tonumber(time[1])
local now = sec * 1000 + math.floor(tonumber(time[2]) / 1000)
if tonumber(ARGV[1]) ~= sec - sec % 60 then return {now} end
local DELIVERIES, FIRST, DUPLICATES, IN_PROGRESS, FAILURES = 1, 2, 3, 4, 5
local NAMES = {'deliveries', 'first', 'duplicates', 'inProgress', 'failures'}
local tallies, consumers = {}, {}
local function tally(consumer)
  local t = tallies[consumer]
  if not t then
    t = {0, 0, 0, 0, 0}
    tallies[consumer] = t
    consumers[#consumers + 1] = consumer
  end
  return t
end
local function flush()
  for _, consumer in ipairs(consumers) do
    local t = tallies[consumer]
    for i, name in ipairs(NAMES) do
      local n = t[i]
      if n > 0 then
        local field = consumer .. '|' .. name
        if redis.call('HINCRBY', KEYS[1], field, n) == n then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        if redis.call('HINCRBY', KEYS[2], field, n) == n then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
      end
    end
  end
end
`;

/** KEYS before the in-flight index in CLAIM and RELEASE: the minute and the hour counter hash. */
export const COUNTER_KEYS = 2;

/**
 * KEYS before the records in CLAIM and RELEASE: the counter hashes, then the
 * in-flight index (stats-keys.ts inFlightIndexKey; on a cluster the index of
 * the batch's slot group, tagged like its records, see redis-layout.ts).
 */
export const LEAD_KEYS = COUNTER_KEYS + 1;

/**
 * The records' fixed pieces, shared by the scripts and the client so that
 * both build byte-identical values: member order as in record.ts, which
 * decodeRecord and the dashboard recognise by the leading `{"fmt":"idemscope"`.
 * The scripts assemble values from these and the JSON the client encoded,
 * rather than with cjson, which does not keep member order. The completed
 * record is the client's own (see COMPLETE).
 */
export const IN_FLIGHT_HEAD = '{"fmt":"idemscope","v":1,"status":"processing","owner":';
export const FAILED_HEAD = '{"fmt":"idemscope","v":1,"status":"failed","consumer":';

/** A Lua string literal: JSON's escapes (`\"`, `\\`) are Lua's too, and the heads hold no control characters. */
const lua = (text: string) => JSON.stringify(text);

/**
 * Per-batch consumers: a batch names each distinct consumer once, raw (for
 * the counter fields) and as JSON (for the values), and its keys refer to
 * them by index. ARGV[at + 1] is their count; returns the position after them.
 */
const CONSUMERS = `
local names, jsons = {}, {}
local function consumers(at)
  local n = tonumber(ARGV[at + 1])
  for i = 1, n do
    names[i] = ARGV[at + 1 + i]
    jsons[i] = ARGV[at + 1 + n + i]
  end
  return at + 1 + 2 * n
end
`;

/**
 * The in-flight index (stats-keys.ts inFlightIndexKey): ZADD and ZREM in
 * chunks, one command per chunk rather than per key, and small enough for
 * unpack() whatever the batch size.
 */
const INDEX = `
local INDEX_CHUNK = 256
local function index_add(index, score, keys)
  local args = {}
  for i, key in ipairs(keys) do
    args[#args + 1] = score
    args[#args + 1] = key
    if #args >= 2 * INDEX_CHUNK or i == #keys then
      redis.call('ZADD', index, unpack(args))
      args = {}
    end
  end
end
local function index_remove(index, keys)
  for i = 1, #keys, INDEX_CHUNK do
    redis.call('ZREM', index, unpack(keys, i, math.min(i + INDEX_CHUNK - 1, #keys)))
  end
end
`;

/** Values per key in CLAIM's ARGV, after the shared ones and the consumers. */
export const CLAIM_ARGS_PER_KEY = 5;

/** CLAIM's answer for a key it claimed; any other answer is the value found under the key. */
export const CLAIMED_FIRST = 1;
export const CLAIMED_TAKEOVER = 2;

/**
 * KEYS: the counter hashes, the in-flight index (see LEAD_KEYS), then the
 * records. Claims each record key in turn, each atomically (a key given twice
 * is busy the second time), and adds each key it claims (first or takeover)
 * to the index. ARGV[4] grace ms, then the batch's consumers (see CONSUMERS),
 * then per key: owner as JSON, consumer index, lease ms, fingerprint or '',
 * and the fingerprint member (`,"fingerprint":…`) or ''. Returns a flat
 * array: the server's time in ms, by which the caller rebuilds the exact
 * values written, then per key CLAIMED_FIRST, CLAIMED_TAKEOVER or the value
 * found; only `{now}` when the counter hashes were not the server's minute.
 * Every delivery that finds a value is a duplicate, whatever the value: in
 * flight, completed or failed. A failed record, or one in flight whose lease
 * ran out, is taken over by a delivery with the same payload. A completed
 * record is told by its status alone, so its result is never decoded.
 */
export const CLAIM = new LuaScript(`${COUNTING}${CONSUMERS}${INDEX}
local grace = tonumber(ARGV[4])
local first = consumers(4)
local HEAD = '{"fmt":"idemscope","v":1,"status":"'
local started = string.format('%d', now)
local expiries = {}
local replies = {now}
local claimed = {}
for k = 1, #KEYS - ${LEAD_KEYS} do
  local key = KEYS[k + ${LEAD_KEYS}]
  local at = first + (k - 1) * ${CLAIM_ARGS_PER_KEY}
  local c = tonumber(ARGV[at + 2])
  local lease = ARGV[at + 3]
  local expires = expiries[lease]
  if not expires then
    expires = string.format('%d', now + tonumber(lease))
    expiries[lease] = expires
  end
  local value = ${lua(IN_FLIGHT_HEAD)} .. ARGV[at + 1] .. ',"consumer":' .. jsons[c] .. ',"startedAt":' .. started
    .. ',"leaseExpiresAt":' .. expires .. ARGV[at + 5] .. '}'
  local px = tonumber(lease) + grace
  local previous = redis.call('SET', key, value, 'NX', 'PX', px, 'GET')
  local t = tally(names[c])
  t[DELIVERIES] = t[DELIVERIES] + 1
  if not previous then
    t[FIRST] = t[FIRST] + 1
    replies[k + 1] = ${CLAIMED_FIRST}
    claimed[#claimed + 1] = key
  else
    t[DUPLICATES] = t[DUPLICATES] + 1
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
    replies[k + 1] = previous
    if status == 'processing' or record then
      local fingerprint = ARGV[at + 4]
      local held = record and tonumber(record.leaseExpiresAt)
      local open = record and (record.status == 'failed' or (held and held <= now))
      local same = fingerprint == '' or type(record and record.fingerprint) ~= 'string' or record.fingerprint == fingerprint
      if open and same then
        redis.call('SET', key, value, 'PX', px)
        replies[k + 1] = ${CLAIMED_TAKEOVER}
        claimed[#claimed + 1] = key
      elseif not (record and record.status == 'failed') then
        t[IN_PROGRESS] = t[IN_PROGRESS] + 1
      end
    end
  end
end
flush()
index_add(KEYS[${COUNTER_KEYS + 1}], started, claimed)
return replies
`);

/**
 * Whether a value is still the in-flight record of the claim whose owner is
 * `owner` (as JSON, quotes included): the owner is unique per delivery and
 * sits right after IN_FLIGHT_HEAD, so finding it there says the value is the
 * one that claim wrote. Plain finds anchored at a position, so no substring
 * is made; the closing quote makes a longer owner with ours as a prefix fail.
 */
const OURS = `
local find = string.find
local OWNER_AT = ${IN_FLIGHT_HEAD.length + 1}
local function ours(value, owner)
  return value and find(value, ${lua(IN_FLIGHT_HEAD)}, 1, true) == 1 and find(value, owner, OWNER_AT, true) == OWNER_AT
end
`;

/**
 * read_all(from): the values of KEYS[from..] in order (false for a key that is
 * missing or holds no string), one MGET per chunk rather than one GET per
 * key: fewer redis.call round trips inside the script, and chunks small
 * enough for unpack() whatever the batch size.
 */
const READ_ALL = `
local READ_CHUNK = 256
local function read_all(from)
  if #KEYS - from < READ_CHUNK then return redis.call('MGET', unpack(KEYS, from)) end
  local values = {}
  for i = from, #KEYS, READ_CHUNK do
    local part = redis.call('MGET', unpack(KEYS, i, math.min(i + READ_CHUNK - 1, #KEYS)))
    for j = 1, #part do values[#values + 1] = part[j] end
  end
  return values
end
`;

/** Values per key in COMPLETE's ARGV. */
export const COMPLETE_ARGS_PER_KEY = 3;

/**
 * KEYS[1] the in-flight index (on a cluster the batch's slot group's); for
 * each of KEYS[2..], per key ARGV: the claim's owner as JSON (see OURS), the
 * completed JSON, retention ms. Stores the result only where the key still
 * holds that claim's in-flight value, and then takes the key out of the
 * index. Returns per key 1 if stored, 0 if the lease was lost. The values
 * are read with MGET (READ_ALL), which cost the server a tenth less than a
 * GET each. The owner rather than the whole in-flight value: the same server time
 * (two anchored finds against one pointer comparison of interned strings)
 * for a quarter of the bytes each completion sends.
 */
export const COMPLETE = new LuaScript(`${INDEX}${OURS}${READ_ALL}
local replies = {}
local done = {}
local values = read_all(2)
for k = 2, #KEYS do
  local at = (k - 2) * ${COMPLETE_ARGS_PER_KEY}
  if ours(values[k - 1], ARGV[at + 1]) then
    redis.call('SET', KEYS[k], ARGV[at + 2], 'PX', ARGV[at + 3])
    replies[k - 1] = 1
    done[#done + 1] = KEYS[k]
  else
    replies[k - 1] = 0
  end
end
index_remove(KEYS[1], done)
return replies
`);

/**
 * KEYS[3] the in-flight index, KEYS[4] the key; ARGV[4] consumer, ARGV[5] the
 * claim's owner as JSON (see OURS), ARGV[6] consumer as JSON, ARGV[7]
 * startedAt, ARGV[8] the fingerprint member or ''. Only if the key still
 * holds that claim, replaces it with a failed record (its failedAt by the
 * server's clock) and keeps the key's remaining TTL, so the retry finds it
 * and counts as a duplicate, as in Postgres. Counts the failure either way.
 * Returns `{now, 1}` if it replaced the claim, `{now, 0}` if not, `{now}` for
 * stale counter hashes.
 */
export const RELEASE = new LuaScript(`${COUNTING}${INDEX}${OURS}
local t = tally(ARGV[4])
t[FAILURES] = t[FAILURES] + 1
flush()
if not ours(redis.call('GET', KEYS[4]), ARGV[5]) then return {now, 0} end
local failed = string.format('%d', now)
redis.call('SET', KEYS[4], ${lua(FAILED_HEAD)} .. ARGV[6] .. ',"startedAt":' .. ARGV[7] .. ',"failedAt":' .. failed .. ARGV[8] .. '}', 'KEEPTTL')
index_remove(KEYS[3], {KEYS[4]})
return {now, 1}
`);

/**
 * KEYS[1] the in-flight index, KEYS[2..] members of it read a moment ago (on
 * a cluster all of one slot group, the index of that group).
 * Takes out each whose key is gone or no longer holds one of our in-flight
 * records (an abandoned claim that expired, a key another writer replaced);
 * a key claimed again in between holds an in-flight record and stays. The
 * members come as KEYS, not read here, so that every key a script touches is
 * declared. Returns how many it took out.
 */
export const PRUNE = new LuaScript(`${INDEX}
local gone = {}
for k = 2, #KEYS do
  local kind = redis.call('TYPE', KEYS[k]).ok
  if kind ~= 'string' or string.sub(redis.call('GET', KEYS[k]), 1, ${IN_FLIGHT_HEAD.length}) ~= ${lua(IN_FLIGHT_HEAD)} then
    gone[#gone + 1] = KEYS[k]
  end
end
index_remove(KEYS[1], gone)
return #gone
`);

/** KEYS[1] the in-flight index; ARGV[1] first rank, ARGV[2] how many: members oldest first. */
export const INDEX_PAGE = new LuaScript(`
local start = tonumber(ARGV[1])
return redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[2]) - 1)
`);
