import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton';
import { MiddleTruncate } from './MiddleTruncate';

/**
 * A key or message id as tables and headings show it: shortened in the middle
 * when narrow, the whole key on hover, and a copy button. `wrap` turns the
 * text into a link (it receives the truncated text).
 */
export function KeyText({ text, label = 'key', wrap }: { text: string; label?: string; wrap?: (inner: ReactNode) => ReactNode }) {
  const inner = <MiddleTruncate text={text} />;
  return (
    <span className="key-text">
      {wrap ? wrap(inner) : inner}
      <CopyButton text={text} label={label} />
    </span>
  );
}
