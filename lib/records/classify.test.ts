import { describe, expect, it } from 'vitest';
import { classifyCustomRow, classifyKey, classifyRecipeRow, classifyRow, classifyStripeKeyRow, partitionedExpiry, PTTL_NO_EXPIRY, type CustomRowFacts, type MessageRowFacts } from './classify';
import { decodeValue, type DecodedRecord } from './detect';

const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 86_400 };
const NOW = 1_800_000_000_000;

function idemscope(status: 'processing' | 'completed' | 'failed', extra: Partial<Record<string, unknown>> = {}): DecodedRecord {
  return decodeValue(JSON.stringify({ fmt: 'idemscope', v: 1, status, owner: 'o', consumer: 'c', ...extra }), false);
}

describe('classifyKey: plain recipe', () => {
  const claim = decodeValue('processing', false);

  it('is processing while younger than the stuck threshold; age comes from the TTL', () => {
    const r = classifyKey(claim, (86_400 - 299) * 1000, NOW, config);
    expect(r).toMatchObject({ state: 'processing', format: 'plain', ageSeconds: 299, ttlSeconds: 86_101, noExpiry: false, stuckReason: null });
  });

  it('is stuck from the threshold on', () => {
    expect(classifyKey(claim, (86_400 - 300) * 1000, NOW, config)).toMatchObject({ state: 'stuck', ageSeconds: 300, stuckForSeconds: 300, stuckReason: 'older-than-threshold' });
  });

  it('is stuck when the claim has no TTL, since nothing will release it', () => {
    const r = classifyKey(claim, PTTL_NO_EXPIRY, NOW, config);
    expect(r).toMatchObject({ state: 'stuck', ageSeconds: null, noExpiry: true, ttlSeconds: null, stuckReason: 'no-ttl' });
    expect(r.stuckForSeconds).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts a TTL longer than the configured lock TTL as age 0', () => {
    expect(classifyKey(claim, 90_000_000, NOW, config)).toMatchObject({ state: 'processing', ageSeconds: 0 });
  });

  it('has neither TTL nor age once the key is gone (PTTL -2), and a TTL of its own with one millisecond left', () => {
    expect(classifyKey(claim, -2, NOW, config)).toMatchObject({ ttlSeconds: null, ageSeconds: null, noExpiry: false });
    expect(classifyKey(claim, 1, NOW, config)).toMatchObject({ ttlSeconds: 1, noExpiry: false });
  });

  it('has a TTL of 0 s, not none, in its last millisecond, and its full age', () => {
    expect(classifyKey(claim, 0, NOW, config)).toMatchObject({ ttlSeconds: 0, ageSeconds: 86_400, state: 'stuck' });
  });

  it('is completed for any stored result, with or without TTL', () => {
    expect(classifyKey(decodeValue('{"ok":1}', false), 5_000, NOW, config)).toMatchObject({ state: 'completed', ttlSeconds: 5 });
    expect(classifyKey(decodeValue('{"ok":1}', false), PTTL_NO_EXPIRY, NOW, config)).toMatchObject({ state: 'completed', noExpiry: true });
  });
});

