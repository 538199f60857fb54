/**
 * The e2e run's fixed environment: its own database, its own Redis prefix and
 * known tokens, so the suite never reads or writes anyone else's data.
 */
export const E2E_PORT = 3100;
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

const POSTGRES_BASE = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const E2E_DATABASE_URL = (() => {
  const url = new URL(POSTGRES_BASE);
  // Overridable so that a branch whose migrations differ can run without touching the shared e2e database.
  url.pathname = `/${process.env.IDEMSCOPE_E2E_DATABASE ?? 'idemscope_e2e'}`;
  return url.toString();
})();
/**
 * A Redis database of the suite's own: a shared db 0 may hold millions of
 * other keys (benchmarks, other services), which the dashboard's bounded
 * SCAN pages would have to wade through before reaching the seeded ones.
 */
export const E2E_REDIS_DB = 12;
export const E2E_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = `/${E2E_REDIS_DB}`;
  return url.toString();
})();

/** Everything the suite writes to Redis lives under this prefix. */
export const E2E_REDIS_PREFIX = 'e2e:';
export const E2E_KEY_PATTERNS = 'e2e:idempotency:*=plain,e2e:pt:*=powertools';
export const E2E_STATS_PREFIX = 'e2e:stats:';

export const OPERATOR_TOKEN = 'e2e-operator-token-0123456789';
export const VIEWER_TOKEN = 'e2e-viewer-token-0123456789';

/** An hour, so that records seeded as fresh cannot turn stuck during a slow run. */
export const E2E_STUCK_AFTER_SECONDS = 3600;
export const E2E_PLAIN_LOCK_TTL_SECONDS = 86400;
export const E2E_RETENTION_HOURS = 72;

export const AUTH_FILES = {
  operator: 'e2e/.auth/operator.json',
  viewer: 'e2e/.auth/viewer.json',
} as const;

/** The server's environment; also what a developer exports to run the server by hand against the e2e data. */
export const E2E_SERVER_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  PORT: String(E2E_PORT),
  DATABASE_URL: E2E_DATABASE_URL,
  REDIS_URL: E2E_REDIS_URL,
  IDEMSCOPE_KEY_PATTERNS: E2E_KEY_PATTERNS,
  IDEMSCOPE_STATS_PREFIX: E2E_STATS_PREFIX,
  IDEMSCOPE_STUCK_AFTER_SECONDS: String(E2E_STUCK_AFTER_SECONDS),
  IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS: String(E2E_PLAIN_LOCK_TTL_SECONDS),
  IDEMSCOPE_RETENTION_HOURS: String(E2E_RETENTION_HOURS),
  IDEMSCOPE_SCAN_INTERVAL_SECONDS: '2',
  IDEMSCOPE_OPERATOR_TOKEN: OPERATOR_TOKEN,
  IDEMSCOPE_VIEWER_TOKEN: VIEWER_TOKEN,
  IDEMSCOPE_SESSION_SECRET: 'e2e-session-secret-0123456789abcdef0123456789',
  IDEMSCOPE_AUTH_DISABLED: '0',
  IDEMSCOPE_READ_ONLY: '0',
};
