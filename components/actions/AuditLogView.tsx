'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useId, useState } from 'react';
import { instantFromUrl } from '@/lib/charts/drilldown';
import type { AuditEntry } from '@/lib/contract/audit';
import { auditExportHref, useAuditLog } from '@/components/queries/audit-log';
import type { AuditFilters } from '@/components/queries/query-keys';
import { EmptyNotice, ErrorNotice, Loading } from '@/components/ui/Notice';
import { RangeForm } from '@/components/ui/RangeForm';
import { Timestamp } from '@/components/ui/Timestamp';
import styles from './actions.module.css';

const ACTIONS = [
  'keys.release',
  'messages.release',
  'purge',
  'purge.postgres',
  'purge.postgres.finished',
  'purge.redis.expire',
  'purge.redis.delete',
  'purge.cancel',
  'purge.resume',
];

function counts(result: Record<string, unknown>): string {
  return Object.entries(result)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

function Row({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td className="nowrap">
        <Timestamp iso={entry.at} />
      </td>
      <td className="mono">{entry.actor}</td>
      <td>{entry.action}</td>
      <td>
        <span className={`badge ${entry.outcome === 'error' || entry.outcome === 'refused' ? 'state-failed' : entry.outcome === 'ok' ? 'ok' : 'neutral'}`}>{entry.outcome}</span>
      </td>
      <td>
        {entry.targetCount ? (
          <details>
            <summary>
              {entry.targetCount} target{entry.targetCount === 1 ? '' : 's'}
            </summary>
            <ul className="mono small">
              {entry.targets.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ul>
            {entry.targetCount > entry.targets.length ? <p className="muted small">first {entry.targets.length} shown</p> : null}
            {entry.seen.length ? (
              <details>
                <summary>State seen before</summary>
                <pre className="small">{JSON.stringify(entry.seen, null, 2)}</pre>
              </details>
            ) : null}
          </details>
        ) : (
          '—'
        )}
      </td>
      <td>{entry.reason ?? '—'}</td>
      <td>{counts(entry.result) || '—'}</td>
      <td className="mono small">{entry.clientAddress ?? '—'}</td>
    </tr>
  );
}

const FILTER_NAMES = ['action', 'actor', 'outcome', 'from', 'to'] as const;

/** The longest range the audit route accepts (a year, lib/http/query.ts MAX_DURATION_SECONDS). */
const AUDIT_MAX_RANGE_SECONDS = 366 * 86_400;

/** The filters in the page's URL, so a filtered log can be linked to from an incident channel; a range end only when it is an instant. */
function filtersFrom(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of FILTER_NAMES) {
    const value = search.get(name)?.trim();
    if (!value) continue;
    if (name === 'from' || name === 'to') {
      const ms = instantFromUrl(value);
      if (ms !== null) filters[name] = new Date(ms).toISOString();
    } else filters[name] = value;
  }
  return filters;
}

/** The audit log: filters, newest first, more on demand, and CSV/JSON export of what the filters select. */
export function AuditLogView() {
  const router = useRouter();
  const search = useSearchParams();
  const filters = filtersFrom(search);
  const setFilters = (next: AuditFilters) => {
    // One order of parameters, so the same filters always make the same link.
    const query = new URLSearchParams(FILTER_NAMES.flatMap((name) => (next[name] ? [[name, next[name]]] : []))).toString();
    router.replace(query ? `/audit?${query}` : '/audit', { scroll: false });
  };
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const log = useAuditLog(filters);
  const actionId = useId();
  const actorId = useId();
  const outcomeId = useId();
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="stack">
      <form
        className="toolbar"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)) as AuditFilters), from: filters.from, to: filters.to });
        }}
      >
        <div className="field">
          <label htmlFor={actionId}>Action</label>
          <select id={actionId} value={draft.action ?? ''} onChange={(e) => setDraft({ ...draft, action: e.target.value || undefined })}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={actorId}>Actor</label>
          <input id={actorId} type="text" placeholder="operator#1a2b3c4d" value={draft.actor ?? ''} onChange={(e) => setDraft({ ...draft, actor: e.target.value.trim() || undefined })} />
        </div>
        <div className="field">
          <label htmlFor={outcomeId}>Outcome</label>
          <select id={outcomeId} value={draft.outcome ?? ''} onChange={(e) => setDraft({ ...draft, outcome: e.target.value || undefined })}>
            <option value="">Any</option>
            <option value="intent">intent</option>
            <option value="ok">ok</option>
            <option value="started">started</option>
            <option value="error">error</option>
            <option value="refused">refused</option>
          </select>
        </div>
        <button type="submit" className="button primary">
          Apply filters
        </button>
        <div className={styles.buttons}>
          <a className="button" href={auditExportHref(filters, 'csv')} download>
            Export CSV
          </a>
          <a className="button" href={auditExportHref(filters, 'json')} download>
            Export JSON
          </a>
        </div>
      </form>
      <RangeForm
        label="Time range of the audit log"
        fromMs={filters.from ? Date.parse(filters.from) : undefined}
        toMs={filters.to ? Date.parse(filters.to) : undefined}
        maxSeconds={AUDIT_MAX_RANGE_SECONDS}
        onApply={(fromMs, toMs) => setFilters({ ...filters, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() })}
        onClear={filters.from || filters.to ? () => setFilters({ ...filters, from: undefined, to: undefined }) : undefined}
        testId="audit-range-form"
      />
      {log.isPending ? <Loading label="Loading the audit log…" /> : null}
      {log.isError ? <ErrorNotice title="The audit log could not be read." error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.isSuccess && items.length === 0 ? <EmptyNotice>No action matches these filters.</EmptyNotice> : null}
      {items.length ? (
        <div className="table-wrap">
          <table className="data" data-testid="audit-table">
            <caption className="sr-only">Audit log, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Targets</th>
                <th scope="col">Reason</th>
                <th scope="col">Result</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <Row key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {log.hasNextPage ? (
        <button type="button" className="button" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
        </button>
      ) : null}
    </div>
  );
}
