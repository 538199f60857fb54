import type { ReleasePreview } from '../../contract/actions';
import type { WatchedTableConfig } from '../../config/env';
import { InvalidParameterError } from '../../errors';
import { isUuid } from '../../idempotency';
import type { ReleaseOutcome, ReleaseScope, SeenTarget } from '../store';
import { customCounts, customGet, customList, customOldestStuck, customPreview, customRelease, customTable } from './custom';
import { rowCounts, type CountLimits, type RowCounts } from './counts';
import type { Db } from './db';
import { rowExpiry, type RowExpiry } from './expiry';
import { getRow, listRows, oldestStuckRows, type ListRowsQuery, type MessageRow, type MessageRowWithResult, type RowPage } from './messages';
import { boundsExpiry, estimatePartitionedRows, expiredIn, listPartitions, planPartitionPurge, type PartitionPlan } from './partitions';
import { countPurgeable, type PurgeCount, type PurgeTarget } from './purge';
import { recipeCountPurgeable, recipeCounts, recipeExpiryRule, recipeGet, recipeList, recipePreview, recipeRelease } from './recipe';
import { previewMessages, previewStuckMessages, releaseMessages } from './release';
import { expiryTime, libraryRules, partitionedRules, recipeRules, rowClock, stripeKeyRules, type RowClock } from './rules';
import { raw } from './sql';
import { stripeKeyCounts, stripeKeyGet, stripeKeyList, stripeKeyPreview, stripeKeyRelease } from './stripe-keys';
import { DEFAULT_TABLES, resolveTables, type ResolvedTables, type WatchedTable } from './tables';

export interface AdapterSettings {
  stuckAfterSeconds: number;
  retentionHours: number;
  bulkLimit: number;
}

/**
 * One watched table as its profile reads and acts on it. Each profile is one
 * implementation; the read store and the DedupStore pick the table's and
 * never ask which profile it is.
 */
export interface TableAdapter {
  table: WatchedTable;
  counts(clock: RowClock, limits: CountLimits): Promise<RowCounts>;
  oldestStuck(clock: RowClock, limit: number): Promise<MessageRow[]>;
  list(query: ListRowsQuery): Promise<RowPage>;
  get(messageId: string): Promise<MessageRowWithResult | null>;
  expiry(clock: RowClock, originMs: number, bucketSeconds: number, buckets: number): Promise<RowExpiry>;
  previewRelease(scope: ReleaseScope): Promise<ReleasePreview>;
  release(targets: SeenTarget[]): Promise<ReleaseOutcome>;
  /** Rows a purge would delete; of a partitioned table, `partitions` narrows it to the named ones (those purged in batches). */
  countPurgeable(partitions?: string[]): Promise<PurgeCount>;
  purgeTarget(): PurgeTarget;
  /** Of a partitioned table only: which partitions a purge would drop whole and which it would purge in batches. */
  partitionPlan?(): Promise<PartitionPlan>;
}

function libraryAdapter(db: Db, t: WatchedTable, s: AdapterSettings, now: () => number): TableAdapter {
  const rules = libraryRules;
  return {
    table: t,
    counts: (clock, limits) => rowCounts(db, t, clock, limits, rules),
    oldestStuck: (clock, limit) => oldestStuckRows(db, t, clock, limit, rules),
    list: (q) => listRows(db, t, q, { recorded: raw('processed_at'), retentionHours: s.retentionHours, expires: expiryTime(s.retentionHours) }, rules),
    get: (id) => getRow(db, t, id, rules),
    expiry: (clock, originMs, bucketSeconds, buckets) =>
      rowExpiry(db, t, { at: expiryTime(s.retentionHours), finished: raw(`status <> 'processing'`) }, clock, originMs, bucketSeconds, buckets),
    previewRelease: (scope) =>
      'keys' in scope ? previewMessages(db, t, s, scope.keys, now()) : previewStuckMessages(db, t, s, scope.olderThanSeconds, now()),
    release: (targets) => releaseMessages(db, t, targets),
    countPurgeable: () => countPurgeable(db, t, s.retentionHours, now(), rules),
    purgeTarget: () => ({ table: t.name, condition: rules.purgeableCondition(s.retentionHours), partitioned: false }),
  };
}

/**
 * A library table range-partitioned by a message time: the library's
 * adapter with the partitioned rules (expiry by the partition key, so that
 * time-bounded queries prune partitions), row estimates summed over the
 * partitions, the expiry timeline from partition bounds, and a purge that
 * drops whole partitions before it walks the ones at the cut.
 */
