import type { Database } from '../../db/prisma';
import type { AuditEntry } from '../../contract/audit';
import { guarded } from './guard';

/** One audit row as written (the caller has already capped the listed targets): an entry before the table gives it its id and time. */
export type AuditRow = Omit<AuditEntry, 'id' | 'at'>;

/** Which entries a listing wants; every field narrows it. */
export interface AuditQuery {
  action?: string;
  actor?: string;
  outcome?: string;
  /** Only entries with an id below this (the page cursor). */
  beforeId?: bigint;
  from?: Date;
  to?: Date;
}

type Stored = Awaited<ReturnType<Database['auditEntry']['findFirstOrThrow']>>;

/** Appends one row; the table rejects any later change to it. An unreachable database is a StoreUnavailableError. */
export const insertAuditEntry = guarded(async (db: Database, row: AuditRow): Promise<AuditEntry> => {
  const stored = await db.auditEntry.create({ data: { ...row, parameters: row.parameters as object, seen: row.seen as object[], result: row.result as object } });
  return toEntry(stored);
});

/** Newest first, keyset-paged on id; each filter column leads an index together with id. */
export const findAuditEntries = guarded(async (db: Database, query: AuditQuery, take: number): Promise<AuditEntry[]> => {
  const rows = await db.auditEntry.findMany({
    where: {
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.beforeId !== undefined ? { id: { lt: query.beforeId } } : {}),
      ...(query.from || query.to ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
    },
    orderBy: { id: 'desc' },
    take,
  });
  return rows.map(toEntry);
});

function toEntry(row: Stored): AuditEntry {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actor: row.actor,
    role: row.role,
    action: row.action,
    actionId: row.actionId,
    store: row.store,
    outcome: row.outcome,
    parameters: row.parameters as Record<string, unknown>,
    targets: row.targets as string[],
    targetCount: row.targetCount,
    seen: row.seen as unknown[],
    reason: row.reason,
    result: row.result as Record<string, unknown>,
    clientAddress: row.clientAddress,
  };
}
