import { describe, expect, it } from 'vitest';
import { libraryRules, partitionedRules, purgeableCondition, quoteIdent, recipeRules, rowClock, statePredicate, stripeKeyRules } from './rules';

const clock = rowClock(Date.UTC(2026, 11, 5), 300, 72);
const text = (predicate: ReturnType<typeof statePredicate>) => predicate?.build().text;

describe('the purge conditions refuse a retention the SQL cannot state', () => {
  const conditions = { library: purgeableCondition, recipe: recipeRules.purgeableCondition, 'stripe-keys': stripeKeyRules.purgeableCondition };
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
