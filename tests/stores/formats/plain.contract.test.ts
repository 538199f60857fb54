import { formatContract, type ExpectedRecord } from './format-contract';

/**
 * The plain recipe, which is no library but two commands: `SET key processing
 * NX EX <ttl>`, then the handler's JSON result. Only the marker is a signature,
 * so under `auto` the results are unrecognized.
 */
formatContract('plain', () => ({
  format: 'plain',
  signed: true,
  async write(redis, prefix) {
    const key = (name: string) => `${prefix}recipe:${name}`;
    const records: ExpectedRecord[] = [];
    await redis.set(key('fresh'), 'processing', { NX: true, EX: 86_400 });
    records.push({ key: key('fresh'), state: 'processing', format: 'plain', stuckReason: null, releasable: true });
    await redis.set(key('old'), 'processing', { NX: true, EX: 86_400 - 1_000 });
    records.push({ key: key('old'), state: 'stuck', format: 'plain', stuckReason: 'older-than-threshold', releasable: true });
    await redis.set(key('no-ttl'), 'processing', { NX: true });
    records.push({ key: key('no-ttl'), state: 'stuck', format: 'plain', stuckReason: 'no-ttl', releasable: true });
    await redis.set(key('done'), '{"shipped":true}', { EX: 86_400 });
    records.push({ key: key('done'), state: 'completed', format: 'plain', stuckReason: null, releasable: false, autoState: 'unrecognized' });
    await redis.set(key('text'), 'not json', { EX: 86_400 });
    records.push({ key: key('text'), state: 'unrecognized', format: 'unknown', releasable: false });
    return { pattern: `${prefix}recipe:*`, records };
  },
  async close() {},
}));
