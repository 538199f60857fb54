import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../errors';
import { decodeCursor, encodeCursor, messagesCursorSchema } from './cursor';

describe('listing cursors of Postgres tables', () => {
  const roundTrip = (value: unknown) => decodeCursor(encodeCursor(value), messagesCursorSchema);

  it('carry a time and a uuid, or only the integer key of a table walked by its id (stripe-keys, custom)', () => {
    const byTime = { s: 'all', at: '2026-12-05T12:00:00.000001Z', id: '0b7a9c1e-4c3f-4b8a-9d2e-1f0a2b3c4d5e' };
    expect(roundTrip(byTime)).toEqual(byTime);
    expect(roundTrip({ s: 'stuck', at: '', id: '42' })).toEqual({ s: 'stuck', at: '', id: '42' });
    expect(roundTrip({ s: 'all', at: '', id: '0b7a9c1e-4c3f-4b8a-9d2e-1f0a2b3c4d5e' }).id).toBe('0b7a9c1e-4c3f-4b8a-9d2e-1f0a2b3c4d5e');
  });

  it('refuse anything else as the request\'s mistake, naming cursor', () => {
    for (const bad of [
      { s: 'all', at: 'yesterday', id: '42' },
      { s: 'all', at: '', id: '42; DROP TABLE x' },
      { s: 'all', at: '', id: '1'.repeat(19) },
      { s: 'all', at: '', id: '' },
      { s: 'all', at: '', id: '42', extra: 1 },
    ]) {
      expect(() => roundTrip(bad), JSON.stringify(bad)).toThrow(InvalidParameterError);
    }
  });
});
