/**
 * Every react-query key of the dashboard, in one place, so that invalidation
 * after an action can name exactly what it touched. Keys are hierarchical:
 * invalidating `queryKeys.keys.all` also refreshes every key list and detail.
 */
import type { RecordState, StoreName, TimeAxis } from '@/lib/contract/vocabulary';

/** A listing's time window (ISO instants) and key search, as the Explorer's URL and the API spell them. */
export interface TimeWindowFilter {
  from?: string;
  to?: string;
  time?: TimeAxis;
  search?: string;
  match?: 'prefix' | 'substring';
}

export interface KeyListFilters extends TimeWindowFilter {
  state?: RecordState;
  pattern?: string;
  consumer?: string;
}

export interface MessageListFilters extends TimeWindowFilter {
  state?: RecordState;
  consumer?: string;
  sort?: 'newest' | 'oldest';
}

/** Filters of the audit log page; each is an exact match. */
export interface AuditFilters {
  action?: string;
  actor?: string;
  outcome?: string;
  /** ISO instants: entries at or after `from`, before `to`. */
  from?: string;
  to?: string;
}

/** The chart's time range: a named one whose window slides with each refresh, or a fixed `from/to` pair (ISO). */
export type DuplicateStatsRange = '1h' | '24h' | '7d' | `${string}/${string}`;

export const queryKeys = {
  health: ['health'] as const,
  overview: ['overview'] as const,
  duplicateStats: (range: DuplicateStatsRange) => ['stats', 'duplicates', range] as const,
  expiry: (store: StoreName) => ['expiry', store] as const,
  keys: {
    all: ['keys'] as const,
    list: (filters: KeyListFilters) => ['keys', 'list', filters] as const,
    detail: (key: string) => ['keys', 'detail', key] as const,
  },
  messages: {
    all: ['messages'] as const,
    list: (filters: MessageListFilters) => ['messages', 'list', filters] as const,
    detail: (id: string) => ['messages', 'detail', id] as const,
  },
  lookup: (q: string) => ['lookup', q] as const,
  session: ['session'] as const,
  audit: {
    all: ['audit'] as const,
    list: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  },
  purgeJobs: {
    all: ['purge-jobs'] as const,
    recent: ['purge-jobs', 'recent'] as const,
    detail: (jobId: string) => ['purge-jobs', 'detail', jobId] as const,
  },
};
