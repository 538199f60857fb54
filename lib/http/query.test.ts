import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidParameterError } from '../errors';
import {
  MAX_DURATION_SECONDS,
  MAX_INSTANT_MS,
  bigintIdParam,
  durationParam,
  flagParam,
  instantParam,
  limitParam,
  parseKeySearch,
  parseListingWindow,
  parseQuery,
  parseRange,
  parseWith,
} from './query';

const url = (query: string) => new URL(`http://dash.test/api/v1/x?${query}`);

/** The refusal's text (`name: problem`), or null when the value is accepted. */
function refusal(fn: () => unknown): string | null {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameterError);
    return (error as Error).message;
  }
  return null;
}

const DAY = 86_400;

describe('parseQuery', () => {
  it('reads one value per name, an empty value as absent, and ignores names it was not asked for', () => {
    const shape = { limit: limitParam(50, 500), search: z.string().optional() };
    expect(parseQuery(url('limit=7&search=&other=1'), shape)).toEqual({ limit: 7 });
    expect(parseQuery(url('limit=&search=abc'), shape)).toEqual({ limit: 50, search: 'abc' });
  });

  it('refuses with a 400 naming the first bad parameter', () => {
    const error = (() => {
      try {
        parseQuery(url('limit=0'), { limit: limitParam(50, 500) });
      } catch (caught) {
        return caught as InvalidParameterError;
      }
    })();
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error!.parameter).toBe('limit');
    expect(error!.status).toBe(400);
  });

  it('names the query itself when a problem belongs to no one parameter', () => {
    const whole = z.string().refine(() => false, 'never');
    expect(refusal(() => parseWith(whole, 'x'))).toBe('query: never');
  });
});

describe('a page size', () => {
  it('is a whole number from 1 to its maximum, its default when absent', () => {
    const shape = { limit: limitParam(50, 500) };
    expect(parseQuery(url(''), shape).limit).toBe(50);
    expect(parseQuery(url('limit=1'), shape).limit).toBe(1);
    expect(parseQuery(url('limit=500'), shape).limit).toBe(500);
    for (const bad of ['0', '501', '2.5', 'ten']) expect(refusal(() => parseQuery(url(`limit=${bad}`), shape)), bad).toMatch(/^limit: /);
  });
});

describe('a flag parameter', () => {
  it('is on for 1 or true, off for 0, false or absent, and names the four values it takes otherwise', () => {
    const shape = { fresh: flagParam };
    expect(['1', 'true', '0', 'false', ''].map((v) => parseQuery(url(`fresh=${v}`), shape).fresh)).toEqual([true, true, false, false, false]);
    expect(refusal(() => parseQuery(url('fresh=yes'), shape))).toBe('fresh: must be 1, 0, true or false');
  });
});

describe('an instant parameter', () => {
  const at = (v: string) => instantParam.safeParse(v);

  it('reads ISO-8601 with an offset, or epoch milliseconds, as epoch milliseconds', () => {
    expect(at('2026-01-02T03:04:05Z').data).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(at('2026-01-02T03:04:05+01:00').data).toBe(Date.UTC(2026, 0, 2, 2, 4, 5));
    expect(at('1700000000000').data).toBe(1_700_000_000_000);
    expect(at('0').data).toBe(0);
  });

  it('refuses a date without a time, words, and numbers that are not whole milliseconds', () => {
    for (const bad of ['2026-01-02', 'yesterday', '1.5', '-1', '1e3', 'T2026-01-02T03:04:05Z', '+002026-01-02T00:00:00Z', '']) {
      expect(at(bad).error?.issues[0]?.message, bad).toBe('must be an ISO-8601 timestamp or epoch milliseconds');
    }
  });

  it('takes instants from 1970 to the last millisecond of 9999, and nothing after', () => {
    expect(at(String(MAX_INSTANT_MS)).data).toBe(MAX_INSTANT_MS);
    expect(at('9999-12-31T23:59:59.999Z').data).toBe(MAX_INSTANT_MS);
    expect(at(String(MAX_INSTANT_MS + 1)).error?.issues[0]?.message).toBe('must lie between 1970 and the end of 9999');
    expect(at('1969-12-31T23:59:59Z').error?.issues[0]?.message).toBe('must lie between 1970 and the end of 9999');
    expect(at('1970-01-01T00:00:00Z').data).toBe(0);
  });
});

describe('a duration parameter', () => {
  const seconds = (v: string) => durationParam.safeParse(v);

  it('reads seconds, or the names minute/hour/day and 1m/5m/15m/1h/6h/1d', () => {
    expect(seconds('90').data).toBe(90);
    expect(['minute', 'hour', 'day', '1m', '5m', '15m', '1h', '6h', '1d'].map((v) => seconds(v).data)).toEqual([60, 3600, 86400, 60, 300, 900, 3600, 21600, 86400]);
  });

  it('refuses zero, fractions, other words and inherited property names, listing the names it knows', () => {
    const known = 'must be seconds or one of minute, hour, day, 1m, 5m, 15m, 1h, 6h, 1d';
    for (const bad of ['0', '1.5', '-60', 'week', 'toString', 'constructor', ' 60', '60 ', '60s', '']) expect(seconds(bad).error?.issues[0]?.message, bad).toBe(known);
  });

  it('takes at most a year, 366 days', () => {
    expect(MAX_DURATION_SECONDS).toBe(366 * DAY);
    expect(seconds(String(366 * DAY)).data).toBe(366 * DAY);
    expect(seconds(String(366 * DAY + 1)).error?.issues[0]?.message).toBe(`must be at most ${366 * DAY} s (a year)`);
    expect(seconds('1'.repeat(13)).success).toBe(false);
  });
});

