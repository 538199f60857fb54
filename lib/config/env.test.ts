import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, env, ownSchemaName, parseEnv } from './env';
import { dashboardConfigFromEnv } from '../dashboard/config';

/** The issues a bad environment is refused with, or [] when it is accepted. */
function issues(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
}

describe('parseEnv', () => {
  it('works on this machine with no variables at all', () => {
    const config = parseEnv({});
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/idemscope');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.IDEMSCOPE_KEY_PATTERNS).toEqual([{ pattern: 'idempotency:*', format: 'plain', declared: true }]);
    expect(config.IDEMSCOPE_STUCK_AFTER_SECONDS).toBe(300);
    expect(config.IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS).toBe(86400);
    expect(config.IDEMSCOPE_RETENTION_HOURS).toBe(72);
    expect(config.PORT).toBe(3000);
    expect(config.IDEMSCOPE_READ_ONLY).toBe(false);
  });

  it('gives every store call a deadline that keeps an answer under 5 s, and lets each be set', () => {
    const config = parseEnv({});
    expect(config.IDEMSCOPE_REDIS_TIMEOUT_MS).toBe(2000);
    expect(config.IDEMSCOPE_PG_ACQUIRE_TIMEOUT_MS + config.IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS).toBeLessThan(5000);
    expect(config.IDEMSCOPE_PG_LOCK_TIMEOUT_MS).toBeLessThan(config.IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS);
    expect(config.IDEMSCOPE_PG_POOL_SIZE).toBe(10);
    const set = parseEnv({ IDEMSCOPE_REDIS_TIMEOUT_MS: '500', IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS: '10000', IDEMSCOPE_PG_POOL_SIZE: '3' });
    expect([set.IDEMSCOPE_REDIS_TIMEOUT_MS, set.IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS, set.IDEMSCOPE_PG_POOL_SIZE]).toEqual([500, 10000, 3]);
    expect(() => parseEnv({ IDEMSCOPE_REDIS_TIMEOUT_MS: '0' })).toThrow(/IDEMSCOPE_REDIS_TIMEOUT_MS/);
  });

  it('budgets the scanner 2 % of Redis\'s CPU by default, accepts a fraction of a percent, and refuses 0 or more than 100', () => {
    expect(parseEnv({}).IDEMSCOPE_REDIS_BUDGET_PERCENT).toBe(2);
    expect(parseEnv({ IDEMSCOPE_REDIS_BUDGET_PERCENT: '0.5' }).IDEMSCOPE_REDIS_BUDGET_PERCENT).toBe(0.5);
    for (const bad of ['0', '-1', '101', 'lots']) {
      expect(() => parseEnv({ IDEMSCOPE_REDIS_BUDGET_PERCENT: bad }), bad).toThrow(/IDEMSCOPE_REDIS_BUDGET_PERCENT/);
    }
    expect(parseEnv({}).IDEMSCOPE_SCAN_KEEPALIVE_SECONDS).toBe(600);
  });

  it('gives a viewer 10 % of Redis\'s CPU by default (the budget, if larger), and refuses a viewer budget below the budget', () => {
    const viewerBudget = (source: Record<string, string>) => dashboardConfigFromEnv(parseEnv(source)).redisViewerBudgetPercent;
    expect(viewerBudget({})).toBe(10);
    expect(viewerBudget({ IDEMSCOPE_REDIS_BUDGET_PERCENT: '25' })).toBe(25);
    expect(viewerBudget({ IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: '2' })).toBe(2);
    expect(viewerBudget({ IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: '100' })).toBe(100);
    expect(() => parseEnv({ IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: '1.99' })).toThrow(/IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: must be at least IDEMSCOPE_REDIS_BUDGET_PERCENT \(2\)/);
    for (const bad of ['0', '100.01', 'lots']) {
      expect(() => parseEnv({ IDEMSCOPE_REDIS_BUDGET_PERCENT: '0.01', IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT: bad }), bad).toThrow(/IDEMSCOPE_REDIS_VIEWER_BUDGET_PERCENT/);
    }
  });

  it('splits key patterns and treats empty strings as unset', () => {
    const config = parseEnv({ IDEMSCOPE_KEY_PATTERNS: ' idempotency:* , *#* ', PORT: '' });
    expect(config.IDEMSCOPE_KEY_PATTERNS).toEqual([
      { pattern: 'idempotency:*', format: 'auto', declared: false },
      { pattern: '*#*', format: 'auto', declared: false },
    ]);
    expect(config.PORT).toBe(3000);
  });

  it('reads `pattern=format` entries, the format after the last =', () => {
    const config = parseEnv({ IDEMSCOPE_KEY_PATTERNS: 'bull:*:de:*=bullmq, node-idempotency:*=node-idempotency,a=b:*=auto' });
    expect(config.IDEMSCOPE_KEY_PATTERNS).toEqual([
      { pattern: 'bull:*:de:*', format: 'bullmq', declared: true },
      { pattern: 'node-idempotency:*', format: 'node-idempotency', declared: true },
      { pattern: 'a=b:*', format: 'auto', declared: true },
    ]);
  });

  it('names each bad key pattern entry', () => {
    let error: unknown;
    try {
      parseEnv({ IDEMSCOPE_KEY_PATTERNS: 'ok:*=plain,jobs:*=sidekiq,=plain' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      'IDEMSCOPE_KEY_PATTERNS: entry "jobs:*=sidekiq": unknown format "sidekiq"; one of auto, plain, idemscope, powertools, bullmq, node-idempotency',
      'IDEMSCOPE_KEY_PATTERNS: entry "=plain": has no pattern before the format',
    ]);
  });

  it('keeps its own state in the idemscope schema and watches public.processed_messages by default', () => {
    const config = parseEnv({});
    expect(config.IDEMSCOPE_SCHEMA).toBe('idemscope');
    expect(config.IDEMSCOPE_TABLES).toEqual([{ schema: 'public', table: 'processed_messages' }]);
  });

  it('reads watched tables with an optional profile each', () => {
    const config = parseEnv({ IDEMSCOPE_SCHEMA: 'observability', IDEMSCOPE_TABLES: 'public.processed_messages=recipe, billing.dedup ,orders.seen=library' });
    expect(config.IDEMSCOPE_SCHEMA).toBe('observability');
    expect(config.IDEMSCOPE_TABLES).toEqual([
      { schema: 'public', table: 'processed_messages', profile: 'recipe' },
      { schema: 'billing', table: 'dedup' },
      { schema: 'orders', table: 'seen', profile: 'library' },
    ]);
  });

  it('refuses a schema that is not its own identifier, and table entries it cannot read, naming each', () => {
    for (const bad of ['public', 'pg_temp', 'Idem Scope', 'x;drop', 'a'.repeat(64)]) {
      expect(() => parseEnv({ IDEMSCOPE_SCHEMA: bad }), bad).toThrow(/IDEMSCOPE_SCHEMA/);
    }
    expect(() => parseEnv({ IDEMSCOPE_TABLES: 'processed_messages' })).toThrow(/"processed_messages" is not schema\.table/);
    expect(() => parseEnv({ IDEMSCOPE_TABLES: 'public.t=magic' })).toThrow(/profile must be one of/);
    expect(() => parseEnv({ IDEMSCOPE_TABLES: 'public."t"' })).toThrow(/IDEMSCOPE_TABLES/);
    expect(() => parseEnv({ IDEMSCOPE_TABLES: 'public.t,public.t' })).toThrow(/listed twice/);
  });

  it('maps the columns of a custom table, each table by name, with default or mapped status values', () => {
    const config = parseEnv({
      IDEMSCOPE_TABLES: 'public.inbox=custom,ops.seen=custom,public.processed_messages',
      IDEMSCOPE_CUSTOM_COLUMNS:
        'public.inbox:id=msg_id;processed=handled_at;result=outcome;status=state;lease=locked_until;consumer=handler;expires=expires_at;status_values=processing:in_progress|completed:done|failed:error, ops.seen: id=event_id ; processed=seen_at',
    });
    expect(config.IDEMSCOPE_TABLES).toEqual([
      {
        schema: 'public',
        table: 'inbox',
        profile: 'custom',
        columns: {
          id: 'msg_id',
          processed: 'handled_at',
          result: 'outcome',
          status: 'state',
          lease: 'locked_until',
          consumer: 'handler',
          expires: 'expires_at',
          statusValues: { processing: 'in_progress', completed: 'done', failed: 'error' },
        },
      },
      { schema: 'ops', table: 'seen', profile: 'custom', columns: { id: 'event_id', processed: 'seen_at', statusValues: { processing: 'processing', completed: 'completed', failed: 'failed' } } },
      { schema: 'public', table: 'processed_messages' },
    ]);
    expect(config).not.toHaveProperty('IDEMSCOPE_CUSTOM_COLUMNS');
    // Only the states named are mapped; the others keep their defaults.
    const partial = parseEnv({ IDEMSCOPE_TABLES: 'public.inbox=custom', IDEMSCOPE_CUSTOM_COLUMNS: 'public.inbox:id=id;processed=at;status=s;status_values=completed:ok' });
    expect(partial.IDEMSCOPE_TABLES[0]!.columns!.statusValues).toEqual({ processing: 'processing', completed: 'ok', failed: 'failed' });
  });

  it('refuses a custom mapping it cannot use, naming the variable, the table and the column or role', () => {
    const fails = (mapping: string, tables = 'public.inbox=custom') => expect(() => parseEnv({ IDEMSCOPE_TABLES: tables, IDEMSCOPE_CUSTOM_COLUMNS: mapping }), mapping);
    fails('public.inbox:id=msg_id').toThrow(/IDEMSCOPE_CUSTOM_COLUMNS: public\.inbox: needs processed=<column>/);
    fails('public.inbox:processed=at').toThrow(/public\.inbox: needs id=<column>/);
    fails('public.inbox:id=msg_id;processed=at;owner=who').toThrow(/"owner=who" is not role=column/);
    fails('public.inbox:id=msg_id;processed="at"').toThrow(/column "\"at\"" for processed must be a plain lower-case identifier/);
    fails('public.inbox:id=msg_id;processed=at;result=x;drop table').toThrow(/"drop table" is not role=column/);
    fails('public.inbox:id=msg_id;processed=at;lease=At').toThrow(/column "At" for lease/);
    fails('public.inbox:id=msg_id;processed=msg_id').toThrow(/column msg_id is mapped to two roles/);
    fails('public.inbox:id=a;id=b;processed=at').toThrow(/id is mapped twice/);
    fails('public.inbox:id=a;processed=at;status_values=completed:done').toThrow(/status_values needs a status=<column>/);
    fails("public.inbox:id=a;processed=at;status=s;status_values=completed:it's").toThrow(/status value "it's" for completed/);
    fails('public.inbox:id=a;processed=at;status=s;status_values=finished:done').toThrow(/"finished:done" is not state:value/);
    fails('public.inbox:id=a;processed=at;status=s;status_values=completed:x|failed:x').toThrow(/three different values/);
    fails('public.inbox:id=a;processed=at;status=s;status_values=failed:x|failed:y').toThrow(/names failed twice/);
    fails('inbox:id=a;processed=at').toThrow(/"inbox:id=a;processed=at" is not schema\.table:role=column/);
    fails('public.inbox').toThrow(/is not schema\.table:role=column/);
    fails('public.inbox:id=a;processed=at,public.inbox:id=b;processed=at').toThrow(/"public\.inbox" is mapped twice/);
    // The two variables must agree: every custom table mapped, every mapping a custom table's.
    fails('public.other:id=a;processed=at').toThrow(/IDEMSCOPE_TABLES: "public\.inbox=custom" needs its columns in IDEMSCOPE_CUSTOM_COLUMNS/);
    fails('public.inbox:id=a;processed=at', 'public.inbox').toThrow(/IDEMSCOPE_CUSTOM_COLUMNS: "public\.inbox" is not in IDEMSCOPE_TABLES as public\.inbox=custom/);
    expect(() => parseEnv({ IDEMSCOPE_TABLES: 'public.inbox=custom' })).toThrow(/needs its columns in IDEMSCOPE_CUSTOM_COLUMNS/);
  });

  it('reads REDIS_CLUSTER_URLS as the seed nodes of a cluster, unset meaning a single node', () => {
    expect(parseEnv({}).REDIS_CLUSTER_URLS).toBeUndefined();
    expect(parseEnv({ REDIS_CLUSTER_URLS: ' ' }).REDIS_CLUSTER_URLS).toBeUndefined();
    const config = parseEnv({ REDIS_CLUSTER_URLS: 'redis://127.0.0.1:7000, redis://127.0.0.1:7001' });
    expect(config.REDIS_CLUSTER_URLS).toEqual(['redis://127.0.0.1:7000', 'redis://127.0.0.1:7001']);
    expect(config.IDEMSCOPE_CLUSTER_SLOT_GROUPS).toBe(16);
    expect(() => parseEnv({ REDIS_CLUSTER_URLS: 'redis://127.0.0.1:7000/3' })).toThrow(/REDIS_CLUSTER_URLS.*only db 0/s);
    expect(() => parseEnv({ REDIS_CLUSTER_URLS: 'http://127.0.0.1:7000' })).toThrow(/REDIS_CLUSTER_URLS/);
    expect(() => parseEnv({ IDEMSCOPE_CLUSTER_SLOT_GROUPS: '0' })).toThrow(/IDEMSCOPE_CLUSTER_SLOT_GROUPS/);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: 'eighty', IDEMSCOPE_STUCK_AFTER_SECONDS: '-5', REDIS_URL: 'not a url', IDEMSCOPE_READ_ONLY: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    for (const name of ['PORT', 'IDEMSCOPE_STUCK_AFTER_SECONDS', 'REDIS_URL', 'IDEMSCOPE_READ_ONLY']) {
      expect(issues).toContain(name);
    }
    expect((error as ConfigError).issues).toHaveLength(4);
  });

  it('reads a flag as on only for 1 or true, and as off for 0, false or unset', () => {
    for (const on of ['1', 'true']) expect(parseEnv({ IDEMSCOPE_READ_ONLY: on, IDEMSCOPE_AUTH_DISABLED: on })).toMatchObject({ IDEMSCOPE_READ_ONLY: true, IDEMSCOPE_AUTH_DISABLED: true });
    for (const off of ['0', 'false', '']) expect(parseEnv({ IDEMSCOPE_READ_ONLY: off, IDEMSCOPE_AUTH_DISABLED: off })).toMatchObject({ IDEMSCOPE_READ_ONLY: false, IDEMSCOPE_AUTH_DISABLED: false });
  });

  it('reads the verdict thresholds, rates in percent, and refuses a rate above 100', () => {
    const defaults = parseEnv({});
    expect([
      defaults.IDEMSCOPE_VERDICT_STUCK_ATTENTION,
      defaults.IDEMSCOPE_VERDICT_STUCK_FAILING,
      defaults.IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION,
      defaults.IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING,
    ]).toEqual([1, 100, 10, 30]);
    const set = parseEnv({ IDEMSCOPE_VERDICT_STUCK_FAILING: '500', IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION: '2.5' });
    expect(set.IDEMSCOPE_VERDICT_STUCK_FAILING).toBe(500);
    expect(set.IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION).toBe(2.5);
    expect(() => parseEnv({ IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING: '150' })).toThrow(/IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING/);
  });

  it('reads IDEMSCOPE_READ_ONLY=true as read-only and false as writable, and refuses yes, naming the variable', () => {
    expect(parseEnv({ IDEMSCOPE_READ_ONLY: 'true' }).IDEMSCOPE_READ_ONLY).toBe(true);
    expect(parseEnv({ IDEMSCOPE_READ_ONLY: 'false' }).IDEMSCOPE_READ_ONLY).toBe(false);
    expect(parseEnv({ IDEMSCOPE_READ_ONLY: '1' }).IDEMSCOPE_AUTH_DISABLED).toBe(false);
    for (const bad of ['yes', 'TRUE', 'on', ' 1']) {
      expect(issues({ IDEMSCOPE_READ_ONLY: bad }), bad).toEqual([expect.stringMatching(/^IDEMSCOPE_READ_ONLY: /)]);
    }
  });

  it('says which variables are bad in its message, one per line', () => {
    expect(() => parseEnv({ PORT: '0', IDEMSCOPE_AUTH_DISABLED: 'yes' })).toThrow(/^Invalid configuration:\n {2}- IDEMSCOPE_AUTH_DISABLED: .+\n {2}- PORT: .+$/);
  });

  it('reads comma-separated lists with blanks around entries and empty entries ignored, and refuses a list of none', () => {
    expect(parseEnv({}).IDEMSCOPE_MASK_FIELDS).toEqual(['password', 'secret', 'token', 'authorization', 'cardNumber', 'card_number', 'cvv', 'iban', 'ssn', 'email']);
    expect(parseEnv({ IDEMSCOPE_MASK_FIELDS: ' pin , ,otp,' }).IDEMSCOPE_MASK_FIELDS).toEqual(['pin', 'otp']);
    expect(issues({ IDEMSCOPE_MASK_FIELDS: ' , ' })).toEqual(['IDEMSCOPE_MASK_FIELDS: needs at least one entry']);
    expect(issues({ IDEMSCOPE_KEY_PATTERNS: ',' })).toEqual(['IDEMSCOPE_KEY_PATTERNS: needs at least one entry']);
  });

  it('keeps its own state in any plain identifier but public, information_schema or pg_*', () => {
    for (const ok of ['my_pg_', 'idemscope2', '_x', 'a'.repeat(63)]) expect(parseEnv({ IDEMSCOPE_SCHEMA: ok }).IDEMSCOPE_SCHEMA, ok).toBe(ok);
    const notOwn = "IDEMSCOPE_SCHEMA: must be a schema of Idemscope's own, not public or a system schema";
    for (const bad of ['public', 'information_schema', 'pg_catalog']) expect(issues({ IDEMSCOPE_SCHEMA: bad }), bad).toEqual([notOwn]);
    for (const bad of ['9lives', 'Idemscope', 'idem-scope', 'x\n']) {
      expect(issues({ IDEMSCOPE_SCHEMA: bad }), bad).toEqual(['IDEMSCOPE_SCHEMA: must be a plain lower-case identifier (a-z, 0-9, _; at most 63 characters)']);
    }
  });

  it('refuses each watched table entry it cannot read with a reason of its own, and a list of none', () => {
    const shape = (entry: string) => `IDEMSCOPE_TABLES: "${entry}" is not schema.table or schema.table=profile (plain lower-case identifiers)`;
    for (const bad of ['a.b=recipe=library', 'a.b.c', 'a.B', 'A.b']) expect(issues({ IDEMSCOPE_TABLES: `x.y,${bad}` }), bad).toEqual([shape(bad)]);
    expect(issues({ IDEMSCOPE_TABLES: 'x.y,a.b=' })).toEqual(['IDEMSCOPE_TABLES: "a.b=": profile must be one of recipe, library, stripe-keys, custom']);
    expect(issues({ IDEMSCOPE_TABLES: 'a.b, a.b=recipe' })).toEqual(['IDEMSCOPE_TABLES: "a.b" is listed twice']);
    expect(issues({ IDEMSCOPE_TABLES: ' , ' })).toEqual(['IDEMSCOPE_TABLES: needs at least one table']);
    expect(parseEnv({ IDEMSCOPE_TABLES: 'a.b = stripe-keys, a.c, b.b' }).IDEMSCOPE_TABLES).toEqual([
      { schema: 'a', table: 'b', profile: 'stripe-keys' },
      { schema: 'a', table: 'c' },
      { schema: 'b', table: 'b' },
    ]);
  });

  it('takes cluster seeds as redis:// or rediss:// host[:port] URLs, with no path or database', () => {
    expect(parseEnv({ REDIS_CLUSTER_URLS: 'rediss://node-1:7000,redis://node-2/,redis://node-3' }).REDIS_CLUSTER_URLS).toEqual(['rediss://node-1:7000', 'redis://node-2/', 'redis://node-3']);
    for (const bad of ['xredis://h:7000', 'redis://h:7000/x', 'redis://', 'redis://h h:7000']) {
      expect(issues({ REDIS_CLUSTER_URLS: bad }), bad).toEqual([`REDIS_CLUSTER_URLS: "${bad}" is not a redis:// or rediss:// URL of a node (host:port, no database: a cluster has only db 0)`]);
    }
  });

  it('takes trusted proxies as CIDRs or addresses, naming each entry that is neither', () => {
    expect(parseEnv({}).IDEMSCOPE_TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ IDEMSCOPE_TRUSTED_PROXIES: ' 10.0.0.0/8 ,, fd00::/8,192.0.2.1' }).IDEMSCOPE_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.1']);
    expect(issues({ IDEMSCOPE_TRUSTED_PROXIES: '10.0.0.0/8,proxy.local' })).toEqual(['IDEMSCOPE_TRUSTED_PROXIES: "proxy.local" is not a CIDR such as 10.0.0.0/8 or fd00::/8']);
  });

  it('needs tokens of at least 16 characters and a session secret of at least 32', () => {
    expect(parseEnv({ IDEMSCOPE_OPERATOR_TOKEN: 'o'.repeat(16), IDEMSCOPE_VIEWER_TOKEN: 'v'.repeat(16), IDEMSCOPE_SESSION_SECRET: 's'.repeat(32) })).toMatchObject({
      IDEMSCOPE_OPERATOR_TOKEN: 'o'.repeat(16),
      IDEMSCOPE_VIEWER_TOKEN: 'v'.repeat(16),
      IDEMSCOPE_SESSION_SECRET: 's'.repeat(32),
    });
    expect(issues({ IDEMSCOPE_OPERATOR_TOKEN: 'o'.repeat(15), IDEMSCOPE_VIEWER_TOKEN: 'v'.repeat(15), IDEMSCOPE_SESSION_SECRET: 's'.repeat(31) })).toEqual([
      'IDEMSCOPE_OPERATOR_TOKEN: must be at least 16 characters',
      'IDEMSCOPE_VIEWER_TOKEN: must be at least 16 characters',
      'IDEMSCOPE_SESSION_SECRET: must be at least 32 characters',
    ]);
  });

  it('takes each bounded number at both of its bounds and refuses it one step beyond, naming the variable', () => {
    const bounds: [name: string, lowest: number, highest: number | null, step: number][] = [
      ['IDEMSCOPE_CLUSTER_SLOT_GROUPS', 1, 1024, 1],
      ['IDEMSCOPE_STUCK_AFTER_SECONDS', 1, null, 1],
      ['IDEMSCOPE_SCAN_COUNT', 10, 10000, 1],
      ['IDEMSCOPE_SCAN_INTERVAL_SECONDS', 1, null, 1],
      ['IDEMSCOPE_SCAN_STEP_PAUSE_MS', 0, 1000, 1],
      ['IDEMSCOPE_REDIS_BUDGET_PERCENT', 0.01, 100, 0.01],
      ['IDEMSCOPE_SCAN_KEEPALIVE_SECONDS', 1, 86_400, 1],
      ['IDEMSCOPE_LIST_EXAMINE_LIMIT', 100, 100_000, 1],
      ['IDEMSCOPE_AGGREGATE_CACHE_SECONDS', 0, 300, 1],
      ['IDEMSCOPE_FRESH_TIMEOUT_SECONDS', 1, 3600, 1],
      ['IDEMSCOPE_BULK_LIMIT', 1, null, 1],
      ['IDEMSCOPE_SESSION_TTL_HOURS', 1, 720, 1],
      ['IDEMSCOPE_ACTION_RATE_LIMIT', 1, null, 1],
      ['IDEMSCOPE_PURGE_BATCH_SIZE', 1, 10_000, 1],
      ['IDEMSCOPE_REDIS_TIMEOUT_MS', 50, 60_000, 1],
      ['IDEMSCOPE_PG_STATEMENT_TIMEOUT_MS', 50, 60_000, 1],
      ['IDEMSCOPE_PG_LOCK_TIMEOUT_MS', 50, 60_000, 1],
      ['IDEMSCOPE_PG_ACQUIRE_TIMEOUT_MS', 50, 60_000, 1],
      ['IDEMSCOPE_PG_POOL_SIZE', 1, 100, 1],
      ['IDEMSCOPE_VERDICT_STUCK_ATTENTION', 1, null, 1],
      ['IDEMSCOPE_VERDICT_STUCK_FAILING', 1, null, 1],
      ['IDEMSCOPE_VERDICT_DUPLICATE_RATE_ATTENTION', 0, 100, 0.5],
      ['IDEMSCOPE_VERDICT_DUPLICATE_RATE_FAILING', 0, 100, 0.5],
      ['PORT', 1, 65535, 1],
    ];
    for (const [name, lowest, highest, step] of bounds) {
      const read = (value: number) => (parseEnv({ [name]: String(value) }) as unknown as Record<string, number>)[name];
      expect(read(lowest), `${name}=${lowest}`).toBe(lowest);
      expect(read(lowest + 1), `${name}=${lowest + 1}`).toBe(lowest + 1);
      expect(issues({ [name]: String(lowest - step) }), `${name}=${lowest - step}`).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
      if (highest === null) continue;
      expect(read(highest), `${name}=${highest}`).toBe(highest);
      expect(read(highest - 1), `${name}=${highest - 1}`).toBe(highest - 1);
      expect(issues({ [name]: String(highest + step) }), `${name}=${highest + step}`).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    }
  });

  it('keeps the library\'s counters under idemscope:stats: unless told otherwise', () => {
    expect(parseEnv({}).IDEMSCOPE_STATS_PREFIX).toBe('idemscope:stats:');
    expect(parseEnv({ IDEMSCOPE_STATS_PREFIX: 'svc:stats:' }).IDEMSCOPE_STATS_PREFIX).toBe('svc:stats:');
  });

  it('raises a ConfigError by that name, for the start-up message', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: '0' });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).name).toBe('ConfigError');
  });

  it('reads a variable that is present but undefined as unset', () => {
    expect(parseEnv({ PORT: undefined, IDEMSCOPE_SCHEMA: undefined })).toMatchObject({ PORT: 3000, IDEMSCOPE_SCHEMA: 'idemscope' });
  });
});

