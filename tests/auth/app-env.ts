import { SOCKET_ADDRESS_HEADER, socketAddressHeaderValue } from '../../lib/http/node-guard';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { TEST_REDIS_URL, testPrefix } from '../helpers/redis-client';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789abcdef';
export const VIEWER_TOKEN = 'test-viewer-token-0123456789abcdef';
export const ORIGIN = 'http://dash.test:3000';

/**
 * Points the app's own singletons (env(), prisma(), redis()) at a database
 * and key prefix of this test file's own. Must run before the first request,
 * since env() is parsed once per process.
 */
export async function useAppEnvironment(label: string, extra: Record<string, string> = {}): Promise<{ database: TestDatabase; prefix: string }> {
  const database = await createTestDatabase(label);
  const prefix = testPrefix(label);
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    IDEMSCOPE_KEY_PATTERNS: `${prefix}idempotency:*`,
    IDEMSCOPE_STATS_PREFIX: `${prefix}stats:`,
    IDEMSCOPE_OPERATOR_TOKEN: OPERATOR_TOKEN,
    IDEMSCOPE_VIEWER_TOKEN: VIEWER_TOKEN,
    IDEMSCOPE_SESSION_SECRET: '',
    IDEMSCOPE_READ_ONLY: '0',
    IDEMSCOPE_AUTH_DISABLED: '0',
    IDEMSCOPE_BULK_LIMIT: '50',
    IDEMSCOPE_ACTION_RATE_LIMIT: '30',
    ...extra,
  });
  return { database, prefix };
}

type Headers = Record<string, string>;

/** What a same-origin fetch from the dashboard's own page carries. */
export const sameOrigin: Headers = { origin: ORIGIN, 'sec-fetch-site': 'same-origin' };

export function bearer(token: string): Headers {
  return { authorization: `Bearer ${token}` };
}

export function post(path: string, body: unknown, headers: Headers = {}): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { host: 'dash.test:3000', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(path: string, headers: Headers = {}): Request {
  return new Request(`${ORIGIN}${path}`, { headers: { host: 'dash.test:3000', ...headers } });
}

/** The route params Next hands a dynamic route. */
export const params = <P extends Record<string, string>>(values: P) => ({ params: Promise.resolve(values) });

/** What a request that came through the app's HTTP server from `address` carries (see lib/http/node-guard.ts). */
export function fromSocket(address: string): Headers {
  return { [SOCKET_ADDRESS_HEADER]: socketAddressHeaderValue(address) };
}
