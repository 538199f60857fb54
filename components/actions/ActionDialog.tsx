'use client';

import { type ReactNode, useEffect, useId, useRef } from 'react';
import styles from './actions.module.css';

/** A modal for one action's preview and confirmation; Escape or Cancel closes it. */
export function ActionDialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const headingId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className={styles.overlay}>
      <div className={styles.dialog} role="dialog" aria-modal="true" aria-labelledby={headingId} ref={ref} tabIndex={-1}>
        <h2 id={headingId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
