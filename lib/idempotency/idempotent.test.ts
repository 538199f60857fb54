import { describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { idempotent } from './idempotent';
import type { IdempotencyStore } from './store';

const unreachable: IdempotencyStore = {
  name: 'fake',
  normaliseKey: (key) => key,
  claim: async () => {
    throw new Error('ECONNREFUSED');
  },
  complete: async () => true,
  release: async () => true,
  get: async () => null,
};

describe('idempotent options', () => {
  it('refuses an empty consumer and non-positive lease or retention up front', () => {
    const key = () => 'k';
    expect(() => idempotent(async () => 1, { store: unreachable, consumer: '', key })).toThrow(TypeError);
    expect(() => idempotent(async () => 1, { store: unreachable, consumer: 'c', key, leaseMs: 0 })).toThrow(TypeError);
    expect(() => idempotent(async () => 1, { store: unreachable, consumer: 'c', key, retentionSeconds: -1 })).toThrow(TypeError);
  });

  it('wraps a store failure with operation, key and the original error as cause', async () => {
    const handle = idempotent(async () => 1, { store: unreachable, consumer: 'c', key: () => 'k' });
    const error = await handle({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: 'StoreError', context: { operation: 'claim', key: 'k', consumer: 'c', store: 'fake' } });
    expect((error as StoreError).cause).toEqual(new Error('ECONNREFUSED'));
  });
});
