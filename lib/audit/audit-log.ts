import type { Database } from '../db/prisma';
import { guarded } from '../stores/postgres/guard';
import { type AuditFilter, type AuditInput, MAX_LISTED } from './entry';
import type { AuditEntry, AuditPage } from '../contract/audit';

type Row = Awaited<ReturnType<Database['auditEntry']['findFirstOrThrow']>>;

/** Appends one entry; the table rejects any later change to it. An unreachable database is a StoreUnavailableError. */
export const appendAudit = guarded(async (db: Database, input: AuditInput): Promise<AuditEntry> => {
  const targets = input.targets ?? [];
  const row = await db.auditEntry.create({
    data: {
      actor: input.actor,
      role: input.role,
      action: input.action,
      actionId: input.actionId ?? null,
      store: input.store ?? null,
      outcome: input.outcome,
      parameters: (input.parameters ?? {}) as object,
      targets: targets.slice(0, MAX_LISTED),
      targetCount: targets.length,
      seen: (input.seen ?? []).slice(0, MAX_LISTED) as object[],
      reason: input.reason ?? null,
      result: (input.result ?? {}) as object,
      clientAddress: input.clientAddress ?? null,
    },
  });
  return toEntry(row);
});

/** Newest first, keyset-paged on id; each filter column leads an index together with id. */
export const listAudit = guarded(async (db: Database, filter: AuditFilter, limit: number): Promise<AuditPage> => {
  const rows = await db.auditEntry.findMany({
    where: {
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
      ...(filter.beforeId !== undefined ? { id: { lt: filter.beforeId } } : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(toEntry);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
});

function toEntry(row: Row): AuditEntry {
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