describe('classifyKey: idemscope records', () => {
  it('is processing while young and leased', () => {
    const r = classifyKey(idemscope('processing', { startedAt: NOW - 10_000, leaseExpiresAt: NOW + 20_000 }), 60_000, NOW, config);
    expect(r).toMatchObject({ state: 'processing', format: 'idemscope', ageSeconds: 10, stuckForSeconds: null });
  });

  it('is stuck when the lease ran out, however young', () => {
    const r = classifyKey(idemscope('processing', { startedAt: NOW - 10_000, leaseExpiresAt: NOW }), 60_000, NOW, config);
    expect(r).toMatchObject({ state: 'stuck', ageSeconds: 10, stuckReason: 'lease-expired' });
  });

  it('is stuck when older than the threshold, however long the lease', () => {
    const r = classifyKey(idemscope('processing', { startedAt: NOW - 300_000, leaseExpiresAt: NOW + 3_600_000 }), 60_000, NOW, config);
    expect(r).toMatchObject({ state: 'stuck', ageSeconds: 300, stuckReason: 'older-than-threshold' });
  });

  it('is completed, aged from completion', () => {
    const r = classifyKey(idemscope('completed', { startedAt: NOW - 9_000, completedAt: NOW - 4_000, result: 1 }), 60_000, NOW, config);
    expect(r).toMatchObject({ state: 'completed', ageSeconds: 4 });
  });

  it('is failed, aged from the failure, and never stuck however old: no lease holds it', () => {
    const r = classifyKey(idemscope('failed', { startedAt: NOW - 9_000, failedAt: NOW - 4_000 }), 60_000, NOW, config);
    expect(r).toMatchObject({ state: 'failed', format: 'idemscope', ageSeconds: 4, ttlSeconds: 60, stuckForSeconds: null });
    const old = classifyKey(idemscope('failed', { startedAt: NOW - 900_000, failedAt: NOW - 800_000 }), 60_000, NOW, config);
    expect(old).toMatchObject({ state: 'failed', ageSeconds: 800 });
  });

  it('reads the failed record the Redis store writes as failed', () => {
    const value = '{"fmt":"idemscope","v":1,"status":"failed","consumer":"billing","startedAt":1799999990000,"failedAt":1799999999000}';
    expect(classifyKey(decodeValue(value, false), 3_000_000, NOW, config)).toMatchObject({ state: 'failed', ageSeconds: 1 });
  });
});

describe('classifyKey: Powertools records', () => {
  const inProgress = (lease?: number) =>
    decodeValue(JSON.stringify({ status: 'INPROGRESS', expiration: NOW / 1000 + 3600, ...(lease ? { in_progress_expiration: lease } : {}) }), false);
  const done = (expiration: number) => decodeValue(JSON.stringify({ status: 'COMPLETED', expiration, data: 1 }), false);

  it('is processing until in_progress_expiration passes, then stuck', () => {
    expect(classifyKey(inProgress(NOW + 1), 3_600_000, NOW, config)).toMatchObject({ state: 'processing', ageSeconds: null });
    expect(classifyKey(inProgress(NOW - 61_000), 3_600_000, NOW, config)).toMatchObject({ state: 'stuck', stuckForSeconds: 61, stuckReason: 'lease-expired' });
  });

  it('is stuck without in_progress_expiration, as Powertools itself takes such records over', () => {
    expect(classifyKey(inProgress(), 3_600_000, NOW, config)).toMatchObject({ state: 'stuck', stuckReason: 'no-lease' });
  });

  it('is expired once its own expiration passed, even while Redis still holds it', () => {
    expect(classifyKey(done(NOW / 1000), 3_600_000, NOW, config)).toMatchObject({ state: 'expired', format: 'powertools' });
    expect(classifyKey(done(NOW / 1000 + 1), 3_600_000, NOW, config)).toMatchObject({ state: 'completed' });
  });
});

describe('classifyKey: records without times', () => {
  it('has no age rather than one counted from 1970', () => {
    const completed = decodeValue(JSON.stringify({ status: 'COMPLETED', expiration: NOW / 1000 + 60, data: 1 }), false);
    expect(classifyKey(completed, 60_000, NOW, config).ageSeconds).toBeNull();
    const failed = decodeValue('{"fmt":"idemscope","v":1,"status":"failed","consumer":"c"}', false);
    expect(classifyKey(failed, 60_000, NOW, config)).toMatchObject({ state: 'failed', ageSeconds: null });
  });

  it('is not stuck by age when its age is unknown, even with a zero threshold', () => {
    const leased = decodeValue(JSON.stringify({ status: 'INPROGRESS', expiration: NOW / 1000 + 3600, in_progress_expiration: NOW + 60_000 }), false);
    expect(classifyKey(leased, 3_600_000, NOW, { ...config, stuckAfterSeconds: 0 })).toMatchObject({ state: 'processing', ageSeconds: null });
  });
});

