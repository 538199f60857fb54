import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env';

describe('parseEnv', () => {
  it('works on this machine with no variables at all', () => {
    const config = parseEnv({});
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/idemscope');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.IDEMSCOPE_KEY_PATTERNS).toEqual(['idempotency:*']);
    expect(config.IDEMSCOPE_STUCK_AFTER_SECONDS).toBe(300);
    expect(config.IDEMSCOPE_PLAIN_LOCK_TTL_SECONDS).toBe(86400);
    expect(config.IDEMSCOPE_RETENTION_HOURS).toBe(72);
    expect(config.PORT).toBe(3000);
    expect(config.IDEMSCOPE_READ_ONLY).toBe(false);
  });

  it('splits key patterns and treats empty strings as unset', () => {
    const config = parseEnv({ IDEMSCOPE_KEY_PATTERNS: ' idempotency:* , *#* ', PORT: '' });
    expect(config.IDEMSCOPE_KEY_PATTERNS).toEqual(['idempotency:*', '*#*']);
    expect(config.PORT).toBe(3000);
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
});
