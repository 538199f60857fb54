'use client';

import { useState } from 'react';
import { formatCount, formatDuration } from '@/lib/charts/format';
import type { PreviewItem } from '@/lib/contract/actions';
import { MiddleTruncate } from '@/components/ui/MiddleTruncate';
import { StateBadge } from '@/components/ui/StateBadge';

interface Selection {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}

/**
 * The records an action would touch, exactly as seen at preview, a page at a
 * time so that all of them can be read. With `selection`, each row has a
 * checkbox and the action runs on the checked ones only.
 */
export function PreviewTable({ items, pageSize = 20, caption, selection }: { items: PreviewItem[]; pageSize?: number; caption: string; selection?: Selection }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * pageSize, (current + 1) * pageSize);
  const toggle = (key: string, on: boolean) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (on) next.add(key);
    else next.delete(key);
    selection.onChange(next);
  };
  return (
    <div className="stack">
      {selection ? (
        <div className="toolbar" role="group" aria-label="Select records">
          <span className="muted small" data-testid="selected-count">
            {formatCount(selection.selected.size)} of {formatCount(items.length)} selected
          </span>
          <button type="button" className="button" onClick={() => selection.onChange(new Set(items.map((i) => i.key)))}>
            Select all {formatCount(items.length)}
          </button>
          <button type="button" className="button" onClick={() => selection.onChange(new Set())}>
            Select none
          </button>
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="data stackable" data-testid="preview-table">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {selection ? (
                <th scope="col">
                  <span className="sr-only">Selected</span>
                </th>
              ) : null}
              <th scope="col">Key</th>
              <th scope="col">State seen</th>
              <th scope="col">Format</th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col">Consumer</th>
              <th scope="col">Owner</th>
              <th scope="col">Value digest</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((item) => (
              <tr key={item.key}>
                {selection ? (
                  <td data-label="Selected">
                    <input
                      type="checkbox"
                      checked={selection.selected.has(item.key)}
                      onChange={(e) => toggle(item.key, e.target.checked)}
                      aria-label={`Select ${item.key}`}
                    />
                  </td>
                ) : null}
                <td className="key mono" data-label="Key">
                  <MiddleTruncate text={item.key} className="key-cell" />
                </td>
                <td data-label="State seen">
                  <StateBadge state={item.state.state} />
                </td>
                <td data-label="Format">{item.state.format}</td>
                <td className="num" data-label="Age">
                  {formatDuration(item.state.ageSeconds)}
                </td>
                <td data-label="Consumer">{item.state.consumer ?? '—'}</td>
                <td className="mono" data-label="Owner">
                  {item.state.owner ?? '—'}
                </td>
                <td className="mono" data-label="Digest" title={item.seen}>
                  {item.seen.slice(0, 12)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <div className="toolbar" role="group" aria-label="Preview pages">
          <button type="button" className="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span className="muted small" data-testid="preview-page">
            {formatCount(current * pageSize + 1)}–{formatCount(current * pageSize + shown.length)} of {formatCount(items.length)}
          </span>
          <button type="button" className="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </div>
      ) : null}
    </div>
  );
}
