import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AuditPage } from '@/lib/contract/audit';
import { apiPath, getJson } from './api-client';
import { type AuditFilters, queryKeys } from './query-keys';

export const AUDIT_PAGE_SIZE = 50;

export const getAuditLog = (filters: AuditFilters, cursor: string | null, signal?: AbortSignal) =>
  getJson<AuditPage>('/api/v1/audit', { ...filters, cursor, limit: AUDIT_PAGE_SIZE }, signal);

export const auditLogQueryOptions = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: queryKeys.audit.list(filters),
    queryFn: ({ pageParam, signal }) => getAuditLog(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useAuditLog = (filters: AuditFilters) => useInfiniteQuery(auditLogQueryOptions(filters));

/** A download link for the filtered log (the server caps one export; see the route). */
export const auditExportHref = (filters: AuditFilters, format: 'csv' | 'json') => apiPath('/api/v1/audit', { ...filters, format });
