import { describe, expect, it } from 'vitest';
import { purgeableCondition, recipeRules, rowClock, statePredicate, stripeKeyRules } from './rules';

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