function partitionedAdapter(db: Db, t: WatchedTable, s: AdapterSettings, now: () => number): TableAdapter {
  const rules = partitionedRules(t.partitionedBy!, s.retentionHours);
  const base = libraryAdapter(db, t, s, now);
  const plan = () => planPartitionPurge(db, t, t.partitionedBy!, rules, rowClock(now(), s.stuckAfterSeconds, s.retentionHours));
  return {
    ...base,
    counts: (clock, limits) => rowCounts(db, t, clock, limits, rules, estimatePartitionedRows),
    oldestStuck: (clock, limit) => oldestStuckRows(db, t, clock, limit, rules),
    list: (q) => listRows(db, t, q, { recorded: raw('processed_at'), retentionHours: s.retentionHours, expires: rules.expiresAt }, rules),
    get: (id) => getRow(db, t, id, rules),
    expiry: async (clock, originMs, bucketSeconds, buckets) => boundsExpiry(await listPartitions(db, t), s.retentionHours, clock, originMs, bucketSeconds, buckets),
    countPurgeable: async (partitions) => {
      if (partitions) {
        const clock = rowClock(now(), s.stuckAfterSeconds, s.retentionHours);
        const parts = (await listPartitions(db, t)).filter((p) => partitions.includes(p.name));
        const counts = await Promise.all(parts.map((p) => expiredIn(db, t, t.partitionedBy!, p, rules, clock)));
        return { count: counts.reduce((n, c) => n + c.value, 0), estimated: counts.some((c) => c.estimated) };
      }
      const p = await plan();
      return { count: [...p.drop, ...p.batch].reduce((n, x) => n + x.rows, 0), estimated: p.estimated };
    },
    purgeTarget: () => ({ table: t.name, condition: rules.purgeableCondition(s.retentionHours), partitioned: true }),
    partitionPlan: plan,
  };
}

function recipeAdapter(db: Db, t: WatchedTable, s: AdapterSettings, now: () => number): TableAdapter {
  const clock = () => rowClock(now(), s.stuckAfterSeconds, s.retentionHours);
  return {
    table: t,
    counts: (c, limits) => recipeCounts(db, t, c, limits),
    oldestStuck: async () => [],
    list: (q) => recipeList(db, t, q, { recorded: raw('processed_at'), retentionHours: s.retentionHours }),
    get: (id) => recipeGet(db, t, id),
    expiry: (c, originMs, bucketSeconds, buckets) => rowExpiry(db, t, recipeExpiryRule(s.retentionHours), c, originMs, bucketSeconds, buckets),
    previewRelease: async (scope) =>
      'keys' in scope
        ? recipePreview(db, t, scope.keys, now(), s.retentionHours)
        : // Nothing in a recipe table is ever in flight, so nothing is ever stuck.
          { dryRun: true, store: 'postgres', count: 0, wouldRelease: [], skipped: [], more: false, examined: 0, complete: true },
    release: (targets) => recipeRelease(db, t, targets),
    countPurgeable: () => recipeCountPurgeable(db, t, clock()),
    purgeTarget: () => ({ table: t.name, condition: recipeRules.purgeableCondition(s.retentionHours), partitioned: false }),
  };
}

function stripeKeysAdapter(db: Db, t: WatchedTable, s: AdapterSettings, now: () => number): TableAdapter {
  const clock = () => rowClock(now(), s.stuckAfterSeconds, s.retentionHours);
  const times = { recorded: raw('created_at'), retentionHours: s.retentionHours };
  return {
    table: t,
    counts: (c, limits) => stripeKeyCounts(db, t, c, limits),
    oldestStuck: async (c, limit) => (await stripeKeyList(db, t, { state: 'stuck', after: null, limit, window: Math.max(limit, 5000), clock: c }, times)).rows,
    list: (q) => stripeKeyList(db, t, q, times),
    get: (id) => stripeKeyGet(db, t, id),
    expiry: (c, originMs, bucketSeconds, buckets) =>
      rowExpiry(db, t, { at: stripeKeyRules.expiryTime(s.retentionHours), finished: stripeKeyRules.finished }, c, originMs, bucketSeconds, buckets),
    previewRelease: (scope) => stripeKeyPreview(db, t, scope, now(), s),
    release: (targets) => stripeKeyRelease(db, t, targets),
    countPurgeable: async () => {
      const counts = await stripeKeyCounts(db, t, clock(), { exact: 0, inFlight: 0 });
      return { count: counts.expired.value, estimated: counts.expired.estimated };
    },
    purgeTarget: () => ({ table: t.name, condition: stripeKeyRules.purgeableCondition(s.retentionHours), partitioned: false }),
  };
}

/**
 * An in-house table through its column mapping: the rules of customRules(),
 * keyed by its own id (a uuid or an integer; any other key is missing
 * there). The purge's expired count is the one the counts make.
 */