describe('the process\'s own schema and configuration', () => {
  const saved = process.env.IDEMSCOPE_SCHEMA;
  afterEach(() => {
    if (saved === undefined) delete process.env.IDEMSCOPE_SCHEMA;
    else process.env.IDEMSCOPE_SCHEMA = saved;
  });

  it('reads IDEMSCOPE_SCHEMA alone before the configuration is parsed, empty meaning the default, and refuses a bad one by name', () => {
    process.env.IDEMSCOPE_SCHEMA = '';
    expect(ownSchemaName()).toBe('idemscope');
    process.env.IDEMSCOPE_SCHEMA = 'observability';
    expect(ownSchemaName()).toBe('observability');
    process.env.IDEMSCOPE_SCHEMA = 'public';
    expect(() => ownSchemaName()).toThrow(ConfigError);
    expect(() => ownSchemaName()).toThrow(/IDEMSCOPE_SCHEMA: must be a schema of Idemscope's own/);
  });

  it('parses the environment once: later changes to it are not read, the schema included', () => {
    process.env.IDEMSCOPE_SCHEMA = 'first_schema';
    const first = env();
    process.env.IDEMSCOPE_SCHEMA = 'second_schema';
    expect(env()).toBe(first);
    expect(ownSchemaName()).toBe(first.IDEMSCOPE_SCHEMA);
  });
});
