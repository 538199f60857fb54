import { formatDuration } from '@/lib/charts/format';

/**
 * The one wording of the stuck rule (lib/records/classify.ts and its SQL twin
 * in lib/stores/postgres/rules.ts), shown wherever a stuck count or a stuck
 * threshold appears, so the overview's count and the release preview are read
 * the same way.
 */
export function stuckRuleText(stuckAfterSeconds: number | null | undefined): string {
  const threshold =
    stuckAfterSeconds == null ? 'the stuck threshold' : `${formatDuration(stuckAfterSeconds)} (IDEMSCOPE_STUCK_AFTER_SECONDS)`;
  return (
    `Stuck: a record still in flight whose lease has run out, or that has been in flight longer than ${threshold}. ` +
    'A plain claim without a TTL and a Powertools record without a lease are stuck at once: nothing will ever release them.'
  );
}

/** The definition as a short visible note. */
export function StuckDefinition({ stuckAfterSeconds }: { stuckAfterSeconds: number | null | undefined }) {
  return (
    <p className="muted small" data-testid="stuck-definition">
      {stuckRuleText(stuckAfterSeconds)}
    </p>
  );
}