function customAdapter(db: Db, t: WatchedTable, s: AdapterSettings, now: () => number): TableAdapter {
  const c = customTable(t, s);
  const clock = () => rowClock(now(), s.stuckAfterSeconds, s.retentionHours);
  return {
    table: t,
    counts: (k, limits) => customCounts(db, c, k, limits),
    oldestStuck: (k, limit) => customOldestStuck(db, c, k, limit),
    list: (q) => customList(db, c, q),
    get: (id) => customGet(db, c, id),
    expiry: (k, originMs, bucketSeconds, buckets) =>
      rowExpiry(db, t, { at: c.rules.expiryTime(s.retentionHours), finished: c.rules.finished }, k, originMs, bucketSeconds, buckets),
    previewRelease: (scope) => customPreview(db, c, scope, now()),
    release: (targets) => customRelease(db, c, targets),
    countPurgeable: async () => {
      const counts = await customCounts(db, c, clock(), { exact: 0, inFlight: 0 });
      return { count: counts.expired.value, estimated: counts.expired.estimated };
    },
    purgeTarget: () => ({ table: t.name, condition: c.rules.purgeableCondition(s.retentionHours), partitioned: false }),
  };
}

/**
 * Tables keyed by a uuid message_id never hold another kind of key (a
 * stripe-keys id): such a key is simply missing there, never a failed cast.
 */
function uuidKeyed(make: typeof libraryAdapter): typeof libraryAdapter {
  return (db, t, s, now) => {
    const adapter = make(db, t, s, now);
    return {
      ...adapter,
      get: async (id) => (isUuid(id) ? adapter.get(id) : null),
      previewRelease: async (scope) => {
        if (!('keys' in scope)) return adapter.previewRelease(scope);
        const other = scope.keys.filter((k) => !isUuid(k));
        const preview = await adapter.previewRelease({ keys: scope.keys.filter(isUuid) });
        return { ...preview, skipped: [...preview.skipped, ...other.map((key) => ({ key, reason: 'missing' as const }))] };
      },
      release: async (targets) => {
        const outcome = await adapter.release(targets.filter((t) => isUuid(t.key)));
        return { ...outcome, skipped: [...outcome.skipped, ...targets.filter((t) => !isUuid(t.key)).map((t) => ({ key: t.key, reason: 'missing' as const }))] };
      },
    };
  };
}

const ADAPTERS = { library: uuidKeyed(libraryAdapter), recipe: uuidKeyed(recipeAdapter), 'stripe-keys': stripeKeysAdapter, custom: customAdapter };
const PARTITIONED = uuidKeyed(partitionedAdapter);

function adapterOf(db: Db, t: WatchedTable, settings: AdapterSettings, now: () => number): TableAdapter {
  return (t.partitionedBy ? PARTITIONED : ADAPTERS[t.profile])(db, t, settings, now);
}

/** How long the tables' profiles, read from information_schema, are trusted before they are read again. */
const RESOLVE_TTL_MS = 60_000;

/**
 * The watched tables of one database, matched to their profiles at first
 * use and again every minute (a table created or migrated later is picked
 * up without a restart). A failed lookup is not kept.
 */
export class PostgresTables {
  private cached: { at: number; value: Promise<ResolvedTables> } | null = null;

  constructor(
    private readonly db: Db,
    readonly configs: WatchedTableConfig[] = DEFAULT_TABLES,
  ) {}

  resolve(): Promise<ResolvedTables> {
    const nowMs = Date.now();
    if (!this.cached || nowMs - this.cached.at > RESOLVE_TTL_MS) {
      const value = resolveTables(this.db, this.configs);
      this.cached = { at: nowMs, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = null;
      });
    }
    return this.cached.value;
  }

  /** Adapters of every table that fits a profile, in configured order. */
  async adapters(settings: AdapterSettings, now: () => number): Promise<TableAdapter[]> {
    const { watched } = await this.resolve();
    return watched.map((t) => adapterOf(this.db, t, settings, now));
  }

  /**
   * The named table's adapter (`schema.table`), or the first watched one.
   * An unknown or unfit name is the request's mistake, named as `field`.
   */
  async adapter(settings: AdapterSettings, now: () => number, name: string | undefined, field = 'table'): Promise<TableAdapter> {
    const resolved = await this.resolve();
    const wanted = name ?? this.configs.map((c) => `${c.schema}.${c.table}`).find((n) => resolved.watched.some((w) => w.name === n));
    const table = resolved.watched.find((w) => w.name === wanted);
    if (!table) {
      const unfit = resolved.unfit.find((u) => u.name === wanted);
      if (unfit) throw new InvalidParameterError(field, `${unfit.name} cannot be watched: ${unfit.problem}`);
      throw new InvalidParameterError(field, wanted ? `is not a watched table (IDEMSCOPE_TABLES): ${wanted}` : 'no watched table fits a profile');
    }
    return adapterOf(this.db, table, settings, now);
  }
}
