import { randomUUID } from 'node:crypto';
import { scannerOptionsFrom } from '../../../lib/dashboard/scanner-options';
import type { TestRedisClient as Redis } from '../../helpers/redis-client';
import pg from 'pg';
import type { DashboardConfig } from '../../../lib/dashboard/config';
import type { ScannerOptions } from '../../../lib/scanner/scanner';
import { encodeRecord } from '../../../lib/idempotency/record';
import { parseKeyPatterns } from '../../../lib/records/key-patterns';
import { bucketStart, statsField, statsKey } from '../../../lib/idempotency/stats-keys';
import type { RecordFormat, RecordState } from '../../../lib/records/states';
import { PowertoolsWriter, type PowertoolsClient } from './powertools';

export interface SeededKey {
  key: string;
  state: RecordState;
  format: RecordFormat;
  noExpiry: boolean;
  /** Index of the configured pattern the key is counted under. */
  pattern: number;
}

export interface SeededRow {
  messageId: string;
  state: RecordState;
  consumer: string;
  deliveryCount: number;
}

/** Scanner options over a test configuration: no pause between steps, no second pass unless asked. */
export function scannerOptions(config: DashboardConfig, overrides: Partial<ScannerOptions> = {}): ScannerOptions {
  return { ...scannerOptionsFrom(config), stepPauseMs: 0, intervalMs: 3_600_000, topStuck: 3, ...overrides };
}

/** A configuration over the test's own prefix, patterns overlapping on purpose. */
export function testConfig(prefix: string, overrides: Partial<DashboardConfig> = {}): DashboardConfig {
  return {
    keyPatterns: parseKeyPatterns([`${prefix}idempotency:*=plain`, `${prefix}*#*=powertools`]),
    statsPrefix: `${prefix}idempotency:stats:`,
    stuckAfterSeconds: 300,
    plainLockTtlSeconds: 86_400,
    retentionHours: 72,
    maskFields: ['password', 'cardNumber', 'token'],
    scanCount: 7,
    scanIntervalSeconds: 3600,
    scanStepPauseMs: 0,
    headBytes: 512,
    detailBytes: 4096,
    keysExaminedPerRequest: 1000,
    rowsExaminedPerRequest: 1000,
    exactTableRowLimit: 1_000_000,
    exactCountLimit: 1_000,
    inFlightCountLimit: 10_000,
    freshTimeoutMs: 20_000,
    topStuck: 10,
    // Every assertion must see the data as it is now.
    aggregateCacheMs: 0,
    ...overrides,
  };
}

const SECRET_RESULT = { orderId: 1, card: { cardNumber: '4111111111111111', last4: '1111' }, password: 'hunter2' };

/**
 * Every kind of value the read side must handle, each with the state it must
 * be classified as. Times are relative to `now`, far from every threshold.
 */
