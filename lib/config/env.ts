import { z } from 'zod';
import { parseCidr } from './cidr';
import { DEFAULT_KEY_PATTERNS, KeyPatternError, parseKeyPatterns, type KeyPattern } from '../records/key-patterns';
import { DEFAULT_VERDICT_THRESHOLDS as VERDICT } from '../contract/read';
import type { CustomStatusValues } from '../records/classify';

/** Raised once at start-up, listing every bad variable rather than the first one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/**
 * The default deadlines of store calls, also used by clients made outside the
 * app's wiring (tests, scripts), which must not read the environment.
 */
export const STORE_DEADLINES = { redisMs: 2000, pgStatementMs: 3000, pgLockMs: 1000, pgAcquireMs: 1000 } as const;

const ms = (fallback: number) => z.coerce.number().int().min(50).max(60_000).default(fallback);
/** Unset (or empty, see parseEnv) is off. */
const flag = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');
const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'needs at least one entry'));
/** `pattern` or `pattern=format`, comma-separated; each bad entry is named. */
const keyPatterns = csv(DEFAULT_KEY_PATTERNS).transform((entries, ctx): KeyPattern[] => {
  const parsed: KeyPattern[] = [];
  for (const entry of entries) {
    try {
      parsed.push(...parseKeyPatterns([entry]));
    } catch (error) {
      if (!(error instanceof KeyPatternError)) throw error;
      ctx.addIssue(error.message);
    }
  }
  return parsed;
});

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema of Idemscope's own: a plain lower-case identifier, and not one Postgres or the teams' tables use. */
const ownSchema = z
  .string()
  .default('idemscope')
  .refine((v) => IDENTIFIER.test(v), 'must be a plain lower-case identifier (a-z, 0-9, _; at most 63 characters)')
  .refine((v) => v !== 'public' && v !== 'information_schema' && !v.startsWith('pg_'), 'must be a schema of Idemscope\'s own, not public or a system schema');

export const TABLE_PROFILES = ['recipe', 'library', 'stripe-keys', 'custom'] as const;
export type TableProfileName = (typeof TABLE_PROFILES)[number];

/**
 * The columns of an in-house table watched as `custom` (IDEMSCOPE_CUSTOM_COLUMNS):
 * which column plays each role. id and processed are required; without
 * `claimed` the processed column is the claim time; without `status` every
 * row is completed.
 */
export interface CustomColumns {
  id: string;
  processed: string;
  claimed?: string;
  result?: string;
  status?: string;
  lease?: string;
  consumer?: string;
  expires?: string;
  /** What the status column holds for each state; default processing, completed, failed. */
  statusValues: CustomStatusValues;
}

export const CUSTOM_ROLES = ['id', 'processed', 'claimed', 'result', 'status', 'lease', 'consumer', 'expires'] as const;
type CustomRole = (typeof CUSTOM_ROLES)[number];

export interface WatchedTableConfig {
  schema: string;
  table: string;
  /** Unset: detected from the table's columns at start. */
  profile?: TableProfileName;
  /** Of a `custom` table only: its column mapping. */
  columns?: CustomColumns;
}

const tableName = (parts: string[]) => parts.length === 2 && parts.every((p) => IDENTIFIER.test(p));

/** `schema.table` or `schema.table=profile`, comma-separated. */
const watchedTables = z
  .string()
  .default('public.processed_messages')
  .transform((value, ctx) => {
    const out: WatchedTableConfig[] = [];
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, profile, ...rest] = entry.split('=').map((s) => s.trim()) as [string, ...string[]];
      // Profile names contain dashes; identifiers do not.
      const parts = name.split('.');
      if (rest.length || !tableName(parts)) {
        ctx.addIssue(`"${entry}" is not schema.table or schema.table=profile (plain lower-case identifiers)`);
        continue;
      }
      if (profile !== undefined && !(TABLE_PROFILES as readonly string[]).includes(profile)) {
        ctx.addIssue(`"${entry}": profile must be one of ${TABLE_PROFILES.join(', ')}`);
        continue;
      }
      if (out.some((t) => t.schema === parts[0] && t.table === parts[1])) {
        ctx.addIssue(`"${name}" is listed twice`);
        continue;
      }
      out.push({ schema: parts[0]!, table: parts[1]!, ...(profile ? { profile: profile as TableProfileName } : {}) });
    }
    if (!out.length) ctx.addIssue('needs at least one table');
    return out;
  });

