'use client';

import { useId, useState } from 'react';
import { ReasonField } from './ReasonField';
import styles from './actions.module.css';

interface ConfirmWithReasonProps {
  /** The button's text, e.g. "Release 12 records". */
  label: string;
  pending: boolean;
  /** Shown on the button while `pending`; defaults to `label`. */
  pendingLabel?: string;
  onConfirm: (reason: string) => void;
  /** Keeps the button off, e.g. while nothing is selected. */
  disabled?: boolean;
  /** A word the operator must type before an irreversible action (a delete) can run. */
  typedConfirmation?: string;
}

/** The last step of a bulk action: a required reason, then the one destructive button. */
export function ConfirmWithReason({ label, pending, pendingLabel, onConfirm, disabled, typedConfirmation }: ConfirmWithReasonProps) {
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const typedId = useId();
  const trimmed = reason.trim();
  const confirmed = !typedConfirmation || typed.trim().toLowerCase() === typedConfirmation;
  return (
    <>
      <ReasonField value={reason} onChange={setReason} required />
      {typedConfirmation ? (
        <div className="field">
          <label htmlFor={typedId}>
            Type <strong>{typedConfirmation}</strong> to confirm: this cannot be undone
          </label>
          <input id={typedId} type="text" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={`button ${styles.danger}`}
          disabled={pending || disabled || trimmed === '' || !confirmed}
          onClick={() => onConfirm(trimmed)}
        >
          {pending ? (pendingLabel ?? label) : label}
        </button>
      </div>
    </>
  );
}
