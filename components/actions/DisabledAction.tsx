import { useId } from 'react';

/**
 * An action the user cannot take, shown rather than hidden so that a viewer
 * learns it exists and what it would take ("needs operator role").
 */
export function DisabledAction({ label, reason, compact }: { label: string; reason: string; compact?: boolean }) {
  const id = useId();
  return (
    <span className="disabled-action">
      <button type="button" className="button" disabled aria-describedby={id} title={reason}>
        {label}
      </button>{' '}
      <span id={id} className={compact ? 'sr-only' : 'needs-role'}>
        {reason}
      </span>
    </span>
  );
}