/**
 * Status values are spliced into the purge's SQL text as literals (the purge
 * function runs its condition with EXECUTE), so they are held to a grammar
 * that can never close a literal.
 */
const STATUS_VALUE = /^[A-Za-z0-9_.-]{1,63}$/;
const DEFAULT_STATUS_VALUES: CustomStatusValues = { processing: 'processing', completed: 'completed', failed: 'failed' };

/** `processing:in_progress|completed:done|failed:error`, each state at most once, values distinct. */
function parseStatusValues(text: string, table: string, problems: string[]): CustomStatusValues {
  const values = { ...DEFAULT_STATUS_VALUES };
  const given = new Set<string>();
  for (const pair of text.split('|').map((s) => s.trim()).filter(Boolean)) {
    const [state = '', value = '', ...rest] = pair.split(':').map((s) => s.trim());
    if (rest.length || !(state in values)) {
      problems.push(`${table}: status_values "${pair}" is not state:value with a state of processing, completed, failed`);
    } else if (!STATUS_VALUE.test(value)) {
      problems.push(`${table}: status value "${value}" for ${state} must be 1 to 63 of A-Z a-z 0-9 _ . -`);
    } else if (given.has(state)) {
      problems.push(`${table}: status_values names ${state} twice`);
    } else {
      given.add(state);
      values[state as keyof CustomStatusValues] = value;
    }
  }
  if (new Set(Object.values(values)).size !== 3) problems.push(`${table}: status_values must give the three states three different values`);
  return values;
}

/** One table's mapping: `role=column;role=column;…;status_values=…`. */
function parseMapping(table: string, text: string, problems: string[]): CustomColumns | null {
  const roles: Partial<Record<CustomRole, string>> = {};
  let statusValues: string | null = null;
  const before = problems.length;
  for (const item of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [role = '', column, ...rest] = item.split('=').map((s) => s.trim());
    if (role === 'status_values' && column !== undefined && !rest.length) {
      statusValues = column;
      continue;
    }
    if (rest.length || column === undefined || !(CUSTOM_ROLES as readonly string[]).includes(role)) {
      problems.push(`${table}: "${item}" is not role=column with a role of ${CUSTOM_ROLES.join(', ')} (or status_values=…)`);
    } else if (!IDENTIFIER.test(column)) {
      problems.push(`${table}: column "${column}" for ${role} must be a plain lower-case identifier (a-z, 0-9, _)`);
    } else if (roles[role as CustomRole] !== undefined) {
      problems.push(`${table}: ${role} is mapped twice`);
    } else if (Object.values(roles).includes(column)) {
      problems.push(`${table}: column ${column} is mapped to two roles`);
    } else {
      roles[role as CustomRole] = column;
    }
  }
  for (const required of ['id', 'processed'] as const) if (roles[required] === undefined) problems.push(`${table}: needs ${required}=<column>`);
  if (statusValues !== null && roles.status === undefined) problems.push(`${table}: status_values needs a status=<column>`);
  const values = parseStatusValues(statusValues ?? '', table, problems);
  if (problems.length > before) return null;
  return { ...roles, id: roles.id!, processed: roles.processed!, statusValues: values };
}

/**
 * IDEMSCOPE_CUSTOM_COLUMNS: `schema.table:role=column;…`, comma-separated
 * tables, each of them listed in IDEMSCOPE_TABLES as `=custom`.
 */