export async function seedRedis(redis: Redis, powertools: PowertoolsClient, prefix: string, now = Date.now()): Promise<SeededKey[]> {
  const seeded: SeededKey[] = [];
  const idem = (name: string) => `${prefix}idempotency:${name}`;
  const put = async (key: string, value: string, ttlSeconds: number | null, expected: Omit<SeededKey, 'key' | 'noExpiry' | 'pattern'>) => {
    if (ttlSeconds === null) await redis.set(key, value);
    else await redis.set(key, value, { EX: ttlSeconds });
    seeded.push({ key, ...expected, noExpiry: ttlSeconds === null, pattern: 0 });
  };

  // The plain recipe: `SET key processing NX EX 86400`, then the JSON result.
  await put(idem('plain:fresh'), 'processing', 86_400, { state: 'processing', format: 'plain' });
  await put(idem('plain:old'), 'processing', 86_400 - 1_000, { state: 'stuck', format: 'plain' });
  await put(idem('plain:no-ttl'), 'processing', null, { state: 'stuck', format: 'plain' });
  await put(idem('plain:done-1'), JSON.stringify(SECRET_RESULT), 86_400, { state: 'completed', format: 'plain' });
  await put(idem('plain:done-2'), '"ok"', 86_400, { state: 'completed', format: 'plain' });
  await put(idem('plain:done-no-ttl'), '{"orderId":3}', null, { state: 'completed', format: 'plain' });
  const bigPlain = JSON.stringify({ password: 'big-secret', items: Array.from({ length: 20_000 }, (_, i) => ({ i })) });
  await put(idem('plain:big'), bigPlain, 86_400, { state: 'completed', format: 'plain' });
  // Matches both patterns: counted once, under the first.
  await put(idem('overlap#1'), '{"x":1}', 86_400, { state: 'completed', format: 'plain' });

  // Idemscope's own records.
  const inFlight = (owner: string, startedAgoMs: number, leaseInMs: number) =>
    encodeRecord({ fmt: 'idemscope', v: 1, status: 'processing', owner, consumer: 'billing', startedAt: now - startedAgoMs, leaseExpiresAt: now + leaseInMs, fingerprint: 'fp-' + owner });
  const done = (result: unknown) =>
    encodeRecord({ fmt: 'idemscope', v: 1, status: 'completed', consumer: 'shipping', startedAt: now - 60_000, completedAt: now - 50_000, result });
  await put(idem('lib:fresh'), inFlight('owner-fresh', 10_000, 60_000), 3_600, { state: 'processing', format: 'idemscope' });
  await put(idem('lib:lease-lost'), inFlight('owner-lost', 20_000, -1_000), 3_600, { state: 'stuck', format: 'idemscope' });
  await put(idem('lib:old'), inFlight('owner-old', 2_000_000, 3_600_000), 3_600, { state: 'stuck', format: 'idemscope' });
  await put(idem('lib:done-1'), done({ shipped: true, token: 'tok' }), 86_400, { state: 'completed', format: 'idemscope' });
  await put(idem('lib:done-2'), done(null), 86_400, { state: 'completed', format: 'idemscope' });
  await put(idem('lib:big'), done({ blob: 'y'.repeat(200_000) }), 86_400, { state: 'completed', format: 'idemscope' });

  // AWS Powertools' cache persistence layer, written by the real package.
  const writer = new PowertoolsWriter(powertools, `${prefix}orders-fn`);
  const pt = (key: string, state: RecordState) => seeded.push({ key, state, format: 'powertools', noExpiry: false, pattern: 1 });
  pt(await writer.inProgress({ orderId: 'pt-1' }, 120_000), 'processing');
  pt(await writer.inProgress({ orderId: 'pt-2', amount: 5 }, 120_000, { validate: true }), 'processing');
  pt(await writer.inProgress({ orderId: 'pt-3' }, 60_000, { at: now - 600_000 }), 'stuck');
  pt(await writer.inProgress({ orderId: 'pt-4' }, undefined), 'stuck');
  pt(await writer.completed({ orderId: 'pt-5' }, { receipt: 'r-5', password: 'pt-secret' }), 'completed');
  pt(await writer.completed({ orderId: 'pt-6' }, { receipt: 'r-6' }, { at: now - 2 * 3_600_000 }), 'expired');
  // The helper key Powertools takes while replacing an orphaned record.
  await redis.set(`${writer.keyFor({ orderId: 'pt-4' })}:lock`, 'true', { EX: 10 });

  // Values nobody should trip over.
  await put(idem('junk:text'), 'not json at all', 600, { state: 'unrecognized', format: 'unknown' });
  await redis.hSet(idem('junk:hash'), 'a', '1');
  seeded.push({ key: idem('junk:hash'), state: 'unrecognized', format: 'unknown', noExpiry: true, pattern: 0 });
  await put(idem('junk:huge'), 'x'.repeat(1024 * 1024), 600, { state: 'unrecognized', format: 'unknown' });

  // Not dedup keys: outside every pattern, and the library's own counters.
  await redis.set(`${prefix}other:key`, 'processing', { EX: 600 });
  return seeded;
}

export const DELIVERY_FIXTURE = {
  /** Counters written into both stores, per consumer, at minutes ago. */
  buckets: [
    { minutesAgo: 10, consumer: 'billing', deliveries: 10, first: 8, duplicates: 2, failures: 1 },
    { minutesAgo: 20, consumer: 'shipping', deliveries: 4, first: 4, duplicates: 0, failures: 0 },
    { minutesAgo: 180, consumer: 'billing', deliveries: 6, first: 3, duplicates: 3, failures: 2 },
    { minutesAgo: 30 * 60, consumer: 'billing', deliveries: 100, first: 50, duplicates: 50, failures: 0 },
  ],
};

/** The library's Redis counters: a minute hash and an hour hash per bucket, as its Lua scripts keep them. */
export async function seedRedisStats(redis: Redis, statsPrefix: string, now: number): Promise<void> {
  for (const b of DELIVERY_FIXTURE.buckets) {
    const at = now - b.minutesAgo * 60_000;
    for (const granularity of ['m', 'h'] as const) {
      const key = statsKey(statsPrefix, granularity, bucketStart(at, granularity));
      const counters = { deliveries: b.deliveries, first: b.first, duplicates: b.duplicates, failures: b.failures } as const;
      for (const [counter, n] of Object.entries(counters)) {
        await redis.hIncrBy(key, statsField(b.consumer, counter as keyof typeof counters), n);
      }
      await redis.expire(key, 3 * 86_400);
    }
  }
}