describe('a bigint id parameter', () => {
  const id = bigintIdParam('must be the nextCursor of a previous page');

  it('takes decimal digits up to PostgreSQL\'s largest bigint, and nothing above or beside it', () => {
    expect(id.parse('1')).toBe('1');
    expect(id.parse('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of ['9223372036854775808', '99999999999999999999', '-1', '1a', 'a1', '', ' 1']) {
      expect(id.safeParse(bad).error?.issues[0]?.message, bad).toBe('must be the nextCursor of a previous page');
    }
  });
});

describe('a from/to range', () => {
  const FROM = '2026-01-01T00:00:00Z';
  const fromMs = Date.UTC(2026, 0, 1);

  it('reads both ends, or neither', () => {
    expect(parseRange(url(`from=${FROM}&to=2026-01-02T00:00:00Z`), 7 * DAY)).toEqual({ fromMs, toMs: fromMs + DAY * 1000 });
    expect(parseRange(url(''), 7 * DAY)).toEqual({});
  });

  it('refuses a to at or before from, naming to', () => {
    expect(refusal(() => parseRange(url(`from=${FROM}&to=${FROM}`), 7 * DAY))).toBe('to: must be after from');
    expect(refusal(() => parseRange(url(`from=${FROM}&to=${fromMs - 1}`), 7 * DAY))).toBe('to: must be after from');
    expect(refusal(() => parseRange(url(`from=${FROM}&to=${fromMs + 1}`), 7 * DAY))).toBeNull();
  });

  it('refuses a range longer than its maximum, naming from, and takes one exactly that long', () => {
    expect(refusal(() => parseRange(url(`from=${FROM}&to=${fromMs + 7 * DAY * 1000}`), 7 * DAY))).toBeNull();
    expect(refusal(() => parseRange(url(`from=${FROM}&to=${fromMs + 7 * DAY * 1000 + 1}`), 7 * DAY))).toBe('from: the range may span at most 7 days');
  });

  it('fills a missing end from the defaults before checking: to is now, from is to minus the span', () => {
    const nowMs = fromMs + 10 * DAY * 1000;
    const defaults = { nowMs, spanMs: DAY * 1000 };
    expect(parseRange(url(''), 7 * DAY, defaults)).toEqual({ fromMs: nowMs - DAY * 1000, toMs: nowMs });
    expect(parseRange(url(`to=${fromMs}`), 7 * DAY, defaults)).toEqual({ fromMs: fromMs - DAY * 1000, toMs: fromMs });
    expect(refusal(() => parseRange(url(`from=${FROM}`), 7 * DAY, defaults))).toBe('from: the range may span at most 7 days');
    expect(parseRange(url(`to=${fromMs}`), 7 * DAY)).toEqual({ toMs: fromMs });
  });
});

describe('a listing window', () => {
  it('is absent without from or to, and filters on the recorded time unless time=expires', () => {
    expect(parseListingWindow(url('time=expires'))).toBeUndefined();
    expect(parseListingWindow(url('from=0'))).toEqual({ fromMs: 0, toMs: undefined, on: 'recorded' });
    expect(parseListingWindow(url('to=1000&time=expires'))).toEqual({ fromMs: undefined, toMs: 1000, on: 'expires' });
    expect(parseListingWindow(url('to=1000&time=recorded'))).toEqual({ fromMs: undefined, toMs: 1000, on: 'recorded' });
    expect(refusal(() => parseListingWindow(url('from=0&time=claimed')))).toMatch(/^time: /);
  });
});

describe('a key search', () => {
  it('is absent without search, and matches a substring unless match=prefix', () => {
    expect(parseKeySearch(url('match=prefix'))).toBeUndefined();
    expect(parseKeySearch(url('search=order-'))).toEqual({ text: 'order-', mode: 'substring' });
    expect(parseKeySearch(url('search=order-&match=prefix'))).toEqual({ text: 'order-', mode: 'prefix' });
    expect(parseKeySearch(url('search=order-&match=substring'))).toEqual({ text: 'order-', mode: 'substring' });
    expect(refusal(() => parseKeySearch(url('search=a&match=suffix')))).toMatch(/^match: /);
    expect(refusal(() => parseKeySearch(url(`search=${'a'.repeat(513)}`)))).toMatch(/^search: /);
    expect(parseKeySearch(url(`search=${'a'.repeat(512)}`))?.text).toHaveLength(512);
  });
});
