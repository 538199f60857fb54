/**
 * Every react-query key of the dashboard, in one place, so that invalidation
 * after an action can name exactly what it touched. Keys are hierarchical:
 * invalidating `queryKeys.keys.all` also refreshes every key list and detail.
 */
import type { RecordState, StoreName } from '@/lib/contract/vocabulary';

export interface KeyListFilters {
  state?: RecordState;
  pattern?: string;
}

export interface MessageListFilters {
  state?: RecordState;
  consumer?: string;
}

/** Filters of the audit log page; each is an exact match. */
export interface AuditFilters {
  action?: string;
  actor?: string;
  outcome?: string;
}

/** The chart's time range; the window itself slides with each refresh. */
export type DuplicateStatsRange = '1h' | '24h' | '7d';

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