describe('classifyKey: unrecognized', () => {
  it('stays unrecognized whatever the TTL', () => {
    expect(classifyKey(decodeValue('garbage', false), PTTL_NO_EXPIRY, NOW, config)).toMatchObject({
      state: 'unrecognized',
      format: 'unknown',
      noExpiry: true,
      ttlSeconds: null,
      stuckReason: null,
    });
    expect(classifyKey(decodeValue('garbage', false), 1_500, NOW, config)).toMatchObject({ state: 'unrecognized', ttlSeconds: 2, noExpiry: false });
  });
});

describe('classifyRow', () => {
  const rowConfig = { stuckAfterSeconds: 300, retentionHours: 72 };
  const at = (msAgo: number) => new Date(NOW - msAgo);
  const row = (facts: Partial<MessageRowFacts>): MessageRowFacts => ({
    status: 'completed',
    processedAt: at(0),
    claimedAt: at(0),
    leaseExpiresAt: null,
    expiresAt: null,
    ...facts,
  });

  it('splits in-flight rows into processing and stuck by claim age and lease', () => {
    expect(classifyRow(row({ status: 'processing', claimedAt: at(299_999), leaseExpiresAt: at(-1) }), NOW, rowConfig)).toEqual({
      state: 'processing',
      ageSeconds: 299,
    });
    expect(classifyRow(row({ status: 'processing', claimedAt: at(300_000) }), NOW, rowConfig).state).toBe('stuck');
    expect(classifyRow(row({ status: 'processing', claimedAt: at(1_000), leaseExpiresAt: at(0) }), NOW, rowConfig).state).toBe('stuck');
  });

  it('never calls an in-flight row expired', () => {
    expect(classifyRow(row({ status: 'processing', claimedAt: at(1_000), processedAt: at(100 * 3_600_000), expiresAt: at(1) }), NOW, rowConfig).state).toBe(
      'processing',
    );
  });

  it('expires finished rows by expires_at or by retention', () => {
    expect(classifyRow(row({ expiresAt: at(0) }), NOW, rowConfig).state).toBe('expired');
    expect(classifyRow(row({ status: 'failed', processedAt: at(72 * 3_600_000) }), NOW, rowConfig).state).toBe('expired');
    expect(classifyRow(row({ processedAt: at(72 * 3_600_000 - 1), expiresAt: at(-1) }), NOW, rowConfig).state).toBe('completed');
    expect(classifyRow(row({ status: 'failed' }), NOW, rowConfig)).toEqual({ state: 'failed', ageSeconds: 0 });
    expect(classifyRow(row({ processedAt: at(72 * 3_600_000 - 1) }), NOW, rowConfig).state).toBe('completed');
  });

  it('lets an explicit expiry win over the global retention, as the purge does', () => {
    const week = 7 * 24 * 3_600_000;
    expect(classifyRow(row({ processedAt: at(100 * 3_600_000), expiresAt: at(100 * 3_600_000 - week) }), NOW, rowConfig).state).toBe('completed');
    expect(classifyRow(row({ processedAt: at(1_000), expiresAt: at(1) }), NOW, rowConfig).state).toBe('expired');
  });
});

describe('classifyRecipeRow: the recipe\'s three columns', () => {
  const rows = { stuckAfterSeconds: 300, retentionHours: 72 };
  const RETENTION_MS = 72 * 3_600_000;
  const processed = (agoMs: number) => ({ processedAt: new Date(NOW - agoMs) });

  it('is completed until processed_at is as old as the retention, and expired from that instant on', () => {
    expect(classifyRecipeRow(processed(RETENTION_MS - 1), NOW, rows)).toEqual({ state: 'completed', ageSeconds: 259_199 });
    expect(classifyRecipeRow(processed(RETENTION_MS), NOW, rows)).toEqual({ state: 'expired', ageSeconds: 259_200 });
    expect(classifyRecipeRow(processed(RETENTION_MS + 1), NOW, rows)).toEqual({ state: 'expired', ageSeconds: 259_200 });
  });

  it('measures age from processed_at back from now, never ahead of it', () => {
    expect(classifyRecipeRow(processed(90_000), NOW, rows)).toEqual({ state: 'completed', ageSeconds: 90 });
  });

  it('reads a row without processed_at as unrecognized, not completed', () => {
    expect(classifyRecipeRow({ processedAt: null }, NOW, rows)).toEqual({ state: 'unrecognized', ageSeconds: 0 });
  });
});

