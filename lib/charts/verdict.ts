import type { OverviewResponse, VerdictThresholds } from '@/lib/contract/read';
import { formatCount, formatRate } from './format';

export type VerdictLevel = 'ok' | 'attention' | 'failing';

export interface Verdict {
  level: VerdictLevel;
  /** Why, worst first; empty only when everything is fine. */
  reasons: { level: Exclude<VerdictLevel, 'ok'>; text: string }[];
}

const RANK: Record<VerdictLevel, number> = { ok: 0, attention: 1, failing: 2 };

/**
 * The overview's one-word answer to "is this bad?", from the thresholds the
 * operator set (IDEMSCOPE_VERDICT_*): an unreachable store fails, stuck
 * records and the last hour's duplicate rate are compared with their
 * attention and failing levels, and a figure that could not be read is never
 * taken for a good one.
 */
export function overviewVerdict(overview: OverviewResponse, thresholds: VerdictThresholds): Verdict {
  const reasons: Verdict['reasons'] = [];
  for (const [name, label] of [
    ['redis', 'Redis'],
    ['postgres', 'Postgres'],
  ] as const) {
    if (!overview[name].reachable) reasons.push({ level: 'failing', text: `${label} cannot be reached` });
  }

  const known = [overview.redis.stuck, overview.postgres.stuck].filter((v): v is number => v != null);
  const stuck = known.reduce((a, b) => a + b, 0);
  if (known.length < 2 && reasons.length === 0) reasons.push({ level: 'attention', text: 'stuck records could not be counted in every store' });
  if (stuck >= thresholds.stuckFailing) {
    reasons.push({ level: 'failing', text: `${formatCount(stuck)} stuck records (failing from ${formatCount(thresholds.stuckFailing)})` });
  } else if (stuck >= thresholds.stuckAttention) {
    reasons.push({ level: 'attention', text: `${formatCount(stuck)} stuck record${stuck === 1 ? '' : 's'} (attention from ${formatCount(thresholds.stuckAttention)})` });
  }

  const hour = overview.deliveryWindows.find((w) => w.window === '1h') ?? overview.deliveries;
  const rate = hour?.duplicateRate ?? null;
  if (rate != null && rate >= thresholds.duplicateRateFailing) {
    reasons.push({ level: 'failing', text: `duplicate rate ${formatRate(rate)} in the last hour (failing from ${formatRate(thresholds.duplicateRateFailing)})` });
  } else if (rate != null && rate >= thresholds.duplicateRateAttention) {
    reasons.push({ level: 'attention', text: `duplicate rate ${formatRate(rate)} in the last hour (attention from ${formatRate(thresholds.duplicateRateAttention)})` });
  }

  reasons.sort((a, b) => RANK[b.level] - RANK[a.level]);
  return { level: reasons[0]?.level ?? 'ok', reasons };
}
