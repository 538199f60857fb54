import { describe, expect, it } from 'vitest';
import type { DeliveryWindow, OverviewResponse, VerdictThresholds } from '@/lib/contract/read';
import { overviewVerdict } from './verdict';

const THRESHOLDS: VerdictThresholds = { stuckAttention: 1, stuckFailing: 100, duplicateRateAttention: 0.1, duplicateRateFailing: 0.3 };

const hour = (total: number, duplicates: number): DeliveryWindow => ({
  window: '1h',
  from: '2026-11-26T09:00:00Z',
  to: '2026-11-26T10:00:00Z',
  total,
  duplicates,
  failures: 0,
  duplicateRate: total ? duplicates / total : null,
  stores: ['redis', 'postgres'],
});

function overview(o: { redisStuck?: number | null; pgStuck?: number | null; redisUp?: boolean; pgUp?: boolean; window?: DeliveryWindow }): OverviewResponse {
  const window = o.window ?? hour(100, 1);
  return {
    redis: { reachable: o.redisUp ?? true, stuck: o.redisStuck === undefined ? 0 : o.redisStuck },
    postgres: { reachable: o.pgUp ?? true, stuck: o.pgStuck === undefined ? 0 : o.pgStuck },
    deliveries: window,
    deliveryWindows: [window],
  } as unknown as OverviewResponse;
}

describe('overviewVerdict', () => {
  it('is ok with nothing stuck and a low duplicate rate', () => {
    expect(overviewVerdict(overview({}), THRESHOLDS)).toEqual({ level: 'ok', reasons: [] });
  });

  it('asks for attention from the attention threshold and fails from the failing one, on both stores summed', () => {
    const one = overviewVerdict(overview({ redisStuck: 1 }), THRESHOLDS);
    expect(one.level).toBe('attention');
    expect(one.reasons[0]!.text).toBe('1 stuck record (attention from 1)');
    expect(overviewVerdict(overview({ redisStuck: 60, pgStuck: 39 }), THRESHOLDS).level).toBe('attention');
    const many = overviewVerdict(overview({ redisStuck: 60, pgStuck: 40 }), THRESHOLDS);
    expect(many).toEqual({ level: 'failing', reasons: [{ level: 'failing', text: '100 stuck records (failing from 100)' }] });
  });

  it('judges the last hour duplicate rate at its boundaries', () => {
    expect(overviewVerdict(overview({ window: hour(100, 9) }), THRESHOLDS).level).toBe('ok');
    expect(overviewVerdict(overview({ window: hour(100, 10) }), THRESHOLDS).reasons).toEqual([
      { level: 'attention', text: 'duplicate rate 10.0 % in the last hour (attention from 10.0 %)' },
    ]);
    expect(overviewVerdict(overview({ window: hour(100, 30) }), THRESHOLDS).level).toBe('failing');
    expect(overviewVerdict(overview({ window: hour(0, 0) }), THRESHOLDS).level).toBe('ok');
  });

  it('fails when a store is unreachable and never reads a missing count as zero stuck', () => {
    const down = overviewVerdict(overview({ redisUp: false, redisStuck: null }), THRESHOLDS);
    expect(down.level).toBe('failing');
    expect(down.reasons.map((r) => r.text)).toEqual(['Redis cannot be reached']);
    expect(overviewVerdict(overview({ redisStuck: null }), THRESHOLDS)).toEqual({
      level: 'attention',
      reasons: [{ level: 'attention', text: 'stuck records could not be counted in every store' }],
    });
  });

  it('lists the worst reason first', () => {
    const v = overviewVerdict(overview({ redisStuck: 2, window: hour(10, 5) }), THRESHOLDS);
    expect(v.level).toBe('failing');
    expect(v.reasons.map((r) => r.level)).toEqual(['failing', 'attention']);
  });
});