describe('classifyStripeKeyRow: brandur\'s idempotency_keys', () => {
  const rows = { stuckAfterSeconds: 300, retentionHours: 72 };
  const RETENTION_MS = 72 * 3_600_000;
  const key = (createdAgoMs: number, lockedAgoMs: number | null, recoveryPoint: string) => ({
    createdAt: new Date(NOW - createdAgoMs),
    lockedAt: lockedAgoMs === null ? null : new Date(NOW - lockedAgoMs),
    recoveryPoint,
  });

  it('is in flight while locked and unfinished, stuck once locked for the stuck threshold, aged from locked_at', () => {
    expect(classifyStripeKeyRow(key(3_600_000, 299_999, 'started'), NOW, rows)).toEqual({ state: 'processing', ageSeconds: 299 });
    expect(classifyStripeKeyRow(key(3_600_000, 300_000, 'started'), NOW, rows)).toEqual({ state: 'stuck', ageSeconds: 300 });
    expect(classifyStripeKeyRow(key(3_600_000, 300_001, 'charge_created'), NOW, rows)).toEqual({ state: 'stuck', ageSeconds: 300 });
  });

  it('stays in flight past the retention: a locked key is never expired', () => {
    expect(classifyStripeKeyRow(key(RETENTION_MS + 1, 1_000, 'started'), NOW, rows)).toEqual({ state: 'processing', ageSeconds: 1 });
  });

  it('is completed once finished, locked or not, and failed when unlocked but unfinished; aged from created_at', () => {
    expect(classifyStripeKeyRow(key(120_000, 1_000, 'finished'), NOW, rows)).toEqual({ state: 'completed', ageSeconds: 120 });
    expect(classifyStripeKeyRow(key(120_000, null, 'finished'), NOW, rows)).toEqual({ state: 'completed', ageSeconds: 120 });
    expect(classifyStripeKeyRow(key(120_000, null, 'started'), NOW, rows)).toEqual({ state: 'failed', ageSeconds: 120 });
  });

  it('is expired at rest from the instant created_at is as old as the retention', () => {
    expect(classifyStripeKeyRow(key(RETENTION_MS - 1, null, 'finished'), NOW, rows)).toEqual({ state: 'completed', ageSeconds: 259_199 });
    expect(classifyStripeKeyRow(key(RETENTION_MS, null, 'finished'), NOW, rows)).toEqual({ state: 'expired', ageSeconds: 259_200 });
    expect(classifyStripeKeyRow(key(RETENTION_MS, null, 'started'), NOW, rows)).toEqual({ state: 'expired', ageSeconds: 259_200 });
    expect(classifyStripeKeyRow(key(RETENTION_MS + 1, 5_000, 'finished'), NOW, rows)).toEqual({ state: 'expired', ageSeconds: 259_200 });
  });
});

