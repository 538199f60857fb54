import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env';

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
});
