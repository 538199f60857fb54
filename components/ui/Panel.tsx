import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** Controls or notes shown at the right of the heading. */
  aside?: ReactNode;
  children: ReactNode;
  id?: string;
  /** Extra classes for the section, e.g. `stack` to space its children. */
  className?: string;
}

/** A titled section; the heading labels the region for screen readers. */
export function Panel({ title, aside, children, id, className }: PanelProps) {
  const headingId = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-title`;
  return (
    <section className={className ? `panel ${className}` : 'panel'} aria-labelledby={headingId} id={id}>
      <div className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {aside ? <div className="spacer">{aside}</div> : null}
      </div>
      {children}
    </section>
  );
}
