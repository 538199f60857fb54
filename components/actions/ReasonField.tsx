import { useId } from 'react';
import styles from './actions.module.css';

/** Why the operator acts: required for bulk actions, and written to the audit log. */
export function ReasonField({ value, onChange, required }: { value: string; onChange: (value: string) => void; required: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Reason{required ? ' (required, recorded in the audit log)' : ' (optional, recorded in the audit log)'}</label>
      <textarea id={id} className={styles.reason} value={value} onChange={(e) => onChange(e.target.value)} maxLength={500} required={required} />
    </div>
  );
}