const customColumns = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const out = new Map<string, CustomColumns>();
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const colon = entry.indexOf(':');
      const name = colon < 0 ? entry : entry.slice(0, colon).trim();
      if (colon < 0 || !tableName(name.split('.'))) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not schema.table:role=column;role=column;…` });
        continue;
      }
      if (out.has(name)) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is mapped twice` });
        continue;
      }
      const problems: string[] = [];
      const mapping = parseMapping(name, entry.slice(colon + 1), problems);
      for (const message of problems) ctx.addIssue({ code: 'custom', message });
      if (mapping) out.set(name, mapping);
    }
    return out;
  });

/**
 * Seed nodes of a Redis Cluster, comma-separated `redis://host:port` URLs;
 * unset or empty: REDIS_URL, a single node. Any one reachable seed is enough
 * to find the rest of the cluster.
 */
const clusterUrls = z
  .string()
  .default('')
  .transform((value, ctx): string[] | undefined => {
    const urls = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!urls.length) return undefined;
    for (const url of urls) {
      if (!/^rediss?:\/\/[^\s/]+\/?$/.test(url)) {
        ctx.addIssue(`"${url}" is not a redis:// or rediss:// URL of a node (host:port, no database: a cluster has only db 0)`);
      }
    }
    return urls;
  });

const schema = z.object({
  /** PostgreSQL holding the watched tables and Idemscope's own schema. */
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/idemscope'),
  /** The schema Idemscope keeps its own state in (audit log, purge jobs, action claims); the only one its migrations touch. */
  IDEMSCOPE_SCHEMA: ownSchema,
  /** The dedup tables the dashboard watches. */
  IDEMSCOPE_TABLES: watchedTables,
  /** The columns of each table IDEMSCOPE_TABLES watches as `custom`. */
  IDEMSCOPE_CUSTOM_COLUMNS: customColumns,
  /** Redis holding dedup keys. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Seed nodes of a Redis Cluster; when set, every Redis connection is a cluster client and REDIS_URL is not used. */
  REDIS_CLUSTER_URLS: clusterUrls,
  /** Slot groups the processor library tags its keys and counters with on a cluster (its `cluster.slotGroups`). */
  IDEMSCOPE_CLUSTER_SLOT_GROUPS: z.coerce.number().int().min(1).max(1024).default(16),
  /** SCAN patterns that hold dedup keys, comma-separated, each `pattern` (read as `auto`) or `pattern=format`. */
  IDEMSCOPE_KEY_PATTERNS: keyPatterns,
  /** An in-flight record older than this is stuck. */
  IDEMSCOPE_STUCK_AFTER_SECONDS: seconds(300),
  /** The EX plain-format keys were claimed with; their age is this minus the remaining TTL. */
  IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS: seconds(86400),
  /** The cacheTTLMS, in seconds, @node-idempotency records are set with; their age is this minus the remaining TTL. */
  IDEMSCOPE_NODE_IDEMPOTENCY_TTL_SECONDS: seconds(86400),
  /** How long processed_messages rows are kept. */
  IDEMSCOPE_RETENTION_HOURS: seconds(72),
  /** Fields whose values are masked in record views (case-insensitive, matched at any depth). */
  IDEMSCOPE_MASK_FIELDS: csv('password,secret,token,authorization,cardNumber,card_number,cvv,iban,ssn,email'),
  /** Prefix of the library's delivery counters in Redis; kept apart from the dedup key patterns. */
  IDEMSCOPE_STATS_PREFIX: z.string().min(1).default('idemscope:stats:'),
  /** Largest COUNT hint per SCAN call; bounds the work each scanner step does on Redis. */
  IDEMSCOPE_SCAN_COUNT: z.coerce.number().int().min(10).max(10000).default(1000),
  /** Seconds between the background scanner's passes over the keyspace. */
  IDEMSCOPE_SCAN_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15),
  /** Milliseconds the scanner pauses between two SCAN steps of a pass (0 = only yield), leaving Redis to the services. */
  IDEMSCOPE_SCAN_STEP_PAUSE_MS: z.coerce.number().int().min(0).max(1000).default(1),
  /**
   * Share of one Redis core, in percent, the background scanner may use while nobody is looking
   * (measured as Redis's own CPU, INFO cpu, across each step).
   */
  IDEMSCOPE_REDIS_BUDGET_PERCENT: z.coerce.number().gt(0).max(100).default(2),
  /**
   * The same while someone has the overview open; full speed only for a request for fresh figures.
   * At least IDEMSCOPE_REDIS_BUDGET_PERCENT (unset: 10, or that budget if larger); what it takes
   * beyond the budget is paid back afterwards.
   */
  IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: z.coerce.number().gt(0).max(100).optional(),
  /** Seconds between the scanner's passes while nobody has looked at the overview for a minute: the keep-alive cadence. */
  IDEMSCOPE_SCAN_KEEPALIVE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Most keys or rows one listing request examines; a page may hold fewer items and still have a next cursor. */
  IDEMSCOPE_LIST_EXAMINE_LIMIT: z.coerce.number().int().min(100).max(100000).default(5000),
  /** Seconds the dashboard shares its Postgres counts and delivery totals between requests (0 = recompute per request). */
  IDEMSCOPE_AGGREGATE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Longest a `GET /api/v1/overview?fresh=1` waits for a keyspace pass that starts after it (a pass over 1M keys takes tens of seconds). */
  IDEMSCOPE_FRESH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  /** Operator credential; actions are impossible without it. */
  IDEMSCOPE_OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Viewer credential: read-only access. */
  IDEMSCOPE_VIEWER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Secret that signs session cookies; derived from the tokens when unset. */
  IDEMSCOPE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Turns every operator action off: the UI shows them disabled with the reason and the API answers 405. */
  IDEMSCOPE_READ_ONLY: flag,
  /** Turns sign-in off (local development only): everyone is an operator. */
  IDEMSCOPE_AUTH_DISABLED: flag,
  /** Most targets one bulk action may touch. */
  IDEMSCOPE_BULK_LIMIT: z.coerce.number().int().positive().default(10000),
  /**
   * The origin browsers reach the dashboard at (e.g. `https://idemscope.example.com`)
   * when a reverse proxy rewrites Host; mutations must come from it. Default: the request's own origin.
   */
  IDEMSCOPE_PUBLIC_ORIGIN: z.url().optional(),
  /** How long a browser session lasts before signing in again. */
  IDEMSCOPE_SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Operator actions (previews included) one user may send per minute. */
  IDEMSCOPE_ACTION_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  /**
   * Most rows one purge batch deletes; each batch is its own short transaction
   * (about 4 ms per 10,000 rows), which a consumer claiming one of those rows waits for at most.
   */
  IDEMSCOPE_PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(10000),
  /**
   * Deadlines of the store calls. With the defaults every API answers within 5 s whatever a store
   * does: a Redis call gives up after IDEMSCOPE_REDIS_TIMEOUT_MS (connecting included); a Postgres
   * call waits at most IDEMSCOPE_PG_ACQUIRE_TIMEOUT_MS for a pooled connection, then at most
   * IDEMSCOPE_PG_LOCK_TIMEOUT_MS for a lock and IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS in all.
   */
  IDEMSCOPE_REDIS_TIMEOUT_MS: ms(STORE_DEADLINES.redisMs),
  IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS: ms(STORE_DEADLINES.pgStatementMs),
  IDEMSCOPE_PG_LOCK_TIMEOUT_MS: ms(STORE_DEADLINES.pgLockMs),
  IDEMSCOPE_PG_ACQUIRE_TIMEOUT_MS: ms(STORE_DEADLINES.pgAcquireMs),
  /** Connections of the dashboard's Postgres pool. */
  IDEMSCOPE_PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Reverse proxies whose X-Forwarded-For is believed, as CIDRs (`10.0.0.0/8,::1/128`).
   * Empty: a client's address is its socket's, and X-Forwarded-For is ignored.
   */
  IDEMSCOPE_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const cidrs = v.split(',').map((s) => s.trim()).filter(Boolean);
      for (const cidr of cidrs) {
        if (!parseCidr(cidr)) ctx.addIssue(`${JSON.stringify(cidr)} is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
      }
      return cidrs;
    }),
  /** Stuck records (both stores) from which the overview's verdict says "attention". */
  IDEMSCOPE_VERDICT_STUCK_ATTENTION: z.coerce.number().int().min(1).default(VERDICT.stuckAttention),
  /** Stuck records from which the verdict says "failing". */
  IDEMSCOPE_VERDICT_STUCK_FAILING: z.coerce.number().int().min(1).default(VERDICT.stuckFailing),
  /** Duplicate rate of the last hour, in percent, from which the verdict says "attention". */
  IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION: z.coerce.number().min(0).max(100).default(VERDICT.duplicateRateAttention * 100),
  /** Duplicate rate of the last hour, in percent, from which the verdict says "failing". */
  IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING: z.coerce.number().min(0).max(100).default(VERDICT.duplicateRateFailing * 100),
  /** HTTP port of `npm start`. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
});

/**
 * Each `custom` table gets its mapping; a table without one, or a mapping of no `custom` table, is named.
 * A viewer budget below the budget is refused.
 */
const configSchema = schema.transform((config, ctx) => {
  const viewerBudget = config.IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT;
  if (viewerBudget !== undefined && viewerBudget < config.IDEMSCOPE_REDIS_BUDGET_PERCENT) {
    ctx.addIssue({ code: 'custom', path: ['IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT'], message: `must be at least IDEMSCOPE_REDIS_BUDGET_PERCENT (${config.IDEMSCOPE_REDIS_BUDGET_PERCENT})` });
  }
  const mapped = config.IDEMSCOPE_CUSTOM_COLUMNS;
  const tables = config.IDEMSCOPE_TABLES.map((t) => {
    const name = `${t.schema}.${t.table}`;
    if (t.profile !== 'custom') return t;
    const columns = mapped.get(name);
    if (!columns) ctx.addIssue({ code: 'custom', path: ['IDEMSCOPE_TABLES'], message: `"${name}=custom" needs its columns in IDEMSCOPE_CUSTOM_COLUMNS (${name}:id=…;processed=…)` });
    return columns ? { ...t, columns } : t;
  });
  for (const name of mapped.keys()) {
    if (!config.IDEMSCOPE_TABLES.some((t) => t.profile === 'custom' && `${t.schema}.${t.table}` === name)) {
      ctx.addIssue({ code: 'custom', path: ['IDEMSCOPE_CUSTOM_COLUMNS'], message: `"${name}" is not in IDEMSCOPE_TABLES as ${name}=custom` });
    }
  }
  // The mappings now live on their tables; one place to read them.
  const rest: Omit<typeof config, 'IDEMSCOPE_CUSTOM_COLUMNS'> & { IDEMSCOPE_CUSTOM_COLUMNS?: unknown } = { ...config };
  delete rest.IDEMSCOPE_CUSTOM_COLUMNS;
  return { ...rest, IDEMSCOPE_TABLES: tables };
});

export type Env = z.infer<typeof configSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default (as undefined does).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

let cached: Env | undefined;

/** The process's configuration, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * Idemscope's own schema, validated like the rest of the environment. Read
 * without parsing (and caching) everything else, because the database
 * clients of tests and scripts are created before their environment is final.
 */
export function ownSchemaName(): string {
  if (cached) return cached.IDEMSCOPE_SCHEMA;
  const parsed = ownSchema.safeParse(process.env.IDEMSCOPE_SCHEMA || undefined);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `IDEMSCOPE_SCHEMA: ${i.message}`));
  return parsed.data;
}
