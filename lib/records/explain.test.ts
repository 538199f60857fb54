import { describe, expect, it } from 'vitest';
import { classifyKey } from './classify';
import { decodeValue } from './detect';
import { explainState, formatReason, patternSuggestion } from './explain';
import { bullmq } from './formats/bullmq';
import { parseKeyPattern } from './key-patterns';

const NOW = 1_800_000_000_000;
const config = { stuckAfterSeconds: 300, plainLockTtlSeconds: 86_400 };

describe('formatReason', () => {
  it('names the declared format, or the signature auto matched, or that none did', () => {
    expect(formatReason(parseKeyPattern('q:*=bullmq'), decodeValue('7', false, 'bullmq'))).toBe('pattern q:*=bullmq declares bullmq');
    expect(formatReason(parseKeyPattern('n:*'), decodeValue('{"status":"COMPLETE"}', false, 'auto'))).toBe(
      'pattern n:* is auto and the value matched the node-idempotency signature: status IN_PROGRESS or COMPLETE, fingerPrint a string if present',
    );
    expect(formatReason(parseKeyPattern('n:*'), decodeValue('{"ok":1}', false, 'auto'))).toMatch(/^pattern n:\* is auto and the value carries no known format's signature; declare the pattern's format \(n:\*=<format>\)/);
    expect(formatReason(parseKeyPattern('i:*=plain'), decodeValue('processing', false, 'plain'))).toBe('pattern i:*=plain declares plain');
    expect(formatReason(parseKeyPattern('i:*'), decodeValue('processing', false, 'auto'))).toBe('pattern i:* is auto and the value matched the plain signature: the whole value is the marker "processing"');
    expect(formatReason(parseKeyPattern('i:*=plain'), decodeValue('{"status":"INPROGRESS","expiration":1}', false, 'plain'))).toMatch(/declares plain, which also reads the value as its own powertools record/);
    expect(formatReason(parseKeyPattern('i:*=idemscope'), decodeValue('{"ok":1}', false, 'idemscope'))).toBe('pattern i:*=idemscope declares idemscope, but the value is not a idemscope record');
  });
});

describe('explainState', () => {
  const resolve = (replies: unknown[]) => bullmq.follow!.resolve(decodeValue('9', false, 'bullmq'), replies);
  it('explains stuck reasons and BullMQ states, and is silent where the state says it all', () => {
    const stalled = resolve([1, ['1', '2', null, null, '0'], -2, 0, null, null, null, null]);
    expect(explainState(classifyKey(stalled, -1, NOW, config), stalled)).toMatch(/stall checker.*does not release it/);
    const waiting = resolve([1, ['1', null, null, null, '0'], -2, null, null, null, null, null]);
    expect(explainState(classifyKey(waiting, -1, NOW, config), waiting)).toBe('BullMQ job 9 is waiting; adds with this deduplication id are dropped until it finishes');
    const done = resolve([1, ['1', '2', '3', null, '1'], -2, null, null, null, null, null]);
    expect(explainState(classifyKey(done, 5000, NOW, config), done)).toMatch(/^throttle window: the job is completed/);
    const gone = resolve([0]);
    expect(explainState(classifyKey(gone, 5000, NOW, config), gone)).toMatch(/^throttle window: the job was removed/);
    expect(explainState(classifyKey(gone, -1, NOW, config), gone)).toMatch(/BullMQ 6 replaces such a key on the next add; BullMQ 5 drops every add/);
    const plainDone = decodeValue('{"ok":1}', false);
    expect(explainState(classifyKey(plainDone, 5000, NOW, config), plainDone)).toBeNull();
    const unresolved = decodeValue('9', false, 'bullmq');
    expect(explainState(classifyKey(unresolved, -1, NOW, config), unresolved)).toBeNull();
    const lease = decodeValue(JSON.stringify({ fmt: 'idemscope', v: 1, status: 'processing', startedAt: NOW - 1000, leaseExpiresAt: NOW - 1 }), false);
    expect(explainState(classifyKey(lease, 60_000, NOW, config), lease)).toBe("the claim's lease has run out and nobody took it over");
    const old = decodeValue(JSON.stringify({ fmt: 'idemscope', v: 1, status: 'processing', startedAt: NOW - 400_000, leaseExpiresAt: NOW + 60_000 }), false);
    expect(explainState(classifyKey(old, 60_000, NOW, config), old)).toBe('in flight for longer than the stuck threshold');
    const noLease = decodeValue(JSON.stringify({ status: 'INPROGRESS', expiration: NOW / 1000 + 60 }), false);
    expect(explainState(classifyKey(noLease, 60_000, NOW, config), noLease)).toBe('the in-progress record has no lease expiry: nothing will ever release it');
    const finishedStray = resolve([1, ['1', '2', '3', null, '1'], -2, null, null, null, null, null]);
    expect(explainState(classifyKey(finishedStray, -1, NOW, config), finishedStray)).toMatch(/^the job has finished but its dedup key \(no TTL\) was left behind/);
    const stuckPlain = decodeValue('processing', false);
    expect(explainState(classifyKey(stuckPlain, -1, NOW, config), stuckPlain)).toBe('the claim has no TTL: nothing will ever release it');
  });
});

describe('patternSuggestion', () => {
  it('suggests declaring a format only for an auto pattern with unrecognized values', () => {
    expect(patternSuggestion(parseKeyPattern('x:*=plain'), 5)).toBeNull();
    expect(patternSuggestion(parseKeyPattern('x:*'), 0)).toBeNull();
    expect(patternSuggestion(parseKeyPattern('x:*'), 2)).toMatch(/^2 value\(s\) under x:\* match no known format; .* e\.g\. x:\*=<format>/);
    expect(patternSuggestion(parseKeyPattern('bull:*:de:*'), 1)).toMatch(/e\.g\. bull:\*:de:\*=bullmq/);
    expect(patternSuggestion(parseKeyPattern('bull:*'), 1)).toMatch(/e\.g\. bull:\*=bullmq/);
    expect(patternSuggestion(parseKeyPattern('jobs-bull:*'), 1)).toMatch(/e\.g\. jobs-bull:\*=<format>/);
  });
});