describe('classifyCustomRow: an in-house table through its column mapping', () => {
  const rows = { stuckAfterSeconds: 300, retentionHours: 72 };
  const RETENTION_MS = 72 * 3_600_000;
  const VALUES = { processing: 'in_progress', completed: 'done', failed: 'error' };
  const ago = (ms: number | null) => (ms === null ? null : new Date(NOW - ms));
  const row = (status: string | null, times: { processed?: number | null; claimed?: number | null; lease?: number | null; expires?: number | null }): CustomRowFacts => ({
    status,
    processedAt: ago(times.processed ?? null),
    claimedAt: ago(times.claimed ?? null),
    leaseUntil: ago(times.lease ?? null),
    expiresAt: ago(times.expires ?? null),
  });
  const classify = (r: CustomRowFacts, values: typeof VALUES | null = VALUES) => classifyCustomRow(r, values, NOW, rows);

  it('without a status column every row is completed until its expiry, and expired from that instant on', () => {
    expect(classify(row(null, { processed: RETENTION_MS - 1 }), null)).toEqual({ state: 'completed', ageSeconds: 259_199 });
    expect(classify(row(null, { processed: RETENTION_MS }), null)).toEqual({ state: 'expired', ageSeconds: 259_200 });
    expect(classify(row('anything', { processed: 1_000 }), null)).toEqual({ state: 'completed', ageSeconds: 1 });
    expect(classify(row(null, { processed: 1_000, expires: 0 }), null)).toEqual({ state: 'expired', ageSeconds: 1 });
    expect(classify(row(null, {}), null)).toEqual({ state: 'unrecognized', ageSeconds: 0 });
  });

  it('with a status column reads the mapped values only: anything else, or no value, is unrecognized, never completed', () => {
    expect(classify(row('done', { processed: 1_000 }))).toEqual({ state: 'completed', ageSeconds: 1 });
    expect(classify(row('error', { processed: 2_000 }))).toEqual({ state: 'failed', ageSeconds: 2 });
    for (const status of ['completed', 'DONE', 'weird', null]) expect(classify(row(status, { processed: 1_000 })), String(status)).toEqual({ state: 'unrecognized', ageSeconds: 0 });
  });

  it('in flight: stuck once the lease has run out (a set lease wins over the claim\'s age), aged from the claim', () => {
    expect(classify(row('in_progress', { claimed: 10_000, lease: -1 }))).toEqual({ state: 'processing', ageSeconds: 10 });
    expect(classify(row('in_progress', { claimed: 10_000, lease: 1 }))).toEqual({ state: 'stuck', ageSeconds: 10 });
    expect(classify(row('in_progress', { claimed: 10_000, lease: 0 }))).toEqual({ state: 'stuck', ageSeconds: 10 });
    expect(classify(row('in_progress', { claimed: 3_600_000, lease: -60_000 }))).toEqual({ state: 'processing', ageSeconds: 3_600 });
    expect(classify(row('in_progress', { lease: 0 }))).toEqual({ state: 'stuck', ageSeconds: 0 });
  });

  it('in flight without a lease: stuck once the claim is as old as the stuck threshold; without a claim time, unrecognized', () => {
    expect(classify(row('in_progress', { claimed: 299_999 }))).toEqual({ state: 'processing', ageSeconds: 299 });
    expect(classify(row('in_progress', { claimed: 300_000 }))).toEqual({ state: 'stuck', ageSeconds: 300 });
    expect(classify(row('in_progress', { claimed: RETENTION_MS + 1, processed: RETENTION_MS + 1 }))).toEqual({ state: 'stuck', ageSeconds: 259_200 });
    expect(classify(row('in_progress', { processed: 1_000 }))).toEqual({ state: 'unrecognized', ageSeconds: 0 });
  });

  it('finished: the expiry column wins over processed time plus the retention; with neither it is unrecognized', () => {
    expect(classify(row('done', { processed: RETENTION_MS + 1, expires: -1 }))).toEqual({ state: 'completed', ageSeconds: 259_200 });
    expect(classify(row('error', { processed: 1_000, expires: 1 }))).toEqual({ state: 'expired', ageSeconds: 1 });
    expect(classify(row('done', { processed: RETENTION_MS - 1 }))).toEqual({ state: 'completed', ageSeconds: 259_199 });
    expect(classify(row('error', { processed: RETENTION_MS }))).toEqual({ state: 'expired', ageSeconds: 259_200 });
    expect(classify(row('done', { expires: 0 }))).toEqual({ state: 'expired', ageSeconds: 0 });
    expect(classify(row('done', { claimed: 1_000 }))).toEqual({ state: 'unrecognized', ageSeconds: 0 });
  });
});

describe('partitionedExpiry: a row of a table partitioned by message time', () => {
  const H = 3_600_000;
  const at = (hours: number) => new Date(NOW + hours * H);

  it('expires with its partition time plus the retention when it has no expires_at', () => {
    expect(partitionedExpiry({ partitionTime: at(-10), expiresAt: null }, 72)).toEqual(at(62));
  });

  it('keeps a later expires_at, never an earlier one', () => {
    expect(partitionedExpiry({ partitionTime: at(-10), expiresAt: at(100) }, 72)).toEqual(at(100));
    expect(partitionedExpiry({ partitionTime: at(-10), expiresAt: at(5) }, 72)).toEqual(at(62));
  });
});