/** The library's Postgres counters, split over writer slots like the real ones. */
export async function seedPostgresStats(client: pg.Client, now: number): Promise<void> {
  for (const b of DELIVERY_FIXTURE.buckets) {
    const minute = new Date(Math.floor((now - b.minutesAgo * 60_000) / 60_000) * 60_000);
    // Two writer slots share the bucket; readers must sum them.
    const half = (n: number) => [Math.floor(n / 2), n - Math.floor(n / 2)];
    const [d0, d1] = half(b.deliveries);
    const [f0, f1] = half(b.first);
    const [u0, u1] = half(b.duplicates);
    const [x0, x1] = half(b.failures);
    for (const [writer, d, f, u, x] of [
      [0, d0, f0, u0, x0],
      [7, d1, f1, u1, x1],
    ] as const) {
      await client.query(
        `INSERT INTO delivery_stats (bucket_start, consumer, store, writer, deliveries, first_deliveries, duplicates, failures)
         VALUES ($1, $2, 'postgres', $3, $4, $5, $6, $7)`,
        [minute, b.consumer, writer, d, f, u, x],
      );
    }
  }
}

/** processed_messages rows in every state, relative to `now`. */
export async function seedMessages(client: pg.Client, now: number): Promise<SeededRow[]> {
  const rows: SeededRow[] = [];
  const ago = (ms: number) => new Date(now - ms);
  const H = 3_600_000;
  const insert = async (
    state: RecordState,
    r: { status: string; consumer?: string; claimedAgo?: number; processedAgo?: number; leaseIn?: number | null; expiresIn?: number | null; deliveries?: number; result?: unknown; fingerprint?: string },
  ) => {
    const messageId = randomUUID();
    const consumer = r.consumer ?? 'billing';
    await client.query(
      `INSERT INTO processed_messages (message_id, status, consumer, claimed_at, processed_at, last_seen_at, lease_expires_at, expires_at,
         delivery_count, result, owner_token, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11)`,
      [
        messageId,
        r.status,
        consumer,
        ago(r.claimedAgo ?? r.processedAgo ?? 0),
        ago(r.processedAgo ?? r.claimedAgo ?? 0),
        r.leaseIn == null ? null : new Date(now + r.leaseIn),
        r.expiresIn == null ? null : new Date(now + r.expiresIn),
        r.deliveries ?? 1,
        r.result === undefined ? null : JSON.stringify(r.result),
        r.status === 'processing' ? `owner-${messageId.slice(0, 8)}` : null,
        r.fingerprint ?? null,
      ],
    );
    rows.push({ messageId, state, consumer, deliveryCount: r.deliveries ?? 1 });
  };
  await insert('processing', { status: 'processing', claimedAgo: 10_000, leaseIn: 60_000 });
  await insert('processing', { status: 'processing', consumer: 'shipping', claimedAgo: 5_000, processedAgo: 100 * H, leaseIn: 60_000, expiresIn: -1 });
  await insert('stuck', { status: 'processing', claimedAgo: 20_000, leaseIn: -1_000 });
  await insert('stuck', { status: 'processing', consumer: 'shipping', claimedAgo: 1_000_000, leaseIn: null });
  await insert('completed', { status: 'completed', processedAgo: H, expiresIn: 71 * H, deliveries: 3, result: SECRET_RESULT, fingerprint: 'abc' });
  await insert('completed', { status: 'completed', processedAgo: 2 * H, expiresIn: 70 * H });
  await insert('completed', { status: 'completed', consumer: 'shipping', processedAgo: 3 * H, expiresIn: null });
  await insert('completed', { status: 'completed', consumer: 'shipping', processedAgo: 4 * H, expiresIn: 5 * H, deliveries: 2 });
  await insert('failed', { status: 'failed', processedAgo: 5 * H, deliveries: 4 });
  await insert('expired', { status: 'completed', processedAgo: 80 * H, expiresIn: null });
  await insert('expired', { status: 'failed', consumer: 'shipping', processedAgo: 100 * H });
  await insert('expired', { status: 'completed', processedAgo: 2 * H, expiresIn: -60_000 });
  return rows;
}

export async function connectPg(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
