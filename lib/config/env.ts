import { z } from 'zod';
import { DEFAULT_VERDICT_THRESHOLDS as VERDICT } from '../contract/read';

/** Raised once at start-up, listing every bad variable rather than the first one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true');
const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string()).min(1, 'needs at least one entry'));

const schema = z.object({
  /** PostgreSQL holding processed_messages and delivery_stats. */
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/idemscope'),
  /** Redis holding dedup keys. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** SCAN patterns that hold dedup keys, comma-separated. */
  IDEMSCOPE_KEY_PATTERNS: csv('idempotency:*'),
  /** An in-flight record older than this is stuck. */
  IDEMSCOPE_STUCK_AFTER_SECONDS: seconds(300),
  /** The EX plain-format keys were claimed with; their age is this minus the remaining TTL. */
  IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS: seconds(86400),
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

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
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
