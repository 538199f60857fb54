import { describe, expect, it } from 'vitest';
import { customRules, libraryRules, partitionedRules, purgeableCondition, quoteIdent, recipeRules, rowClock, statePredicate, stripeKeyRules } from './rules';

const clock = rowClock(Date.UTC(2026, 11, 5), 300, 72);
const text = (predicate: ReturnType<typeof statePredicate>) => predicate?.build().text;

describe('the purge conditions refuse a retention the SQL cannot state', () => {
  const custom = customRules({ id: 'id', processed: 'at', status: 'state', statusValues: { processing: 'p', completed: 'c', failed: 'f' } });
  const conditions = {
    library: purgeableCondition,
    recipe: recipeRules.purgeableCondition,
    'stripe-keys': stripeKeyRules.purgeableCondition,
    custom: (hours: number) => custom.purgeableCondition(hours),
  };
  for (const [profile, condition] of Object.entries(conditions)) {
    it(`${profile}: whole hours from 0 up, inlined as such; a fraction, a negative or NaN is a RangeError naming the value`, () => {
      expect(condition(0)).toContain('make_interval(hours => 0)');
      expect(condition(72)).toContain('make_interval(hours => 72)');
      expect(() => condition(1.5)).toThrow(new RangeError('retention hours must be a whole number, got 1.5'));
      expect(() => condition(-1)).toThrow(RangeError);
      expect(() => condition(Number.NaN)).toThrow(RangeError);
    });
  }
});

describe('states no row of a profile can be in', () => {
  it('library rows: no predicate for unrecognized, since every row has a status', () => {
    expect(statePredicate('unrecognized', clock)).toBeNull();
  });

  it('recipe rows are never in flight, stuck or failed: FALSE, not a missing predicate', () => {
    for (const state of ['processing', 'stuck', 'failed'] as const) expect(text(recipeRules.statePredicate(state, clock)), state).toBe('FALSE');
  });

  it('stripe-keys rows are never unrecognized: FALSE', () => {
    expect(text(stripeKeyRules.statePredicate('unrecognized', clock))).toBe('FALSE');
  });
});

describe('how listings walk each kind of library table', () => {
  it('a plain table: by processed_at, expiring at expires_at, every row a candidate for expiry', () => {
    expect(libraryRules.timeColumn).toBe('processed_at');
    expect(libraryRules.expiresAt.build().text).toBe('expires_at');
    expect(libraryRules.extraColumns.build().text).toBe('');
    expect(libraryRules.expiredRange(clock).build().text).toBe('TRUE');
    expect(libraryRules.expiredParts(clock)).toHaveLength(2);
  });

  it('a table partitioned by message time: expired rows are one range of the partition key, so later partitions are pruned', () => {
    const rules = partitionedRules('message_time', 72);
    expect(rules.timeColumn).toBe('message_time');
    expect(rules.expiredRange(clock).build()).toEqual({ text: '"message_time" <= $1', values: [clock.retentionCut] });
    expect(rules.expiredParts(clock).map((p) => p.build().text)).toEqual([rules.expiredPredicate(clock).build().text]);
    expect(rules.expiresAt.build().text).toMatch(/^GREATEST\("message_time" \+ \$1::interval, expires_at\)$/);
    expect(rules.extraColumns.build().text).toBe(', "message_time"');
  });

  it('quotes a catalog name as an identifier, doubling its quotes', () => {
    expect(quoteIdent('message_time')).toBe('"message_time"');
    expect(quoteIdent('odd"name')).toBe('"odd""name"');
  });
});

describe('what a recipe release compares with its preview', () => {
  it('the row\'s processed_at and result, read through the alias the release uses', () => {
    const token = recipeRules.seenToken('m').build().text;
    expect(token).toContain('m.processed_at');
    expect(token).toContain('m.result');
    expect(token).toMatch(/^md5\(/);
  });
});

describe('the custom profile\'s SQL', () => {
  const values = { processing: 'in_progress', completed: 'done', failed: 'error' };
  const rules = customRules({ id: 'msg_id', processed: 'handled_at', status: 'state', lease: 'locked_until', expires: 'keep_until', result: 'outcome', statusValues: values });

  it('quotes every mapped column and compares the status as text with the mapped values', () => {
    expect(rules.purgeableCondition(72)).toBe(
      `(("state"::text = 'done') OR ("state"::text = 'error')) AND ("keep_until" <= now() OR ("keep_until" IS NULL AND "handled_at" <= now() - make_interval(hours => 72)))`,
    );
    expect(rules.inFlight.build().text).toBe(`("state"::text = 'in_progress')`);
  });

  it('without a status column: every row finished, none in flight', () => {
    const plain = customRules({ id: 'id', processed: 'seen_at', statusValues: values });
    expect(plain.statusValues).toBeNull();
    expect(plain.finished.build().text).toBe('TRUE');
    expect(plain.inFlight.build().text).toBe('FALSE');
    expect(plain.purgeableCondition(1)).toBe(`TRUE AND ("seen_at" <= now() - make_interval(hours => 1))`);
  });

  it('compares with its preview every column a service rewrites, through the release\'s alias', () => {
    const token = rules.seenToken('k').build().text;
    for (const column of ['k."state"', 'k."handled_at"', 'k."locked_until"', 'k."keep_until"', 'k."outcome"']) expect(token).toContain(column);
    expect(token).toMatch(/^md5\(/);
  });
});
