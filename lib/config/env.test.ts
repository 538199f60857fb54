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
