import { describe, expect, it } from 'vitest';
import { emptyFormatCounts, emptyStateCounts } from '../records/states';
import type { KeyspaceSnapshot, StuckKey } from '../scanner/snapshot';
import { indexedPatterns, withInFlightIndex, type InFlightReading } from './in-flight-index';
import { parseKeyPatterns } from '../records/key-patterns';

const stuckKey = (key: string, stuckForSeconds: number): StuckKey => ({
  key,
  format: 'idemscope',
  stuckReason: 'lease-expired',
  nativeState: null,
  ageSeconds: stuckForSeconds,
  stuckForSeconds,
  owner: null,
  consumer: null,
  startedAtMs: null,
});

/** A pass that saw, under `lib:*` (idemscope), 2 processing, 3 stuck, 10 completed; under `plain:*`, 1 stuck, 5 completed. */
function snapshot(): KeyspaceSnapshot {
  const lib = { ...emptyStateCounts(), processing: 2, stuck: 3, completed: 10 };
  const plain = { ...emptyStateCounts(), stuck: 1, completed: 5 };
  return {
    startedAtMs: 0,
    completedAtMs: 1,
    keysExamined: 21,
    keys: 21,
    byState: { ...emptyStateCounts(), processing: 2, stuck: 4, completed: 15 },
    byFormat: { ...emptyFormatCounts(), idemscope: 15, plain: 6 },
    byPattern: [
      { pattern: 'lib:*=idemscope', format: 'idemscope', declared: true, keys: 15, byState: lib },
      { pattern: 'plain:*=plain', format: 'plain', declared: true, keys: 6, byState: plain },
    ],
    noExpiry: 0,
    truncated: 0,
    expiry: { fromMs: 0, hourly: [], later: 0, overdue: 0 },
    oldestStuck: [stuckKey('lib:old', 900), stuckKey('plain:p', 500), stuckKey('lib:x', 400)],
    bullmqQueues: [],
    complete: true,
    partialReason: null,
    nodes: [],
  };
}

const reading = (over: Partial<InFlightReading> = {}): InFlightReading => ({
  readAtMs: 2,
  members: 3,
  examined: 3,
  gone: 0,
  unexamined: 0,
  byPattern: new Map([[0, { processing: 1, stuck: 2 }]]),
  stuck: [stuckKey('lib:now', 700), stuckKey('lib:y', 100)],
  ...over,
});

const patternOf = (key: string) => (key.startsWith('lib:') ? 0 : key.startsWith('plain:') ? 1 : -1);

describe('withInFlightIndex', () => {
  it('reads only patterns declared =idemscope from the index', () => {
    expect(indexedPatterns(parseKeyPatterns(['a:*=plain', 'b:*=idemscope', 'c:*', 'd:*=idemscope']))).toEqual([1, 3]);
  });

  it('replaces the pass\'s in-flight figures of indexed patterns with the index\'s and keeps the rest', () => {
    const merged = withInFlightIndex(snapshot(), reading(), 10, patternOf);
    expect(merged.byPattern[0]!.byState).toMatchObject({ processing: 1, stuck: 2, completed: 10 });
    expect(merged.byPattern[0]!.keys).toBe(13);
    expect(merged.byPattern[1]).toEqual(snapshot().byPattern[1]);
    expect(merged.byState).toMatchObject({ processing: 1, stuck: 3, completed: 15 });
    expect(merged.keys).toBe(19);
    expect(merged.byFormat).toMatchObject({ idemscope: 13, plain: 6 });
  });

  it('lists the index\'s stuck claims in place of the pass\'s for indexed patterns, longest first', () => {
    const merged = withInFlightIndex(snapshot(), reading(), 3, patternOf);
    expect(merged.oldestStuck.map((s) => s.key)).toEqual(['lib:now', 'plain:p', 'lib:y']);
  });

  it('counts members it did not read as processing, and leaves the scanner\'s snapshot untouched', () => {
    const original = snapshot();
    const merged = withInFlightIndex(original, reading({ members: 8, unexamined: 5 }), 10, patternOf);
    expect(merged.byState.processing).toBe(6);
    expect(merged.keys).toBe(24);
    expect(original).toEqual(snapshot());
  });
});
