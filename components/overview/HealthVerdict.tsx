import type { OverviewResponse } from '@/lib/contract/read';
import { overviewVerdict } from '@/lib/charts/verdict';

const TITLES = { ok: 'OK', attention: 'Attention', failing: 'Failing' } as const;

/** The answer to "is this bad?" at the top of the overview, with the reasons and the thresholds behind it. */
export function HealthVerdict({ overview }: { overview: OverviewResponse }) {
  if (!overview.rules) return null;
  const verdict = overviewVerdict(overview, overview.rules.verdict);
  return (
    <section className={`verdict verdict-${verdict.level}`} aria-label="Verdict" data-testid="verdict">
      <strong className="verdict-level" data-testid="verdict-level">
        {TITLES[verdict.level]}
      </strong>
      <span>
        {verdict.reasons.length === 0
          ? 'Both stores reachable, nothing stuck, duplicate rate below the attention threshold.'
          : verdict.reasons.map((r) => r.text).join(' · ')}
      </span>
      <span className="muted small">Thresholds: IDEMSCOPE_VERDICT_*</span>
    </section>
  );
}
