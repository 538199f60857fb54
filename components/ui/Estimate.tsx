/** The one way an approximate figure is marked, so on-call engineers learn to spot it. */
export function Estimate({ show = true }: { show?: boolean }) {
  if (!show) return null;
  return (
    <span className="estimate" title="From planner statistics, not an exact count">
      ≈ estimate
    </span>
  );
}
