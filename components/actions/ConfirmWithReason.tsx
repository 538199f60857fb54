'use client';

import { useState } from 'react';
import { ReasonField } from './ReasonField';
import styles from './actions.module.css';

interface ConfirmWithReasonProps {
  /** The button's text, e.g. "Release 12 records". */
  label: string;
  pending: boolean;
  /** Shown on the button while `pending`; defaults to `label`. */
  pendingLabel?: string;
  onConfirm: (reason: string) => void;
}

/** The last step of a bulk action: a required reason, then the one destructive button. */
export function ConfirmWithReason({ label, pending, pendingLabel, onConfirm }: ConfirmWithReasonProps) {
  const [reason, setReason] = useState('');
  const trimmed = reason.trim();
  return (
    <>
      <ReasonField value={reason} onChange={setReason} required />
      <div className={styles.buttons}>
        <button type="button" className={`button ${styles.danger}`} disabled={pending || trimmed === ''} onClick={() => onConfirm(trimmed)}>
          {pending ? (pendingLabel ?? label) : label}
        </button>
      </div>
    </>
  );
}
